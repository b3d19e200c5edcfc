"""A Markdown page read with markdown-it-py (CommonMark) into its parts
(:class:`~iplab.importer.parts.Part`): its title, headings and paragraphs, its code
blocks; :func:`~iplab.importer.parts.read_parts` reads them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from iplab.importer import shortcodes
from iplab.importer.html import fragment_code
from iplab.importer.parts import Part, plain, read_parts
from iplab.importer.prose import is_sentence
from iplab.importer.reader import FENCE, Reader

_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s+")


def front_matter(lines: list[str]) -> tuple[str | None, int]:
    """(title, index of the first line after the front matter)."""
    if not lines or lines[0].strip() != "---":
        return None, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            try:
                meta = yaml.safe_load("\n".join(lines[1:end]))
            except yaml.YAMLError:
                meta = None
            title = meta.get("title") if isinstance(meta, dict) else None
            return (str(title).strip() if title else None), end + 1
    return None, 0


@functools.cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark")


def read_markdown(
    text: str,
    keep_variables: bool = True,
    *,
    replies: bool = False,
    plain_text: bool = False,
    base: Path | None = None,
) -> tuple[str | None, Reader]:
    """The page's title and a reader holding its events (notes and commands, in order).

    The page is read by a CommonMark parser (markdown-it-py): headings, paragraphs (their
    source lines, markup removed), fenced and indented code blocks (in list items too).
    ``replies``: a mail's text (or a post's, in plain text), whose ``> `` lines quote the
    message it replies to: they are not read. ``plain_text``: a page not written in
    Markdown (a ``.txt``), whose ``# ip ...`` is a root shell's prompt, no heading.
    ``base``: the page's folder (the scripts beside it that its blocks run).
    """
    title, pairs = page_parts(text)
    parts = [part for part, _ in pairs]
    return read_parts(
        parts,
        title,
        keep_variables,
        replies=replies,
        root_prompts=plain_text,
        base=base,
        page=text.splitlines(),
    )


def page_parts(text: str) -> tuple[str | None, list[tuple[Part, str]]]:
    """A Markdown page's front-matter title, and its parts with the kind of token each is."""
    lines = text.splitlines()
    title, start = front_matter(lines)
    numbered = scrapbox_blocks([(k + 1, lines[k]) for k in range(start, len(lines))])
    return title, numbered_parts(numbered)


#: Scrapbox's code block marker (``code:bash``, ``code:sh``, ``code:setup.sh``)
_SCRAPBOX_CODE = re.compile(r"code:(?P<name>[\w.+-]+)")


