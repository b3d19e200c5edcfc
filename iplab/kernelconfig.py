"""The link types, qdiscs, tc classifiers and actions this kernel lacks, named before a run.

A tutorial may make a link of a type this kernel lacks (``ip link add d0 type dummy`` on a
kernel built without ``CONFIG_DUMMY``; ``type vrf``, ``type vlan``) or add a qdisc it lacks
(``tc qdisc add dev v0 root netem delay 100ms``), a classifier or an action (``tc filter
add ... flower ... action drop``, ``u32 ... police rate 1mbit``: hunt L's failed at its
step 25, "Failed to load TC action module"), or filter VLANs on a bridge
(``vlan_filtering 1``, ``bridge vlan add``) without ``CONFIG_BRIDGE_VLAN_FILTERING``. Run,
the step fails halfway ("Unknown device type", "Error: Specified qdisc kind is unknown",
"Operation not supported") and the run rolls back (hunts W and
C met ``vrf``, ``dummy`` and ``vlan`` here). The kernel's own build configuration says which
it has: ``/proc/config.gz``, else ``/boot/config-RELEASE``. An option built in (``=y``) is
there; one built as a module (``=m``) is there when the module is loaded or the host has
modules for this kernel; one the configuration says is not set, or does not list, is not.
When neither file can be read nothing is known, and nothing is refused.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from pathlib import Path

from iplab import tcwords
from iplab.errors import IplabError
from iplab.model import effects_of
from iplab.plan import Plan
from iplab.plurals import plural
from iplab.records import Record, frozen
from iplab.render import Command
from iplab.steps import BridgeVlan, LinkAdd, LinkSet, NetnsExec, Op, Raw

#: a link type: (its configuration option, its module); every TYPE ``ip link help`` lists
#: (iproute2 6.1, hunt Q: vcan, vxcan, netdevsim, macsec and ipoib were missing, so a page
#: making them passed the check and failed at its step), the ``_slave`` types a port's
#: settings take (``type bridge_slave``) included, and a few ip learnt later
LINK_TYPES: dict[str, tuple[str, str]] = {
    "veth": ("VETH", "veth"), "bridge": ("BRIDGE", "bridge"), "vxlan": ("VXLAN", "vxlan"),
    "bridge_slave": ("BRIDGE", "bridge"),
    "macvlan": ("MACVLAN", "macvlan"), "macvtap": ("MACVTAP", "macvtap"),
    "ipvlan": ("IPVLAN", "ipvlan"), "ipvtap": ("IPVTAP", "ipvtap"),
    "dummy": ("DUMMY", "dummy"), "vrf": ("NET_VRF", "vrf"), "vlan": ("VLAN_8021Q", "8021q"),
    "bond": ("BONDING", "bonding"), "bond_slave": ("BONDING", "bonding"),
    "ifb": ("IFB", "ifb"),
    "wireguard": ("WIREGUARD", "wireguard"), "gre": ("NET_IPGRE", "ip_gre"),
    "gretap": ("NET_IPGRE", "ip_gre"), "erspan": ("NET_IPGRE", "ip_gre"),
    "ipip": ("NET_IPIP", "ipip"), "sit": ("IPV6_SIT", "sit"),
    "ip6gre": ("IPV6_GRE", "ip6_gre"), "ip6gretap": ("IPV6_GRE", "ip6_gre"),
    "ip6erspan": ("IPV6_GRE", "ip6_gre"),
    "ip6tnl": ("IPV6_TUNNEL", "ip6_tunnel"), "geneve": ("GENEVE", "geneve"),
    "team": ("NET_TEAM", "team"), "team_slave": ("NET_TEAM", "team"),
    "nlmon": ("NLMON", "nlmon"),
    "vti": ("NET_IPVTI", "ip_vti"), "xfrm": ("XFRM_INTERFACE", "xfrm_interface"),
    "netkit": ("NETKIT", "netkit"), "bareudp": ("BAREUDP", "bareudp"),
    "amt": ("AMT", "amt"), "gtp": ("GTP", "gtp"), "dsa": ("NET_DSA", "dsa_core"),
    "rmnet": ("RMNET", "rmnet"), "wwan": ("WWAN", "wwan"),
    "macsec": ("MACSEC", "macsec"), "netdevsim": ("NETDEVSIM", "netdevsim"),
    "vcan": ("CAN_VCAN", "vcan"), "vxcan": ("CAN_VXCAN", "vxcan"),
    "ipoib": ("INFINIBAND_IPOIB", "ib_ipoib"), "virt_wifi": ("VIRT_WIFI", "virt_wifi"),
}  # fmt: skip
#: an option a link type's option depends on (Kconfig's ``depends on``): (its option, its
#: module); said first, as the kernel lacks the one because it lacks the other
DEPENDS: dict[str, tuple[str, str]] = {
    "CAN_VCAN": ("CAN", "can"), "CAN_VXCAN": ("CAN", "can"),
    "INFINIBAND_IPOIB": ("INFINIBAND", "ib_core"), "VIRT_WIFI": ("CFG80211", "cfg80211"),
    "NET_IPGRE": ("NET_IPGRE_DEMUX", "gre"), "IPV6_GRE": ("IPV6", "ipv6"),
    "IPV6_TUNNEL": ("IPV6", "ipv6"), "IPV6_SIT": ("IPV6", "ipv6"),
}  # fmt: skip
#: a queueing discipline: (its configuration option, its module)
QDISCS: dict[str, tuple[str, str]] = {
    "netem": ("NET_SCH_NETEM", "sch_netem"), "tbf": ("NET_SCH_TBF", "sch_tbf"),
    "htb": ("NET_SCH_HTB", "sch_htb"), "prio": ("NET_SCH_PRIO", "sch_prio"),
    "sfq": ("NET_SCH_SFQ", "sch_sfq"), "fq_codel": ("NET_SCH_FQ_CODEL", "sch_fq_codel"),
    "fq": ("NET_SCH_FQ", "sch_fq"), "ingress": ("NET_SCH_INGRESS", "sch_ingress"),
    "clsact": ("NET_SCH_INGRESS", "sch_ingress"), "red": ("NET_SCH_RED", "sch_red"),
    "hfsc": ("NET_SCH_HFSC", "sch_hfsc"), "cake": ("NET_SCH_CAKE", "sch_cake"),
    "codel": ("NET_SCH_CODEL", "sch_codel"), "drr": ("NET_SCH_DRR", "sch_drr"),
    "mqprio": ("NET_SCH_MQPRIO", "sch_mqprio"), "taprio": ("NET_SCH_TAPRIO", "sch_taprio"),
}  # fmt: skip
#: a filter's classifier: (its configuration option, its module)
CLASSIFIERS: dict[str, tuple[str, str]] = {
    "u32": ("NET_CLS_U32", "cls_u32"), "flower": ("NET_CLS_FLOWER", "cls_flower"),
    "matchall": ("NET_CLS_MATCHALL", "cls_matchall"), "basic": ("NET_CLS_BASIC", "cls_basic"),
    "fw": ("NET_CLS_FW", "cls_fw"), "bpf": ("NET_CLS_BPF", "cls_bpf"),
    "route": ("NET_CLS_ROUTE4", "cls_route"), "flow": ("NET_CLS_FLOW", "cls_flow"),
    "cgroup": ("NET_CLS_CGROUP", "cls_cgroup"),
}  # fmt: skip
#: an action: (its configuration option, its module); a verdict (``action drop``) is gact's
ACTIONS: dict[str, tuple[str, str]] = {
    "police": ("NET_ACT_POLICE", "act_police"), "gact": ("NET_ACT_GACT", "act_gact"),
    "mirred": ("NET_ACT_MIRRED", "act_mirred"), "pedit": ("NET_ACT_PEDIT", "act_pedit"),
    "skbedit": ("NET_ACT_SKBEDIT", "act_skbedit"), "vlan": ("NET_ACT_VLAN", "act_vlan"),
    "tunnel_key": ("NET_ACT_TUNNEL_KEY", "act_tunnel_key"), "csum": ("NET_ACT_CSUM", "act_csum"),
    "nat": ("NET_ACT_NAT", "act_nat"), "connmark": ("NET_ACT_CONNMARK", "act_connmark"),
    "ct": ("NET_ACT_CT", "act_ct"), "sample": ("NET_ACT_SAMPLE", "act_sample"),
    "bpf": ("NET_ACT_BPF", "act_bpf"), "skbmod": ("NET_ACT_SKBMOD", "act_skbmod"),
    "ife": ("NET_ACT_IFE", "act_ife"), "mpls": ("NET_ACT_MPLS", "act_mpls"),
    "simple": ("NET_ACT_SIMP", "act_simple"), "ctinfo": ("NET_ACT_CTINFO", "act_ctinfo"),
    "gate": ("NET_ACT_GATE", "act_gate"),
}  # fmt: skip
#: a bridge's VLAN filtering (a bool option: no module of its own)
VLAN_FILTERING = ("BRIDGE_VLAN_FILTERING", "bridge")


@frozen
class Config(Record):
    """A kernel's build configuration, as its text says (``CONFIG_X=y``, ``# CONFIG_X is not
    set``); an option is looked up when asked for (a lab needs a few of its 6,000 lines)."""

    text: str
    #: where it was read (said in the message)
    source: str
    #: the modules of this kernel's release can be loaded (their directory exists), or one
    #: is loaded already (``/sys/module/NAME``)
    modules: Path = Path("/lib/modules")
    loaded: Path = Path("/sys/module")

    def value(self, option: str) -> str | None:
        """``y``, ``m``... as the text sets the option; None when it is not set or not there."""
        found = re.search(rf"^CONFIG_{re.escape(option)}=(\S+)", self.text, re.MULTILINE)
        return found[1] if found else None

    def lacks(self, option: str, module: str) -> str | None:
        """Why this kernel lacks the option, or None when it has it."""
        value = self.value(option)
        if value == "y":
            return None
        if value == "m":
            if (self.loaded / module).exists() or (self.modules / os.uname().release).is_dir():
                return None
            return f"CONFIG_{option}=m, and this host has no modules for its kernel"
        return f"CONFIG_{option} is not set in {self.source}"


def parse(text: str, source: str) -> Config:
    return Config(text, source)


def this_kernel() -> Config | None:
    """The running kernel's configuration, or None when the host does not say it."""
    proc = Path("/proc/config.gz")
    boot = Path(f"/boot/config-{os.uname().release}")
    try:
        return parse(gzip.decompress(proc.read_bytes()).decode("utf-8", "replace"), str(proc))
    except (OSError, EOFError, gzip.BadGzipFile):
        pass
    try:
        return parse(boot.read_text(encoding="utf-8", errors="replace"), str(boot))
    except OSError:
        return None


