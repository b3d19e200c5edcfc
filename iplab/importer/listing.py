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
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["filtered", "xargs_commands"]


# -- filters -----------------------------------------------------------------------------------

_FIRST_FIELD = re.compile(r"\{\s*print\s+\$1\s*;?\s*\}")


def filtered(names: Sequence[str], argv: Sequence[str]) -> list[str] | None:
    """What one stage of a pipeline after the listing leaves of ``names``; None: a stage
    iplab does not know (it then reads the line as it did before)."""
    if not argv:
        return None
    program, args = argv[0], list(argv[1:])
    if program == "awk" and len(args) == 1 and _FIRST_FIELD.fullmatch(args[0].strip()):
        return list(names)  # the name, without " (id: 0)"
    if program == "cut" and _first_field(args):
        return list(names)
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


def _first_field(args: list[str]) -> bool:
    """``cut -d ' ' -f1`` (in any order, glued or apart): the first word of each line."""
    delimiter = field = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-d", "-f") and i + 1 < len(args):
            value, i = args[i + 1], i + 2
        elif arg[:2] in ("-d", "-f") and len(arg) > 2:
            value, i = arg[2:], i + 1
        else:
            return False
        if arg.startswith("-d"):
            delimiter = value
        else:
            field = value
    return delimiter == " " and field == "1"


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
    """The names ``grep [-v] [-E|-F] [-w] [-i] PATTERN`` keeps (of the names, not of
    ``ip netns list``'s whole lines)."""
    invert = ignore = whole = False
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
                if flag not in "vEFwi":
                    return None
                invert |= flag == "v"
                ignore |= flag == "i"
                whole |= flag == "w"
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
    if not argv or argv[0] != "xargs":
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
