"""``iplab import`` of reStructuredText (Sphinx documentation, the kernel's Documentation/).

The oracle: each Markdown tutorial of the corpus (and the reference blog), written in
reStructuredText as a Sphinx author writes it (sections, ``.. code-block::`` with the
fence's language, ``::`` blocks, inline literals, links), imports to the steps its
Markdown does.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.markdown import front_matter
from tests.corpus import markdown_pages

MARKDOWN = markdown_pages()

_INLINE = (
    (re.compile(r"(?<!`)`([^`\n]+)`(?!`)"), r"``\1``"),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\(([^)]*)\)"), r"`\1 <\2>`_"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
)


def _inline(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text


def to_rst(markdown: str) -> str:
    """A Markdown tutorial as a Sphinx author writes it."""
    lines = markdown.splitlines()
    title, start = front_matter(lines)
    tokens = MarkdownIt("commonmark").parse("\n".join(lines[start:]) + "\n")
    out: list[str] = []
    if title:
        out += ["=" * len(title), title, "=" * len(title), ""]
    for k, token in enumerate(tokens):
        if token.type == "heading_open":
            text = _inline(tokens[k + 1].content)
            rule = "=" if token.tag == "h1" and not title else "-"
            if rule == "=":
                title = text
                out += ["=" * len(text), text, "=" * len(text), ""]
            else:
                out += [text, rule * len(text), ""]
        elif token.type == "paragraph_open" and token.map is not None:
            first, end = token.map
            marker = "- " if token.level and tokens[k - 1].type == "list_item_open" else ""
            body = [_inline(line.strip()) for line in lines[start + first : start + end]]
            body = [re.sub(r"^(?:>\s*)+|^(?:[-*+]|\d+[.)])\s+", "", line) for line in body]
            out += [marker + body[0], *(("  " if marker else "") + line for line in body[1:]), ""]
        elif token.type in ("fence", "code_block"):
            info = token.info.split()[0] if token.type == "fence" and token.info.strip() else ""
            out += [f".. code-block:: {info}" if info else "::", ""]
            out += [f"    {line}" if line else "" for line in token.content.splitlines()]
            out.append("")
    return "\n".join(out) + "\n"


def _steps(yaml_text: str) -> Any:
    """The scenario without its source and name; in the text a tutorial printed (output, a
    note), each line's words: docutils expands a literal block's tabs from where they stand
    in the indented block, and takes the block's common indentation away."""
    doc = yaml.safe_load(yaml_text)
    del doc["source"], doc["name"]
    return _blanks(doc)


def _blanks(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _blanks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blanks(v) for v in value]
    if isinstance(value, str) and ("\n" in value or "\t" in value):
        return [" ".join(line.split()) for line in value.splitlines()]
    return value


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.name)
def test_a_tutorial_in_restructuredtext_imports_to_the_steps_of_its_markdown(path: Path) -> None:
    markdown = path.read_text(encoding="utf-8")
    rst = to_rst(markdown)
    assert detect_kind("page.rst", rst) == "rst"
    want = import_text(markdown, "markdown", path.name, base=path.parent)
    got = import_text(rst, "rst", "page.rst", base=path.parent)
    assert _steps(got.yaml) == _steps(want.yaml)
    assert got.lines == want.lines
    assert (got.typed, got.raw) == (want.typed, want.raw)


def test_sphinx_directives_roles_and_line_numbers() -> None:
    page = textwrap.dedent("""\
        Bridges, the Sphinx way
        =======================

        Make one with :command:`ip link` (see :ref:`the intro <intro>`):

        .. code-block:: console
           :caption: a bridge
           :linenos:

           $ sudo ip link add br0 type bridge
           $ ip -br link show br0
           br0   DOWN   aa:bb:cc:dd:ee:ff <BROADCAST,MULTICAST>

        .. highlight:: bash

        Then a namespace::

            sudo ip netns add n1

        .. note::

           A note holds prose, not commands.

        .. prompt:: bash $

           sudo ip link add v1 netns n1 type veth peer name v1p

        .. include:: /etc/passwd

        .. unknown-directive:: whatever

           ip link del br0
        """)
    result = import_text(page, "rst", "sphinx.rst")
    assert result.lines == (
        "sudo ip link add br0 type bridge",
        "ip -br link show br0",
        "sudo ip netns add n1",
        "sudo ip link add v1 netns n1 type veth peer name v1p",
    )
    assert "title: Bridges, the Sphinx way\n" in result.yaml
    assert "Make one with ip link (see the intro)" in result.yaml
    assert "output: br0   DOWN   aa:bb:cc:dd:ee:ff <BROADCAST,MULTICAST>" in result.yaml
    assert "A note holds prose" not in " ".join(result.lines)
    assert result.model_error is None
    typeset = "sudo ip netns exec n1 bash -c \u201cip link\u201d"
    quoted = import_text(f"Title\n=====\n\n.. code-block:: bash\n\n   {typeset}\n", "rst", "q.rst")
    assert any(w.startswith("line 6: '\u201c'") for w in quoted.warnings), quoted.warnings


def test_a_page_docutils_fails_on_is_refused_with_a_message() -> None:
    """CI's fuzz example: a substitution used inside its own definition's block made
    docutils raise ValueError from its transforms, a traceback for the user."""
    page = ".. |sub| replace:: y\n\t|sub|\t|sub|"
    with pytest.raises(UsageError, match=r"^the reStructuredText cannot be read \(docutils: "):
        import_text(page, "rst", "page.rst")
