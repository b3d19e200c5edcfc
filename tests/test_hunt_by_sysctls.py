"""Hunt BY: router, forwarding and ARP pages (tests/fixtures/stored-pages-8) against
verify's sysctl read-back (iplab/sysctlcheck.py).

- p1 loads its router's sysctls from a file it writes with a here-doc (``ip netns exec
  ns-router sysctl -p ns-router.conf``): the load was taken for a read (no ``=`` on the
  line), and verify said OK over "3 namespaces, 7 links" with no word of the router's
  sysctls, though IPv6 forwarding turned off by hand there changed nothing it said. It now
  adds "sysctls of ns-router not compared" (state._sysctl_loads).
- p4 sits every line at openSUSE's root prompt (``mytux:~ #``): import refused it, "no
  command found". The prompt is read now (importer/reader._PROMPTS), and the lab runs;
  its arp_ignore turned back by hand is a DIFF.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.plan import build, expected_state
from iplab.verify import verdict, written_sysctls
from tests.kernel import REPO, SKIP, apart
from tests.pages import imported, written

PAGES = Path(__file__).resolve().parent / "fixtures" / "stored-pages-8"
LOADED = PAGES / "p1-syntaxbug-ns-router-sysctl-p.md"
SUSE = PAGES / "p4-anracom-proxy-arp.md"
IPV6 = PAGES / "p3-huichen-ipv6-diamond.md"
ICMP = PAGES / "p2-contractdesign-icmp-ignore.md"


def _verdict(page: Path) -> str:
    _, lab = imported(page)
    return verdict(expected_state(build(lab, prefix="hbyt")))


def test_a_sysctl_file_loaded_in_a_namespace_is_said_not_compared() -> None:
    said = _verdict(LOADED)
    assert "sysctls of hbytns-router not compared" in said, said


@pytest.mark.parametrize(
    "load",
    [
        "ip netns exec r sysctl -p r.conf",
        "ip netns exec r sysctl -qp /tmp/r.conf",
        "ip netns exec r sysctl --load=/tmp/r.conf",
        "ip netns exec r sysctl --system",
        "ip netns exec r sysctl -p",
    ],
)
def test_a_load_with_nothing_written_before_is_said(load: str) -> None:
    from iplab import scenario

    text = (
        "name: lab\nsetup:\n  - line: ip netns add r\n"
        f"  - {{action: raw, shell: true, command: {load!r}}}\n"
    )
    lab = scenario.load_text(text, "lab.yaml")
    said = verdict(expected_state(build(lab, prefix="hbyt")))
    assert "sysctls of hbytr not compared" in said, (load, said)


@pytest.mark.parametrize(
    "read", ["ip netns exec r sysctl net.ipv4.ip_forward", "ip netns exec r sysctl -a"]
)
def test_a_read_is_still_no_setting(read: str) -> None:
    from iplab import scenario

    text = f"name: lab\nsetup:\n  - line: ip netns add r\n  - line: {read}\n"
    lab = scenario.load_text(text, "lab.yaml")
    assert "not compared" not in verdict(expected_state(build(lab, prefix="hbyt")))


def test_an_opensuse_root_prompt_is_read() -> None:
    _, lab = imported(SUSE)
    got = written_sysctls(expected_state(build(lab, prefix="hbyt")))
    assert got == {
        "hbytnetns7": {
            "net/ipv4/ip_forward": "1",
            "net/ipv4/conf/all/arp_ignore": "1",
            "net/ipv4/conf/all/arp_announce": "2",
        }
    }, got


def test_suse_prompts_and_prose() -> None:
    from iplab.importer.reader import strip_prompt

    assert strip_prompt("mytux:~ # ip netns add netns1") == "ip netns add netns1"
    assert strip_prompt("mytux:/etc # ip a") == "ip a"
    assert strip_prompt("tux@mytux:~> sudo ip link") == "sudo ip link"
    assert strip_prompt("note: this # is text") is None
    assert strip_prompt("see: ~ # later") is None


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
@pytest.mark.parametrize(
    ("page", "undo", "diff"),
    [
        (SUSE, "ip netns exec hbyk1netns7 sysctl -qw net.ipv4.conf.all.arp_ignore=0",
         "sysctl net.ipv4.conf.all.arp_ignore@hbyk1netns7.value: expected 1, found 0"),
        (IPV6, "ip netns exec hbyk1flatbush sysctl -qw net.ipv6.conf.all.forwarding=0",
         "sysctl net.ipv6.conf.all.forwarding@hbyk1flatbush.value: expected 1, found 0"),
        (ICMP, "ip netns exec hbyk1test-2 sysctl -qw net.ipv4.icmp_echo_ignore_all=0",
         "sysctl net.ipv4.icmp_echo_ignore_all@hbyk1test-2.value: expected 1, found 0"),
        (LOADED, "ip netns exec hbyk1ns-router sysctl -qw net.ipv6.conf.all.forwarding=0",
         "sysctls of hbyk1ns-router not compared"),
    ],
    ids=lambda x: x.stem if isinstance(x, Path) else "",
)  # fmt: skip
def test_up_verify_then_a_sysctl_turned_back_by_hand(
    page: Path, undo: str, diff: str, tmp_path: Path
) -> None:
    """Each page up in a network namespace of its own: verify OK, then one key the page
    wrote turned back inside the lab's namespace: verify says it (or, for a loaded file,
    that it does not compare it); nothing left after down."""
    result, _ = imported(page)
    lab = written(result, tmp_path)
    done = apart(
        f"ip link set lo up\n"
        f"export IPLAB_STATE_DIR={tmp_path}/state\n"
        f"export PYTHONPATH={REPO}\ncd {tmp_path}\n"
        f"python3 -m iplab up {lab} --prefix hbyk1 >/dev/null; echo up=$?\n"
        f"python3 -m iplab verify {lab} --prefix hbyk1; echo verify=$?\n"
        f"{undo}\n"
        f"python3 -m iplab verify {lab} --prefix hbyk1; echo again=$?\n"
        f"python3 -m iplab down >/dev/null; echo down=$?\n"
        f"echo left=$(ip netns list | grep -c hbyk1)\n",
        timeout=240,
    )
    out = done.stdout + done.stderr
    assert "up=0" in out and "verify=0" in out and "down=0" in out, out
    assert diff in out, out
    assert ("again=1" in out) is ("expected" in diff), out
    assert "left=0" in out, out
