"""Hunt BJ #3: a ``$`` prompt glued to the command (``$sudo ip rule add ...``).

``tests/fixtures/stored-pages-5/bg-p01-policy-routing.md`` types ``$ip rule list`` and
``$sudo ip rule add sport 8080 table 100`` in its code blocks: import said "no command
found ... lines 18, 19 hold ip commands inside sentences". Now a ``$`` glued to a program
iplab knows is read as the prompt, unless the word is a variable of the page's
(``glued-dollar-variable.md``: ``ip="sudo ip"`` then ``$ip link add ...``) or the block has
another ``$`` line that is the shell's (``glued-dollar-unset-variable.md``: ``$NS_EXEC``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES

HERE = FIXTURES / "leftovers6"


def _imported(path: Path) -> tuple[str, str]:
    text = path.read_text()
    result = import_text(text, detect_kind(str(path), text), str(path))
    return result.summary(), result.yaml


def test_the_policy_routing_page_s_commands() -> None:
    said, yaml = _imported(FIXTURES / "stored-pages-5" / "bg-p01-policy-routing.md")
    assert "3 commands" in said
    assert "line: ip rule list" in yaml
    assert "command: ip rule add sport 8080 table 100" in yaml
    assert "line: ip route add default via 130.140.150.100 table 100" in yaml
    assert "output: |-\n      0:      from all lookup local" in yaml  # (what it printed)


def test_a_variable_of_the_page_stays_one() -> None:
    said, yaml = _imported(HERE / "glued-dollar-variable.md")
    assert "expanded shell variables: $ip (line 6)" in said
    assert (
        "script: $ip link add veth0 type veth peer name veth1\n    variables:\n      ip: sudo ip"
        in (yaml)
    )


def test_glued_beside_spaced_prompts() -> None:
    said, yaml = _imported(HERE / "glued-dollar-mixed.md")
    assert "neither a command" not in said
    assert "name: blue" in yaml


def test_beside_a_variable_line_nothing_is_guessed() -> None:
    path = HERE / "glued-dollar-unset-variable.md"
    text = path.read_text()
    with pytest.raises(UsageError, match="no command found"):
        import_text(text, detect_kind(str(path), text), str(path))
