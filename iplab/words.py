"""What a command line's words say before any grammar reads it: shell syntax, ``sudo`` and
its options, and whether a command only reads the state.

Shared by the loader (:mod:`iplab.scenario`), the grammars (:mod:`iplab.ipgrammar`,
:mod:`iplab.lineparse`), the model and the renderer.

Why this module is long: one question, asked of every program a tutorial runs ("does it
only read?"), answered program by program (ip, awk, curl, nc, iptables, sysctl, tcpdump...)
beside the shell syntax that joins them; split, each part would need the others.
"""

from __future__ import annotations

import functools
import itertools
import re
import shlex
from collections.abc import Collection, Iterator, Sequence

from iplab import iptopts, ipwords, runtimes
from iplab.records import Record, frozen
from iplab.wrappers import (
    SUDO_VALUED,
    past_how_it_runs,
    program_name,
    runs_sudo,
    script_of,
    unwrap_once,
)

#: what makes a line shell syntax rather than one command: it runs through ``bash -c``
SHELL_SYNTAX = re.compile(r"[;&|<>`$]|\$\(")

#: what bash runs itself (and words that only shape a statement)
BUILTINS = frozenset({
    "echo", "printf", "cd", "pwd", "kill", "wait", "read", "true", "false", ":", "test", "[",
    "[[", "export", "set", "unset", "source", ".", "exit", "trap", "shift", "local", "declare",
    "typeset", "let", "eval", "return", "alias", "type", "command", "builtin", "hash", "ulimit",
    "umask", "jobs", "fg", "bg", "disown", "times", "break", "continue", "mapfile", "readarray",
    "getopts", "shopt", "pushd", "popd", "dirs",
})  # fmt: skip


def bare_words(argv: list[str] | None) -> list[str] | None:
    """The words of the program a command runs past the ``sudo`` in front of it (and its
    options: ``sudo -E``) and the wrappers that change only how it runs (``env LC_ALL=C``,
    ``timeout 5``): what the program itself reads (hunt EV, left by ET: ``sudo -E tc -n NS
    qdisc add`` and ``env LC_ALL=C iptables -A ...`` were steps iplab could not undo)."""
    if not argv:
        return argv
    argv = past_how_it_runs(argv)  # (LC_ALL=C sudo ip ..., env LC_ALL=C sudo ip ...)
    out = unsudoed(argv)
    return past_how_it_runs(out) if out else out


def unsudoed(argv: Sequence[str]) -> list[str]:
    """``argv`` past a ``sudo`` in front of it, at any standard path, and past its options
    (``sudo -E``, ``sudo -u USER``); any other command's words as they are."""
    if runs_sudo(argv):
        return list(strip_sudo(tuple(argv)))
    return list(argv)


def strip_sudo(argv: tuple[str, ...]) -> tuple[str, ...]:
    """``sudo [OPTIONS] CMD...`` -> ``CMD...``."""
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] == "--":
            return argv[i + 1 :]
        i += 2 if argv[i] in SUDO_VALUED else 1
    return argv[i:]


def shell_tokens(command: str, posix: bool = True) -> list[str] | None:
    """A command's words and the shell's operators (``|``, ``&&``, ``;``, ``>``, ``2>&1``
    as ``2``, ``>&``, ``1``), quotes removed (``posix=False``: kept, so that a quoted
    ``"&"`` stays a word's); None when a quote is left open."""
    tokens = _tokens(command, posix)
    return None if tokens is None else list(tokens)


@functools.lru_cache(maxsize=1024)
def _tokens(command: str, posix: bool) -> tuple[str, ...] | None:
    """:func:`shell_tokens`, kept: planning reads each line several times, one step after
    another (the checks of :mod:`iplab.plan`), and a shlex costs some 10 us to make before
    it reads a word (#14: 10,010 of them, 0.19 s of the 500-namespace star's plan)."""
    try:
        lexer = shlex.shlex(_uncommented(command), posix=posix, punctuation_chars=True)
        lexer.commenters = ""  # (a # inside a word is no comment: sudo -u#0 ip ...)
        lexer.whitespace_split = True
        return tuple(lexer)
    except ValueError:
        return None


def _uncommented(command: str) -> str:
    """``command`` without its comments: from a ``#`` that begins a word, outside quotes,
    to the end of its line, as bash reads them (shlex takes any ``#`` for one)."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(command):
        c = command[i]
        if quote:
            if c == "\\" and quote == '"':
                out.append(command[i : i + 2])
                i += 2
                continue
            quote = "" if c == quote else quote
        elif c == "\\":
            out.append(command[i : i + 2])
            i += 2
            continue
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or command[i - 1] in " \t\n;&|()"):
            end = command.find("\n", i)
            i = len(command) if end < 0 else end
            continue
        out.append(c)
        i += 1
    return "".join(out)


# -- what reaches beyond the lab --------------------------------------------------------------

#: ip's global options that take a value (ip/ip.c; ``-n`` is ``-netns``, ``-b`` ``-batch``)
_IP_VALUED = ("-loops", "-family", "-netns", "-rcvbuf", "-batch")


def _abbreviates(word: str, full: str, least: int = 1) -> bool:
    """iproute2's ``matches()``: ``word`` is a prefix of ``full``, at least ``least`` long."""
    return least <= len(word) <= len(full) and full.startswith(word)


def reaches_every_netns(command: str) -> str | None:
    """What a shell command does to every namespace of the host, other labs' too: ``ip
    -all netns delete``, or ``ip -all netns exec CMD`` (one that only reads too: a ping, a
    tcpdump in other labs' namespaces; typed on a line of its own, iplab scopes it, see
    :class:`iplab.steps.NetnsExecAll`). Found after ``;`` or ``&&``, inside ``ip netns exec
    NS`` (the same /run/netns), in a quoted ``bash -c`` script. None: neither."""
    if "-a" not in command:
        return None
    marked, found_in = substitutions(command)  # ($(...) one word, as the shell has it)
    tokens = shell_tokens(marked) or marked.split()
    said = False  # in the words of echo/printf: said, not run
    for i, token in enumerate(tokens):
        if token and token[0] in ";&|":
            said = False
            continue
        if i == 0 or tokens[i - 1][:1] in (";", "&", "|"):
            said = token in ("echo", "printf")
        if said:
            continue
        if any(c.isspace() for c in token):  # a quoted script
            if found := reaches_every_netns(unmarked(token, found_in)):
                return found
            continue
        if program_name(token) != "ip":
            continue
        every, j = False, i + 1
        while j < len(tokens) and tokens[j].startswith("-") and len(tokens[j]) > 1:
            opt = tokens[j][1:] if tokens[j].startswith("--") else tokens[j]
            every = every or _abbreviates(opt, "-all", 2)
            j += 2 if any(_abbreviates(opt, o, 2) for o in _IP_VALUED) else 1
        if not every or len(tokens) <= j + 1 or not _abbreviates(tokens[j], "netns", 3):
            continue
        verb = tokens[j + 1]
        if _abbreviates(verb, "delete"):
            return "ip -all netns delete"
        if _abbreviates(verb, "exec", 2):
            end = next((k for k in range(j + 2, len(tokens)) if tokens[k][:1] in ";&|"), None)
            inner = _as_written(tokens[j + 2 : end], found_in)
            if inner:
                return f"ip -all netns exec {inner}"
    return None


def _as_written(tokens: list[str], found: dict[str, str]) -> str:
    """Tokens as a line again (hunt Y #7: ``shlex.join`` made ``$(ls ...)`` ``'$' '(' ls``
    and ``>`` a quoted word): operators and substitutions as they were, a word with a blank
    quoted."""
    out: list[str] = []
    for token in tokens:
        word = unmarked(token, found)
        plain = word != token or set(token) <= set("<>&|;") or not re.search(r"[\s'\"]", word)
        out.append(word if plain else shlex.quote(word))
    return " ".join(out)


def substitutions(command: str) -> tuple[str, dict[str, str]]:
    """The line with each ``$(...)`` (and ``$((...))``, and backquoted command) outside
    single quotes in the place
    of a marker, and each marker's text: a substitution is part of the word it is in
    (``$(OUT)/*`` is one word), shlex would split it at its parentheses (hunt N: ``rm -rf
    $(OUT)/*`` read as ``rm -rf $`` then ``/*``)."""
    out: list[str] = []
    found: dict[str, str] = {}
    i, quoted = 0, False
    while i < len(command):
        char = command[i]
        if char == "\\" and not quoted:
            out.append(command[i : i + 2])
            i += 2
            continue
        if char == "'" and not _in_double_quotes(out):
            quoted = not quoted
        elif not quoted and command.startswith("$(", i) and (end := _closing(command, i + 2)):
            marker = f"\x01{len(found)}\x02"
            found[marker] = command[i:end]
            out.append(marker)
            i = end
            continue
        elif not quoted and char == "`" and (close := command.find("`", i + 1)) > i:
            marker = f"\x01{len(found)}\x02"  # (`pidof x`: one word, as $(pidof x) is)
            found[marker] = command[i : close + 1]
            out.append(marker)
            i = close + 1
            continue
        out.append(char)
        i += 1
    return "".join(out), found


def substitution_body(text: str) -> str:
    """The script of a command substitution :func:`substitutions` found: ``$(SCRIPT)`` or
    ```SCRIPT``` (``(1 + 2)`` of an arithmetic ``$((1 + 2))``)."""
    return text[1:-1] if text.startswith("`") else text[2:-1]


def _in_double_quotes(before: list[str]) -> bool:
    """An odd number of unescaped ``"`` so far (a ``'`` there is a character)."""
    return len(re.findall(r'(?<!\\)"', "".join(before))) % 2 == 1


def _closing(command: str, start: int) -> int | None:
    """Just past the ``)`` that closes a parenthesis opened before ``start``; None: none."""
    depth = 1
    for k in range(start, len(command)):
        depth += {"(": 1, ")": -1}.get(command[k], 0)
        if depth == 0:
            return k + 1
    return None


def simple_commands(command: str) -> list[list[str]] | None:
    """The words of each simple command of a line, as the shell splits it at ``;``, ``&&``,
    ``||``, ``|``, ``&`` and parentheses, with redirections and their targets left out
    (``mkdir -p d && echo x > d/f &`` -> ``[[mkdir, -p, d], [echo, x]]``); None when the
    line cannot be split (an open quote). A command substitution stays in its word
    (``rm -rf $(OUT)/*``), and the commands inside it follow the line's."""
    joined = joined_commands(command)
    return None if joined is None else [words for words, _after in joined]


