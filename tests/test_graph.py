"""Pictures of a lab: golden DOT and Mermaid for the blog's stages, images drawn by dot,
the CLI's errors, and a live lab drawn from the kernel."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from iplab import cli, graph, scenario
from iplab.audit import AuditLog
from iplab.cli import graph as graph_command
from iplab.errors import IplabError, UsageError
from iplab.names import ROOT
from iplab.plan import Plan, build, expected_state
from iplab.state import Link, Namespace, State
from iplab.verify import DifferenceKind as Kind
from iplab.verify import diff
from tests.conftest import BLOG_SCENARIO, GOLDEN, REPO
from tests.goldens import assert_golden
from tests.kernel import iplab

GRAPH_GOLDEN = GOLDEN / "graph"
BLOG = "container-networking-part2"
#: the blog's figures come after these steps (cnd-1 ... cnd-5), then the last teardown step
BLOG_STAGES = [1, 6, 7, 14, 18, None, 23]
NEEDS_DOT = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")

#: `iplab`, run by the tests in a process of its
#: own (python -c), so that only that process starts dot
DRIVER = """
import argparse, sys
from iplab import cli

sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.fixture(autouse=True)
def audit_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where ``iplab graph`` (in this process or one of its own) keeps its audit log: never
    the host's."""
    path = tmp_path / "state"
    monkeypatch.setenv("IPLAB_STATE_DIR", str(path))
    return path


def audited(state: Path) -> list[dict[str, object]]:
    return AuditLog(state).read()


def blog_plan(prefix: str = "") -> Plan:
    return build(scenario.load(str(BLOG_SCENARIO)), prefix)


def golden_name(step: int | None, fmt: str) -> Path:
    stage = "setup" if step is None else f"step-{step:02d}"
    return GRAPH_GOLDEN / f"{BLOG}.{stage}.{fmt}"


def graph_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``iplab graph ...`` in a process of its own."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", DRIVER, "graph", *args],
        capture_output=True, text=True, cwd=REPO, env=full_env, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """cli.main runs in this process (``graph`` is one of its commands)."""
    del monkeypatch


def run_main(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out):
        rc = cli.main(["graph", *args], stderr=err)
    return rc, out.getvalue(), err.getvalue()


# -- golden text: the blog's stages -------------------------------------------------------------


@pytest.mark.parametrize("step", BLOG_STAGES)
def test_blog_stage_dot_matches_golden(step: int | None) -> None:
    fig = graph.expected_figure(blog_plan(), step)
    assert_golden(graph.to_dot(fig), golden_name(step, "dot"))


@pytest.mark.parametrize("step", BLOG_STAGES)
def test_blog_stage_mermaid_matches_golden(step: int | None) -> None:
    fig = graph.expected_figure(blog_plan(), step)
    assert_golden(graph.to_mermaid(fig), golden_name(step, "mmd"))


def test_star_with_addresses_matches_golden() -> None:
    plan = build(scenario.load("star", {"n": 3}))
    assert_golden(graph.to_dot(graph.expected_figure(plan)), GRAPH_GOLDEN / "star.setup.dot")


def test_storyboard_index_matches_golden() -> None:
    plan = blog_plan()
    frames = graph.storyboard(plan)
    assert_golden(
        graph.storyboard_markdown(plan, frames, "svg", 2), GRAPH_GOLDEN / f"{BLOG}.index.md"
    )


# -- what the pictures say (independent of the golden text) ---------------------------------------


def _nodes(pic: graph.Picture) -> dict[str, tuple[str, graph.Node]]:
    """name -> (namespace, node)"""
    return {node.name: (box.ns, node) for box in pic.boxes for node in box.nodes}


def _edges(pic: graph.Picture) -> set[tuple[str, str, str, bool]]:
    name = {node.id: node.name for box in pic.boxes for node in box.nodes}
    return {(name[e.tail], name[e.head], e.kind, e.up) for e in pic.edges}


def test_after_step_1_the_root_box_is_empty_and_ns1_holds_lo() -> None:
    pic = graph.picture(expected_state(blog_plan(), 1))
    assert [box.label for box in pic.boxes] == ["root namespace", "ns1"]
    assert [n.kind for n in pic.boxes[0].nodes] == ["empty"]
    assert [(n.name, n.up) for n in pic.boxes[1].nodes] == [("lo", False)]
    assert pic.edges == ()


def test_after_step_6_the_pair_is_up_in_the_root_namespace() -> None:
    pic = graph.picture(expected_state(blog_plan(), 6))
    nodes = _nodes(pic)
    assert nodes["vethX"][0] == ROOT and nodes["vethY"][0] == ROOT
    assert _edges(pic) == {("vethX", "vethY", "pair", True)}


