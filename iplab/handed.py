"""What a command hands on to another without naming it: the words ``xargs``, ``parallel``
and ``find -exec`` hand their command, the words ``echo`` pipes in, the script a shell reads
from its input (``echo "ip link del $IF" | sh``, ``bash <<< ...``), a script as bash reads
it in double quotes, and the network namespace ``nsenter`` enters, said as ``ip netns exec
NS`` says it. Read by :mod:`iplab.unnamed`. Pure.
"""

from __future__ import annotations

import re

from iplab.pids import SHELLS_OWN, nsenter_targets
from iplab.words import JOINS, shell_tokens, substitutions, unmarked
from iplab.wrappers import program_name, unwrap_once

#: one conversion of printf's format (``%s``, ``%02d``)
_DIRECTIVE = re.compile(r"%[-+ #0-9.]*[sdiouxXc]")

#: a word that names no namespace of /run/netns: the command runs in one only its process
#: or path says (``nsenter -t $PID -n``, ``--net=/proc/1/ns/net``)
_ELSEWHERE = "$(nsenter)"
#: a plain word: the namespace of a process the tutorial started (``nsenter -t $! -n``,
#: ``-t %1``, ``-t $CPID``): its changes stay there, as in ``ip netns exec NS``
_A_PROCESS = "iplab-process"


def _the_tutorials(target: str) -> bool:
    """A pid nsenter is given that stands for a process the tutorial started: ``$!``,
    ``%1``, a variable the script set (``CPID=$(pgrep -f 'unshare --net')``, ``PID=$!``);
    not the shell's own (``$$``, ``$PPID``), nor a pid found on the line itself
    (``$(pidof systemd)``, ``$(pgrep dockerd)``: the host's), nor one written out."""
    if target in SHELLS_OWN:
        return False
    return target == "$!" or bool(re.fullmatch(r"%\d*|\$\{?[A-Za-z_]\w*\}?", target))


def _short_net(letters: str) -> str | None:
    """What nsenter's short options joined say of the network namespace: ``-n`` (``-nt1``,
    ``-an``), ``-n/proc/1/ns/net`` (its file attached, as ``--net=FILE``); None: nothing."""
    for k, letter in enumerate(letters):
        if letter == "t":
            return None  # (the rest is the target's pid)
        if letters[k + 1 : k + 2] == "/":  # (-m/FILE, -n/FILE: a file attached)
            return f"--net={letters[k + 1 :]}" if letter == "n" else None
        if letter in ("n", "a"):
            return "-n"
    return None


def entered_netns(argv: list[str]) -> list[str] | None:
    """``nsenter`` entering a network namespace, as ``ip netns exec NS CMD`` says it, where
    NS is the name when nsenter names /run/netns/NAME; a process's the tutorial started
    (:func:`_the_tutorials`); or one iplab cannot name: a pid written out (1 is the host's
    own: ``nsenter -t 1 -n ip link del eth0`` would delete the host's eth0, hunt AA), the
    shell's own or one a substitution finds (``$$``, ``$(pidof systemd)``: hunt AC), a
    path under /proc, a path in a variable. None: not nsenter, or it enters no
    network namespace (a plain wrapper then)."""
    if program_name(argv[0]) != "nsenter":
        return None
    rest = unwrap_once(argv) or []
    options = argv[1 : len(argv) - len(rest)]
    net = [o for o in options if o.startswith(("--net", "--all"))]
    net += [n for o in options if o[:1] == "-" != o[1:2] and (n := _short_net(o[1:]))]
    if not net:
        return None
    paths = [o.split("=", 1)[1] for o in net if o.startswith("--net=")]
    named = [p.rsplit("/", 1)[1] for p in paths if re.fullmatch(r"(/var)?/run/netns/[^/$`]+", p)]
    targets = list(nsenter_targets(options))
    if named and not targets:
        ns = named[0]
    elif targets and not paths and all(_the_tutorials(t) for t in targets):
        ns = _A_PROCESS  # ($!, %1, $CPID: the process the tutorial started)
    else:
        ns = _ELSEWHERE
    return ["ip", "netns", "exec", ns, *rest]


def shell_input(command: str) -> list[str | None]:
    """For each simple command of ``command``, the text ``echo``/``printf`` pipes into it
    (through ``tee``, ``cat``), or a here-string (``<<< TEXT``) hands it, whatever its
    words; :data:`PIPED`: a pipe of something else (a loop's output); None: no pipe."""
    marked, found = substitutions(command)  # (as simple_commands splits: $(a | b) one word)
    tokens = [unmarked(t, found) for t in shell_tokens(marked) or []]
    out: list[str | None] = []
    words: list[str] = []
    piped: str | None = None
    here: str | None = None
    target = ""
    for token in [*tokens, ";"]:
        if token in JOINS or token in ("&", "|&", "(", ")"):
            if words:
                given = here if here is not None else piped
                out.append(given)
                piped = _piped_on(words, given) if token in ("|", "|&") else None
            words, target, here = [], "", None
        elif token and set(token) <= set("<>&"):
            target = token
        elif target:
            here = token if target == "<<<" else here
            target = ""
        else:
            words.append(token)
    return out


#: what shell_input gives a command fed by a pipe whose text iplab cannot read (a loop's
#: output, ``cat FILE``, ``curl URL``)
PIPED = "\x00piped"


