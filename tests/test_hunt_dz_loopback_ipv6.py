"""IPv6 addresses on lo (hunt DZ #2: pages give a router namespace its loopback address,
``ip -6 addr add 2001:db8::1/128 dev lo``, or a /64 there, and routes it by hand). Checked
on this kernel: lo's IPv4 addresses route in the local table alone, but its IPv6 ones
give the main table a prefix route as any link's do (``2001:db8:1::/64 dev lo proto kernel
metric 256``; ``2001:db8::1 dev lo`` for a /128; none for ``::1``), which ``ip -6 route
del`` takes and which an ``ip -6 route add`` of the same prefix and metric meets ("File
exists"). The model left lo out, and asked no IPv6 prefix route of any link at ``route
del`` or ``route add``: a page deleting lo's (or a veth's) IPv6 prefix route was refused,
"no route to ... at this step", and one adding it again at metric 256 was taken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError, connected_routes
from iplab.plan import Plan, build, expected_state
from tests.kernel import apart
from tests.pages import script_ran_clean

LAB = """\
ip netns add {n}
ip -n {n} link set lo up
ip -n {n} link add {p}a type veth peer name {p}b
ip -n {n} link set {p}a up
ip -n {n} link set {p}b up
ip -n {n} -6 addr add fd09:1::1/64 dev {p}a nodad
ip -n {n} -6 addr add 2001:db8:1::1/64 dev lo
ip -n {n} -6 addr add 2001:db8::1/128 dev lo
ip -n {n} addr add 10.5.0.1/24 dev lo
"""
#: IPv6's main table after LAB, read on this kernel (the kernel test reads it again)
MAIN6 = ["2001:db8:1::/64", "2001:db8::1", "fd09:1::/64", "fe80::/64", "fe80::/64"]


def _plan(text: str) -> Plan:
    return build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))


def _lab(extra: str = "") -> str:
    return LAB.format(n="n", p="l") + extra


def test_the_model_holds_los_ipv6_prefix_routes() -> None:
    state = expected_state(_plan(_lab()))
    space = state.namespaces["n"]
    assert sorted(r.to for r in connected_routes(state, space, 6)) == [
        "2001:db8:1::/64", "2001:db8::1/128", "fd09:1::/64", "fe80::/64", "fe80::/64",
    ]  # fmt: skip
    assert [r.to for r in connected_routes(state, space, 4)] == []  # (lo's: the local table)


@pytest.mark.parametrize(
    "line",
    [
        "ip -n n -6 route del 2001:db8:1::/64 dev lo",
        "ip -n n -6 route del 2001:db8::1 dev lo",
        "ip -n n -6 route del fd09:1::/64 dev la",  # (any link's IPv6 prefix route)
        "ip -n n -6 route add 2001:db8:1::/64 dev lo",  # (metric 1024: beside the kernel's)
    ],
)
def test_lines_the_kernel_takes_are_taken(line: str) -> None:
    _plan(_lab(line + "\n"))


def test_the_same_prefix_at_the_kernels_metric_is_refused() -> None:
    with pytest.raises(ModelError, match="File exists"):
        _plan(_lab("ip -n n -6 route add 2001:db8:1::/64 dev lo metric 256\n"))


def test_deleted_it_can_be_added_again_at_that_metric() -> None:
    _plan(
        _lab(
            "ip -n n -6 route del 2001:db8:1::/64 dev lo\n"
            "ip -n n -6 route add 2001:db8:1::/64 dev lo metric 256\n"
        )
    )


@pytest.mark.kernel
def test_the_kernel_holds_them(tmp_path: Path) -> None:
    """The main table of IPv6 after LAB, read in a network of the test's own (apart);
    then the page's lines run by iplab under a prefix, verified."""
    show = (
        "ip -n dzxn -6 -j route | python3 -c"
        " 'import json,sys; print(json.dumps(sorted(r[\"dst\"] for r in json.load(sys.stdin))))'"
    )
    done = apart(LAB.format(n="dzxn", p="dzx") + f'sleep 1\necho "main6=$({show})"\n')
    line = next(x for x in done.stdout.splitlines() if x.startswith("main6="))
    assert json.loads(line.removeprefix("main6=")) == MAIN6, done.stdout + done.stderr
    text = _lab(
        "ip -n n -6 route del 2001:db8:1::/64 dev lo\n"
        "ip -n n -6 route del 2001:db8::1 dev lo\n"
        "ip -n n -6 route add 2001:db8:1::/64 dev lo metric 256\n"
        "ip -n n -6 route add 2001:db8:2::/64 via fd09:1::2\n"
    )
    script_ran_clean(text, "dzxlo1", "dzx", tmp_path)
