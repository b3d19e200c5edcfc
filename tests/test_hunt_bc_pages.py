"""Hunt BC (real tutorials and Q&A threads from stored web pages, round 4, rebuilt as a
reader saves them: their commands, prompts and output as published, prose re-typed;
tests/fixtures/stored-pages-4/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iplab.errors import IplabError
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.scenario import Scenario
from iplab.steps import Probe, Raw
from tests import kernel, pages
from tests.conftest import FIXTURES

PAGES = FIXTURES / "stored-pages-4"


def _imported(name: str) -> tuple[ImportResult, Scenario]:
    return pages.imported(PAGES / name)


def test_a_line_closed_with_a_semicolon_is_typed_and_printed_as_written(tmp_path: Path) -> None:
    """etherarp's lines end in ``;`` (``ip link add bridge0 type bridge;``, ``ip link set
    veth0_left master bridge0 up ;``): each was a raw bash step iplab could not undo (13 of
    18), and the model could not see the page's veth1_/veth0_ slip. Now typed, each line
    printed as the page has it."""
    result, _ = _imported("bc-p09-etherarp-foo-bar-typos.md")
    assert "17 typed, 1 raw" in result.summary()
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(pages.written(result, tmp_path))],
        capture_output=True, text=True, cwd=kernel.REPO, check=False, timeout=60,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    for line in (
        "ip link add veth1_left type veth peer veth1_right;",
        "ip link add bridge0 type bridge;",
        "ip addr add 10.13.37.1/24 dev bridge0;",
        "ip link set veth0_left master bridge0 up ;",
        "ip netns exec foo ip l set dev enp3s1f0 up;",
    ):
        assert line in lines
        assert f"command: {line}" not in result.yaml  # (no raw step)


def test_a_ping_the_page_marks_not_through_is_a_probe_that_must_fail() -> None:
    """pmdaddy's macvlan notes answer each ping with the author's verdict, ``通`` (it gets
    through) or ``不通`` (it does not): every ping was a probe that must work, and the run
    said FAILED for the two the page says fail (to the parent's namespace, and after the
    veth is set down)."""
    _, sc = _imported("bc-p02-pmdaddy-macvlan-hairpin.md")
    probes = [s.op for s in sc.steps if isinstance(s.op, Probe)]
    said = [(p.target, p.reachable) for p in probes]
    assert said == [
        ("192.168.0.1", True),
        ("192.168.0.254", False),
        ("192.168.0.12", True),
        ("192.168.0.12", False),
    ]


def test_a_text_page_written_in_chinese_is_a_page_not_a_script() -> None:
    """bubuko's saved text: its Chinese sentences (``本期重点 认识 veth ...``, ``原文:https://...``)
    were each a raw step (check: 'this host does not have 本期重点'), and the line that lost
    its newlines one raw step. Read as a page now, which says where the commands are."""
    text = (PAGES / "bc-p11-bubuko-flattened.txt").read_text(encoding="utf-8")
    with pytest.raises(IplabError) as caught:
        import_text(text, detect_kind("bc-p11-bubuko-flattened.txt", text), "p11")
    said = str(caught.value)
    assert "line 6 holds ip commands inside sentences" in said
    assert "本期重点" not in said


def test_arp_n_only_shows_the_table() -> None:
    """routemyip's ``# arp -n`` (its output shown) was a step 'iplab cannot undo'; it
    only reads."""
    result, sc = _imported("bc-p13-routemyip-br-netfilter.md")
    (arp,) = [s for s in sc.steps if "arp -n" in str(s.op)]
    assert isinstance(arp.op, Raw) and arp.op.observes
    assert "cannot undo" not in result.summary()


@pytest.mark.kernel
def test_the_macvlan_page_runs_its_claims_hold_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """The whole macvlan page, run: the four pings hold as the page says (two get
    through, two do not), and the lab is undone from the journal."""
    page = PAGES / "bc-p02-pmdaddy-macvlan-hairpin.md"
    done = pages.ran_clean(page, prefix, state_dir, tmp_path, timeout=240)
    assert "4/4 claims hold" in done.stdout