def joined_commands(command: str) -> list[tuple[list[str], str]] | None:
    """:func:`simple_commands`, each with the operator after it (``||``, ``&&``, ``|``,
    ``;``, ``&``, a parenthesis; "" at the end): ``ip -batch F 2>/dev/null || true`` ->
    ``[([ip, -batch, F], "||"), ([true], "")]``. A stream's number before its redirection
    (the 2 of ``2>/dev/null``) is no word (hunt AL: a message said "-batch x.batch 2")."""
    marked, found = substitutions(command)
    tokens = shell_tokens(marked)
    if tokens is None:
        return None
    out: list[tuple[list[str], str]] = [([], "")]
    target = False  # the word after a redirection is its file, no word of the command
    for i, token in enumerate(tokens):
        if token in JOINS or token in ("&", "|&", "(", ")"):
            out[-1] = (out[-1][0], token)
            out.append(([], ""))
            target = False
        elif token and set(token) <= set("<>&"):
            target = True
        elif target:
            target = False
        elif token.isdigit() and _glued(token, tokens[i + 1 : i + 2], marked):
            continue  # a stream's number: its redirection follows
        else:
            out[-1][0].append(unmarked(token, found))
    for text in found.values():
        inner = substitution_body(text)
        if not inner.startswith("("):  # ($((1 + 2)): arithmetic, no command)
            out += [(words, after) for words, after in joined_commands(inner) or []]
    return [(words, after) for words, after in out if words]


def _glued(number: str, following: list[str], command: str) -> bool:
    """``number`` is a stream's number: its redirection follows it with no space between
    (``2>/dev/null``; ``echo 1 > F`` writes the word 1)."""
    if not following or following[0][:1] not in ("<", ">"):
        return False
    return re.search(rf"(?<!\S){number}{re.escape(following[0])}", command) is not None


def unmarked(word: str, found: dict[str, str]) -> str:
    """A word with its substitutions' text in the place of their markers."""
    for marker, text in found.items():
        word = word.replace(marker, text)
    return word


#: GNU sleep's units (``sleep 1m``)
_SLEEP_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def sleeps_for(command: str) -> float:
    """How long the ``sleep`` commands of a line sleep, in seconds (GNU sleep adds its
    arguments: ``sleep 1m 30`` is 90); 0 when none, or one that never ends (``sleep
    infinity``) or that sleep would refuse."""
    total = 0.0
    for words in simple_commands(command) or []:
        if words[:1] != ["sleep"]:
            continue
        for word in words[1:]:
            number, unit = word.rstrip("smhd"), word[len(word.rstrip("smhd")) :]
            try:
                seconds = float(number) * _SLEEP_UNITS[unit]
            except (ValueError, KeyError):
                return 0.0
            if not 0 <= seconds < float("inf"):
                return 0.0
            total += seconds
    return total


_NETNS_DIRS = frozenset({"/var/run/netns", "/var/run/netns/", "/run/netns", "/run/netns/"})


def listing_of_netns(argv: list[str]) -> str | None:
    """``argv`` as written when it lists every namespace of the host (``ip netns``, ``ip
    netns list|ls|show``, ``ip -br netns``, ``ls [-1] /var/run/netns``, after ``sudo`` or
    not); None otherwise."""
    words = argv[1:] if runs_sudo(argv) else argv
    if not words:
        return None
    if program_name(words[0]) == "ls":
        rest = words[1:]
        dirs = [w for w in rest if not w.startswith("-")]
        return " ".join(words) if len(dirs) == 1 and dirs[0] in _NETNS_DIRS else None
    if program_name(words[0]) != "ip":
        return None
    j = 1
    while j < len(words) and words[j].startswith("-") and len(words[j]) > 1:
        opt = words[j][1:] if words[j].startswith("--") else words[j]
        if _abbreviates(opt, "-all", 2):
            return None  # ip -all netns ...: another form (reaches_every_netns)
        j += 2 if any(_abbreviates(opt, o, 2) for o in _IP_VALUED) else 1
    if j >= len(words) or not _abbreviates(words[j], "netns", 3):
        return None
    rest = words[j + 1 :]
    if rest and not (
        len(rest) == 1 and any(_abbreviates(rest[0], v) for v in ("list", "show", "lst"))
    ):
        return None
    return " ".join(words)


def lists_every_netns(command: str) -> str | None:
    """The listing, when a shell command hands the names of every namespace of the host to
    another command (``ip netns | xargs ip netns del``, ``for ns in $(ip netns list); do
    ...``, ``ls /run/netns | while read ns; do ...``); None: it does not."""
    if "netns" not in command:
        return None
    tokens = shell_tokens(command) or command.split()
    for token in tokens:  # a quoted script: sudo bash -lc '...', eval "...", su -c '...'
        if (
            any(c.isspace() for c in token)
            and token != command
            and (found := lists_every_netns(token))
        ):
            return found
    # each command of the line on its own: split at ; & | ( ) and backquotes
    pieces: list[list[str]] = [[]]
    fed: list[bool] = [False]
    for token in tokens:
        for part in re.split(r"(\$\(|[;&|()`]+)", token):
            if not part:
                continue
            if re.fullmatch(r"\$\(|[;&|()`]+", part):
                pieces.append([])
                fed.append(")" in part or "`" in part or ("|" in part and "||" not in part))
            else:
                pieces[-1].append(part)
    for k, piece in enumerate(pieces):
        found = listing_of_netns(piece)
        if found is not None and k + 1 < len(pieces) and fed[k + 1]:
            return found
    return None


def ip_netns(command: str) -> str | None:
    """The namespace a plain ``ip``/``bridge``/``tc`` command works in by its own option
    (``ip -n NS route replace ...``, ``ip -netns NS neigh add ...``, ``ip netns set NS
    ID``, which names NS for the root's table); None: another command, or the root."""
    argv = bare_words(plain_words(command) or words_with_values(command))
    if not argv or program_name(argv[0]) not in ("ip", "bridge", "tc"):
        return None
    j = 1
    while j < len(argv) and argv[j].startswith("-") and len(argv) > j + 1:
        opt = argv[j][1:] if argv[j].startswith("--") else argv[j]
        if opt == "-n" or _abbreviates(opt, "-netns", 3):
            return argv[j + 1]
        j += 2 if any(_abbreviates(opt, o, 2) for o in _IP_VALUED) else 1
    rest = argv[j:]
    if (
        program_name(argv[0]) == "ip"
        and len(rest) == 4
        and _abbreviates(rest[0], "netns", 3)
        and rest[1] == "set"
    ):
        return rest[2]
    return None


# -- observation or change? -------------------------------------------------------------------

#: programs that only read (when they write nothing through shell syntax)
_READERS = frozenset(
    {
        *("ping", "ping6", "traceroute", "tracepath", "arping", "ss", "netstat", "lsns"),
        *("cat", "ls", "readlink", "echo", "printf", "grep", "head", "tail", "wc", "true"),
        *("egrep", "fgrep", "sort", "uniq", "cut", "tr", "column", "jq", "less", "more"),
        *("sleep", "wait", "uname", "whoami", "id", "pgrep", "pidof", "seq", "basename"),
        *("dirname", "stat", "which", "mtr", "ps", "pwd", "ll", "la", "findmnt"),
    }
)

#: the aliases of ls an interactive bash has (Debian's and Ubuntu's ~/.bashrc; Fedora's
#: ll is ``ls -l``), that a tutorial types at its prompt (hunt AZ: ``ll /var/run/netns/``):
#: no program, and not in the non-interactive shell a run starts
INTERACTIVE_ALIASES = {"ll": "ls -alF", "la": "ls -A"}


def interactive_alias(command: str) -> str | None:
    """The alias of :data:`INTERACTIVE_ALIASES` a line's command starts with (past
    ``sudo`` and ``ip netns exec NS``), or None."""
    tokens = shell_tokens(command)
    if tokens is None:
        return None
    stage: list[str] = []
    for token in [*tokens, ";"]:
        if token not in JOINS and token not in ("&", "(", ")"):
            stage.append(token)
            continue
        words = unsudoed(stage)
        ns, inner = inside_netns(words)
        words = inner if ns is not None else words
        if words[:1] and words[0] in INTERACTIVE_ALIASES:
            return words[0]
        stage = []
    return None


#: ethtool's options that only show (its others change a device: -K, -s, -G, -A, -p...)
ETHTOOL_SHOWS = frozenset(
    {
        *("-i", "--driver", "-k", "--show-features", "--show-offload", "-S", "--statistics"),
        *("-g", "--show-ring", "-a", "--show-pause", "-c", "--show-coalesce", "-l"),
        *("--show-channels", "-T", "--show-time-stamping", "-m", "--module-info", "-e"),
        *("--eeprom-dump", "-d", "--register-dump", "-x", "--show-rxfh-indir", "-u"),
        *("--show-ntuple", "-P", "--show-permaddr", "--show-eee", "--show-fec"),
        *("--show-priv-flags",),
    }
)
#: a word in single quotes, or in double quotes without anything the shell expands
_QUOTED_LITERAL = re.compile(r"'[^']*'|\"(?:[^\"$`\\]|\\.)*\"", re.DOTALL)
#: shell syntax other than a variable: operators, redirections, substitutions, arithmetic
_NOT_ONLY_VALUES = re.compile(r"[|&;<>`()]|\$\(")
_VERSION = frozenset({"-V", "-Version", "-h", "-help", "--help", "--version"})
_AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
#: what lets an awk program write or run something: ``print > "f"``, ``| "cmd"``, system()
_AWK_WRITES = re.compile(r"[>|]|\bsystem\b|\bgetline\b|\bfflush\b")
#: readers whatever their arguments (a variable's value among them: ``ping -c1 $IP``)
#: (ls, stat, readlink: ``ls -l /proc/$$/ns/net`` only shows, p7 of hunt CG)
_ANY_ARGUMENT = frozenset(
    {"echo", "printf", "ping", "ping6", "cat", "grep", "head", "wc", "ls", "stat", "readlink"}
    | {"basename", "dirname", "realpath"}
)
#: a token with variables in it and nothing else of the shell's (``got $MAC``, ``${IP[1]}``)
#: (``$$``, ``$!``: the shell's pid, its last job's: ``ip netns identify $$``; ``$0``, ``$1``,
#: ``$#``...: the script's name and arguments, ``printf %q "$0"``: hunt CP)
_EXPANDS = re.compile(
    r"(?=.*\$)(?:[^|&;<>$`()]|\$[A-Za-z_][A-Za-z0-9_]*|\$[$!0-9#@*?]|\$\{[^}$`()]*\})+"
)
#: clients a reader types into, and that a server may run as (``nc -l 9000``)
NETCATS = frozenset({"nc", "ncat", "netcat", "telnet", "socat"})


def listens(program: str, args: list[str]) -> bool:
    """``nc -l``, ``ncat --listen``, ``nc -lvp 9000``, ``socat TCP-LISTEN:80 ...``."""
    if program == "socat":
        return any("LISTEN" in a.upper() for a in args)
    short = {c for a in args if a.startswith("-") and not a.startswith("--") for c in a[1:]}
    return "l" in short or "--listen" in args


