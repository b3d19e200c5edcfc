"""Hunt DY's scripts (tests/fixtures/scripts-dy/, sources in its README): each imports, and
the model follows it; the ones that worked before the hunt's fixes keep working. What each
did and does now is in the README; the fixes have tests of their own
(tests/test_hunt_dy_labelled_groups.py, tests/test_hunt_dy_ensure_functions.py,
tests/test_hunt_dy_quoted_name_prefix.py, tests/test_hunt_dy_getopts_given.py)."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.test_hunt_ds_fixtures import imports_as_expected

DY = FIXTURES / "scripts-dy"

#: file -> (the arguments it is run with, typed steps, raw steps)
EXPECTED = {
    # (its two raw steps: the sections of narration and settings, which run nothing)
    "dy01-colon-label-brace-groups-nat.sh": (None, 23, 2),
    "dy02-idempotent-or-echo-if-not-link-show.sh": (None, 11, 1),
    # (its 14 raw steps: its 14 function definitions, printed as written, run nothing)
    "dy03-subcommands-flags-ensure-functions.sh": (["create"], 8, 14),
    "dy04-pattern-substitution-addresses-root-route.sh": (None, 33, 0),
    "dy05-loop-arith-names-if-not-link-show.sh": (None, 54, 0),
    # (its 5 raw steps: $(realpath $0), $(dirname ...), and the three calls of its helper
    # through echo_run in each namespace, which preflight refuses: "this host does not
    # have echo_run")
    "dy06-srv6/simple/2hosts_1router.sh": (["-c"], 28, 5),
}


def test_every_script_of_the_family_is_listed() -> None:
    helpers = {"dy06-srv6/functions.sh"}
    assert {p.relative_to(DY).as_posix() for p in DY.rglob("*.sh")} - helpers == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_script_imports_and_the_model_follows_it(name: str) -> None:
    imports_as_expected(DY / name, *EXPECTED[name])
