"""Hunt EA #5: a function a page defines at root's prompt (``# up() { ip -n a link set "$1"
up; }``, or ``# up() {`` with its body on bash's ``> `` lines), then calls there (``# up
lo``). The call was "may be a command typed at the root prompt or the author's comment;
read as a comment, not run" (the multi-line definition too, its body "neither a command nor
the output of one"), and in a ``$`` block both were dropped with no word: the lab lost the
steps. A ``# `` line that defines a function (whole, in a ``$`` block: a commented-out
``# cleanup() {`` stays a comment) or calls one the page defined is now what bash ran."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.steps import LinkSet, NetnsAdd

PAGES = {
    "one line": '```\n# ip netns add a\n# up() { ip -n a link set "$1" up; }\n# up lo\n```\n',
    "PS2 lines": (
        '```\n# ip netns add a\n# up() {\n>   ip -n a link set "$1" up\n> }\n# up lo\n```\n'
    ),
    "$ block": '```\n$ sudo ip netns add a\n# up() { ip -n a link set "$1" up; }\n# up lo\n```\n',
}


@pytest.mark.parametrize("form", sorted(PAGES))
def test_a_function_defined_and_called_at_root_s_prompt_is_run(form: str) -> None:
    result = import_text(f"# Lab\n\n{PAGES[form]}", "markdown", "p.md")
    ops = [s.op for s in scenario.load_text(result.yaml, "p.yaml").steps]
    assert isinstance(ops[0], NetnsAdd)
    assert [(op.in_ns(), op.dev, op.get("state")) for op in ops if isinstance(op, LinkSet)] == [
        ("a", "lo", "up")
    ]
    assert not any("read as a comment" in w or "neither a command" in w for w in result.warnings)


def test_a_commented_out_function_in_a_dollar_block_stays_a_comment() -> None:
    page = "# Lab\n\n```\n$ sudo ip netns add a\n# cleanup() {\n```\n"
    result = import_text(page, "markdown", "p.md")
    assert "cleanup" not in result.yaml.split("# --- import summary")[0]
