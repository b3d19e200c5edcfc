"""Hunt DT: leftovers of earlier hunts in the importer and the runner.

The inputs here are the tests' own text (said in each test): the shapes are those of
real scripts (a kernel selftest's ``for i in ...; do echo netns exec ...; done | ip -batch
/dev/stdin``, a benchmark's ``for i in $(seq 0 $NUM_IF); do echo "link add ..."; done |
ip -b -``), whose licences or sources keep them out of this tree."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from iplab import export, ovs
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.plan import build
from iplab.scenario import load_text
from iplab.steps import Raw
from tests import pages
from tests.conftest import FIXTURES
from tests.test_hunt_af_wrapped import _steps


def _imported(text: str, name: str = "lab.sh") -> ImportResult:
    return import_text(text, detect_kind(name, text), name)


def test_a_literal_loop_echoing_lines_into_ip_batch_stdin_is_read_line_by_line() -> None:
    """``for i in 1 2 3; do echo "netns exec ns$i ip link set lo up"; done | ip -batch
    /dev/stdin`` (and ``| ip -batch -``, ``| ip -n X -b -``) was one raw step the model
    could not judge ("it reads its commands from standard input"), though the here-document
    form was read line by line. Each line the loop echoes is now a step, the pipeline
    printed as written; ``ip -batch /dev/stdin <<EOF`` is read as ``ip -batch - <<EOF``."""
    text = (
        "for i in 1 2 3; do ip netns add ns$i; done\n"
        'for i in 1 2 3; do echo "netns exec ns$i ip link set lo up"; done'
        " | ip -batch /dev/stdin\n"
        "for i in 1 2; do\n"
        '    echo "link add v$i type dummy"\n'
        '    echo "link set v$i up"\n'
        "done | ip -n ns1 -b -\n"
        "ip -n ns2 -batch /dev/stdin <<EOF\n"
        "link add d2 type dummy\n"
        "EOF\n"
    )
    result = _imported(text)
    steps = _steps(result)
    said = [(s["action"], s.get("in"), s.get("dev") or s.get("name")) for s in steps[3:]]
    assert said == [
        ("link set", "ns1", "lo"),
        ("link set", "ns2", "lo"),
        ("link set", "ns3", "lo"),
        ("link add", "ns1", "v1"),
        ("link set", "ns1", "v1"),
        ("link add", "ns1", "v2"),
        ("link set", "ns1", "v2"),
        ("link add", "ns2", "d2"),
    ]
    blocks = yaml.safe_load(result.yaml)["setup"]
    assert blocks[1]["script"] == text.splitlines()[1]  # (printed as written)
    assert result.model_error is None
    assert not any(s["action"] == "raw" for s in steps)


def test_a_loop_whose_batch_lines_are_known_only_when_it_runs_is_said_at_its_line() -> None:
    """``for i in $(seq 0 $NUM_IF); do echo ...; done | ip -b -`` with NUM_IF the script's
    argument: its lines cannot be known before it runs; the warning names the line and the
    variable. A line with an option (``echo "-n ns$i link set lo up" | ip -batch -``) fails
    in ip's batch ("Object "-n" is unknown", iproute2 6.1): said at its line too."""
    text = (
        "NUM_IF=$1\n"
        "ip netns add nll3ev\n"
        "for i in $(seq 0 $NUM_IF); do\n"
        '    echo "link set nll3_$i up"\n'
        "done | ip -n nll3ev -b -\n"
        'for i in 1 2; do echo "-n nll3ev link set lo up"; done | ip -batch -\n'
    )
    warnings = _imported(text).warnings
    assert any(
        w.startswith("line 3: the lines this loop feeds `ip -batch` are known only when it")
        and "$NUM_IF" in w
        for w in warnings
    ), warnings
    assert any(
        w.startswith("line 6: `ip -batch` reads no options in its lines") for w in warnings
    ), warnings


def test_a_one_line_function_definition_is_no_step_and_prints_before_the_next_line() -> None:
    """``up() { ip link set "$1" up; }`` (the test's own text; scripts write their helpers
    so: ``gw() { ip netns exec "$1" ip route add default via "$2"; }``) was a ``true``
    step of its own, counted, run and journaled though defining a function changes
    nothing. It is no step now: its text starts the next line's block, so the scenario
    still prints the script as written, and ``up v1`` runs its body."""
    text = 'up() { ip link set "$1" up; }\nip link add v1 type veth peer name v2\nup v1\n'
    result = _imported(text)
    sc = load_text(result.yaml, "lab.yaml")
    assert [s.op.action for s in sc.steps] == ["link add", "link set"]
    assert sc.steps[0].verbatim == text.splitlines()[0] + "\n" + text.splitlines()[1]
    assert export.text(build(sc, lenient=True)) == text
    assert result.model_error is None


_ABBREVIATED = (
    "ip netns add y\nip -n y link add dev b type veth peer name c\nip -n y link set b up\n"
)


def test_a_line_ip_refuses_as_written_is_skipped_with_or_without_the_prefix() -> None:
    """``ip -n y link set b up`` (the test's own text): ip 6.1 reads ``b`` after ``set``
    as ``broadcast`` and refuses "up" as its address (``"up" is invalid lladdr.``; ``set
    dev b up`` is taken), so the importer keeps it a raw step the author lets fail. Under
    ``--prefix`` the line became ``ip -n dpx1y link set dpx1b up``, which ip takes: the
    prefixed run set b up, the unprefixed one changed nothing. Both skip it now, judged
    on the line as written."""
    result = _imported(_ABBREVIATED)
    sc = load_text(result.yaml, "lab.yaml")
    plain = build(sc, lenient=True).setup[2]
    prefixed = build(sc, prefix="dpx1", lenient=True).setup[2]
    assert prefixed.command.text == "ip -n dpx1y link set dpx1b up"
    assert plain.skip is not None and '"up" is invalid lladdr.' in plain.skip
    assert prefixed.skip == plain.skip


