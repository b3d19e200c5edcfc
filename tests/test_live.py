"""A live lab without the kernel: names, what the journal says is applied, the matrix,
the scenario forms, and the command line's refusals."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import pytest

from iplab import live, livesteps, matrix, scenario, tc
from iplab.cli import main
from iplab.errors import ScenarioError, UsageError
from iplab.journal import Entry, LabInfo
from iplab.names import ROOT
from iplab.plan import build, expected_state
from iplab.state import Link, Namespace, State
from iplab.steps import LinkSet, NetnsExec, Probe, Raw
from tests.conftest import SCENARIOS

TRY_IT = SCENARIOS / "container-networking-part2-try-it.yaml"
P = "t1"


def texts(found: Iterable[object]) -> list[str]:
    return [str(d) for d in found]


def try_it() -> tuple[LabInfo, State]:
    plan = build(scenario.load(str(TRY_IT)), P)
    info = LabInfo(
        lab=f"{P}try", run="r1", scenario=str(TRY_IT), sha256=plan.scenario.sha256, prefix=P,
        started=0.0, owned_netns=sorted(plan.owned.netns), owned_links=sorted(plan.owned.links),
    )  # fmt: skip
    return info, expected_state(plan)


def test_links_by_name_by_ns_and_without_the_prefix() -> None:
    info, state = try_it()
    assert live.resolve_link(info, state, "vethX") == live.Target("t1ns1", "t1vethX")
    assert live.resolve_link(info, state, "t1ns1:t1vethX") == live.Target("t1ns1", "t1vethX")
    assert live.resolve_link(info, state, "ns2:vethP") == live.Target("t1ns2", "t1vethP")
    assert live.resolve_link(info, state, "root:vethY") == live.Target(ROOT, "t1vethY")
    assert live.resolve_link(info, state, "br0") == live.Target(ROOT, "t1br0")
    assert live.resolve_link(info, state, "ns1:lo") == live.Target("t1ns1", "lo")
    assert str(live.Target(ROOT, "t1br0")) == "root:t1br0"
    with pytest.raises(UsageError, match="lo is not a link of lab t1try"):
        live.resolve_link(info, state, "lo")  # every namespace has one: say which
    with pytest.raises(UsageError) as exc:
        live.resolve_link(info, state, "eth0")
    assert str(exc.value) == (
        "eth0 is not a link of lab t1try (its links: t1ns1:t1vethX, t1ns2:t1vethP, "
        "root:t1br0, root:t1vethQ, root:t1vethY)"
    )


def test_namespaces_of_the_lab_only() -> None:
    info, _ = try_it()
    assert live.resolve_netns(info, "ns1") == "t1ns1"
    assert live.resolve_netns(info, "t1ns2") == "t1ns2"
    with pytest.raises(UsageError, match="ns3 is not a namespace of lab t1try"):
        live.resolve_netns(info, "ns3")


def entry(seq: int, op: object, status: str = "done", phase: str = "live") -> Entry:
    e = Entry(seq, "r", 0, phase, "text", (), (), op)  # type: ignore[arg-type]
    e.status = status  # type: ignore[assignment]
    return e


def test_the_journal_says_what_is_applied() -> None:
    rate = livesteps.impair_op("ns1", "vethX", tc.impairment({"rate": "10mbit"}))
    delay = livesteps.impair_op(None, "vethY", tc.impairment({"delay": "5ms", "loss": "1%"}))
    clear = livesteps.impair_op(None, "vethY", None)
    down = LinkSet(dev="vethQ", attrs=(("state", "down"),))
    up = LinkSet(dev="vethQ", attrs=(("state", "up"),))
    setup_down = LinkSet(dev="vethZ", attrs=(("state", "down"),))
    assert isinstance(rate, NetnsExec) and isinstance(delay, Raw)
    entries = [entry(1, rate), entry(2, delay), entry(3, down), entry(4, setup_down, phase="setup")]
    now = live.applied(entries)
    assert now.summary() == "ns1:vethX rate 10mbit; root:vethY delay 5ms loss 1%; root:vethQ down"
    later = live.applied([*entries, entry(5, clear), entry(6, up), entry(7, rate, "failed")])
    assert later.summary() == "ns1:vethX rate 10mbit"
    assert live.applied([entry(1, rate, "undone")]).summary() == ""


def test_check_compares_the_journal_with_the_kernel() -> None:
    want = live.Applied({live.Target("ns1", "v"): tc.impairment({"rate": "16kbit"})}, [])
    options = {"rate": 2000, "burst": 1600, "lat": 50000}
    (tbf,) = tc.parse_qdiscs([{"kind": "tbf", "handle": "8001:", "root": True,
                               "options": options}], "v")  # fmt: skip
    assert texts(live.check(want, {live.Target("ns1", "v"): tbf})) == []
    assert texts(live.check(want, {})) == ["ns1:v.qdisc: expected tbf rate 16kbit, found none"]
    assert texts(live.check(live.Applied({}, []), {live.Target("ns1", "v"): tbf})) == [
        "ns1:v.qdisc: expected none, found tbf rate 16kbit"
    ]
    _info, state = try_it()  # the model's state: every link up after the setup
    down = live.Applied({}, [live.Target("t1ns1", "t1vethX"), live.Target(ROOT, "gone")])
    assert texts(live.check(down, {}, state)) == [
        "t1ns1:t1vethX.state: expected down (iplab link ... down), found up"
    ]


def test_pairs_come_from_the_scenario_probes() -> None:
    info, state = try_it()
    mine = matrix.endpoints(info, state)
    assert mine == {"10.0.0.1": "t1ns1", "10.0.0.2": "t1ns2"}
    probes = matrix.scenario_probes(info)
    assert probes is not None and len(probes) == 3
    pairs = matrix.plan_pairs(mine, ["t1ns1", "t1ns2"], probes, everything=False)
    # the last word on ns1 -> 10.0.0.2 is the one after the bridge
    assert [(p.src, p.dst, p.expected, p.source) for p in pairs] == [
        ("t1ns1", "10.0.0.2", True, "scenario"), ("t1ns2", "10.0.0.1", True, "scenario"),
    ]  # fmt: skip
    only_first = matrix.plan_pairs(mine, ["t1ns1", "t1ns2"], probes[:1], everything=True)
    assert [(p.src, p.dst, p.expected, p.source) for p in only_first] == [
        ("t1ns1", "10.0.0.2", False, "scenario"), ("t1ns2", "10.0.0.1", True, "default"),
    ]  # fmt: skip
    assert len(matrix.plan_pairs(mine, ["t1ns1", "t1ns2"], None, everything=False)) == 2
    outside = Probe(ns="t1ns1", target="8.8.8.8")
    with pytest.raises(UsageError, match=r"probes 8\.8\.8\.8 from t1ns1, which the live lab"):
        matrix.plan_pairs(mine, ["t1ns1", "t1ns2"], [outside], everything=False)


def test_matrix_table_and_junit() -> None:
    a = matrix.Pair("ns1", "10.0.0.2", "ns2", True, "scenario")
    b = matrix.Pair("ns2", "10.0.0.1", "ns1", False, "scenario")
    outcomes = [
        matrix.Outcome(a, True, "ip netns exec ns1 ping -c 1 -W 1 10.0.0.2", ""),
        matrix.Outcome(b, True, "ip netns exec ns2 ping -c 1 -W 1 10.0.0.1", ""),
    ]
    assert matrix.table(outcomes) == (
        "from \\ to  10.0.0.1  10.0.0.2\n"
        "           ns1       ns2\n"
        "ns1        -         yes\n"
        "ns2        yes!      -\n"
    )
    suite = ET.fromstring(matrix.junit("lab", outcomes).split("\n", 1)[1])
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "ns1 reaches 10.0.0.2 (ns2)", "ns2 cannot reach 10.0.0.1 (ns1)"
    ]  # fmt: skip
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "it answered: ip netns exec ns2 ping -c 1 -W 1 10.0.0.1"


SCENARIO = """\
name: lab
setup:
  - action: netns add
    name: ns1
  - action: link add
    name: v1
    type: veth
    peer: p1
{extra}
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("  - action: impair\n    dev: p1\n    delay: 50\n",
         "lab.yaml:11: setup[2].delay: '50' is not a time: write it with a unit"),
        ("  - action: impair\n    dev: p1\n",
         "lab.yaml:9: setup[2]: no impairment given"),
        ("  - action: impair\n    dev: p1\n    clear: true\n    loss: 1%\n",
         "lab.yaml:12: setup[2].loss: 'clear: true' takes no impairment"),
        ("  - flap: {link: p1, down: 2}\n",
         "lab.yaml:9: setup[2].flap.down: '2' is not a time"),
        ("  - flap: {link: p1, down: 2s, up: 1s}\n",
         "lab.yaml:9: setup[2].flap.up: unknown field 'up'"),
        ("  - flap: p1\n", "lab.yaml:9: setup[2].flap: flap must be a mapping"),
    ],
)  # fmt: skip
def test_scenario_forms_refuse_with_file_line_and_field(
    write_scenario: object, extra: str, message: str
) -> None:
    path = write_scenario(SCENARIO.format(extra=extra))  # type: ignore[operator]
    with pytest.raises(ScenarioError) as exc:
        scenario.load(str(path))
    assert f"/{message}" in str(exc.value), str(exc.value)


