"""A web page (a tutorial saved from the browser, or fetched by its address) read with the
standard library's HTML parser: its title, headings, paragraphs and code blocks become the
same parts a Markdown page has (:class:`~iplab.importer.parts.Part`), read the same way.

What a blog engine puts around a tutorial is left out: scripts, styles, navigation,
sidebars, footers, forms, buttons ("Copy"), the line numbers of a highlighted block
(Pygments' ``linenos`` table or spans, Chroma's ``ln``, Prism's ``line-numbers-rows``), and
a blog's comments (said in a warning when they hold code; a ``comment`` class inside a
``<pre>`` or a ``<code>`` is a highlighter's, read); an issue on a code host and its
replies (GitHub's ``timeline-comment``, ``markdown-body``) are the page's text.
When the page has an ``<article>`` or a ``<main>`` (or ``role="main"``), only what it
holds is read; a ``<header>`` outside it is the site's. A code
block is a ``<pre>``; its language comes from its classes or an enclosing element's
(``language-bash``, ``lang-sh``, ``highlight-source-shell``, ``brush: bash``,
``sourceCode bash``, ``data-lang``), and the spans a highlighter wraps around words
are read as the text they hold. Each line keeps its line number in the HTML file.

Why this module is long: one parser's state (what is skipped, the answer read, the code
block and the paragraph being gathered) and its handlers read best together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from iplab.importer.parts import Part, read_parts
from iplab.importer.reader import Reader

#: elements whose content is never the tutorial's
_SKIPPED = frozenset(
    {"script", "style", "nav", "footer", "aside", "noscript", "form", "button", "svg",
     "template", "select", "iframe", "textarea"}
)  # fmt: skip
#: classes of what a highlighter or a theme adds inside or around a code block (line
#: numbers, copy buttons, Crayon's hidden plain copy of the code), and a Q&A site's around a
#: post (StackExchange's votes, "asked ... by", tags)
_SKIPPED_CLASS = re.compile(
    r"^(?:linenos?|lineno|linenodiv|line-numbers-rows|gutter|ln|lnt|copy|"
    r"copy-button|btn-copy|code-copy|clipboard|copy-code-button|code-toolbar-button|"
    r"crayon-plain|crayon-nums|crayon-toolbar|"
    r"votecell|js-vote-count|post-signature|post-taglist|"
    # a wiki's trail of pages above the title and its "Created by ..., last modified on ..."
    # (hunt Z: a Confluence export's were the scenario's description)
    r"breadcrumbs?|breadcrumb-section|page-metadata)$"
)
#: ids of the same (Confluence's ``<div id="breadcrumb-section">``)
_SKIPPED_ID = re.compile(r"^(?:breadcrumbs?|breadcrumb-section)$")
#: the space's name a Confluence export writes before a page's title (``Team Wiki : ``)
_SPACE_NAME = re.compile(r"\A[^:]{1,80}? : (?=\S)")
#: classes of a blog's comments (WordPress, Disqus, Ghost...: a reader's commands are not
#: the tutorial's)
_COMMENT_CLASS = re.compile(
    r"^(?:comments?|comments-area|comment-list|commentlist|comment-respond|comment-body|"
    r"comments-section|post-comments|disqus_thread|gh-comments)$"
)
#: ids of a blog's comments
_COMMENT_ID = re.compile(r"^(?:comments?|respond|disqus_thread|comment-section)$")
#: classes of a code host's text, written by the author of an issue or a reply (GitHub's
#: ``timeline-comment``, ``comment-body markdown-body``): the page's content, never a
#: blog's comments, whatever other classes the element has
_CONTENT_CLASS = frozenset({"markdown-body", "timeline-comment"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: elements holding prose: each one a paragraph
_PROSE = frozenset({"p", "li", "dt", "dd", "blockquote", "figcaption", "td", "th", "summary"})
#: elements that end a run of text not inside a paragraph
_BOUNDARY = frozenset({"div", "section", "article", "main", "ul", "ol", "table", "tr", "hr"})
#: elements that cannot hold anything (no end tag follows)
_VOID = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "base", "col"}
)
#: a code block's language in its classes
_LANG = (
    re.compile(r"(?:^|\s)(?:language|lang|highlight-source|highlight)-([\w+#.-]+)"),
    re.compile(r"brush:\s*([\w+#.-]+)"),
    re.compile(r"(?:^|\s)sourceCode\s+([\w+#.-]+)"),
    re.compile(r"(?:^|\s)hljs\s+([\w+#.-]+)"),
)
#: a class that is a language by itself (``<code class="bash">``)
_BARE_LANGS = frozenset(
    {"bash", "sh", "shell", "console", "zsh", "shell-session", "terminal", "text", "plaintext"}
)


#: a Q&A thread's answers (StackExchange's markup: schema.org's ``Answer``)
_ANSWERS = frozenset({"acceptedAnswer", "suggestedAnswer"})
_ACCEPTED = re.compile(r"""\bitemprop=["']acceptedAnswer["']""")


def read_html(text: str, keep_variables: bool = True) -> tuple[str | None, Reader]:
    """The page's title and a reader holding its events (notes and commands, in order).

    A Q&A thread (StackExchange) is its question and one answer: the accepted one, else
    the first; each answer sets the lab up its own way, and two of them run one after the
    other make names twice or a second lab in the first one's teardown (hunt X)."""
    page = _Page(one_answer="accepted" if _ACCEPTED.search(text) else "first")
    page.feed(text.replace("\r\n", "\n").replace("\r", "\n"))
    page.close()
    parts = page.parts
    if any(part_in_main for part_in_main in page.in_main):
        parts = [p for p, inside in zip(page.parts, page.in_main, strict=True) if inside]
    h1 = [p.text for p in page.parts if p.kind == "heading" and p.title]
    title = None if any(p.kind == "heading" and p.title for p in parts) else page.title
    if title is not None and h1:  # (a question's <h1> above its role="main", StackExchange's)
        title = h1[0]
    title, reader = read_parts(parts, title, keep_variables)
    if title is not None and page.space_named:  # (hunt Z: "Team Wiki : Overlay lab ...")
        title = _SPACE_NAME.sub("", title)
    if page.commented_code:
        read = any(part.kind == "code" for part in parts)
        reader.warnings.insert(0, commented_code(page.commented_code, read))
    if page.other_answers:
        lines = ", ".join(map(str, page.other_answers))
        which = "the accepted one" if page.one_answer == "accepted" else "the first"
        n = len(page.other_answers)
        reader.warnings.insert(
            0,
            f"line{'s' * (n > 1)} {lines}: {n} other answer{'s' * (n > 1)} of the thread"
            f" left out: the question and one answer are read ({which})",
        )
    return title, reader


def commented_code(lines: list[int], others: bool) -> str:
    """The warning for the code blocks left out with a blog's comments, at ``lines``;
    ``others``: the page has code blocks of its own."""
    n, lines = len(lines), list(dict.fromkeys(lines))
    where = f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines))}"
    if others:
        return f"{where}: {n} code block{'s' * (n > 1)} in the page's comments, skipped"
    return (
        f"{where}: all {n} code block{'s' * (n > 1)} of the page {'are' if n > 1 else 'is'}"
        " in its comments, which are skipped (a reader's commands are not the tutorial's)"
    )


