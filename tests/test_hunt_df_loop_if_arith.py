"""Hunt DF #4: a switch test-bed's veth loops (``veth-loop-if-absent-arith-string.sh``).

Each pair is made ``if ! ip link show $intf0 &> /dev/null; then ... fi`` inside ``for idx
in 0 1 2 3 4``; the second loop's index is ``idx=port_idx+5``, a string bash's
``$(($idx))`` evaluates as arithmetic. Before:

* a comment line in the if's body (``# sudo ip netns exec ... route add ...``) read as no
  command, so the whole if was skipped ("a nested if is skipped", at top level "an 'if'
  block whose condition iplab cannot evaluate"), and the loop with it;
* ``$(($idx))`` with ``idx=port_idx+5`` could not be evaluated: the second loop was
  skipped too (16 of the script's 87 commands were read);
* ``sudo sysctl ...`` after ``sudo ip netns exec sw sysctl ...`` was said to be the rest of
  that line "broken without a '\\'", because this host has no ``sudo``;
* its root ``sysctl net.ipv6.conf.swcpu.disable_ipv6=1`` of the lab's own link was listed
  as a change of the host.
"""

from __future__ import annotations

import pytest

from iplab.importer.arith import arithmetic
from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.pages import imported

SCRIPT = FIXTURES / "hunt-df" / "veth-loop-if-absent-arith-string.sh"


def test_both_loops_are_read_and_nothing_is_said_wrongly() -> None:
    result, _lab = imported(SCRIPT)
    summary = result.summary()
    assert (result.setup, result.typed) == (87, 85), summary
    assert "skipped" not in summary and "looks like the rest of line" not in summary, summary
    assert "the host itself" not in summary, summary
    assert result.model_error is None, summary


@pytest.mark.parametrize("nested", [False, True])
def test_a_comment_in_the_body_of_an_if_guard(nested: bool) -> None:
    guard = (
        "if ! ip link show v$i &> /dev/null; then\n"
        "  ip link add v$i type veth peer name w$i\n"
        "  # ip link set v$i up\n"
        "fi\n"
    )
    script = f"for i in 0 1; do\n{guard}done\n" if nested else "i=0\n" + guard
    result = import_text(script, "shell", "lab.sh")
    assert result.setup == (2 if nested else 1) and result.typed == result.setup, result.summary()


@pytest.mark.parametrize(
    ("text", "values", "want"),
    [
        ("$(($idx))", {"idx": "p+5", "p": "2"}, 7),
        ("$((idx * 2))", {"idx": "p+5", "p": "2"}, 14),
        ("$(($a*3))", {"a": "1+2"}, None),  # (bash pastes the text: 1+2*3, not read)
        ("$((x))", {"x": "x+1"}, None),  # (bash: expression recursion level exceeded)
        ("$((x))", {"x": "y"}, None),
    ],
)
def test_a_value_that_is_an_expression(text: str, values: dict[str, str], want: int | None) -> None:
    got = arithmetic(text, values)
    assert got is not None and got[1] == want, got


def test_a_sudo_line_after_an_ip_netns_exec_line_is_its_own() -> None:
    script = (
        "ip netns add sw\nip link add cp type veth peer name sc\nip link set cp netns sw\n"
        "sudo ip netns exec sw sysctl net.ipv6.conf.cp.disable_ipv6=1\n"
        "sudo sysctl net.ipv6.conf.sc.disable_ipv6=1\n"
    )
    summary = import_text(script, "shell", "lab.sh").summary()
    assert "looks like the rest of line" not in summary, summary
    assert "the host itself" not in summary, summary
