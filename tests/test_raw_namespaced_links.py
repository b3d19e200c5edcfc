"""A raw step that changes a link of another namespace by its own words (``ip netns exec r
ip addr add ... dev r-h1``, ``ip -n r link set r-h1 up``): the model no longer knows that
link's state there, and verify skips it (hunt CC's leftover: it was looked for where the
line runs, the root, and verify said ``r-h1@r.addresses: expected none, found 10.0.1.1/24``
after a clean run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import verify
from iplab.names import ROOT
from iplab.plan import expected_state, load
from iplab.words import changes_what_verify_sees

FIXTURES = Path(__file__).parent / "fixtures" / "leftovers12"


@pytest.mark.parametrize(
    ("line", "changed"),
    [
        ("ip link set veth0 up", [(None, "veth0")]),
        ("ip netns exec r ip addr add 10.0.1.1/24 dev r-h1", [("r", "r-h1")]),
        ("sudo ip netns exec r ip link set dev r-h1 up", [("r", "r-h1")]),
        ("ip -n r link set r-h1 up", [("r", "r-h1")]),
        ("ip -netns r -4 addr add 10.0.1.1/24 dev r-h1", [("r", "r-h1")]),
        ("ip netns exec r sh -c 'ip link set r-h1 up && ip addr add 10.0.1.1/24 dev r-h1'",
         [("r", "r-h1"), ("r", "r-h1")]),
        ("ip -n r neigh add 10.0.1.2 lladdr 02:00:00:00:00:02 dev r-h1", []),
        ("ip -n r link set mv3 type macvlan mode bridge", []),  # (a mode: not compared)
        ("ip -n r link set mv3 up type macvlan mode bridge", [("r", "mv3")]),
        ("ip -n r link show r-h1", []),
    ],
)  # fmt: skip
def test_the_namespace_a_line_names_is_where_its_link_changes(
    line: str, changed: list[tuple[str | None, str]]
) -> None:
    assert changes_what_verify_sees(line) == changed


@pytest.mark.parametrize("name", ["raw-netns-exec-addr.yaml", "raw-ip-n-addr.yaml"])
def test_verify_skips_the_link_a_raw_step_changed_in_its_namespace(name: str) -> None:
    expected = expected_state(load(str(FIXTURES / name), prefix="hq1"))
    assert "hq1r-h1@hq1r" in verify.unknowable(expected)
    assert not expected.certain(expected.namespaces["hq1r"].links["hq1r-h1"])
    # the peer in the root, which no raw step changed, is still compared
    assert expected.certain(expected.namespaces[ROOT].links["hq1h1-r"])
