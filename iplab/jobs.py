"""A tutorial's job control, as it means something in a lab: ``kill %1``, ``kill $!``,
``wait %1``, ``pkill -f http.server``, ``killall tcpdump``.

In the tutorial's shell, ``server &`` is job 1 and ``$!`` its pid. In iplab each step
runs in a shell of its own, where job 1 does not exist: the importer gives ``$!`` the
value ``%N`` (the Nth command the input runs in the background), and the run reads
``kill %N`` as "signal what the lab's Nth background step left running" (see
:meth:`iplab.lab.Session._job_control`). ``pkill`` and ``killall`` are scoped the same
way: they signal the lab's jobs and the processes in its namespaces that match, never
another process of the host.

Pure: what a command asks for (:func:`request`) and whether a process matches it.

Why this module is long: every spelling of a signal a tutorial sends (kill, pkill, killall,
a listing of pids fed to kill, fuser -k, killall5) is judged here, scoped or refused, by one
reader of the same words past the same wrappers, beside the jobs it reaches.
"""

from __future__ import annotations

import re
import shlex
import signal
from dataclasses import replace

from iplab.ipwords import verb_of
from iplab.records import Record, frozen
from iplab.words import (
    NETCATS,
    QUIETING,
    innermost,
    inside_netns,
    joined_commands,
    layers,
    listens,
    namespace_entry,
    plain_words,
    shell_tokens,
    simple_commands,
    unquieted,
    without_background,
)
from iplab.wrappers import program_name, runs_sudo, unwrapped

#: ``%1``, ``%%``, ``%+``, ``%-``, ``%``: bash's job specifications by number or recency
_SPEC = re.compile(r"%(?:[1-9][0-9]*|[%+-])?")


@frozen
class Request(Record):
    """What a job-control command asks: ``signal`` sent (0: ``wait``, which waits for the
    jobs to end) to the jobs ``specs`` name (``kill %1``), or to the lab's processes that
    match ``pattern`` (``pkill``, ``killall``)."""

    program: str
    signal: int
    specs: tuple[str, ...] = ()
    pattern: str | None = None
    #: pkill -f: the pattern is searched in the whole command line, not the name
    full: bool = False
    #: killall NAME, pkill -x: the name must be the pattern, whole
    exact: bool = False
    #: ``CMD || true``: what it asks, and a job it finds no process of is no failure
    tolerant: bool = False


def request(command: str) -> Request | None:
    """The job control ``command`` asks for; None: not one iplab reads (a pid, an option
    it does not know, shell syntax), which then runs as written. ``ip netns exec NS pkill
    tcpdump`` is read as ``pkill tcpdump``: the namespaces share the host's processes, so
    run as written it would signal every tcpdump of the host."""
    if (left := _tolerated(command)) is not None:  # pkill -f srv || true (hunt AM)
        asked = request(left)
        return None if asked is None else replace(asked, tolerant=True)
    quiet = unquieted(command) if "/dev/null" in command else None
    if quiet is not None and quiet != command:  # (kill %1 2>/dev/null: the same kill)
        return request(quiet)
    argv = plain_words(command)
    if argv is None:  # kill $(pgrep -f x), pgrep -f x | xargs kill: a pkill, as bash ran it
        return _fed_kill(command)
    # past sudo's options and wrappers (sudo -E, timeout 5, nohup, env: hunt AF #6)
    ns, inner = _run_by(argv)
    if ns is None or (bool(inner) and program_name(inner[0]) in ("pkill", "killall")):
        argv = inner  # a namespace holds no process of its own: the host's all match
    if not argv or program_name(argv[0]) not in ("kill", "wait", "pkill", "killall"):
        return None
    program, args = program_name(argv[0]), argv[1:]
    if program in ("pkill", "killall"):
        args = _options_first(args)  # (killall opensand-st -q: hunt EU, refused as the host's)
    if program == "wait":  # (alone: every job)
        ok = all(_SPEC.fullmatch(a) for a in args)
        return Request(program, 0, tuple(args)) if ok else None
    sig: int | None = signal.SIGTERM
    full = exact = False
    while args and args[0].startswith("-") and args[0] != "--" and not _SPEC.fullmatch(args[0]):
        option = args.pop(0)
        if option in ("-s", "--signal") and args and program != "pkill":
            sig = _signal(args.pop(0))
        elif option in ("-f", "--full") and program == "pkill":
            full = True
        elif option in ("-x", "--exact") and program == "pkill":
            exact = True
        elif option in ("-q", "--quiet") and program == "killall":
            continue
        elif program == "pkill" and option in ("--newest", "--oldest", "--echo"):
            continue  # (the newest of the lab's: iplab signals each of the lab's that match)
        elif program == "pkill" and re.fullmatch(r"-[fxnoe]+", option):
            full, exact = full or "f" in option, exact or "x" in option
        else:
            sig = _signal(option[1:].removeprefix("-"))
        if sig is None:
            return None
    args = args[1:] if args[:1] == ["--"] else args
    assert sig is not None
    if program == "kill":
        ok = bool(args) and all(_SPEC.fullmatch(a) for a in args)
        return Request(program, sig, tuple(args)) if ok else None
    if len(args) != 1:
        return None
    return Request(program, sig, pattern=args[0], full=full, exact=program == "killall" or exact)


