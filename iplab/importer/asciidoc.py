"""An AsciiDoc page (Red Hat and Fedora documentation, Antora sites, lab manuals) read line
by line into the parts a Markdown page has (:class:`~iplab.importer.parts.Part`), read
the same way. No AsciiDoc parser is used: Python's (``asciidoc``) is GPL, and a tutorial
needs only its blocks, read here as Asciidoctor reads them.

What it reads: the document title (``= Title``) and section titles (``==`` to ``======``,
or a title over an underline of ``=``, ``-``, ``~``, ``^``, ``+``); paragraphs, list items
(``*``, ``-``, ``.``, ``1.``, a callout list's ``<1>``, the marker taken off) and
admonitions (``NOTE: ...``) as paragraphs, their inline markup read as its text
(``+x+``, ``_x_``, links, ``<<id,text>>``, ``{attribute}``; backticks and ``*x*`` as a
Markdown paragraph's); code blocks: ``----`` listings (in the language of a
``[source,LANG]`` line before them, else none), ``....`` literal blocks, Markdown-style
fences, an indented literal paragraph, and a paragraph marked ``[source,LANG]``,
``[literal]`` or ``[listing]``. A callout (``<1>``, ``# <2>``) that ends a code line is taken
off it. Example, sidebar, quote and open blocks (``====``, ``****``, ``____``, ``--``) are
read through; a list continuation (``+``) joins the next block, which is read as any block.

What it leaves out: the header's attribute entries (``:toc:``) and author lines, block
attribute lines and anchors (``[.lead]``, ``[[id]]``), block titles (``.Title``), comments
(``//``, ``////``), tables, passthrough blocks (``++++``), block macros (``image::``), and
the preprocessor: ``include::`` is never followed and ``ifdef::`` never evaluated (what it
wraps is read), each said in a warning. Each line keeps its line number in the file; a
block left open is read to the end of the page, with a warning naming where it opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iplab.importer.parts import Part, first_matching, plain, read_parts
from iplab.importer.reader import Reader

_SECTION = re.compile(r"(={1,6})[ \t]+(\S.*)")
_UNDERLINE = re.compile(r"={2,}|-{2,}|~{2,}|\^{2,}|\+{2,}")
_LEVELS = {"=": 0, "-": 1, "~": 2, "^": 3, "+": 4}
_ENTRY = re.compile(r":(!?\w[\w-]*!?):(?:[ \t]+(.*))?")
_ATTRIBUTES = re.compile(r"\[(|[#.%,\w{\"'].*)\]")  # (not a shell's test: [ -f x ])
_ANCHOR = re.compile(r"\[\[.*\]\]")
_BLOCK_TITLE = re.compile(r"\.\.?[^ \t.]")
_LIST_ITEM = re.compile(
    r"[ \t]*(?:\*{1,5}|-|\.{1,5}|\d{1,9}\.|<(?:\d+|\.)>)[ \t]+(?:\[[ x*]\][ \t]+)?(\S.*)"
)
_CALLOUT = re.compile(r"<(?:\d+|\.)>|<!--(?:\d+|\.)-->")
_DIRECTIVE = re.compile(r"(include|ifdef|ifndef|ifeval|endif)::([^\[]*)\[(.*)\]")
_MACRO = re.compile(r"[\w-]+::\S*\[.*\]")
_BREAK = re.compile(r"'{3,}|<{3,}")
_DELIMITERS = {
    "-": "listing", ".": "literal", "=": "example", "*": "sidebar", "_": "quote",
    "/": "comment", "+": "pass",
}  # fmt: skip
_TABLE = re.compile(r"[|,:!]={3,}")
_VERBATIM = frozenset({"source", "listing", "literal"})
_SKIPPED = frozenset({"comment", "pass", "table"})
_BUILTIN = {
    "nbsp": " ", "sp": " ", "empty": "", "zwsp": "", "amp": "&", "lt": "<", "gt": ">",
    "plus": "+", "startsb": "[", "endsb": "]", "vbar": "|", "caret": "^", "asterisk": "*",
    "tilde": "~", "backslash": "\\", "backtick": "`", "apos": "'", "quot": '"',
    "two-colons": "::", "two-semicolons": ";;",
}  # fmt: skip
_IMAGE = re.compile(r"\b(?:image|icon|footnote|indexterm2?):[^\s\[\]]*\[[^\[\]]*\]")
_INLINE = (
    (re.compile(r"`\+([^`]+?)\+`"), r"`\1`"),  # `+literal+`
    (re.compile(r"(?<![\w+\\])\+\+([^+]+)\+\+(?![\w+])"), r"\1"),  # ++passthrough++
    (re.compile(r"(?<![\w+\\])\+(?![\s+])([^+]*?)(?<![\s+])\+(?![\w+])"), r"\1"),  # +passthrough+
    (re.compile(r"\bpass:[a-z,]*\[([^\[\]]*)\]"), r"\1"),
    (re.compile(r"\b(?:kbd|btn):\[([^\[\]]*)\]"), r"\1"),
    (re.compile(r"<<([^,<>]+),\s*([^<>]+)>>"), r"\2"),  # <<id,text>>
    (re.compile(r"<<([^,<>]+)>>"), r"\1"),
    (re.compile(r"(?<![\w\\])_(?![\s_])(.{0,200}?[^\s_])_(?!\w)"), r"\1"),  # _emphasis_
    (re.compile(r"[ \t]\+$"), ""),  # a hard line break
)
#: a link: link:, xref:, mailto: or an address, then its text in brackets
_LINK = re.compile(
    r"(?:\b(?:link|xref|mailto):([^\s\[\]]+)|\b((?:https?|ftp|irc|file)://[^\s\[\]]+))"
    r"\[([^\[\]]*)\]"
)
#: the longest line read for its inline markup (a longer one is no prose: kept as it is)
_LONGEST = 4096
_REFERENCE = re.compile(r"(?<!\\)\{(\w[\w-]*)\}")


@dataclass
class _Style:
    """What a block attribute line (``[source,bash]``) says of the block after it."""

    name: str
    lang: str
    line: int
    said: str
    #: ``subs="attributes+"``: a code block's ``{name}`` replaced as prose's
    attributes: bool = False


class _Page:
    """The parts of a page, read block by block; warnings name the lines."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()  # (as the other readers: a NEL, U+2028 end a line)
        self.parts: list[Part] = []
        self.warnings: list[str] = []
        self.attributes: dict[str, str] = {}
        #: open example, sidebar, quote and open blocks: their delimiter and first line
        self.open: list[tuple[str, int]] = []
        self.style: _Style | None = None

    def read(self) -> list[Part]:
        i = 0
        while i < len(self.lines):
            i = self._block(i)
        for delimiter, line in self.open:
            self.warnings.append(f"line {line}: the block opened by {delimiter!r} is not closed")
        if self.style is not None:
            self.warnings.append(
                f"line {self.style.line}: {self.style.said} is followed by no block; ignored"
            )
        return self.parts

    def _block(self, i: int) -> int:
        """Read the block that starts at line ``i`` (0-based); where the next one starts."""
        raw = self.lines[i]
        line = raw.rstrip()
        if not line.strip() or line == "+" or _BREAK.fullmatch(line):
            return i + 1
        if directive := _DIRECTIVE.fullmatch(line):
            self._directive(directive, i + 1)
            return i + 1
        kind = _delimiter(line)
        if kind is not None:
            return self._delimited(i, kind, line)
        if line.startswith("//"):
            return i + 1
        if entry := _ENTRY.fullmatch(line):
            self._entry(entry)
            return i + 1
        if _ANCHOR.fullmatch(line):
            return i + 1
        if attributes := _ATTRIBUTES.fullmatch(line):
            self.style = _style(attributes[1], i + 1, line, self.attributes)
            return i + 1
        if _BLOCK_TITLE.match(line):
            return i + 1
        if section := _SECTION.fullmatch(line):
            return self._heading(i, len(section[1]) - 1, _unclosed(section[2]))
        if not self.open and (level := self._underlined(i)) is not None:
            return self._heading(i, level, line, i + 2)
        if _MACRO.fullmatch(line):
            self.style = None
            return i + 1
        style, self.style = self.style, None
        if style is not None and style.name in _VERBATIM:
            return self._verbatim_paragraph(i, style)
        skipped = style is not None and style.name in _SKIPPED
        if item := _LIST_ITEM.fullmatch(line):
            return self._paragraph(i, item[1], listed=True, skipped=skipped)
        if raw[:1] in (" ", "\t"):
            return self._verbatim_paragraph(i, None)
        return self._paragraph(i, line, listed=False, skipped=skipped)

    # -- what is not a block --

    def _directive(self, directive: re.Match[str], line: int) -> None:
        name, target = directive[1], directive[2]
        if name == "include":
            self.warnings.append(
                f"line {line}: include::{target}[] is not followed (iplab reads this file only)"
            )
        elif name != "endif" and not directive[3]:
            self.warnings.append(
                f"line {line}: {name}::{target}[] is not evaluated: what it wraps is read"
            )

    def _entry(self, entry: re.Match[str]) -> None:
        name = entry[1]
        if name.startswith("!") or name.endswith("!"):
            self.attributes.pop(name.strip("!"), None)
        else:
            self.attributes[name] = (entry[2] or "").strip()

    def _underlined(self, i: int) -> int | None:
        """The level of a two-line section title (its text on line ``i``), if it is one."""
        if i + 1 >= len(self.lines) or (self.style is not None and self.style.name != ""):
            return None
        title, under = self.lines[i].rstrip(), self.lines[i + 1].rstrip()
        if not _UNDERLINE.fullmatch(under) or abs(len(title) - len(under)) > 1:
            return None
        if not re.search(r"\w", title) or title[0] in " \t" or _LIST_ITEM.fullmatch(title):
            return None
        return _LEVELS[under[0]]

    def _heading(self, i: int, level: int, text: str, after: int | None = None) -> int:
        self.style = None
        heading = plain(self._inline(text))
        self.parts.append(Part("heading", i + 1, i + 1, heading, title=level == 0))
        after = i + 1 if after is None else after
        if level == 0 and len(self.parts) == 1:  # the header: attribute entries, author
            others = 0
            while after < len(self.lines) and (header := self.lines[after].rstrip()):
                if entry := _ENTRY.fullmatch(header):
                    self._entry(entry)
                elif not header.startswith("//"):
                    if others == 2 or _delimiter(header) or _ATTRIBUTES.fullmatch(header):
                        break
                    others += 1  # the author line, the revision line
                after += 1
        return after

    # -- blocks --

    def _delimited(self, i: int, kind: str, delimiter: str) -> int:
        """A delimited block opened (or a container closed) on line ``i``."""
        if any(delimiter == opened for opened, _ in self.open):
            while self.open.pop()[0] != delimiter:
                pass
            return i + 1
        style, self.style = self.style, None
        lang = ""
        if kind == "fence":
            lang, delimiter = delimiter[3:].strip(), "```"
        elif style is not None and style.name in _VERBATIM | _SKIPPED and kind == "open":
            kind = "listing" if style.name in _VERBATIM else "comment"
        if kind in ("example", "sidebar", "quote", "open"):
            self.open.append((delimiter, i + 1))
            return i + 1
        end = first_matching(self.lines, i + 1, lambda line: line.rstrip() == delimiter)
        if end is None:
            self.warnings.append(
                f"line {i + 1}: the block opened by {delimiter!r} is not closed:"
                " read to the end of the page"
            )
            end = len(self.lines)
        if kind in _SKIPPED:
            return end + 1
        if style is not None and style.name == "source":
            lang = style.lang
        body = []
        for j in range(i + 1, end):
            if directive := _DIRECTIVE.fullmatch(self.lines[j].rstrip()):
                self._directive(directive, j + 1)
            else:
                body.append((j + 1, self._code_line(self.lines[j], style)))
        self.parts.append(Part("code", i + 1, end + 1, info=lang, body=body))
        return end + 1

    def _code_line(self, text: str, style: _Style | None) -> str:
        """A line of code without its callouts (and its attributes replaced, when asked)."""
        if style is not None and style.attributes:
            text = self._replaced(text)
        return _uncalled(text)

    def _verbatim_paragraph(self, i: int, style: _Style | None) -> int:
        """A literal paragraph (indented), or one marked ``[source]`` or ``[literal]``."""
        end = i + 1
        while (
            end < len(self.lines)
            and self.lines[end].strip()
            and not _delimiter(self.lines[end].rstrip())
        ):
            end += 1
        texts = self.lines[i:end]
        leads = [t[: len(t) - len(t.lstrip(" \t"))] for t in texts]
        indent = min(leads, key=len)
        while not all(lead.startswith(indent) for lead in leads):
            indent = indent[:-1]
        body = [(i + 1 + k, self._code_line(t[len(indent) :], style)) for k, t in enumerate(texts)]
        lang = style.lang if style is not None and style.name == "source" else ""
        self.parts.append(Part("code", i + 1, end, info=lang, body=body))
        return end

    def _paragraph(self, i: int, first: str, listed: bool, skipped: bool) -> int:
        """A paragraph (a list item's, when ``listed``) from line ``i``: its lines, inline
        markup read, a comment line kept as an empty one (each keeps its number)."""
        source = [self._inline(first)]
        end = i + 1
        while end < len(self.lines):
            line = self.lines[end].rstrip()
            if (
                not line.strip()
                or line == "+"
                or _delimiter(line)
                or _ATTRIBUTES.fullmatch(line)
                or _DIRECTIVE.fullmatch(line)
                or (listed and _LIST_ITEM.fullmatch(line))
            ):
                break
            source.append("" if line.startswith("//") else self._inline(line.strip()))
            end += 1
        if not skipped:
            self.parts.append(Part("paragraph", i + 1, end, source=source))
        return end

    def _replaced(self, text: str) -> str:
        """``{name}``: the value of the document's attribute (or a built-in one), if set."""
        return _REFERENCE.sub(lambda m: self.attributes.get(m[1], _BUILTIN.get(m[1], m[0])), text)

    def _inline(self, text: str) -> str:
        """A line of prose with its inline markup read as the text it shows (a line too
        long to be prose, as it is)."""
        if len(text) > _LONGEST:
            return text
        text = self._replaced(text)
        text = _IMAGE.sub("", text)  # (first: an image's address is no link)
        text = _LINK.sub(lambda m: m[3].rstrip("^") or m[1] or m[2], text)
        for pattern, repl in _INLINE:
            text = pattern.sub(repl, text)
        return text


