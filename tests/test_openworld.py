"""The open-world model: renames, nameless links, raw steps' declared effects, brctl,
and what the model cannot know (unknown names warn, verify skips them)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iplab import ipgrammar, scenario
from iplab.claims import Owned
from iplab.cli import main
from iplab.inverse import inverse
from iplab.model import Judge, ModelError, apply
from iplab.names import ROOT
from iplab.plan import build, owned_by
from iplab.prefix import with_prefix
from iplab.state import State
from iplab.steps import Effect, LinkAdd, NetnsAdd, Op, Raw
from iplab.verify import diff, unknowable


def canonical(state: State) -> dict[str, object]:
    """The state as JSON, in name order (the kernel keeps no order of links either)."""
    return {
        item["name"] or "": sorted(item["links"], key=lambda link: link["name"])
        for item in state.to_json()["namespaces"]
    }


def line(text: str) -> Op:
    op = ipgrammar.read(text)
    assert op is not None, text
    return op


def run(*texts: str, state: State | None = None) -> State:
    state = state or State()
    for text in texts:
        apply(state, line(text) if not text.startswith("!") else Raw(command=text[1:]))
    return state


def undo_all(state: State, ops: list[Op]) -> State:
    """Apply ``ops`` to ``state``, then their inverses newest first; the state after."""
    undos = []
    for op in ops:
        undos.append(inverse(state, op))
        apply(state, op)
    for group in reversed(undos):
        for undo in group:
            apply(state, undo.op)
    return state


def test_a_rename_follows_the_peer_the_ports_and_the_routes() -> None:
    state = run(
        "ip netns add n1", "ip -n n1 link add br0 type bridge",
        "ip -n n1 link add v1 type veth peer name v2", "ip -n n1 link set v1 master br0",
        "ip -n n1 link set v1 up", "ip -n n1 addr add 10.0.0.1/24 dev v1",
        "ip -n n1 route add 10.1.0.0/24 dev v1",
        "ip -n n1 link set v1 name eth0", "ip -n n1 link set br0 name sw0",
    )  # fmt: skip
    space = state.namespaces["n1"]
    assert set(space.links) == {"lo", "sw0", "eth0", "v2"}
    assert (space.links["eth0"].master, space.links["v2"].peer) == ("sw0", "eth0")
    assert [r.dev for r in space.routes] == ["eth0"]
    with pytest.raises(ModelError, match="link v1 does not exist in namespace n1"):
        apply(state, line("ip -n n1 link set v1 up"))


def test_a_rename_and_a_move_in_one_line_are_undone() -> None:
    state = run("ip netns add n1", "ip link add v0 type veth peer name p0", "ip link set v0 up")
    before = state.to_json()
    op = line("ip link set dev v0 name a0 netns n1")
    after = undo_all(state, [op])
    assert after.to_json() == before
    moved = run("ip link set dev v0 name a0 netns n1", state=state)
    assert "a0" in moved.namespaces["n1"].links and "v0" not in moved.namespaces[ROOT].links
    assert moved.namespaces[ROOT].links["p0"].peer == "a0"


def test_nameless_veths_take_the_next_free_names() -> None:
    state = run("ip netns add n1", "ip -n n1 link add type veth")
    assert set(state.namespaces["n1"].links) == {"lo", "veth0", "veth1"}
    assert state.namespaces["n1"].links["veth1"].peer == "veth0"  # the peer is made first
    run("ip -n n1 link add type veth peer name foo", state=state)
    assert state.namespaces["n1"].links["foo"].peer == "veth2"
    [undo] = inverse(state, line("ip -n n1 link add x1 type veth"))
    assert undo.op.dev == "x1"  # type: ignore[attr-defined]
    ops = [line("ip -n n1 link add type veth")]
    assert undo_all(state, ops).to_json() == run(
        "ip netns add n1", "ip -n n1 link add type veth",
        "ip -n n1 link add type veth peer name foo",
    ).to_json()  # fmt: skip


def test_brctl_steps_change_the_model_and_are_undone() -> None:
    state = run("ip link add v1 type veth peer name v2")
    before = state.to_json()
    # (STP on first: both ends of one veth on one bridge are a loop, refused with STP off)
    ops = [line(t) for t in ("brctl addbr b0", "brctl stp b0 on", "brctl addif b0 v1 v2")]
    assert undo_all(state, ops).to_json() == before
    made = ("brctl addbr b0", "brctl stp b0 on", "brctl addif b0 v1 v2", "brctl delif b0 v2")
    state = run(*made, state=state)
    assert (state.link(ROOT, "v1").master, state.link(ROOT, "v2").master) == ("b0", None)  # type: ignore[union-attr]
    with pytest.raises(ModelError, match="v2 is not a port of b0"):
        apply(state, line("brctl delif b0 v2"))


def test_raw_steps_declare_what_they_make_rename_and_delete() -> None:
    make = Raw(
        command="./make.sh",
        creates=(
            Effect(what="netns", name="n1"),
            Effect(what="link", name="b0", kind="bridge"),
            Effect(what="link", name="a", ns="n1", kind="veth", peer="b", peer_ns=None),
        ),
        renames=(Effect(what="link", name="b0", to="sw0"),),
        declared=True,
    )
    state = State()
    before = state.to_json()
    undos = inverse(state, make)
    apply(state, make)
    assert state.namespaces["n1"].links["a"].peer_ns == "n1"
    assert set(state.namespaces[ROOT].links) == {"sw0"}
    apply(state, line("ip link set sw0 up"))  # known: no warning, no error
    for undo in undos:
        apply(state, undo.op)
    assert state.to_json() == before


def test_unknown_effects_make_missing_names_unknown_not_absent() -> None:
    judge = Judge()
    state = State()
    apply(state, Raw(command="./make-bridges.sh"), judge=judge)
    assert state.opaque == 1
    apply(state, line("ip link set b0 up"), judge=judge)
    [warning] = judge.warnings
    assert not warning.certain and "link b0 does not exist" in warning.message
    assert "creates:" in (warning.hint or "")
    assert unknowable(state) == ["b0@root"]
    # a name made after the unknown step is known again: making it twice is refused
    apply(state, line("ip link add d0 type dummy"), judge=judge)
    with pytest.raises(ModelError, match="already exists"):
        apply(state, line("ip link add d0 type dummy"), judge=judge)


def test_verify_skips_what_the_model_cannot_know() -> None:
    expected = State()
    apply(expected, Raw(command="./make.sh"))
    apply(expected, line("ip link set b0 up"))
    apply(expected, line("ip link add d0 type dummy"))
    observed = State()
    apply(observed, line("ip link add d0 type dummy"))
    owned = Owned(frozenset(), frozenset({"d0"}))
    assert diff(expected, observed, owned) == []
    apply(observed, line("ip link set d0 up"))
    assert [str(d) for d in diff(expected, observed, owned)] == [
        "d0@root.up: expected down, found up"
    ]


def test_known_programs_leave_the_model_certain() -> None:
    state = State()
    for command in (
        "sysctl -w net.ipv4.ip_forward=1",
        "iptables -A FORWARD -j ACCEPT",
        "tc qdisc show",
    ):
        apply(state, Raw(command=command))
    assert state.opaque == 0


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_undoing_what_was_done_gives_the_state_back(data: st.DataObject) -> None:
    """Random labs of typed lines: applying them, then their inverses newest first, leaves
    the state it started from."""
    state = run("ip netns add n1", "ip link add base type veth peer name basep")
    start = canonical(state)
    ops: list[Op] = []
    undos = []
    for i in range(data.draw(st.integers(1, 8))):
        links = sorted(n for n, link in state.namespaces[ROOT].links.items())
        bridges = [n for n in links if state.namespaces[ROOT].links[n].kind == "bridge"]
        ports = [n for n in links if state.namespaces[ROOT].links[n].kind == "veth"]
        choices = ["ip link add type veth", f"brctl addbr b{i}", f"ip l a d{i} type dummy"]
        if ports:
            p = data.draw(st.sampled_from(ports))
            choices += [f"ip link set {p} name r{i}", f"ip link set up dev {p}"]
            choices += [f"ip link set dev {p} name m{i} netns n1"]
            if bridges:
                choices.append(f"brctl addif {data.draw(st.sampled_from(bridges))} {p}")
        op = line(data.draw(st.sampled_from(choices)))
        inverses = inverse(state, op)
        try:
            apply(state, op)
        except ModelError:  # a lab the model refuses before anything runs (both ends of
            continue  # one veth on one bridge: a loop, hunt CP), so none to undo; unchanged
        undos.append(inverses)
        ops.append(op)
    for group in reversed(undos):
        for undo in group:
            apply(state, undo.op)
    assert canonical(state) == start, ops


# -- scenarios -----------------------------------------------------------------------------------

OPEN = """\
name: open
setup:
  - action: raw
    command: ./make-bridges.sh
  - line: ip link set b0 up
  - line: brctl addbr b1
  - line: ip l a v1 type veth peer name v2
  - line: brctl addif b1 v1
  - line: ip link set v2 name eth0
  - line: ip link set  eth0  up
  - action: raw
    command: mkbr b9
    creates:
      - {link: b9, kind: bridge}
  - line: ip link set b9 up
