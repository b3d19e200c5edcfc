"""A pid written out where a command takes one: ``ip netns attach web 13391``, ``ip netns
identify 51234``, ``nsenter -t 7001``. Copied from the author's session, it names another
process here, or none; where the session printed it for a job (``[1] 3113``), it is that
job, ``%1`` (see :mod:`iplab.jobs`).

Pure: what a command's words say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from iplab.ipwords import netns_named, verb_of
from iplab.words import (
    each_run,
    innermost,
    inside_netns,
    layers,
    namespace_entry,
    simple_commands,
    without_background,
)
from iplab.wrappers import program_name

#: the shell's own pids: the process running the step and its parents, all in the host's
#: namespaces (``ip netns attach here $$``)
SHELLS_OWN = frozenset({"$$", "${$}", "$PPID", "${PPID}", "$BASHPID", "${BASHPID}"})
#: a substitution that finds a pid by a program's name, on the line itself (``$(pidof
#: systemd)``, `` `pgrep sshd` ``): the host's process (the tutorial's are ``$!``, ``%1``)
_FOUND_BY_NAME = re.compile(r"(?:\$\(|`)\s*(?:pidof|pgrep)\b[^$`()]*(?:\)|`)")
#: a process's network namespace file: ``/proc/PID/ns/net`` (``/proc/PID/task/TID/ns/net``)
_NS_FILE = re.compile(r"/proc/(?P<pid>[^/]+)/(?:task/[^/]+/)?ns/net")


def literal_pid(command: str) -> str | None:
    """The pid written out where a command takes one: ``ip netns attach NAME 13391``, ``ip
    netns identify 51234``, ``nsenter -t 7001``, ``ip link set DEV netns 4187`` (not 1,
    init's: the host's namespaces). Copied from the author's session, it is another process
    here, or none (hunt W: the attach named a stranger's namespace, and the lab made its
    links in it). None: none."""
    for words in simple_commands(command) or []:
        argv = [w for w in words if w != "sudo"]
        argv = inside_netns(argv)[1] if argv else argv
        program = program_name(argv[0]) if argv else ""
        if program == "ip" and argv[1:3] == ["netns", "attach"]:
            pid = argv[4] if len(argv) == 5 else ""
        elif program == "ip" and argv[1:3] == ["netns", "identify"]:
            pid = argv[3] if len(argv) == 4 else ""
        elif program == "nsenter":
            pid = next(nsenter_targets(argv[1:]), "")
        elif program == "ip":
            pid = _moved_to(argv[1:]) or ""
        else:
            continue
        if pid.isdigit() and pid != "1":
            return pid
    return None


#: a file of a process written out by its pid: ``/proc/19120/ns/net``, ``/proc/4711/status``
_PROC_PID = re.compile(r"/proc/(?P<pid>\d+)(?:/|$)")


def proc_pid(command: str) -> str | None:
    """The pid a path of ``/proc`` names in a word of ``command`` (``stat -L -c %i
    /proc/19120/ns/net``): copied from the author's session (what ``ls -l /proc/$$/ns/net``
    printed there), it is another process here, or none, and the step fails (p7, hunt CG).
    Not 1, init's (the host's own: :func:`names_the_hosts_netns`). None: none."""
    for words in simple_commands(command) or []:
        if program_name(words[0]) in ("echo", "printf") if words else True:
            continue  # (a path printed is no process read)
        for word in words:
            found = _PROC_PID.match(word.split("=", 1)[-1])
            if found is not None and found["pid"] != "1":
                return found["pid"]
    return None


def printed_by(pid: str, printed: str) -> bool:
    """``printed`` (what a line printed in the author's session) shows ``pid`` as a word
    or in a path of ``/proc`` (``4711``, ``/proc/19120/ns/net -> net:[4026531992]``)."""
    return re.search(rf"(?<![\w.:-]){re.escape(pid)}(?![\w.:-])", printed) is not None


def _moved_to(args: list[str]) -> str | None:
    """The namespace ``ip link set DEV netns WHERE`` moves a link to (``ip`` ``args``, the
    words after the program; hunt AH #1: ``ip link set veth1 netns 4187``, a pid of the
    author's session, moved the lab's link into a stranger's namespace). None: another
    command."""
    verb = verb_of("ip", args)
    if (verb.obj, verb.verb) != ("link", "set") or "netns" not in verb.rest[:-1]:
        return None
    return verb.rest[verb.rest.index("netns") + 1]


def hosts_own(pid: str) -> bool:
    """``pid`` (a word where a command takes one) is a process in the host's own namespaces:
    init's (``1``), the shell's own (``$$``, ``$PPID``), ``self``, or one a substitution
    finds by its program's name (``$(pidof systemd)``)."""
    return (
        pid in ("1", "self", "thread-self")
        or pid in SHELLS_OWN
        or bool(_FOUND_BY_NAME.fullmatch(pid))
    )


def names_the_hosts_netns(command: str) -> str | None:
    """The simple command of ``command`` that gives the host's own network namespace a
    name of /run/netns: ``ip netns attach NAME 1`` (``$$``, ``$PPID``, ``$(pidof
    systemd)``), ``ln -s /proc/1/ns/net /var/run/netns/NAME``, ``mount --bind
    /proc/self/ns/net /run/netns/NAME``. Hunt AF #1: the lab's steps in that "namespace"
    changed the host's links (``ip -n host link set eth0 promisc on``), and ``down`` took
    the name alone away. None: none does."""
    for argv in each_run(command):  # (sudo and its options too)
        program = program_name(argv[0]) if argv else ""
        if program == "ip" and argv[1:3] == ["netns", "attach"] and len(argv) == 5:
            if hosts_own(argv[4]):
                return " ".join(argv)
        elif program in ("ln", "mount") and any(
            (found := _NS_FILE.fullmatch(w)) and hosts_own(found["pid"]) for w in argv[1:]
        ):
            return " ".join(argv)
    return None


def netns_path_named(command: str) -> tuple[str, str] | None:
    """(the simple command, the name) of ``command`` that names a namespace by a path: a
    name with ``/`` in it (``ip -n ../../proc/1/ns/net``, ``--netns=/proc/1/ns/net``, ``ip
    netns exec ../x``, ``ip link set X netns /proc/1/ns/net``). ip opens such a name as a
    file, which may be the host's own namespace (``ip netns exec`` refuses it: "Invalid
    netns name"; ``ip -n`` does not). Hunt AG #1: ``ip -n ../../proc/1/ns/net link set
    eth0 alias pwned`` changed the host's eth0. None: none does."""
    for words in simple_commands(command) or []:
        for argv in layers(words):  # (sudo and its options too)
            if (ns := inside_netns(argv)[0]) is not None and _a_path(ns):
                return " ".join(argv), ns
        argv = innermost(words)
        program = program_name(argv[0]) if argv else ""
        if program in ("ip", "tc", "bridge"):
            named = [n for n in netns_named(program, argv[1:]) if _a_path(n)]
            if named:
                return " ".join(argv), named[0]
    return None


def _a_path(name: str) -> bool:
    """ip reads ``name`` as a path: it has ``/`` in it, or is ``.`` or ``..``."""
    return "/" in name or name in (".", "..")


def nsenter_targets(args: list[str]) -> Iterator[str]:
    """The pids nsenter's ``-t PID``, ``-tPID``, ``--target PID``, ``--target=PID`` name."""
    for i, arg in enumerate(args):
        if arg in ("-t", "--target") and i + 1 < len(args):
            yield args[i + 1]
        elif arg.startswith("--target="):
            yield arg.split("=", 1)[1]
        elif arg.startswith("-t") and not arg.startswith("--"):
            yield arg[2:]


def with_job_pids(command: str, printed: Mapping[str, str]) -> str:
    """``ip netns attach web 3113`` where the session printed ``[1] 3113`` after ``unshare
    -n sleep infinity &``: ``ip netns attach web %1``, the job (``printed``: each pid the
    session printed for a job, and the job's ``%N``)."""
    pid = literal_pid(command)
    if pid is None or pid not in printed:
        return command
    return re.sub(rf"(?<![\w./%-]){pid}(?![\w./-])", printed[pid], command)


#: a job named where a command takes a pid: ``%1``, ``$(jobs -p %1)`` (the importer's
#: ``$!``)
_JOB_NAMED = re.compile(r"%(\d+)|\$\(jobs -p %(\d+)\)")


def job_named(command: str) -> int | None:
    """The number of the job whose pid ``command`` gives where it takes a process's
    namespace (``ip netns attach NAME %1``, ``ip link set X netns %1``, ``nsenter -t %1
    -n``, ``mount --bind /proc/%1/ns/net /run/netns/NAME``, ``ln -s /proc/%1/ns/net
    ...``); None: none."""
    for words in simple_commands(command) or []:
        for argv in layers(words):
            program = program_name(argv[0])
            if program == "ip" and argv[1:3] == ["netns", "attach"] and len(argv) == 5:
                said = [argv[4]]
            elif program == "ip":
                said = [_moved_to(argv[1:]) or ""]
            elif program == "nsenter" and (entry := namespace_entry(argv)) and entry.net:
                said = list(nsenter_targets(argv[1:]))
            elif program in ("ln", "mount"):  # (mount --bind /proc/$!/ns/net /run/netns/x)
                said = [f["pid"] for w in argv[1:] if (f := _NS_FILE.fullmatch(w))]
            else:
                continue
            for word in said:
                if found := _JOB_NAMED.fullmatch(word):
                    return int(found[1] or found[2])
    return None


def in_a_network_of_its_own(job: str) -> bool:
    """The job ``CMD &`` runs in a network namespace other than the host's: ``unshare
    --net``, ``ip netns exec NS``, ``nsenter --net=...``/``-n -t PID``. A plain ``sleep
    1000 &`` (or ``docker run ... &``, whose client runs on the host) does not: its pid
    names the host's own namespace (hunt AF #13: ``ip netns attach here $!`` then ``ip -n
    here link set lo down`` set the host's lo down)."""
    for words in simple_commands(without_background(job) or job) or []:
        for argv in layers(words):
            entry = namespace_entry(argv)
            if inside_netns(argv)[0] is not None or (entry is not None and entry.net):
                return True
    return False
