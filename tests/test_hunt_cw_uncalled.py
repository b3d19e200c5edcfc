"""Hunt CW #1 (tests/fixtures/stored-pages-13/p1-fosshelp-bridge-arp.md): a 2014 blog's
whole lab is one shell function, ``create_3_namespaces_and_1_bridge() { ... }`` (three
namespaces, a brctl bridge, three veth pairs, addresses, a ping), which the page never
calls. Before: import said nothing, check said OK, and ``iplab run`` made nothing and said
``OK: 1 command, 0/0 claims hold``. Now import says, at the function's line, that no line
calls it, that none of its commands runs, and how to run it. A function the input calls,
a trap's handler, or a script that runs what its arguments name is not said."""

from __future__ import annotations

import pytest

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES

P1 = FIXTURES / "stored-pages-13" / "p1-fosshelp-bridge-arp.md"


def _warnings(text: str, name: str) -> tuple[str, ...]:
    return import_text(text, detect_kind(name, text), name).warnings


def test_the_blog_s_uncalled_function_is_said() -> None:
    said = [w for w in _warnings(P1.read_text(encoding="utf-8"), P1.name) if "no line" in w]
    assert len(said) == 1, said
    assert said[0].startswith("line 14: create_3_namespaces_and_1_bridge() is defined")
    assert "none of its 25 commands (ip, brctl) runs" in said[0]
    assert "call create_3_namespaces_and_1_bridge on a line of its own" in said[0]


def test_one_command_is_said_as_one() -> None:
    said = _warnings("f() {\n  sudo -E ip netns add a\n}\n", "lab.sh")
    assert said == (
        "line 1: f() is defined but no line of the input calls it: bash only defines it,"
        " and its command (ip) does not run; printed as written. To run it, call f on a"
        " line of its own after it",
    )


@pytest.mark.parametrize(
    "script",
    [
        "f() {\n  ip netns add a\n}\nf\n",  # called
        "function f {\n  ip netns add a\n}\nsudo f\n",  # (sudo f: bash cannot, but it is said)
        "f() {\n  ip netns del a\n}\ntrap f EXIT\nip netns add a\n",  # a trap's handler
        'up() {\n  ip netns add a\n}\ndown() {\n  ip netns del a\n}\n"$@"\n',  # by argument
        "say() {\n  echo hi\n}\n",  # prints only
        "f() {\n  ip netns add a\n}\nfor i in 1 2; do f; done\n",  # in a loop
    ],
)
def test_a_function_that_runs_or_makes_nothing_is_not_said(script: str) -> None:
    assert not [w for w in _warnings(script, "lab.sh") if "no line of the input calls" in w]
