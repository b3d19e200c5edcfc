"""``ip netns exec "r2" ping -c1 10.0.0.2``: a ping in a namespace whose name is written in
quotes (a function's ``"$1"`` once expanded, or as people write it) is the probe the
unquoted form is. Hunt DL: since tests/test_hunt_dl_quoted_netns.py the line was read as a
netns exec, kept as written, but a plain step: no reachability claim, nothing the run
checks. Now a probe, kept as written; a ping under a wrapper inside the namespace
(``ip netns exec a timeout 2 ping ...``, hunt BQ) stays the netns exec it was."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.plan import Plan, build
from iplab.steps import NetnsExec, Probe
from tests.conftest import FIXTURES
from tests.pages import imported

_LAB = """\
ip netns add r1
ip netns add r2
ip link add v1 type veth peer name v2
ip link set v1 netns r1
ip link set v2 netns r2
ip -n r1 addr add 10.0.0.1/24 dev v1
ip -n r2 addr add 10.0.0.2/24 dev v2
ip -n r1 link set v1 up
ip -n r2 link set v2 up
{ping}
"""


def _plan(ping: str, prefix: str = "") -> Plan:
    text = import_text(_LAB.format(ping=ping), "shell", "lab.sh").yaml
    return build(scenario.load_text(text, "lab.yaml"), prefix=prefix)


@pytest.mark.parametrize(
    "ping",
    [
        'ip netns exec "r1" ping -c1 10.0.0.2',
        "ip netns exec 'r1' ping -c 3 -W 1 10.0.0.2",
        'sudo ip netns exec "r1" ping -c1 10.0.0.2',
    ],
)
def test_a_ping_in_a_quoted_namespace_is_a_probe(ping: str) -> None:
    step = _plan(ping).setup[-1]
    op = step.command.op
    assert isinstance(op, Probe), op
    assert (op.ns, op.target) == ("r1", "10.0.0.2")
    assert step.command.text == ping  # (as written, byte for byte)


def test_the_prefix_renames_it_inside_its_quotes() -> None:
    plan = _plan('ip netns exec "r1" ping -c1 10.0.0.2', "dpxq")
    assert plan.setup[-1].command.text == 'ip netns exec "dpxqr1" ping -c1 10.0.0.2'


def test_a_ping_under_a_wrapper_inside_stays_a_netns_exec() -> None:
    op = _plan('ip netns exec "r1" timeout 2 ping 10.0.0.2').setup[-1].command.op
    assert isinstance(op, NetnsExec) and op.command == "timeout 2 ping 10.0.0.2", op


def test_the_routers_script_probes_as_it_pings() -> None:
    """tests/fixtures/scripts/hunt-K-04c-routers-noecho.sh: ns_exec() { ip netns exec "$1"
    "${@:2}"; } and its pings across the routers."""
    _result, lab = imported(FIXTURES / "scripts" / "hunt-K-04c-routers-noecho.sh")
    probes = [s.op for s in lab.setup if isinstance(s.op, Probe)]
    assert probes, [s.op for s in lab.setup]