@pytest.mark.kernel
def test_the_prefixed_run_leaves_the_link_down_as_ip_would(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    page = tmp_path / "abbreviated.sh"
    page.write_text(_ABBREVIATED, encoding="utf-8")
    ran = pages.ran_clean(page, prefix, state_dir, tmp_path)
    assert "skipped, as the author allows it to fail: ip refuses" in ran.stdout, ran.stdout


def test_an_open_vswitch_port_is_undone_by_del_port_if_exists() -> None:
    """tests/fixtures/hostconfig/ovs-bridge.md lines 13-14: ``sudo ovs-vsctl add-port ovsbr0
    ovs-l`` (and ``... ovs-r tag=10``) were "steps iplab cannot undo": the port stays in
    Open vSwitch's database after its veth is gone. Each is undone now by ``ovs-vsctl
    --if-exists del-port PORT`` (by the port's name: with the bridge named, del-port fails
    once the tutorial's teardown deleted the bridge). Open vSwitch is not installed here:
    judged at the planning level."""
    page = FIXTURES / "hostconfig" / "ovs-bridge.md"
    result = import_text(page.read_text(encoding="utf-8"), "markdown", page.name)
    assert result.cannot_undo == (), result.cannot_undo
    plan = build(load_text(result.yaml, "ovs.yaml"), prefix="dpx4")
    undone = [
        u.undo.op.command
        for pc in plan.setup
        if "add-port" in pc.command.text
        for u in pc.undo
        if isinstance(u.undo.op, Raw)
    ]
    assert undone == [
        "ovs-vsctl --if-exists del-port dpx4ovs-l",
        "ovs-vsctl --if-exists del-port dpx4ovs-r",
    ]


@pytest.mark.parametrize(
    ("line", "ports"),
    [
        ("ovs-vsctl add-port br0 p0", ("p0",)),
        ("sudo ovs-vsctl add-port br0 p0 tag=10", ("p0",)),
        ("ovs-vsctl add-port br0 p0 -- set Interface p0 type=internal", ("p0",)),
        ("ovs-vsctl -t 5 add-port br0 p0 -- add-port br0 p1", ("p0", "p1")),
        ("ovs-vsctl add-bond br0 bond0 a b", ("bond0",)),
        # may have been there before the lab: not the lab's to delete
        ("ovs-vsctl --may-exist add-port br0 p0", None),
        ("ovs-vsctl add-br br0 -- --may-exist add-port br0 p0", None),
        ("ovs-vsctl add-port br0 $IF", None),
        ("ovs-vsctl add-br br0", None),
        ("ovs-vsctl show | grep add-port", None),
    ],
)
def test_the_ports_an_ovs_vsctl_line_adds(line: str, ports: tuple[str, ...] | None) -> None:
    assert ovs.ports_added(line) == ports


@pytest.mark.kernel
def test_a_background_capture_that_ended_by_itself_is_said_ended(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Part E of tests/fixtures/leftovers9/bk-p01-ns-lab-iperf.md (its shape in the test's
    own text: the page's iperf3 is not installed here): ``ip netns exec ns2 tcpdump -i veth2
    -n -c 5 icmp &``, then ``ping -c 3``: tcpdump ends by itself after 5 packets (``-c 2``
    here: tcpdump hands packets over about once a second, and the 5th may come after the
    undo began). The run said "undo stops it" of it and, at the undo, nothing more. It now
    says the job ended by itself."""
    page = tmp_path / "capture.sh"
    page.write_text(
        "ip netns add ns1\n"
        "ip netns add ns2\n"
        "ip link add veth1 netns ns1 type veth peer name veth2 netns ns2\n"
        "ip -n ns1 addr add 192.168.100.1/24 dev veth1\n"
        "ip -n ns2 addr add 192.168.100.2/24 dev veth2\n"
        "ip -n ns1 link set veth1 up\n"
        "ip -n ns2 link set veth2 up\n"
        "ip netns exec ns2 tcpdump -i veth2 -n -c 2 icmp &\n"
        "ip netns exec ns1 ping -c 3 192.168.100.2\n",
        encoding="utf-8",
    )
    ran = pages.ran_clean(page, prefix, state_dir, tmp_path)
    said = ran.stdout + ran.stderr
    assert "iplab: the background job of step 8 (pid" in said, said
    assert "ended by itself: nothing to stop" in said, said


def test_a_cleanup_comment_over_a_definition_does_not_make_the_next_line_teardown() -> None:
    """``# Clean up`` over ``cleanup() { ... }`` speaks of the function: once the definition's
    text started the next line's block, that comment made ``ip netns add a`` (and all after
    it) the teardown. Only the call's deletion is (the test's own text)."""
    text = (
        "#!/bin/bash\nip netns add b\n\n# Clean up\ncleanup() {\n  ip netns del a\n}\n"
        "ip netns add a\nip -n a link set lo up\ncleanup\n"
    )
    lab = yaml.safe_load(_imported(text).yaml)
    assert [s["action"] for s in lab["teardown"][0]["steps"]] == ["netns del"]
    assert len(lab["teardown"]) == 1
    assert lab["setup"][1]["script"].endswith("}\nip netns add a")