def fragment_code(text: str) -> list[Part]:
    """The code blocks (``<pre>``) of a piece of HTML, such as a Markdown page holds
    (``<details><pre>...</pre></details>``), its lines counted from 1."""
    page = _Page()
    page.feed(text)
    page.close()
    return [part for part in page.parts if part.kind == "code"]


def _skipped(tag: str, attrs: dict[str, str], in_code: bool = False) -> str:
    """Why an element's content is not the tutorial's: ``page`` (a script, a navigation
    bar, a highlighter's line numbers...), ``comments`` (a blog's readers'); "" when it is.

    ``in_code``: the element is inside a ``<pre>`` or a ``<code>``, where a ``comment``
    class is a highlighter's (Prism's ``token comment``, highlight.js's ``comment``) and
    its text is the code's (hunt C: a root prompt's ``# ip netns add ...`` was lost)."""
    classes = attrs.get("class", "").split()
    if tag in _SKIPPED or any(_SKIPPED_CLASS.match(c) for c in classes):
        return "page"
    if _SKIPPED_ID.match(attrs.get("id", "")):
        return "page"
    if attrs.get("role") in ("banner", "navigation", "contentinfo", "complementary"):
        return "page"  # a site's header, its menus, its footer, a sidebar
    if _CONTENT_CLASS.intersection(classes):
        return ""  # an issue's text and its replies on a code host
    if in_code:
        return ""
    if any(_COMMENT_CLASS.match(c) for c in classes) or _COMMENT_ID.match(attrs.get("id", "")):
        return "comments"
    return ""


