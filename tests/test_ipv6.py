"""IPv6 labs as their pages and scripts write them (hunt A): import, model and verify."""

from __future__ import annotations

from pathlib import Path

from iplab.importer.convert import ImportResult, detect_kind, import_text
from tests.conftest import REPO

IPV6 = REPO / "tests" / "fixtures" / "ipv6"


def imported(name: str) -> ImportResult:
    path = IPV6 / name
    text = path.read_text(encoding="utf-8")
    rel = str(Path(path).relative_to(REPO))
    return import_text(text, detect_kind(rel, text), rel)


def test_a_wait_loop_is_not_told_to_be_unrolled() -> None:
    """Hunt A: ``while ip ... tentative | grep -q inet6; do sleep 0.2; done`` was skipped
    with "unroll it, or use a scenario 'loop'", advice that makes no sense for a loop that
    only waits. It now says it is a wait loop, and that iplab waits for DAD by itself."""
    warnings = [w for w in imported("05-dad-wait.sh").warnings if "lines 30-32" in w]
    assert len(warnings) == 1, warnings
    assert "unroll" not in warnings[0]
    assert "a wait loop (while ...; do sleep ...)" in warnings[0]
    assert "duplicate address detection" in warnings[0]