"""


def test_render_prints_every_line_and_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "open.yaml"
    path.write_text(
        OPEN.replace("./make-bridges.sh", "./make-bridges.sh\n  - line: ip link del b7")
    )
    rc = main(["render", str(path)])
    out, err = capsys.readouterr()
    assert rc == 0
    assert out.splitlines() == [
        "./make-bridges.sh", "ip link del b7", "ip link set b0 up", "brctl addbr b1",
        "ip l a v1 type veth peer name v2", "brctl addif b1 v1", "ip link set v2 name eth0",
        "ip link set  eth0  up", "mkbr b9", "ip link set b9 up",
    ]  # fmt: skip
    assert err.splitlines()[0].startswith(f"iplab: warning: {path}:5: setup[1]: link b7 does not")
    assert len(err.splitlines()) == 2  # b7 and b0, nothing about b9 (declared)


def test_check_refuses_only_what_is_certain(tmp_path: Path) -> None:
    path = tmp_path / "open.yaml"
    path.write_text(OPEN)
    err = io.StringIO()
    assert main(["check", str(path), "-q"], stderr=err) == 0
    path.write_text(OPEN.replace("  - line: brctl addbr b1\n", "  - line: brctl addbr b1\n" * 2))
    assert main(["check", str(path), "-q"], stderr=err) == 2
    assert "link b1 already exists in the root namespace" in err.getvalue()


def test_prefix_renames_lines_and_declared_effects() -> None:
    sc = with_prefix(scenario.load_text(OPEN, "open.yaml"), "t1")
    texts = [step.op.text or getattr(step.op, "command", "") for step in sc.steps]
    assert texts[1:7] == [
        "ip link set b0 up", "brctl addbr t1b1", "ip l a t1v1 type veth peer name t1v2",
        "brctl addif t1b1 t1v1", "ip link set t1v2 name t1eth0", "ip link set  t1eth0  up",
    ]  # fmt: skip
    assert sc.steps[7].op.creates == (Effect(what="link", name="t1b9", kind="bridge"),)  # type: ignore[attr-defined]
    owned = owned_by(sc)
    assert {"t1b1", "t1v1", "t1eth0", "t1b9"} <= owned.links
    plan = build(scenario.load_text(OPEN, "open.yaml"), "t1")
    assert [str(w).split(": ", 2)[-1] for w in plan.warnings] == [
        "link b0 does not exist in the root namespace at this step (a raw step before it may "
        "have done this: say so with 'creates:', 'deletes:' or 'renames:' on that step)"
    ]


def test_a_name_the_host_has_may_be_made_inside_a_lab_namespace() -> None:
    text = (
        "name: twins\nsetup:\n  - {action: netns add, name: hostA}\n"
        "  - {action: netns add, name: hostB}\n"
        "  - line: ip link add eth0 netns hostA type veth peer eth0 netns hostB\n"
    )
    owned = owned_by(scenario.load_text(text, "twins.yaml"))
    assert owned.links == {"eth0"} and owned.in_root() == frozenset()


def test_owned_names_include_nameless_links() -> None:
    ops = [NetnsAdd(name="n1"), LinkAdd(ns="n1", name=None, type="veth")]
    from iplab.state import created_objects

    assert created_objects(ops) == ({"n1"}, {("n1", "veth0"), ("n1", "veth1")})
    assert created_objects(ops, auto=False) == ({"n1"}, set())


def test_brctl_delbr_of_an_up_bridge_and_vlans_on_a_non_port_are_refused() -> None:
    # what this kernel and bridge-utils say: "bridge b0 is still up; can't delete it",
    # and `bridge vlan add dev d0` of a link that is no port: "Cannot find bridge device"
    state = run("brctl addbr b0", "ip link set b0 up", "ip link add d0 type dummy")
    with pytest.raises(ModelError, match="bridge b0 is still up"):
        apply(state, line("brctl delbr b0"))
    apply(state, line("ip link del b0"))  # ip deletes an up bridge
    with pytest.raises(ModelError, match="d0 is not a bridge port"):
        apply(state, line("bridge vlan add dev d0 vid 10"))


def test_journal_entries_and_undo_records_keep_lines_and_effects() -> None:
    from iplab.inverse import Guard
    from iplab.journal import UndoRecord
    from iplab.steps import op_from_json, op_to_json

    for op in (
        line("sudo -E ip link set dev v0 name a0 netns n1"),
        line("ip r a 10.1.0.0/24 via 10.0.0.1 metric 5 onlink"),
        line("brctl addif b0 v1 v2"),
        Raw(command="mk", creates=(Effect(what="link", name="b0", kind="bridge"),), declared=True),
    ):
        assert op_from_json(op_to_json(op)) == op
    record = UndoRecord(line("ip link set v1 name eth0"), Guard("link", "", "eth0"))
    assert UndoRecord.from_json(record.to_json()) == record


def test_fast_undo_renames_links_back_before_deleting_them() -> None:
    from iplab.journal import Entry, LabInfo, UndoRecord
    from iplab.undo import destroy_plan, expected_now

    ops = [line("ip link add v1 type veth peer name v2"), line("ip link set v2 name eth0")]
    state, entries = State(), []
    for seq, op in enumerate(ops, start=1):
        undos = tuple(UndoRecord(u.op, u.guard) for u in inverse(state, op))
        apply(state, op)
        entries.append(Entry(seq, "r", seq, "setup", op.text or "", (), undos, op, "done", 0))
    observed = expected_now(entries)
    assert observed is not None and set(observed.namespaces[ROOT].links) == {"v1", "eth0"}
    info = LabInfo("l", "r", "s", "h", "", 0.0, [], ["v1", "v2", "eth0"])
    texts = [renderer_text(u.op) for _, u in destroy_plan(entries, info, observed)]
    assert texts == ["ip link set eth0 name v2", "ip link del v1"]
    raw_entry = Entry(3, "r", 3, "setup", "x", (), (), Raw(command="./x.sh"), "done", 0)
    assert expected_now([*entries, raw_entry]) is None  # unknown effects: read, not trusted


def renderer_text(op: Op) -> str:
    from iplab.render import renderer

    return renderer().text(op)


def test_what_a_raw_step_of_unknown_effect_made_is_the_labs_to_destroy() -> None:
    text = (
        "name: x\nsetup:\n  - action: raw\n    command: sh -c 'ip netns add red'\n"
        "  - line: ip -n red link add d0 type dummy\n  - line: ip link set br7 up\n"
    )
    plan = build(scenario.load_text(text, "x.yaml"))
    assert {"red"} <= plan.owned.netns and plan.owned.adopted == {"red", "br7"}
    assert "br7" in plan.owned.in_root()
    undos = [u.undo.op for pc in plan.setup for u in pc.undo]
    assert [type(u).__name__ for u in undos] == ["LinkDel", "NetnsDel", "LinkDel"]
    assert [w.certain for w in plan.warnings] == [False, False]
