"""A MediaWiki page (the Arch wiki's, Ubuntu's, Wikipedia's ``.wiki`` source) read into its
parts (:class:`~iplab.importer.parts.Part`): ``== headings ==``, paragraphs (their
templates and links as text), and code: a line that starts with a space (MediaWiki's
preformatted text), ``<pre>``, ``<syntaxhighlight lang=...>``, and the Arch wiki's code
templates, ``{{bc|CODE}}`` (a block of code) and ``{{hc|COMMAND|OUTPUT}}`` (a command, or a
file's name, with what it prints or holds). Hunt Q: read as Markdown, ``{{hc|# ip netns exec
ns0 ping -c 1 192.168.50.2|`` was prose, and its ping lost without a word.
"""

from __future__ import annotations

import re
from pathlib import Path

from iplab.importer.parts import Part, read_parts
from iplab.importer.reader import Reader

#: the names of MediaWiki source files
SUFFIXES = (".wiki", ".mediawiki")
_HEADING = re.compile(r"^(=+)\s*(.+?)\s*\1\s*$")
#: a code template that opens a line (``{{bc|``, ``{{hc|1=``, ``{{Bc|``)
_CODE_TEMPLATE = re.compile(r"^\{\{\s*([bh]c)\s*\|", re.IGNORECASE)
_PRE_OPEN = re.compile(r"^\s*<(pre|syntaxhighlight|source)(?:\s+[^>]*?lang=\"?([\w+-]+)\"?)?[^>]*>")
_NOWIKI = re.compile(r"</?nowiki\s*/?>", re.IGNORECASE)
#: a template with no template inside it (``{{ic|ip a}}``, ``{{Pkg|iproute2}}``)
_INNERMOST = re.compile(r"\{\{([^{}]*)\}\}")
_LINK = re.compile(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")
_EXTERNAL = re.compile(r"\[(?:https?|ftp)://\S+(?:\s+([^\]]*))?\]")
#: a link to a category or a page in another language: no text of the page
_META_LINK = re.compile(r"^(?:category|file|image|[a-z]{2}(?:-[a-z]+)?):", re.IGNORECASE)
#: templates that say nothing of the page's own (``{{Related articles start}}``)
_SILENT = re.compile(r"^(?:related|lowercase title|dablink|translateme|style|out of date)", re.I)
_PROMPTED = re.compile(r"^[$#] \S")


def is_mediawiki(source_name: str, text: str) -> bool:
    """A MediaWiki source: named so, or holding the Arch wiki's code templates and a
    ``== heading ==``."""
    if Path(source_name).suffix.lower() in SUFFIXES:
        return True
    lines = text.splitlines()
    return any(_CODE_TEMPLATE.match(ln) for ln in lines) and any(_HEADING.match(ln) for ln in lines)


def read_mediawiki(text: str, source_name: str, keep_variables: bool) -> tuple[str | None, Reader]:
    """The page's title (none: a wiki page's is its name) and a reader holding its events."""
    del source_name  # (the title is the file's name: said by the import)
    return read_parts(wiki_parts(text), None, keep_variables)


def wiki_parts(text: str) -> list[Part]:
    """The page's parts, in order, each with the lines it holds."""
    lines = text.splitlines()
    parts: list[Part] = []
    prose: list[tuple[int, str]] = []

    def flush() -> None:
        if prose:
            source = [line for _, line in prose]
            parts.append(Part("paragraph", prose[0][0], prose[-1][0], source=source))
            prose.clear()

    i = 0
    while i < len(lines):
        line, number = lines[i], i + 1
        if (heading := _HEADING.match(line)) is not None:
            flush()
            level = len(heading[1])
            parts.append(Part("heading", number, number, inline(heading[2]), title=level == 1))
            i += 1
        elif _CODE_TEMPLATE.match(line):
            flush()
            end = _template_end(lines, i)
            parts += _code_template(lines[i : end + 1], number)
            i = end + 1
        elif (opened := _PRE_OPEN.match(line)) is not None:
            flush()
            i = _pre(lines, i, opened, parts)
        elif line.startswith(" ") and line.strip():
            flush()
            start = i
            while i < len(lines) and lines[i].startswith(" ") and lines[i].strip():
                i += 1
            body = [(k + 1, _NOWIKI.sub("", lines[k][1:])) for k in range(start, i)]
            parts.append(Part("code", start + 1, i, body=body))
        else:
            said = inline(line.lstrip("*#:;").strip())
            if said:
                prose.append((number, said))
            else:
                flush()
            i += 1
    flush()
    return parts


def _template_end(lines: list[str], start: int) -> int:
    """The index of the line that closes the template opened at ``start``."""
    depth = 0
    for k in range(start, len(lines)):
        depth += lines[k].count("{{") - lines[k].count("}}")
        if depth <= 0:
            return k
    return len(lines) - 1


def _code_template(lines: list[str], first: int) -> list[Part]:
    """``{{bc|CODE}}``, ``{{hc|HEADER|OUTPUT}}``: their code, numbered; a header that is a
    command (``# ip ...``, ``$ ip ...``) opens the code, else (a file's name) it is prose
    and the code the file's text, shown."""
    raw = _NOWIKI.sub("", "\n".join(lines))
    name = raw[2 : raw.index("|")].strip().lower()
    inner = raw[raw.index("|") + 1 : raw.rindex("}}") if "}}" in raw else len(raw)]
    params = _params(inner, first + raw[: raw.index("|")].count("\n"))
    if name == "bc" or len(params) < 2:
        return [_code(params[0] if params else [], first, "")]
    header, output = params[0], params[1]
    said = " ".join(t.strip() for _, t in header).strip()
    if _PROMPTED.match(said):
        return [_code([(header[0][0], said), *output], first, "")]
    return [Part("paragraph", first, first, source=[inline(said)]), _code(output, first, "text")]


def _params(inner: str, line: int) -> list[list[tuple[int, str]]]:
    """A template's parameters (split at its own ``|``, not a nested template's), each as
    numbered lines, a ``1=`` name taken off; blank first and last lines dropped."""
    params: list[list[tuple[int, str]]] = [[]]
    depth, current = 0, ""
    for c in inner:
        if c == "|" and depth == 0:
            params[-1].append((line, current))
            params.append([])
            current = ""
            continue
        depth += {"{": 1, "[": 1, "}": -1, "]": -1}.get(c, 0)
        if c == "\n":
            params[-1].append((line, current))
            line, current = line + 1, ""
        else:
            current += c
    params[-1].append((line, current))
    for param in params:
        if param and re.match(r"^\s*\d+=", param[0][1]):
            param[0] = (param[0][0], param[0][1].split("=", 1)[1])
        while param and not param[0][1].strip():
            param.pop(0)
        while param and not param[-1][1].strip():
            param.pop()
    return params


def _code(body: list[tuple[int, str]], first: int, info: str) -> Part:
    start = body[0][0] if body else first
    return Part("code", start, body[-1][0] if body else first, info=info, body=body)


def _pre(lines: list[str], i: int, opened: re.Match[str], parts: list[Part]) -> int:
    """``<pre>`` (or ``<syntaxhighlight lang="bash">``) to its closing tag: code."""
    tag, lang = opened[1].lower(), opened[2] or ""
    close = f"</{tag}>"
    rest = lines[i][opened.end() :]
    body: list[tuple[int, str]] = []
    k = i
    while True:
        text = rest if k == i else lines[k]
        done = close in text.lower()
        text = text[: text.lower().index(close)] if done else text
        if text.strip() or k != i:
            body.append((k + 1, _NOWIKI.sub("", text)))
        if done or k == len(lines) - 1:
            break
        k += 1
    while body and not body[-1][1].strip():
        body.pop()
    parts.append(_code(body, i + 1, lang))
    return k + 1


def inline(text: str) -> str:
    """A line of prose with its templates and links as the page shows their text
    (``{{ic|ip a}}`` as `` `ip a` ``, ``[[Network bridge|bridge]]`` as ``bridge``)."""
    text = _NOWIKI.sub("", text)
    while (found := _INNERMOST.search(text)) is not None:
        text = text[: found.start()] + _template_text(found[1]) + text[found.end() :]
    text = _LINK.sub(lambda m: "" if _META_LINK.match(m[1]) else (m[2] or m[1]), text)
    text = _EXTERNAL.sub(lambda m: m[1] or "", text)
    return re.sub(r"'{2,}", "", text).strip()


def _template_text(inner: str) -> str:
    """What a template shows: ``ic``'s code, ``Pkg``'s name, ``man``'s page, a note's words."""
    name, _, rest = inner.partition("|")
    args = [a.split("=", 1)[1] if re.match(r"^\d+=", a) else a for a in rest.split("|")]
    key = name.strip().lower()
    if _SILENT.match(key):
        return ""
    if key == "ic":
        return f"`{'|'.join(args)}`"
    if key == "man" and len(args) >= 2:
        return f"{args[1]}({args[0]})"
    return " ".join(a.strip() for a in args if a.strip()) if rest else ""
