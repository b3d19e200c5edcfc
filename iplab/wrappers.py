"""Programs that run another program given in their own words: ``sudo ip ...``, ``env
A=1 ip ...``, ``timeout 5 ip ...``, ``nsenter -t PID -n ip ...``, ``nohup nc -l 9000``.

One table and one reader, for everyone who needs the command a line really runs: the
preflight's list of programs (:mod:`iplab.programs`), the refusal of changes to objects a
line does not name (:mod:`iplab.unnamed`), the servers a tutorial starts (:mod:`iplab.jobs`),
and the names a line makes (``--prefix``, :mod:`iplab.lab`). ``xargs`` and ``parallel`` are
not here: they run their command once for each word they read, which their callers read.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

#: sudo's options that take a value (``sudo -u USER ip ...``, ``sudo --user USER``)
SUDO_VALUED = frozenset(
    {
        *("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "-R"),
        *("--user", "--group", "--close-from", "--chdir", "--host", "--prompt", "--role"),
        *("--type", "--other-user", "--command-timeout", "--chroot"),
    }
)

#: wrapper -> (its options that take the next word as their value, how many words of its
#: own come after its options and before the command: ``timeout 5 CMD``, ``taskset 0x1 CMD``)
WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (SUDO_VALUED, 0),
    "doas": (frozenset({"-u", "-C"}), 0),
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}), 0),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), 1),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (frozenset({"-c", "--class", "-n", "--classdata", "-t"}), 0),
    "stdbuf": (frozenset({"-i", "-o", "-e"}), 0),
    "nohup": (frozenset(), 0),
    "setsid": (frozenset(), 0),
    "unbuffer": (frozenset(), 0),
    "command": (frozenset(), 0),
    "exec": (frozenset({"-a"}), 0),
    "time": (frozenset({"-f", "--format", "-o", "--output"}), 0),
    "watch": (frozenset({"-n", "--interval"}), 0),
    "taskset": (frozenset(), 1),
    "prlimit": (frozenset({"-p", "--pid", "-o", "--output"}), 0),
    "chrt": (frozenset(), 1),
    "flock": (frozenset({"-w", "--timeout", "-E", "--conflict-exit-code"}), 1),
    "runuser": (frozenset({"-u", "--user", "-g", "--group", "-G", "--supp-group"}), 0),
    "nsenter": (frozenset({"-t", "--target", "-S", "--setuid", "-G", "--setgid", "-w", "--wd"}), 0),
    "unshare": (
        frozenset({"-S", "--setuid", "-G", "--setgid", "--map-user", "--map-group", "-R"}),
        0,
    ),
    "systemd-run": (frozenset({"-p", "--property", "-u", "--unit", "-E", "--setenv"}), 0),
    "chroot": (frozenset(), 1),
    "strace": (frozenset({"-o", "-e", "-p", "-s", "-E", "-u", "-a", "-b", "-I", "-O", "-P"}), 0),
    "ltrace": (frozenset({"-o", "-e", "-p", "-s", "-E", "-u", "-a", "-n", "-l"}), 0),
    "numactl": (frozenset({"-N", "-C", "-m", "-p", "-i", "-P"}), 0),
    "cgexec": (frozenset({"-g"}), 0),
    "pkexec": (frozenset({"--user"}), 0),
    "sg": (frozenset(), 1),
    "builtin": (frozenset(), 0),
    "firejail": (frozenset(), 0),
    "caffeinate": (frozenset(), 0),
}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
#: ``command -v X`` and ``-V`` say where X is; they do not run it
_NOT_RUN = {"command": frozenset({"-v", "-V"})}


#: where programs are installed: ``/usr/bin/sysctl`` is ``sysctl``, ``/sbin/ip`` is ``ip``,
#: ``/usr/local/sbin/ip`` (built from source) is ``ip`` too (:func:`program_name`)
STANDARD_DIRS = (
    "/sbin/",
    "/usr/sbin/",
    "/bin/",
    "/usr/bin/",
    "/usr/local/sbin/",
    "/usr/local/bin/",
)


def program_name(word: str) -> str:
    """The program a command's first word names, the one reading of it for all of iplab:
    ``ip`` for ``ip`` and for its standard paths (``/sbin/ip``, ``/usr/sbin/ip``,
    ``/usr/bin/sysctl``: hunts N, EP, ES); any other word as it is (``./ip``,
    ``/opt/x/ip``, ``$IP``: another program). Only what iplab understands reads it: the
    words a step shows stay the author's."""
    for where in STANDARD_DIRS:
        name = word[len(where) :]
        if word.startswith(where) and name and "/" not in name:
            return name
    return word


def runs_sudo(argv: Sequence[str]) -> bool:
    """``argv`` is sudo's: ``sudo ...``, ``/usr/bin/sudo ...`` (hunt EY #4)."""
    return bool(argv) and program_name(argv[0]) == "sudo"


