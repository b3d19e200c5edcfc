"""Hunt CG: what hunts CA and CD left of their real pages and scripts
(tests/fixtures/stored-pages-9, tests/fixtures/github-scripts-5, tests/fixtures/leftovers15).

wg-netmanager-echo-banners.sh (gin66/wg_netmanager): ``sudo ip netns exec alice sudo ip
addr add 10.128.1.1/24 dev veth0``. The ``sudo`` inside (as root, which ``ip netns exec``
already is, it changes nothing) kept the line a ``netns exec`` step the model could not
follow: verify did not look for the address, down did not take it off, and the step was
listed as one iplab cannot undo. It is an ``addr add`` now, as written; ``sudo ip netns
exec alice sudo ip link list | grep veth`` only reads.

in-netns-trap-cleanup.sh (the kernel's selftests): ``NETNS="ns-$(mktemp -u XXXXXX)"``, then
``ip -netns "${NETNS}" link set lo up``. import and check refused it "... and --prefix cannot
rename it" when no --prefix was given; --prefix is said only when there is one.

leftovers15/two-hosts-timeout-inside.sh: ``ip netns exec h1 timeout 5 ip addr add ...`` (a
wrapper past ``ip netns exec``, read as the sudo inside is): verify did not compare the
address (taken off by hand, it said OK).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from iplab import ipgrammar
from iplab.model import ModelError
from iplab.plan import build, expected_state
from iplab.steps import AddrAdd, AddrDel, LinkSet, NetnsExec
from iplab.words import reads_only
from tests.conftest import FIXTURES
from tests.kernel import SKIP, cleanup_prefix, iplab
from tests.pages import imported, imported_file

WG = FIXTURES / "github-scripts-5" / "wg-netmanager-echo-banners.sh"
IN_NETNS = FIXTURES / "github-scripts-5" / "in-netns-trap-cleanup.sh"


def test_an_address_added_by_a_sudo_inside_a_namespace_is_followed_and_undone() -> None:
    result, lab = imported(WG)
    written = "sudo ip netns exec alice sudo ip addr add 10.128.1.1/24 dev veth0"
    assert written in WG.read_text().splitlines()
    ops = [s.op for s in lab.setup]
    assert not [op for op in ops if isinstance(op, NetnsExec) and "addr add" in op.command]
    added = [op for op in ops if isinstance(op, AddrAdd)]
    assert [(op.ns, op.address, op.dev) for op in added] == [
        ("alice", "10.128.1.1/24", "veth0"),
        ("bob", "10.128.1.2/24", "veth1"),
    ]
    assert [op.ns for op in ops if isinstance(op, LinkSet) and op.ns] == ["alice", "bob"]
    plan = build(lab, prefix="hcgq")
    texts = [c.command.text for c in plan.setup]
    at = texts.index("sudo ip netns exec hcgqalice sudo ip addr add 10.128.1.1/24 dev hcgqveth0")
    undo = [u.undo.op for u in plan.setup[at].undo]
    assert [(type(op), op.in_ns()) for op in undo] == [(AddrDel, "hcgqalice")]
    veth0 = expected_state(plan).link("hcgqalice", "hcgqveth0")
    assert veth0 is not None and veth0.addresses == ["10.128.1.1/24"]
    assert [line for line in result.cannot_undo if "tmux" not in line] == []


def test_a_sudo_inside_a_namespace_runs_its_command_as_root_only_without_another_user() -> None:
    assert isinstance(ipgrammar.read("ip netns exec a sudo -E ip link set v up"), LinkSet)
    other = ipgrammar.read("ip netns exec a sudo -u nobody ip link set v up")
    assert isinstance(other, NetnsExec)
    assert reads_only("ip netns exec alice sudo ip link list | grep veth")
    assert not reads_only("ip netns exec alice sudo ip link set veth0 up")


def test_a_name_known_only_when_it_runs_says_prefix_only_under_a_prefix() -> None:
    result, lab = imported(IN_NETNS)
    assert result.model_error is not None and "ip -netns ${NETNS} link set lo up" in (
        result.model_error
    )
    assert "--prefix" not in result.model_error
    with pytest.raises(ModelError) as alone:
        build(lab)
    assert "other labs' too" in alone.value.message and "--prefix" not in alone.value.message
    with pytest.raises(ModelError) as under:
        build(lab, prefix="hcgq")
    assert under.value.message.endswith("other labs' too, and --prefix cannot rename it")


TIMEOUT_INSIDE = FIXTURES / "leftovers15" / "two-hosts-timeout-inside.sh"


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_an_address_added_past_a_wrapper_inside_a_namespace_is_verified(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """``ip netns exec h1 timeout 5 ip addr add ...`` (the path the sudo inside takes):
    verify compares the address, down takes the lab away."""
    lab = imported_file(TIMEOUT_INSIDE, tmp_path)
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        subprocess.run(
            ["ip", "-n", f"{prefix}h1", "addr", "del", "172.31.9.1/24", "dev", f"{prefix}eth-h1"],
            check=True,
        )
        verify = iplab("verify", str(lab), "--prefix", prefix, state=state_dir)
        assert verify.returncode != 0, verify.stdout
        assert "172.31.9.1/24" in verify.stdout + verify.stderr
    finally:
        down = iplab("down", f"{prefix}two-hosts-timeout-inside", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
    assert cleanup_prefix(prefix) == []
