"""A router namespace the lab never turns forwarding on in (hunt DL: a course's two-bridge
lab, tests/fixtures/hunt-dl/dl08-two-bridges-router-no-forwarding.sh, routes four nodes
through a router namespace and writes no ip_forward; it forwarded on its author's host,
whose ip_forward a new namespace inherits, and here, where the host's is 0, its pings
across the router were lost while check, up and verify said OK). The plan now warns at
the first route through such a router; a lab that writes the key (to 1 or to 0), a
namespace of one leg, and one a raw step may have written are not warned of."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.plan import build
from tests.conftest import FIXTURES
from tests.kernel import apart
from tests.pages import imported

HUNT = FIXTURES / "hunt-dl"
SAID = "no step turns forwarding on in it"

ROUTER = """\
ip netns add a
ip netns add r
ip netns add b
ip link add va type veth peer name ra
ip link add vb type veth peer name rb
ip link set va netns a
ip link set ra netns r
ip link set rb netns r
ip link set vb netns b
ip -n a addr add 10.1.0.2/24 dev va
ip -n r addr add 10.1.0.1/24 dev ra
ip -n r addr add 10.2.0.1/24 dev rb
ip -n b addr add 10.2.0.2/24 dev vb
ip -n a link set va up
ip -n r link set ra up
ip -n r link set rb up
ip -n b link set vb up
ip -n a route add default via 10.1.0.1
ip -n b route add default via 10.2.0.1
"""


def _warnings(text: str) -> list[str]:
    plan = build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))
    return [str(w) for w in plan.warnings if SAID in str(w)]


def test_the_course_lab_is_warned_of_at_its_first_route_through_the_router() -> None:
    _result, lab = imported(HUNT / "dl08-two-bridges-router-no-forwarding.sh")
    said = [str(w) for w in build(lab).warnings if SAID in str(w)]
    assert len(said) == 1, said
    assert "namespace rt" in said[0] and "172.30.0.1, 10.40.0.1" in said[0], said
    assert "setup[45]" in said[0], said  # (ip netns exec n1 ip route add default via ...)
    assert "sysctl -w net.ipv4.ip_forward=1" in said[0], said


def test_a_router_without_forwarding_is_warned_of() -> None:
    said = _warnings(ROUTER)
    assert len(said) == 1 and "namespace r " in said[0], said


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec r sysctl -w net.ipv4.ip_forward=1",
        "ip netns exec r sysctl net.ipv4.ip_forward=1",
        "ip netns exec r sysctl -w net.ipv4.conf.all.forwarding=1",
        "ip netns exec r sysctl -w net.ipv4.ip_forward=0",  # (the author's choice: said)
        "ip netns exec r sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'",
        "ip netns exec r ./enable-forwarding.sh",  # (unknown effect: it may write it)
        "ip netns exec r sysctl -w net.ipv4.conf.ra.forwarding=1",  # (a device's: at it)
        "ip netns exec r sysctl -w net.ipv4.conf.default.forwarding=1",
    ],
)
def test_a_router_the_lab_writes_forwarding_in_or_may_is_not(line: str) -> None:
    assert _warnings(ROUTER + line + "\n") == []


@pytest.mark.parametrize(
    "script",
    [
        "dl01-router-conf-all-forwarding.sh",
        "dl02-two-routers-dumbbell.sh",
        "dl06-sysctl-without-w-tcpdump-wrong-link.sh",
    ],
)
def test_the_hunts_routers_that_forward_are_not(script: str) -> None:
    _result, lab = imported(HUNT / script)
    assert [w for w in build(lab).warnings if SAID in str(w)] == []


IPV6 = """\
ip -n a addr add fd01::2/64 dev va nodad
ip -n r addr add fd01::1/64 dev ra nodad
ip -n r addr add fd02::1/64 dev rb nodad
ip -n b addr add fd02::2/64 dev vb nodad
ip -n a route add default via fd01::1
ip -n b route add default via fd02::1
ip netns exec r sysctl -w net.ipv4.ip_forward=1
"""


def test_an_ipv6_router_without_ipv6_forwarding_is_warned_of() -> None:
    """IPv6's settings of a new namespace start at the kernel's defaults (forwarding off)
    whatever the host's: IPv4 forwarding turned on does not forward IPv6."""
    said = _warnings(ROUTER + IPV6)
    assert len(said) == 1 and "fd01::1, fd02::1" in said[0], said
    assert "IPv6 forwarding off" in said[0] and "net.ipv6.conf.all.forwarding=1" in said[0]
    assert (
        _warnings(ROUTER + IPV6 + "ip netns exec r sysctl -w net.ipv6.conf.all.forwarding=1\n")
        == []
    )


@pytest.mark.parametrize(
    "fixture",
    [
        "stored-pages-8/p1-syntaxbug-ns-router-sysctl-p.md",  # (sysctl -p ns-router.conf)
        "scripts/hunt-K-04c-routers-noecho.sh",  # (ns_exec "$1": ip netns exec "r2" ...)
    ],
)
def test_other_hunts_routers_that_turn_forwarding_on_are_not(fixture: str) -> None:
    """Found by running the check over every stored page: a router whose forwarding a
    loaded sysctl file turns on, and one whose name a function's quotes wrap."""
    _result, lab = imported(FIXTURES / fixture)
    assert [w for w in build(lab, lenient=True).warnings if SAID in str(w)] == []


def test_a_route_to_the_routers_own_loopback_asks_no_forwarding() -> None:
    """``10.200.0.0/24 via`` a namespace whose loopback holds 10.200.0.1/32 (and no other
    namespace an address there): the packets end in it (tests/fixtures/routes/
    multipath-replaced.sh). To the far side's subnet, they are forwarded: warned."""
    text = ROUTER.replace("ip -n b route add default via 10.2.0.1\n", "")
    text = text.replace("ip -n a route add default via 10.1.0.1\n", "")
    own = (
        text
        + "ip -n r addr add 10.200.0.1/32 dev lo\nip -n a route add 10.200.0.0/24 via 10.1.0.1\n"
    )
    assert _warnings(own) == []
    assert len(_warnings(text + "ip -n a route add 10.2.0.0/24 via 10.1.0.1\n")) == 1


def test_one_leg_is_no_router() -> None:
    text = ROUTER.replace("ip -n r addr add 10.2.0.1/24 dev rb\n", "")
    text = text.replace("ip -n b route add default via 10.2.0.1\n", "")
    assert _warnings(text) == []


@pytest.mark.kernel
def test_a_new_namespace_takes_ip_forward_from_the_hosts_root_namespace() -> None:
    """The premise, read only: a new namespace's ip_forward is the root namespace's (the
    kernel's init_net), not that of the namespace that makes it (apart: a namespace of the
    test's own, taken for the host, writes 1, and the one it makes still has the root's)."""
    with open("/proc/sys/net/ipv4/ip_forward", encoding="ascii") as host:
        root = host.read().strip()
    done = apart(
        "sysctl -qw net.ipv4.ip_forward=1\n"
        "ip netns add dlxfw1\n"
        "echo new=$(ip netns exec dlxfw1 cat /proc/sys/net/ipv4/ip_forward)\n"
        "ip netns del dlxfw1\n"
    )
    assert f"new={root}\n" in done.stdout, (root, done.stdout + done.stderr)
