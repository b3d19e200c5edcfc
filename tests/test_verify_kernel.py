"""Verify against the live kernel: break the lab behind iplab's back, read the difference."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.kernel import iplab

pytestmark = pytest.mark.kernel
BLOG = "container-networking-part2"


@pytest.fixture
def lab(prefix: str, state_dir: Path):  # type: ignore[no-untyped-def]
    up = iplab("up", BLOG, "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stderr
    yield prefix
    iplab("down", f"{prefix}{BLOG}", state=state_dir)


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def verify(prefix: str, state_dir: Path, *extra: str) -> tuple[int, list[str]]:
    result = iplab("verify", BLOG, "--prefix", prefix, *extra, state=state_dir)
    return result.returncode, result.stdout.splitlines()


def test_intact_lab_verifies(lab: str, state_dir: Path) -> None:
    rc, lines = verify(lab, state_dir)
    assert rc == 0
    assert lines == ["OK: the kernel holds what the scenario promises after the setup "
                     "(2 namespaces, 7 links)"]  # fmt: skip


def test_detached_port(lab: str, state_dir: Path) -> None:
    ip("link", "set", f"{lab}vethQ", "nomaster")
    assert verify(lab, state_dir) == (
        1,
        [f"{lab}vethQ@root.master: expected {lab}br0, found none",
         "FAILED: 1 difference from the scenario after the setup"],
    )  # fmt: skip


def test_link_brought_down(lab: str, state_dir: Path) -> None:
    ip("link", "set", f"{lab}br0", "down")
    rc, lines = verify(lab, state_dir)
    assert rc == 1
    assert lines[0] == f"{lab}br0@root.up: expected up, found down"


def test_namespace_deleted_behind_iplabs_back(lab: str, state_dir: Path) -> None:
    ip("netns", "del", f"{lab}ns2")
    # its veth goes with it, and so does the peer on the bridge, a moment later
    for _ in range(100):
        gone = subprocess.run(
            ["ip", "link", "show", f"{lab}vethQ"], capture_output=True, check=False
        )
        if gone.returncode != 0:
            break
        time.sleep(0.05)
    assert verify(lab, state_dir) == (
        1,
        [f"{lab}vethQ.netns: expected root, found none",
         f"{lab}ns2.exists: expected a namespace, found none",
         "FAILED: 2 differences from the scenario after the setup"],
    )  # fmt: skip


def test_an_earlier_step_is_verified_against_its_own_state(lab: str, state_dir: Path) -> None:
    rc, lines = verify(lab, state_dir, "--step", "7")
    assert rc == 1
    assert f"{lab}vethY@root.master: expected none, found {lab}br0" in lines
    assert f"{lab}ns2.exists: expected none, found the namespace" in lines
    assert f"{lab}br0.exists: expected none, found it in root" in lines


def test_verify_takes_a_lab_that_is_up_by_its_name(lab: str, state_dir: Path) -> None:
    """Hunts N, P: ``iplab verify LAB`` said "no such scenario file", though ``ls``, ``down``
    and ``status`` take a lab by its name. The lab's scenario and prefix are the run's."""
    name = f"{lab}{BLOG}"
    result = iplab("verify", name, state=state_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "OK: the kernel holds what the scenario promises after the setup (2 namespaces, 7 links)"
    ]
    ip("link", "set", f"{lab}vethQ", "nomaster")
    broken = iplab("verify", name, state=state_dir)
    assert (broken.returncode, broken.stdout.splitlines()) == (
        1,
        [f"{lab}vethQ@root.master: expected {lab}br0, found none",
         "FAILED: 1 difference from the scenario after the setup"],
    )  # fmt: skip
    again = iplab("verify", name, "--prefix", "x", state=state_dir)
    assert again.returncode == 2 and "takes its prefix and --var pairs from it" in again.stderr