#: curl's options that write a file (their value is the file, unless it is /dev/null or -)
_CURL_FILES = frozenset({"-o", "--output", "-D", "--dump-header", "-c", "--cookie-jar"})
#: programs that read packets: a reader unless they write a file (``-w``)
_CAPTURE = frozenset({"tcpdump", "tshark"})
#: the shell's words that join commands, and the redirections that only quiet one
JOINS = frozenset({"|", "&&", "||", ";"})
_QUIET = frozenset({">", ">>", "&>", "&>>"})


#: what makes a capture change something beyond a file: ``-I`` (a wireless link's monitor
#: mode), ``-z CMD`` (tcpdump runs CMD on each file it writes)
_CAPTURE_CHANGES = frozenset({"I", "z"})


def captures_only(argv: list[str]) -> bool:
    """A capture (``tcpdump``, ``tshark``, ``dumpcap``) that only reads its links, whatever
    else its options do (``-w FILE`` writes a file, not the link: hunt AG #6); not ``-I``
    (monitor mode) nor ``-z CMD``."""
    if not argv or program_name(argv[0]) not in (*_CAPTURE, "dumpcap"):
        return False
    short = {c for a in argv[1:] if a.startswith("-") and not a.startswith("--") for c in a[1:]}
    return not short & _CAPTURE_CHANGES and "--monitor-mode" not in argv


def inside_netns(argv: list[str]) -> tuple[str | None, list[str]]:
    """``ip netns exec NS CMD...`` -> (NS, [CMD...]); any other command -> (None, argv).
    ``/usr/bin/ip netns exec`` too (hunt EP: what it ran was not looked for)."""
    if argv[1:3] == ["netns", "exec"] and program_name(argv[0]) == "ip" and len(argv) > 4:
        return argv[3], argv[4:]
    return None, argv


def _runs_once(argv: list[str]) -> list[str] | None:
    """The command a wrapper (:func:`iplab.wrappers.unwrap_once`) or ``ip netns exec NS``
    runs ([]: none); None when ``argv`` is neither."""
    inner = unwrap_once(argv)
    if inner is None:
        ns, rest = inside_netns(argv)
        inner = rest if ns is not None else None
    return inner


def layers(argv: Sequence[str]) -> Iterator[list[str]]:
    """``argv``, then the command each wrapper of it runs (``sudo``, ``timeout 5``,
    ``unshare -n``, ``nsenter ...``, ``ip netns exec NS``), outermost first."""
    out = list(argv)
    while out:
        yield out
        if (inner := _runs_once(out)) is None:
            return
        out = inner


def innermost(argv: Sequence[str]) -> list[str]:
    """The command ``argv`` runs past its wrappers and ``ip netns exec NS`` (``sudo ip
    netns exec a timeout 5 ping ...``: ``ping ...``); [] past a wrapper that runs none."""
    out = list(argv)
    while out and (inner := _runs_once(out)) is not None:
        out = inner
    return out


def each_run(command: str) -> list[list[str]]:
    """Each simple command of ``command`` (:func:`simple_commands`) past its wrappers and
    ``ip netns exec NS`` (:func:`innermost`); none when it cannot be split."""
    return [innermost(words) for words in simple_commands(command) or []]


def shell_script(command: str) -> str | None:
    """The script of ``[ip netns exec NS] bash -c SCRIPT`` (or ``sh``); None: another
    command."""
    if not command.startswith(("bash ", "sh ", "ip netns exec ")):
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    _ns, words = inside_netns(words)  # inside a namespace: reading there changes nothing either
    shell = len(words) == 3 and words[0] in ("bash", "sh") and words[1] == "-c"
    return words[2] if shell else None


def background_job(command: str) -> bool:
    """The command leaves a job running after it ends: ``server &``, ``nohup tcpdump ... &``,
    also inside a ``[ip netns exec NS] bash -c`` script."""
    if "&" not in command:
        return False
    script = shell_script(command)
    if script is not None:
        return background_job(script)
    return "&" in (shell_tokens(command, posix=False) or [])


def without_background(command: str) -> str | None:
    """``CMD &`` -> ``CMD`` (a command that only starts one job); None for anything else."""
    tokens = shell_tokens(command, posix=False)
    if not tokens or tokens[-1] != "&" or tokens.count("&") != 1:
        return None
    return command.rstrip()[:-1].rstrip()


def unquieted(command: str) -> str | None:
    """The command without redirections of its output to /dev/null (``> /dev/null 2>&1``,
    ``&> /dev/null``); None when it has other shell syntax or cannot be split."""
    tokens = shell_tokens(command)
    if tokens is None:
        return None
    words: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isdigit() and tokens[i + 1 : i + 2] and tokens[i + 1].startswith(">"):
            i += 1  # a stream's number: its redirection follows
            continue
        if token in _QUIET and tokens[i + 1 : i + 2] == ["/dev/null"]:
            i += 2
            continue
        if token == ">&" and tokens[i + 1 : i + 2] in (["1"], ["2"]):
            i += 2
            continue
        if token in JOINS or token in _QUIET or token in ("<", ">&", "&", "(", ")"):
            return None
        words.append(token)
        i += 1
    return shlex.join(words)


def _readers_joined(command: str) -> bool:
    """Readers joined by the shell, their output to /dev/null at most (see reads_only)."""
    tokens = shell_tokens(command)
    if tokens is None:
        return False
    written = shell_tokens(command, posix=False)  # (with their quotes: 'a $b' is a word)
    literal = [  # a quoted word the shell expands nothing in: 'a $b', "> Devices"
        len(written or ()) == len(tokens) and _QUOTED_LITERAL.fullmatch(w) is not None
        for w in written or tokens
    ]
    stages: list[list[str]] = [[]]
    grouped = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isdigit() and tokens[i + 1 : i + 2] and tokens[i + 1].startswith(">"):
            i += 1  # a stream's number: its redirection follows
            token = tokens[i]
        if literal[i] and stages[-1]:  # a single-quoted word: awk '{print $3}', grep '|'
            stages[-1].append(token)
        elif not literal[i] and _group_word(tokens, i):
            grouped = True  # ((echo hi; sleep 1) | nc ...: its readers are the stages)
            if stages[-1]:
                stages.append([])
        elif token in JOINS:
            stages.append([])
        elif token == ">&":  # one stream to the other: 2>&1
            if tokens[i + 1 : i + 2] not in (["1"], ["2"]):
                return False
            i += 1
        elif token in _QUIET:
            if tokens[i + 1 : i + 2] != ["/dev/null"]:
                return False
            i += 1
        elif _EXPANDS.fullmatch(token) and _any_argument(stages[-1]):
            stages[-1].append("x")  # a variable's value, to a program any argument leaves a
            # reader (echo "got $MAC", ping -c1 $IP): still a reader
        elif any(c in token for c in "|&;<>$`()"):
            return False
        else:
            stages[-1].append(token)
        i += 1
    if grouped:  # (each group closed; its ends join nothing)
        ends = [t for n, t in enumerate(tokens) if not literal[n] and _group_word(tokens, n)]
        if sum(t in ("(", "{") for t in ends) * 2 != len(ends):
            return False
        stages = [s for s in stages if s]
    # (each stage without its sudo: echo hello | sudo ip netns exec cli nc ...: hunt W)
    unsudo = [unsudoed(s) for s in stages]
    return all(stage and _reads_words(stage) for stage in unsudo)


