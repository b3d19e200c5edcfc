"""Link types, qdiscs and bridge VLAN filtering the kernel lacks, named before a run
(iplab/kernelconfig.py).

Hunt W's VRF lab (``type vrf``) and hunt C's memo (``type dummy``) failed at their step on
this machine's kernel, built without them, and rolled back; nothing said so before the run.
``tests/fixtures/kernel/config-6.18-firecracker.gz`` is that kernel's own ``/proc/config.gz``.
"""

from __future__ import annotations

import gzip
import os
import subprocess
from pathlib import Path

import pytest

from iplab import kernelconfig, scenario
from iplab.errors import IplabError
from iplab.importer.convert import import_text
from iplab.plan import build
from tests.kernel import iplab

HERE = Path(__file__).parent / "fixtures" / "kernel"
CONFIG = kernelconfig.parse(
    gzip.decompress((HERE / "config-6.18-firecracker.gz").read_bytes()).decode(), "/proc/config.gz"
)


def _plan(text: str, name: str = "lab.md") -> scenario.Scenario:
    return scenario.load_text(import_text(text, "markdown", name).yaml, "lab.yaml")


def test_the_configuration_says_what_the_kernel_has() -> None:
    assert CONFIG.lacks("VETH", "veth") is None and CONFIG.lacks("BRIDGE", "bridge") is None
    assert CONFIG.lacks("DUMMY", "dummy") == "CONFIG_DUMMY is not set in /proc/config.gz"
    assert CONFIG.lacks("NET_SCH_NETEM", "sch_netem") is not None
    assert CONFIG.lacks("NO_SUCH_OPTION", "x") is not None  # not listed: not built


def test_a_module_is_there_when_loaded_or_when_the_host_has_modules(tmp_path: Path) -> None:
    config = kernelconfig.Config("CONFIG_DUMMY=m\n", "c", tmp_path / "lib", tmp_path / "sys")
    assert (
        config.lacks("DUMMY", "dummy")
        == "CONFIG_DUMMY=m, and this host has no modules for its kernel"
    )
    (tmp_path / "sys" / "dummy").mkdir(parents=True)
    assert config.lacks("DUMMY", "dummy") is None  # loaded already
    (tmp_path / "sys" / "dummy").rmdir()
    (tmp_path / "lib" / os.uname().release).mkdir(parents=True)
    assert config.lacks("DUMMY", "dummy") is None  # loadable


def test_hunt_w_s_vrf_lab_is_refused_before_anything_runs() -> None:
    plan = build(_plan((HERE / "vrf-lab.md").read_text(), "vrf-lab.md"))
    found = kernelconfig.lacking(plan, CONFIG)
    assert [(c.text, why) for c, why in found] == [
        ("sudo ip -n vr link add vrf-blue type vrf table 10",
         "vrf links (CONFIG_NET_VRF is not set in /proc/config.gz)"),
    ]  # fmt: skip
    with pytest.raises(IplabError, match="this kernel has no vrf links") as caught:
        kernelconfig.refuse_lacking(plan, CONFIG)
    assert caught.value.loc is not None and caught.value.loc.line
    assert kernelconfig.refuse_lacking(plan, None) == []  # the host does not say: nothing known


def test_raw_lines_and_qdiscs_are_judged_too() -> None:
    page = (
        "```\nip netns add dm\nip -n dm link add d0 type dummy\n"
        "ip netns exec dm tc qdisc add dev lo root netem delay 10ms\n"
        "ip netns exec dm tc qdisc add dev lo handle ffff: ingress\n"
        "ip -n dm link add v0 type veth peer name v1 || true\n```\n"
    )
    found = kernelconfig.lacking(build(_plan(page)), CONFIG)
    assert [why.split(" (")[0] for _, why in found] == ["dummy links", "netem qdisc"]


def test_a_step_the_author_lets_fail_is_a_note() -> None:
    page = "```\nip netns add dm\nip -n dm link add d0 type dummy || true\n```\n"
    notes = kernelconfig.refuse_lacking(build(_plan(page)), CONFIG)
    assert len(notes) == 1 and notes[0].startswith("this kernel has no dummy links")


def test_a_qdisc_s_kind_is_read_where_tc_reads_it() -> None:
    """Hunt I (t8): ``ip netns exec red tc qdisc add dev red root tbf ...`` was refused ("this
    kernel has no red qdisc"): the device's name was taken for the RED qdisc's."""
    plan = build(_plan((HERE / "t8-tc-shaping.md").read_text(), "t8-tc-shaping.md"))
    assert kernelconfig.lacking(plan, CONFIG) == []
    kinds = [
        "tc qdisc add dev red parent red handle red estimator red red stab mtu red tbf",
        "tc qdisc replace dev red handle ffff: ingress",
        "tc qdisc a dev x ingress_block red root red",
        "tc qdisc change dev red root",
        "tc qdisc del dev red root red",
    ]
    read = [list(kernelconfig._qdiscs(k)) for k in kinds]
    assert read == [["tbf"], ["ingress"], ["red"], [""], []]


