"""Hunt BX: the sysctls verify reads back (iplab/sysctlcheck.py), against pages.

Each page below made ``iplab up`` say a DIFF the kernel's own value explains, on a lab
that was right: a key the kernel lets write but not read (``net.ipv4.route.flush=1``:
"found none"), a key a later write changes under another name (IPv4's forwarding turned
on sets ``conf.all.accept_redirects`` to 0), a write inside ``ip netns exec h sh -c`` read
back in the root namespace, a number the kernel shows its own way (``0x2``: 2), and a
value written again in a way the model does not read (``echo 0 | sudo ip netns exec router
tee /proc/sys/net/ipv4/ip_forward``: the first value, 1, was still compared).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.names import ROOT
from iplab.plan import build, expected_state
from iplab.verify import verdict, written_sysctls
from tests.kernel import SKIP, apart
from tests.pages import imported, written

PAGES = Path(__file__).resolve().parent / "fixtures" / "hunt-bx"
FLUSH = PAGES / "pbr-route-flush.md"
REDIRECTS = PAGES / "redirects-then-forwarding.sh"
SH_C = PAGES / "netns-sh-c-and-hex.sh"
TEE = PAGES / "forwarding-off-by-tee.md"


def _written(page: Path) -> dict[str, dict[str, str]]:
    _, lab = imported(page)
    return written_sysctls(expected_state(build(lab, prefix="hbxt")))


def test_a_route_cache_flush_is_not_read_back() -> None:
    """``sysctl -w net.ipv4.route.flush=1`` flushes; the kernel refuses to read the key."""
    assert _written(FLUSH) == {"hbxtrtr": {"net/ipv4/ip_forward": "1"}}


def test_forwarding_turned_on_leaves_accept_redirects_uncompared() -> None:
    """The kernel sets ``conf.all.accept_redirects`` to 0 when forwarding changes (to 1);
    whether it changed the model cannot know (a new namespace's forwarding is the host's)."""
    got = _written(REDIRECTS)
    assert got == {
        "hbxth1": {"net/ipv4/conf/all/accept_redirects": "1"},
        "hbxtr": {"net/ipv4/conf/all/send_redirects": "1", "net/ipv4/ip_forward": "1"},
    }
    _, lab = imported(REDIRECTS)
    said = verdict(expected_state(build(lab, prefix="hbxt")))
    assert "3 sysctls; other sysctls of hbxtr not compared)" in said, said  # (by design: "other")


def test_a_write_through_sh_c_in_a_namespace_is_that_namespace_s() -> None:
    got = _written(SH_C)
    assert ROOT not in got, got
    assert got["hbxth"]["net/ipv4/conf/all/arp_ignore"] == "1"


def test_a_session_typed_in_ip_netns_exec_bash_writes_in_that_namespace() -> None:
    """tests/fixtures/routes/B5-triangle-session.txt types ``echo 1 >
    /proc/sys/net/ipv4/ip_forward`` in ``ip netns exec ra bash``: ra's forwarding, not the
    root's (up said "sysctl net.ipv4.ip_forward@root.value: expected 1, found 0")."""
    page = PAGES.parent / "routes" / "B5-triangle-session.txt"
    assert _written(page) == {"hbxtra": {"net/ipv4/ip_forward": "1"}}


def test_forwarding_known_to_change_sets_the_keys_it_changes() -> None:
    from iplab.sysctl import apply_writes

    keys: dict[str, tuple[str, int]] = {}
    apply_writes(keys, [("net/ipv4/ip_forward", "0")], 0)
    apply_writes(keys, [("net/ipv4/conf/all/accept_redirects", "1")], 0)
    apply_writes(keys, [("net/ipv4/conf/default/forwarding", "0")], 0)
    apply_writes(keys, [("net/ipv4/ip_forward", "1")], 0)
    assert keys["net/ipv4/conf/all/accept_redirects"] == ("0", 0)
    assert keys["net/ipv4/conf/default/forwarding"] == ("1", 0)
    apply_writes(keys, [("net/ipv4/conf/all/accept_redirects", "1")], 0)
    apply_writes(keys, [("net/ipv4/ip_forward", "1")], 0)  # no change: nothing else does
    assert keys["net/ipv4/conf/all/accept_redirects"] == ("1", 0)
    apply_writes(keys, [("net/ipv6/conf/default/forwarding", "0")], 0)
    apply_writes(keys, [("net/ipv6/conf/all/forwarding", "1")], 0)  # IPv6: at each write
    assert keys["net/ipv6/conf/default/forwarding"] == ("1", 0)


