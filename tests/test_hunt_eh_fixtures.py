"""Hunt EH's scripts (tests/fixtures/scripts-eh/, sources in its README): each imports, and
the model follows it; the ones that worked before the hunt's fixes keep working. What each
did and does now is in the README; the fixes have tests of their own
(tests/test_hunt_eh_hyphen_functions.py, tests/test_hunt_eh_peer_addresses.py,
tests/test_hunt_eh_sibling_clean_slate.py, tests/test_hunt_eh_chain_or_true.py)."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.test_hunt_ds_fixtures import imports_as_expected

EH = FIXTURES / "scripts-eh"

#: file -> (the arguments it is run with, typed steps, raw steps)
EXPECTED = {
    "eh01-routing-netns/setup-net.sh": (None, 36, 0),
    # (its two functions, defined and never called: printed, run nothing)
    "eh01-routing-netns/commands.sh": (None, 0, 2),
    # (its raw steps: ifconfig veth01 up in the root namespace, traceroute)
    "eh02-course-peer-addresses-root-routes-nat.sh": (None, 32, 2),
    # (its raw steps: the two sleep 1)
    "eh03-router-lab-abbreviated-sleep-set-v.sh": (None, 8, 2),
    "eh04-course-and-chain-or-true-netem-lo.sh": (["lossy"], 6, 0),
    # (its raw steps: mkdir -p results, chmod a+rwx results)
    "eh05-streamer-tester/server.sh": (None, 5, 2),
    # (its raw steps: the loop over ip netns list, which runs nothing here; killall twice,
    # which the run limits to the lab's processes)
    "eh05-streamer-tester/delete_namespaces.sh": (None, 0, 3),
    "eh06-bgp-testbed-ethtool-offload.sh": (None, 47, 0),
    "eh07-dhcp-testbed-quiet-deletes-root-address.sh": (None, 12, 0),
    # (eh08, PingGuoLiZiJvZi/service_decouple's router/env.sh, was hunt DG's already:
    # tests/fixtures/hunt-dg/router-env.sh, tests/test_hunt_dg_script_arguments.py)
}


def test_every_script_of_the_family_is_listed() -> None:
    # (helpers: a teardown, and a client of a server another script makes; neither is a
    # lab alone, and the model says so)
    helpers = {"eh01-routing-netns/cleanup.sh", "eh05-streamer-tester/client.sh"}
    assert {p.relative_to(EH).as_posix() for p in EH.rglob("*.sh")} - helpers == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_script_imports_and_the_model_follows_it(name: str) -> None:
    imports_as_expected(EH / name, *EXPECTED[name])