def _options_first(args: list[str]) -> list[str]:
    """pkill's and killall's words as they read them: their options (GNU getopt's, which
    take them after the name too: ``killall opensand-st -q``, hunt EU) before the name; a
    ``-s``/``--signal``'s value kept with it; after ``--``, names only."""
    options: list[str] = []
    names: list[str] = []
    words = iter(args)
    for word in words:
        if word == "--":
            names += list(words)
            break
        if word.startswith("-") and word != "-":
            options.append(word)
            if word in ("-s", "--signal"):
                options += [next(words, "")]
        else:
            names.append(word)
    return options + (["--", *names] if any(n.startswith("-") for n in names) else names)


def _tolerated(command: str) -> str | None:
    """``CMD || true`` (or ``|| :``) -> ``CMD``, the command whose failure bash lets pass;
    None for any other line. Hunt AM: ``pkill -f srv || true`` was refused as a signal to
    the host's processes, and ``kill %1 || true`` ran in a shell that has no job 1."""
    tokens = shell_tokens(command)
    if not tokens or len(tokens) < 3 or tokens[-2:] not in (["||", "true"], ["||", ":"]):
        return None
    left = command[: command.rindex("||")].rstrip()
    return left if "||" not in (shell_tokens(left) or ["||"]) else None


def _run_by(argv: list[str]) -> tuple[str | None, list[str]]:
    """The command ``argv`` runs past wrappers (``sudo -E``, ``timeout 5``, ``nohup``,
    ``env``: :func:`iplab.wrappers.unwrapped`) and ``ip netns exec NS``, and NS (None:
    none)."""
    ns, inner = inside_netns(unwrapped(argv)) if argv else (None, argv)
    return ns, unwrapped(inner)


_SIGNAL_WORDS = r"(?:\s+(?:-s\s+\S+|--signal\s+\S+|-\S+))*"
#: kill [-SIG] $(LISTING) or `LISTING`; LISTING | xargs [-r] kill [-SIG] (sudo anywhere)
_KILL_OF = re.compile(rf"kill(?P<sig>{_SIGNAL_WORDS})\s+(?:\$\((?P<a>[^()]+)\)|`(?P<b>[^`]+)`)")
_XARGS_KILL = re.compile(
    rf"(?P<a>.+?)\|\s*(?:sudo\s+)?xargs(?:\s+-r|\s+--no-run-if-empty)*\s+(?:sudo\s+)?kill"
    rf"(?P<sig>{_SIGNAL_WORDS})"
)


def _fed_kill(command: str) -> Request | None:
    """``kill $(pgrep -f P)``, ``kill -9 `pidof nc```, ``pgrep -f P | xargs kill``, ``kill
    $(ps aux | grep '[h]ttp.server' | awk '{print $2}')``: the pkill (or killall) they are,
    which iplab limits to the lab; None: another line. Run as written, each signalled the
    host's processes that match, and iplab's own step with them (its ``bash -c`` holds the
    pattern)."""
    line = " ".join(w for w in command.split() if w != "sudo")
    line = QUIETING.sub("", line)  # (kill $(pgrep -f x) 2>/dev/null: the same kill)
    found = _KILL_OF.fullmatch(line) or _XARGS_KILL.fullmatch(line)
    if found is None:
        return None
    sig = _signal_of(found["sig"].split())
    listing = _listed(found["a"] or found.groupdict().get("b") or "")
    if sig is None or listing is None:
        return None
    program, pattern, full, exact = listing
    return Request(program, sig, pattern=pattern, full=full, exact=exact)


