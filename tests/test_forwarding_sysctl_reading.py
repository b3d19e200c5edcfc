"""The router-forwarding warning (iplab/forwarding.py) asks the model which sysctl keys a
lab's steps wrote in a namespace, as iplab/sysctl.py reads the writes
(:attr:`iplab.state.Namespace.sysctls_named`), no longer a step's text for substrings.

Before: a line that only READS the key (``ip netns exec r sysctl net.ipv4.ip_forward``,
``ip netns exec r cat /proc/sys/net/ipv4/ip_forward``, ``sysctl -a | grep ip_forward``)
silenced the warning as if it turned forwarding on; so did an IPv6 device's key
(``net.ipv6.conf.rb.forwarding=1``) or ``conf.default``'s, which forward no IPv6 packet
(checked on the kernel below: the kernel forwards IPv6 by ``conf.all.forwarding`` alone).
Now those are warned of; every write the sysctl module reads still silences it."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.state import replay
from iplab.sysctl import ANY_KEY
from tests.kernel import apart
from tests.test_hunt_dl_router_forwarding import IPV6, ROUTER

SAID = "no step turns forwarding on in it"


def _warnings(text: str) -> list[str]:
    plan = build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))
    return [str(w) for w in plan.warnings if SAID in str(w)]


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec r sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'",
        "ip netns exec r sysctl -w net.ipv4.ip_forward=1",
        "ip netns exec r sysctl -qw net.ipv4.conf.all.forwarding=1",
        "ip netns exec r sysctl net.ipv4.ip_forward=1",
        "echo 1 | ip netns exec r tee /proc/sys/net/ipv4/ip_forward",
        "ip netns exec r sysctl -p r.conf",
    ],
)
def test_each_write_the_sysctl_module_reads_silences_it(line: str) -> None:
    assert _warnings(ROUTER + line + "\n") == []


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec r sysctl net.ipv4.ip_forward",
        "ip netns exec r sysctl net.ipv4.conf.all.forwarding",
        "ip netns exec r cat /proc/sys/net/ipv4/ip_forward",
        "ip netns exec r sysctl -a | grep ip_forward",
        "ip netns exec b sysctl -w net.ipv4.ip_forward=1",  # (another namespace's)
    ],
)
def test_a_line_that_only_reads_the_key_does_not(line: str) -> None:
    said = _warnings(ROUTER + line + "\n")
    assert len(said) == 1 and "namespace r " in said[0], said


def test_the_model_records_every_key_written_where_it_is() -> None:
    text = ROUTER + (
        "ip netns exec r sysctl -w net.ipv4.conf.ra.rp_filter=0\n"
        "ip netns exec b sh -c 'echo 1 > /proc/sys/net/ipv6/conf/vb/forwarding'\n"
        "ip netns exec a sysctl -p a.conf\n"
    )
    lab = scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml")
    *_, (_sim, state) = replay(lab.setup)
    assert state.namespaces["r"].sysctls_named == {"net/ipv4/conf/ra/rp_filter"}
    assert state.namespaces["b"].sysctls_named == {"net/ipv6/conf/vb/forwarding"}
    assert state.namespaces["a"].sysctls_named == {ANY_KEY}


@pytest.mark.parametrize(
    "lines",
    [
        "ip netns exec r sysctl -w net.ipv6.conf.ra.forwarding=1\n"
        "ip netns exec r sysctl -w net.ipv6.conf.rb.forwarding=1\n",
        "ip netns exec r sysctl -w net.ipv6.conf.default.forwarding=1\n",
    ],
)
def test_an_ipv6_devices_forwarding_does_not_forward_and_is_said(lines: str) -> None:
    said = _warnings(ROUTER + IPV6 + lines)
    assert len(said) == 1 and "fd01::1, fd02::1" in said[0], said
    assert "does not forward it" in said[0] and "net.ipv6.conf.all.forwarding" in said[0]
    all_on = "ip netns exec r sysctl -w net.ipv6.conf.all.forwarding=1\n"
    assert _warnings(ROUTER + IPV6 + lines + all_on) == []


@pytest.mark.kernel
def test_the_kernel_forwards_ipv6_by_conf_all_alone() -> None:
    """The premise, in a network of the test's own (apart): a router whose two legs'
    ``net.ipv6.conf.DEV.forwarding`` are 1 loses the pings; ``conf.all`` at 1 with the
    legs' at 0 forwards them."""
    legs = "".join(
        f"ip link add dqx{a} type veth peer name dqx{b}\n"
        f"ip link set dqx{a} netns dqxn{a}\nip link set dqx{b} netns dqxr\n"
        f"ip -n dqxn{a} addr add fd0{n}::2/64 dev dqx{a} nodad\n"
        f"ip -n dqxr addr add fd0{n}::1/64 dev dqx{b} nodad\n"
        f"ip -n dqxn{a} link set dqx{a} up\nip -n dqxr link set dqx{b} up\n"
        f"ip -n dqxn{a} route add default via fd0{n}::1\n"
        for n, a, b in ((1, "a", "ra"), (2, "b", "rb"))
    )
    ping = "ip netns exec dqxna ping -6 -c 1 -W 2 fd02::2 >/dev/null 2>&1 && echo ok || echo lost"
    done = apart(
        "for n in dqxna dqxr dqxnb; do ip netns add $n; done\n"
        + legs
        + "sleep 2\n"
        + "ip netns exec dqxr sysctl -qw net.ipv6.conf.dqxra.forwarding=1"
        " net.ipv6.conf.dqxrb.forwarding=1\n"
        + f"echo devices=$({ping})\n"
        + "ip netns exec dqxr sysctl -qw net.ipv6.conf.all.forwarding=1"
        " net.ipv6.conf.dqxra.forwarding=0 net.ipv6.conf.dqxrb.forwarding=0\n"
        + f"echo all=$({ping})\n"
    )
    said = done.stdout + done.stderr
    assert "devices=lost\n" in done.stdout and "all=ok\n" in done.stdout, said