def test_a_vlan_filtering_bridge_needs_its_option() -> None:
    """Hunt F (08): ``ip link set br0 type bridge vlan_filtering 1`` failed at step 5 with
    "Operation not supported" (this kernel has no ``CONFIG_BRIDGE_VLAN_FILTERING``; nor have
    ``vlan_filtering 0`` and ``bridge vlan add``, checked), and nothing said so before."""
    page = (HERE / "08-bridge-vlan-filtering.md").read_text()
    found = kernelconfig.lacking(build(_plan(page, "08.md")), CONFIG)
    assert [c.text for c, _ in found] == [
        "sudo ip -n sw link set br0 type bridge vlan_filtering 1",
        "sudo bridge -n sw vlan add vid 10 dev p1 pvid untagged",
        "sudo bridge -n sw vlan add vid 10 dev p2 pvid untagged",
        "sudo bridge -n sw vlan add vid 20 dev p2 pvid untagged",
    ]
    assert found[0][1] == (
        "bridge VLAN filtering support (CONFIG_BRIDGE_VLAN_FILTERING is not set in /proc/config.gz)"
    )
    made = "```\nip netns add s\nip -n s link add b0 type bridge vlan_filtering 0\n```\n"
    assert len(kernelconfig.lacking(build(_plan(made)), CONFIG)) == 1


@pytest.mark.kernel
def test_this_host_s_configuration_agrees_with_its_kernel(prefix: str, state_dir: Path) -> None:
    """What the configuration says of dummy links is what the kernel does, in a namespace of
    the test's own; and a lab that needs what it lacks is refused by up and its dry run."""
    config = kernelconfig.this_kernel()
    if config is None:
        pytest.skip("this host does not say how its kernel was built")
    ns = f"{prefix}kc"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        made = subprocess.run(
            ["ip", "-n", ns, "link", "add", "d0", "type", "dummy"],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)
    lacks = config.lacks(*kernelconfig.LINK_TYPES["dummy"])
    assert (made.returncode != 0) == (lacks is not None), (made.stderr, lacks)
    if lacks is None:
        return
    lab = state_dir / "dummy.md"
    lab.write_text("```\nip netns add dm\nip -n dm link add d0 type dummy\n```\n")
    yaml = state_dir / "dummy.yaml"
    assert iplab("import", str(lab), "-o", str(yaml), state=state_dir).returncode == 0
    for extra in ((), ("--dry-run",)):
        up = iplab("up", str(yaml), "--prefix", prefix, *extra, state=state_dir)
        assert up.returncode == 1 and "this kernel has no dummy links" in up.stderr, up.stderr
    listed = subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True, check=False
    ).stdout
    assert f"{prefix}dm" not in listed


@pytest.mark.kernel
def test_tc_on_a_link_named_red_runs_and_a_vlan_bridge_is_refused(
    prefix: str, state_dir: Path
) -> None:
    """Hunt I (t8) was refused before it ran; hunt F (08) ran and failed at its step 5."""
    config = kernelconfig.this_kernel()
    if config is None:
        pytest.skip("this host does not say how its kernel was built")
    for page in ("t8-tc-shaping.md", "08-bridge-vlan-filtering.md"):
        lab = (HERE / page).read_text()
        (state_dir / f"{page}.yaml").write_text(import_text(lab, "markdown", page).yaml)
    t8 = iplab("up", str(state_dir / "t8-tc-shaping.md.yaml"), "--prefix", prefix,
               state=state_dir)  # fmt: skip
    assert t8.returncode == 0, t8.stdout + t8.stderr
    down = iplab("down", f"{prefix}t8-tc-shaping", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
    if config.lacks(*kernelconfig.VLAN_FILTERING) is None:
        return
    f08 = iplab("up", str(state_dir / "08-bridge-vlan-filtering.md.yaml"), "--prefix", prefix,
                state=state_dir)  # fmt: skip
    assert f08.returncode == 1, f08.stdout + f08.stderr
    assert "this kernel has no bridge VLAN filtering support" in f08.stderr, f08.stderr


def _ip_link_types() -> list[str]:
    """The TYPEs ``ip link help`` lists on this machine (it prints its help on stderr)."""
    try:
        said = subprocess.run(["ip", "link", "help"], capture_output=True, text=True, check=False)
    except OSError:
        pytest.skip("no ip on this machine")
    listed = said.stdout + said.stderr
    start = listed.index("TYPE := {") + len("TYPE := {")
    return listed[start : listed.index("}", start)].replace("|", " ").split()


def test_every_link_type_ip_link_help_lists_has_its_option() -> None:
    """Hunt Q (03b): vcan, vxcan, netdevsim, macsec and ipoib had no entry, so a page making
    them passed the check, then failed at its step ("Unknown device type") and rolled back."""
    types = _ip_link_types()
    assert len(types) > 30 and "vcan" in types
    assert [t for t in types if t not in kernelconfig.LINK_TYPES] == []
    assert all(o.isupper() and m for o, m in kernelconfig.LINK_TYPES.values())


def test_hunt_q_s_interface_types_page_is_refused_for_vcan_and_netdevsim() -> None:
    """Hunt Q (03b-redhat-interfaces-in-a-netns.sh): ``up --dry-run`` named bond, vlan,
    ipvlan, nlmon, dummy, but not vcan (CONFIG_CAN not set) nor netdevsim."""
    name = "hunt-q-03b-redhat-interfaces-in-a-netns.sh"
    text = (HERE.parent / "famous" / name).read_text()
    lab = scenario.load_text(import_text(text, "shell", name).yaml, "03b.yaml")
    whys = [why for _, why in kernelconfig.lacking(build(lab), CONFIG)]
    assert "vcan links (CONFIG_CAN is not set in /proc/config.gz)" in whys
    assert "netdevsim links (CONFIG_NETDEVSIM is not set in /proc/config.gz)" in whys
    assert not any(w.startswith("vcan links (CONFIG_CAN_VCAN") for w in whys)  # said once