def _qdiscs(command: str) -> Iterator[str]:
    """The qdisc kinds a ``tc qdisc add|replace|change`` adds, as tc reads its words
    (``tc q a ... prio``, ``tc qd add ... sfq``: hunt L's passed, then failed at the step)."""
    for line in tcwords.anywhere(command):
        if (kind := line.qdisc_kind()) is not None:
            yield kind


def _tc_needs(command: str) -> Iterator[tuple[str, str, tuple[str, str]]]:
    """What the tc commands of a line need: qdiscs, classifiers, actions."""
    for line in tcwords.anywhere(command):
        if (kind := line.qdisc_kind()) in QDISCS:
            yield "qdisc", kind, QDISCS[kind]
        if (kind := line.filter_kind()) in CLASSIFIERS:
            yield "classifier", kind, CLASSIFIERS[kind]
        yield from (("action", a, ACTIONS[a]) for a in line.actions() if a in ACTIONS)


def needs(command: Command) -> list[tuple[str, str, tuple[str, str]]]:
    """(what, kind, (option, module)) of each link type (``links``), qdisc (``qdisc``),
    classifier and action the command needs."""
    op = command.op
    out: list[tuple[str, str, tuple[str, str]]] = []
    if isinstance(op, LinkAdd) and op.type in LINK_TYPES:
        out += _link_needs(op.type)
    if isinstance(op, Raw | NetnsExec):
        declares = effects_of(op)
        for effect in declares.creates if declares is not None else ():
            if effect.what == "link" and effect.kind in LINK_TYPES:
                out += _link_needs(effect.kind)
        out += _tc_needs(op.command)
    if _filters_vlans(op):
        out.append(("support", "bridge VLAN filtering", VLAN_FILTERING))
    return out


