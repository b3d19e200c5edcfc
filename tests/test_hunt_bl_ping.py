"""Hunt BL #1: a ping a page stops with Ctrl-C, and ``ping -i``, were steps that judged nothing.

tests/fixtures/leftovers7/ping-until-ctrl-c.md pings with no ``-c`` and shows the output
ending in ``^C`` (once with 100% packet loss, once after the fix), and pings with ``-i``.
Each was kept as ``netns exec``: the run stopped the ping after 3 s as the author did, but
judged nothing ('0/0 claims hold'): the ping the page shows failing was a step that may fail.
Now each is a probe printed as written: ``ping TARGET`` stopped by its step's
``stop_after`` (ping then exits 0 when any reply came), ``-i INTERVAL`` among a probe's
options, and the run says PASS or FAIL of what the page shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.errors import ScenarioError
from iplab.plan import build
from iplab.scenario import load_text
from iplab.steps import Probe
from tests import pages
from tests.conftest import FIXTURES

PAGE = FIXTURES / "leftovers7" / "ping-until-ctrl-c.md"


def _probes() -> list[tuple[Probe, float | None]]:
    _, sc = pages.imported(PAGE)
    return [(s.op, s.stop_after) for s in sc.setup if isinstance(s.op, Probe)]


def test_each_ping_of_the_page_is_a_probe_of_what_it_shows() -> None:
    probes = _probes()
    assert [(p.ns, p.target, p.count, p.reachable, stop) for p, stop in probes] == [
        ("left", "10.10.0.2", None, False, 3),  # (^C after 100% packet loss)
        ("left", "10.10.0.2", None, True, 3),  # (ping -i 0.2, ^C)
        ("right", "10.10.0.1", 2, True, None),  # (ping -c 2 -i 0.5)
    ]


def test_the_pings_are_printed_as_the_page_writes_them() -> None:
    _, sc = pages.imported(PAGE)
    text = "\n".join(pc.command.text for pc in build(sc).setup)
    for line in (
        "ip netns exec left ping 10.10.0.2",
        "ip netns exec left ping -i 0.2 10.10.0.2",
        "ip netns exec right ping -c 2 -i 0.5 10.10.0.1",
    ):
        assert f"\n{line}\n" in f"\n{text}\n", text


def _load(step: str) -> Probe:
    doc = f"name: t\nsetup:\n  - action: netns add\n    name: a\n{step}"
    op = load_text(doc, "t.yaml").setup[-1].op
    assert isinstance(op, Probe)
    return op


def test_a_probe_without_a_count_needs_its_stop() -> None:
    step = "  - action: probe\n    in: a\n    target: 10.0.0.2\n"
    assert _load(step).count == 1  # (no count, no stop_after: ping -c 1, as before)
    assert _load(step + "    stop_after: 3\n").count is None
    with pytest.raises(ScenarioError, match="ping without -c runs until it is stopped"):
        _load(step + "    options: -i 0.2\n")
    with pytest.raises(ScenarioError, match="-i 0: not a number of seconds"):
        _load(step + "    options: -c 2 -i 0\n")


@pytest.mark.kernel
def test_the_page_runs_and_judges_each_ping(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    done = pages.ran_clean(PAGE, prefix, state_dir, tmp_path)
    assert f"PASS {prefix}left cannot reach 10.10.0.2" in done.stdout, done.stdout
    assert f"PASS {prefix}left reaches 10.10.0.2" in done.stdout, done.stdout
    assert f"PASS {prefix}right reaches 10.10.0.1" in done.stdout, done.stdout
    assert "3/3 claims hold" in done.stdout, done.stdout
