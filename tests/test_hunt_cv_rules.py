"""Hunt CV: verify compares the policy rules a lab adds (``ip rule add``).

Before, a lab's rule deleted or changed by hand after ``up`` passed with "ip rules of
pbr-r not compared". The model holds each namespace's rules (``ip [-n NS] rule add|del|
flush``, also under ``ip netns exec``; the kernel's priority where none is written: the
second rule's minus one, checked on this kernel), verify reads ``ip -j rule`` in the
namespaces where the lab added one (none: nothing read) and compares each rule the lab
added: its priority, selector and table or action.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import rules, rulewords, verify
from iplab.plan import build, expected_state
from iplab.rulewords import from_json, read_words, rule_lines
from iplab.scenario import load
from iplab.state import State
from tests.pages import imported_file
from tests.test_hunt_cn_link_settings import _up_break_verify

FIXTURES = Path(__file__).parent / "fixtures"
PBR = FIXTURES / "hunt-cv" / "pbr-two-uplinks.md"


def _state(yaml: str, tmp_path: Path) -> State:
    lab = tmp_path / "lab.yaml"
    lab.write_text("name: r\nsetup:\n  - line: ip netns add h\n" + yaml)
    return expected_state(build(load(str(lab))))


def test_the_model_holds_the_pages_rules(tmp_path: Path) -> None:
    expected = expected_state(build(load(str(imported_file(PBR, tmp_path)))))
    assert rulewords.written_rules(expected) == {
        "pbr-r": [
            (4, 499, (("action", "prohibit"), ("to", "172.16.0.0/12"))),
            (4, 500, (("fwmark", "0x2"), ("table", "200"))),
            (4, 32764, (("from", "10.0.2.0/24"), ("table", "200"))),
            (4, 32765, (("from", "10.0.1.0/24"), ("table", "100"))),
        ]
    }
    said = verify.verdict(expected)
    assert said == "the kernel holds what the scenario promised (3 namespaces, 7 links, 4 rules)"


def test_the_model_follows_flush_and_del_and_says_what_it_cannot(tmp_path: Path) -> None:
    expected = _state(
        "  - action: raw\n    command: ip -n h rule add from 10.1.0.0/24 table 10\n"
        "  - action: raw\n    command: ip -n h rule flush\n"
        "  - action: raw\n    command: ip -n h rule add iif lo table 11\n"  # (pref 0)
        "  - action: raw\n    command: ip -n h -6 rule add from 2001:db8::/64 table 12\n"
        "  - action: raw\n    command: ip -n h rule add from 10.3.0.0/24 tos 0x10 table 13\n",
        tmp_path,
    )
    assert rulewords.written_rules(expected) == {
        "h": [(4, 0, (("iif", "lo"), ("table", "11"))),
              (6, 32765, (("from", "2001:db8::/64"), ("table", "12")))],
    }  # fmt: skip
    assert "ip rules of h not compared" in verify.verdict(expected)


def test_no_rule_no_read(tmp_path: Path) -> None:
    expected = _state("  - line: ip -n h link add va type veth peer name vb\n", tmp_path)
    assert rules.promised(expected) == []


def test_the_words_and_the_json_meet() -> None:
    (line,) = (
        rule_lines("sudo ip netns exec r ip rule add not from 10.0.0.5/24 fwmark 3/0xff lookup 254")
        or []
    )
    assert line.ns == "r" and line.verb == "add"
    shown = {"priority": 7, "not": None, "src": "10.0.0.5", "srclen": 24, "fwmark": "0x3",
             "fwmask": "0xff", "table": "main"}  # fmt: skip
    assert from_json(shown) == (7, line.selector)
    assert read_words(["from", "$NET", "table", "5"], 4) is None
    assert rule_lines("ip rule show") == []


@pytest.mark.kernel
def test_rules_broken_by_hand_are_differences(tmp_path: Path) -> None:
    p = "hcv0b1"
    out, said = _up_break_verify(
        PBR, p,
        f"ip -n {p}pbr-r rule del pref 500\n"
        f"ip -n {p}pbr-r rule del from 10.0.1.0/24\n"
        f"ip -n {p}pbr-r rule add pref 32765 from 10.0.1.0/24 table 300\n",
        tmp_path,
    )  # fmt: skip
    assert "clean=0" in out and "broken=1" in out, out + said
    assert "(3 namespaces, 7 links, 4 rules)\n" in said, said
    for line in (
        f"rule pref 500 fwmark 0x2 lookup 200@{p}pbr-r.exists: expected yes, found none",
        f"rule pref 32765 from 10.0.1.0/24 lookup 100@{p}pbr-r.exists: expected yes, found"
        " pref 32765 from 10.0.1.0/24 lookup 300",
    ):
        assert line in said, said


def test_a_table_named_in_rt_tables_is_the_same_table(tmp_path: Path) -> None:
    names = tmp_path / "rt_tables"
    names.write_text("255\tlocal\n200 isp2 # the second uplink\n")
    numbers = rules.table_numbers([str(names), str(tmp_path / "none")])
    assert numbers["isp2"] == "200" and numbers["main"] == "254"
    expected = _state(
        "  - action: raw\n    command: ip -n h rule add pref 9 table isp2\n", tmp_path
    )
    observed = expected.copy()
    found = {"h": {4: [(9, (("table", "200"),))]}}
    assert rules.differences(expected, observed, found, numbers) == []
    (missing,) = rules.differences(expected, observed, {"h": {4: []}}, numbers)
    assert str(missing) == "rule pref 9 lookup isp2@h.exists: expected yes, found none"


@pytest.mark.kernel
def test_a_real_page_runs_clean(tmp_path: Path) -> None:
    page = FIXTURES / "famous" / "hunt-ak-03-lartc-policy-routing-netns.md"
    out, said = _up_break_verify(page, "hcv0b2", "true", tmp_path)
    assert "clean=0" in out and "broken=0" in out, out + said
    assert ", 2 rules;" in said, said