def _uncalled(text: str) -> str:
    """A code line without the callouts that end it (``<1>``, ``# <2> <3>``, ``<!--4-->``)."""
    head, found = text.rstrip(), False
    while (k := head.rfind("<")) >= 0 and _CALLOUT.fullmatch(head, k):
        head, found = head[:k].rstrip(), True
    if not found:
        return text
    for mark in ("//", "#", "--", ";;"):  # the comment that hides them from the shell
        if head.endswith(mark):
            return head[: -len(mark)].rstrip()
    return head


def _unclosed(title: str) -> str:
    """A section title without the ``=`` that may close it (``== Title ==``)."""
    bare = title.rstrip().rstrip("=")
    return bare.rstrip() if bare != title.rstrip() and bare[-1:] in (" ", "\t") else title


def _delimiter(line: str) -> str | None:
    """The kind of delimited block a line opens or closes, if it is a delimiter."""
    if line == "--":
        return "open"
    if line.startswith("```"):
        return "fence"
    if len(line) >= 4 and line[0] in _DELIMITERS and line == line[0] * len(line):
        return _DELIMITERS[line[0]]
    return "table" if _TABLE.fullmatch(line) else None


def _style(attributes: str, line: int, said: str, document: dict[str, str]) -> _Style:
    """A block attribute line's style and language: ``[source,bash]``, ``[,console]``,
    ``[source%linenums,sh]``, ``[literal]``, ``[NOTE]``, ``[.lead]``."""
    positional = [a.strip() for a in attributes.split(",") if "=" not in a]
    named = {
        key.strip(): value.strip().strip("\"'")
        for key, _, value in (a.partition("=") for a in attributes.split(",") if "=" in a)
    }
    name = re.split(r"[#.%]", positional[0], maxsplit=1)[0] if positional else ""
    lang = positional[1] if len(positional) > 1 else named.get("language", "")
    if name == "" and lang:
        name = "source"  # [,bash]
    if name == "source" and not lang:
        lang = document.get("source-language", "")
    subs = "attributes" in named.get("subs", "")
    return _Style(name.lower(), lang, line, said, subs)


def read_asciidoc(text: str, keep_variables: bool = True) -> tuple[str | None, Reader]:
    """The page's title and a reader holding its events (notes and commands, in order)."""
    page = _Page(text)
    parts = page.read()
    title, reader = read_parts(parts, None, keep_variables)
    reader.warnings[:0] = page.warnings
    return title, reader


def looks_like_asciidoc(text: str) -> bool:
    """A page that starts with a document title (``= Title``) followed by AsciiDoc's marks,
    or that has a ``[source...]`` line with a ``----`` block after it."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    first = next((line for line in lines if line.strip() and not line.startswith("//")), "")
    marks = (
        _ENTRY.fullmatch(line)
        or (_SECTION.fullmatch(line) and not line.startswith("= "))
        or _delimiter(line) in ("listing", "literal", "example", "sidebar")
        or (_ATTRIBUTES.fullmatch(line) and not _ANCHOR.fullmatch(line))
        for line in lines
    )
    if re.match(r"=[ \t]+\S", first) and any(marks):
        return True
    source = next(
        (k for k, line in enumerate(lines) if re.match(r"\[(?:source[\],%#.]|,)", line)), None
    )
    return source is not None and any(_delimiter(line) == "listing" for line in lines[source:])
