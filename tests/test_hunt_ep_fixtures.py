"""Hunt EP's scripts (tests/fixtures/scripts-ep/, sources and licenses in its README; the
unlicensed ones re-typed, to the same counts as the originals): each imports, and the model
follows it; the ones that worked before the hunt's fixes keep working. What each did and
does now is in the README; the fixes have tests of their own
(tests/test_hunt_ep_program_paths.py, tests/test_hunt_ep_delete_with_peer.py,
tests/test_hunt_ep_python_refusal.py, tests/test_hunt_ep_delete_not_made.py)."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.test_hunt_ds_fixtures import imports_as_expected

EP = FIXTURES / "scripts-ep"

#: file -> (the arguments it is run with, typed steps, raw steps)
EXPECTED = {
    # (raw: each function's definition, which runs nothing)
    "ep02-router-namespace-functions-case-arg.sh": (["setup"], 34, 8),
    # (raw: the ip link | grep veth listings, the pings || echo -e $FAIL, tmux split-pane of
    # the tunnel daemons, sleep 120)
    "ep03-wg-three-boxes-bridge-in-namespace-brctl.sh": (None, 38, 17),
    # (raw: ifconfig of its root veth, the root namespace's iptables REDIRECT rule)
    "ep04-envoy-original-dst/netns_setup.sh": (["myns", "10.0.100.0/24"], 6, 2),
    # (raw: mkdir, the two heredoc files, gobgpd started in the background, sleep)
    "ep05-gobgp-zebra-heredoc-yaml-background.sh": (None, 18, 9),
    "ep07-xdp-filter-makefile/netns.sh": (None, 3, 0),
}


def test_every_script_of_the_family_is_listed() -> None:
    # (helpers: Envoy's cleanup, a teardown read alone, which the model says deletes what
    # does not exist; the Python module and the Makefile are refused, with the way out)
    helpers = {"ep04-envoy-original-dst/netns_cleanup.sh"}
    assert {p.relative_to(EP).as_posix() for p in EP.rglob("*.sh")} - helpers == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_script_imports_and_the_model_follows_it(name: str) -> None:
    imports_as_expected(EP / name, *EXPECTED[name])