def sudo_said(command: str) -> str | None:
    """``"sudo "`` or ``"/usr/bin/sudo "`` (sudo at a standard path, hunt EY #4: as root on
    a host without sudo, iplab refused it where it ran ``sudo ip ...`` itself): the words
    a line starts with that are sudo, as written; None: it starts with no sudo."""
    first = command.split(" ", 1)[0]
    return (
        f"{first} " if command.startswith(f"{first} ") and program_name(first) == "sudo" else None
    )


def unwrap_once(argv: Sequence[str]) -> list[str] | None:
    """The words of the command the wrapper ``argv[0]`` runs (empty: it runs none); None
    when ``argv[0]`` is no wrapper, or runs nothing (``command -v X``)."""
    if argv and _ASSIGNMENT.match(argv[0]):
        return _past_assignments(argv)
    if not argv or (program := program_name(argv[0])) not in WRAPPERS:
        return None
    valued, leading = WRAPPERS[program]
    i = 1
    while i < len(argv) and (argv[i].startswith("-") or (
        program in ("env", "sudo") and _ASSIGNMENT.match(argv[i])
    )):  # fmt: skip
        if argv[i] == "--":
            i += 1
            break
        if argv[i] in _NOT_RUN.get(program, ()):
            return None
        if program == "env" and (split := _split_string(argv, i)) is not None:
            return split  # (env -S 'ip link set' eth0 down: ip link set eth0 down)
        i += 2 if _takes_a_value(argv[i], valued) else 1
    return list(argv[i + leading :]) if i + leading <= len(argv) else []


def _past_assignments(argv: Sequence[str]) -> list[str] | None:
    """``LC_ALL=C FOO=1 ip addr add ...``: the command after the shell's own assignments in
    front of it (which it sees as variables, as ``env LC_ALL=C ip ...`` sets them, hunt EY
    #3, left by EV); None for assignments alone (the shell's variables, no command)."""
    i = 0
    while i < len(argv) and _ASSIGNMENT.match(argv[i]):
        i += 1
    return list(argv[i:]) if i < len(argv) else None


def assigned_run(argv: tuple[str, ...], text: str) -> tuple[str, ...]:
    """What runs a command written with the shell's assignments in front of its program
    (``LC_ALL=C ip addr add ...``, hunt EY #3): ``env LC_ALL=C ip ...`` (the program sees
    them, as bash gives them), ``bash -c TEXT`` when sudo follows them (``LANG=C sudo ip
    ...``: a root without sudo has bash's ``sudo``, :data:`iplab.runner._SUDO_AS_ROOT`);
    ``argv`` itself without any. The text shown stays as written."""
    inner = _past_assignments(argv) if argv and _ASSIGNMENT.match(argv[0]) else None
    if not inner:
        return argv
    return ("bash", "-c", text) if program_name(inner[0]) == "sudo" else ("env", *argv)


def _split_string(argv: Sequence[str], i: int) -> list[str] | None:
    """``env -S STRING ARGS`` (``--split-string=STRING``): STRING's words, then the rest."""
    word = argv[i]
    if word in ("-S", "--split-string") and i + 1 < len(argv):
        text, rest = argv[i + 1], argv[i + 2 :]
    elif word.startswith(("--split-string=", "-S")) and word not in ("-S", "--split-string"):
        text, rest = word.split("=", 1)[1] if "=" in word else word[2:], argv[i + 1 :]
    else:
        return None
    try:
        return [*shlex.split(text), *rest]
    except ValueError:
        return [text, *rest]


def _takes_a_value(word: str, valued: frozenset[str]) -> bool:
    """The next word is this option's value: ``-u``, ``--user``, and short options joined
    whose last one takes it (``sudo -iu root``, ``-Eu``); not ``-uroot``, ``--user=root``."""
    if word in valued or word.startswith("--"):
        return word in valued
    for k, letter in enumerate(word[1:], 1):
        if not letter.isalpha():
            return False  # (-n/proc/1/ns/net, -p'': a value attached)
        if f"-{letter}" in valued:
            return k == len(word) - 1  # (-uroot: its value is the rest of the word)
    return False


#: wrappers that change only how their command runs (a time limit, a priority, buffering,
#: CPUs, a lock waited for), never where, as whom or how often: what the command does is
#: what it does written alone (``timeout 5 ip link set br0 mtu 1400``). Not ``setsid`` or
#: ``nohup`` (they may return before it ends, or take its output), nor ``watch`` (again
#: and again), ``env``, ``exec``, ``nsenter`` and the others that change where or as whom.
HOW_IT_RUNS = frozenset(
    {"timeout", "nice", "ionice", "stdbuf", "chrt", "taskset", "time", "command", "numactl"}
    # a tracer that only prints what its command asks of the kernel (``strace -e
    # unshare,mount ip netns add ns1``, hunt CA: a raw step, so ns1 was no name of the lab
    # and --prefix refused the page); not one that writes a file, attaches to another
    # process or runs it as another user (:data:`_TRACERS_ELSEWHERE`)
    | {"strace", "ltrace"}
)
#: a tracer's options that make it more than a way its command runs: a file of the host
#: written (``-o trace.txt``), another process attached to (``-p PID``), another user
_TRACERS_ELSEWHERE = frozenset({"-o", "-p", "-u", "--output", "--attach", "--user"})


