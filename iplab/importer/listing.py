"""``ip netns list | ...``: a tutorial's "for every namespace", read as the lab's own.

Tutorials clean up with ``for ns in $(ip netns list); do ip netns del $ns; done``,
``ip netns | xargs -n1 ip netns delete`` or ``ip netns list | while read ns _; do ...;
done``. Run as written, each lists every namespace of the host, other labs' and
containers' included, and deletes them all. iplab reads such a listing as the
namespaces the tutorial made and has not deleted by then (the reader knows them), and
the rest of the line runs for each of those: the printed line stays the author's.

Pure functions over words (quotes already removed; which words list the namespaces is
:func:`iplab.words.listing_of_netns`): what a filter after the listing (``awk '{print
$1}'``, ``grep``, ``sort``, ``head``) leaves of a list of names, and the commands
``xargs`` makes of them. None means "not one of these":
the caller keeps the line as it did before (and the model refuses a raw command that
hands the host's namespaces to another command, :func:`iplab.words.lists_every_netns`).

The same for links: ``ip -br link | awk '/^veth/ {print $1}' | cut -d@ -f1 | xargs -n1 ip
link del`` reads the lines :func:`iplab.linklisting.lines` writes for the links the lab
made in that namespace; what the filters leave must be names of those links
(:func:`names_of`), else the line stays raw and the model refuses it
(:func:`iplab.linklisting.lists_every_link`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from iplab.wrappers import program_name

__all__ = ["filtered", "names_of", "xargs_commands"]


# -- filters -----------------------------------------------------------------------------------


def names_of(lines: Sequence[str], known: Sequence[str]) -> list[str] | None:
    """The words of what the filters left (as xargs and ``$(...)`` split them) when each is
    one of the ``known`` names; None: anything else (``veth0@if5``, a MAC address)."""
    words = [word for line in lines for word in line.split()]
    return words if set(words) <= set(known) else None


def filtered(names: Sequence[str], argv: Sequence[str]) -> list[str] | None:
    """What one stage of a pipeline after the listing leaves of ``names``; None: a stage
    iplab does not know (it then reads the line as it did before)."""
    if not argv:
        return None
    program, args = argv[0], list(argv[1:])
    if program in ("awk", "gawk", "mawk"):
        return _awk(names, args)  # '{print $1}': the name, without " (id: 0)"
    if program == "cut":
        return _cut(names, args)
    if program in ("grep", "egrep", "fgrep"):
        return _grep(names, program, args)
    if program == "sort" and set(args) <= {"-r", "-u", "-V", "-n"}:
        ordered = sorted(dict.fromkeys(names) if "-u" in args else names)
        return ordered[::-1] if "-r" in args else ordered
    if program == "uniq" and not args:
        return [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
    if program == "tac" and not args:
        return list(names)[::-1]
    if program in ("head", "tail") and (count := _count(args)) is not None:
        return list(names)[:count] if program == "head" else list(names)[-count:]
    return None


def _cut(lines: Sequence[str], args: list[str]) -> list[str] | None:
    """``cut -d@ -f1``, ``cut -d ' ' -f1`` (in any order, glued or apart): one field of each
    line (a line without the delimiter whole, as cut prints it)."""
    delimiter, field = "\t", None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-d", "-f") and i + 1 < len(args):
            value, i = args[i + 1], i + 2
        elif arg[:2] in ("-d", "-f") and len(arg) > 2:
            value, i = arg[2:], i + 1
        else:
            return None
        if arg.startswith("-d"):
            delimiter = value
        else:
            field = value
    if len(delimiter) != 1 or field is None or not field.isdigit() or int(field) < 1:
        return None
    n = int(field)
    return [_nth(line.split(delimiter), n) if delimiter in line else line for line in lines]


def _nth(fields: Sequence[str], n: int) -> str:
    return fields[n - 1] if n <= len(fields) else ""


#: awk's programs read here: ``[PATTERN] [{print $N}]``, PATTERN ``/RE/``, ``!/RE/``,
#: ``$N ~ /RE/`` or ``$N !~ /RE/`` (N a number, or NF: the last field)
_AWK = re.compile(
    r"\s*(?:(?P<field>\$(?:\d+|NF))\s*(?P<match>!?~)\s*|(?P<not>!)?)"
    r"(?:/(?P<re>(?:[^/\\]|\\.)*)/)?"
    r"\s*(?:\{\s*print(?:\s+(?P<print>\$(?:\d+|NF)))?\s*;?\s*\})?\s*"
)
#: POSIX bracket classes, as Python's regular expressions write them
_CLASSES = {
    "[:digit:]": r"0-9", "[:alpha:]": r"A-Za-z", "[:alnum:]": r"0-9A-Za-z",
    "[:upper:]": r"A-Z", "[:lower:]": r"a-z", "[:space:]": r"\s", "[:punct:]": r"!-/:-@[-`{-~",
}  # fmt: skip


def _awk(lines: Sequence[str], args: list[str]) -> list[str] | None:
    """What ``awk [-F SEP] 'PATTERN {print $N}'`` prints of ``lines`` (see _AWK); None:
    another program."""
    separator: str | None = None
    if len(args) == 3 and args[0] == "-F":
        separator, args = args[1], args[2:]
    elif len(args) == 2 and args[0].startswith("-F") and len(args[0]) > 2:
        separator, args = args[0][2:], args[1:]
    found = _AWK.fullmatch(args[0]) if len(args) == 1 else None
    if (
        found is None
        or (found["re"] is None and found["print"] is None)
        or (found["field"] and found["re"] is None)
    ):
        return None
    try:
        pattern = None if found["re"] is None else re.compile(_posix(found["re"]))
    except re.error:
        return None
    out: list[str] = []
    for line in lines:
        fields = _fields(line, separator)
        if pattern is not None:
            tested = line if not found["field"] else _field(fields, found["field"], line)
            if bool(pattern.search(tested)) == (bool(found["not"]) or found["match"] == "!~"):
                continue
        out.append(_field(fields, found["print"], line) if found["print"] else line)
    return out


def _posix(regex: str) -> str:
    for name, chars in _CLASSES.items():
        regex = regex.replace(name, chars)
    return regex


def _fields(line: str, separator: str | None) -> list[str]:
    """awk's fields of a line: split at runs of blanks (the default, or ``-F ' '``), at one
    character, or at a regular expression."""
    if separator is None or separator == " ":
        return line.split()
    if len(separator) == 1:
        return line.split(separator)
    return re.split(separator, line)


def _field(fields: Sequence[str], which: str, line: str) -> str:
    """``$0``, ``$3``, ``$NF``."""
    if which == "$NF":
        return fields[-1] if fields else ""
    n = int(which[1:])
    return line if n == 0 else _nth(fields, n)


def _count(args: list[str]) -> int | None:
    """``-n 2``, ``-n2``, ``-2``: how many lines ``head``/``tail`` keep."""
    if len(args) == 2 and args[0] == "-n" and args[1].isdigit():
        return int(args[1])
    if len(args) == 1 and args[0][:2] == "-n" and args[0][2:].isdigit():
        return int(args[0][2:])
    if len(args) == 1 and args[0][:1] == "-" and args[0][1:].isdigit():
        return int(args[0][1:])
    return None


def _grep(names: Sequence[str], program: str, args: list[str]) -> list[str] | None:
    """The lines ``grep [-v] [-E|-F] [-w] [-i] [-o] PATTERN`` keeps (of the names, not of
    ``ip netns list``'s whole lines; of the lines of a listing of links)."""
    invert = ignore = whole = only = False
    style = {"egrep": "E", "fgrep": "F"}.get(program, "G")
    pattern: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-e" and i + 1 < len(args) and pattern is None:
            pattern, i = args[i + 1], i + 2
            continue
        if arg.startswith("-") and len(arg) > 1 and pattern is None:
            for flag in arg[1:]:
                if flag not in "vEFwio":
                    return None
                invert |= flag == "v"
                ignore |= flag == "i"
                whole |= flag == "w"
                only |= flag == "o"
                style = flag if flag in "EF" else style
            i += 1
            continue
        if pattern is not None:
            return None  # a file to read: not the listing
        pattern, i = arg, i + 1
    if pattern is None:
        return None
    regex = re.escape(pattern) if style == "F" else _basic(pattern) if style == "G" else pattern
    if whole:
        regex = rf"(?<!\w)(?:{regex})(?!\w)"
    try:
        compiled = re.compile(regex, re.IGNORECASE if ignore else 0)
    except re.error:
        return None
    if only:  # grep -o: each match on a line of its own
        return None if invert else [m[0] for n in names for m in compiled.finditer(n) if m[0]]
    return [n for n in names if bool(compiled.search(n)) != invert]


def _basic(pattern: str) -> str:
    """A grep basic regular expression as Python's: ``+ ? | ( ) { }`` are plain
    characters unless escaped, where Python's are the other way round."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in "+?|(){}" else char + nxt)
            i += 2
            continue
        out.append("\\" + char if char in "+?|(){}" else char)
        i += 1
    return "".join(out)


# -- xargs -------------------------------------------------------------------------------------


def xargs_commands(argv: Sequence[str], names: Sequence[str]) -> list[list[str]] | None:
    """The commands ``xargs [-n1] [-r] [-I{}] CMD...`` runs for ``names``, one a name with
    ``-n 1``, ``-L 1`` or ``-I``, else all the names on one command (as xargs does); None:
    not xargs, or an option iplab does not know."""
    if not argv or program_name(argv[0]) != "xargs":
        return None
    args = list(argv[1:])
    per_name = False
    replace: str | None = None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg in ("-r", "--no-run-if-empty", "-t", "--verbose"):
            i += 1
        elif arg in ("-n", "-L", "-P", "-I", "--max-args", "--max-lines", "--max-procs"):
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            if arg == "-I":
                replace = value
            elif arg not in ("-P", "--max-procs"):
                per_name = value == "1"
            i += 2
        elif arg[:2] in ("-n", "-L") and arg[2:].isdigit():
            per_name, i = arg[2:] == "1", i + 1
        elif arg[:2] == "-I" and len(arg) > 2:
            replace, i = arg[2:], i + 1
        elif arg[:2] == "-P" and arg[2:].isdigit():
            i += 1
        elif arg in ("-i", "--replace"):
            replace, i = "{}", i + 1
        elif arg == "-l":
            per_name, i = True, i + 1
        else:
            return None
    command = args[i:] or ["echo"]
    if replace is not None:
        return [[word.replace(replace, name) for word in command] for name in names]
    if per_name:
        return [[*command, name] for name in names]
    return [[*command, *names]] if names else []
