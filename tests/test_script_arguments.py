"""A script that takes its names as arguments (``./namespace.sh red 10.0.0.1``): iplab runs
it with none, and said only "$1 is evaluated by the shell" (hunt BU's leftover). It now says
that $1 is the script's argument, and how to give it a value that iplab reads; the script
written as the hint says imports whole (tests/fixtures/leftovers10/).
"""

from __future__ import annotations

from iplab.plan import build
from tests.conftest import FIXTURES
from tests.pages import imported

PAGES = FIXTURES / "leftovers10"


def test_an_argument_is_said_as_one() -> None:
    result, _ = imported(PAGES / "script-arguments.sh")
    said = [w for w in result.warnings if "cannot resolve $" in w]
    assert len(said) == 5, result.warnings
    assert all("is an argument the script is run with, and iplab runs it with none" in w
               for w in said), said  # fmt: skip
    assert any("(ARG2=${2:-value})" in w for w in said), said
    assert not any("evaluated by the shell" in w for w in result.warnings)


def test_the_script_with_defaults_as_the_hint_says_imports_whole() -> None:
    result, sc = imported(PAGES / "script-arguments-defaulted.sh")
    assert not [w for w in result.warnings if "cannot resolve" in w], result.warnings
    assert [pc.command.text for pc in build(sc).commands][:4] == [
        "ip netns add red",  # (run with the defaults; printed as written: ip netns add $NS)
        "ip link add veth-red type veth peer name ceth-red",
        "ip link set ceth-red netns red",
        "ip -n red addr add 10.0.0.1/24 dev ceth-red",
    ]
