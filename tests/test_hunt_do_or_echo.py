"""``ip netns add a1 && echo ok || echo failed`` and ``ip netns add a2 || echo "could not"``
(hunt DO: how lab scripts report each step, beside do03's ``|| { ...; cleanup; }``): one
raw step of unknown effect, the namespace unknown to the model, though ``cmd && echo ok``
alone was read. Read now as the change, a step that may fail (bash prints the message and
goes on), the message said not printed. A ping or a read keeps its reading."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.plan import build, expected_state
from iplab.steps import Raw


@pytest.mark.parametrize(
    "line",
    [
        "ip netns add a1 && echo ok || echo failed",
        'ip netns add a1 || echo "could not make a1"',
        "ip netns add a1 || printf 'no a1\\n'",
    ],
)
def test_the_change_is_a_step_that_may_fail(line: str) -> None:
    result = import_text(f"#!/bin/bash\n{line}\n", "shell", "lab.sh")
    lab = scenario.load_text(result.yaml, "lab.yaml")
    step = lab.setup[0]
    assert not isinstance(step.op, Raw), step.op
    assert step.may_fail
    assert "a1" in expected_state(build(lab)).namespaces
    assert any("after || is not printed by the run" in w for w in result.warnings)


def test_a_ping_or_echo_stays_as_it_was() -> None:
    text = "#!/bin/bash\nip netns add a1\nip netns exec a1 ping -c1 10.0.0.1 || echo no\n"
    result = import_text(text, "shell", "lab.sh")
    assert not any("after || is not printed" in w for w in result.warnings), result.warnings
