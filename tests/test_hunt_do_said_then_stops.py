"""``CMD && echo ok || { echo failed; exit 1; }`` and ``CMD || { echo failed; cleanup; }``
where the input's ``cleanup`` deletes the lab and stops (hunt DO,
tests/fixtures/hunt-do/do03-functions-and-or-cleanup-trap-two-bridges.sh: a function a
step, each written so). The first was "a check of the author's; not run": the namespace
was never made, a step lost. The second stayed one raw step of unknown effect calling a
function its shell does not have. Both are the change they make now, a step that stops
the run when it fails (iplab's rollback is what the cleanup does)."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.plan import Plan, build, expected_state
from iplab.steps import Raw
from tests.conftest import FIXTURES
from tests.pages import imported


def _plan(text: str) -> Plan:
    lab = scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml")
    return build(lab)


@pytest.mark.parametrize(
    "line",
    [
        'ip netns add a3 && echo "a3 made" || { echo "failed"; exit 1; }',
        "ip netns add a3 && printf 'ok\\n' || exit 1",
        "ip netns add a3 && echo ok && echo done || { echo failed >&2; exit 1; }",
    ],
)
def test_a_change_said_then_checked_is_a_step(line: str) -> None:
    result = import_text(f"#!/bin/bash\n{line}\n", "shell", "lab.sh")
    assert not any("a check of the author's" in w for w in result.warnings), result.warnings
    plan = _plan(f"#!/bin/bash\n{line}\n")
    assert "a3" in expected_state(plan).namespaces


def test_a_check_said_then_stopped_is_still_a_check() -> None:
    text = '#!/bin/bash\n[ "$(id -u)" = 0 ] && echo root || { echo "run as root"; exit 1; }\n'
    text += "ip netns add a1\n"
    result = import_text(text, "shell", "lab.sh")
    assert any("a check of the author's" in w for w in result.warnings), result.warnings


@pytest.mark.parametrize(
    "cleanup",
    [
        "cleanup() {\n  ip netns del a1 &> /dev/null\n  echo bye\n  exit 1\n}\n",
        "bye() {\n  echo; exit 0\n}\ncleanup() {\n  sudo ip netns del a1\n  bye\n}\n",
        "cleanup() {\n  iptables -D FORWARD -i br0 -j ACCEPT\n  ip link del br0\n  exit 2\n}\n",
    ],
)
def test_or_a_cleanup_that_stops_is_a_step(cleanup: str) -> None:
    text = f"#!/bin/bash\n{cleanup}ip netns add a1 || {{ echo failed; cleanup; }}\n"
    text += 'make() {\n  ip netns add "$1" && echo made || { echo no; cleanup; }\n}\nmake a2\n'
    plan = _plan(text)
    assert not any(isinstance(s.command.op, Raw) for s in plan.setup if "a" in s.command.text)
    assert {"a1", "a2"} <= set(expected_state(plan).namespaces)


def test_a_function_that_goes_on_is_no_stop() -> None:
    # cleanup() makes something again: not a cleanup, the line stays as it was
    text = (
        "#!/bin/bash\ncleanup() {\n  ip netns add again\n  exit 1\n}\nip netns add a1 || cleanup\n"
    )
    plan = _plan(text)
    assert isinstance(plan.setup[-1].command.op, Raw)


def test_the_script_makes_its_lab() -> None:
    result, lab = imported(
        FIXTURES / "hunt-do" / "do03-functions-and-or-cleanup-trap-two-bridges.sh"
    )
    state = expected_state(build(lab))
    assert {"hostA", "hostB", "gw-ns"} <= set(state.namespaces)
    assert state.namespaces["gw-ns"].sysctls["net/ipv4/ip_forward"][0] == "1"
    assert not any("calls cleanup" in w for w in result.warnings), result.warnings
