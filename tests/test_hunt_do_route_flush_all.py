"""``ip netns exec NS ip route flush all`` then ``ip route add 10.61.1.0/24 dev l-eth`` (hunt
DO, a Makefile lab's route target, tests/fixtures/hunt-do/do02-...: each namespace's table
flushed and written again by hand). The flush takes the routes the kernel made for the
namespace's addresses too (checked on this kernel: the add that follows it succeeds); the
model kept them, and refused the add as "File exists". Now a flush of the main table (no
selector, ``all``, or ``dev X`` for that link's) takes them; ``ip -4 route flush all``
leaves them (ip reads ``all`` as 0.0.0.0/0 then: checked on this kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build, expected_state
from tests import kernel
from tests.pages import run

_LAB = """ip netns add left
ip link add l-eth type veth peer name l-peer
ip link set l-eth netns left
ip netns exec left ip addr add 10.61.1.2/24 dev l-eth
ip netns exec left ip link set l-eth up
{flush}
ip netns exec left ip route add 10.61.1.0/24 dev l-eth
ip netns exec left ip route add default via 10.61.1.1
"""


def _build(text: str) -> object:
    return build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))


@pytest.mark.parametrize(
    "flush",
    [
        "ip netns exec left ip route flush all",
        "ip -n left route flush table main",
        "ip -n left route flush dev l-eth",
    ],
)
def test_the_route_added_after_a_flush_is_taken(flush: str) -> None:
    plan = _build(_LAB.format(flush=flush))
    routes = expected_state(plan).namespaces["left"].routes  # type: ignore[arg-type]
    assert any(r.to == "10.61.1.0/24" for r in routes), routes


@pytest.mark.parametrize(
    "flush",
    ["ip -n left -4 route flush all", "ip -n left -6 route flush all", "true"],
)
def test_a_flush_that_leaves_the_kernel_s_route_still_objects(flush: str) -> None:
    # (under set -e: since hunt DS a script that goes on past a failing command makes the
    # add a step that may fail, which the run skips: tests/test_hunt_ds_routed_by_address.py)
    with pytest.raises(ModelError, match="File exists"):
        _build("set -e\n" + _LAB.format(flush=flush))


@pytest.mark.kernel
def test_the_lab_runs_and_verifies(tmp_path: Path) -> None:
    script = tmp_path / "lab.sh"
    script.write_text(_LAB.format(flush="ip netns exec left ip route flush all"))
    lab = tmp_path / "lab.yaml"
    lab.write_text(import_text(script.read_text(), "shell", "lab.sh").yaml, encoding="utf-8")
    prefix = "doxfl1"
    try:
        done = run(lab, prefix, tmp_path / "state", tmp_path)
        out = done.stdout + done.stderr
        assert done.returncode == 0, out
        assert "File exists" not in out, out
        assert "nothing of the lab remains" in out, out
    finally:
        assert kernel.cleanup_prefix(prefix, "dox") == []
