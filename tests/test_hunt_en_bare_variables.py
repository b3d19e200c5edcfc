"""Hunt EN #1: a dev.to post (xavki, tests/fixtures/pages-en/en01-...) with no code blocks
sets its names first, each on a line of its own (``NS1="x1"``, ``VETH1="xeth1"``), then
types ``ip netns add $NS1``, ``ip link add ${VETH1} type veth peer name ${VPEER1}`` on bare
lines. The import said "no command found ... line 30 holds ip commands inside sentences",
naming a sentence (``I hope that you love the CLI ip netns ;)``), and every command of the
page was lost. A bare ``NAME="value"`` line of such a page now sets the shell variable as a
code block's line does, and a bare ``ip`` line using it is read with its value."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.steps import NetnsAdd
from tests.conftest import REPO
from tests.kernel import SKIP
from tests.pages import imported, page_ran_clean

PAGE = REPO / "tests" / "fixtures" / "pages-en" / "en01-xavki-devto-shell-variables-bridge.md"


def _steps(text: str) -> list[tuple[str, str]]:
    """The page's steps: each one's action and name."""
    lab = scenario.load_text(import_text(text, "markdown", "page.md").yaml, "page.yaml")
    return [(type(s.op).__name__, getattr(s.op, "name", "")) for s in lab.setup]


def test_the_page_s_commands_are_read_with_its_names() -> None:
    result, lab = imported(PAGE)
    made = [s.op.name for s in lab.setup if isinstance(s.op, NetnsAdd)]
    assert made == ["x1", "x2"], result.yaml
    assert "ip link add ${VETH1} type veth peer name ${VPEER1}" in result.yaml
    assert "xpeer1" in result.yaml
    assert "inside sentences" not in result.yaml


def test_a_bare_assignment_is_no_command_of_its_own_and_a_sentence_stays_prose() -> None:
    page = "Some words.\n\nNS=blue\n\nip netns add $NS\n\nThe NS=blue line sets it.\n"
    assert _steps(page) == [("NetnsAdd", "blue")]


def test_an_unknown_name_keeps_the_line_out() -> None:
    page = "Some words.\n\nip netns add $NOWHERE\n\nip netns add red\n"
    assert _steps(page) == [("NetnsAdd", "red")]


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_page_runs_clean_under_its_prefix(state_dir: Path, tmp_path: Path) -> None:
    """Run as a user runs it: the namespaces and the pair named from the page's variables;
    verified, undone, nothing left (whatever happens, what carries the hunt's prefix is
    deleted, and must be nothing)."""
    prefix = "enxk01"
    out = page_ran_clean(PAGE, prefix, "enx", state_dir, tmp_path)
    assert f"ip link add {prefix}xeth1 type veth peer name {prefix}xpeer1" in out, out


def test_what_a_command_at_a_prompt_printed_stays_its_output() -> None:
    page = "Check the host:\n\n$ cat /etc/os-release\nID=ubuntu\nVERSION_ID=20.04\n\n"
    page += "Then:\n\n$ ip netns add red\n"
    lab = scenario.load_text(import_text(page, "markdown", "page.md").yaml, "page.yaml")
    assert lab.setup[0].output == "ID=ubuntu\nVERSION_ID=20.04"
