"""Hunt DB #1: a root vxlan's ``dev lo`` (or ``dev eth0``) while a namespace of the lab holds
a link so named.

Before, ``ip link add vx0 type vxlan id 42 dstport 4789 dev lo`` in the root namespace, with
a lab namespace made before it, was refused with "link lo, which vx0 is to sit on, is in
namespace remote, not in the root namespace" (every namespace has its own lo: the model
took the lab's for the one meant); ``dev eth0`` with a container-style veth end named eth0
in a namespace was the same. A root name is the host's unless a step moved a lab link so
named out of the root (:attr:`iplab.state.State.left_root`): the refusal is the host's lower
device's (a lab never makes a link on a host link; lo's is certain, a raw step cannot make
the root's lo).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO
from tests.pages import imported, written

PAGES = FIXTURES / "hunt-db"


def test_dev_lo_in_the_root_is_the_hosts_loopback_not_a_namespaces() -> None:
    result, _lab = imported(PAGES / "vxlan-root-dev-lo.md")
    error = str(result.model_error)
    assert "line 17:" in error and "vx0 is made on link lo" in error, error
    assert "the root namespace's loopback: the host's own" in error
    assert "is in namespace remote" not in error


def test_dev_eth0_in_the_root_is_the_hosts_though_a_namespace_has_an_eth0(tmp_path: Path) -> None:
    result, _lab = imported(PAGES / "vxlan-root-dev-eth0-ns-eth0.sh")
    lab = written(result, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "check", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "vxlan100 is made on link eth0 (its lower device), which no step" in done.stderr
    assert "is in namespace ctr1" not in done.stderr


def test_a_lab_link_moved_out_of_the_root_is_still_named_where_it_is(tmp_path: Path) -> None:
    page = tmp_path / "moved.sh"
    page.write_text(
        "ip netns add red\nip link add ve-a type veth peer name ve-b\n"
        "ip link set ve-a netns red\n"
        "ip link add vx1 type vxlan id 1 dstport 4789 dev ve-a\n"
    )
    error = str(imported(page)[0].model_error)
    assert "link ve-a, which vx1 is to sit on, is in namespace red, not in the root" in error


def test_a_raw_step_before_does_not_make_the_roots_lo_the_labs(tmp_path: Path) -> None:
    page = tmp_path / "raw.sh"
    page.write_text(
        "ip netns add remote\n./setup-underlay.sh\n"
        "ip link add vx0 type vxlan id 42 dstport 4789 dev lo\n"
    )
    error = str(imported(page)[0].model_error)
    assert "vx0 is made on link lo" in error and "the host's own" in error, error