def test_after_step_7_vethx_is_in_ns1_down_and_still_paired() -> None:
    pic = graph.picture(expected_state(blog_plan(), 7))
    nodes = _nodes(pic)
    assert nodes["vethX"][0] == "ns1" and not nodes["vethX"][1].up
    assert "lo" not in nodes  # ns1 is no longer only lo: the blog leaves lo out from here on
    # the namespace's end first: namespaces are laid out left of the root namespace
    assert _edges(pic) == {("vethX", "vethY", "pair", False)}


def test_after_step_18_the_bridge_joins_both_pairs() -> None:
    pic = graph.picture(expected_state(blog_plan(), 18))
    assert [box.label for box in pic.boxes] == ["root namespace", "ns1", "ns2"]
    assert _edges(pic) == {
        ("vethX", "vethY", "pair", False),
        ("vethP", "vethQ", "pair", False),
        ("vethY", "br0", "port", True),
        ("vethQ", "br0", "port", True),
    }
    assert _nodes(pic)["br0"][1].kind == "bridge"


def test_after_the_teardown_nothing_is_left() -> None:
    pic = graph.picture(expected_state(blog_plan(), 23))
    assert [box.label for box in pic.boxes] == ["root namespace"]
    assert pic.edges == ()


def test_setup_is_step_18_with_another_title() -> None:
    plan = blog_plan()
    setup, step18 = graph.expected_figure(plan), graph.expected_figure(plan, 18)
    assert setup.pictures == step18.pictures
    assert setup.title == ("Container Networking: Part Two: after the setup (steps 1-18)",)
    assert step18.title == (
        "Container Networking: Part Two: after step 18",
        "sudo ip link set vethQ master br0",
    )


def test_the_prefix_names_every_node() -> None:
    dot = graph.to_dot(graph.expected_figure(blog_plan("ipt0a")))
    for name in ("ipt0avethX", "ipt0avethY", "ipt0abr0", "ipt0ans1", "ipt0ans2"):
        assert name in dot
    assert not re.search(r"[^a]vethX", dot)


def _two_orders() -> tuple[State, State]:
    links = [
        Link("br0", "bridge", up=True),
        Link("b", "veth", up=True, master="br0", peer="a", peer_ns="n2"),
        Link("d", "veth", peer="c", peer_ns="n1"),
    ]
    first = State()
    second = State(namespaces={})
    for link in links:
        first.namespaces[ROOT].links[link.name] = link
    second.namespaces["n2"] = Namespace("n2", {"a": Link("a", "veth", peer="b", peer_ns=ROOT)})
    second.namespaces["n1"] = Namespace("n1", {"c": Link("c", "veth", peer="d", peer_ns=ROOT)})
    second.namespaces[ROOT] = Namespace(ROOT, {link.name: link for link in reversed(links)})
    first.namespaces["n1"] = second.namespaces["n1"]
    first.namespaces["n2"] = second.namespaces["n2"]
    return first, second


def test_output_does_not_depend_on_insertion_order() -> None:
    first, second = _two_orders()
    assert graph.to_dot(graph.figure(first)) == graph.to_dot(graph.figure(second))
    assert graph.to_mermaid(graph.figure(first)) == graph.to_mermaid(graph.figure(second))


def test_details_addresses_mtu_and_ends_not_drawn() -> None:
    state = State()
    state.namespaces[ROOT].links["v0"] = Link(
        "v0", "veth", up=True, peer="v1", peer_ns="elsewhere", master="br9", mtu=9000,
        addresses=["10.0.0.1/24", "fe80::1/64"],
    )  # fmt: skip
    state.namespaces[ROOT].links["v2"] = Link("v2", "veth", mtu=1500, peer="v3", peer_ns=None)
    nodes = _nodes(graph.picture(state))
    # the link-local address is the kernel's own; 1500 is every veth's MTU
    assert nodes["v0"][1].details == ("10.0.0.1/24", "mtu 9000", "peer v1@elsewhere", "master br9")
    assert nodes["v2"][1].details == ("peer v3@?",)


def test_loopback_modes() -> None:
    state = State()
    state.namespaces["n1"] = Namespace(
        "n1", {"lo": Link("lo", "loopback"), "v": Link("v", "veth", up=True)}
    )
    state.namespaces["n2"] = Namespace("n2", {"lo": Link("lo", "loopback", up=True)})
    state.namespaces["n3"] = Namespace(
        "n3", {"lo": Link("lo", "loopback", addresses=["127.0.0.1/8", "10.1.1.1/32"]),
               "v": Link("v", "veth")},
    )  # fmt: skip

    def shown(mode: graph.LoopbackMode) -> list[str]:
        pic = graph.picture(state, graph.View(loopback=mode))
        return [box.ns for box in pic.boxes for n in box.nodes if n.name == "lo"]

    assert shown("auto") == ["n2", "n3"]  # n1's lo is down, bare, and not alone
    assert shown("show") == ["n1", "n2", "n3"]
    assert shown("hide") == []


