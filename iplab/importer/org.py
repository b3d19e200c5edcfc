"""An Org page (Emacs's Org mode: lab notes, a literate lab run with Babel) read line by
line into the parts a Markdown page has (:class:`~iplab.importer.parts.Part`), read the
same way. No Org parser is used: orgparse (BSD) reads the outline (headings, properties,
timestamps) but leaves blocks as text, and a tutorial needs only its blocks, read here as
Org reads them (the Org manual, "Blocks", "Literal Examples", "Working with Source Code").

What it reads: the title (``#+TITLE:``) and headings (``* Setup``, their TODO keyword,
priority and tags taken off); paragraphs and list items (``-``, ``+``, ``1.``, ``1)``, a
checkbox, the marker taken off) as paragraphs, their inline markup read as the text it
shows (``=verbatim=`` and ``~code~`` as code spans, ``[[link][text]]``, ``src_sh{...}``);
code blocks: ``#+begin_src LANG ...`` (its language), ``#+begin_example`` and fixed-width
lines (``: text``): a block's indentation and Org's escaping commas (``,*``, ``,#+``) taken
off its lines. What Babel shows under ``#+RESULTS:`` is output: shown, never run; so is a
source block Babel does not evaluate (``:eval no``) and one that runs on another host
(``:dir /ssh:host:``), each said in a warning. Quote, centre, verse and special blocks are
read through.

What it leaves out: keywords (``#+AUTHOR:``, ``#+PROPERTY:``...), comments (``# ...``,
``#+begin_comment``, a ``COMMENT`` heading's subtree), drawers (``:PROPERTIES:`` ...
``:END:``), export blocks, tables, rules; ``#+INCLUDE:`` and ``#+SETUPFILE:`` are never
followed, nor ``#+CALL:``, each said in a warning. A shell block's ``:var NAME="value"``
is set before its lines, as Babel sets it. Each line keeps its line number in the file; a
block left open is read to the end of the page, with a warning.
"""

from __future__ import annotations

import re

from iplab.importer.parts import Part, first_matching, read_parts
from iplab.importer.reader import Reader

_KEYWORD = re.compile(r"[ \t]*#\+([A-Za-z_][\w-]*)(?:\[[^\]]*\])?:(?:[ \t]+(.*))?")
_BEGIN = re.compile(r"[ \t]*#\+begin_(\S+)(?:[ \t]+(.*))?", re.I)
_HEADING = re.compile(r"(\*+)[ \t]+(.*)")
_TODO = re.compile(r"\A(?:TODO|DONE|NEXT|WAITING|CANCELLED|CANCELED)[ \t]+")
_PRIORITY = re.compile(r"\A\[#[A-Z0-9]\][ \t]+")
_TAGS = re.compile(r"[ \t]+:[\w@#%:]+:[ \t]*$")
_COMMENT = re.compile(r"[ \t]*#(?:[ \t].*)?")
_FIXED = re.compile(r"([ \t]*):(?: (.*))?")
_DRAWER = re.compile(r"[ \t]*:([\w-]+):[ \t]*")
_DRAWER_END = re.compile(r"[ \t]*:end:[ \t]*", re.I)
_TABLE = re.compile(r"[ \t]*\|")
_RULE = re.compile(r"[ \t]*-{5,}[ \t]*")
_ITEM = re.compile(r"([ \t]*)(?:[-+]|(?<=[ \t])\*|\d+[.)])[ \t]+(?:\[[ Xx-]\][ \t]+)?(.*)")
#: a line Org escapes inside a block with a comma (``,* text``, ``,#+begin_src``)
_ESCAPED = re.compile(r"([ \t]*),(,*(?:\*|#\+))")
_INLINE = (
    (re.compile(r"\bsrc_[\w-]+(?:\[[^\]]*\])?\{([^{}]*)\}"), r"`\1`"),  # src_sh{ip a}
    (re.compile(r"\[\[[^\]]*\]\[([^\]]*)\]\]"), r"\1"),  # [[target][text]]
    (re.compile(r"\[\[([^\]]*)\]\]"), r"\1"),  # [[target]]
    # =verbatim= and ~code~: code spans (Org's emphasis: after a space or a bracket, and
    # before a space or punctuation)
    (re.compile(r"(?<![^\s(\[{'\"])[=~](?=\S)([^=~\n]*?\S)[=~](?=[\s.,;:!?'\")\]}]|$)"), r"`\1`"),
)
#: the shells whose blocks Babel runs (``sh``, ``bash``, ``shell``...)
_SHELLS = frozenset({"sh", "bash", "shell", "zsh", "dash"})
#: what ``:eval`` says when Babel does not run a block
_NOT_EVALUATED = frozenset({"no", "never"})
#: the blocks that hold no text of the page's (their lines are another program's, or hidden)
_SKIPPED = frozenset({"comment", "export"})