def _group_word(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` opens a group of commands where a command starts (``(``,
    ``{``) or closes one after a command (``)``, ``}``, then a join or the end)."""
    token, before, after = tokens[i], tokens[i - 1 : i], tokens[i + 1 : i + 2]
    if token in ("(", "{"):
        return not before or before[0] in JOINS or before[0] in ("(", "{")
    if token in (")", "}"):
        return bool(before) and (not after or after[0] in JOINS or after[0] in (")", "}"))
    return False


def _any_argument(stage: list[str]) -> bool:
    """A reader whatever its next word is: one of :data:`_ANY_ARGUMENT`, or ``ip``,
    ``bridge``, ``tc`` once the verb that shows is written (``ip netns identify $$``: hunt
    W, said as a step iplab cannot undo)."""
    if (stage[:1] and stage[0] in _ANY_ARGUMENT) or runtimes.enters_any(stage):
        return True  # (nsenter -t $pid: where it enters, whatever the pid)
    if not stage or program_name(stage[0]) not in ("ip", "bridge", "tc"):
        return False
    said = ipwords.verb_of(stage[0], stage[1:])
    return said.word is not None and said.shows and not said.every


#: the commands of brctl and nft that only show
#: the host's network tools: (options that take a value, the word that says what it does
#: (0: the first, 1: the second: nmcli's is an object's), the words that only show, None
#: as a word: none given, as ``networkctl`` alone); hunt Y: their status lines were said
#: as steps iplab cannot undo
_HOST_TOOLS: dict[str, tuple[frozenset[str], int, frozenset[str | None]]] = {
    "nmcli": (
        frozenset({"-f", "--fields", "-g", "--get-values", "-e", "--escape", "-c", "--colors"}),
        1,
        frozenset({None, "show", "status", "list", "monitor"}),
    ),
    "networkctl": (frozenset(), 0, frozenset({None, "list", "status", "lldp"})),
    "resolvectl": (frozenset({"-i", "--interface", "-t", "--type", "-c", "--class"}), 0,
                   frozenset({None, "status", "query", "statistics", "show-cache"})),
    "ovs-vsctl": (frozenset(), 0, frozenset({"show", "list-br", "list-ports", "list-ifaces",
                                             "br-exists", "list", "find", "get", "port-to-br",
                                             "iface-to-br"})),
    "ovs-ofctl": (frozenset(), 0, frozenset({"show", "dump-flows", "dump-ports", "dump-tables",
                                             "dump-ports-desc"})),
}  # fmt: skip


def _router_shows(program: str, args: list[str]) -> bool:
    """``vtysh [-N NS] -c 'show ...'`` (each -c a show), ``birdc [-s SOCK] show ...``: a
    routing daemon's client that only shows (hunt B: said as steps iplab cannot undo)."""
    valued = ("-N", "--pathspace", "--vty_socket") if program == "vtysh" else ("-s",)
    said: list[str] = []
    words = iter(args)
    for word in words:
        if word in ("-c", "--command") and program == "vtysh":
            said.append(next(words, ""))
        elif word in valued:
            next(words, None)
        elif word.startswith("-") or program == "vtysh":
            return False  # (vtysh -b, -f FILE, -w: they change or write)
        else:
            said.append(" ".join([word, *words]))
    return bool(said) and all(c.split()[:1] in (["show"], ["sh"]) for c in said)


def positionals(args: Sequence[str], valued: Collection[str] = ()) -> list[str]:
    """The words of ``args`` that are no option, nor the value of one of ``valued``."""
    words: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in valued:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    return words


def _host_tool_shows(program: str, args: list[str]) -> bool:
    """``nmcli -f NAME,DEVICE con show --active``, ``networkctl status lab0``,
    ``ovs-vsctl show``: a host tool's word that only shows (see :data:`_HOST_TOOLS`)."""
    valued, at, shows = _HOST_TOOLS[program]
    words = positionals(args, valued)
    if program == "nmcli" and words[:1] and "monitor".startswith(words[0]) and words[0][:1] == "m":
        return True  # nmcli monitor: what changes, shown
    said = words[at] if len(words) > at else None
    # nmcli c s: nmcli takes a word's start (s: show or status; m is modify before monitor)
    short = False
    if program == "nmcli" and said is not None:
        short = "show".startswith(said) or (len(said) > 1 and "status".startswith(said))
    return said in shows or short


_SHOWN_BY = {"brctl": frozenset({"show", "showmacs", "showstp"}), "nft": frozenset({"list"})}
_IPT_READ = frozenset({"-L", "-S", "--list", "--list-rules", "-V", "--version", "-h", "--help"})
#: iptables' short options written together (``-nvL``, ``-vnxL``) when they only read
_IPT_CLUSTER = re.compile(r"-[nvxLS]{2,}")
#: conntrack's commands that show its table (the others change it, or run on: ``-E``)
_CONNTRACK_SHOWS = frozenset({"-L", "--dump", "-S", "--stats", "-C", "--count", "-G", "--get"})
_CONNTRACK_CHANGES = frozenset({"-D", "--delete", "-F", "--flush", "-U", "--update", "-I", "-E"})
_CONNTRACK_CHANGES |= {"--create", "--event", "-R", "--load-file"}
_IPT_WRITE = frozenset(
    {"-A", "-D", "-I", "-R", "-F", "-X", "-N", "-P", "-Z", "-E", "--append", "--delete"}
)


def plain_words(command: str) -> list[str] | None:
    """A command's words, as the shell splits them; None when it uses shell syntax (what it
    does is then the shell's business, not its words') or cannot be split."""
    if SHELL_SYNTAX.search(command):
        return None
    try:
        return shlex.split(command)
    except ValueError:
        return None


def needs_shell(command: str) -> bool:
    """The command does something only a shell does: an operator (``;``, ``|``, ``&&``,
    ``>``...) or an expansion (``$X``, backquotes) outside single quotes. A quoted one
    (``sh -c 'a; b'``) is a word of the command, which runs as well without bash."""
    tokens = shell_tokens(command, posix=False)
    if tokens is None:
        return True
    for token in tokens:
        if token and all(c in "|&;<>()" for c in token):
            return True
        if _QUOTED_LITERAL.fullmatch(token) and not token.startswith('"'):
            continue
        if "$" in token or "`" in token:
            return True
    return False


def words_with_values(command: str) -> list[str] | None:
    """The words of a command whose only shell syntax is variables (``ip -n a neigh add
    10.0.0.1 lladdr $MAC dev v0``), a variable a word of its own; None: any other shell
    syntax, or a variable in the program's place."""
    if _NOT_ONLY_VALUES.search(command):
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    return words if words and "$" not in words[0] else None


def reads_only(command: str) -> bool:
    """A command (without sudo) that only shows state, by what its words say.

    Conservative: anything unknown changes state, and so does shell syntax other than
    readers joined by ``|``, ``&&``, ``||`` or ``;`` with their output sent to /dev/null
    at most (``ip a | grep v0``, ``ping -c1 X > /dev/null && echo up``).
    """
    script = shell_script(command)
    if script is not None:
        return reads_only(script)  # a script of readers (ip netns exec NS bash -c '...')
    outer, found = substitutions(command)
    if found:  # echo "$(ip netns list)": readers' output, to a reader, is a value it shows
        inner = [text[2:-1] if text.startswith("$(") else text[1:-1] for text in found.values()]
        if any(text.startswith("(") or not reads_only(text) for text in inner):
            return False
        for n, marker in enumerate(found):
            outer = outer.replace(marker, f"${{_shown{n}}}")
        return reads_only(outer)
    argv = plain_words(command)
    if argv is None and (quoted := _text_in_quotes(command)) is not None:
        argv = quoted  # (echo -e ""$'\n'"> Routes": its > and $ are text, in quotes)
    elif argv is None and SHELL_SYNTAX.search(command):
        return _readers_joined(command)
    return bool(argv) and _reads_words(argv or [])


def set_device(said: ipwords.Verb) -> str | None:
    """``ip link set DEV`` (``dev DEV``; ``change``, which ip reads as ``set``) and nothing
    after it: DEV; None: anything else."""
    if said.obj != "link" or said.verb not in ("set", "change"):
        return None
    rest = list(said.rest[1:]) if said.rest[:1] == ("dev",) else list(said.rest)
    return rest[0] if len(rest) == 1 and not rest[0].startswith("-") else None


def sets_nothing(command: str) -> str | None:
    """The device of ``ip [OPTIONS] link set DEV`` with no setting after it (a page's line
    cut short, hunt EE #4): ip 6.1 sends the kernel no change and exits 0, or fails when
    DEV does not exist (``Cannot find device``): a step that reads. None: any other
    command."""
    argv = plain_words(command) or []
    argv = unsudoed(argv)
    if argv[:1] != ["ip"]:
        return None
    return set_device(ipwords.verb_of("ip", argv[1:]))


def _text_in_quotes(command: str) -> list[str] | None:
    """The words of a command whose shell syntax is all text in quotes: ``>``, ``|``... in
    quotes, ``$`` in single quotes or as bash's ``$'\n'`` (a string of its escapes); None
    when anything outside them is the shell's (an operator, an expansion), or a quote is
    left open. Its ``$'...'`` words are kept as their escapes (the question is only what
    the command does: ``echo -e ""$'\n'"> Routes"`` only prints)."""
    plain: list[str] = []
    quote = ""
    i = 0
    while i < len(command):
        c = command[i]
        if quote and c == quote:
            quote = ""
        elif quote == '"' and c == "\\":
            plain.append(command[i : i + 2])
            i += 1
        elif quote == '"' and c in "$`":
            return None
        elif quote:
            pass
        elif c == "\\":
            plain.append(command[i : i + 2])
            i += 1
        elif c == "$" and command[i + 1 : i + 2] == "'":
            end = i + 2  # (bash's ANSI-C string: \' inside does not end it)
            while end < len(command) and command[end] != "'":
                end += 2 if command[end] == "\\" else 1
            if end >= len(command):
                return None
            plain.append(shlex.quote(command[i + 2 : end]))
            i = end + 1
            continue
        elif c in "'\"":
            quote = c
        elif c in "|&;<>`$()\n":
            return None
        plain.append(c)
        i += 1
    if quote:
        return None
    try:
        return shlex.split("".join(plain))
    except ValueError:  # pragma: no cover - the quotes are closed
        return None


def sets_what_readers_print(command: str) -> bool:
    """A line of assignments only, each substitution in their values a reader
    (``NS_COUNT=$(ip netns list | wc -l)``): it changes a variable of the shell, nothing
    of the host's."""
    outer, found = substitutions(command)
    words = shell_tokens(outer)
    if not found or not words or not all(_ASSIGNMENT.match(w) for w in words):
        return False
    inner = [text[2:-1] if text.startswith("$(") else text[1:-1] for text in found.values()]
    return all(not text.startswith("(") and reads_only(text) for text in inner)


#: a shell variable's assignment (``NAME=``, ``NAME+=``)
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")


#: sudo's options that run no command: its timestamp refreshed (``sudo -v``, a page's
#: "enter your password now") or dropped (``-k``, ``-K``), what it allows (``-l``), its
#: version; nothing of a lab changes
_SUDO_OWN = frozenset(
    ("-v", "--validate", "-k", "--reset-timestamp", "-K", "--remove-timestamp", "-l", "--list",
     "-ll", "-V", "--version", "-n", "--non-interactive")
)  # fmt: skip


def _dmesg_changes(arg: str) -> bool:
    """An option of dmesg's that clears the kernel's buffer (-C, -c), sets the console
    (-D, -E, -n LEVEL) or follows new messages to the end of time (-w, -W)."""
    if arg.startswith("--"):
        return arg.split("=", 1)[0] in _DMESG_CHANGES
    return arg.startswith("-") and any(c in "CcDEnwW" for c in arg[1:])


_DMESG_CHANGES = frozenset(
    ("--clear", "--read-clear", "--console-off", "--console-on", "--console-level", "--follow",
     "--follow-new")
)  # fmt: skip


#: wrappers that change only how a command runs, no file nor the lab: what they run says
#: (not ``nohup``, which may write nohup.out, nor ``time -o FILE``)
_ONLY_HOW = frozenset({"timeout", "nice", "ionice", "stdbuf"})


#: find's expressions that do more than list what it finds (delete, run, write a file)
FIND_ACTS = frozenset(
    {"-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf", "-fls"}
)
#: xargs's options whose value is the next word (``-I {}``, ``-n 1``; not ``-I{}``)
_XARGS_VALUED = frozenset(
    {"-a", "--arg-file", "-d", "--delimiter", "-E", "-e", "-I", "-i", "-L", "-l", "-n"}
    | {"--max-args", "-P", "--max-procs", "-s", "--max-chars", "--process-slot-var"}
)


def xargs_runs(argv: Sequence[str]) -> list[str]:
    """The words of the command ``xargs [OPTIONS] [COMMAND...]`` runs, before the words it
    reads (``xargs -I{} readlink {}``: ``readlink {}``); ``echo`` when it names none."""
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] == "--":
            i += 1
            break
        i += 2 if argv[i] in _XARGS_VALUED else 1
    return list(argv[i:]) or ["echo"]