def _host() -> State:
    state = State()
    state.namespaces[ROOT].links = {
        "lo": Link("lo", "loopback", up=True, addresses=["127.0.0.1/8", "::1/128"]),
        "eth0": Link("eth0", "ether", up=True, addresses=["192.0.2.2/24", "fe80::2/64"]),
        "eth1": Link("eth1", "ether", up=True, master="br0"),
        "br0": Link("br0", "bridge", up=True),
        "vY": Link("vY", "veth", up=True, peer="vX", peer_ns="n1"),
    }
    state.namespaces["n1"] = Namespace("n1", {"vX": Link("vX", "veth", peer="vY", peer_ns=ROOT)})
    return state


def test_host_links_collapse_into_one_node() -> None:
    pic = graph.picture(_host(), graph.View(host_links="collapse"))
    root = pic.boxes[0]
    assert [n.name for n in root.nodes] == ["br0", "eth1", "vY", "host links"]
    assert root.nodes[-1].details == ("lo: loopback, up", "eth0: ether, up, 192.0.2.2/24")
    hidden = graph.picture(_host(), graph.View(host_links="hide")).boxes[0]
    assert [n.name for n in hidden.nodes] == ["br0", "eth1", "vY"]
    assert len(graph.picture(_host()).boxes[0].nodes) == 5
    dot = graph.to_dot(graph.figure(_host(), view=graph.View(host_links="collapse")))
    # kept right of the namespaces by an invisible line
    assert '"ns_n1__vX" -- "r___host" [style="invis", weight="0"];' in dot


def test_root_links_filter_keeps_only_the_labs() -> None:
    pic = graph.picture(_host(), graph.View(root_links=frozenset({"vY"})))
    assert [n.name for n in pic.boxes[0].nodes] == ["vY"]
    assert _edges(pic) == {("vX", "vY", "pair", False)}


# -- safe ids and escaping ------------------------------------------------------------------------

ODD_NAMES = ["a-b", "a_b", "a.b", 'q"uote', "x y", "é", "<b>&", "end", "_2d", "a__b"]


def test_safe_id_is_injective_and_plain() -> None:
    ids = [graph.safe_id(n) for n in ODD_NAMES]
    assert len(set(ids)) == len(ids)
    for i in ids:
        assert re.fullmatch(r"[A-Za-z0-9_]+", i) and "__" not in i


def _odd_state() -> State:
    state = State()
    for i, name in enumerate(ODD_NAMES):
        peer = f"p{i}"
        state.namespaces[ROOT].links[name] = Link(name, "veth", up=True, peer=peer, peer_ns=name)
        state.namespaces[name] = Namespace(
            name, {peer: Link(peer, "veth", peer=name, peer_ns=ROOT, addresses=["10.0.0.1/8"])}
        )
    return state


def test_mermaid_ids_are_safe_and_every_edge_end_is_a_node() -> None:
    text = graph.to_mermaid(graph.figure(_odd_state(), ('a "title" <x>',)))
    declared = set(re.findall(r"^\s+(\w+)[\[(]", text, re.M))
    ends = re.findall(r"^  (\S+) (?:---|-\.-) (\S+)$", text, re.M)
    assert ends and all(a in declared and b in declared for a, b in ends)
    assert text.count("subgraph ") == text.count("\n    end\n") + text.count("\n  end\n")
    assert '"x y"' not in text and "#quot;uote" in text and "&lt;b&gt;&amp;" in text


def test_dot_quotes_every_id_and_escapes_labels() -> None:
    text = graph.to_dot(graph.figure(_odd_state()))
    assert "&lt;b&gt;&amp;" in text and '<b>q"uote</b>' in text
    for tail, head in re.findall(r'^  "([^"]+)" -- "([^"]+)"', text, re.M):
        assert f'"{tail}" [label=' in text and f'"{head}" [label=' in text


@NEEDS_DOT
def test_dot_accepts_odd_names() -> None:
    text = graph.to_dot(graph.figure(_odd_state(), ('a "title" <x>', "second line")))
    proc = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    svg = ET.fromstring(proc.stdout)
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {'q"uote', "x y", "é", "<b>&", 'a "title" <x>'} <= texts


# -- differences ----------------------------------------------------------------------------------


def _torn_live(plan: Plan) -> State:
    """The blog's lab after ``ip netns del ns1`` and ``ip link del vethQ``, as the kernel has
    it then: a veth pair dies with either end, so vethY (ns1's vethX's peer) and vethP go too;
    and a link vethZ someone added to ns2."""
    live = expected_state(plan)
    del live.namespaces["ns1"]
    for gone in ("vethY", "vethQ"):
        del live.namespaces[ROOT].links[gone]
    del live.namespaces["ns2"].links["vethP"]
    live.namespaces["ns2"].links["vethZ"] = Link("vethZ", "dummy")
    return live