def signalled_netns(command: str) -> str | None:
    """``kill [-SIG] $(ip netns pids NS)``, ``ip netns pids NS | xargs [-r] kill [-SIG]``
    (``sudo`` anywhere, ``2>/dev/null`` after): the namespace NS whose processes, and only
    those, the line signals (hunt AF #9: ``ip netns pids`` lists the processes of that
    namespace); None: another line."""
    line = QUIETING.sub("", " ".join(w for w in command.split() if w != "sudo"))
    found = _KILL_OF.fullmatch(line) or _XARGS_KILL.fullmatch(line)
    if found is None or _signal_of(found["sig"].split()) is None:
        return None
    listing = plain_words(found["a"] or found.groupdict().get("b") or "")
    if listing is None or len(listing) != 4 or listing[:3] != ["ip", "netns", "pids"]:
        return None
    return listing[3]


def _signal_of(words: list[str]) -> int | None:
    """The signal ``kill``'s options name (``-9``, ``-KILL``, ``-s INT``); default TERM."""
    if not words:
        return int(signal.SIGTERM)
    if words[0] in ("-s", "--signal") and len(words) == 2:
        return _signal(words[1])
    return _signal(words[0][1:]) if len(words) == 1 else None


def _listed(listing: str) -> tuple[str, str, bool, bool] | None:
    """What a listing of pids names: ``pgrep [-f] [-x] P`` (pkill's), ``pidof NAME``
    (killall's), ``ps ... | grep P [| grep -v grep] | awk '{print $2}'`` (pkill -f's, the
    ``[h]ttp`` trick undone); None: another listing."""
    stages = [stage.strip() for stage in listing.split("|")]
    try:
        words = shlex.split(stages[0])
    except ValueError:
        return None
    if len(stages) == 1 and bool(words) and program_name(words[0]) == "pidof" and len(words) == 2:
        return "killall", words[1], False, True
    if len(stages) == 1 and bool(words) and program_name(words[0]) == "pgrep":
        options = [w for w in words[1:] if w.startswith("-")]
        rest = [w for w in words[1:] if not w.startswith("-")]
        if len(rest) != 1 or not all(re.fullmatch(r"-[fxnol]+|--full|--exact", o) for o in options):
            return None
        full = any("f" in o for o in options if not o.startswith("--")) or "--full" in options
        exact = any("x" in o for o in options if not o.startswith("--")) or "--exact" in options
        return "pkill", rest[0], full, exact
    if words[:1] != ["ps"] or len(stages) < 3 or not stages[-1].startswith("awk"):
        return None
    patterns = []
    for stage in stages[1:-1]:
        try:
            grep = shlex.split(stage)
        except ValueError:
            return None
        if grep == ["grep", "-v", "grep"]:
            continue
        if len(grep) != 2 or grep[0] != "grep":
            return None
        patterns.append(re.sub(r"\[(.)\]", r"\1", grep[1]))
    return ("pkill", patterns[0], True, False) if len(patterns) == 1 else None


def unscoped_signal(command: str, netns: bool = False) -> str | None:
    """A line that signals processes iplab cannot limit to the lab: ``pkill``/``killall``
    with options iplab does not read, or within shell syntax; ``kill`` of a pid written
    out (the author's machine's: here, another process) or fed by a listing; ``xargs
    kill``; ``kill`` of a pid read from a file or a variable (:func:`_kill_of_a_value`).
    The part that does it; None: none (``kill %1``, ``kill $!``, a scoped pkill).
    ``netns``: the command runs in a namespace of the lab (``fuser -k 80/tcp`` finds only
    the processes of that namespace's sockets there)."""
    if request(command) is not None:
        return None
    tokens = shell_tokens(command) or []
    # (a stream's number before its redirection, 2>/dev/null, is no pid)
    streams = {i for i, t in enumerate(tokens[:-1]) if t.isdigit() and tokens[i + 1][:1] in "<>"}
    cleaned = " ".join(shlex.quote(t) if i not in streams and not set(t) <= set("<>&|;()")
                       else ("" if i in streams else t) for i, t in enumerate(tokens))  # fmt: skip
    for words in simple_commands(cleaned) or []:
        ns, argv = _run_by(words)
        if not argv:
            continue
        program, args = program_name(argv[0]), argv[1:]
        if program in ("pkill", "killall", "killall5") or (program == "xargs" and "kill" in args):
            return shlex.join(argv)
        inside = netns or ns is not None  # (a port's sockets there are the lab's)
        if program == "fuser" and _kills(args) and not (inside and _ports_only(args)):
            return shlex.join(argv)  # (fuser -k 53/udp: the host's processes on the port)
        pids = [w for w in args if w.isdigit()] + [w for w in args[1:] if w == "-1"]
        if program == "kill" and pids:  # (kill -9 -1: every process the user may signal)
            return shlex.join(argv)
    listed = re.search(
        r"\bkill\b[^|;&]*(?:\$\(|`)\s*(?:sudo\s+)?(?:pgrep|pidof|ps|lsof|fuser|ss|netstat)\b",
        command,
    )
    return "kill $(...)" if listed else _kill_of_a_value(command)