def _reads_words(argv: list[str]) -> bool:
    """A command that only shows state, by its words (see reads_only)."""
    program, args = program_name(argv[0]), argv[1:]
    if program == "find":  # (find /proc -name net -type l: a listing; hunt DR)
        return not FIND_ACTS & set(args)
    if program == "xargs":  # (xargs -I{} readlink {}: what it runs, for each word read)
        return reads_only(shlex.join(xargs_runs(argv)))
    if (inside := inside_netns(argv))[0] is not None:
        run = unsudoed(inside[1])
        return bool(run) and reads_only(shlex.join(run))  # a reader inside a namespace (ip
        # netns exec alice sudo ip link list: as any user, hunt CG)
    if program in _READERS or runtimes.shows(argv):  # (runc list, docker ps: shown)
        return True
    if program in _ONLY_HOW and (inner := unwrap_once(argv)):
        return reads_only(shlex.join(inner))  # (timeout 2 ping X: a reader still; hunt BQ)
    if program == "watch" and (script := script_of(argv)):  # (sh -c runs its words: hunt
        return reads_only(script)  # BS #7, watch -n 1 ip -s link show: a raw step, unknown)
    if args in (["--version"], ["--help"]):  # (nft --version: what it is, hunt BJ #2)
        return True
    if (entered := runtimes.runs_inside(argv)) is not None:  # docker exec web ip a
        return reads_only(shlex.join(entered))  # (a reader where it enters changes nothing)
    if program == "dmesg":  # the kernel's messages shown; not cleared, followed, nor the
        return not any(_dmesg_changes(a) for a in args)  # console's level set
    if program in _CAPTURE:  # a capture that writes no file
        return not any(a in ("-w", "--write") or a.startswith("-w") for a in args)
    if program in ("iperf", "iperf3"):  # a client measures; a server stays (a job)
        return not {"-s", "--server", "-D", "--daemon"} & set(args)
    if program in NETCATS:  # a client talks; a server (-l) stays (a job)
        return not listens(program, args)
    if program == "curl":  # a fetch shown, or thrown away: -o /dev/null
        saved = any(a in ("-O", "--remote-name", "--remote-name-all") for a in args)
        files = [b for a, b in itertools.pairwise(args) if a in _CURL_FILES]
        return not saved and all(f in ("/dev/null", "-") for f in files)
    if program in ("ip", "bridge", "tc") and args[:1] and args[0] in _VERSION:
        return True  # ip -V: what it is
    if program in ("ip", "bridge", "tc"):  # by their verb, as iproute2 reads it
        said = ipwords.verb_of(program, args)
        if said.every and said.obj == "netns" and said.verb == "exec":
            return bool(said.rest) and reads_only(shlex.join(said.rest))  # in each namespace
        return said.shows or (program == "ip" and set_device(said) is not None)
    if program in _HOST_TOOLS:  # nmcli con show, networkctl status, ovs-vsctl show...
        return _host_tool_shows(program, args)
    if program in ("vtysh", "birdc"):  # vtysh -c 'show ip route', birdc show ospf
        return _router_shows(program, args)
    if program in _SHOWN_BY:  # brctl show, nft [-a] list ...; the rest (nft -f FILE) change
        verbs = [a for a in args if not a.startswith("-")]
        return verbs[:1] != [] and verbs[0] in _SHOWN_BY[program] and "-f" not in args
    if program == "sudo" and args and all(a in _SUDO_OWN for a in args):
        return True  # (sudo -v: sudo's timestamp, nothing of the lab; hunt BL, a step
    # iplab could not undo)
    if program == "date":  # date +%s shows; date -s sets the clock
        return not any(a in ("-s", "--set") or a.startswith("--set=") for a in args)
    if program == "hostname":  # hostname, hostname -I show; hostname NAME sets it
        return all(a.startswith("-") for a in args) and not {"-F", "--file", "-b"} & set(args)
    if program == "ethtool":  # ethtool DEV, ethtool -k DEV: shown; -K, -s, -G...: changed
        options = [a for a in args if a.startswith("-")]
        return not options or (len(options) == 1 and options[0] in ETHTOOL_SHOWS)
    if program in _AWKS:  # a program that prints only (no file, pipe, command or -i inplace)
        if any(a.startswith(("-f", "-i", "-E", "--file", "--include", "--exec")) for a in args):
            return False
        return not any(_AWK_WRITES.search(a) for a in args)
    if program == "sysctl":
        return not any("=" in a or a in ("-w", "-p", "--write", "--load", "--system") for a in args)
    if program in ("iptables", "ip6tables"):  # -nvL: -n -v -L (hunt J: a change, it said)
        words = set(args) | {f"-{c}" for a in args if _IPT_CLUSTER.fullmatch(a) for c in a[1:]}
        return bool(words & _IPT_READ) and not words & _IPT_WRITE
    if program in ("iptables-save", "ip6tables-save"):  # (-f FILE writes a file)
        return not any(a in ("-f", "--file") or a.startswith("--file=") for a in args)
    if program == "conntrack":  # conntrack -L, -S, -C show; -D, -F, -U, -I change
        return bool(set(args) & _CONNTRACK_SHOWS) and not set(args) & _CONNTRACK_CHANGES
    if program == "arp":  # arp, arp -n, arp -a, arp -i IF: the table shown (hunt BC)
        return not {"-s", "--set", "-d", "--delete", "-f", "--file", "-Ds"} & set(args)
    if program == "route":  # route, route -n show; route add/del change (net-tools')
        return not {"add", "del", "flush"} & set(args)
    return False


# -- changes whose inverse the words say -------------------------------------------------------

#: iptables' options that take a value (the rule's words are kept as they are)
_IPT_COMMANDS = {"-A": "-D", "--append": "-D", "-I": "-D", "--insert": "-D", "-N": "-X"}
_IPT_COMMANDS |= {"--new-chain": "-X"}


def known_undo(command: str) -> str | None:
    """The command that undoes ``command`` when its words alone say it (None otherwise):

    * ``iptables``/``ip6tables`` ``-A CHAIN RULE`` and ``-I CHAIN [N] RULE`` -> ``-D CHAIN
      RULE`` (same table, same rule: iptables deletes the first rule that matches it);
    * ``-N CHAIN`` -> ``-X CHAIN``;
    * ``ip rule add SPEC`` -> ``ip rule del SPEC``; ``nft add table [FAMILY] NAME`` -> ``nft
      delete table [FAMILY] NAME``.

    A table's policy (``-P``), a flush (``-F``) or anything through shell syntax has no
    inverse in its words: None.
    """
    written = plain_words(command)
    if written is None and (once := added_once(command)) is not None:
        written = once[1]  # (the undo is due only when the -A runs: iplab.lab reads -C first)
    argv = bare_words(written)
    if not written or not argv:
        return None
    # (sudo -E iptables -A ...: its undo run as it was, sudo -E iptables -D ...)
    undo = _undo_of(argv)
    prefix = written[: len(written) - len(argv)]
    return shlex.join(prefix) + " " + undo if prefix and undo is not None else undo


def _undo_of(argv: list[str]) -> str | None:
    """:func:`known_undo` of a program's own words (no wrapper in front of them)."""
    if argv and program_name(argv[0]) == "ip":
        return _rule_undo(argv)
    if argv and program_name(argv[0]) == "nft":
        return _table_undo(argv)
    if not argv or program_name(argv[0]) not in _IPTABLES or program_name(argv[0]) == "ebtables":
        return None
    verbs = [i for i, word in enumerate(argv) if word in _IPT_COMMANDS or word in _IPT_WRITE]
    if len(verbs) != 1 or argv[verbs[0]] not in _IPT_COMMANDS or verbs[0] + 1 >= len(argv):
        return None
    at = verbs[0]
    verb, chain, rest = argv[at], argv[at + 1], argv[at + 2 :]
    if verb in ("-I", "--insert") and rest[:1] and rest[0].isdigit():
        rest = rest[1:]  # the position: -D matches the rule, not its place
    if _IPT_COMMANDS[verb] == "-X":
        return _chain_undo(argv)
    return shlex.join([*argv[:at], _IPT_COMMANDS[verb], chain, *rest])


#: iptables' check of a rule, and the append or insert it stands for in :func:`added_once`
_IPT_CHECK = frozenset({"-C", "--check"})
_IPT_ADDS = frozenset({"-A", "--append", "-I", "--insert"})


def added_once(command: str) -> tuple[list[str], list[str]] | None:
    """``iptables [-t T] -C CHAIN RULE [2>/dev/null] || iptables [-t T] -A CHAIN RULE`` (or
    ``-I``): a rule added once, only when the host does not hold it already; (the check's
    words, the add's words), or None for any other line. Its undo, ``-D CHAIN RULE``, is
    due only when the add ran: the check, run right before the step, says so."""
    joined = joined_commands(command)
    if joined is None or len(joined) != 2 or joined[0][1] != "||" or joined[1][1] != "":
        return None
    check, add = joined[0][0], joined[1][0]
    if check[0].rsplit("/", 1)[-1] not in _IPTABLES - {"ebtables"} or check[0] != add[0]:
        return None
    checks = [i for i, word in enumerate(check) if word in _IPT_CHECK]
    adds = [i for i, word in enumerate(add) if word in _IPT_ADDS]
    if len(checks) != 1 or len(adds) != 1:
        return None
    at = adds[0]
    rule = add[at + 2 :]
    if add[at] in ("-I", "--insert") and rule[:1] and rule[0].isdigit():
        rule = rule[1:]  # (the position: -C matches the rule, not its place)
    same = [*add[:at], "-C", add[at + 1], *rule]
    if checks[0] != at or [*check[: checks[0]], "-C", *check[checks[0] + 1 :]] != same:
        return None
    return check, add


def _chain_undo(argv: list[str]) -> str | None:
    """``iptables [OPTIONS] -N CHAIN`` -> the same options with ``-X CHAIN``, read as
    iptables reads them (``-tnat``, ``-w 5``, ``--table=nat``: :mod:`iplab.iptopts`); None
    when iptables would read it otherwise (hunt P: the undo deleted the host's chain)."""
    args = argv[1:]
    parsed = iptopts.read(args)
    made = parsed.commands() if parsed is not None else []
    if parsed is None or len(made) != 1 or made[0].letter != "N" or parsed.others:
        return None
    new = made[0]
    shared = [o for o in parsed.options if o is not new and o.start < new.end and new.start < o.end]
    if shared or not new.value:
        return None  # (-vN LAB: one word with another option)
    return shlex.join([argv[0], *args[: new.start], "-X", new.value, *args[new.end :]])


def _table_undo(argv: list[str]) -> str | None:
    """``nft [OPTIONS] add|create table [FAMILY] NAME`` -> ``nft delete table [FAMILY] NAME``
    (an option that changes something, ``-c`` or ``-f``: None)."""
    i = 0
    while i < len(argv) - 1 and argv[i + 1].startswith("-"):
        if argv[i + 1] not in iptopts.NFT_FLAGS and argv[i + 1] not in iptopts.NFT_VALUED:
            return None
        i += 2 if argv[i + 1] in iptopts.NFT_VALUED else 1
    rest = argv[i + 1 :]
    if rest[:1] in (["add"], ["create"]) and rest[1:2] == ["table"] and len(rest) in (3, 4):
        return shlex.join(["nft", "delete", "table", *rest[2:]])  # nft add table ip lab
    return None


_IPTABLES = frozenset({"iptables", "ip6tables", "iptables-legacy", "iptables-nft"})
_IPTABLES |= {"ip6tables-legacy", "ip6tables-nft", "ebtables"}
#: the chains every table of the host has
_BUILTIN = frozenset({"INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING", "BROUTING"})


