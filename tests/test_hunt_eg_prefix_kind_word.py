"""Hunt EG #2: Qs315490's answer on RuriOSS/ruri#40 (tests/fixtures/pages-eg/eg05-...) names
its pair after the kind: ``sudo ip l a veth type veth peer name host``, a terse line of
answers and forum posts (``ip link add veth type veth``, ``ip link add bridge type
bridge``).

Under ``--prefix`` every word ``veth`` of the line was renamed, the kind with the link
(``ip l a egx5veth type egx5veth ...``), and the run was refused before anything ran: "does
not read as the renamed command: 'veth' is a link of the lab and also another word of the
line". Now the word after ``type`` (a link's kind) is never renamed, in a typed line as in
an author's block (``bash -c "ip link add veth type veth ..."``); and a typed line whose
words still clash (a namespace named ``default`` or ``lo``) is renamed where the grammar
reads a name (``ip -n t1default route add default ...``), refused only when no renaming of
its words reads back as the renamed step."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from iplab.prefix import with_prefix
from iplab.render import renderer
from iplab.scenario import load_text
from tests.conftest import REPO
from tests.kernel import SKIP
from tests.pages import page_imported, page_ran_clean

PAGES = REPO / "tests" / "fixtures" / "pages-eg"
PAGE = PAGES / "eg05-ruriOSS-ruri-40-zh-terse-l-a-s-user-prompt.md"


def _lines(yaml: str, prefix: str) -> list[str]:
    render = renderer()
    return [render.text(s.op) for s in with_prefix(load_text(yaml, "x.yaml"), prefix).steps]


def test_the_answer_runs_under_a_prefix() -> None:
    yaml = page_imported(PAGE).yaml
    lines = _lines(yaml, "egx5")
    assert lines[0] == "ip l a egx5veth type veth peer name egx5host"
    assert lines[2] == "ip l s egx5veth netns egx5test1"
    assert lines[7] == "ip netns exec egx5test1 ip a a 10.0.0.2/24 dev egx5veth"


def test_a_bridge_named_bridge() -> None:
    yaml = (
        "name: x\nsetup:\n  - line: ip link add bridge type bridge\n"
        "  - line: ip link set bridge up\n"
    )
    assert _lines(yaml, "t1") == ["ip link add t1bridge type bridge", "ip link set t1bridge up"]


def test_a_block_holding_such_a_line_prints_its_commands() -> None:
    page = (
        "# t\n\n```bash\nip netns add t1\n"
        'ip netns exec t1 bash -c "ip link add veth type veth peer name host;'
        ' ip link set veth up"\n'
        "```\n"
    )
    scenario = load_text(import_text(page, "markdown", "page.md").yaml, "x.yaml")
    render = renderer()
    renamed = with_prefix(scenario, "t1")
    said = [s.verbatim or render.text(s.op) for s in renamed.steps if not s.joined]
    assert "type t1veth" not in "\n".join(said)
    assert said[1] == (
        'ip netns exec t1t1 bash -c "ip link add t1veth type veth peer name t1host;'
        ' ip link set t1veth up"'
    )


def test_a_namespace_named_as_a_word_of_ip() -> None:
    """A namespace named ``default`` (or ``lo``): renamed where ip reads a namespace, the
    route's ``default`` left (the grammar reads the renamed line back)."""
    yaml = (
        "name: x\nsetup:\n  - line: ip netns add default\n"
        "  - line: ip -n default link add v0 type dummy\n"
        "  - line: ip -n default route add default dev v0\n"
    )
    assert _lines(yaml, "t1")[2] == "ip -n t1default route add default dev t1v0"


def test_a_block_its_words_would_rename_otherwise_prints_its_commands() -> None:
    page = (
        "# t\n\n```bash\nip netns add default\n"
        'ip netns exec default bash -c "ip link add v0 type dummy; ip link set v0 up;'
        ' ip route add default dev v0"\n```\n'
    )
    scenario = load_text(import_text(page, "markdown", "page.md").yaml, "x.yaml")
    render = renderer()
    said = [s.verbatim or render.text(s.op) for s in with_prefix(scenario, "t1").steps]
    assert "route add t1default" not in "\n".join(said)
    assert said[-1] == "ip netns exec t1default ip route add default dev t1v0"


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_answer_runs_clean_under_its_prefix(state_dir: Path, tmp_path: Path) -> None:
    """Run as a user runs it: the pair named after its kind, the namespace, their
    addresses; verified, undone, nothing left (whatever happens, what carries the hunt's
    prefix is deleted, and must be nothing)."""
    prefix = "egxk05"
    out = page_ran_clean(PAGE, prefix, "egx", state_dir, tmp_path)
    assert f"ip l a {prefix}veth type veth peer name {prefix}host" in out, out