#: words before a command that are the shell's, not its program (``do kill $p``)
_KEYWORDS = frozenset({"do", "then", "else", "{", "!", "time"})


def _kill_of_a_value(command: str) -> str | None:
    """``kill $(cat PIDFILE)``, ``kill $PID``, ``for p in $(cat f); do kill $p; done``: a
    kill of a pid read from a file or a variable iplab cannot tie to the lab (hunt W: the
    pid file a stranger's pid was in; ``kill`` signalled it). Tied to the lab: ``$!``, a
    variable the same line sets to ``$!``, ``$(jobs -p)``. The kill, as written (its output
    sent to /dev/null at the end left out: hunt AF #11, the 2 of ``2>/dev/null`` was said
    as a word of the kill); None: none."""
    parts = simple_commands(QUIETING.sub("", command)) or []
    tied = {w[: -len("=$!")] for words in parts for w in words[:1] if w.endswith("=$!")}
    for words in parts:
        argv = list(words)
        while argv and argv[0] in _KEYWORDS:
            argv = argv[1:]
        argv = _run_by(argv)[1]
        killing = bool(argv) and program_name(argv[0]) == "kill"
        if killing and any(_untied(arg, tied) for arg in argv[1:]):
            return " ".join(argv)
    return None


def _kills(args: list[str]) -> bool:
    """fuser's words say ``-k`` (``--kill``, ``-km``, ``-ki``)."""
    return any(a == "--kill" or re.fullmatch(r"-[a-zA-Z]*k[a-zA-Z]*", a) for a in args)


def _ports_only(args: list[str]) -> bool:
    """fuser's words name ports only (``80/tcp``, ``-n udp 53``), no file: what holds them
    is found in the namespace it runs in."""
    names = [a for i, a in enumerate(args) if not a.startswith("-") and args[i - 1 : i] != ["-n"]]
    spaced = any(a in ("-n", "--namespace") for a in args)
    return bool(names) and all(spaced or re.fullmatch(r"[\d,]*/(?:tcp|udp)", a) for a in names)


def _untied(word: str, tied: set[str]) -> bool:
    """A word of ``kill`` that holds a value iplab cannot tie to the lab's jobs."""
    if "$" not in word and "`" not in word:
        return False
    name = word.removeprefix("$").removeprefix("{").removesuffix("}")
    if name in ("!", "$") or name in tied:
        return False
    return not re.fullmatch(r"\$\(\s*jobs\s+-p[^()]*\)", word)


#: listening servers, by program: the options that make one listen (None: it always does)
_SERVERS = frozenset({"iperf", "iperf3", "python3", "python", *NETCATS} - {"telnet"})


def _run_words(command: str) -> list[str] | None:
    """The words of the program a command runs, after ``sudo``, ``ip netns exec NS`` and
    a wrapper (``nohup``, ``setsid -f``, ``stdbuf -oL``, ``timeout 5``), its output sent on
    (``> got.txt``, ``| tee log``: the first command of a pipeline; hunt Q: ``nc -l 7000 >
    got.txt`` in "another terminal" ran in the foreground until its time limit)."""
    argv = plain_words(command)
    if argv is None and without_background(command) is None:  # (server &: in the background)
        parts = simple_commands(command)
        argv = parts[0] if parts and "<" not in command and "&" not in command else None
    return _program(argv) if argv else None


def _program(argv: list[str]) -> list[str]:
    """``argv`` past its wrappers, ``ip netns exec NS`` and busybox (``busybox nc -l``)."""
    argv = innermost(argv)
    while argv and program_name(argv[0]) == "busybox":  # (busybox nc -l 9000: its applet)
        argv = innermost(argv[1:])
    return argv