def test_topology_impair_refuses_unknown_values(write_scenario: object) -> None:
    text = (
        "name: t\ntopology:\n  namespaces: [a]\n  veths:\n"
        "    - {name: v, netns: a, peer: p, impair: {latency: 5ms}}\n"
    )
    path = write_scenario(text)  # type: ignore[operator]
    with pytest.raises(ScenarioError, match=r"lab\.yaml:5: .*impair\.latency: unknown impairment"):
        scenario.load(str(path))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["impair", "nolab", "x", "--clear", "--delay", "5ms"], "--clear takes no other"),
        (["impair", "nolab", "x", "--jitter", "5ms"], "a jitter needs a delay"),
        (["impair", "nolab", "x", "--delay", "5ms"], "no lab named nolab is up"),
        (["link", "nolab", "x", "down"], "no lab named nolab is up"),
        (["exec", "nolab", "ns1", "--", "true"], "no lab named nolab is up"),
        (["exec", "nolab", "ns1"], "no command given"),
        (["shell", "nolab", "ns1"], "no lab named nolab is up"),
        (["capture", "nolab", "x", "-c", "0"], "-c/--count: give a number of packets from 1"),
        (["capture", "nolab", "x"], "no lab named nolab is up"),
        (["test", "nolab"], "no lab named nolab is up"),
        (["test", "nolab", "--wait", "0"], "--wait: give a number of seconds from 1"),
    ],
)
def test_cli_refusals_are_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main([argv[0], "--state-dir", str(tmp_path), *argv[1:]])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert message in err and len(err.strip().splitlines()) == 1, err


