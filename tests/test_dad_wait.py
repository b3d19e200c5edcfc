"""Which tentative IPv6 addresses an IPv6 probe waits for (iplab/dad.py; hunt I, t2).

t2's router had a link up whose peer was not (NO-CARRIER): its address stays tentative
until the link has a carrier, and each of the three probes on the router's other side
waited the full 3 s for it (``iplab run`` took 10.7 s). The line saying so came before the
probe's own ``[16/18]`` line.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from iplab import dad
from iplab.importer.convert import import_text
from iplab.state import Link, Namespace, State
from tests.kernel import iplab

T2 = Path(__file__).parent / "fixtures" / "ipv6" / "t2-ipv6-router.md"


def _link(name: str, address: str, operstate: str = "UP") -> Link:
    """An up link whose one address DAD still holds back."""
    return Link(name, "veth", up=True, operstate=operstate, addresses=[address],
                dad={address: "tentative"})  # fmt: skip


def _rt() -> State:
    """t2's router and h1 when the first probe runs: rt-h2 up, no carrier."""
    state = State()
    rt, h1 = Namespace("rt"), Namespace("h1")
    rt.links["rt-h1"] = _link("rt-h1", "fd00:1::1/64")
    rt.links["rt-h2"] = _link("rt-h2", "fd00:2::1/64", "LOWERLAYERDOWN")
    rt.links["rt-h3"] = _link("rt-h3", "fd00:3::1/64")
    h1.links["h1-rt"] = _link("h1-rt", "fd00:1::10/64")
    h1.links["h1-x"] = _link("h1-x", "fd00:9::10/64")
    state.namespaces.update(rt=rt, h1=h1)
    return state


def test_a_probe_waits_only_for_the_addresses_it_needs() -> None:
    """Hunt I (t2): the probe from h1 to fd00:1::1 waited for rt's fd00:2::1, on a link
    without carrier, whose DAD cannot end."""
    state = _rt()
    assert dad.held_back(state, ("h1", "rt"), "fd00:1::1") == {
        "fd00:1::10/64 on h1-rt@h1": "tentative",
        "fd00:1::1/64 on rt-h1@rt": "tentative",
    }
    # (no link on the target's network: a route decides, every live link's address counts)
    assert list(dad.held_back(state, ("h1",), "fd00:7::1")) == [
        "fd00:1::10/64 on h1-rt@h1",
        "fd00:9::10/64 on h1-x@h1",
    ]
    assert len(dad.held_back(state, ("h1", "rt"), None)) == 5  # (the hint: every address)


@pytest.mark.kernel
def test_an_ipv6_probe_does_not_wait_for_a_link_without_carrier(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt I (t2): ``iplab run ... --prefix P`` took 10.7 s, three probes waiting 3 s each;
    then, with a source address DAD holds for long, the wait is said under the probe's line
    (it came before)."""
    lab = tmp_path / "t2.yaml"
    text = T2.read_text()
    lab.write_text(import_text(text, "markdown", T2.name).yaml)
    began = time.monotonic()
    run = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert time.monotonic() - began < 7, run.stdout
    assert "still holds back" not in run.stdout, run.stdout
    slow = "ip netns exec h1 sysctl -w net.ipv6.neigh.h1-rt.retrans_time_ms=20000\n"
    text = text.replace("ip -n h1 -6 addr add", slow + "ip -n h1 -6 addr add")
    lab.write_text(import_text(text, "markdown", T2.name).yaml)
    run = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
    lines = run.stdout.splitlines()
    held = next(i for i, x in enumerate(lines) if "still holds back" in x)
    assert lines[held - 1].startswith("[17/19] "), run.stdout
    assert f"fd00:1::10/64 on {prefix}h1-rt@{prefix}h1" in lines[held], run.stdout
    assert f"{prefix}rt" not in lines[held], run.stdout
