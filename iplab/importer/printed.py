"""What ``seq`` and ``printf`` print, as coreutils' seq and bash's printf builtin print it:
the names a script makes with them (``for i in $(seq -w 1 12)``, ``ns$(printf '%02d' $i)``)
are known at import, as bash would have them. Pure.
"""

from __future__ import annotations

import re
import shlex

from iplab.wrappers import program_name


def seq_values(command: str) -> list[str] | None:
    """The words ``seq`` prints for ``seq [-w] [-f FMT] [-s SEP] [FIRST [STEP]] LAST``, split
    as the shell splits them (``-s ,``: one word); None when iplab cannot tell."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if not argv or program_name(argv[0]) != "seq":
        return None
    got = _seq_options(argv[1:])
    if got is None:
        return None
    numbers, wide, fmt, sep = got
    first, step, last = (
        (1, 1, numbers[0])
        if len(numbers) == 1
        else (numbers[0], 1, numbers[1])
        if len(numbers) == 2
        else (numbers[0], numbers[1], numbers[2])
    )
    if step == 0 or abs(last - first) // abs(step) > 4096:
        return None
    values = range(first, last + (1 if step > 0 else -1), step)
    width = max(len(str(first)), len(str(last))) if wide else 0  # (seq -w 1 4 10: 01 05 09)
    try:
        words = [fmt % float(n) if fmt else f"{n:0{width}d}" for n in values]
    except (TypeError, ValueError):
        return None
    return sep.join(words).split()


#: one conversion of printf's format, as bash's builtin reads it (``%-5s``, ``%03d``, ``%%``)
_DIRECTIVE = re.compile(r"%(?P<flags>[-+ #0]*)(?P<width>\d*)(?:\.(?P<prec>\d*))?(?P<conv>.?)")
_PRINTF_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "a": "\a", "r": "\r"}


def printf_output(command: str) -> str | None:
    """What ``$(printf FORMAT ARGS...)`` gives, as bash's builtin prints it (trailing
    newlines taken off, as a command substitution takes them): ``printf '%02d' 7`` -> 07,
    ``printf 'ns%s-%s' a b`` -> ns a-b; the format is used again while arguments remain.
    None when iplab cannot tell (``-v``, ``%b``, ``%q``, a number bash refuses: ``08``)."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if len(argv) < 2 or argv[0] != "printf" or argv[1].startswith("-"):
        return None
    printed = printf_text(argv[1], argv[2:])
    return None if printed is None else printed.rstrip("\n")


def printf_text(fmt: str, args: list[str]) -> str | None:
    """What bash's ``printf FORMAT ARGS...`` prints (see :func:`printf_output`)."""
    out: list[str] = []
    taken = 0
    while True:
        printed = _printf_once(fmt, args[taken:])
        if printed is None:
            return None
        text, used = printed
        out.append(text)
        taken += used
        if used == 0 or taken >= len(args):
            break
    return "".join(out)


def _printf_once(fmt: str, args: list[str]) -> tuple[str, int] | None:
    """The format printed once with the first arguments: the text, how many it took."""
    out: list[str] = []
    used, i = 0, 0
    while i < len(fmt):
        c = fmt[i]
        if c == "\\":
            escape = fmt[i + 1 : i + 2]
            if escape not in _PRINTF_ESCAPES:
                return None
            out.append(_PRINTF_ESCAPES[escape])
            i += 2
            continue
        if c != "%":
            out.append(c)
            i += 1
            continue
        found = _DIRECTIVE.match(fmt, i)
        assert found is not None  # (every part of it may be empty)
        i = found.end()
        conv = found["conv"]
        if conv == "%" and found.end() - found.start() == 2:
            out.append("%")
            continue
        arg = args[used] if used < len(args) else None
        used += arg is not None
        piece = _printf_conversion(found, conv, arg)
        if piece is None:
            return None
        out.append(piece)
    return "".join(out), used


def _printf_conversion(found: re.Match[str], conv: str, arg: str | None) -> str | None:
    spec = "%" + found["flags"] + found["width"]
    spec += "." + found["prec"] if found["prec"] is not None else ""
    if conv == "s":
        return (spec + "s") % (arg or "")
    if conv == "c":
        return (spec + "s") % (arg or "")[:1]
    if conv not in ("d", "i", "o", "u", "x", "X") or "#" in found["flags"]:
        return None
    value = _printf_number(arg or "0")
    if value is None or (value < 0 and conv not in ("d", "i")):
        return None
    return (spec + ("d" if conv in ("i", "u") else conv)) % value


def _printf_number(text: str) -> int | None:
    """An argument of a numeric conversion as bash reads it: decimal, 0x hex, 0 octal."""
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.lstrip("+"))
    try:
        if digits[:2].lower() == "0x":
            return sign * int(digits[2:], 16)
        if len(digits) > 1 and digits.startswith("0"):
            return sign * int(digits[1:], 8)
        return sign * int(digits)
    except ValueError:
        return None


_SEQ_FORMAT = re.compile(r"(?:[^%]|%%)*%[-+ #0']*\d*(?:\.\d+)?[gGeEfF](?:[^%]|%%)*")


def _seq_options(args: list[str]) -> tuple[list[int], bool, str, str] | None:
    """seq's numbers (one to three integers), -w, -f's format and -s's separator."""
    numbers: list[int] = []
    wide, fmt, sep = False, "", "\n"
    i = 0
    while i < len(args):
        arg = args[i]
        if re.fullmatch(r"-?\d+", arg):
            numbers.append(int(arg))
        elif arg in ("-w", "--equal-width"):
            wide = True
        elif arg.startswith(("-f", "-s", "--format=", "--separator=")):
            value = arg.split("=", 1)[1] if arg.startswith("--") else arg[2:]
            if not value and not arg.startswith("--"):
                i += 1
                value = args[i] if i < len(args) else ""
            if arg.startswith(("-f", "--format=")):
                fmt = value
            else:
                sep = value
        elif arg.startswith("-w") and arg[2:3] in ("f", "s"):
            wide = True
            args = [*args[: i + 1], f"-{arg[2:]}", *args[i + 1 :]]
        else:
            return None
        i += 1
    if not 1 <= len(numbers) <= 3 or (fmt and not _SEQ_FORMAT.fullmatch(fmt)):
        return None
    return numbers, wide, fmt, sep
