"""``ip netns exec "r2" CMD``: a namespace's name in quotes, as a function's ``"$1"`` leaves
it once expanded (hunt DL: a three-router script's ``ns_exec() { ip netns exec "$1"
"${@:2}"; }``, tests/fixtures/scripts/hunt-K-04c-routers-noecho.sh) or as people write it.
The line was a raw step of unknown effect: the model did not know the router's
``sysctl -w net.ipv4.ip_forward=1``, verify did not compare it, and a ping there was no
probe of the namespace. It is read as the ``netns exec`` it is now, kept as written."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.plan import Plan, build, expected_state
from iplab.steps import NetnsExec
from tests.conftest import FIXTURES
from tests.pages import imported


def _plan(text: str, prefix: str = "") -> Plan:
    lab = scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml")
    return build(lab, prefix=prefix)


@pytest.mark.parametrize("quoted", ['"r2"', "'r2'"])
def test_a_quoted_namespace_is_read(quoted: str) -> None:
    line = f"ip netns exec {quoted} sysctl -w net.ipv4.ip_forward=1"
    plan = _plan(f"ip netns add r2\n{line}\n")
    op = plan.setup[1].command.op
    assert isinstance(op, NetnsExec) and op.ns == "r2", op
    assert plan.setup[1].command.text == line  # (as written, byte for byte)
    assert expected_state(plan).namespaces["r2"].sysctls["net/ipv4/ip_forward"][0] == "1"


def test_the_prefix_renames_it_inside_its_quotes() -> None:
    plan = _plan('ip netns add r2\nip netns exec "r2" sysctl -w net.ipv4.ip_forward=1\n', "dlxq")
    assert plan.setup[1].command.text == 'ip netns exec "dlxqr2" sysctl -w net.ipv4.ip_forward=1'


def test_the_routers_of_the_script_are_known_to_forward() -> None:
    _result, lab = imported(FIXTURES / "scripts" / "hunt-K-04c-routers-noecho.sh")
    state = expected_state(build(lab))
    for router in ("r1", "r2", "r3"):
        assert state.namespaces[router].sysctls["net/ipv4/ip_forward"][0] == "1", router
