"""What verify's look for routes and rules added by hand (hunt DI) costs a large lab (#14):
verify of star-500 went 0.24 -> 0.53 s when it came, now 0.28 s (bench.ab, 8 rounds). The
expected rules are gathered once a verification, not once a namespace and family; the
namespaces' dumps begin before the lab's links are read and are ended with their names;
the rules every namespace holds alike are decoded once (no kernel)."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from iplab import extras, iproute, nlroutes, rulewords
from iplab.plan import build, expected_state
from iplab.runner import FakeExecutor, Runner
from iplab.scenario import load
from iplab.state import Link, Namespace, State
from tests.test_hunt_di_extras import NUMBERS, READ, _expected


def test_the_rules_the_lab_wrote_are_gathered_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _expected(tmp_path)
    calls: list[int] = []
    real = rulewords.written_rules

    def counted(state: State) -> Any:
        calls.append(1)
        return real(state)

    monkeypatch.setattr(extras, "written_rules", counted)
    _routes, found_rules = extras.parse(READ)
    assert len(extras.watched(expected)) == 2 and len(found_rules) == 2
    extras.extra_rules(expected, found_rules, NUMBERS)
    assert len(calls) == 1  # (it was once for each namespace and family: 4 here)


def test_the_dumps_begin_before_the_links_are_read_and_end_with_their_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[object] = []

    def begin(namespaces: list[str]) -> nlroutes.Ending:
        events.append(("begun", list(namespaces)))

        def end(names: Mapping[str, Mapping[int, str]]) -> tuple[Any, Any]:
            events.append(("ended", {ns: dict(n) for ns, n in names.items()}))
            found: nlroutes.Routes = {ns: [] for ns in namespaces}
            return found, {ns: {} for ns in namespaces}

        return end

    monkeypatch.setattr(nlroutes, "begin", begin)
    monkeypatch.setattr(iproute, "choose_reader", lambda shell, namespaces: "netlink")
    runner = Runner(FakeExecutor(), True)
    notes: list[Mapping[str, object]] = []
    runner.hook = lambda result, meta: notes.append(meta)
    ending = extras.begin_read(runner, {"a"}, ["a", "b", "gone"])
    assert events == [("begun", ["a", "b", "gone"])]  # (before anything is read)
    observed = State()
    for ns, index in (("a", 7), ("b", 9)):
        space = observed.namespaces[ns] = Namespace(ns)
        space.links[f"v{ns}"] = Link(f"v{ns}", "veth", ifindex=index)
    found, ruled = ending(observed)
    assert events[1] == ("ended", {"": {}, "a": {7: "va"}, "b": {9: "vb"}})
    assert set(found) == set(ruled) == {"a", "b"}  # (a namespace gone meanwhile: not read)
    # audited, as every read is
    assert [n["text"] for n in notes] == ["read the routes and rules of 3 namespaces with netlink"]


def test_a_rule_every_namespace_holds_alike_is_decoded_once() -> None:
    body = nlroutes._RTMSG.pack(socket.AF_INET, 0, 0, 0, 254, 0, 0, 1, 0)
    body += b"\x08\x00\x06\x00" + (32766).to_bytes(4, "little")  # FRA_PRIORITY
    first = (len(body) + 16).to_bytes(4, "little") + b"\x20\x00\x02\x00" + b"\x01" * 8 + body
    second = first[:8] + b"\x02" * 8 + body  # (another sequence number, the same rule)
    nlroutes._rule_of.cache_clear()
    assert nlroutes.rule_of(first, socket.AF_INET) == nlroutes.rule_of(second, socket.AF_INET)
    assert nlroutes.rule_of(first, socket.AF_INET) == (32766, (("table", "main"),), "")
    assert nlroutes._rule_of.cache_info().misses == 1


def test_a_star_of_namespaces_verifies_with_the_routes_read(tmp_path: Path) -> None:
    """(the model's side: every namespace of star-500 is watched, none expects a rule)"""
    plan = build(load("star-500", {"n": 20}), prefix="ipxc")
    expected = expected_state(plan)
    assert len(extras.watched(expected)) == 20