def test_marks_follow_the_kind_of_each_difference() -> None:
    plan = blog_plan()
    expected, live = expected_state(plan), _torn_live(plan)
    differences = diff(expected, live, plan.owned)
    assert [(d.kind, d.namespace, d.obj) for d in differences] == [
        (Kind.MISSING_LINK, ROOT, "vethY"),
        (Kind.MISSING_LINK, ROOT, "vethQ"),
        (Kind.MISSING_NAMESPACE, "ns1", "ns1"),
        (Kind.MISSING_LINK, "ns2", "vethP"),
        (Kind.EXTRA_LINKS, "ns2", "ns2"),
    ]
    marks = graph.marks_of(differences, expected, live)
    assert marks == graph.Marks(
        frozenset({"ns1", "ns2"}),
        frozenset({(ROOT, "vethY"), (ROOT, "vethQ"), ("ns2", "vethP"), ("ns2", "vethZ")}),
    )


RED = "#d11a1a"


def dot_box_attrs(dot: str, box: str) -> dict[str, str]:
    """The attributes of a DOT cluster (``cluster_<box>``): its ``key="value";`` lines."""
    body = dot.split(f'subgraph "cluster_{box}" {{\n', 1)[1].split("}", 1)[0]
    return dict(re.findall(r'^\s*(\w+)="([^"]*)";$', body, re.M))


def dot_node_attrs(dot: str, node: str) -> dict[str, str]:
    """The attributes of a DOT node, after its label."""
    line = re.search(rf'^\s*"{re.escape(node)}" \[label=<.*>, (.*)\];$', dot, re.M)
    assert line is not None, f"no node {node} in the DOT text"
    return dict(re.findall(r'(\w+)="([^"]*)"', line.group(1)))


def test_a_missing_namespace_and_a_missing_link_are_red_in_dot() -> None:
    plan = blog_plan()
    dot = graph.to_dot(graph.diff_of(plan, _torn_live(plan), None))
    assert "ns1.exists: expected a namespace, found none" in dot
    assert dot_box_attrs(dot, "e_ns_ns1")["color"] == RED
    assert dot_box_attrs(dot, "e_ns_ns2")["color"] == RED  # it holds vethZ
    assert dot_box_attrs(dot, "e_r")["color"] != RED
    for node in ("e_r__vethQ", "e_r__vethY", "e_ns_ns2__vethP", "l_ns_ns2__vethZ"):
        assert dot_node_attrs(dot, node)["color"] == RED, node
    for node in ("e_r__br0", "l_r__br0", "e_ns_ns1__vethX"):
        assert dot_node_attrs(dot, node)["color"] != RED, node


def test_left_overs_after_the_teardown_are_red_where_the_kernel_holds_them() -> None:
    plan = blog_plan()
    fig = graph.diff_of(plan, expected_state(plan), len(plan.commands))
    assert {d.split(".")[0] for d in fig.differences or ()} == {
        "ns1", "ns2", "br0", "vethP", "vethQ", "vethX", "vethY"
    }  # fmt: skip
    _, live_pic = fig.pictures
    assert {box.ns for box in live_pic.boxes if box.marked} == {"ns1", "ns2"}
    marked = {(box.ns, n.name) for box in live_pic.boxes for n in box.nodes if n.marked}
    assert marked == {
        (ROOT, "br0"), (ROOT, "vethQ"), (ROOT, "vethY"), ("ns1", "vethX"), ("ns2", "vethP")
    }  # fmt: skip


def test_a_link_in_the_wrong_namespace_is_marked_on_both_sides() -> None:
    plan = blog_plan()
    live = expected_state(plan)
    vethx = live.namespaces["ns1"].links.pop("vethX")
    live.namespaces[ROOT].links["vethX"] = vethx
    fig = graph.diff_of(plan, live, None)
    assert fig.differences == ("vethX.netns: expected ns1, found it in root",)
    marked = [
        (pic.label, box.ns, n.name)
        for pic in fig.pictures
        for box in pic.boxes
        for n in box.nodes
        if n.marked
    ]
    assert marked == [
        ("expected (the model)", "ns1", "vethX"),
        ("live (the kernel)", ROOT, "vethX"),
    ]


def _broken_live(plan: Plan) -> State:
    live = expected_state(plan)
    vethq = live.link(ROOT, "vethQ")
    assert vethq is not None
    vethq.master = None
    live.namespaces["ns1"].links["lo"].up = True
    return live


