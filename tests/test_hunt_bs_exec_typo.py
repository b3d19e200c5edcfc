"""Hunt BS #3: ``line: ip netns exec red ip addr add 10.0.0.300/24 dev v-red`` in a
hand-written scenario passed ``iplab check`` (the ip inside netns exec not followed by the
model), where the same line with ``ip -n red`` was refused with ip's own words; a netns
exec step's ``command: ip ...`` likewise (tests/fixtures/leftovers9/netns-exec-typo.yaml)."""

from __future__ import annotations

import pytest

from iplab.errors import ScenarioError
from iplab.scenario import load_text
from tests.conftest import FIXTURES

LAB = FIXTURES / "leftovers9" / "netns-exec-typo.yaml"

REFUSED = 'Error: any valid prefix is expected rather than "10.0.0.300/24".'


def test_the_ip_inside_netns_exec_is_refused_as_ip_refuses_it() -> None:
    with pytest.raises(ScenarioError) as raised:
        load_text(LAB.read_text(encoding="utf-8"), str(LAB))
    said = str(raised.value)
    assert "netns-exec-typo.yaml:10: setup[5].line: ip refuses" in said, said
    assert REFUSED in said


@pytest.mark.parametrize(
    "step",
    [
        "  - line: ip -n red addr add 10.0.0.300/24 dev lo\n",
        "  - line: ip netns exec red ip addr add 10.0.0.300/24 dev lo\n",
        "  - line: sudo ip netns exec red ip addr add 10.0.0.300/24 dev lo\n",
        "  - action: netns exec\n    in: red\n    command: ip addr add 10.0.0.300/24 dev lo\n",
    ],
)
def test_each_spelling_says_ip_s_refusal(step: str) -> None:
    text = "name: t\nsetup:\n  - line: ip netns add red\n" + step
    with pytest.raises(ScenarioError, match="ip refuses") as raised:
        load_text(text, "t.yaml")
    assert REFUSED in str(raised.value)


def test_a_line_ip_takes_inside_netns_exec_still_loads() -> None:
    text = (
        "name: t\nsetup:\n  - line: ip netns add red\n"
        "  - line: ip netns exec red ip addr add 10.0.0.3/24 dev lo\n"
        "  - line: ip netns exec red ip link set lo up\n"
        "  - action: netns exec\n    in: red\n    command: ip -br addr\n    observe: true\n"
    )
    assert len(load_text(text, "t.yaml").setup) == 4
