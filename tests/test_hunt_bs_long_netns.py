"""Hunt BS #4: a namespace name over 64 characters was refused ('is longer than 64
characters') as if the limit were the kernel's (a link name's, 15, is), and a page's such
name made raw steps with no word why. The limit is iplab's own: the kernel's is a file
name's 255 (``ip netns add`` makes /var/run/netns/NAME); both say so
(tests/fixtures/leftovers9/long-namespace-name.md)."""

from __future__ import annotations

import pytest

from iplab.errors import ScenarioError
from iplab.scenario import load_text
from iplab.steps import Raw
from tests import pages
from tests.conftest import FIXTURES

PAGE = FIXTURES / "leftovers9" / "long-namespace-name.md"
NAME = "tenant-acme-corporation-staging-environment-eu-west-1-blue-green-a"


def test_a_scenario_s_long_name_is_refused_as_iplab_s_own_limit() -> None:
    text = f"name: t\nsetup:\n  - action: netns add\n    name: {NAME}\n"
    with pytest.raises(ScenarioError) as raised:
        load_text(text, "t.yaml")
    said = str(raised.value)
    assert f"namespace name {NAME!r} is 66 characters: iplab's own limit is 64" in said, said
    assert "ip netns add takes up to 255" in said, said


def test_a_page_s_long_name_is_said_once_with_whose_limit() -> None:
    result, sc = pages.imported(PAGE)
    assert all(isinstance(s.op, Raw) for s in sc.setup)
    said = [w for w in result.warnings if NAME in w]
    assert len(said) == 1, result.warnings
    assert said[0].startswith(f"line 7: namespace name {NAME!r} is 66 characters: iplab's own")
    assert "ip netns add takes up to 255" in said[0]
    assert result.lines == tuple(
        line for line in PAGE.read_text(encoding="utf-8").splitlines() if line.startswith("sudo")
    )