def test_diff_figure_marks_both_sides_and_lists_the_differences() -> None:
    plan = blog_plan()
    live = _broken_live(plan)
    differences = diff(expected_state(plan), live, plan.owned)
    assert [str(d) for d in differences] == [
        "vethQ@root.master: expected br0, found none",
        "lo@ns1.up: expected down, found up",
    ]
    fig = graph.diff_of(plan, live, None)
    assert fig.differences == tuple(str(d) for d in differences)
    expected_pic, live_pic = fig.pictures
    assert (expected_pic.label, live_pic.label) == ("expected (the model)", "live (the kernel)")
    for pic in fig.pictures:
        marked = sorted((box.ns, n.name) for box in pic.boxes for n in box.nodes if n.marked)
        # ns1's lo is drawn though down and not alone: it differs; ns2's does not
        assert marked == [(ROOT, "vethQ"), ("ns1", "lo")]
    assert ("vethQ", "br0", "port", True) not in _edges(live_pic)
    dot = graph.to_dot(fig)
    assert "vethQ@root.master: expected br0, found none" in dot
    assert '"between" -- "l_r__br0"' in dot and '"e_r__br0" -- "between"' in dot
    assert_golden(dot, GRAPH_GOLDEN / f"{BLOG}.diff.dot")
    assert_golden(graph.to_mermaid(fig), GRAPH_GOLDEN / f"{BLOG}.diff.mmd")


def test_diff_without_differences_says_so() -> None:
    plan = blog_plan()
    fig = graph.diff_of(plan, expected_state(plan), None)
    assert fig.differences == ()
    assert "no differences" in graph.to_dot(fig) and "%% no differences" in graph.to_mermaid(fig)


def test_diff_hides_the_hosts_own_root_links() -> None:
    plan = blog_plan()
    live = expected_state(plan)
    live.namespaces[ROOT].links["eth0"] = Link("eth0", "ether", up=True)
    live_pic = graph.diff_of(plan, live, None).pictures[1]
    assert "eth0" not in _nodes(live_pic)


# -- formats and arguments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "explicit", "fmt"),
    [
        (None, None, "dot"),
        ("lab.svg", None, "svg"),
        ("lab.PNG", None, "png"),
        ("lab.gv", None, "dot"),
        ("lab.mmd", None, "mmd"),
        ("lab", "svg", "svg"),
        (None, "mmd", "mmd"),
        ("lab.svg", "svg", "svg"),
    ],
)
def test_output_format(output: str | None, explicit: str | None, fmt: str) -> None:
    assert graph_command.output_format(Path(output) if output else None, explicit) == fmt


def test_output_format_errors() -> None:
    with pytest.raises(UsageError, match=r"cannot tell the format from \.jpg"):
        graph_command.output_format(Path("lab.jpg"), None)
    with pytest.raises(UsageError, match="does not match"):
        graph_command.output_format(Path("lab.svg"), "png")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "which scenario?"),
        (["--diff", "--live"], "--diff compares a scenario"),
        ([BLOG, "--diff", "--live"], "--diff cannot be combined"),
        ([BLOG, "--lab", "x"], "--lab is for --live"),
        ([BLOG, "--live", "--lab", "x"], "not both"),
        ([BLOG, "--storyboard", "d", "-o", "x.svg"], "leave out -o"),
        ([BLOG, "--step", "24"], "--step 24: the scenario has steps 1 to 23"),
        ([BLOG, "--step", "0"], "--step 0: the scenario has steps 1 to 23"),
        ([BLOG, "-o", "lab.jpg"], "cannot tell the format"),
    ],
)
def test_cli_refuses_with_one_line(in_process: None, args: list[str], message: str) -> None:
    rc, out, err = run_main(*args)
    assert (rc, out) == (2, "")
    assert err.startswith("iplab: error: ") and message in err and err.count("\n") == 1


def test_cli_prints_dot_on_stdout(in_process: None) -> None:
    rc, out, err = run_main(BLOG)
    assert (rc, err) == (0, "")
    assert out == golden_name(None, "dot").read_text(encoding="utf-8")


def test_cli_loads_through_the_one_plan_loader(in_process: None) -> None:
    """--var reaches the scenario as in every other command (plan.load)."""
    rc, out, err = run_main("star", "--var", "n=3")
    assert (rc, err) == (0, "")
    assert out == (GRAPH_GOLDEN / "star.setup.dot").read_text(encoding="utf-8")


def test_cli_writes_mermaid_by_suffix(in_process: None, tmp_path: Path) -> None:
    target = tmp_path / "lab.mmd"
    assert run_main(BLOG, "--step", "7", "-o", str(target)) == (0, "", "")
    assert target.read_text(encoding="utf-8") == golden_name(7, "mmd").read_text(encoding="utf-8")


