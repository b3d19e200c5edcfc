"""Hunt R #1 (safety): a batch file that makes, renames or deletes the lab's objects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build, expected_state
from iplab.verify import read_names
from tests.conftest import REPO

SAFETY = REPO / "tests" / "fixtures" / "safety"
HINT = "or in an `ip -batch - <<EOF` here-document, which iplab reads line by line"


def _page(page: str, ipb: str, where: Path, monkeypatch: pytest.MonkeyPatch) -> scenario.Scenario:
    """The page imported, with its lab.ipb written (as anyone following it by hand has it)."""
    monkeypatch.chdir(where)
    shutil.copy(SAFETY / ipb, where / "lab.ipb")
    result = import_text((SAFETY / page).read_text(encoding="utf-8"), "markdown", page)
    return scenario.load_text(result.yaml, "lab.yaml")


@pytest.mark.parametrize(
    "case",
    [
        ("r5-batch-heredoc.md", "r5-lab.ipb", "ip netns add alpha", "setup[1]"),
        # (r5b's page writes lab.ipb itself: read as its ip commands now, see below; the
        # same file shipped with the page, as a course repository does, is refused)
        ("r5c-batch-shipped.md", "r5b-lab.ipb", "ip netns add hRzalpha", "setup[0]"),
    ],
)
@pytest.mark.parametrize("prefix", ["", "hR"])
def test_a_batch_file_making_namespaces_is_refused(
    case: tuple[str, str, str, str], prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt R #1: ``sudo ip -batch lab.ipb`` whose file makes alpha, beta and a veth pair:
    model OK once the file existed; with --prefix hR nothing was renamed, so the teardown
    ``ip netns del alpha`` would delete the host's alpha, and ``down`` left all the batch
    made ("0 undo commands ran"). A line that makes, renames or deletes a namespace or a
    link is refused before anything runs, naming the step's line and the file's."""
    page, ipb, first, step = case
    lab = _page(page, ipb, tmp_path, monkeypatch)
    with pytest.raises(ModelError) as refused:
        build(lab, prefix=prefix)
    said = str(refused.value)
    assert f"{step}: runs ip -batch lab.ipb: lab.ipb line 1" in said, said
    assert f"({first}) makes a namespace" in said
    assert HINT in said


LAB = """name: b
setup:
  - action: netns add
    name: zb
  - action: link add
    name: zva
    type: veth
    peer: zvb
    peer_netns: zb
  - action: raw
    command: ip -batch up.ipb
"""


def test_with_prefix_a_batch_file_naming_what_is_not_the_labs_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt R #1: under --prefix a batch file runs as written: ``link set zva up`` would
    reach the host's zva, the lab's being hRzva. Lines naming only the lab's objects by
    their prefixed names (and lines naming nothing) may stay."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "up.ipb").write_text("link set hRzva up\nlink show\n")
    build(scenario.load_text(LAB, "lab.yaml"), prefix="hR")
    (tmp_path / "up.ipb").write_text("link show\nlink set zva up\n")
    with pytest.raises(ModelError) as refused:
        build(scenario.load_text(LAB, "lab.yaml"), prefix="hR")
    said = str(refused.value)
    assert "up.ipb line 2 (ip link set zva up) names zva, no object of the lab's" in said, said


def test_verify_reads_each_namespace_the_model_expects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt R #1: after ``up r5b.yaml --prefix hR`` verify said "hRzalpha.exists: expected
    a namespace, found none" of a namespace that was there: the model expected what the
    batch file made, and verify read only the namespaces the steps' own words make."""
    lab = _page("r5c-batch-shipped.md", "r5b-lab.ipb", tmp_path, monkeypatch)
    plan = build(lab, lenient=True)  # (render's plan: the refusal a warning)
    assert "hRzalpha" not in plan.owned.netns
    assert {"hRzalpha", "hRzbeta"} <= set(read_names(expected_state(plan), plan.owned))


@pytest.mark.parametrize("prefix", ["", "hR"])
def test_a_batch_file_the_page_writes_is_the_ip_commands_it_holds(
    prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt R #1's page writes lab.ipb itself (``cat > lab.ipb <<EOF``) before ``sudo ip
    -batch lab.ipb``: its lines are read as the ip commands they are, as ``ip -batch -
    <<EOF`` is, so --prefix renames them, the journal undoes them and the teardown's
    ``ip netns del hRzalpha`` is the lab's (it was refused as a batch file making
    namespaces). A file whose lines carry options (r5: ``-n alpha addr add``, which ip's
    batch mode refuses) stays refused, above."""
    lab = _page("r5b-batch-prefixed.md", "r5b-lab.ipb", tmp_path, monkeypatch)
    plan = build(lab, prefix=prefix)
    assert {f"{prefix}hRzalpha", f"{prefix}hRzbeta"} <= plan.owned.netns
    texts = [pc.command.text for pc in plan.commands]
    assert f"sudo ip netns add {prefix}hRzalpha" in texts
    assert f"sudo ip netns del {prefix}hRzalpha" in texts
