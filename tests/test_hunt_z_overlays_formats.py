"""Overlays and page formats (hunt Z): the inputs are the hunt's own files
(tests/fixtures/overlays-formats).

* A mail with no code blocks lost its macvlan ``link add`` (a line iplab keeps raw with the
  names it creates), and the import failed on the next line; a quoted vxlan ``link add``
  got no "not read" warning.
* ``Cleanup: `a; b; c` `` went into the setup when its last part was no deletion, and
  vanished when its parts ended in ``2>/dev/null``.
* A session's line shown failing, then retried fixed, was refused as "created twice".
* Cosmetics: IPython's ``{NS}`` printed ``${NS}`` unsaid, a cut-off ``%%bash -s``
  warning, Confluence's breadcrumbs as the description, the eth0 refusal's nested
  parentheses, the Org refusal's "export to AsciiDoc" (Org has no such exporter).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
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


def test_an_ipython_name_written_as_bash_spells_it_is_said_once() -> None:
    """Hunt Z: ``!sudo ip netns add {NS}`` rendered ``sudo ip netns add ${NS}`` with no word
    (render is byte for byte), and ``%%bash -s "$NS"`` was said "read as a script; its
    options are not", which read cut off."""
    result = _imported("z10-ipython-vars.ipynb")
    assert result.lines[0] == "sudo ip netns add ${NS}"
    spelled = [w for w in result.warnings if "not the cell's text byte for byte" in w]
    assert [w.split(": ", 1)[0] for w in spelled] == ["line 28 (cell 3)", "line 29 (cell 3)"]
    assert spelled[0].startswith("line 28 (cell 3): {NS} as ${NS}: written as bash spells")
    assert (
        'line 39 (cell 4): %%bash -s "$NS": read as a script; its options are not read'
        ' (-s "$NS"): the arguments it passes ($1, $2...) are not known, their lines stay raw'
    ) in result.warnings


def test_a_confluence_export_s_breadcrumbs_and_space_name_are_left_out() -> None:
    """Hunt Z: the description was "Team Wiki / Labs / Created by Jan Kowalski, last
    modified on ..." and the title kept "Team Wiki : "."""
    loaded = scenario.load_text(_imported("z8-confluence-export.html").yaml, "z8.yaml")
    assert loaded.title == "Overlay lab - VXLAN between two namespaces"
    assert loaded.description is not None
    assert loaded.description.startswith("This page describes the overlay lab")
    assert "Team Wiki" not in loaded.description and "Created by" not in loaded.description


def test_a_macvlan_on_the_host_s_eth0_is_refused_in_plain_words() -> None:
    """Hunt Z: the (right) refusal said eth0 "does not exist in the root namespace at this
    step", though the host has eth0, and nested parentheses in its hint."""
    loaded = scenario.load_text(_imported("z12-macvlan-on-host-nic.md").yaml, "z12.yaml")
    with pytest.raises(ModelError) as refused:
        build(loaded)
    said = str(refused.value)
    assert "mac0 is made on link eth0 (its lower device), which no step before makes" in said
    assert "does not exist" not in said
    assert "((" not in said and "))" not in said and "(eth0...)" not in said


def test_an_org_page_s_results_are_output() -> None:
    """Hunt Z: the page was refused, saying to export it "to AsciiDoc" (which Org cannot
    do without a package of its own); Org pages are read now: the fixed-width lines Babel
    printed under ``#+RESULTS:`` are output, not commands, and the page's own header
    arguments (``:dir /sudo::``) leave the commands without sudo."""
    result = _imported("z9-macvlan-passthru.org")
    assert result.lines[0] == "ip netns add box"
    assert "ip -n box link add pt0 link up0 type macvlan mode passthru" in result.lines
    assert result.lines[-2:] == ("ip netns del guest", "ip netns del box")
    assert not any(line.strip() == "macvlan mode passthru" for line in result.lines)
    assert not any(line.startswith(("7:", ":")) for line in result.lines)