def _pipeline(command: str) -> list[list[str]]:
    """The programs of a command that is one pipeline, each as :func:`_run_words` reads it,
    its input and output redirected or not (``nc -l 9000 < page.html``, ``nc -lkp 8080
    <<< OK``, ``echo -e "HTTP/1.1 200 OK..." | nc -l -p 8080``); none for a command that
    runs in the background (``server &``) or joins commands otherwise (``;``, ``&&``)."""
    argv = plain_words(command)
    if argv is not None:
        members = [argv]
    elif without_background(command) is None and "&" not in command:
        joined = joined_commands(command) or []
        pipeline = all(after in ("|", "") for _words, after in joined)
        members = [words for words, _after in joined if words] if pipeline else []
    else:
        members = []
    return [program for words in members if (program := _program(words))]


def serves(command: str) -> bool:
    """A server a tutorial runs in the foreground, meant to go on in another terminal while
    the next commands reach it: ``nc -l 9000``, ``iperf3 -s``, ``python3 -m http.server``,
    ``socat TCP-LISTEN:80 ...`` (also inside ``ip netns exec NS``), what it answers given
    as its input (``nc -lkp 8080 <<< OK``, ``echo ... | nc -l 8080``: hunt of 2026-12-01,
    the server ran in the foreground until its time limit and the run rolled back). Not
    one that ends by itself or already runs in the background (``iperf3 -s -D``,
    ``server &``)."""
    first = _run_words(command)
    return bool(first and _serves(first)) or any(_serves(argv) for argv in _pipeline(command))


def _serves(argv: list[str]) -> bool:
    """:func:`serves` of one program of a pipeline."""
    if program_name(argv[0]) not in _SERVERS:
        return False
    program, args = program_name(argv[0]), argv[1:]
    if program.startswith("python"):  # (python3 -u -m http.server: its options first)
        at = args.index("-m") if "-m" in args else -1
        return at >= 0 and args[at + 1 : at + 2] in (["http.server"], ["SimpleHTTPServer"])
    if program in NETCATS:
        return listens(program, args)
    flags = {a for a in args if a.startswith("-")}
    clustered = {f"-{c}" for a in flags if not a.startswith("--") for c in a[1:]}
    if {"-D", "--daemon"} & (flags | clustered):
        return False
    return bool({"-s", "--server"} & (flags | clustered))


def daemon_server(command: str) -> bool:
    """A server that puts itself in the background and listens on (``iperf3 -s -D``,
    ``iperf -s -D``, also inside ``ip netns exec NS``), writing no file of the host (no
    ``-I``/``--pidfile``, ``--logfile``): all it leaves is its process, which undo stops
    in a namespace the lab makes (hunt BK: import and up said it a step iplab cannot
    undo, whose change stays after down, and down stopped it)."""
    argv = _run_words(command)
    if not argv or program_name(argv[0]) not in ("iperf", "iperf3"):
        return False
    args = argv[1:]
    flags = {a for a in args if a.startswith("-")}
    short = {f"-{c}" for a in flags if not a.startswith("--") for c in a[1:]}
    writes = {"-I", "--pidfile", "--logfile", "-o", "--output"} & (flags | short)
    writes |= {a for a in flags if a.startswith(("--pidfile=", "--logfile=", "--output="))}
    daemon = {"-D", "--daemon"} & (flags | short)
    return bool(daemon and {"-s", "--server"} & (flags | short) and not writes)


def unshares_the_network(command: str) -> bool:
    """``unshare --net --fork sleep infinity &``: a job that makes a network namespace with
    no name, which the next steps reach through its pid (``nsenter -t $!``, ``ip link set
    X netns $!``). Run right after it, they could find it still in the host's namespace
    (hunt N, once under load: ``nsenter -t $PID -n ip link`` listed the host's links)."""
    for words in simple_commands(without_background(command) or command) or []:
        entry = namespace_entry(words[1:] if runs_sudo(words) else words)
        if entry is not None and entry.program == "unshare" and entry.net and not entry.named:
            return True
    return False


_CAPTURES = frozenset({"tcpdump", "tshark", "dumpcap"})


def captures(command: str) -> bool:
    """A live capture a tutorial runs in the foreground (``tcpdump -ni br0``, also inside
    ``ip netns exec NS``): the packets it shows are the next commands' own, so it runs
    beside them, as in the reader's second terminal (not one that reads a file, ``-r``)."""
    argv = _run_words(command)
    if not argv or program_name(argv[0]) not in _CAPTURES:
        return False
    return not any(a == "-r" or (a.startswith("-r") and len(a) > 2) for a in argv[1:])