def test_missing_dot_is_one_line_and_text_formats_still_work(
    in_process: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(graph.draw, "dot_path", lambda: None)
    rc, _, err = run_main(BLOG, "-o", str(tmp_path / "lab.svg"))
    assert rc == 2
    assert err == (
        "iplab: error: drawing .svg needs Graphviz's dot, which is not on PATH (install the "
        "package graphviz (apt-get install graphviz), or write .dot or .mmd instead)\n"
    )
    assert not (tmp_path / "lab.svg").exists()
    rc, _, err = run_main(BLOG, "--storyboard", str(tmp_path / "board"))
    assert rc == 2 and "needs Graphviz's dot" in err
    assert run_main(BLOG, "-o", str(tmp_path / "lab.dot"))[0] == 0
    assert run_main(BLOG, "-o", str(tmp_path / "lab.mmd"))[0] == 0


def test_missing_dot_in_a_process_of_its_own(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = graph_cli(BLOG, "-o", str(tmp_path / "lab.png"), env={"PATH": str(empty)})
    assert proc.returncode == 2
    assert proc.stderr.startswith("iplab: error: drawing .png needs Graphviz's dot")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    proc = graph_cli(BLOG, "-o", str(tmp_path / "lab.dot"), env={"PATH": str(empty)})
    assert (proc.returncode, proc.stderr) == (0, "")


def test_dot_failure_is_an_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from iplab.runner import FakeExecutor, Runner

    monkeypatch.setattr(graph.draw, "dot_path", lambda: "/usr/bin/dot")
    fake = FakeExecutor(
        {f"dot -Tsvg -o {tmp_path}/.lab.svg.{os.getpid()}.tmp": (1, "", "Error: syntax\nmore\n")}
    )
    with pytest.raises(
        IplabError, match=r"dot failed \(exit 1\) drawing .*lab.svg: Error: syntax$"
    ):
        graph.render("graph {}", "svg", tmp_path / "lab.svg", Runner(fake, is_root=False))
    assert fake.calls == [((("dot", "-Tsvg", "-o", f"{tmp_path}/.lab.svg.{os.getpid()}.tmp")),
                           "graph {}")]  # fmt: skip
    assert not list(tmp_path.iterdir())


def test_the_dot_run_is_audited(
    in_process: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, audit_dir: Path
) -> None:
    """cmd_graph's runner is the audited one: the process it starts (here a fake dot,
    answering as the real one does) gets a record in the audit log."""
    from iplab.runner import FakeExecutor, ShExecutor

    target = tmp_path / "lab.svg"
    tmp = f"{tmp_path}/.lab.svg.{os.getpid()}.tmp"

    def draw(argv: object, stdin: str | None) -> tuple[int, str, str]:
        assert stdin == golden_name(None, "dot").read_text(encoding="utf-8")
        Path(tmp).write_text("<svg/>", encoding="utf-8")
        return 0, "", ""

    fake = FakeExecutor({f"dot -Tsvg -o {tmp}": draw})
    monkeypatch.setattr(
        ShExecutor, "run", lambda self, argv, stdin=None, **limits: fake.run(argv, stdin)
    )
    monkeypatch.setattr(graph.draw, "dot_path", lambda: "/usr/bin/dot")
    assert run_main(BLOG, "-o", str(target)) == (0, "", "")
    assert target.read_text() == "<svg/>"
    (record,) = audited(audit_dir)
    assert (record["kind"], record["text"], record["rc"]) == ("render", f"dot -Tsvg -o {target}", 0)


def _png_head(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sII", 13, b"IHDR", width, height)


def test_png_size_reads_the_header() -> None:
    assert graph.png_size(_png_head(640, 480) + b"rest") == (640, 480)
    assert graph.png_size(b"<svg") is None


@pytest.mark.parametrize(("height", "warned"), [(32766, True), (900, False)])
def test_a_shrunk_png_is_drawn_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    height: int,
    warned: bool,
) -> None:
    from iplab.runner import FakeExecutor, Runner

    monkeypatch.setattr(graph.draw, "dot_path", lambda: "/usr/bin/dot")
    target = tmp_path / "big.png"
    argv = graph.dot_argv("png", tmp_path / f".big.png.{os.getpid()}.tmp")

    def draw(argv: object, stdin: str | None) -> tuple[int, str, str]:
        (tmp_path / f".big.png.{os.getpid()}.tmp").write_bytes(_png_head(300, height))
        return 0, "", ""

    fake = FakeExecutor({" ".join(argv): draw})
    graph.render("graph {}", "png", target, Runner(fake, is_root=True))
    assert graph.png_size(target.read_bytes()) == (300, height)
    assert ("too large for a PNG" in capsys.readouterr().err) is warned
    assert "-Gdpi=144" in argv


def test_storyboard_in_mermaid(in_process: None, tmp_path: Path) -> None:
    board = tmp_path / "board"
    rc, out, err = run_main(BLOG, "--storyboard", str(board), "--format", "mmd")
    assert (rc, err) == (0, "")
    assert out == f"19 pictures and index.md, index.html written to {board}\n"
    steps = sorted(p.name for p in board.glob("step-*.mmd"))
    # 23 steps less the 4 that only show state (2, 3, 8, 9)
    assert steps == [f"step-{n:02d}.mmd" for n in [1, 4, 5, 6, 7, *range(10, 24)]]
    assert (board / "step-07.mmd").read_text() == golden_name(7, "mmd").read_text()
    index = (board / "index.md").read_text()
    assert index.count("```mermaid") == 19
    page = (board / "index.html").read_text()
    assert page.index("sudo ip netns add ns1") < page.index("sudo ip link set vethX netns ns1")
    assert '<a href="step-07.mmd">' in page


def test_storyboard_index_walks_the_steps_in_order() -> None:
    plan = blog_plan()
    frames = graph.storyboard(plan)
    index = graph.storyboard_markdown(plan, frames, "svg", 2)
    positions = [index.index(f"![The lab after step {f.number}](step-{f.number:02d}.svg)")
                 for f in frames]  # fmt: skip
    assert positions == sorted(positions)
    # the command is printed right under its picture
    assert (
        "![The lab after step 7](step-07.svg)\n\n```bash\nsudo ip link set vethX netns ns1\n```"
        in index
    )
    assert "## Setup" in index and "## Teardown" in index


# -- images drawn by dot ----------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _svg_texts(path: Path) -> set[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return {t.text or "" for t in root.iter(f"{SVG}text")}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, chunk = struct.unpack(">I4s", data[8:16])
    assert (length, chunk) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@NEEDS_DOT
def test_svg_is_drawn_with_the_blogs_names(tmp_path: Path, audit_dir: Path) -> None:
    target = tmp_path / "lab.svg"
    proc = graph_cli(BLOG, "-o", str(target))
    assert (proc.returncode, proc.stderr, proc.stdout) == (0, "", "")
    (record,) = audited(audit_dir)  # dot ran once, and the audit log says so
    assert record["kind"] == "render" and record["rc"] == 0
    assert record["text"] == f"dot -Tsvg -o {target}"
    assert record["argv"] == ["dot", "-Tsvg", "-o", f"{tmp_path}/.lab.svg.{record['pid']}.tmp"]
    assert AuditLog(audit_dir).verify()[0]
    texts = _svg_texts(target)
    assert {"Host", "root namespace", "ns1", "ns2", "vethX", "vethY", "vethP", "vethQ", "br0"} <= (
        texts
    )
    assert not list(tmp_path.glob(".*.tmp"))


@NEEDS_DOT
def test_png_is_drawn_and_sized_sanely(tmp_path: Path) -> None:
    target = tmp_path / "lab.png"
    proc = graph_cli(BLOG, "--step", "14", "-o", str(target))
    assert (proc.returncode, proc.stderr) == (0, "")
    width, height = png_size(target.read_bytes())
    assert 400 <= width <= 3000 and 300 <= height <= 3000, (width, height)


@NEEDS_DOT
def test_png_on_stdout(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, "graph", BLOG, "--format", "png"],
        capture_output=True, cwd=REPO, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert png_size(proc.stdout)[0] > 100


@NEEDS_DOT
def test_storyboard_of_svgs(tmp_path: Path) -> None:
    board = tmp_path / "board"
    proc = graph_cli(BLOG, "--storyboard", str(board))
    assert proc.returncode == 0, proc.stderr
    pictures = sorted(board.glob("step-*.svg"))
    assert len(pictures) == 19
    assert "vethX" in _svg_texts(board / "step-04.svg")
    assert "br0" in _svg_texts(board / "step-15.svg")
    assert "br0" not in _svg_texts(board / "step-19.svg")
    page = (board / "index.html").read_text()
    assert page.count("<img ") == 19 and '<img src="step-01.svg"' in page


def test_the_docs_example_is_what_iplab_draws() -> None:
    page = (REPO / "docs" / "graph.md").read_text(encoding="utf-8")
    block = page.split("```mermaid\n", 1)[1].split("```\n", 1)[0]
    assert block == golden_name(None, "mmd").read_text(encoding="utf-8")


# -- the live kernel -----------------------------------------------------------------------------


@pytest.mark.kernel
def test_live_lab_is_drawn_from_the_kernel(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    lab = f"{prefix}{BLOG}"
    up = iplab("up", BLOG, "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stderr
    try:
        env = {"IPLAB_STATE_DIR": str(state_dir)}
        before = len(audited(state_dir))
        live = graph_cli("--live", "--lab", lab, env=env)
        assert (live.returncode, live.stderr) == (0, ""), live.stderr
        reads = audited(state_dir)[before:]  # the reads of the kernel, audited as status's are
        assert reads and all((r["kind"], r["lab"], r["rc"]) == ("read", lab, 0) for r in reads)
        dot = live.stdout
        assert f"label=<<b>lab {lab}: live</b>" in dot
        for name in ("vethX", "vethY", "vethP", "vethQ", "br0"):
            assert f"<b>{prefix}{name}</b>" in dot
        for ns in ("ns1", "ns2"):
            assert f'subgraph "cluster_ns_{prefix}{ns}"' in dot
        assert f'"ns_{prefix}ns1__{prefix}vethX" -- "r__{prefix}vethY"' in dot
        assert f'"r__{prefix}vethQ" -- "r__{prefix}br0"' in dot
        assert "eth0" not in dot and "<b>lo</b>" not in dot  # only the lab's links

        if shutil.which("dot"):
            svg = tmp_path / "live.svg"
            assert graph_cli("--live", "--lab", lab, "-o", str(svg), env=env).returncode == 0
            assert f"{prefix}br0" in _svg_texts(svg)

        whole = graph_cli("--live", env=env)
        assert whole.returncode == 0, whole.stderr
        assert f'subgraph "cluster_ns_{prefix}ns1"' in whole.stdout
        assert "<b>host links</b>" in whole.stdout

        same = graph_cli(BLOG, "--prefix", prefix, "--diff", env=env)
        assert (same.returncode, same.stderr) == (0, "")
        assert "no differences" in same.stdout

        ip = ["ip"] if os.geteuid() == 0 else ["sudo", "-n", "ip"]
        subprocess.run([*ip, "link", "set", f"{prefix}vethQ", "nomaster"], check=True)
        changed = graph_cli(BLOG, "--prefix", prefix, "--diff", "--format", "mmd", env=env)
        assert changed.returncode == 1, changed.stderr
        assert f"%% {prefix}vethQ@root.master: expected {prefix}br0, found none" in changed.stdout
        assert f"class l_r__{prefix}vethQ diff" in changed.stdout or re.search(
            rf"class [\w,]*l_r__{prefix}vethQ[\w,]* diff", changed.stdout
        )
    finally:
        down = iplab("down", lab, state=state_dir)
    assert down.returncode == 0, down.stderr
    assert _gone(prefix), f"{prefix}: objects left after iplab down"


def _ip(*args: str) -> None:
    ip = ["ip"] if os.geteuid() == 0 else ["sudo", "-n", "ip"]
    subprocess.run([*ip, *args], check=True, capture_output=True)


def _link_gone(name: str, seconds: float = 10.0) -> bool:
    """A namespace's veths, and their peers, go a little after ``ip netns del``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        show = subprocess.run(["ip", "link", "show", name], capture_output=True, check=False)
        if show.returncode != 0:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.kernel
def test_diff_marks_a_deleted_namespace_and_a_deleted_link_red(
    prefix: str, state_dir: Path
) -> None:
    lab = f"{prefix}{BLOG}"
    up = iplab("up", BLOG, "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stderr
    try:
        _ip("netns", "del", f"{prefix}ns1")  # vethX goes with it, and its peer vethY
        _ip("link", "del", f"{prefix}vethQ")  # and its peer vethP, in ns2
        assert _link_gone(f"{prefix}vethY")
        before = len(audited(state_dir))
        proc = graph_cli(
            BLOG, "--prefix", prefix, "--diff", env={"IPLAB_STATE_DIR": str(state_dir)}
        )
        assert proc.returncode == 1, proc.stderr
        dot = proc.stdout
        for text in (
            f"{prefix}ns1.exists: expected a namespace, found none",
            f"{prefix}vethQ.netns: expected root, found none",
        ):
            assert text in dot
        assert dot_box_attrs(dot, f"e_ns_{prefix}ns1")["color"] == RED
        assert f'"cluster_l_ns_{prefix}ns1"' not in dot  # the kernel has no ns1 to draw
        assert dot_box_attrs(dot, f"e_ns_{prefix}ns2")["color"] != RED
        for node in (
            f"e_r__{prefix}vethQ",
            f"e_r__{prefix}vethY",
            f"e_ns_{prefix}ns2__{prefix}vethP",
        ):
            assert dot_node_attrs(dot, node)["color"] == RED, node
        for node in (f"e_r__{prefix}br0", f"l_r__{prefix}br0"):
            assert dot_node_attrs(dot, node)["color"] != RED, node
        # the kernel was read through the runner, and the audit log says so
        reads = [r for r in audited(state_dir)[before:] if r["kind"] == "read"]
        assert reads and all(r["rc"] == 0 for r in reads), reads
    finally:
        down = iplab("down", lab, state=state_dir)
    assert down.returncode == 0, down.stderr
    assert _gone(prefix), f"{prefix}: objects left after iplab down"


def _gone(prefix: str, seconds: float = 5.0) -> bool:
    """Nothing with the prefix is left (a deleted namespace releases its links a little later)."""
    deadline = time.monotonic() + seconds
    while True:
        links = subprocess.run(["ip", "-br", "link"], capture_output=True, text=True, check=False)
        netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
        if prefix not in links.stdout + netns.stdout:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
