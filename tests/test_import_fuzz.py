"""Whatever page ``iplab import`` is given, it imports it or says why not: never an internal
error. Pages made of the pieces tutorials are made of (headings, code blocks, prompts,
directives, tags, backticks, entities), in any order."""

from __future__ import annotations

import contextlib
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iplab.errors import IplabError
from iplab.importer.convert import import_text
from iplab.importer.reader import Kind

PIECES = {
    "markdown": [
        "# Title\n", "## Step\n", "\n", "```bash\n", "```\n", "```text\n", "    ip -n a link\n",
        "$ sudo ip netns add a\n", "ip link add v0 type veth peer name v1\n", "`", "`ip l`",
        "`   ip netns add c`", "ip netns add d\n", "Text ",
        "   ip netns add b\n", "> quote\n", "- item\n", "1. x\n", "<!-- c -->\n", "NS=red\n",
        "ip netns exec $NS bash\n", "exit\n", "for i in 1 2; do\n", "done\n", "\t", "*", "\\",
    ],
    "rst": [
        "Title\n", "=====\n", "-----\n", "\n", "::\n", "   ip netns add a\n", "`",
        ".. code-block:: bash\n", ".. prompt:: bash $\n", ".. highlight:: console\n",
        "* item\n", ":command:`ip`", "``x``", "`a <b>`_", ".. note::\n", "   text\n",
        "|sub|", ".. |sub| replace:: y\n", "[#]_", ".. [#] foot\n", ".. include:: x\n",
        "   $ sudo ip link add v0 type veth peer name v1\n", "+---+\n| a |\n+---+\n", "\t",
    ],
    "html": [
        "<pre>", "</pre>", "<code class='language-bash'>", "</code>", "<br>", "\n", "`",
        "ip netns add a", "<h1>", "</h1>", "<p>", "</p>", "<article>", "</article>", "<nav>",
        "&lt;", "&", "<!--", "-->", "<script>", "</script>", "<span class='linenos'>1</span>",
        "<div>", "</div>", "<title>", "</title>", "<", ">", "$ sudo ip link set v0 up",
    ],
    "asciidoc": [
        "= Title\n", "== Step\n", "Step\n----\n", "\n", ":toc:\n", ":ns: red\n", "{ns}",
        "[source,bash]\n", "[,console]\n", "[source]\n", "----\n", "....\n", "====\n",
        "****\n", "--\n", "////\n", "|===\n", "++++\n", "```bash\n", "+\n", ".Title\n",
        "[[a]]\n", "NOTE: x\n", "* item\n", ". step\n", "<1> x\n", " ip netns add b\n",
        "$ sudo ip netns add a <1>\n", "ip link add v0 type veth peer name v1\n",
        "include::x.sh[]\n", "ifdef::a[]\n", "`", "+", "_", "link:x[y]", "// c\n", "\t",
    ],
    "org": [
        "#+TITLE: Lab\n", "* Setup\n", "** TODO Step :tag:\n", "\n", "#+begin_src sh\n",
        "#+end_src\n", "#+BEGIN_SRC bash :eval no\n", "#+END_SRC\n", "#+begin_example\n",
        "#+end_example\n", "#+RESULTS:\n", ": out\n", ":\n", ":PROPERTIES:\n", ":END:\n",
        "#+begin_quote\n", "#+end_quote\n", "# comment\n", "* COMMENT x\n", "| a | b |\n",
        "- item\n", "1. step\n", "   ip netns add a\n", "ip link add v0 type veth peer name v1\n",
        ",* x\n", "=ip l=", "~ip a~", "[[x][y]]", "src_sh{ip r}", "#+INCLUDE: x.org\n",
        "#+PROPERTY: header-args:sh :dir /ssh:h:\n", ":var X=1 ", "\t", "$ sudo ip netns add b\n",
    ],
}  # fmt: skip


@pytest.mark.parametrize("kind", list(PIECES))
def test_any_page_imports_or_is_refused_with_a_message(kind: str) -> None:
    @settings(max_examples=600, deadline=None, database=None)
    @given(st.lists(st.sampled_from(PIECES[kind]), max_size=30))
    def check(pieces: list[str]) -> None:
        with contextlib.suppress(IplabError):  # refused, with a message: what a user sees
            import_text("".join(pieces), cast(Kind, kind), f"page.{kind}")

    check()