def policy_write(command: str) -> tuple[str, str, str, str] | None:
    """``iptables [-t TABLE] -P CHAIN TARGET`` (a chain's policy, ``-P FORWARD ACCEPT``):
    (program, table, chain, target); None for anything else. Its inverse is the policy
    the host had, which only the host knows: read right before it runs."""
    argv = bare_words(plain_words(command))
    if not argv or program_name(argv[0]) not in _IPTABLES or program_name(argv[0]) == "ebtables":
        return None
    table, rest = "filter", argv[1:]
    if rest[:1] in (["-t"], ["--table"]) and len(rest) > 1:
        table, rest = rest[1], rest[2:]
    elif rest[:1] and rest[0].startswith("-t") and len(rest[0]) > 2:
        table, rest = rest[0][2:], rest[1:]
    if len(rest) != 3 or rest[0] not in ("-P", "--policy"):
        return None
    return argv[0], table, rest[1], rest[2]


def reaches_the_hosts_rules(command: str) -> str | None:
    """What a shell command does to every packet filter rule of the host, Docker's, a
    firewall's and other labs' too: ``iptables [-t nat] -F``, ``iptables -X`` (every
    chain), ``iptables-restore`` (without ``--noflush``), ``nft flush ruleset``. None:
    none of these. (Run in the root namespace; in a namespace of the lab they are its own.)"""
    for words in simple_commands(command) or [command.split()]:
        argv = unsudoed(words)
        if not argv or argv[0] in ("echo", "printf"):
            continue
        program = program_name(argv[0])
        args = argv[1:]
        if program in _IPTABLES:
            said = shlex.join(argv)
            at = next((i for i, a in enumerate(args) if a in ("-F", "--flush")), None)
            chain = args[at + 1] if at is not None and at + 1 < len(args) else None
            if at is not None and (chain is None or chain.startswith("-") or chain in _BUILTIN):
                return said  # a chain of the host's own (a chain -N made is the lab's)
            at = next((i for i, a in enumerate(args) if a in ("-X", "--delete-chain")), None)
            if at is not None and (at + 1 >= len(args) or args[at + 1].startswith("-")):
                return said  # -X alone: every chain of the table
        if program.endswith("tables-restore") and not {"-n", "--noflush"} & set(args):
            return shlex.join(argv)
        if program == "nft" and args[:2] == ["flush", "ruleset"]:
            return shlex.join(argv)
    return None


#: ip route's verbs that change a route already there (a line iplab did not type)
_ROUTE_CHANGES = ("delete", "replace", "change", "append", "prepend")
#: ip's objects whose ``flush`` empties a table of the host (the words ip takes for each)
_FLUSHED = (("neighbor", "neighbours"), ("neighbour", "neighbours"), ("route", "routes"),
            ("rule", "policy rules (its main, default and local lookups too)"),
            ("address", "addresses"), ("nexthop", "nexthops"),
            ("tcp_metrics", "TCP metrics"), ("tcpmetrics", "TCP metrics"))  # fmt: skip
#: ``ip xfrm state flush``, ``ip mptcp endpoint flush``: an object, its kind, then the verb
_KINDS_FLUSHED = {
    "xfrm": (("state", "policy"), "IPsec states and policies"),
    "mptcp": (("endpoint",), "MPTCP endpoints"),
}
#: the preferences of the rules every namespace starts with: local, main, default
_HOSTS_RULES = frozenset({"0", "32766", "32767"})


def _ip_object(argv: list[str]) -> tuple[int, bool]:
    """``ip [OPTIONS] OBJECT ...``: where OBJECT is, past the options and their values
    (``-n NS``, ``-netns NS``, ``-loops N``...), and whether an option runs it elsewhere
    than the root namespace (``-n``, ``-netns``, ``-all``)."""
    j, elsewhere = 1, False
    while j < len(argv) and argv[j].startswith("-"):
        elsewhere |= any(_abbreviates(argv[j].lstrip("-"), o) for o in ("netns", "all"))
        valued = argv[j] == "-n" or any(_abbreviates(argv[j], o, 3) for o in _IP_VALUED)
        j += 2 if valued else 1
    return j, elsewhere


def flushes_the_hosts_tables(command: str) -> tuple[str, str, str | None, str | None] | None:
    """``ip neigh flush all``, ``ip route flush 10.66.0.0/16``, ``ip addr flush to
    10.0.0.0/8`` (abbreviated or not), and a route deleted or replaced by a line iplab does
    not type (``ip route del default``): (the command as written, what it empties, the
    one link it is limited to with ``dev``, or None, and the route's prefix, for one
    route). Run in the root namespace, they reach the host's own neighbours, routes and
    addresses. None: none of these (``ip route flush cache`` empties no table; ``ip -n NS
    ...`` runs in a namespace)."""
    for words in simple_commands(command) or [command.split()]:
        argv = unsudoed(words)
        if argv and (closed := _closes(argv)) is not None:
            return shlex.join(argv), closed, None, None
        if not argv or program_name(argv[0]) != "ip":
            continue
        j, elsewhere = _ip_object(argv)
        if elsewhere:
            return None  # in a namespace (or every one: reaches_every_netns says it)
        if j + 1 >= len(argv):
            continue
        if (found := _kind_flushed(argv, j) or _the_hosts_rule(argv, j)) is not None:
            return shlex.join(argv), found, None, None
        what = next((t for o, t in _FLUSHED if _abbreviates(argv[j], o)), None)
        rest = argv[j + 2 :]
        dev = next((rest[i + 1] for i, w in enumerate(rest[:-1]) if w == "dev"), None)
        verb = argv[j + 1]  # (ip reads "a" as add before append, as its code tries them)
        one = (
            what == "routes"
            and not _abbreviates(verb, "add")
            and any(_abbreviates(verb, v) for v in _ROUTE_CHANGES)
        )  # ip route del default: the host's default route
        if one:
            to = next((w for w in rest if not w.startswith("-") and w != "to"), None)
            return shlex.join(argv), "routes", dev, to
        if not _abbreviates(argv[j + 1], "flush"):
            continue
        if what is None or (what == "routes" and rest[:1] == ["cache"]):
            continue
        return shlex.join(argv), what, dev, None
    return None


def _closes(argv: list[str]) -> str | None:
    """``ss -K ...`` (``--kill``), ``conntrack -F`` (``--flush``): the sockets it closes or
    the connections it forgets, of the namespace it runs in (hunt AF #6)."""
    program, args = program_name(argv[0]), argv[1:]
    short = [a for a in args if a[:1] == "-" != a[1:2]]
    if program == "ss" and ("--kill" in args or any("K" in a for a in short)):
        return "sockets (ss -K closes each one its filter matches)"
    if program == "conntrack" and ({"-F", "--flush"} & set(args)):
        return "tracked connections (NAT and firewall state)"
    return None


def _kind_flushed(argv: list[str], j: int) -> str | None:
    """``ip xfrm state flush`` (``deleteall``), ``ip mptcp endpoint flush``: what goes."""
    kinds, what = next((v for o, v in _KINDS_FLUSHED.items() if _abbreviates(argv[j], o)), ((), ""))
    if len(argv) < j + 3 or not any(_abbreviates(argv[j + 1], k) for k in kinds):
        return None
    verb = argv[j + 2]
    return what if _abbreviates(verb, "flush") or _abbreviates(verb, "deleteall", 4) else None


def _the_hosts_rule(argv: list[str], j: int) -> str | None:
    """``ip rule add|del ... pref 32766`` (0, 32767): a rule every namespace starts with
    (hunt AF #5: a page flushed the rules and added main's and default's again; the undo
    of the add deleted the host's own)."""
    if not _abbreviates(argv[j], "rule", 2) or len(argv) < j + 2:
        return None
    verb, rest = argv[j + 1], argv[j + 2 :]
    if not any(_abbreviates(verb, v) for v in ("add", "delete")):
        return None
    keys = ("preference", "priority", "order")
    pref = [rest[i + 1] for i, w in enumerate(rest[:-1]) if any(_abbreviates(w, k) for k in keys)]
    said = "main, default or local policy rules (the undo of an add deletes the host's)"
    return said if set(pref) & _HOSTS_RULES else None


def flushes_route_cache(command: str) -> bool:
    """``ip [-4|-6] route flush cache`` (abbreviated or not): it empties the kernel's cache
    of routes, which the kernel fills again; no table changes, nothing to undo (hunt V:
    listed as a step iplab cannot undo)."""
    argv = bare_words(plain_words(command))
    if not argv or program_name(argv[0]) != "ip":
        return False
    j, _elsewhere = _ip_object(argv)
    return (
        len(argv) == j + 3
        and _abbreviates(argv[j], "route")
        and _abbreviates(argv[j + 1], "flush")
        and argv[j + 2] == "cache"
    )


def changes_routes(command: str) -> bool:
    """A line that changes routes through words iplab does not type: ``ip [-6] [-n NS]
    route VERB ...`` (any verb but show, list, get), ``route add|del`` (net-tools), also
    inside ``sh -c '...'`` (the model does not follow them: verify leaves that namespace's
    routes alone)."""
    script = shell_script(command)
    if script is not None:
        return changes_routes(script)
    for words in simple_commands(command) or [command.split()]:
        argv = unsudoed(words)
        if bool(argv) and program_name(argv[0]) == "ip" and argv[1:2] == ["netns"]:
            argv = argv[4:] if len(argv) > 4 and _abbreviates(argv[2], "exec") else []
        program = program_name(argv[0]) if argv else ""
        if program == "route" and argv[1:2] and argv[1] in ("add", "del", "delete", "flush"):
            return True
        if program != "ip":
            continue
        j, _elsewhere = _ip_object(argv)
        if j >= len(argv) or not _abbreviates(argv[j], "route"):
            continue
        verb = argv[j + 1] if j + 1 < len(argv) else "show"
        if not any(_abbreviates(verb, v) for v in ("show", "list", "lst", "get")):
            return True
    return False


def _rule_undo(argv: list[str]) -> str | None:
    """``ip [-4|-6] rule add SELECTOR ACTION`` -> ``ip ... rule del SELECTOR ACTION`` (ip
    deletes the rule that matches it); None for anything else."""
    j = 1
    while j < len(argv) and argv[j] in ("-4", "-6"):
        j += 1
    if argv[j : j + 1] not in (["rule"], ["ru"], ["rul"]) or argv[j + 1 : j + 2] != ["add"]:
        return None
    if len(argv) <= j + 2:
        return None
    return shlex.join([*argv[: j + 1], "del", *argv[j + 2 :]])


def deletes_a_rule(command: str) -> bool:
    """``iptables``/``ip6tables`` ``-D CHAIN RULE`` or ``-X CHAIN``: a deletion (a tutorial's
    cleanup), which iplab does not undo, as it does not undo ``ip link del``."""
    argv = plain_words(command)
    if not argv or program_name(argv[0]) not in ("iptables", "ip6tables"):
        return False
    verbs = [word for word in argv if word in _IPT_COMMANDS or word in _IPT_WRITE]
    return verbs in (["-D"], ["--delete"], ["-X"])