#: env's options that change only the variables its command sees (``-u NAME``, ``-i``)
_ENV_VARIABLES = frozenset({"-u", "--unset", "-i", "--ignore-environment", "-"})


def _env_sets_only(argv: Sequence[str]) -> bool:
    """``env [VAR=VALUE...] [-u NAME] [-i] CMD``: the variables its command sees, no more
    (``env LC_ALL=C ip link add ...``, hunt EV, left by ET: a raw step iplab could not
    undo, the link it made unknown to the steps after it). Not ``env -C DIR`` (another
    directory) nor ``env -S`` (its words split again), nor ``env`` alone (it lists the
    variables)."""
    inner = unwrap_once(argv)
    if not inner:
        return False
    own = argv[1 : len(argv) - len(inner)]
    values = {i + 1 for i, word in enumerate(own) if word in ("-u", "--unset")}
    return all(
        i in values or word in _ENV_VARIABLES or word.startswith("--unset=") or word == "--"
        or bool(_ASSIGNMENT.match(word))
        for i, word in enumerate(own)
    )  # fmt: skip


def _only_how(argv: Sequence[str]) -> bool:
    """``argv``'s wrapper changes only how its command runs: one of :data:`HOW_IT_RUNS`, a
    tracer without a file, a process or a user of its own, an ``env`` that sets variables."""
    if _ASSIGNMENT.match(argv[0]):
        return _past_assignments(argv) is not None  # (LC_ALL=C ip ...: as env LC_ALL=C ip)
    program = program_name(argv[0])
    if program == "env":
        return _env_sets_only(argv)
    if program not in HOW_IT_RUNS:
        return False
    if program not in ("strace", "ltrace"):
        return True
    inner = unwrap_once(argv) or []
    own = argv[1 : len(argv) - len(inner)]
    return not any(
        word.split("=", 1)[0] in _TRACERS_ELSEWHERE
        or (word[:2] in ("-o", "-p", "-u") and not word.startswith("--"))
        for word in own
    )


def past_how_it_runs(argv: Sequence[str]) -> list[str]:
    """The command past the wrappers in front of it that only change how it runs
    (:data:`HOW_IT_RUNS`: ``timeout 5 nice -n 10 ip ...``: ``ip ...``); ``argv`` itself
    when it has none in front, or one that runs nothing (``command -v ip``)."""
    out = list(argv)
    while out and _only_how(out) and (inner := unwrap_once(out)):
        out = inner
    return out


def unwrapped(argv: Sequence[str]) -> list[str]:
    """The command past every wrapper (``sudo -E timeout 5 nsenter -t 1 -n ip ...``: ``ip
    ...``); ``argv`` itself when it runs no wrapper."""
    out = list(argv)
    while (inner := unwrap_once(out)) is not None:
        out = inner
    return out


#: the shells that run a script given with ``-c`` (``bash -lc SCRIPT``, ``sh -ec SCRIPT``)
SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ash", "ksh", "mksh", "yash", "fish"})
#: the shells' options that take the next word as their value (``bash -o pipefail -c ...``)
_SHELL_VALUED = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
#: programs that hand a ``-c``/``--command`` value to a shell (``su -c CMD root``)
_COMMAND_OPTION = frozenset({"su", "runuser", "flock", "script", "sg"})


def script_of(argv: Sequence[str]) -> str | None:
    """The shell script ``argv`` runs: a shell's ``-c`` script however its flags are
    joined (``bash -lc S``, ``sh -ec S``, ``bash -o pipefail -c S``), ``su [-] [USER] -c
    S``, ``runuser -l USER -c S``, ``flock FILE -c S``, ``eval WORDS`` (its words joined),
    ``watch [OPTIONS] WORDS`` (watch hands its words, joined, to ``sh -c``); None: none."""
    if not argv:
        return None
    program, args = program_name(argv[0]), list(argv[1:])
    if program == "eval":
        return " ".join(args) or None
    if program == "watch":
        inner = unwrap_once(argv)
        return " ".join(inner) if inner else None
    if program in SHELLS:
        return _shell_script(args)
    if program in _COMMAND_OPTION:
        for i, word in enumerate(args):
            if word.startswith("--command="):
                return word.split("=", 1)[1]
            if (word == "--command" or re.fullmatch(r"-[A-Za-z]*c", word)) and i + 1 < len(args):
                return args[i + 1]
    return None


def _shell_script(args: list[str]) -> str | None:
    """The script after a shell's options, when one of them is ``c`` (``-c``, ``-lc``)."""
    i, given = 0, False
    while i < len(args) and args[i][:1] in ("-", "+") and args[i] not in ("-", "--"):
        if args[i] in _SHELL_VALUED:
            i += 2
            continue
        given |= not args[i].startswith("--") and "c" in args[i][1:]
        i += 1
    i += 1 if args[i : i + 1] == ["--"] else 0
    return args[i] if given and i < len(args) else None
