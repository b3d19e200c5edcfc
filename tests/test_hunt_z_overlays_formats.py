"""Overlays and page formats (hunt Z): the inputs are the hunt's own files
(tests/fixtures/overlays-formats).

* A mail with no code blocks lost its macvlan ``link add`` (a line iplab keeps raw with the
  names it creates), and the import failed on the next line; a quoted vxlan ``link add``
  got no "not read" warning.
* ``Cleanup: `a; b; c` `` went into the setup when its last part was no deletion, and
  vanished when its parts ended in ``2>/dev/null``.
"""

from __future__ import annotations

from pathlib import Path

from iplab import scenario
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.steps import LinkDel, LinkSet, NetnsDel, Raw

HERE = Path(__file__).parent / "fixtures" / "overlays-formats"


def _imported(name: str) -> ImportResult:
    text = (HERE / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


def test_a_macvlan_link_add_in_a_mail_without_code_blocks_is_read() -> None:
    """Hunt Z: line 14's ``ip -n qa-host link add mv0 link qa-nic type macvlan mode bridge``
    was dropped with no word, and the model refused line 15 (mv0 does not exist)."""
    result = _imported("z7-mail-macvlan.txt")
    loaded = scenario.load_text(result.yaml, "z7.yaml")
    raws = [s.op for s in loaded.steps if isinstance(s.op, Raw)]
    assert [r.command for r in raws] == [
        "ip -n qa-host link add mv0 link qa-nic type macvlan mode bridge"
    ]
    assert any(w.startswith("line 14: the page has no code blocks;") for w in result.warnings)
    assert "model: OK" in result.yaml


def test_a_quoted_vxlan_link_add_is_said_not_read() -> None:
    """Hunt Z: the quoted ``ip -n ns-b link add vx0 type vxlan ...`` (line 37) got no
    "quoted ... not read" warning; the quoted line 7 did."""
    warnings = _imported("z6-discourse-thread.txt").warnings
    quoted = [w for w in warnings if "quoted ('> ')" in w]
    assert [w.split(":", 1)[0] for w in quoted] == ["line 7", "line 37"]
    assert "link add vx0 type vxlan" in quoted[1]


def test_a_cleanup_sentence_whose_last_part_is_no_deletion_is_the_teardown() -> None:
    """Hunt Z: "Cleanup: `sudo ip netns del ctr; sudo ip link del vxoffice; sudo ip link set
    eth0 promisc off`" went into the setup (12 setup, 0 teardown), so up would have torn
    the lab down."""
    loaded = scenario.load_text(_imported("z13-cleanup-sentence.md").yaml, "z13.yaml")
    assert [type(s.op) for s in loaded.teardown] == [NetnsDel, LinkDel, LinkSet]
    assert loaded.teardown[0].title == "Cleanup"
    assert len(loaded.setup) == 9


def test_a_cleanup_sentence_of_quieted_deletions_is_the_teardown() -> None:
    """Hunt Z: "Cleanup: `sudo ip netns del host1 2>/dev/null; sudo ip netns del host2
    2>/dev/null`" was dropped with no warning (23 setup, 0 teardown)."""
    result = _imported("z1c-cleanup-sentence.md")
    loaded = scenario.load_text(result.yaml, "z1c.yaml")
    assert [s.verbatim for s in loaded.teardown] == [
        "sudo ip netns del host1 2>/dev/null",
        "sudo ip netns del host2 2>/dev/null",
    ]
    assert all(s.may_fail for s in loaded.teardown)
    assert sum("line 78: not in a code block" in w for w in result.warnings) == 2


def test_a_link_add_the_session_shows_failing_then_retried_fixed_is_read_once() -> None:
    """Hunt Z: the session shows ``ip -n ovl l a vx1 ... dev tun0 dstport 0`` fail
    ("RTNETLINK answers: Invalid argument", line 12) and the author's retry on veth-u
    (line 21); the model took the first as done and refused the retry ("link vx1 already
    exists in namespace ovl (a name is created twice)"), so the import failed."""
    result = _imported("z11-session-tuntap-vxlan.log")
    assert "model: OK" in result.yaml
    loaded = scenario.load_text(result.yaml, "z11.yaml")
    vx1 = [s.op for s in loaded.steps if isinstance(s.op, Raw) and " vx1 type " in s.op.command]
    assert [op.command for op in vx1] == [
        "ip -n ovl l a vx1 type vxlan vni 43 group 239.1.1.1 dev veth-u dstport 0"
    ]
    assert any(
        w.startswith("line 12: the page shows") and "again at line 21" in w for w in result.warnings
    )
