"""Hunt CR: oneuptime's nftables page (tests/fixtures/stored-pages-12/p1) ends with
``ip netns exec testns nft monitor trace`` under "Monitor rule hits in namespace": a
command that prints events until its reader presses Ctrl-C, as ``ip monitor`` does. iplab
knew ``ip monitor`` and ``bridge monitor`` only: the step waited out the 30 s limit, was
called failed ("timed out after 30 s") and the whole lab was rolled back. ``nft monitor``,
``tc monitor`` and ``conntrack -E`` (``--event``) are stopped as their author stopped
them now (importer.stops)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.stops import STOP_AFTER, author_stops
from tests.conftest import FIXTURES
from tests.kernel import apart, can_use_kernel
from tests.pages import imported

PAGES = FIXTURES / "stored-pages-12"
P1 = PAGES / "p1-oneuptime-nftables-netns.md"
SNIPPET = PAGES / "x1-nft-monitor-in-a-namespace.md"


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec testns nft monitor trace",
        "sudo nft monitor",
        "nft -a monitor new rules",
        "ip netns exec r tc monitor",
        "conntrack -E",
        "sudo ip netns exec fw conntrack --event -p icmp",
    ],
)
def test_a_monitor_runs_until_its_author_stops_it(line: str) -> None:
    assert author_stops(line)


@pytest.mark.parametrize(
    "line",
    [
        "nft list ruleset",
        "nft add table ip monitor",
        "tc qdisc show dev veth0",
        "conntrack -L",
        "conntrack -F",
        "ip netns exec r nft monitor trace &",
    ],
)
def test_what_ends_by_itself_is_not_stopped(line: str) -> None:
    assert not author_stops(line)


def test_the_pages_monitor_step_is_stopped_after_a_while() -> None:
    result, lab = imported(P1)
    assert result.model_error is None, result.model_error
    last = lab.setup[-1]
    assert "nft monitor trace" in result.lines[-1]
    assert last.stop_after == STOP_AFTER


@pytest.mark.kernel
def test_a_monitor_in_a_namespace_ends_and_the_lab_runs(tmp_path: Path) -> None:
    why = can_use_kernel()
    if why:
        pytest.skip(why)
    import shutil

    if shutil.which("nft") is None:
        pytest.skip("nft is not installed")
    page = tmp_path / "page.md"
    page.write_text(SNIPPET.read_text(encoding="utf-8"), encoding="utf-8")
    script = f"""
set -u
export IPLAB_STATE_DIR={tmp_path}/state
python3 -m iplab import {page} -o {tmp_path}/lab.yaml || exit 11
timeout 25 python3 -m iplab run {tmp_path}/lab.yaml --prefix hcr7e1; echo "run=$?"
ip netns list
"""
    done = apart(script, timeout=60)
    assert "run=0" in done.stdout, done.stdout + done.stderr
    assert "timed out" not in done.stdout + done.stderr
    assert "hcr7e1" not in done.stdout.split("run=0", 1)[1]