def _link_needs(kind: str) -> list[tuple[str, str, tuple[str, str]]]:
    """What a link type needs: the option it depends on, when it has one, then its own."""
    option = LINK_TYPES[kind]
    depends = [("links", kind, DEPENDS[option[0]])] if option[0] in DEPENDS else []
    return [*depends, ("links", kind, option)]


def _filters_vlans(op: Op) -> bool:
    """``vlan_filtering`` set on a bridge (0 too), or ``bridge vlan add``: the kernel says
    "Operation not supported" when built without ``CONFIG_BRIDGE_VLAN_FILTERING`` (checked
    on this kernel; hunt F: a VLAN-aware bridge's page failed at its step 5, no note before)."""
    if isinstance(op, LinkAdd):
        return op.type == "bridge" and any(k == "vlan_filtering" for k, _ in op.settings)
    if isinstance(op, LinkSet):
        return op.get("type") == "bridge" and op.has("vlan_filtering")
    return isinstance(op, BridgeVlan) and op.verb == "add"


def lacking(plan: Plan, config: Config) -> list[tuple[Command, str]]:
    """Each command that needs what the kernel lacks, with what it lacks and why."""
    found: list[tuple[Command, str]] = []
    known: dict[str, str | None] = {}  # (a star of 500 asks for veth 500 times)
    for pc in plan.commands:
        said: set[tuple[str, str]] = set()  # a link type lacking what it depends on: once
        for what, name, (option, module) in needs(pc.command):
            if option not in known:
                known[option] = config.lacks(option, module)
            if (why := known[option]) is not None and (what, name) not in said:
                said.add((what, name))
                found.append((pc.command, f"{name} {what} ({why})"))
    return found


def refuse_lacking(plan: Plan, config: Config | None) -> list[str]:
    """Refuse, before anything runs, a lab a step of which needs a link type or a qdisc this
    kernel lacks; one only a step the author lets fail needs is returned, for a note."""
    if config is None:
        return []
    found = lacking(plan, config)
    hard = [(c, why) for c, why in found if not (c.step is not None and c.step.may_fail)]
    if not hard:
        return [
            f"this kernel has no {why}: `{c.text}` fails; the author lets it" for c, why in found
        ]
    command = hard[0][0]
    whys = list(dict.fromkeys(why for _, why in hard))  # each once, in the steps' order
    steps = len({id(c) for c, _ in hard})
    more = f" (and {steps - 1} more {plural(steps - 1, 'step')})" if steps > 1 else ""
    raise IplabError(
        f"not starting: this kernel has no {', no '.join(whys)}: `{command.text}` would fail{more}",
        command.step.loc if command.step is not None else None,
        "run the lab on a kernel built with what it needs; --no-preflight starts anyway:"
        " that step fails, and the run rolls back",
    )
