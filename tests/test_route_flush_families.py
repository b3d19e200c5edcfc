"""What each form of ``ip route flush`` leaves in a namespace's main table, in the model
as in the kernel (hunt DQ, a code review of iplab/model.py's RouteFlush branch).

Before: the model took the kernel's prefix routes (``10.9.1.0/24 dev a proto kernel``)
for an IPv4 flush only: after ``ip -6 route flush table main`` it held IPv6's still
(``fd09:1::/64``, ``fe80::/64``), so a route through a gateway on that subnet was taken and
the run failed ("No route to host"); ``ip -4 route flush all`` (``-6``, ``default``) took
every route of the model and left the namespace's routes unknown, where ip reads the word
as the prefix 0/0, exactly, and the kernel takes the default route alone. After ``ip
route flush all`` a gateway on the flushed subnet was taken too ("Nexthop has invalid
gateway" run). Each row of ``AFTER`` was read on this kernel (6.18) by the kernel test
below, which reads it again; nothing adds the flushed prefix routes back (three seconds
after, they are still gone) until the address is added again or the link comes up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError, connected_routes
from iplab.plan import build, expected_state
from iplab.state import Namespace, State
from tests.kernel import apart
from tests.pages import script_ran_clean

_MADE = """\
ip netns add {n}
ip -n {n} link set lo up
ip -n {n} link add {p}a type veth peer name {p}b
ip -n {n} link set {p}a up
ip -n {n} link set {p}b up
ip -n {n} addr add 10.9.1.1/24 dev {p}a
ip -n {n} addr add fd09:1::1/64 dev {p}a nodad
ip -n {n} route add 10.9.2.0/24 via 10.9.1.2
ip -n {n} route add default via 10.9.1.3
ip -n {n} -6 route add fd09:2::/64 via fd09:1::2
ip -n {n} -6 route add default via fd09:1::3
"""
V4 = ["10.9.1.0/24", "10.9.2.0/24", "default"]
V6 = ["default", "fd09:1::/64", "fd09:2::/64", "fe80::/64", "fe80::/64"]
#: flush -> (the destinations of IPv4's main table after it, of IPv6's), sorted
AFTER = {
    "route flush all": ([], V6),
    "route flush table main": ([], V6),
    "-4 route flush table main": ([], V6),
    "-4 route flush all": (V4[:2], V6),
    "route flush default": (V4[:2], V6),
    "-6 route flush all": (V4, V6[1:]),
    "-6 route flush table main": (V4, []),
}


def _main(state: State, space: Namespace, family: int) -> list[str]:
    """The main table of ``family`` the model holds: the lab's routes and the kernel's."""
    routes = [r for r in space.routes if r.family == family and r.table is None]
    routes += connected_routes(state, space, family)
    return sorted(r.to for r in routes)


def _plan(text: str) -> object:
    return build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))


@pytest.mark.parametrize("flush", sorted(AFTER))
def test_the_model_holds_what_the_kernel_holds_after_each_flush(flush: str) -> None:
    state = expected_state(_plan(_MADE.format(n="n", p="l") + f"ip -n n {flush}\n"))  # type: ignore[arg-type]
    space = state.namespaces["n"]
    assert (_main(state, space, 4), _main(state, space, 6)) == AFTER[flush]
    assert space.routes_known  # (verify compares them)


@pytest.mark.parametrize(
    ("flush", "route", "said"),
    [
        ("-6 route flush table main", "-6 route add fd09:3::/64 via fd09:1::2", "No route to"),
        ("route flush all", "route add 10.9.3.0/24 via 10.9.1.2", "invalid gateway"),
    ],
)
def test_a_gateway_on_a_flushed_subnet_is_refused_as_the_kernel_does(
    flush: str, route: str, said: str
) -> None:
    text = _MADE.format(n="n", p="l") + f"ip -n n {flush}\n"
    with pytest.raises(ModelError, match=said):
        _plan(text + f"ip -n n {route}\n")
    net = "fd09:1::/64" if "-6" in flush else "10.9.1.0/24"
    again = f"ip -n n {'-6 ' if '-6' in flush else ''}route add {net} dev la\n"
    _plan(text + again + f"ip -n n {route}\n")  # (its subnet's route written again: taken)


@pytest.mark.kernel
def test_the_kernel_holds_each_row() -> None:
    """Each row of AFTER, read in a network of the test's own (apart)."""
    show = (
        "ip -n dqxn -{f} -j route | python3 -c"
        " 'import json,sys; print(json.dumps(sorted(r[\"dst\"] for r in json.load(sys.stdin))))'"
    )
    script = ""
    for flush in sorted(AFTER):
        script += _MADE.format(n="dqxn", p="dqx") + "sleep 1\n" + f"ip -n dqxn {flush}\nsleep 3\n"
        script += f'echo "{flush}|$({show.format(f=4)})|$({show.format(f=6)})"\nip netns del dqxn\n'
    done = apart(script)
    rows = {}
    for line in done.stdout.splitlines():
        flush, v4, v6 = line.split("|")
        rows[flush] = (json.loads(v4), json.loads(v6))
    assert rows == AFTER, done.stderr


@pytest.mark.kernel
def test_a_lab_of_the_flushes_runs_and_verifies(tmp_path: Path) -> None:
    prefix = "dqxrf1"
    lab_text = _MADE.format(n="n", p="l") + (
        "ip -n n -6 route flush table main\n"
        "ip -n n -6 route add fd09:1::/64 dev la\n"
        "ip -n n -6 route add default via fd09:1::3\n"
        "ip -n n -4 route flush all\n"
        "ip -n n route add default via 10.9.1.4\n"
    )
    script_ran_clean(lab_text, prefix, "dqx", tmp_path)
