"""The Python API on the real kernel: up, exec, state, verify, down, and what ends a lab."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import iplab
from tests.conftest import FIXTURES, REPO
from tests.kernel import iplab as iplab_cli
from tests.kernel import netns_names

pytestmark = pytest.mark.kernel

TWO_HOSTS = REPO / "examples" / "pytest-lab" / "two-hosts.yaml"
#: hunt X's lab: a client and a server on a bridge
HUNT_X = FIXTURES / "api" / "two.yaml"


def mine(prefix: str) -> set[str]:
    return {n for n in netns_names() if n.startswith(prefix)}


def test_up_exec_state_verify_down(prefix: str, state_dir: Path) -> None:
    scenario = iplab.Scenario.load(TWO_HOSTS, prefix=prefix)
    with iplab.up(scenario, state_dir=state_dir, audit={"test": "api"}) as lab:
        assert lab.name == f"{prefix}two-hosts"
        assert mine(prefix) == {f"{prefix}a", f"{prefix}b"} == set(lab.namespaces)
        assert "[8/8]" in lab.log
        ping = lab.exec("a", "ping", "-c", "1", "-W", "2", "10.99.0.2")
        assert ping.ok, ping.stderr
        assert lab.exec(f"{prefix}b", "ip", "-br", "addr").stdout.count("10.99.0.2/24") == 1
        state = lab.state()
        assert set(state.namespaces) == {"", f"{prefix}a", f"{prefix}b"}
        assert state.namespaces[""].links == {}  # the host's own links are not the lab's
        vb = state.namespaces[f"{prefix}b"].links[f"{prefix}vb"]
        assert (vb.peer, vb.peer_ns, vb.up) == (f"{prefix}va", f"{prefix}a", True)
        assert lab.verify() == []
        # a change the scenario did not make shows as a typed difference
        lab.exec("b", "ip", "link", "set", f"{prefix}vb", "down", check=True)
        [difference] = lab.verify()
        assert (difference.obj, difference.field, difference.expected, difference.found) == (
            f"{prefix}vb", "up", "up", "down",
        )  # fmt: skip
        assert [other.name for other in iplab.labs(state_dir)] == [lab.name]
        with pytest.raises(iplab.UsageError, match="not one of lab"):
            lab.exec("ns-of-someone-else", "true")
        with pytest.raises(iplab.LabError, match="exit 1"):
            lab.exec("a", "false", check=True)
    assert not lab.is_up
    assert mine(prefix) == set() and lab.leftovers() == []
    assert iplab.labs(state_dir) == []
    lab.down()  # again: nothing to do


def test_the_block_downs_the_lab_on_an_exception(prefix: str, state_dir: Path) -> None:
    seen: list[int] = []

    def body() -> None:
        with iplab.up(TWO_HOSTS, prefix=prefix, state_dir=state_dir):
            seen.append(len(mine(prefix)))
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        body()
    assert seen == [2]
    assert mine(prefix) == set()
    assert iplab.labs(state_dir) == []


def test_the_block_downs_the_lab_on_ctrl_c(prefix: str, state_dir: Path) -> None:
    with pytest.raises(KeyboardInterrupt), iplab.up(TWO_HOSTS, prefix=prefix, state_dir=state_dir):
        os.kill(os.getpid(), signal.SIGINT)  # as a Ctrl-C at the terminal
    assert mine(prefix) == set()
    assert iplab.labs(state_dir) == []


def test_a_lab_found_by_labs_can_be_taken_down(prefix: str, state_dir: Path) -> None:
    made = iplab.up(TWO_HOSTS, prefix=prefix, state_dir=state_dir)
    [found] = iplab.labs(state_dir)
    assert (found.name, found.namespaces) == (made.name, made.namespaces)
    assert found.exec("a", "ip", "-br", "link").ok
    assert found.verify() == []  # its record's scenario (hunt X #3: it wanted one)
    assert found.verify(iplab.Scenario.load(TWO_HOSTS, prefix=prefix)) == []
    found.down()
    assert mine(prefix) == set()
    with pytest.raises(iplab.UsageError, match="is down"):
        found.exec("a", "true")


def test_a_failing_setup_leaves_nothing(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "name: broken\nsetup:\n"
        "  - {action: netns add, name: x1}\n"
        "  - {action: raw, command: ip netns exec x1 false}\n"
    )
    with pytest.raises(iplab.LabError, match="did not come up"):
        iplab.up(broken, prefix=prefix, state_dir=state_dir)
    assert mine(prefix) == set()
    assert iplab.labs(state_dir) == []


def in_thread(work: Callable[[], None]) -> list[BaseException]:
    """Run ``work`` in a worker thread; what it raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    return errors