def monitors(command: str) -> bool:
    """A watcher of the kernel's events (``ip monitor``, ``ip -n src monitor route rule``,
    ``bridge monitor fdb``, ``tc monitor``): like a capture, it never ends and shows what
    the next commands change (hunt W: run in the foreground for 3 s before them, it showed
    none of them)."""
    argv = _run_words(command)
    program = program_name(argv[0]) if argv else ""
    return (
        argv is not None
        and program in ("ip", "bridge", "tc")
        and (verb_of(program, argv[1:]).obj == "monitor")
    )


def beside(command: str) -> bool:
    """A command the tutorial runs beside the next ones, as in a second terminal: a server
    (:func:`serves`), a live capture (:func:`captures`) or a monitor (:func:`monitors`)."""
    return serves(command) or captures(command) or monitors(command)


#: programs that run until stopped and never listen (``ping 10.0.0.2`` in console 1 while
#: console 2 captures): run in the background, nothing waits for them to listen
_SENDERS = frozenset({"ping", "ping6", "arping", "fping", "mtr"})


def never_listens(command: str) -> bool:
    """A command left running that nothing reaches: a sender (:func:`sends_only`), or
    ``watch CMD``, which shows CMD's output again every few seconds (hunt BS #7: ``watch -n 1
    ip -s link show v-blue`` typed before "in another terminal" made the run wait 5 s for
    it to listen)."""
    argv = plain_words(command)
    return sends_only(command) or (
        argv is not None
        and any(program_name(layer[0]) == "watch" for layer in layers(argv) if layer)
    )


def sends_only(command: str) -> bool:
    """A command the tutorial leaves running in one terminal while it goes on in another
    (``ping 10.11.12.2``, then ``tcpdump -i ve1 arp`` "in another console"), which sends
    and never listens: the next step need not wait for it to listen (hunt BQ: "not
    listening after 5 s")."""
    argv = _run_words(command)
    return argv is not None and bool(argv) and program_name(argv[0]) in _SENDERS


#: what a capture prints once it captures (tcpdump: ``listening on br0, link-type ...``)
CAPTURING = ("listening on ", "Capturing on ")


def serves_in_background(command: str) -> bool:
    """``server &`` (``ip netns exec srv python3 -m http.server 8080 > log &``): a server
    the tutorial starts in the background, which the next commands may reach at once."""
    rest = without_background(command)
    parts = simple_commands(rest) if rest is not None else None
    return parts is not None and len(parts) == 1 and serves(shlex.join(parts[0]))


def _signal(text: str) -> int | None:
    """``9``, ``KILL``, ``SIGKILL``, ``INT``, ``0`` (whether the job lives): the signal's
    number; None: not a signal."""
    if text.isdigit():
        number = int(text)
        return number if number == 0 or number in signal.Signals._value2member_map_ else None
    name = text.upper()
    name = name if name.startswith("SIG") else f"SIG{name}"
    member = signal.Signals.__members__.get(name)
    return int(member) if member is not None else None


def pick(specs: tuple[str, ...], count: int) -> tuple[list[int], list[str]]:
    """The jobs (0-based, of ``count`` started so far) ``specs`` name, and the specs that
    name none (bash: ``kill: %3: no such job``)."""
    if not specs:  # wait: every job
        return list(range(count)), []
    found: list[int] = []
    missing: list[str] = []
    for spec in specs:
        key = spec[1:]
        index = count - 1 if key in ("", "%", "+") else count - 2 if key == "-" else int(key) - 1
        if 0 <= index < count:
            found.append(index)
        else:
            missing.append(spec)
    return found, missing


def matches(req: Request, comm: str, cmdline: str) -> bool:
    """Whether a process (its name, ``comm``, and its command line) is one ``pkill`` or
    ``killall`` means: the name (or, with ``pkill -f``, the command line) matches the
    pattern (pkill: an extended regular expression, searched; killall and ``-x``: whole)."""
    assert req.pattern is not None
    if req.program == "killall":
        first = cmdline.split(" ", 1)[0].rsplit("/", 1)[-1]
        return req.pattern in (comm, first)
    subject = cmdline if req.full else comm
    try:
        pattern = re.compile(req.pattern)
    except re.error:
        return False
    found = pattern.fullmatch(subject) if req.exact else pattern.search(subject)
    return found is not None
