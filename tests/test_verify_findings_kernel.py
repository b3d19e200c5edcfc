"""verify's findings of hunts K, L and O against the live kernel: each lab comes up from the
hunt's own input, is changed by hand, and verify (``up``'s own and ``iplab verify``) must
say so, naming the namespace, or say what it does not compare."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kernel import iplab

pytestmark = pytest.mark.kernel
FIXTURES = Path(__file__).parent / "fixtures"


def run(*argv: str) -> None:
    subprocess.run(list(argv), check=True, capture_output=True)


class Lab:
    """A lab up from a fixture, under the test's prefix; ``down`` in the finalizer."""

    def __init__(self, fixture: str, prefix: str, state: Path, tmp: Path) -> None:
        source = FIXTURES / fixture
        self.yaml = tmp / f"{source.stem}.yaml"
        made = iplab("import", str(source), "-o", str(self.yaml), state=state)
        assert made.returncode == 0, made.stderr
        self.prefix, self.state, self.name = prefix, state, f"{prefix}{source.stem}"
        self.up = iplab("up", str(self.yaml), "--prefix", prefix, state=state)

    def verify(self) -> tuple[int, list[str]]:
        result = iplab("verify", self.name, state=self.state)
        return result.returncode, result.stdout.splitlines()

    def down(self) -> None:
        iplab("down", self.name, state=self.state)


@pytest.fixture
def lab(prefix: str, state_dir: Path, tmp_path: Path) -> Iterator[object]:
    made: list[Lab] = []

    def up(fixture: str) -> Lab:
        one = Lab(fixture, prefix, state_dir, tmp_path)
        made.append(one)
        assert one.up.returncode == 0, one.up.stdout + one.up.stderr
        return one

    yield up
    for one in made:
        one.down()


def test_up_and_verify_agree_on_a_qdisc_replaced_with_a_handle(lab) -> None:  # type: ignore[no-untyped-def]
    """Hunt L (02b): ``up`` said OK, ``verify`` right after said "client:c0.qdisc: expected
    tbf rate 1mbit, found none" (the htb that replaced it was not read). Both say OK now,
    and a netem put there by hand is a difference for both."""
    one = lab("tc/hunt-l-02b-tc-shaping-no-netem.md")
    p = one.prefix
    assert "verify: the kernel holds what the scenario promised (" in one.up.stdout
    rc, lines = one.verify()
    assert rc == 0, lines
    assert lines[-1].startswith("OK: ") and "tc classes, tc filters" in lines[-1]
    run("ip", "netns", "exec", f"{p}client", "tc", "qdisc", "replace", "dev", f"{p}c0", "root",
        "tbf", "rate", "2mbit", "burst", "32kbit", "latency", "400ms")  # fmt: skip
    rc, lines = one.verify()
    assert rc == 1
    assert f"{p}client:{p}c0.qdisc: expected none, found tbf rate 2mbit" in lines


def test_a_shaped_link_moved_by_the_scenario_verifies(lab) -> None:  # type: ignore[no-untyped-def]
    """Hunt L (10): the tbf of veth-c was expected in the root namespace after the scenario
    moved the link to ctr (the kernel drops it): verify said FAILED."""
    one = lab("tc/hunt-l-10-shape-then-move.sh")
    assert "verify: the kernel holds what the scenario promised (" in one.up.stdout
    rc, lines = one.verify()
    assert rc == 0, lines


def test_a_renamed_link_is_missing_where_it_was_not_moved(lab) -> None:  # type: ignore[no-untyped-def]
    """Hunt K (10): eth0 renamed by hand in cont2 was said to be "found it in cont1" (cont1's
    own eth0); lo set down did not say which namespace's."""
    one = lab("scripts/hunt-K-10-trap-nsenter.sh")
    p = one.prefix
    run("ip", "-n", f"{p}cont2", "link", "set", f"{p}eth0", "down")
    run("ip", "-n", f"{p}cont2", "link", "set", f"{p}eth0", "name", f"{p}other")
    run("ip", "-n", f"{p}cont1", "link", "set", "lo", "down")
    rc, lines = one.verify()
    assert rc == 1
    assert f"{p}eth0.netns: expected {p}cont2, found none" in lines
    assert f"lo@{p}cont1.up: expected up, found down" in lines
    assert not any("found it in" in line for line in lines), lines


def test_the_link_settings_changed_by_hand_are_differences(lab) -> None:  # type: ignore[no-untyped-def]
    """Hunt O (02): ``ip link set ... alias other txqueuelen 10 arp on promisc off`` by hand:
    verify said a bare OK, then (hunt O) that it did not compare them; it compares them
    now (hunt CN), each a difference."""
    one = lab("ip/hunt-O-02-link-attrs.sh")
    p = one.prefix
    run("ip", "-n", f"{p}lab", "link", "set", f"{p}eth0", "alias", "other", "txqueuelen", "10",
        "arp", "on", "promisc", "off")  # fmt: skip
    rc, lines = one.verify()
    assert rc == 1, lines
    assert f'{p}eth0@{p}lab.alias: expected "uplink dummy", found "other"' in lines
    assert f"{p}eth0@{p}lab.txqueuelen: expected 5000, found 10" in lines
    assert f"{p}eth0@{p}lab.arp: expected off, found on" in lines
    assert f"{p}eth0@{p}lab.promisc: expected on, found off" in lines
