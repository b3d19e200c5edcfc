"""net-tools' ``route`` lists a routing table and exits 1 when the table is empty (a new
namespace's), where the author's shell goes on and the page shows the empty table. Hunt
BK's p08 (tests/fixtures/stored-pages-6/bk-p08-cozyfex-arp-route.md): ``ip netns exec
red route`` had to work, and the run stopped there and rolled back."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from iplab.scenario import load_text
from iplab.steps import NetnsExec, Raw
from tests import kernel, pages
from tests.conftest import FIXTURES

PAGE = FIXTURES / "stored-pages-6" / "bk-p08-cozyfex-arp-route.md"


def test_the_page_s_route_listings_may_fail() -> None:
    _, sc = pages.imported(PAGE)
    listed = [s for s in sc.steps if isinstance(s.op, Raw | NetnsExec) and s.op.command == "route"]
    assert len(listed) == 2 and all(s.may_fail for s in listed)  # the root's and red's


@pytest.mark.parametrize(
    ("line", "lenient"),
    [
        ("sudo ip netns exec red route -n", True),
        ("route -n", True),
        ("sudo ip netns exec red route add default gw 10.0.0.1", False),  # a change
    ],
)
def test_only_a_listing_may_fail(line: str, lenient: bool) -> None:
    result = import_text(f"# Lab\n\n```\nip netns add red\n{line}\n```\n", "markdown", "l.md")
    (step,) = [s for s in load_text(result.yaml, "l.yaml").steps if "route" in str(s.op)]
    assert step.may_fail is lenient


@pytest.mark.kernel
def test_the_page_runs_and_leaves_nothing(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    result, _ = pages.imported(PAGE)
    done = pages.run(pages.written(result, tmp_path), prefix, state_dir, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "nothing of the lab remains" in done.stdout
    assert kernel.cleanup_prefix(prefix) == []  # iplab left nothing