#: what a ``dev X`` change of these programs and objects lives on: link X (its neighbours,
#: addresses, routes, qdiscs, filters, fdb entries, vlans go when the link is deleted)
_ON_A_LINK = {
    "ip": ("neigh", "neighbour", "neighbor", "n", "addr", "address", "a", "route", "r", "ro"),
    "tc": ("qdisc", "class", "filter", "q", "c", "f"),
    "bridge": ("fdb", "vlan", "link", "mdb"),
}


#: brctl's settings of a bridge (or of a port on it: ``setpathcost BR PORT N``), which go
#: with the bridge
_BRCTL_SETS = frozenset(
    {"setageing", "setageingtime", "setfd", "sethello", "setmaxage", "setbridgeprio"}
    | {"setgcint", "stp", "setpathcost", "setportprio", "hairpin"}
)


def link_scoped(command: str) -> str | None:
    """The one link a command changes, when every change it makes dies with that link
    (``tc qdisc add dev X ...``, ``ip neigh add ... dev X``, ``ethtool -K X ...``,
    ``brctl setfd BR 4``, ``ifconfig X 10.1.1.2/24 up``; ``sudo -E`` or ``env VAR=x`` in
    front); None otherwise (another program, options before the object, shell syntax)."""
    argv = bare_words(plain_words(command))
    if not argv:
        return None
    if program_name(argv[0]) == "ethtool":
        changes = len(argv) >= 3 and argv[1] in ("-K", "--features", "-s", "--change", "-G")
        return argv[2] if changes else None
    if (
        program_name(argv[0]) == "ifconfig"
    ):  # ifconfig veth0 10.1.1.2/24 up: the link's address, its state
        changes = len(argv) >= 3 and not argv[1].startswith("-")  # (hunt T: said to stay)
        return argv[1].split(":", 1)[0] if changes else None
    if (
        program_name(argv[0]) == "brctl"
    ):  # brctl setageing BR 30: the bridge's (hunt L: listed as not undone)
        return argv[2] if len(argv) >= 4 and argv[1] in _BRCTL_SETS else None
    objects = _ON_A_LINK.get(program_name(argv[0]))
    if objects is None or len(argv) < 2 or argv[1] not in objects or "dev" not in argv:
        return None
    at = argv.index("dev")
    devices = {argv[i + 1] for i, word in enumerate(argv[:-1]) if word == "dev"}
    return argv[at + 1] if at + 1 < len(argv) and len(devices) == 1 else None


def fdb_writes(command: str) -> list[str | None]:
    """The namespace of each ``bridge fdb add|append|replace|del|flush`` of a line (None:
    where the line runs; ``bridge -n NS``, ``ip netns exec NS bridge ...``): forwarding
    entries, which verify does not compare (hunt F: one deleted by hand, verify said OK)."""
    out: list[str | None] = []
    for words in simple_commands(command) or []:
        argv = unsudoed(words)
        ns, argv = inside_netns(argv)
        if argv[:1] != ["bridge"]:
            continue
        rest = argv[1:]
        while rest and rest[0].startswith("-"):
            if rest[0] in ("-n", "-netns", "--netns") and len(rest) > 1:
                ns = rest[1]
            rest = rest[2:] if rest[0] in ("-n", "-netns", "--netns", "-b", "-batch") else rest[1:]
        shows = len(rest) < 2 or any(_abbreviates(rest[1], v) for v in ("show", "list", "lst"))
        if rest and _abbreviates(rest[0], "fdb") and not shows:
            out.append(ns)
    return out


def changes_what_verify_sees(command: str) -> list[tuple[str | None, str]]:
    """The links whose state a raw command changes as verify compares it: up, master, mtu
    and addresses (``ip link set X ...``, ``ip addr add ... dev X``, also in ``sh -c
    '...'``), each with the namespace the command's own words name (``ip -n r link set X
    up``, ``ip netns exec r ip addr add ... dev X``: r; None: where the line runs. Hunt CC:
    looked for where the line runs, r's link kept the state the model gave it, and verify
    said ``r-h1@r.addresses: expected none, found 10.0.1.1/24``); not a link whose changes
    verify does not compare (``bridge fdb append ... dev X``, ``ip neigh add ... dev X``,
    ``tc qdisc ... dev X``, ``ethtool -K X ...``)."""
    script = shell_script(command)
    if script is not None:  # (ip netns exec r sh -c '...': in r)
        words = shell_tokens(command) or []
        ns, _ = inside_netns(unsudoed(words))
        return [(n or ns, dev) for n, dev in changes_what_verify_sees(script)]
    out: list[tuple[str | None, str]] = []
    for words in simple_commands(command) or []:
        argv = unsudoed(words)
        ns, argv = inside_netns(argv)
        one = shlex.join(argv)
        ns = ip_netns(one) or ns
        bare = _past_ip_options(argv)
        dev = link_set_dev(shlex.join(bare))
        if dev is not None and _sets_only_its_kind(bare):
            continue  # (ip link set mv3 type macvlan mode bridge: a mode, not compared)
        if (
            dev is None
            and bool(bare)
            and program_name(bare[0]) == "ip"
            and bare[1:2] in (["addr"], ["address"], ["a"])
        ):
            dev = link_scoped(shlex.join(bare))
        out += [(ns, dev)] if dev is not None else []
    return out


#: ``ip link set`` words that change what verify compares of a link
_COMPARED_SETTINGS = frozenset(
    {"up", "down", "master", "nomaster", "mtu", "name", "address", "netns", "state"}
)


def _sets_only_its_kind(argv: list[str]) -> bool:
    """``ip link set X type macvlan mode bridge``: the settings of its kind alone (a mode,
    which verify does not compare: its OK says so), nothing verify compares."""
    rest = argv[3:]
    return "type" in rest and not _COMPARED_SETTINGS & set(rest[: rest.index("type")])


#: the modes of a macvlan (macvtap) ip names, as ``ip -d link`` shows them (iplink_macvlan.c)
MACVLAN_MODES = frozenset({"private", "vepa", "bridge", "passthru", "source"})


def kind_modes(command: str) -> list[tuple[str | None, str, str | None]]:
    """(namespace its words name, link, mode) of each ``ip [-n NS] link set X type macvlan
    mode M`` of a raw line (the mode None: one ip does not name, or none written: the
    model no longer knows it)."""
    out: list[tuple[str | None, str, str | None]] = []
    for ns, dev, kind in kind_sets(command):
        if kind[:1] not in (["macvlan"], ["macvtap"]):
            continue
        mode = kind[2] if kind[1:2] == ["mode"] and len(kind) > 2 else None
        out.append((ns, dev, mode if mode in MACVLAN_MODES else None))
    return out


def kind_sets(command: str) -> list[tuple[str | None, str, list[str]]]:
    """(namespace its words name, link, the words from its kind on) of each ``ip [-n NS]
    link set X type KIND ...`` of a raw line that sets only its kind's settings."""
    out: list[tuple[str | None, str, list[str]]] = []
    for words in simple_commands(command) or []:
        argv = unsudoed(words)
        ns, argv = inside_netns(argv)
        one = shlex.join(argv)
        bare = _past_ip_options(argv)
        if "type" not in bare[3:] or not _sets_only_its_kind(bare):
            continue
        kind = bare[bare.index("type", 3) + 1 :]
        dev = link_set_dev(shlex.join(bare[: bare.index("type", 3)]))  # (mode $MODE: its own)
        if dev is None:
            continue
        out.append((ip_netns(one) or ns, dev, kind))
    return out


def _past_ip_options(argv: list[str]) -> list[str]:
    """``ip -n r -4 link set X up`` -> ``ip link set X up``: an ``ip`` line without the
    options before its object (any other line as it is)."""
    if argv[:1] != ["ip"]:
        return argv
    j = 1
    while j < len(argv) and argv[j].startswith("-"):
        opt = argv[j][1:] if argv[j].startswith("--") else argv[j]
        valued = opt == "-n" or any(_abbreviates(opt, o, 2) for o in _IP_VALUED)
        j += 2 if valued and "=" not in opt else 1
    return ["ip", *argv[j:]]


def link_set_dev(command: str) -> str | None:
    """The link ``ip link set [dev] X ...`` changes (None: another command, or ``ip -n NS``,
    which changes a link elsewhere)."""
    argv = bare_words(plain_words(command))
    if not argv or program_name(argv[0]) != "ip" or len(argv) < 4:
        return None
    if not _abbreviates(argv[1], "link") or not _abbreviates(argv[2], "set"):
        return None
    return argv[4] if argv[3] == "dev" and len(argv) > 4 else argv[3]


#: programs whose changes stay inside the network namespace they run in
_NETNS_SCOPED = frozenset(
    {"ip", "tc", "bridge", "iptables", "ip6tables", "iptables-restore", "ip6tables-restore"}
    | {"nft", "ethtool", "arp", "route", "ifconfig"}
)


def _quoted_words(command: str) -> list[str] | None:
    """The words of a command whose shell syntax is all inside quotes (``nft 'add chain
    inet f fwd { type filter hook forward priority 0; policy drop; }'``: hunt J); None:
    an operator or expansion outside them."""
    if needs_shell(command):
        return None
    try:
        return shlex.split(command)
    except ValueError:
        return None


def netns_scoped(command: str) -> bool:
    """A command whose every change stays inside the network namespace it runs in (its
    rules, routes, links, ``net.*`` sysctls): deleting the namespace undoes it. Files and
    anything through shell syntax are not: False."""
    script = shell_script(command)
    if script is not None:
        return netns_scoped(script)  # ip netns exec NS bash -c 'ip link set $IF up'
    argv = plain_words(command) or words_with_values(command) or _quoted_words(command)
    if not argv:
        return False
    program = program_name(argv[0])
    if program == "sysctl":
        keys = [a.split("=", 1)[0] for a in argv[1:] if not a.startswith("-")]
        files = {"-p", "--load", "--system", "-f"} & set(argv[1:])
        return bool(keys) and not files and all(k.startswith(("net.", "net/")) for k in keys)
    return program in _NETNS_SCOPED


#: variables every login shell sets: ``rm -rf $HOME/lab`` deletes under the home directory
_ALWAYS_SET = frozenset({"HOME", "PWD", "USER", "LOGNAME"})
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
#: ``$(OUT)``: make's variable, which bash runs as a command ``OUT`` (hunt N)
_MAKE_VARIABLE = re.compile(r"\$\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)")
#: commands that print a path or a name, never nothing (``rm -rf $(pwd)/build``)
_PRINTS_A_WORD = frozenset(
    {"pwd", "mktemp", "hostname", "whoami", "logname", "id", "uname", "date", "arch", "tty"}
)