def scrapbox_blocks(lines: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """Numbered lines with each of Scrapbox's code blocks (a line ``code:bash``, the block's
    lines indented under it) written as a fence (```` ```bash ````), its lines dedented and
    numbered as they were (hunt DJ: a Scrapbox page's ``code:bash`` blocks were prose and
    bare lines). A marker with no indented line under it is left as it is."""
    out: list[tuple[int, str]] = []
    k = 0
    while k < len(lines):
        number, text = lines[k]
        marker = _SCRAPBOX_CODE.fullmatch(text.strip())
        end = k + 1
        while end < len(lines) and lines[end][1][:1] in (" ", "\t") and lines[end][1].strip():
            end += 1
        if marker is None or end == k + 1 or text[:1] in (" ", "\t"):
            out.append((number, text))
            k += 1
            continue
        body = lines[k + 1 : end]
        depth = min(len(t) - len(t.lstrip()) for _, t in body)
        name = marker["name"]
        lang = {"sh": "sh", "bash": "bash", "shell": "shell", "zsh": "zsh"}.get(name, "")
        out.append((number, f"```{lang}"))
        out += [(n, t[depth:]) for n, t in body]
        out.append((body[-1][0], "```"))
        k = end
    return out


def numbered_parts(lines: Sequence[tuple[int, str]]) -> list[tuple[Part, str]]:
    """Numbered Markdown lines as :func:`iplab.importer.markdown.read_markdown` reads a page:
    its parts, each with the kind of token it is (``fence``, ``code_block``...), each line
    keeping its number."""
    if not lines:
        return []
    numbers = [number for number, _ in lines]
    texts = [_shortcode(text) for _, text in lines]

    def at(k: int) -> int:
        return numbers[min(k, len(numbers) - 1)]

    tokens = _markdown().parse("\n".join(texts))
    out: list[tuple[Part, str]] = []
    for k, token in enumerate(tokens):
        if token.map is None:
            continue
        first, end = token.map
        if token.type == "heading_open":
            heading = plain(tokens[k + 1].content)
            out.append(
                (
                    Part(
                        "heading",
                        at(first),
                        at(end - 1),
                        heading,
                        title=token.tag == "h1",
                        source=texts[first:end],
                    ),
                    token.type,
                )
            )
        elif token.type == "paragraph_open":
            source = [_unmarked(line) for line in texts[first:end]]
            out.append((Part("paragraph", at(first), at(end - 1), source=source), token.type))
        elif token.type in ("fence", "code_block"):
            info = token.info if token.type == "fence" else ""
            offset = first + 1 if token.type == "fence" else first
            body = [(at(offset + j), line) for j, line in enumerate(token.content.splitlines())]
            if token.type == "code_block" and (said := _sentences_over(body)):
                source = [_BLOCK_BULLET.sub("", t.strip(), count=1) for _, t in body[:said]]
                out.append((Part("paragraph", body[0][0], body[said - 1][0], source=source), ""))
                body, first = body[said:], first + said
            out.append((Part("code", at(first), at(end - 1), info=info, body=body), token.type))
        elif token.type == "html_block" and "<pre" in token.content.lower():
            for part in fragment_code(token.content):  # <details><pre>$ ip ...</pre>
                lines = [(at(first + n - 1), line) for n, line in part.body]
                moved = Part("code", at(first + part.line - 1), lines[-1][0], info=part.info)
                moved.body = lines
                out.append((moved, token.type))
        elif token.type == "html_block" and (inner := inner_markdown(texts[first:end])):
            # <details><summary>Solution</summary> and a fence on the next line
            out += numbered_parts([(at(first + j), text) for j, text in enumerate(inner)])
    quotes = [
        (at(t.map[0]), at(t.map[1] - 1)) for t in tokens if t.type == "blockquote_open" and t.map
    ]
    for part, _ in out:  # (a blockquote's ``> `` lines)
        part.quoted = part.quoted or any(first <= part.line <= end for first, end in quotes)
    return out


#: a list's mark before an item's words: Markdown's (``-``, ``1.``) or a typeset bullet's
_BLOCK_BULLET = re.compile(r"(?:[-*+\u2022\u25aa\u25e6\u25cf\u27a2\u27a4]|\d+[.)])\s+")


def _sentences_over(body: Sequence[tuple[int, str]]) -> int:
    """How many lines an indented code block starts with that are sentences, its list's
    items indented four spaces (hunt EC, a CKA page's ``• The generic syntax would be:``
    then ``ip link add <p1-name> netns <p1-ns> ...``: the sentence was the step above's
    output, the syntax a step whose ``<p1-name> netns`` said it wrote the host's file
    ``netns``): 0 when a line of another kind comes first or none comes after them."""
    k = 0
    while k < len(body) and is_sentence(_BLOCK_BULLET.sub("", body[k][1].strip(), count=1)):
        k += 1
    return k if any(t.strip() for _, t in body[k:]) else 0


#: the first line of an HTML block that never holds Markdown: a comment (an instructor's
#: notes), a declaration, a processing instruction, ``<script>``, ``<style>``,
#: ``<textarea>``, ``<pre>`` (CommonMark's HTML blocks of kinds 1 to 5)
_RAW_HTML = re.compile(r"\s*<(?:[!?]|(?:script|style|textarea|pre)(?:[\s/>]|$))", re.IGNORECASE)
#: a line that starts with a tag (``<details>``, ``<summary>Solution</summary>``, ``</div>``)
_TAG_LINE = re.compile(r"\s*</?[A-Za-z][\w-]*(?:[\s/>]|$)")


def inner_markdown(lines: Sequence[str]) -> list[str] | None:
    """The lines of an HTML block that holds a fenced code block, as the page means them:
    CommonMark reads ``<details>``, ``<summary>Solution</summary>`` and a fence on the
    lines right after it as one HTML block, so the fence would vanish with it. Its lines
    that start with a tag, and its comments, are blanked; the rest (the fence, prose) keep
    their places, dedented as the block's first line is. None when no fence is in it, or
    it is a comment, a ``<pre>``, a script: what the page never shows as Markdown."""
    if not lines or _RAW_HTML.match(lines[0]):
        return None
    indent = len(lines[0]) - len(lines[0].lstrip(" "))
    out: list[str] = []
    fence: str | None = None
    comment = found = False
    for line in lines:
        text = line[min(indent, len(line) - len(line.lstrip(" "))) :]
        if fence is not None:  # inside the fence: its lines, whatever they hold
            out.append(text)
            fence = None if _closes(text, fence) else fence
        elif comment or "<!--" in text:  # a comment, to its end
            out.append("")
            comment = "-->" not in (text.split("<!--")[-1] if "<!--" in text else text)
        elif opened := FENCE.fullmatch(text):
            out.append(text)
            fence, found = opened["fence"], True
        else:
            out.append("" if _TAG_LINE.match(text) else text)
    return out if found else None


def _closes(line: str, fence: str) -> bool:
    """A line that closes a fence opened by ``fence`` (as many of its marks or more)."""
    mark = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and len(mark) >= len(fence)
        and set(mark) == {fence[0]}
    )


#: a static site generator's code block: Jekyll's ``{% highlight bash %}`` ... ``{%
#: endhighlight %}``, Hugo's ``{{< highlight bash >}}`` ... ``{{< /highlight >}}`` (or ``{{%
#: ... %}}``, ``code``): read as a fence of that language
_SHORTCODE_OPEN = re.compile(
    r"^\s*(?:\{%-?\s*highlight\s+([\w+-]+)[^%]*-?%\}|\{\{[<%]\s*(?:highlight|code)"
    r"(?:\s+(?:lang=)?\"?([\w+-]+)\"?)?[^>%]*[>%]\}\})\s*$"
)
_SHORTCODE_CLOSE = re.compile(
    r"^\s*(?:\{%-?\s*endhighlight\s*-?%\}|\{\{[<%]\s*/(?:highlight|code)\s*[>%]\}\})\s*$"
)


def _shortcode(line: str) -> str:
    """A shortcode line that opens or closes a code block, as the fence it stands for
    (WordPress's too: :mod:`iplab.importer.shortcodes`)."""
    if opened := _SHORTCODE_OPEN.match(line):
        return "```" + (opened[1] or opened[2] or "")
    if _SHORTCODE_CLOSE.match(line):
        return "```"
    return shortcodes.fence(line) or line


def _unmarked(line: str) -> str:
    """A paragraph's source line without its list marker or blockquote marks."""
    stripped = line.lstrip()
    while stripped.startswith(">"):
        stripped = stripped[1:].lstrip()
    return _LIST_ITEM.sub("", stripped, count=1) if _LIST_ITEM.match(stripped) else stripped
