"""Text as a terminal showed it: a session pasted with its colour codes, titles and
backspaces is read without them; and text a YAML comment may hold."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["as_shown", "printable", "uncoloured"]

#: a terminal's colour codes (ANSI escape sequences: SGR and other CSI), copied with a
#: session; and the same codes whose escape byte was lost in copying (``[01;32m``)
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_LOST_ESCAPE = re.compile(r"\[(?:\d{1,3}(?:;\d{1,3})*)?m")
#: a private mode set or reset whose escape was lost (bracketed paste: ``[?2004h``)
_LOST_MODE = re.compile(r"\[\?\d{1,4}[hl]")
#: the escape written as text, as a script writes it for ``echo -e``, ``printf`` or
#: ``$'...'`` (``\033[1;32m``, ``\e[0m``, ``\x1b[?25l``): the code after it is the
#: script's own text, not a terminal's whose escape was lost
_WRITTEN_ESCAPE = re.compile(r"\\(?:0?0?33|e|E|x1[bB]|u001[bB]|U0000001[bB])$")
#: a window title whose escape and bell were lost (``]0;root@lab: ~`` before the prompt)
_LOST_TITLE = re.compile(r"\][012];([^\s:]+)")
#: what a YAML file may not hold, even in a comment (a backspace typed into a session...)
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def uncoloured(text: str) -> tuple[str, list[int]]:
    """``text`` as the terminal showed it: without its colour codes and titles
    (``\\x1b[01;32mroot@lab\\x1b[00m:~#``, or ``[01;32m`` twice or more on a line, whose
    escape was lost; ``[?2004h`` and a title ``]0;root@lab: ~`` whose escapes were lost),
    each backspace taking the character before it, a page break (``\\f``) taken off; and
    the lines that had codes or backspaces (1-based)."""
    out: list[str] = []
    changed: list[int] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")  # (CRLF, and script(1)'s CR CR LF: one line, not two)
        # a page break (pdftotext's form feed): no line of its own, as an editor counts them
        # (hunt AP: each page of a PDF's text moved the lines said after it one down)
        line = line.replace("\f", "")
        plain = _ANSI.sub("", line)
        if len(_lost(_LOST_ESCAPE, plain)) >= 2:
            plain = _without(_LOST_ESCAPE, plain)
        plain = _without(_LOST_MODE, plain)
        if (title := _LOST_TITLE.match(plain)) and (at := plain.find(title[1], title.end())) > 0:
            plain = plain[at:]  # the title names user@host, and so does the prompt after it
        while "\b" in plain:  # a backspace typed at the prompt: the character before is gone
            plain = re.sub(r"[^\b]?\x08", "", plain, count=1)
        if plain != line:
            changed.append(number)
        out.append(plain)
    return "\n".join(out), changed


def _lost(code: re.Pattern[str], line: str) -> list[re.Match[str]]:
    """The codes on ``line`` whose escape was lost: not those after an escape written as
    text (hunt K: ``echo -e "\\033[1;32m[lab]\\033[0m $*"`` in a script lost its
    ``[1;32m`` and ``[0m``, and the rendered script printed ``"\\033[lab]\\033 $*"``)."""
    return [m for m in code.finditer(line) if not _WRITTEN_ESCAPE.search(line, 0, m.start())]


def _without(code: re.Pattern[str], line: str) -> str:
    """``line`` without its codes whose escape was lost (see _lost)."""
    for found in reversed(_lost(code, line)):
        line = line[: found.start()] + line[found.end() :]
    return line


def as_shown(text: str) -> tuple[str, list[str]]:
    """``text`` as the terminal showed it (see uncoloured), and a warning that says where
    anything was taken off."""
    text, changed = uncoloured(text)
    said = f"{line_ranges(changed)}: a terminal's colour codes (or backspaces) taken off"
    return text, [said] if changed else []


def line_ranges(numbers: Sequence[int]) -> str:
    """``line 3``, ``lines 3-5, 9``: consecutive lines as a range."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    said = ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs)
    return f"line{'s' if len(numbers) > 1 else ''} {said}"


def printable(line: str) -> str:
    """A line of the summary as a YAML comment may hold it: a control character the
    input had (a backspace typed into a session) is written as ``\\x08``."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}", line)
