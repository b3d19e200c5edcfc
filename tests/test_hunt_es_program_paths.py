"""Hunt ES: one reading of a command's program.

Scripts name their tools by path (``IP=/sbin/ip``, ``/usr/sbin/iptables -t nat -A ...``,
``/usr/sbin/brctl addbr``; tests/fixtures/scripts-es/), and iplab had four readings of a
command's first word: ``words.standard_program`` (sysctl's readers, hunt EP),
``ipgrammar.program_name`` (ip, bridge, brctl only), ``wrappers.program_name`` (any
basename, so ``./ip`` and ``/opt/x/ip`` were ip) and some forty sites comparing the word as
written (``argv[0] == "iptables"``, ``words[:1] == ["sudo"]``). A line written with a path
was understood at one site and not at the next: the same script written ``/sbin/ip``,
``/usr/sbin/tc``, ``/usr/bin/sudo`` imported with more raw steps, "cannot undo" lines, a
``pkill`` refused as the host's, and a ``brctl delbr`` of a bridge still up let through.

Now :func:`iplab.wrappers.program_name` is the one reading: a standard path (/sbin,
/usr/sbin, /bin, /usr/bin, /usr/local/sbin, /usr/local/bin) is its program; any other word
stays itself (``./ip``, ``/opt/x/ip``: another program). The words a step shows are never
changed, only what iplab understands of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import forgotten, jobs, lab, nettools, ovs, scenario, state, tcwords, words
from iplab.errors import ScenarioError
from iplab.importer.convert import import_text
from iplab.importer.reader import first_program
from iplab.ipwords import adds_names
from iplab.wrappers import program_name
from tests.conftest import FIXTURES
from tests.pages import script_ran_clean

ES = FIXTURES / "scripts-es"


@pytest.mark.parametrize(
    ("word", "program"),
    [
        ("ip", "ip"),
        ("/sbin/ip", "ip"),
        ("/usr/sbin/iptables", "iptables"),
        ("/bin/ping", "ping"),
        ("/usr/bin/sudo", "sudo"),
        ("/usr/local/sbin/tc", "tc"),  # (built from source, installed where make puts it)
        ("./ip", "./ip"),  # (another program: the tutorial's own)
        ("/opt/x/ip", "/opt/x/ip"),
        ("/usr/sbin/x/ip", "/usr/sbin/x/ip"),
        ("/sbin/", "/sbin/"),
        ("$IP", "$IP"),
    ],
)
def test_one_reading_of_a_program(word: str, program: str) -> None:
    assert program_name(word) == program


def _same(bare: object, path: object) -> None:
    assert path == bare, (bare, path)


def test_a_namespace_s_own_option_by_path() -> None:
    assert words.ip_netns("/sbin/ip -n a route replace default via 10.0.0.1") == "a"
    assert words.ip_netns("./ip -n a route replace default via 10.0.0.1") is None


def test_a_listing_of_namespaces_after_sudo_at_its_path() -> None:
    assert words.listing_of_netns(["/usr/bin/sudo", "ip", "netns"]) is not None
    assert words.listing_of_netns(["/usr/bin/ls", "/var/run/netns"]) is not None
    assert words.listing_of_netns(["./ip", "netns"]) is None


@pytest.mark.parametrize(
    "line",
    ["/usr/sbin/iptables -nvL", "/usr/sbin/iptables-save", "/sbin/route -n", "/usr/sbin/arp -n"],
)
def test_a_read_by_its_path_is_a_read(line: str) -> None:
    assert words.reads_only(line)
    assert not words.reads_only("/opt/x/" + line.rsplit("/", maxsplit=1)[-1])


def test_the_undo_of_a_rule_by_its_path_keeps_the_author_s_word() -> None:
    undo = words.known_undo("/sbin/ip rule add from 10.0.0.1 table 7")
    assert undo == "/sbin/ip rule del from 10.0.0.1 table 7"
    assert words.known_undo("/usr/sbin/nft add table inet f") is not None


def test_a_forgotten_rule_delete_by_its_path() -> None:
    assert forgotten._deletes_a_host_rule(("/usr/sbin/iptables", "-D", "INPUT", "-j", "DROP"))
    assert forgotten._check(("/usr/sbin/iptables", "-D", "INPUT", "-j", "DROP")) == (
        "/usr/sbin/iptables",
        "-C",
        "INPUT",
        "-j",
        "DROP",
    )


def test_a_kill_by_its_path() -> None:
    bare, path = jobs.request("kill %1"), jobs.request("/bin/kill %1")
    assert bare is not None and path is not None and path.program == bare.program == "kill"
    assert jobs.unscoped_signal("ip netns exec a /usr/bin/pkill iperf3", netns=True) is None


def test_ifconfig_and_route_by_their_paths() -> None:
    line = "ifconfig v0 10.0.0.1 netmask 255.255.255.0 up"
    _same(nettools.as_ip(line), nettools.as_ip("/sbin/" + line))
    _same(nettools.as_ip("sudo " + line), nettools.as_ip("/usr/bin/sudo /sbin/" + line))
    assert nettools.as_ip("/sbin/route add default gw 10.0.0.2") is not None


def test_names_made_by_brctl_at_its_path_and_through_sudo_at_its_path() -> None:
    assert adds_names(["/usr/sbin/brctl", "addbr", "b0"])
    assert lab._stage_adds_names(["/usr/bin/sudo", "ip", "netns", "add", "n0"])
    assert lab._stage_adds_names(["/usr/bin/xargs", "-I{}", "/sbin/ip", "netns", "add", "{}"])


def test_brctl_settings_by_its_path() -> None:
    _same(state._raw_sets("brctl setfd b0 0"), state._raw_sets("/usr/sbin/brctl setfd b0 0"))


def test_ovs_by_its_path_after_sudo_at_its_path() -> None:
    line = "ovs-vsctl --may-exist add-br ob0"
    assert ovs.may_exist_bridges("/usr/bin/sudo /usr/bin/" + line) == frozenset({"ob0"})


def test_tc_at_a_standard_path_is_tc_and_elsewhere_another_program() -> None:
    assert tcwords.read(["/usr/sbin/tc", "qdisc", "add", "dev", "v", "root", "pfifo"])
    assert tcwords.read(["/home/me/iproute2/tc/tc", "qdisc", "add", "dev", "v", "root"]) is None


def test_tc_anywhere_in_a_line_by_its_path() -> None:
    found = list(tcwords.anywhere("sudo /usr/sbin/tc qdisc add dev v root netem delay 1ms"))
    assert [(t.obj, t.verb) for t in found] == [("qdisc", "add")]


def test_a_netns_exec_step_s_ip_by_its_path_is_refused_as_ip_refuses_it() -> None:
    text = "name: p\nsetup:\n  - action: netns exec\n    in: a\n    command: {}\n"
    with pytest.raises(ScenarioError, match="ip refuses"):
        scenario.load_text(text.format("/sbin/ip addr add 10.0.0.300/24 dev v"), "p.yaml")


def test_a_page_s_line_by_its_path_is_a_command() -> None:
    assert first_program("/sbin/ip addr show") == "ip"
    assert first_program("sudo -E /usr/sbin/tc qdisc show") == "tc"


def _unpathed(text: str) -> str:
    for where in ("/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"):
        text = text.replace(where, "")
    return text


#: one lab written twice: with its programs' paths and without (the probe that found
#: model._program, bareaddr and the sites above); each line is a real script's form
_BOTH_WAYS = """\
/usr/sbin/ip netns add qa
/usr/sbin/ip netns add qb
/usr/sbin/ip link add qva type veth peer name qvb
/usr/sbin/ip link set qva netns qa
/usr/sbin/ip link set qvb netns qb
/usr/sbin/ip -n qa addr add 10.7.0.1/24 dev qva
/usr/sbin/ip -n qb addr add 10.7.0.2/24 dev qvb
/usr/sbin/ip -n qa link set qva up
/usr/sbin/ip -n qb link set qvb up
/usr/sbin/ip netns exec qb /usr/sbin/iptables -A FORWARD -i qvb -j ACCEPT
/usr/sbin/ip netns exec qb /usr/bin/iperf3 -s -D
/usr/sbin/ip netns exec qa /bin/ping -c 1 10.7.0.2
/usr/sbin/brctl addbr qbr
/sbin/ifconfig qbr 10.8.0.1 netmask 255.255.255.0 up
/usr/bin/sudo -E /sbin/ip link add qd0 type dummy
/usr/bin/ls /var/run/netns
/usr/sbin/ip netns exec qb /usr/bin/pkill iperf3 || true
/usr/sbin/brctl delbr qbr
/usr/sbin/ip link del qd0
/usr/sbin/ip netns del qa
/usr/sbin/ip netns del qb
"""


def test_a_lab_written_with_paths_imports_as_it_does_without() -> None:
    path = import_text(_BOTH_WAYS, "shell", "paths.sh")
    bare = import_text(_unpathed(_BOTH_WAYS), "shell", "bare.sh")
    assert [_unpathed(c) for c in path.cannot_undo] == list(bare.cannot_undo)
    assert bare.model_error is not None and "brctl delbr refuses it" in bare.model_error
    assert path.model_error is not None and "brctl delbr refuses it" in path.model_error
    assert path.model_error.replace("/usr/sbin/", "") == bare.model_error


@pytest.mark.parametrize(
    "name", ["es01-nat-paths-and-bare-iptables.sh", "es02-nat-outbound-sbin-iptables.sh"]
)
def test_the_nat_scripts_say_every_rule_by_path_or_not(name: str) -> None:
    text = (ES / name).read_text(encoding="utf-8")
    result = import_text(text, "shell", name)
    said = [c for c in result.host_changes if "changes the host's packet filter" in c]
    assert len(said) == sum(1 for line in text.splitlines() if "iptables -" in line), said
    assert result.model_error is None, result.model_error


# -- run: a lab written by paths goes up, is verified and leaves nothing -----------------

_RUN = """\
/usr/sbin/ip netns add ka
/usr/sbin/ip netns add kb
/usr/sbin/ip link add kva type veth peer name kvb
/usr/sbin/ip link set kva netns ka
/usr/sbin/ip link set kvb netns kb
/usr/sbin/ip netns exec ka /usr/sbin/ip addr add 10.71.0.1/24 dev kva
/usr/sbin/ip netns exec kb /usr/sbin/ip addr add 10.71.0.2/24 dev kvb
/usr/sbin/ip netns exec ka /usr/sbin/ip link set kva up
/usr/sbin/ip netns exec kb /usr/sbin/ip link set kvb up
/usr/sbin/ip netns exec ka /sbin/tc qdisc add dev kva root tbf rate 1mbit burst 32k latency 50ms
/usr/sbin/ip netns exec kb /usr/sbin/iptables -A INPUT -i kvb -j ACCEPT
/usr/sbin/ip netns exec ka /bin/ping -c 1 -W 2 10.71.0.2
"""


@pytest.mark.kernel
def test_a_lab_by_paths_imports_whole_and_runs_clean(tmp_path: Path) -> None:
    """Every line is understood (nothing iplab cannot undo), and under its prefix the
    lab is made, verified and taken down."""
    result = import_text(_RUN, "shell", "paths.sh")
    assert result.cannot_undo == (), result.cannot_undo
    assert result.model_error is None, result.model_error
    out = script_ran_clean(_RUN, "esxpa1", "esx", tmp_path)
    assert "/usr/sbin/ip netns add esxpa1ka" in out, out


def test_the_vlan_bridge_lab_by_its_paths_is_typed_and_its_ethtool_looked_for() -> None:
    """es03 (re-typed after vpss' dev-env setup.sh): every ip and bridge line by its path is
    typed, and the preflight looks for /usr/sbin/ethtool as written (this host may lack it:
    the run is then refused before anything starts, naming the line)."""
    name = "es03-vlan-bridge-usr-sbin-paths.sh"
    result = import_text((ES / name).read_text(encoding="utf-8"), "shell", name)
    assert result.model_error is None, result.model_error
    assert result.cannot_undo == (), result.cannot_undo
    raw = [line for line in result.yaml.splitlines() if "command: /usr/sbin/" in line]
    assert raw == ["    command: /usr/sbin/ethtool -K up1 rxvlan off txvlan off rx-vlan-filter off"]
