"""Hunt AU: labs with link types beyond veth and bridge (macvlan, ipvlan, vxlan, tun/tap,
vlan, bond, dummy).

#2 (below): a link named as a word ip reads as one of its settings is said at import.

#1 (safety): a script that finds the host's NIC by its default route and makes its
macvlans on it (``IFACE=$(ip route show default | awk '{print $5}')`` then ``ip link add
mvl1 link $IFACE type macvlan mode bridge``): ``check`` said OK and the run hung the lab's
macvlans on the host's NIC. A link made on a link named only as it runs (a variable, a
substitution) in the root namespace is refused before anything runs; and a step with the
values earlier steps set in its words is checked, before it runs, as the preflight checks
a literal one: it is not run, and the run rolls back.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from iplab import ipgrammar, scenario
from iplab.hostnamed import host_link_named, with_values
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.plan import build
from iplab.programs import programs
from iplab.unnamed import links_named, made_on, unnamed_change
from tests.conftest import REPO
from tests.kernel import apart

FIXTURES = REPO / "tests" / "fixtures" / "link-types"


@pytest.mark.parametrize(
    ("line", "lower"),
    [
        ("ip link add mvl1 link eth0 type macvlan mode bridge", ["eth0"]),
        ("ip l a link eth0 name eth0.10 type vlan id 10", ["eth0"]),
        ("ip link add vx0 type vxlan id 42 remote 10.0.0.2 dstport 4789 dev eth0", ["eth0"]),
        ("ip link add dev v0 type veth peer dev v1", []),
        ("ip tuntap add dev tap0 mode tap", []),
        ("ip link add a link up0 type macvlan; ip link add b link a type macvlan", ["up0"]),
        ("ip link add mvl1 link $IFACE type macvlan", []),  # (the run's to check)
    ],
)
def test_the_link_a_link_is_made_on_is_named(line: str, lower: list[str]) -> None:
    assert links_named(line) == lower
    assert host_link_named(line, {"eth0"}) == ("eth0" if lower == ["eth0"] else None)


def test_a_value_an_earlier_step_set_is_read_in_the_words() -> None:
    values = {"IFACE": 'declare -- IFACE="eth0"', "N": 'declare -x N="a b"'}
    text = with_values("ip link add m link $IFACE type macvlan; echo ${IFACE}x $IFACEZ $N", values)
    assert text == "ip link add m link eth0 type macvlan; echo eth0x $IFACEZ a b"
    assert host_link_named(text, {"eth0"}) == "eth0"


def test_a_macvlan_on_the_nic_a_substitution_finds_is_refused_before_anything_runs() -> None:
    """The fixture's link $IFACE, and the same made on $(...) or a vxlan's dev `...`."""
    lab = _page("a01-macvlan-default-iface.sh")
    assert lab.model_error is not None
    assert "runs ip link add mvl1 link $IFACE type macvlan mode bridge" in lab.model_error
    assert "may be the host's own NIC" in lab.model_error
    for line in (
        "ip link add mvx link $(ip route show default | awk '{print $5}') type macvlan",
        "ip link add vxx type vxlan id 5 dev $(ip -o route get 8.8.8.8 | awk '{print $5}')",
    ):
        assert made_on(unnamed_change(line) or "")
    assert unnamed_change("ip -n lab link add m link $P type macvlan") is None  # (confined)
    assert unnamed_change("ip link add $A type veth peer name $B") is None  # (names it makes)


_WITH_A_VALUE = """\
name: nic-by-route
setup:
  - action: raw
    command: IFACE=$(ip route show default | awk '{print $5}')
    observe: true
    shell: true
    sets: [IFACE]
  - action: netns add
    name: lan1
  - action: raw
    command: python3 -c 'import sys' $IFACE
    shell: true
"""


@pytest.mark.kernel
def test_a_step_naming_the_nic_by_a_value_is_not_run(tmp_path: Path) -> None:
    """Apart (tests/kernel.py): a veth named eth0 holds the default route of the namespace
    iplab takes for the host. A program iplab does not read, handed the NIC by a value an
    earlier step set: not run, and the run rolls back (no check can see it before)."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    lab = tmp_path / "lab.yaml"
    lab.write_text(_WITH_A_VALUE)
    iplab = f"PYTHONPATH={REPO} {sys.executable} -m iplab"
    script = (
        "ip link add eth0 type veth peer name up0 && ip addr add 192.168.1.10/24 dev eth0\n"
        "ip link set eth0 up && ip link set up0 up && ip route add default via 192.168.1.1\n"
        f"{iplab} check {lab} > /dev/null; echo check=$?\n"
        f"{iplab} run {lab} --state-dir {state}; echo run=$?\n"
        "echo netns:; ip netns list\n"
    )
    done = apart(script)
    out = done.stdout + done.stderr
    assert "check=0" in done.stdout and "run=1" in done.stdout, out
    assert "python3 -c 'import sys' $IFACE: not run" in done.stderr, out
    assert "names eth0, a link of this host's root namespace" in done.stderr, out
    assert done.stdout.split("netns:", 1)[1].strip() == "", out