def _language(attrs: dict[str, str]) -> str | None:
    if attrs.get("data-lang"):
        return attrs["data-lang"]
    classes = attrs.get("class", "")
    for pattern in _LANG:
        if match := pattern.search(classes):
            return match[1].lower()
    bare = [c for c in classes.lower().split() if c in _BARE_LANGS]
    return bare[0] if bare else None


@dataclass
class _Text:
    """Text being gathered: its pieces, and the line each of its lines starts on."""

    kind: str
    line: int
    pieces: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    lang: str = ""
    #: a ``<pre>``'s file name (its title)
    named: str = ""
    #: a paragraph's ``<br>`` with nothing after it yet: the file's own newline after it
    #: makes no second line (``a<br />`` then ``b``: two lines, numbered as the file's)
    after_br: bool = False


class _Page(HTMLParser):
    """The parts of a page, in order, each marked inside ``<article>``/``<main>`` or not."""

    def __init__(self, one_answer: str = "first") -> None:
        super().__init__(convert_charrefs=True)
        #: which answer of a Q&A thread is read: the ``accepted`` one, or the ``first``
        self.one_answer = one_answer
        self._answers = 0
        #: the lines where the answers left out begin
        self.other_answers: list[int] = []
        self.parts: list[Part] = []
        self.in_main: list[bool] = []
        self.title: str | None = None
        #: each open tag, its language, why it is skipped ("": it is not), and whether it
        #: is the page's main content (``<article>``, ``<main>``, ``role="main"``)
        self._stack: list[tuple[str, str | None, str, bool]] = []
        self._skip = 0
        self._comments = 0
        #: the lines of the ``<pre>`` blocks left out with a blog's comments
        self.commented_code: list[int] = []
        self._main = 0
        self._text: _Text | None = None
        self._code: _Text | None = None
        self._in_title = False
        self._title: list[str] = []
        #: a Confluence export's title heading (``<h1 class="pagetitle">``): its titles
        #: start with the space's name
        self.space_named = False

    # -- tags --

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in _VOID:
            if self._skip:
                return
            if tag == "br":
                self._data("\n", br=True)
            elif tag in _BOUNDARY and self._code is None:
                self._flush()
            return
        if tag == "pre" and self._comments:
            self.commented_code.append(self.getpos()[0])
        in_code = any(open_tag in ("pre", "code") for open_tag, *_ in self._stack)
        why = _skipped(tag, values, in_code)
        why = why or ("page" if tag == "header" and not self._main else "")
        if not why and not self._skip and values.get("itemprop") in _ANSWERS:
            why = self._answer(values["itemprop"])
        main = tag in ("article", "main") or values.get("role") == "main"
        self._stack.append((tag, _language(values), why, main))
        if why:
            self._skip += 1
            self._comments += why == "comments"
            return
        if self._skip:
            return
        if main:
            self._main += 1
        if tag == "h1" and "pagetitle" in values.get("class", "").split():
            self.space_named = True
        if tag == "title":
            self._in_title = True
        elif tag == "pre" and self._code is None:
            self._flush()
            lang = next((lang for _, lang, _, _ in reversed(self._stack) if lang), "")
            self._code = _Text("code", self.getpos()[0], lang=lang)
            # the file the block is (``<pre title="/etc/x.conf">``, a highlighter's
            # ``data-filename``): iplab.importer.fileblocks
            self._code.named = next(
                (v for k in ("title", "data-title", "data-filename", "data-file")
                 if (v := (values.get(k) or "").strip())), ""
            )  # fmt: skip
        elif self._code is not None:
            if tag == "code" and not self._code.lang:
                self._code.lang = _language(values) or ""
        elif tag == "code":
            self._span()
        elif tag in _HEADINGS or tag in _PROSE or tag in _BOUNDARY:
            self._flush()
            if tag in _HEADINGS or tag in _PROSE:
                self._text = _Text(tag, self.getpos()[0])

    def _answer(self, itemprop: str) -> str:
        """Why an answer is skipped: not at all (``""``) for the thread's answer that is
        read, ``answer`` for the others (their lines are said)."""
        self._answers += 1
        chosen = (
            itemprop == "acceptedAnswer" if self.one_answer == "accepted" else self._answers == 1
        )
        if chosen:
            return ""
        self.other_answers.append(self.getpos()[0])
        return "answer"

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or all(open_tag != tag for open_tag, *_ in self._stack):
            return  # a stray end tag closes nothing
        while self._stack:  # close what the page left open, up to the tag
            open_tag, _, why, main = self._stack.pop()
            self._closed(open_tag, why, main)
            if open_tag == tag:
                break

    def _closed(self, tag: str, why: str, main: bool) -> None:
        if why:
            self._skip -= 1
            self._comments -= why == "comments"
            return
        if self._skip:
            return
        if main:
            self._main -= 1
        if tag == "title":
            self._in_title = False
            self.title = _page_title("".join(self._title))
        elif tag == "pre" and self._code is not None:
            code, self._code = self._code, None
            self._add_code(code)
        elif tag == "code" and self._code is None:
            self._span()
        elif self._code is None and (tag in _HEADINGS or tag in _PROSE or tag in _BOUNDARY):
            self._flush()

    def close(self) -> None:
        super().close()
        while self._stack:
            open_tag, _, why, main = self._stack.pop()
            self._closed(open_tag, why, main)
        self._flush()

    # -- text --

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self._title.append(data)
            return
        self._data(data)

    def _data(self, data: str, br: bool = False) -> None:
        """Text of the page; ``br``: a ``<br>``, a new line that starts where it stands."""
        target = self._code
        if target is None:
            if not data.strip() and self._text is None:
                return
            if self._text is None:
                self._text = _Text("loose", self.getpos()[0])
            target = self._text
        line = self.getpos()[0]  # where the data starts in the file
        if not target.lines:
            target.lines.append(line)
        if br:
            target.pieces.append("\n")
            target.lines.append(line)
            target.after_br = target is not self._code
            return
        for i, piece in enumerate(data.split("\n")):
            if i:
                line += 1
                if target.after_br:  # (the newline after a paragraph's <br>: the same line)
                    target.lines[-1] = line
                else:
                    target.pieces.append("\n")
                    target.lines.append(line)
                target.after_br = False
            target.pieces.append(piece)
            target.after_br = target.after_br and not piece.strip()

    def _span(self) -> None:
        """An inline ``<code>`` in prose: Markdown's backquote (hunt AE: plain words, unread)."""
        if self._text is None or self._text.kind not in _HEADINGS:
            self._data("`")

    def _flush(self) -> None:
        text, self._text = self._text, None
        if text is None:
            return
        words = " ".join("".join(text.pieces).split())
        if not words:
            return
        first, end = text.lines[0], text.lines[-1]
        if text.kind in _HEADINGS:
            part = Part("heading", first, end, words, title=text.kind == "h1")
        else:  # a line of the paragraph for each line of the file
            source = [line.strip() for line in "".join(text.pieces).split("\n")]
            while source and not source[-1]:
                source.pop()
            while source and not source[0]:
                source, first = source[1:], first + 1
            part = Part("paragraph", first, first + len(source) - 1, source=source)
        self._add(part)

    def _add_code(self, code: _Text) -> None:
        content = "".join(code.pieces)
        lines = code.lines
        if content.startswith("\n"):  # a newline right after <pre> is not content
            content, lines = content[1:], lines[1:]
        body = list(zip(lines, content.split("\n"), strict=False))
        while body and not body[-1][1].strip():
            body.pop()
        if not body or all(t.strip().isdigit() or not t.strip() for _, t in body):
            return  # empty, or a column of line numbers
        self._add(Part("code", code.line, body[-1][0], info=code.lang, body=body, named=code.named))

    def _add(self, part: Part) -> None:
        self.parts.append(part)
        self.in_main.append(self._main > 0)


def _page_title(text: str) -> str | None:
    """A ``<title>`` without the site's name after `` | ``, `` - `` or `` — ``."""
    title = " ".join(text.split())
    title = re.split(r"\s+[|\u2013\u2014·»-]\s+", title)[0] if title else title
    return title or None