def _through(path: str, known: frozenset[str]) -> str | None:
    """The variable a path starts with that may be empty: ``$NAME`` or ``${NAME}`` no step
    sets, or ``$(NAME)`` (bash runs NAME, a command that prints nothing or fails), as
    written; None: neither."""
    if (match := _VARIABLE.match(path)) and match[1] not in known | _ALWAYS_SET:
        return match[1]
    if (match := _MAKE_VARIABLE.match(path)) and match[1] not in _PRINTS_A_WORD:
        return match[0]
    return None


def removes_through_a_variable(command: str, known: frozenset[str]) -> tuple[str, str] | None:
    """``rm -rf ${OUT}/*`` (a Makefile's recipe read from a page, a variable set in another
    file): a recursive ``rm`` whose path starts with a variable that no step sets
    (``known``), or that is ``/`` itself. Unset, the variable is empty and the path is
    ``/*``, as root. A make variable read as shell, ``$(OUT)``, runs a command ``OUT``
    whose output is empty (hunt N). (the path as written, the variable's name, ``$(NAME)``
    or ``/``), or None."""
    for words in simple_commands(command) or []:
        argv = unsudoed(words)
        if not argv or program_name(argv[0]) != "rm":
            continue
        options = [w for w in argv[1:] if w.startswith("-") and w != "--"]
        if not any(
            w == "--recursive" or (w[1:2] != "-" and set(w[1:]) & {"r", "R"}) for w in options
        ):
            continue
        for path in (w for w in argv[1:] if not w.startswith("-")):
            if path.rstrip("/*") == "":
                return path, "/"
            if (name := _through(path, known)) is not None:
                return path, name
    return None


#: a file written through a variable: ``> $OUT/x``, ``>> "${DIR}/y"``, ``tee [-a] $F/z``
_WRITTEN_THROUGH = re.compile(
    r"""(?:(?<![<>&\d])>>?\|?|\btee(?:\s+-\w+)*)\s*["']?"""
    r"""(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\))(\S*)"""
)


def writes_through_a_variable(command: str, known: frozenset[str]) -> tuple[str, str] | None:
    """``cat > $WORK/dnsmasq.conf`` where no step sets ``$WORK`` (hunt Y: set on a line
    the run did not hand on, it was empty, and the file was written in ``/``): the path as
    written and the variable's name (``$(NAME)``: make's, hunt N), or None."""
    for match in _WRITTEN_THROUGH.finditer(command):
        name, rest = _through(match[1], known), match[2].strip("\"'")
        if name is not None and rest.startswith("/"):
            return f"{name if name.startswith('$(') else '$' + name}{rest}", name
    return None


#: options of ``unshare`` and ``nsenter`` that take the next word as their value
_ENTRY_VALUED = frozenset(
    {"-S", "--setuid", "-G", "--setgid", "-w", "--wd", "-R", "--root", "--propagation",
     "-t", "--target", "--map-user", "--map-group"}
)  # fmt: skip


@frozen
class Entry(Record):
    """What ``unshare`` or ``nsenter`` (without sudo) does about the network: ``net``, the
    command runs in another network namespace (``-n``, ``--net``, nsenter's ``-a``);
    ``named``, one given by its file (``--net=/var/run/netns/red``); ``target``, nsenter's
    process (``-t PID``); ``rest``, the command after the options (none: a shell)."""

    program: str
    net: bool
    named: bool
    target: str
    rest: list[str]


def namespace_entry(argv: Sequence[str]) -> Entry | None:
    """The :class:`Entry` of ``unshare ...`` or ``nsenter ...``; None: another program."""
    program = program_name(argv[0]) if argv else ""
    if program not in ("unshare", "nsenter"):
        return None
    args = list(argv[1:])
    net = named = False
    target = ""
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        word = args[i]
        named |= word.startswith("--net=")
        net |= word in ("-n", "--net", "-a", "--all") or (
            word[1:2] != "-" and bool(set(word[1:]) & {"n", "a"})
        )  # (nsenter -a: every namespace of the process, its network's too)
        if word in ("-t", "--target") and i + 1 < len(args):
            target = args[i + 1]
        elif word.startswith("--target="):
            target = word.split("=", 1)[1]
        i += 2 if word in _ENTRY_VALUED else 1
    rest = args[i + 1 :] if args[i : i + 1] == ["--"] else args[i:]
    return Entry(program, net or named, named, target, rest)


#: a line's output sent away at its end (``2>/dev/null``, ``&>/dev/null``, ``>/dev/null
#: 2>&1``): taken off, the line means what it did (``kill $(pgrep -f x) 2>/dev/null``)
QUIETING = re.compile(r"(?:\s*(?:&>>?|[12]?>>?)\s*/dev/null|\s*[12]?>&[12])+\s*$")


#: a placeholder a worksheet leaves for the reader: ``<your-name>``, ``<interface>`` (not a
#: redirection a shell writes: ``<<EOF``, ``<(cmd)``, ``< file``, ``2>&1``)
_ANGLE = re.compile(r"(?<![<>\w$&])<(?![<(\s=&])([A-Za-z][\w.:/-]*)>(?![>&])")
#: one of several words: ``<new namespace name>``, ``<command to run against that
#: namespace>`` (hunt Q, Scott Lowe's page); ``a < in > out`` has blanks outside the words
_SPACED_ANGLE = re.compile(
    r"(?<![<>\w$&])<([A-Za-z][\w.:/-]*(?: [\w.:/-]+)*? [\w.:/-]*[A-Za-z][\w.:/-]*)>(?![>&])"
)
#: ``{{ns}}``: a page's own template syntax, left as written (not a Go template's field,
#: ``docker inspect -f '{{.State.Pid}}'``, which is quoted anyway)
_MUSTACHE = re.compile(r"\{\{\s*\w[\w.-]*\s*\}\}")
_OCTET = r"(?:\d{1,3}|[xXnNyYzZ?]{1,3}|\d{1,2}[xX]{1,2})"
#: an address with a letter for a number: ``10.0.0.X/24``, ``192.168.100.1XX``, ``10.0.N.1``,
#: ``10.x.y.z/8``, ``10.0.0.?/24``
_ADDRESS = re.compile(
    rf"(?<![\w.])(?=[\d.]*[A-Za-z?]){_OCTET}(?:\.{_OCTET}){{3}}(?:/\d{{1,2}})?(?![\w.])"
)
#: a MAC address with letters for its digits: ``XX:XX:XX:XX:XX:XX``
_MAC = re.compile(
    r"(?<![\w:])(?=(?:[0-9A-Fa-f]{2}:)*[0-9A-Fa-f]?[G-Zg-z])(?:[0-9A-Za-z]{2}:){5}[0-9A-Za-z]{2}"
    r"(?![\w:])"
)
#: ``YOUR_INTERFACE``, ``your-ip`` (not a variable a shell sets or expands: ``YOUR_IP=...``,
#: ``$YOUR_IP``)
_YOURS = re.compile(r"(?<![\w${/.-])(?:YOUR|[Yy]our)[_-][A-Za-z][\w-]*(?![\w-]*=)")
#: ``[interface]`` standing alone as a word (a glob is part of one: ``eth[0-9]``; a test
#: has spaces inside: ``[ -d x ]``)
_BRACKETED = re.compile(r"(?<!\S)\[[A-Za-z][A-Za-z_][\w-]*\](?![^\s;|&])")
#: a quoted word that is a placeholder all through: ``"<dev>"`` (not ``"<UP>"``, the flags
#: ``ip link`` prints, which a grep looks for)
_QUOTED_ANGLE = re.compile(r"<(?=[\w.:/-]*[a-z])[A-Za-z][\w.:/-]*>")
_QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")


#: a placeholder for the command to run (``<command>``, ``<cmd>``, ``<command to run against
#: that namespace>``, ``<command_to_run>``, ``[command]``)
_COMMAND_SLOT = re.compile(
    r"<\s*(?:(?:the|a|any|your)[\s_-]+)?(?:command|cmd|program)s?(?:[\s_-][^<>]*)?>"
    r"|\[(?:command|cmd|program)s?\]",
    re.IGNORECASE,
)


#: a man page's placeholder for the command a line runs, in capitals (ip-netns(8)'s ``ip
#: netns exec net0 SOME_PROCESS_IN_BACKGROUND``, ``COMMAND``, ``YOUR_CMD``), right after ``ip
#: netns exec NAME``: no variable (``$CMD``), no program's name
_CAPS_SLOT = re.compile(r"\bnetns\s+exec\s+\S+\s+(?P<slot>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)(?=\s|$)")
_CAPS_SLOT_WORDS = frozenset({"COMMAND", "CMD", "PROCESS", "PROGRAM", "PROG"})


def command_slot(command: str) -> str | None:
    """The placeholder a line holds for the command to run (``ip netns exec ns1
    <command>``, ``unshare --net <command>``, ``ip netns exec net0
    SOME_PROCESS_IN_BACKGROUND``), outside quotes: such a line shows a command's form, it
    is no step of a lab (hunt BK: the model refused the whole page for it; hunt EX: the
    man page's capitals were a raw step iplab cannot undo). None when it holds none."""
    unquoted = _QUOTED.sub("''", command)
    found = _COMMAND_SLOT.search(unquoted)
    if found:
        return found[0]
    caps = _CAPS_SLOT.search(unquoted)
    if caps and _CAPS_SLOT_WORDS.intersection(caps["slot"].split("_")):
        return caps["slot"]
    return None


def unbracketed(command: str) -> str:
    """A command with each placeholder's angle brackets taken off (``ip link add <p1-name>
    netns <p1-ns>``: ``ip link add p1-name netns p1-ns``): what it would do were the reader
    to fill it in, not bash's two redirections (hunt EC: such a syntax line was said to
    write the host's file ``netns``)."""
    for pattern in (_ANGLE, _SPACED_ANGLE):
        command = pattern.sub(lambda found: found[1].replace(" ", "-"), command)
    return command


def placeholder(command: str) -> str | None:
    """The first placeholder a command holds for the reader to fill in (``<your-name>``,
    ``{{ns}}``, ``10.0.0.X/24``, ``XX:XX:XX:XX:XX:XX``, ``YOUR_INTERFACE``, ``[interface]``,
    ``"<dev>"``, ``<new namespace name>``), or None. Run as written, bash reads
    ``<your-name>-ns`` as two redirections and ip is given a name or an address that is no
    one's."""
    quoted = [m[0] for m in _QUOTED.finditer(command) if _QUOTED_ANGLE.fullmatch(m[0][1:-1])]
    if quoted:
        return quoted[0]
    bare = _QUOTED.sub("''", command)  # (quoted: a program's own text, an awk program)
    for pattern, text in (
        (_ANGLE, bare), (_SPACED_ANGLE, bare), (_MUSTACHE, bare), (_ADDRESS, command),
        (_MAC, command), (_YOURS, bare), (_BRACKETED, bare),
    ):  # fmt: skip
        if found := pattern.search(text):
            return found[0]
    return None