def _piped_on(words: list[str], given: str | None) -> str:
    """What one stage of a pipeline hands the next: what ``echo``/``printf`` print, what
    ``tee``/``cat`` (reading their input) pass on; else :data:`PIPED`."""
    printed = printed_text(words)
    if printed is not None:
        return printed
    passes = program_name(words[0]) == "tee" or words == ["cat"]
    return given if passes and given is not None else PIPED


def printed_text(words: list[str]) -> str | None:
    """Roughly what ``echo WORDS`` or ``printf FORMAT ARGS`` prints, variables kept as
    written (``printf 'ip link del %s\\n' $IF``: ``ip link del $IF``); None: another
    program."""
    if words[0] == "echo" and len(words) > 1:
        return " ".join(w for w in words[1:] if w not in ("-n", "-e", "-E"))
    if words[0] != "printf" or len(words) < 2:
        return None
    text, rest = words[1], list(words[2:])
    while rest and _DIRECTIVE.search(text):
        text = _DIRECTIVE.sub(rest.pop(0).replace("\\", "\\\\"), text, count=1)
    return " ".join([text.replace("\\n", "\n"), *rest])


#: what xargs, parallel and find -exec put in the place of what they read
_HANDED = "{}"
#: a word the shell changes before the program sees it (a variable, a substitution, a glob)
UNREAD = re.compile(r"[$`*?\[]|\{\}")
_XARGS_VALUED = frozenset({"-a", "-d", "-E", "-L", "-n", "-P", "-s", "--arg-file"})
_XARGS_VALUED |= {"--delimiter", "--max-lines", "--max-args", "--max-procs", "--max-chars"}
_PARALLEL_VALUED = frozenset({"-j", "--jobs", "-S", "--sshlogin", "-d", "--delimiter"})
_PARALLEL_VALUED |= {"-C", "--colsep", "-n", "--max-args", "--timeout", "-a", "--arg-file"}
_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})


def readings(script: str) -> list[str]:
    """A script as its shell reads it: as written, and with ``\\$`` and ``\\```
    unescaped, as bash unescapes them in double quotes (``sudo bash -c "for i in \\$(cat
    f); do ip link set \\$i down; done"``: the words iplab reads keep the backslashes,
    which hid the loop's change, hunt AA)."""
    unescaped = script.replace("\\$", "$").replace("\\`", "`")
    return [script] if unescaped == script else [script, unescaped]


def fed_words(command: str) -> list[list[str] | None]:
    """For each simple command of ``command`` (in :func:`simple_commands`' order), the
    literal words ``echo``/``printf`` pipes into it (``echo red blue | xargs -n1 ip netns
    del``: the lab's names, which --prefix renames); None: no such words."""
    tokens = shell_tokens(substitutions(command)[0]) or []
    out: list[list[str] | None] = []
    words: list[str] = []
    feeding: list[str] | None = None
    target = False
    for token in [*tokens, ";"]:
        if token in JOINS or token in ("&", "|&", "(", ")"):
            if words:
                out.append(feeding)
                said = _said(words)
                feeding = said if token == "|" else None
            words, target = [], False
        elif token and set(token) <= set("<>&"):
            target = True
        elif target:
            target = False
        else:
            words.append(token)
    return out


def _said(words: list[str]) -> list[str] | None:
    """The words ``echo a b`` or ``printf '%s\\n' a b`` prints, if each is literal."""
    if words[0] == "echo":
        said = [w for w in words[1:] if w not in ("-n", "-e", "-E")]
    elif words[0] == "printf" and len(words) > 1:
        said = words[2:]
    else:
        return None
    return said if said and not any(UNREAD.search(w) for w in said) else None


def handed(program: str, args: list[str], fed: list[str] | None) -> list[list[str]]:
    """What ``xargs``/``parallel`` run, with ``{}`` where the words they read go (``xargs
    -I X``: in the place of X; otherwise after the command); ``parallel CMD ::: a b``, or
    ``echo a b | xargs CMD``: once for each of the literal words."""
    valued = _XARGS_VALUED if program == "xargs" else _PARALLEL_VALUED
    replace: str | None = _HANDED if program == "parallel" else None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        word = args[i]
        if word in ("-I", "--replace") and program == "xargs":
            replace, i = (args[i + 1] if i + 1 < len(args) else _HANDED), i + 2
            continue
        if word.startswith(("-I", "-i", "--replace=")) and program == "xargs":
            replace = word.split("=", 1)[1] if "=" in word else word[2:] or _HANDED
        i += 2 if word in valued else 1
    command = args[i:]
    values: list[str] = list(fed or [])
    if ":::" in command:
        at = command.index(":::")
        command, values = command[:at], command[at + 1 :]
    if not command:
        return []
    if replace is not None and any(replace in word for word in command):
        command = [word.replace(replace, _HANDED) for word in command]
    else:
        command = [*command, _HANDED]
    if values and all(not UNREAD.search(v) for v in values):
        return [[word.replace(_HANDED, v) for word in command] for v in values]
    return [command]


def found_exec(args: list[str]) -> list[list[str]]:
    """The commands of ``find ... -exec CMD {} ;`` (``-execdir``, ``-ok``)."""
    out: list[list[str]] = []
    for i, word in enumerate(args):
        if word in _FIND_EXEC:
            rest = args[i + 1 :]
            end = next((k for k, w in enumerate(rest) if w in (";", "+")), len(rest))
            out.append(rest[:end])
    return out