def _page(name: str) -> ImportResult:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


# #2: a link named as a word ip reads as one of its settings (``ip link add t type veth``:
# t is txqueuelen, then "type" its value; a and b are address and broadcast). The lines
# were raw steps with no word, check said OK, and the run failed at them. ip's refusal is
# said at import in ip's words, checked against this host's ip in a namespace of its own.
_READ_AS_SETTINGS = [
    "ip link add t type veth peer name tp",
    "ip link add a type veth peer name b",
    "ip link add b type veth peer name bp",
    "ip link add tx type veth peer name txp",
    "ip link add add type veth peer name addp",
    "ip link set t up",
    "ip link set a netns x",
    "ip link set v0 address mac",
]


@pytest.mark.kernel
@pytest.mark.parametrize("line", _READ_AS_SETTINGS)
def test_a_name_ip_reads_as_a_setting_is_said_as_ip_says_it(line: str) -> None:
    said = ipgrammar.refusal(line)
    ran = subprocess.run(
        ["unshare", "-n", *shlex.split(line)],
        capture_output=True, text=True, timeout=10, check=False,
    )  # fmt: skip
    assert ran.returncode != 0
    assert said is not None
    assert ran.stderr.strip().splitlines()[-1] == said


@pytest.mark.parametrize(
    "line",
    [
        "ip link set v0 address 02:00:00:00:00:01",
        "ip link set v0 brd ff:ff:ff:ff:ff:ff",
        "ip link set v0 txqlen 0x10",
        "ip link add n0 type veth peer name n1",
        "ip link add tap0 type veth peer name tap1",
    ],
)
def test_what_ip_takes_of_them_is_not_said_refused(line: str) -> None:
    assert ipgrammar.refusal(line) is None
    assert ipgrammar.read(line) is not None


def test_a_trunk_named_t_is_said_at_import() -> None:
    result = _page("b02-vlan-short.md")
    said = [w for w in result.warnings if 'Invalid "txqueuelen" value' in w]
    assert [w.split(":", 1)[0] for w in said] == ["line 5", "line 9"], result.warnings
    assert "ip refuses 'sudo ip -n r link add t type veth peer name tp'" in said[0]


def test_a_backquoted_substitution_s_programs_are_its_first_words() -> None:
    """#4: ``echo "default via: `ip route show default | awk '{print $5}'`"``: the dry run
    refused the lab, "this host does not have p" (the script read from its third character,
    as a ``$(...)``'s is)."""
    line = (FIXTURES / "c05-backtick.sh").read_text(encoding="utf-8").splitlines()[2]
    assert line.startswith('echo "default via: `ip route')
    assert programs(line) == ["ip", "awk"]
    assert programs("echo $((1 + 2)) $(hostname) `uname -r`") == ["hostname", "uname"]


def test_a_tap_owned_by_the_user_is_made_under_its_own_name() -> None:
    """#5: ``ip -n vmhost tuntap add dev tap-vm0 mode tap user $USER multi_queue`` (and
    ``user $(whoami)``) were raw steps that made no name the model knew: --prefix refused
    the lab ("a name the prefix cannot rename"), and check warned tap-vm0 did not exist.
    Only the owner's words are the shell's: the step makes its tap, and --prefix renames
    it."""
    result = _page("d01-tap-bridge.md")
    assert result.model_error is None
    assert not [w for w in result.warnings if "does not exist" in w], result.warnings
    loaded = scenario.load_text(result.yaml, "d01.yaml")
    plan = build(loaded, prefix="hau1")
    texts = [pc.command.text for pc in plan.commands]
    assert (
        "sudo ip -n hau1vmhost tuntap add dev hau1tap-vm0 mode tap user $USER multi_queue" in texts
    )
    assert "sudo ip -n hau1vmhost tuntap add hau1tap-vm1 mode tap user $(whoami)" in texts
    assert {"hau1tap-vm0", "hau1tap-vm1"} <= plan.owned.links - plan.owned.adopted
