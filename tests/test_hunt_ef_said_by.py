"""Hunt EF #3: an undo that found its object gone is said in one line, with the words of
the program that found it so; that line said "ip said:" whatever the program: after an
impairment removed by hand, ``down`` said "1 gone already: `tc qdisc del dev efx4vethY
root`; ip said: Error: Cannot delete qdisc with handle of zero." (tc said it). The line
now names the program the undo ran, past ``sudo`` and ``ip netns exec NS``."""

from __future__ import annotations

import pytest

from iplab.undo import gone_already

TC_SAID = "Error: Cannot delete qdisc with handle of zero."


@pytest.mark.parametrize(
    ("undo", "said", "who"),
    [
        ("tc qdisc del dev efx4vethY root", TC_SAID, "tc"),
        ("sudo ip netns exec efx4ns1 tc qdisc del dev veth1 root", TC_SAID, "tc"),
        ("sudo -E timeout 5 tc qdisc del dev efx4vethY root", TC_SAID, "tc"),
        ("sudo ip netns del efx4ns1", "Cannot remove namespace file: No such file", "ip"),
        ("ip link del efx4br0", 'Cannot find device "efx4br0"', "ip"),
    ],
)
def test_gone_already_names_the_program_that_said_it(undo: str, said: str, who: str) -> None:
    line = gone_already([undo], [said])
    assert line == f"1 gone already: `{undo}`; {who} said: {said}", line
