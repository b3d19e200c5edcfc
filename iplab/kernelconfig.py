"""The link types and queueing disciplines this kernel was built without, named before a run.

A tutorial may make a link of a type this kernel lacks (``ip link add d0 type dummy`` on a
kernel built without ``CONFIG_DUMMY``; ``type vrf``, ``type vlan``) or add a qdisc it lacks
(``tc qdisc add dev v0 root netem delay 100ms``), or filter VLANs on a bridge
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
from dataclasses import dataclass
from pathlib import Path

from iplab.errors import IplabError
from iplab.model import effects_of
from iplab.plan import Plan
from iplab.render import Command
from iplab.steps import BridgeVlan, LinkAdd, LinkSet, NetnsExec, Op, Raw
from iplab.words import shell_tokens

#: a link type: (its configuration option, its module)
LINK_TYPES: dict[str, tuple[str, str]] = {
    "veth": ("VETH", "veth"), "bridge": ("BRIDGE", "bridge"), "vxlan": ("VXLAN", "vxlan"),
    "macvlan": ("MACVLAN", "macvlan"), "macvtap": ("MACVTAP", "macvtap"),
    "ipvlan": ("IPVLAN", "ipvlan"), "ipvtap": ("IPVTAP", "ipvtap"),
    "dummy": ("DUMMY", "dummy"), "vrf": ("NET_VRF", "vrf"), "vlan": ("VLAN_8021Q", "8021q"),
    "bond": ("BONDING", "bonding"), "ifb": ("IFB", "ifb"),
    "wireguard": ("WIREGUARD", "wireguard"), "gre": ("NET_IPGRE", "ip_gre"),
    "gretap": ("NET_IPGRE", "ip_gre"), "ipip": ("NET_IPIP", "ipip"),
    "sit": ("IPV6_SIT", "sit"), "ip6gre": ("IPV6_GRE", "ip6_gre"),
    "ip6tnl": ("IPV6_TUNNEL", "ip6_tunnel"), "geneve": ("GENEVE", "geneve"),
    "team": ("NET_TEAM", "team"), "nlmon": ("NLMON", "nlmon"),
    "vti": ("NET_IPVTI", "ip_vti"), "xfrm": ("XFRM_INTERFACE", "xfrm_interface"),
    "netkit": ("NETKIT", "netkit"), "bareudp": ("BAREUDP", "bareudp"),
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
#: a bridge's VLAN filtering (a bool option: no module of its own)
VLAN_FILTERING = ("BRIDGE_VLAN_FILTERING", "bridge")


@dataclass(frozen=True)
class Config:
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


def _matches(word: str, keyword: str) -> bool:
    """iproute2's ``matches``: ``word`` is ``keyword`` or a beginning of it."""
    return bool(word) and keyword.startswith(word)


#: the words before a qdisc's kind that take a value (tc_qdisc_modify): these exactly,
#: ``_TC_MATCHED``'s as any beginning of them, after ``estimator`` and ``stab``
_TC_VALUED = ("dev", "handle", "parent")
_TC_MATCHED = ("ingress_block", "egress_block")
#: the words ``stab`` reads a value after (parse_size_table)
_TC_STAB = frozenset({"mtu", "tsize", "mpu", "overhead", "linklayer"})


def _qdisc_kind(args: list[str]) -> str:
    """The kind in the words after ``tc qdisc add``, where tc reads it: the first word that
    is none of its own (``dev red``, ``parent 1:``, ``handle 10:``, ``root``, ``estimator
    1s 8s``, ``stab ...``); ``ingress`` and ``clsact`` are kinds (hunt I: ``tc qdisc add
    dev red root tbf`` was read as the RED qdisc, and refused)."""
    i = 0
    while i < len(args):
        word = args[i]
        if word in ("ingress", "clsact"):
            return word
        if word == "root":
            i += 1
        elif word in _TC_VALUED:
            i += 2
        elif _matches(word, "estimator"):
            i += 3
        elif _matches(word, "stab"):
            i += 1
            while i < len(args) and args[i] in _TC_STAB:
                i += 2
        elif any(_matches(word, w) for w in _TC_MATCHED):
            i += 2
        else:
            return word
    return ""


def _qdiscs(command: str) -> Iterator[str]:
    """The qdisc kinds a ``tc qdisc add|replace|change`` adds, as its words say."""
    tokens = shell_tokens(command) or []
    for i, word in enumerate(tokens):
        if word == "tc" and tokens[i + 1 : i + 2] == ["qdisc"]:
            verb = tokens[i + 2 : i + 3]
            if verb and any(_matches(verb[0], v) for v in ("add", "replace", "change")):
                yield _qdisc_kind(tokens[i + 3 :])


def needs(command: Command) -> list[tuple[str, str, tuple[str, str]]]:
    """(what, kind, (option, module)) of each link type (``links``) and qdisc (``qdisc``)
    the command needs."""
    op = command.op
    out: list[tuple[str, str, tuple[str, str]]] = []
    if isinstance(op, LinkAdd) and op.type in LINK_TYPES:
        out.append(("links", op.type, LINK_TYPES[op.type]))
    if isinstance(op, Raw | NetnsExec):
        declares = effects_of(op)
        for effect in declares.creates if declares is not None else ():
            if effect.what == "link" and effect.kind in LINK_TYPES:
                out.append(("links", effect.kind, LINK_TYPES[effect.kind]))
        out += [("qdisc", q, QDISCS[q]) for q in _qdiscs(op.command) if q in QDISCS]
    if _filters_vlans(op):
        out.append(("support", "bridge VLAN filtering", VLAN_FILTERING))
    return out


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
        for what, name, (option, module) in needs(pc.command):
            if option not in known:
                known[option] = config.lacks(option, module)
            if (why := known[option]) is not None:
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
    more = f" (and {steps - 1} more step{'s' * (steps > 2)})" if steps > 1 else ""
    raise IplabError(
        f"not starting: this kernel has no {', no '.join(whys)}: `{command.text}` would fail{more}",
        command.step.loc if command.step is not None else None,
        "run the lab on a kernel built with what it needs; --no-preflight starts anyway:"
        " that step fails, and the run rolls back",
    )