@pytest.mark.parametrize(
    ("written_value", "shown", "same"),
    [
        ("0x2", "2", True),
        ("01", "1", True),
        ("1024 65000", "1024 65000", True),
        ("2", "1", False),
        ("yes", "1", False),
        ("reno", "reno", True),
        ("-1", "-1", True),
        ("08", "8", False),  # not an octal number: the kernel refuses it
    ],
)
def test_a_number_is_compared_as_the_kernel_reads_it(
    written_value: str, shown: str, same: bool
) -> None:
    from iplab.sysctl import same_value

    assert same_value(written_value, shown) is same


def test_a_key_written_again_in_a_way_not_read_is_not_compared() -> None:
    """The page turns forwarding off with ``| tee``: the 1 written before is not compared.
    (Its ``sysctl -qw ...accept_redirects=1`` is read as a write since hunt DL, and compared;
    ip_forward still is not.)"""
    assert _written(TEE) == {"hbxtrouter": {"net/ipv4/conf/all/accept_redirects": "1"}}


@pytest.mark.parametrize(
    "again",
    [
        "echo 0 | ip netns exec r tee /proc/sys/net/ipv4/ip_forward",
        "ip netns exec r sysctl -qw net.ipv4.ip_forward=0",
        "ip netns exec r sysctl -p /etc/sysctl.d/99-router.conf",
        "ip netns exec r sysctl --system",
        "ip netns exec r sudo sysctl -w net.ipv4.ip_forward=0",
        "ip netns exec r /sbin/sysctl -w net.ipv4.ip_forward=0",
        "ip netns exec r sysctl -w net.ipv4.ip_forward=0 net.ipv4.tcp_rmem='4096 87380 6291456'",
        "ip netns exec r sysctl -w net.ipv4.ip_forward=0 > /dev/null",
    ],
)
def test_a_write_the_model_cannot_read_takes_the_key_out(again: str) -> None:
    from iplab import scenario

    text = (
        "name: lab\nsetup:\n  - line: ip netns add r\n"
        "  - line: ip netns exec r sysctl -w net.ipv4.ip_forward=1\n"
        f"  - {{action: raw, shell: true, command: {again!r}}}\n"
    )
    lab = scenario.load_text(text, "lab.yaml")
    assert written_sysctls(expected_state(build(lab, prefix="hbxt"))) == {}, again


def test_a_quiet_write_in_a_namespace_s_shell_is_read() -> None:
    """Since hunt DO a sysctl write whose output goes to /dev/null is read as the write:
    ``bash -c 'sysctl -w net.ipv4.ip_forward=0 >/dev/null'`` in r leaves 0, compared (it
    was a write the model could not read, the key taken out)."""
    from iplab import scenario

    again = "ip netns exec r bash -c 'sysctl -w net.ipv4.ip_forward=0 >/dev/null'"
    text = (
        "name: lab\nsetup:\n  - line: ip netns add r\n"
        "  - line: ip netns exec r sysctl -w net.ipv4.ip_forward=1\n"
        f"  - {{action: raw, shell: true, command: {again!r}}}\n"
    )
    lab = scenario.load_text(text, "lab.yaml")
    state = expected_state(build(lab, prefix="hbxt"))
    assert written_sysctls(state) == {"hbxtr": {"net/ipv4/ip_forward": "0"}}


@pytest.mark.parametrize(
    "read",
    ["ip netns exec r sysctl net.ipv4.ip_forward", "ip netns exec r sysctl -a"],
)
def test_a_read_keeps_the_key_compared(read: str) -> None:
    from iplab import scenario

    text = (
        "name: lab\nsetup:\n  - line: ip netns add r\n"
        "  - line: ip netns exec r sysctl -w net.ipv4.ip_forward=1\n"
        f"  - line: {read}\n"
    )
    lab = scenario.load_text(text, "lab.yaml")
    assert written_sysctls(expected_state(build(lab, prefix="hbxt"))) == {
        "hbxtr": {"net/ipv4/ip_forward": "1"}
    }


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
@pytest.mark.parametrize("page", [FLUSH, REDIRECTS, SH_C, TEE], ids=lambda p: p.stem)
def test_up_verifies_the_page_without_a_difference(page: Path, tmp_path: Path) -> None:
    """Each page up and verified in a network namespace of its own (its root's sysctls
    are the test's): OK, and nothing left after down."""
    result, _ = imported(page)
    lab = written(result, tmp_path)
    done = apart(
        f"ip link set lo up\n"
        f"export IPLAB_STATE_DIR={tmp_path}/state\n"
        f"python3 -m iplab up {lab} --prefix hbxk1; echo up=$?\n"
        f"python3 -m iplab verify {lab} --prefix hbxk1; echo verify=$?\n"
        f"python3 -m iplab down; echo down=$?\n"
        f"ip netns list | grep -c hbxk1 || true\n"
    )
    out = done.stdout + done.stderr
    assert "up=0" in out and "verify=0" in out and "down=0" in out, out
    assert "DIFF" not in out and "found none" not in out, out
    assert done.stdout.rstrip().endswith("0"), out