def test_a_lab_comes_up_and_down_in_a_worker_thread(prefix: str, state_dir: Path) -> None:
    """Hunt X #2: iplab.up in a threading.Thread raised a raw ValueError ('signal only
    works in main thread'): the run installed its signal handlers there. Outside the main
    thread none is installed (a signal is the main thread's business), and the main
    thread's handlers stay as they were."""
    names: list[str] = []
    before = signal.getsignal(signal.SIGINT)

    def work() -> None:
        with iplab.up(HUNT_X, prefix=prefix, state_dir=state_dir) as lab:
            names.append(lab.name)
            assert lab.verify() == []

    assert in_thread(work) == []
    assert names == [f"{prefix}cs"]
    assert mine(prefix) == set() and iplab.labs(state_dir) == []
    assert signal.getsignal(signal.SIGINT) is before


def test_a_worker_thread_takes_a_lab_down(prefix: str, state_dir: Path) -> None:
    """Hunt X #2: a lab up in the main thread and taken down from a worker thread raised
    the same ValueError and stayed up (is_up True, its namespaces left): a lab must always
    be able to come down."""
    lab = iplab.up(HUNT_X, prefix=prefix, state_dir=state_dir)
    try:
        assert in_thread(lab.down) == []
        assert not lab.is_up and lab.leftovers() == []
        assert mine(prefix) == set() and iplab.labs(state_dir) == []
    finally:
        lab.down()


def test_a_lab_found_by_labs_verifies_against_its_record(prefix: str, state_dir: Path) -> None:
    """Hunt X #3: lab.verify() of a lab from iplab.labs() wanted a scenario, and one loaded
    without the lab's prefix gave bogus differences against unprefixed names (br0...).
    verify() now reads the lab's record (file, prefix, vars) as `iplab verify LAB` does,
    and a scenario of another prefix is refused, saying so."""
    with iplab.up(HUNT_X, prefix=prefix, state_dir=state_dir) as lab:
        [other] = iplab.labs(state_dir)
        assert other.name == lab.name and other.scenario is None
        assert other.verify() == []
        with pytest.raises(iplab.UsageError, match=f"has prefix '{prefix}'.*given ''") as caught:
            other.verify(iplab.Scenario.load(HUNT_X))
        assert "lab.verify()" in str(caught.value)
        assert other.verify(iplab.Scenario.load(HUNT_X, prefix=prefix)) == []
        lab.exec("server", "ip", "link", "set", f"{prefix}vs", "down", check=True)
        [difference] = other.verify()
        assert (difference.obj, difference.field) == (f"{prefix}vs", "up")


def test_the_vars_of_an_api_lab_are_in_its_record(prefix: str, state_dir: Path) -> None:
    """Hunt X #3: the record of a lab the API brought up with vars kept none: verifying it
    from labs() (or `iplab verify LAB`) expected the scenario's defaults."""
    with iplab.up(HUNT_X.with_name("cs-vars.yaml"), prefix=prefix, state_dir=state_dir,
                  vars={"net": "10.78.0"}) as lab:  # fmt: skip
        assert lab.exec("client", "ping", "-c1", "-W2", "10.78.0.2").ok
        [other] = iplab.labs(state_dir)
        assert other.verify() == []
        cli = iplab_cli("verify", lab.name, state=state_dir)
        assert cli.returncode == 0, cli.stdout + cli.stderr
