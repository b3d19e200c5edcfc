"""A reStructuredText page (Sphinx documentation, the kernel's ``Documentation/``, a
project's README.rst) read with docutils into the parts a Markdown page has
(:class:`~iplab.importer.parts.Part`), read the same way.

The document title, section titles, paragraphs (in lists and admonitions too) and
literal blocks: ``::`` blocks (in the language of the last ``.. highlight::``),
``.. code::``, and Sphinx's ``.. code-block::``, ``.. sourcecode::`` and
``.. prompt:: bash $`` (its lines typed after the prompt it names). Sphinx's roles
(``:command:`ip```, ``:ref:``) are read as their text. A block's lines keep their line
numbers in the file: docutils does not say where a directive's content starts, so each
block is found in the source, in order.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, ClassVar, cast

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles
from docutils.parsers.rst.directives.body import CodeBlock

from iplab.errors import UsageError
from iplab.importer.parts import Part, read_parts
from iplab.importer.reader import Reader

#: Sphinx's roles: read as the text they mark
_ROLES = (
    "command", "program", "option", "file", "samp", "kbd", "code", "ref", "doc", "term",
    "abbr", "guilabel", "menuselection", "manpage", "envvar", "makevar", "mimetype",
    "regexp", "dfn", "download", "numref", "any", "keyword", "token", "pep", "rfc",
)  # fmt: skip
_SETTINGS = {
    "report_level": 5,  # silent: what docutils cannot read stays out of the parts
    "halt_level": 5,
    "file_insertion_enabled": False,  # never read another file (.. include::)
    "raw_enabled": False,
    "syntax_highlight": "none",
    "doctitle_xform": True,
    "warning_stream": False,
}


class _SphinxCode(CodeBlock):
    """``.. code-block:: LANG`` with Sphinx's options (caption, linenos...), which change
    nothing here."""

    option_spec: ClassVar[dict[str, Any]] = {
        **CodeBlock.option_spec,
        **dict.fromkeys(
            ("caption", "linenos", "lineno-start", "emphasize-lines", "dedent", "force"),
            directives.unchanged,
        ),
    }


class _Prompt(Directive):
    """sphinx-prompt's ``.. prompt:: bash $``: each line typed after the prompt."""

    required_arguments = 0
    optional_arguments = 3
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "prompts": directives.unchanged,
        "modifiers": directives.unchanged,
        "language": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        lang = self.arguments[0] if self.arguments else "bash"
        node = nodes.literal_block("\n".join(self.content), "\n".join(self.content))
        node["classes"] += ["code", lang]
        node.line = self.content_offset + 1
        return [node]


class _Highlight(Directive):
    """``.. highlight:: console``: the language of the ``::`` blocks after it."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"linenothreshold": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        marker = nodes.comment()
        marker["iplab-highlight"] = self.arguments[0]
        return [marker]


def _as_text(
    name: str, rawtext: str, text: str, *args: Any, **kwargs: Any
) -> tuple[list[nodes.Node], list[nodes.Node]]:
    return [nodes.literal(rawtext, text.split(" <", maxsplit=1)[0])], []


@functools.cache
def _registered() -> None:
    for name in ("code-block", "sourcecode"):
        directives.register_directive(name, _SphinxCode)
    directives.register_directive("prompt", _Prompt)
    directives.register_directive("highlight", _Highlight)
    for role in _ROLES:
        roles.register_local_role(role, cast(Any, _as_text))


def read_rst(text: str, keep_variables: bool = True) -> tuple[str | None, Reader]:
    """The page's title and a reader holding its events (notes and commands, in order)."""
    _registered()
    try:
        document = publish_doctree(text, settings_overrides=_SETTINGS)
    except Exception as exc:  # docutils' own failure (a circular |sub| in the fuzz: ValueError)
        raise UsageError(
            f"the reStructuredText cannot be read (docutils: {type(exc).__name__}: {exc!s:.120})",
            hint="fix the markup, or export the page to Markdown and import that",
        ) from None
    lines = text.splitlines()
    parts: list[Part] = []
    cursor = 0  # the source is searched for each block from here
    highlight = ""
    title = document.get("title")
    for node in _walk(document):
        line = node.line or (parts[-1].end + 1 if parts else 1)
        if isinstance(node, nodes.comment):
            highlight = node.get("iplab-highlight", highlight)
        elif isinstance(node, nodes.title):
            parts.append(Part("heading", line, line, node.astext()))
        elif isinstance(node, nodes.paragraph):
            source = node.astext().splitlines()
            parts.append(Part("paragraph", line, line + len(source) - 1, source=source))
        elif isinstance(node, nodes.literal_block):
            found: list[str] = node.get("classes", [])
            classes = [c for c in found if c != "code"]
            body, cursor = _numbered(node.astext().splitlines(), lines, cursor)
            if body:
                info = classes[0] if classes else highlight
                parts.append(Part("code", body[0][0], body[-1][0], info=info, body=body))
    return read_parts(parts, title, keep_variables)


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    """The title, paragraph and literal block nodes in document order (not the messages
    docutils leaves where it could not read something)."""
    for child in node.children:
        if isinstance(child, nodes.system_message | nodes.problematic):
            continue
        if isinstance(child, nodes.title) and isinstance(node, nodes.document):
            continue  # the document's title: read_parts is given it
        if isinstance(child, nodes.title | nodes.paragraph | nodes.literal_block):
            yield child
        elif isinstance(child, nodes.comment):
            if child.get("iplab-highlight"):
                yield child
        elif isinstance(child, nodes.Element):
            yield from _walk(child)


def _numbered(
    block: list[str], source: list[str], cursor: int
) -> tuple[list[tuple[int, str]], int]:
    """A block's lines with their line numbers: where its first lines stand in the source,
    from ``cursor`` on; and the cursor after it."""
    first = next((i for i, text in enumerate(block) if text.strip()), None)
    if first is None:
        return [], cursor
    for start in range(cursor, len(source)):
        if source[start].strip() == block[first].strip() and all(
            start + k < len(source) and source[start + k].strip() == block[first + k].strip()
            for k in range(min(3, len(block) - first))
        ):
            top = start - first
            return [(top + 1 + k, text) for k, text in enumerate(block)], top + len(block)
    return [(cursor + 1 + k, text) for k, text in enumerate(block)], cursor