LIVE_FORMS = """\
name: impaired
topology:
  bridges: [br0]
  namespaces: [a, b]
  veths:
    - {name: va, netns: a, peer: pa, bridge: br0, impair: {rate: 1mbit}}
    - {name: vb, netns: b, peer: pb, bridge: br0, peer_impair: {delay: 20ms, loss: 1%}}
setup:
  - action: impair
    in: a
    dev: va
    rate: 2mbit
  - flap: {link: pa, down: 1s}
    title: The port goes away for a second
"""


def test_the_live_forms_load_render_and_validate(write_scenario: object) -> None:
    import json

    import jsonschema
    import yaml

    path = write_scenario(LIVE_FORMS)  # type: ignore[operator]
    plan = build(scenario.load(str(path)), "p")
    texts = [pc.command.text for pc in plan.setup]
    assert texts[-6:] == [
        "ip netns exec pa tc qdisc replace dev pva root tbf rate 1mbit burst 1600 latency 50ms",
        "tc qdisc replace dev ppb root netem delay 20ms loss 1%",
        "ip netns exec pa tc qdisc replace dev pva root tbf rate 2mbit burst 2500 latency 50ms",
        "ip link set ppa down",
        "sleep 1",
        "ip link set ppa up",
    ]
    undo = [u.undo.op for pc in plan.setup for u in pc.undo if isinstance(u.undo.op, NetnsExec)]
    assert {op.command for op in undo} == {"tc qdisc del dev pva root"}
    document = json.loads((SCENARIOS.parent / "docs" / "scenario.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(document)
    assert list(validator.iter_errors(yaml.safe_load(LIVE_FORMS))) == []
    wrong = yaml.safe_load(LIVE_FORMS.replace("down: 1s}", "down: 1s, up: 1s}"))
    assert list(validator.iter_errors(wrong))


def test_a_probe_may_target_the_labs_own_link_in_the_root_namespace() -> None:
    """A bridge's gateway address (the lab's bridge, in the root namespace) is a probe's
    target (iplab test refused it: 'which the live lab does not hold'); the host's own
    links are not, and every pair leaves the root out."""
    info = LabInfo(
        lab="t", run="r", scenario="t.yaml", sha256="", prefix="", started=0.0,
        owned_netns=["a"], owned_links=["br0", "v1"],
    )  # fmt: skip
    state = State()
    state.namespaces[ROOT].links["br0"] = Link("br0", "bridge", addresses=["10.9.0.1/24"])
    state.namespaces[ROOT].links["eth0"] = Link("eth0", "device", addresses=["192.0.2.5/24"])
    state.namespaces["a"] = Namespace("a", {"v1": Link("v1", "veth", addresses=["10.9.0.2/24"])})
    mine = matrix.endpoints(info, state)
    assert mine == {"10.9.0.2": "a", "10.9.0.1": ROOT}
    probe = Probe(ns="a", target="10.9.0.1")
    pairs = matrix.plan_pairs(mine, ["a"], [probe], everything=False)
    assert [(p.src, p.dst, p.dst_ns) for p in pairs] == [("a", "10.9.0.1", ROOT)]
    assert matrix.plan_pairs(mine, ["a"], None, everything=True) == []