class _Page:
    """The parts of a page, read block by block; warnings name the lines."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()  # (as the other readers: a NEL, U+2028 end a line)
        self.parts: list[Part] = []
        self.warnings: list[str] = []
        self.title: str | None = None
        #: the page's header arguments for every source block (``#+PROPERTY: header-args``)
        self.defaults = ""
        #: the next block is what Babel printed (``#+RESULTS:``)
        self.results = False

    def read(self) -> list[Part]:
        i = 0
        while i < len(self.lines):
            i = self._block(i)
        return self.parts

    def _block(self, i: int) -> int:
        """Read the block that starts at line ``i`` (0-based); where the next one starts."""
        line = self.lines[i].rstrip()
        if not line.strip():
            return i + 1
        if heading := _HEADING.fullmatch(line):
            return self._heading(i, len(heading[1]), heading[2])
        if begin := _BEGIN.fullmatch(line):
            return self._delimited(i, begin[1].lower(), begin[2] or "")
        if keyword := _KEYWORD.fullmatch(line):
            self._keyword(keyword[1].lower(), (keyword[2] or "").strip(), i + 1)
            return i + 1
        if _COMMENT.fullmatch(line) or line.lstrip().startswith("#+"):
            return i + 1  # (a comment; a keyword Org does not know, a stray #+end_src)
        if (drawer := _DRAWER.fullmatch(line)) and drawer[1].lower() != "end":
            return self._drawer(i)
        if _FIXED.fullmatch(line):
            return self._fixed(i)
        if _TABLE.match(line) or _RULE.fullmatch(line):
            self.results = False
            return i + 1
        self.results = False
        if item := _ITEM.fullmatch(line):
            return self._paragraph(i, item[2], listed=True)
        return self._paragraph(i, line.strip(), listed=False)

    def _heading(self, i: int, level: int, text: str) -> int:
        self.results = False
        text = _TAGS.sub("", _PRIORITY.sub("", _TODO.sub("", text, count=1), count=1))
        if text == "COMMENT" or text.startswith("COMMENT "):  # its subtree is not read
            end = i + 1
            while end < len(self.lines):
                under = _HEADING.fullmatch(self.lines[end].rstrip())
                if under is not None and len(under[1]) <= level:
                    break
                end += 1
            self.warnings.append(
                f"line {i + 1}: a COMMENT heading: its subtree (to line {end}) is not read"
            )
            return end
        self.parts.append(Part("heading", i + 1, i + 1, _inline(text.strip()), title=False))
        return i + 1

    def _keyword(self, name: str, value: str, line: int) -> None:
        if name == "title" and self.title is None:
            self.title = _inline(value) or None
        elif name == "call":  # (a named block run again, with other arguments)
            self.warnings.append(
                f"line {line}: #+CALL: {value} runs a named block of the page again: not"
                " read (write its lines where it runs)"
            )
        elif name in ("include", "setupfile"):
            self.warnings.append(
                f"line {line}: #+{name.upper()}: {value} is not followed (iplab reads this"
                " file only)"
            )
        elif name == "property" and re.match(r"header-args(?::(?:sh|bash|shell))?\s", value):
            self.defaults += " " + value.split(None, 1)[1]
        elif name == "results":
            self.results = True
            return
        self.results = self.results and name in ("name", "caption", "attr_html")

    # -- blocks --

    def _delimited(self, i: int, name: str, parameters: str) -> int:
        output, self.results = self.results, False
        close = re.compile(rf"[ \t]*#\+end_{re.escape(name)}[ \t]*", re.I)
        end = first_matching(self.lines, i + 1, close.fullmatch)
        if end is None:
            self.warnings.append(
                f"line {i + 1}: the block opened by #+begin_{name} is not closed: read to the"
                " end of the page"
            )
            end = len(self.lines)
        if name in _SKIPPED:
            return end + 1
        if name not in ("src", "example"):  # quote, center, verse, a special block: read through
            inner = _Page("")  # (the lines up to the block's end: its own are read)
            inner.lines, inner.defaults, k = self.lines[:end], self.defaults, i + 1
            while k < end:
                k = inner._block(k)
            self.parts += inner.parts
            self.warnings += inner.warnings
            return end + 1
        lang, shown, arguments = "", output, ""
        if name == "src":
            words = parameters.split()
            lang = words[0] if words and not words[0].startswith((":", "-")) else ""
            lang = "sh" if lang.lower() in _SHELLS else lang
            arguments = f"{self.defaults} {parameters}"
            shown = shown or self._not_run(i + 1, arguments)
        body = _unescaped([(j + 1, self.lines[j]) for j in range(i + 1, end)])
        if name == "src" and lang == "sh":
            body = self._variables(i + 1, arguments) + body
        self.parts.append(Part("code", i + 1, end + 1, info=lang, body=body, shown=shown))
        return end + 1

    def _not_run(self, line: int, arguments: str) -> bool:
        """Whether Babel runs a source block of these header arguments here (said when not)."""
        found = dict(re.findall(r":([\w-]+)[ \t]+((?:\"[^\"]*\"|[^:\s]\S*)?)", arguments))
        if found.get("eval", "").strip('"').lower() in _NOT_EVALUATED:
            self.warnings.append(f"line {line}: a block Babel does not run (:eval no): shown")
            return True
        where = found.get("dir", "")
        if re.match(r'"?/(?!sudo:|su:|doas:)[\w-]+:[^/:]*[\w.-]', where):
            self.warnings.append(
                f"line {line}: a block that runs on another host (:dir {where}): shown, not run"
            )
            return True
        return False

    def _variables(self, line: int, arguments: str) -> list[tuple[int, str]]:
        """What Babel sets before a shell block runs (``:var NS="red" :var N=2``): each
        ``NAME=VALUE`` of a string or a number, as a line of the block (a value that names
        another block or a table is not read: said)."""
        out = []
        for name, value in re.findall(r":var[ \t]+([A-Za-z_]\w*)=(\"[^\"]*\"|\S+)", arguments):
            if value.startswith('"') or re.fullmatch(r"-?\d+(?:\.\d+)?", value):
                out.append((line, f"{name}={value}"))
            else:
                self.warnings.append(
                    f"line {line}: :var {name}={value} names another block or a table of the"
                    f" page: ${name} is not set"
                )
        return out

    def _fixed(self, i: int) -> int:
        """Fixed-width lines (``: text``): a literal block, output under ``#+RESULTS:``."""
        output, self.results = self.results, False
        body = []
        j = i
        while j < len(self.lines) and (fixed := _FIXED.fullmatch(self.lines[j].rstrip())):
            body.append((j + 1, fixed[2] or ""))
            j += 1
        self.parts.append(Part("code", i + 1, j, body=body, shown=output))
        return j

    def _drawer(self, i: int) -> int:
        """A drawer (``:PROPERTIES:`` ... ``:END:``, Babel's ``:results:``): not read."""
        self.results = False
        end = first_matching(self.lines, i + 1, _DRAWER_END.fullmatch)
        return i + 1 if end is None else end + 1

    def _paragraph(self, i: int, first: str, listed: bool) -> int:
        """A paragraph (a list item's, when ``listed``) from line ``i``: its lines, inline
        markup read."""
        source = [_inline(first)]
        end = i + 1
        while end < len(self.lines):
            line = self.lines[end].rstrip()
            if (
                not line.strip()
                or _HEADING.fullmatch(line)
                or _BEGIN.fullmatch(line)
                or _KEYWORD.fullmatch(line)
                or _FIXED.fullmatch(line)
                or _DRAWER.fullmatch(line)
                or _TABLE.match(line)
                or (listed and _ITEM.fullmatch(line))
            ):
                break
            if not _COMMENT.fullmatch(line):
                source.append(_inline(line.strip()))
            end += 1
        self.parts.append(Part("paragraph", i + 1, end, source=source))
        return end


def _unescaped(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A block's lines as Org gives them to Babel: their common indentation and the comma
    that escapes a ``*`` or ``#+`` at a line's start taken off."""
    texts = [text for _, text in body if text.strip()]
    leads = [t[: len(t) - len(t.lstrip(" \t"))] for t in texts]
    indent = min(leads, key=len) if leads else ""
    while not all(lead.startswith(indent) for lead in leads):
        indent = indent[:-1]
    return [(n, _ESCAPED.sub(r"\1\2", text[len(indent) :])) for n, text in body]


def _inline(text: str) -> str:
    """A line of prose with Org's inline markup read as the text it shows."""
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text


def read_org(text: str, keep_variables: bool = True) -> tuple[str | None, Reader]:
    """The page's title and a reader holding its events (notes and commands, in order)."""
    page = _Page(text)
    parts = page.read()
    title, reader = read_parts(parts, page.title, keep_variables)
    reader.warnings[:0] = page.warnings
    return title, reader
