"""A ping across a router before the lab adds the routes to it (hunt DO, a course's router
lab, tests/fixtures/hunt-do/do07-...: it pings across first, to show it fails, then adds
the default routes, turns forwarding on and pings again). The ping was a probe that must
succeed: ping says "connect: Network is unreachable" at once, bash goes on, and the run
said FAILED (3/4 claims) of a lab that works. The model knows the namespace has no route
to the target at that line: read as a probe that must fail, said. Not when the model is
unsure of the namespace's routes, when it has policy rules, nor under set -e."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.steps import Probe
from tests.conftest import FIXTURES
from tests.pages import imported

_LAB = """ip netns add a
ip netns add r
ip link add a0 type veth peer name a1
ip link set a0 netns a
ip link set a1 netns r
ip -n a addr add 10.5.1.1/24 dev a0
ip -n r addr add 10.5.1.2/24 dev a1
ip -n r addr add 10.5.2.2/24 dev lo
ip -n a link set a0 up
ip -n r link set a1 up
{before}
ip netns exec a ping -c1 10.5.2.2
ip -n a route add default via 10.5.1.2
ip netns exec a ping -c1 10.5.2.2
"""


def _probes(text: str) -> list[bool]:
    lab = scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml")
    return [s.command.op.reachable for s in build(lab).setup if isinstance(s.command.op, Probe)]


def test_the_ping_before_the_route_must_fail() -> None:
    assert _probes(_LAB.format(before="")) == [False, True]


@pytest.mark.parametrize(
    "before",
    [
        "ip -n a route add 10.5.0.0/16 via 10.5.1.2",  # a route that holds it
        "ip -n a addr add 10.5.2.2/32 dev lo",  # its own address
        "ip netns exec a ./routes-up.sh",  # unknown to the model
        "ip -n a rule add from all lookup 100",  # policy routing
        "set -e",  # the script would stop there
    ],
)
def test_a_ping_the_model_cannot_say_fails_is_left_as_written(before: str) -> None:
    assert _probes(_LAB.format(before=before))[0] is True


def test_the_course_lab_s_first_ping_across_must_fail() -> None:
    result, lab = imported(FIXTURES / "hunt-do" / "do07-router-pings-before-routes-no-count.sh")
    probes = [s.command.op for s in build(lab).setup if isinstance(s.command.op, Probe)]
    assert [(p.target, p.reachable) for p in probes] == [
        ("10.5.1.1", True),
        ("10.5.1.2", True),
        ("10.5.2.1", False),
        ("10.5.2.1", True),
    ]
    assert any("line 24: amber has no route to 10.5.2.1" in w for w in result.warnings)
