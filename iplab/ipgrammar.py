"""The grammar of ``ip``, ``bridge`` and ``brctl`` lines, read the way the tools read them.

iproute2 does not have one spelling per command: every object, verb and many keywords
may be abbreviated to any prefix (its ``matches()``: ``ip l a`` is ``ip link add``,
``ip a s`` is ``ip address show``), the first keyword of its table that the word
abbreviates wins (``ip n`` is ``neighbor``, not ``netns``; ``ip l s`` is ``link set``,
not ``show``), and most arguments come in any order (``ip link set up dev v1``).
This module follows those tables (iproute2's ``ip/ip.c``, ``ip/iplink.c``,
``ip/ipaddress.c``, ``ip/iproute.c``, ``ip/ipnetns.c``, ``bridge/bridge.c``,
``bridge/vlan.c``, and bridge-utils' ``brctl``) and reads a line into the op it
means.

Why the op carries the line (``Op.text``) rather than one scenario field per spelling:
the spellings multiply (abbreviations x orders x optional keywords x spacing), and a
field per spelling would grow without end while never being sure to render back byte
for byte. So a line read here keeps its author's exact text (``line:`` in a scenario,
printed through ``templates/line.j2``), and the op's other fields say what it does: the
model, the journal's inverses and verify use those. Two proofs keep the two honest
(:mod:`iplab.lineparse`): the line's fields load back to the same op, and the text
read again gives the same op. Lines the older field forms already render exactly keep
those forms (so existing scenarios and goldens do not change).

:func:`read` gives the typed op of a line, or None. :func:`effects` says what a line
that is not typed does to link and namespace names: a :class:`~iplab.steps.Declares`
(possibly empty: ``sysctl``, ``iptables``, ``ip neigh add`` change no names), or None
when nothing is known (then the model marks what it cannot place as *unknown*).

Why this module is long: iproute2's grammar tables (ip link, addr, route, netns; bridge;
brctl) in the order the tools read them: a grammar reads best whole.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import itertools
import re
import shlex
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Literal

from iplab import ipwords, jobs, names, neighwords, vxlan
from iplab.ipwords import (
    ADDR_VERBS,
    BRIDGE_OBJECTS,
    IP_OBJECTS,
    LINK_VERBS,
    NETNS_VERBS,
    ROUTE_VERBS,
    SHOW_VERBS,
    first,
    matches,
)
from iplab.pingline import read_ping
from iplab.records import Record, frozen, mutable
from iplab.steps import (
    AddrAdd,
    AddrDel,
    AddrFlush,
    BridgePortsSet,
    BridgeVlan,
    Declares,
    Effect,
    EffectKind,
    LinkAdd,
    LinkAttr,
    LinkDel,
    LinkSet,
    NetnsAdd,
    NetnsDel,
    NetnsDelAll,
    NetnsExec,
    NetnsExecAll,
    Op,
    Probe,
    RouteAdd,
    RouteDel,
    RouteFlush,
    Show,
)
from iplab.sysctl import sysctl_writes
from iplab.words import (
    FIND_ACTS,
    MACVLAN_MODES,
    SHELL_SYNTAX,
    inside_netns,
    namespace_entry,
    needs_shell,
    netns_scoped,
    placeholder,
    reads_only,
    shell_tokens,
    simple_commands,
    strip_sudo,
    substitutions,
    words_with_values,
    xargs_runs,
)
from iplab.wrappers import past_how_it_runs, program_name, runs_sudo

#: ip's words when a keyword that reads a value ends the line (its NEXT_ARG(), iproute2 6.1)
INCOMPLETE = 'Command line is not complete. Try option "help"'


class NoMatch(Exception):
    """The words do not read as a typed op (internal); ``said``: what ip itself says of
    them, when ip refuses the line whatever the host holds (a typo: :func:`refusal`)."""

    def __init__(self, said: str | None = None, name: str | None = None) -> None:
        super().__init__(said)
        self.said = said
        #: a name ip itself takes that iplab does not type (``ip netns add web:1``)
        self.name = name


#: every word ``ip link add`` and ``ip link set`` read where a setting may come (ip 6.1's
#: ``ip link help``, and the words it reads without saying: ``brd``, ``qlen``, ``state``,
#: ``mode``, ``index``, ``link``...): ip takes any beginning of most of them, and reads
#: any other word after the device as a second device, which it refuses
LINK_WORDS = frozenset(
    {
        *("up", "down", "type", "arp", "dynamic", "multicast", "allmulticast", "promisc"),
        *("trailers", "carrier", "txqueuelen", "txqlen", "qlen", "name", "address"),
        *("broadcast", "brd", "peer", "mtu", "netns", "link-netns", "link-netnsid", "alias"),
        *("vf", "xdp", "xdpgeneric", "xdpdrv", "xdpoffload", "master", "vrf", "nomaster"),
        *("addrgenmode", "protodown", "protodown_reason", "gso_max_size", "gso_max_segs"),
        *("gro_max_size", "gso_ipv4_max_size", "gro_ipv4_max_size", "numtxqueues"),
        *("numrxqueues", "index", "link", "parentdev", "group", "dev", "help", "state"),
        *("mode", "noqueue", "allmulti"),
    }
)


def _second_device(word: str) -> NoMatch:
    """A word where ip reads a second device: ip's own refusal when no setting begins
    with it (``ip link set vblue-br mastr lab0``: hunt L, a typo the page goes past)."""
    if any(known.startswith(word) for known in LINK_WORDS):
        return NoMatch()  # (a setting iplab does not type)
    return NoMatch(f'either "dev" is duplicate, or "{word}" is a garbage')


#: settings of ``type bridge`` (ip/iplink_bridge.c), each with one value
BRIDGE_SETTINGS = frozenset(
    {
        *("fdb_flush", "forward_delay", "hello_time", "max_age", "ageing_time", "stp_state"),
        *("priority", "vlan_filtering", "vlan_protocol", "group_fwd_mask", "group_address"),
        *("vlan_default_pvid", "vlan_stats_enabled", "vlan_stats_per_port", "mcast_router"),
        *("mcast_snooping", "mcast_vlan_snooping", "mcast_query_use_ifaddr", "mcast_querier"),
        *("mcast_hash_elasticity", "mcast_hash_max", "mcast_last_member_count"),
        *("mcast_startup_query_count", "mcast_last_member_interval", "mcast_membership_interval"),
        *("mcast_querier_interval", "mcast_query_interval", "mcast_query_response_interval"),
        *("mcast_startup_query_interval", "mcast_stats_enabled", "mcast_igmp_version"),
        *("mcast_mld_version", "nf_call_iptables", "nf_call_ip6tables", "nf_call_arptables"),
        *("no_linklocal_learn", "mdb_offload_fail_notification"),
    }
)
#: link kinds the model follows; any other ``type`` is a raw step that creates a link
TYPED_KINDS = ("veth", "bridge", "dummy")
_ON_OFF_FLAGS = frozenset({"multicast", "allmulticast", "promisc", "trailers", "arp", "carrier"})


# -- words -----------------------------------------------------------------------------------


class Words:
    """A cursor over the words of a command line."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)
        self.i = 0

    def peek(self) -> str | None:
        return self.words[self.i] if self.i < len(self.words) else None

    def take(self) -> str:
        word = self.peek()
        if word is None:
            raise NoMatch
        self.i += 1
        return word

    def value(self) -> str:
        """The value a keyword reads next (ip's NEXT_ARG()): none is ip's refusal, whatever
        the host holds (``ip link set veth0 netns``, its namespace left out)."""
        if self.peek() is None:
            raise NoMatch(INCOMPLETE)
        return self.take()

    def rest(self) -> list[str]:
        out = self.words[self.i :]
        self.i = len(self.words)
        return out

    def end(self) -> None:
        if self.peek() is not None:
            raise NoMatch


def checked(word: str, problem: Callable[[str], str | None]) -> str:
    if problem(word):
        raise NoMatch
    return word


def _named(word: str, problem: Callable[[str], str | None]) -> str:
    """A namespace's or a link's name; one of letters iplab's names never hold (``web:1``,
    ``db@2``, which ip takes) is named, for :func:`odd_name`."""
    if problem(word) is None:
        return word
    if problem is names.netns_name_problem and _past_our_limit(word):
        raise NoMatch(name=word)  # (ip takes it: said as past iplab's own limit)
    raise NoMatch(name=word if word.isascii() and names.outside_alphabet(word) else None)


def _past_our_limit(word: str) -> bool:
    """A namespace name ip takes, longer than iplab's own :data:`~iplab.names.NETNS_MAX`
    (up to the kernel's file name limit, 255)."""
    return (
        names.NETNS_MAX < len(word) <= 255
        and names.netns_name_problem(word[: names.NETNS_MAX]) is None
    )


def _link(word: str) -> str:
    return _named(word, names.link_name_problem)


def _dev(word: str) -> str:
    """A link's name where a keyword (``dev``, ``master``) stands before it: ip takes any
    interface name there, one that alone would read as a keyword too (``dev a``, which
    ``ip link set a up`` reads as ``address``)."""
    return _named(word, names.ifname_problem)


def _lladdr(word: str) -> str:
    """A link-layer address as ip reads it for the links the model follows (ethernet's six
    bytes, ``02:00:00:00:00:01``); ip refuses any other ("is invalid lladdr", "Invalid
    address length")."""
    parts = _scanned(word).split(":")
    if len(parts) != 6 or not all(re.fullmatch(r"[0-9A-Fa-f]{1,2}", p) for p in parts):
        raise NoMatch
    return word


def _scanned(word: str) -> str:
    """``word`` where ip reads a link-layer address: ll_addr_a2n() scans each part between
    colons as hex, and says the first it cannot scan (ip link add a type veth reads a as
    address, then "type": hunt AU, a trunk named t and a pair a/b were raw steps the model
    let pass, and the run failed at them)."""
    bad = next((p for p in word.split(":") if not re.match(r"[\s0-9A-Fa-f+-]", p)), None)
    if bad is not None and "." not in word:  # (a dotted one is read as IPv4 first)
        raise NoMatch(f'"{bad}" is invalid lladdr.')
    return word


def _count(key: str, word: str) -> str:
    """A number ``key`` takes (get_u32(), any base): what ip says of one it cannot read."""
    if not re.fullmatch(r"0[xX][0-9A-Fa-f]+|[0-9]+", word):
        raise NoMatch(f'Error: argument "{word}" is wrong: Invalid "{key}" value')
    return word


def _netns(word: str) -> str:
    return _named(word, names.netns_name_problem)


def _address(word: str) -> str:
    """An interface address, with or without a prefix length (10.0.0.1 is 10.0.0.1/32)."""
    try:
        ipaddress.ip_interface(word)
    except ValueError:
        raise _no_prefix(word) from None
    return word


def _gateway(word: str) -> str:
    if names.ip_problem(word) and _past_ipv4(word):
        raise NoMatch(f'Error: inet address is expected rather than "{word}".')
    return checked(word, names.ip_problem)


#: a dotted quad, with or without a prefix length, as a typo leaves one (10.0.0.300/24)
_QUAD = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:/(\d{1,3}))?")


def _past_ipv4(word: str) -> bool:
    """A dotted quad with a part over 255 or a prefix length over 32, which ip refuses
    whatever the host holds (its other spellings iplab does not read, such as 010.0.0.1
    or 1.2.3/24, ip takes: a leading zero is octal, a missing part is 0)."""
    m = _QUAD.fullmatch(word)
    if m is None:
        return False
    return any(int(p) > 255 for p in m.groups()[:4]) or int(m[5] or 0) > 32


def _no_prefix(word: str) -> NoMatch:
    """A word where ip reads an address and prefix length and iplab reads none: ip's own
    refusal when ip surely refuses it (hunt BN: ``line: ip addr add 10.0.0.300/24 dev v``
    was "a form of ip iplab's grammar does not type (keep it as 'action: raw')")."""
    if _past_ipv4(word):
        return NoMatch(f'Error: any valid prefix is expected rather than "{word}".')
    return NoMatch()


@frozen
class Ctx(Record):
    """Where a command runs: a namespace (``ip netns exec NS``/``ip -n NS``), as written."""

    ns: str | None = None
    ns_form: str = "exec"
    #: ``ip -all``: every namespace of the host (only ``ip -all netns delete`` is typed)
    every: bool = False
    #: ``-4``, ``-6``, ``-family inet|inet6`` (None: not said; 0: another family, ``-0``...)
    family: int | None = None

    def fields(self) -> dict[str, Any]:
        return {"ns": self.ns, "ns_form": self.ns_form} if self.ns else {}


# -- ip --------------------------------------------------------------------------------------


def _color(opt: str) -> bool:
    """iproute2's ``matches_color()``: ``-c``, ``-color``, ``-color=always``..."""
    return matches(opt.split("=", 1)[0], "-color")


#: ip's ``-family`` values (and ``-4``, ``-6``) the model follows
_FAMILIES = {"inet": 4, "inet6": 6, "4": 4, "6": 6}


def _ip_options(words: Words, ctx: Ctx) -> Ctx:
    """ip's global options, in the order ip/ip.c tries them (``-n`` is ``-netns``, ``-b`` is
    ``-batch``, ``-br`` is ``-brief``, ``-c`` is ``-color``); the namespace and family matter."""
    while (word := words.peek()) is not None and word.startswith("-"):
        words.take()
        opt = word[1:] if word.startswith("--") else word

        def m(*keywords: str) -> bool:
            return any(matches(opt, k) for k in keywords)  # noqa: B023 - used at once

        if m("-family"):
            ctx = dataclasses.replace(ctx, family=_FAMILIES.get(words.take(), 0))
        elif opt in ("-4", "-6", "-0", "-M", "-B"):
            ctx = dataclasses.replace(ctx, family=_FAMILIES.get(opt[1:], 0))
        elif m("-loops"):
            words.take()
        elif m(
            *("-human", "-human-readable", "-iec", "-stats", "-statistics", "-details"),
            *("-resolve", "-oneline", "-timestamp", "-tshort"),
        ):
            pass
        elif m("-Version"):
            raise NoMatch
        elif m("-force"):
            pass
        elif m("-batch"):
            raise NoMatch  # the lines come from elsewhere
        elif m("-rcvbuf"):
            words.take()
        elif _color(opt):
            pass
        elif m("-help"):
            raise NoMatch
        elif m("-netns"):
            if ctx.ns is not None:
                raise NoMatch
            ctx = dataclasses.replace(ctx, ns=_netns(words.take()), ns_form="-n")
        elif m("-Numeric"):
            pass
        elif m("-all"):
            ctx = dataclasses.replace(ctx, every=True)
        elif opt == "-echo" or m("-json", "-pretty", "-brief"):
            pass
        else:
            raise NoMatch
    return ctx


def _ip(words: Words, ctx: Ctx, line: str) -> Op:
    ctx = _ip_options(words, ctx)
    word = words.peek()
    if word is None:
        raise NoMatch
    words.take()
    obj = first(word, IP_OBJECTS)
    if ctx.every and obj != "netns":
        raise NoMatch
    if obj == "address":
        return _ip_addr(words, ctx, line)
    if obj == "route":
        return _ip_route(words, ctx, line)
    if obj == "link":
        return _ip_link(words, ctx, line)
    if obj == "netns":
        return _ip_netns(words, ctx, line)
    if obj in ("neighbor", "neighbour", "rule", "maddress", "monitor", "vrf", "stats", "netconf"):
        verb = words.peek()
        if verb is None or verb.startswith("-") or first(verb, tuple(SHOW_VERBS)) is not None:
            return Show(**ctx.fields(), text=line)
    raise NoMatch


def _ip_netns(words: Words, ctx: Ctx, line: str) -> Op:
    if ctx.ns is not None:
        raise NoMatch
    word = words.peek()
    verb = "list" if word is None else first(word, NETNS_VERBS)
    if word is not None:
        words.take()
    if ctx.every:
        # ip -all netns delete, exec CMD: every namespace of the host, which iplab scopes to
        # the lab's; exec of a CMD that changes something stays a raw step, which the model
        # refuses (hunt O: a ping, a tcpdump ran in other labs' namespaces)
        if verb == "exec" and (rest := words.rest()) and reads_only(command := shlex.join(rest)):
            return NetnsExecAll(command=command, text=line)
        if verb != "delete":
            raise NoMatch
        # (a name after it is ignored: ip -all netns del NAME deletes every namespace too)
        return NetnsDelAll(verb="del" if word == "del" else "delete", text=line)
    if verb in SHOW_VERBS:
        return Show(text=line)
    if verb == "add":
        op: Op = NetnsAdd(name=_netns(words.take()), text=line)
    elif verb == "delete":
        op = NetnsDel(name=_netns(words.take()), text=line)
    elif verb == "exec":
        ns = _netns(words.take())
        return _exec(words, ns, line)
    else:
        raise NoMatch
    words.end()
    return op


_EXEC_HEAD = re.compile(r"\S+(?:\s+\S+)*?\s+(?P<ns>\S+)\s+(?P<command>\S.*)")


def _exec(words: Words, ns: str, line: str) -> Op:
    """``ip netns exec NS CMD``: an ``ip``/``bridge``/``brctl`` line inside NS, or verbatim."""
    program = words.peek()
    if program is None:
        raise NoMatch
    inner = Ctx(ns, "exec")
    given = _as_root_alone(words.rest())
    argv = past_how_it_runs(given)
    if argv and (program := program_name(argv[0])) in ("ip", "bridge", "brctl"):
        reader = {"ip": _ip, "bridge": _bridge, "brctl": _brctl}[program]
        try:
            return reader(Words(argv[1:]), inner, line)
        except NoMatch:
            pass
    if argv == given and argv and program_name(argv[0]) in ("ping", "ping6"):
        # ``ip netns exec "r2" ping -c1 10.0.0.2``: the probe the unquoted form is, kept as
        # written (hunt DL/DP: a plain step, no probe; the unquoted form is lineparse's
        # probe, in its fields, where the line renders back from them). Not one under a
        # wrapper inside (``ip netns exec a timeout 2 ping ...``: hunt BQ)
        try:
            return probe(Words(argv), ns, line)
        except NoMatch:
            pass
    # the rest of the line as written, after the namespace's name (quoted too: ``ip netns
    # exec "r2" sysctl ...``, a function's ``"$1"`` expanded: hunt DL)
    for written in (ns, f'"{ns}"', f"'{ns}'"):
        tail = line.split(f" {written} ", 1)
        if len(tail) == 2 and tail[1].strip():
            break
    else:
        raise NoMatch
    command = tail[1].strip()
    return NetnsExec(ns=ns, command=command, observes=reads_only(command), text=line)


#: sudo's options that change neither the user nor what runs (``sudo -E ip ...``)
_SUDO_AS_IS = frozenset({"-E", "-H", "-n", "-S", "--preserve-env", "--non-interactive"})


def _as_root_alone(argv: list[str]) -> list[str]:
    """The command a ``sudo`` in front of it runs (``ip netns exec alice sudo ip addr add
    ...``, gin66/wg_netmanager, hunt CG): as root, which ``ip netns exec`` already is, sudo
    changes nothing the model follows. Not a sudo that runs it as another user (``-u``)."""
    if argv[:1] != ["sudo"]:
        return argv
    k = 1
    while k < len(argv) and argv[k] in _SUDO_AS_IS:
        k += 1
    return argv[k:] if k < len(argv) and not argv[k].startswith("-") else argv


def probe(words: Words, ns: str, line: str | None = None) -> Probe:
    """``ping [OPTIONS] TARGET``, ``ping6 [OPTIONS] TARGET`` (after ``ip netns exec NS``),
    its words read by :func:`iplab.pingline.read_ping` (its options as ping reads them:
    ``-c`` and ``-W`` with their numbers, ``-6``; ``-6`` and ``ping6`` only for an IPv6
    target), an address its target (not a host's name: ``ping localhost``). Not in
    iplab's order (``ping -c 3 -6``, ``ping6 -c2``), they are kept as written. ``line``:
    the author's line, when the probe is read from one (its ``text``). Without ``-c``
    (``ping 10.0.0.2``) the probe's count is None: its step needs a ``stop_after``."""
    program = words.take()
    if program not in ("ping", "ping6"):
        raise NoMatch
    read = read_ping([program, *words.rest()])
    if read is None or read.named:  # (a probe pings an address: not ``ping localhost``)
        raise NoMatch
    count, wait = read.count, read.wait
    ping: Literal["ping", "ping -6", "ping6"] = "ping6" if program == "ping6" else "ping"
    if read.family == 6 and program == "ping":
        ping = "ping -6"
    ours = [*(["-6"] if ping == "ping -6" else []), *(["-c", str(count)] if count else [])]
    ours += ["-W", str(wait)] if wait is not None else []
    options = None if list(read.options) == ours else " ".join(read.options)
    return Probe(
        ns=ns, target=read.target, count=count, wait=wait, ping=ping, options=options, text=line
    )


def _wrapped_probe(op: Op, line: str) -> Op:
    """``timeout 5 ip netns exec NS ping -c 2 ADDR``: a probe, its line as written (hunt AF
    #13: a raw step, listed as one iplab cannot undo). Without a wrapper in front the line's
    probe is :mod:`iplab.lineparse`'s, in the fields scenarios have always had."""
    if not isinstance(op, NetnsExec) or (argv := _split(op.command)) is None:
        return op
    try:
        return probe(Words(argv), op.ns, line)
    except NoMatch:
        return op


# -- ip link ---------------------------------------------------------------------------------


@mutable
class LinkArgs:
    """What iplink_parse() reads: the device, and the changes in the order written."""

    dev: str | None = None
    attrs: list[LinkAttr] | None = None
    kind: str | None = None
    peer: LinkArgs | None = None

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.attrs or [] if k == key), None)

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.attrs or [])


def _link_args(words: Words, peer: bool = False) -> LinkArgs:
    """iplink_parse(): ``up``, ``name X``, ``netns NS``, ``master BR``, ``mtu N``,
    ``type KIND ARGS``, a bare word or ``dev X`` for the device... in any order."""
    out = LinkArgs(attrs=[])
    attrs = out.attrs
    assert attrs is not None
    while (word := words.peek()) is not None:
        words.take()
        if word in ("up", "down"):
            attrs.append(("state", word))
        elif word == "name":  # any name after it (ip 6.1 reads na, nam as the device)
            attrs.append(("name", _named(words.value(), names.ifname_problem)))
        elif peer and word == "n":  # nomaster to ip (matches()), nothing on a new peer:
            continue  # peer n X is named X as the next word says (n a fails: a is address)
        elif word == "index":
            attrs.append(("index", words.value()))
        elif matches(word, "link"):
            raise NoMatch  # a link on another (vlan, macvlan...): not a kind the model follows
        elif matches(word, "address"):  # (ip link set a netns x: a is address, "netns" no
            attrs.append(("address", _lladdr(words.value())))  # lladdr: ip fails, hunt O)
        elif matches(word, "broadcast") or word == "brd":
            attrs.append(("broadcast", _scanned(words.value())))
        elif matches(word, "txqueuelen") or word == "qlen" or matches(word, "txqlen"):
            attrs.append(("txqueuelen", _count("txqueuelen", words.value())))
        elif word == "mtu":
            value = words.value()
            if not value.isdigit() or not 68 <= int(value) <= 65535:
                raise NoMatch
            attrs.append(("mtu", value))
        elif word == "netns":
            target = words.value()
            attrs.append(("netns", target if target.isdigit() else _netns(target)))
        elif word in _ON_OFF_FLAGS:
            value = words.value()
            if value not in ("on", "off"):
                raise NoMatch
            attrs.append((word, value))
        elif matches(word, "master"):
            attrs.append(("master", _dev(words.value())))
        elif matches(word, "nomaster"):
            attrs.append(("nomaster", None))
        elif matches(word, "type"):
            if peer:
                raise NoMatch
            out.kind = words.value()
            _type_args(words, out)
        elif matches(word, "alias"):
            attrs.append(("alias", words.value()))
        elif word == "group":
            attrs.append(("group", words.value()))
        else:
            if word == "peer" and not peer:
                raise NoMatch  # ``peer`` belongs after ``type veth``
            if out.dev is not None:
                raise _second_device(word)  # ip: "either "dev" is duplicate, or X is a garbage"
            out.dev = _dev(words.value()) if word == "dev" else _link(word)
    return out


def _type_args(words: Words, out: LinkArgs) -> None:
    if out.kind == "veth":
        if words.peek() is None:
            return
        if words.take() != "peer":
            raise NoMatch
        out.peer = _link_args(words, peer=True)
        return
    if out.kind == "bridge":
        assert out.attrs is not None
        out.attrs.append(("type", "bridge"))
        while (word := words.peek()) is not None:
            if word not in BRIDGE_SETTINGS:
                raise _bridge_setting(word)
            words.take()
            out.attrs.append((word, words.value()))
        return
    if out.kind == "dummy":
        return
    raise NoMatch


def _bridge_setting(word: str) -> NoMatch:
    """A word after ``type bridge`` that is no setting of it: ip's own refusal when none
    begins with it (hunt AE: ``ip link add br0 type bridge //创建网桥``, a comment C's way,
    was said to make br0, and the run failed on ``bridge: unknown command``)."""
    if word == "help" or any(known.startswith(word) for known in BRIDGE_SETTINGS):
        return NoMatch()  # (a setting iplab does not type)
    return NoMatch(f'bridge: unknown command "{word}"?')


def _peer_named_only(args: LinkArgs) -> bool:
    """``ip link del v0 type veth peer name v1``: the delete written as the add was (hunt
    EP, Envoy's netns_cleanup.sh), the peer only named. ip sends the peer with the request
    and deletes v0, and with it its peer, when a link v1 is in the namespace (any link:
    ip only looks the name up; none, and the line fails: checked on this kernel); a peer
    with more than its name (``netns X``, ``address ...``) stays unread."""
    peer = args.peer
    if args.kind != "veth" or peer is None or peer.kind is not None or peer.peer is not None:
        return False
    named = [k for k, _ in peer.attrs or []]
    return (peer.dev is not None and not named) or (peer.dev is None and named == ["name"])


def _ip_link(words: Words, ctx: Ctx, line: str) -> Op:
    word = words.peek()
    if word is None or word.startswith("-"):
        return Show(**ctx.fields(), text=line)
    words.take()
    verb = first(word, LINK_VERBS)
    if verb in ("show", "lst", "list"):
        return _show_dev(words, ctx, line)
    if verb == "add":
        return _link_add(_link_args(words), ctx, line)
    if verb in ("set", "change"):
        return _link_set(_link_args(words), ctx, line)
    if verb == "delete":
        args = _link_args(words)
        if (
            args.dev is None
            or (args.peer is not None and not _peer_named_only(args))
            or any(k != "type" for k, _ in args.attrs or [])
        ):
            raise NoMatch
        peer = None if args.peer is None else args.peer.dev or args.peer.get("name")
        return LinkDel(**ctx.fields(), dev=args.dev, peer=peer, text=line)
    raise NoMatch


_SHOW_WORDS = frozenset({"up", "type", "master", "vrf", "group", "label", "scope", "to", "dev"})


def _show_dev(words: Words, ctx: Ctx, line: str) -> Op:
    """``... show [dev] X`` names a link the model can check; other filters do not."""
    rest = words.rest()
    dev = None
    if rest[:1] == ["dev"] and len(rest) == 2:
        dev = rest[1]
    elif len(rest) == 1 and rest[0] not in _SHOW_WORDS:
        dev = rest[0]
    if dev is not None and names.link_name_problem(dev):
        dev = None
    return Show(**ctx.fields(), dev=dev, text=line)


def _link_add(args: LinkArgs, ctx: Ctx, line: str) -> Op:
    kind = args.kind
    if kind not in TYPED_KINDS:
        raise NoMatch
    name = args.get("name") or args.dev
    if args.get("name") and args.dev and args.dev != args.get("name"):
        raise NoMatch
    fields: dict[str, Any] = {"name": name, "type": kind, "text": line, **ctx.fields()}
    settings: list[tuple[str, str]] = []
    for key, value in args.attrs or []:
        if key == "state":
            fields["up"] = value == "up"
        elif key == "netns":
            if value is None or value.isdigit():
                raise NoMatch
            fields["netns"] = value
        elif key == "master":
            fields["master"] = value
        elif key in ("name", "type"):
            continue
        elif key in ("nomaster", "index"):
            raise NoMatch
        else:
            settings.append((key, value or ""))
    if kind == "veth":
        peer = args.peer or LinkArgs(attrs=[])
        fields["peer"] = peer.get("name") or peer.dev
        for key, value in peer.attrs or []:
            if key == "netns" and value == "1" and ctx.ns is None:
                continue  # (pid 1's namespace: the root one, where the line runs; hunt BL)
            if key == "netns":
                if value is None or value.isdigit():
                    raise NoMatch
                fields["peer_netns"] = value
            elif key not in ("name",):
                raise NoMatch  # the peer's own settings: not followed by the model
    fields["settings"] = tuple(settings)
    return LinkAdd(**fields)


def _link_set(args: LinkArgs, ctx: Ctx, line: str) -> Op:
    if args.dev is None or args.peer is not None or not args.attrs:
        raise NoMatch
    if args.kind not in (None, "bridge"):
        raise NoMatch
    if args.has("index"):
        raise NoMatch
    return LinkSet(**ctx.fields(), dev=args.dev, attrs=tuple(args.attrs), text=line)


# -- ip address ----------------------------------------------------------------------------------

_ADDR_VALUED = ("peer", "remote", "anycast", "scope", "label")
_ADDR_FLAGS = ("home", "nodad", "mngtmpaddr", "noprefixroute", "autojoin")


#: the verbs that add an address (``replace``, ``change``: or update the one there)
_ADDR_ADDS: dict[str, Literal["add", "replace", "change"]] = {
    "add": "add", "replace": "replace", "change": "change",
}  # fmt: skip


def _ip_addr(words: Words, ctx: Ctx, line: str) -> Op:
    word = words.peek()
    if word is None or word.startswith("-"):
        return Show(**ctx.fields(), text=line)
    words.take()
    verb = "change" if word == "chg" else first(word, ADDR_VERBS)  # (ip/ipaddress.c's chg)
    if verb in ("list", "show", "lst"):
        return _show_dev(words, ctx, line)
    if verb == "flush":
        return _addr_flush(words, ctx, line)
    if verb not in ("add", "delete", "replace", "change", "append", "prepend"):
        raise NoMatch
    local = dev = None
    settings: list[tuple[str, str | None]] = []
    while (word := words.peek()) is not None:
        words.take()
        if word in _ADDR_VALUED or matches(word, "broadcast") or word == "brd":
            settings.append((word, words.value()))
        elif word == "dev":
            if dev is not None:
                raise NoMatch
            dev = _dev(words.value())
        elif first(word, ("metric", "priority", "preference", "valid_lft", "preferred_lft")):
            settings.append((word, words.value()))
        elif word in _ADDR_FLAGS:
            settings.append((word, None))
        else:
            if word == "local":
                word = words.value()
            if local is not None:
                raise NoMatch
            local = _address(word)
    if local is None and dev is not None and verb in _ADDR_ADDS:
        # ip addr add dev br0 (its address lost, as a saved page lost it: hunt AV): ip
        # sends no address, which the kernel refuses on any host
        raise NoMatch("RTNETLINK answers: Operation not supported (no address to add)")
    if local is None or dev is None:
        raise NoMatch
    fields = {**ctx.fields(), "address": local, "dev": dev, "settings": tuple(settings)}
    if verb in ("add", "replace", "change"):
        return AddrAdd(**fields, verb=_ADDR_ADDS[verb], text=line)
    return AddrDel(**fields, text=line)


#: ip addr flush's selectors with a value, and its flags (ip/ipaddress.c's get_filter())
_FLUSH_VALUED = frozenset({"scope", "label", "group", "master", "vrf", "type"})
_FLUSH_FLAGS = frozenset(
    {"up", "nomaster", "secondary", "temporary", "primary", "dynamic", "permanent"}
    | {"tentative", "deprecated", "dadfailed", "optimistic", "stable-privacy", "home"}
    | {"nodad", "mngtmpaddr", "noprefixroute", "autojoin"}
)


def _addr_flush(words: Words, ctx: Ctx, line: str) -> Op:
    """``ip addr flush [dev] X [to PREFIX] [scope S] [label L] [FLAG]...`` (a bare word is
    the device, as ipaddr_list_flush_or_save() reads it); without a device it stays raw."""
    dev = to = None
    selectors: list[tuple[str, str | None]] = []
    while (word := words.peek()) is not None:
        words.take()
        if word == "to":
            to = _flush_prefix(words.take())
        elif word in _FLUSH_VALUED:
            selectors.append((word, words.take()))
        elif word in _FLUSH_FLAGS or word.lstrip("-") in _FLUSH_FLAGS:
            selectors.append((word, None))
        else:
            if dev is not None or matches(word, "help"):
                raise NoMatch
            dev = _dev(words.take()) if word == "dev" else _link(word)
    if dev is None or ctx.family == 0:
        raise NoMatch
    family = ctx.family or (None if to is None else ipaddress.ip_network(to, strict=False).version)
    return AddrFlush(
        **ctx.fields(), dev=dev, family=family, to=to, selectors=tuple(selectors), text=line
    )


def _flush_prefix(word: str) -> str:
    """A flush's ``to PREFIX`` (10.0.0.0/8, 10.0.0.1: that address alone)."""
    try:
        ipaddress.ip_network(word, strict=False)
    except ValueError:
        raise NoMatch from None
    return word


# -- ip route ------------------------------------------------------------------------------------

_ROUTE_TYPES = frozenset(
    {"unicast", "local", "broadcast", "multicast", "throw", "unreachable", "prohibit"}
    | {"blackhole", "nat", "anycast"}
)
_ROUTE_VALUED = frozenset(
    {"src", "from", "tos", "expires", "scope", "mtu", "advmss", "rtt", "rttvar", "pref"}
    | {"reordering", "window", "cwnd", "initcwnd", "initrwnd", "features", "quickack"}
    | {"congctl", "fastopen_no_cookie", "as"}
)


def _dest(word: str) -> str:
    if word in ("default", "all", "any"):
        return word
    if names.route_network(word) is None:  # (10.6/16: iproute2 reads 10.6.0.0/16)
        raise _no_prefix(word)
    return word


#: the verbs that add a route (a line's abbreviation of one: ``r a``, ``route repl``)
_ROUTE_ADDS: dict[str, Literal["add", "replace", "change", "append", "prepend"]] = {
    "add": "add", "replace": "replace", "change": "change", "append": "append",
    "prepend": "prepend",
}  # fmt: skip


def _ip_route(words: Words, ctx: Ctx, line: str) -> Op:
    word = words.peek()
    if word is None or word.startswith("-"):
        return Show(**ctx.fields(), text=line)
    words.take()
    verb = first(word, ROUTE_VERBS)
    if verb in ("list", "show", "lst", "get"):
        words.rest()
        return Show(**ctx.fields(), text=line)
    if verb == "flush":
        return _route_flush(words, ctx, line)
    if verb not in ("add", "delete", "replace", "change", "append", "prepend"):
        raise NoMatch
    to = via = dev = None
    to_at = -1
    settings: list[tuple[str, str | None]] = []
    while (word := words.peek()) is not None:
        words.take()
        if word == "via":
            gateway = words.value()
            if gateway in ("inet", "inet6"):
                gateway = words.value()
            if via is not None:
                raise NoMatch
            via = _gateway(gateway)
        elif word in ("dev", "oif"):
            if dev is not None:
                raise NoMatch
            dev = _dev(words.value())
        elif word == "onlink":
            settings.append(("onlink", None))
        elif word in _ROUTE_VALUED or any(matches(word, k) for k in ("dsfield", "realms")):
            settings.append((word, words.value()))
        elif matches(word, "metric") or matches(word, "priority") or word == "preference":
            value = get_u32(words.value())
            if value is None:
                raise NoMatch
            settings.append(("metric", str(value)))
        elif matches(word, "protocol"):
            settings.append(("protocol", words.value()))
        elif matches(word, "table"):
            settings.append(("table", words.value()))
        elif word in ("nexthop", "nhid", "encap") or matches(word, "vrf"):
            raise NoMatch
        else:
            if word == "to":
                word = words.value()
            if word in _ROUTE_TYPES and not word[:1].isdigit():
                settings.append(("type", word))
                word = words.value()
            if to is not None:
                raise _second_destination(word, right_after=words.i - 1 == to_at)
            to, to_at = _dest(word), words.i
    if to is None:
        raise NoMatch
    typ = next((v for k, v in settings if k == "type"), None)
    if via is None and dev is None and typ in (None, "unicast") and verb != "delete":
        raise NoMatch  # (ip route del 10.6.0.0/16 needs neither: hunt B)
    fields = {**ctx.fields(), "to": to, "via": via, "dev": dev, "settings": tuple(settings)}
    if verb == "delete":
        return RouteDel(**fields, text=line)
    adds = _ROUTE_ADDS.get(verb or "")
    if adds is None:
        raise NoMatch
    return RouteAdd(**fields, verb=adds, text=line)  # (r a: printed as written, the text)


def _second_destination(word: str, right_after: bool) -> NoMatch:
    """A word where ip reads a second destination: ip's refusal when it is an address right
    after the first (``ip route add default 10.0.0.1``, its ``via`` left out: iproute_modify()
    reads it as a second ``to``); a NoMatch that says nothing for any other (a keyword iplab does
    not read)."""
    try:
        ipaddress.ip_address(word)
    except ValueError:
        return NoMatch()
    if not right_after:
        return NoMatch()
    return NoMatch(f'either "to" is duplicate, or "{word}" is a garbage')


def get_u32(text: str) -> int | None:
    """A number as iproute2's get_u32 reads it (strtoul, base 0): ``0x10`` is 16, ``010``
    is 8, ``16`` is 16; None when it is not one, or over 32 bits. Hunt I: ``metric 0x10``
    was kept as a raw step."""
    low = text.lower()
    digits, base = (low[2:], 16) if low.startswith("0x") else (low, 8 if low[:1] == "0" else 10)
    allowed = "0123456789abcdef"[:base]
    if not digits or any(c not in allowed for c in digits):
        return None
    value = int(digits, base)
    return value if value <= 0xFFFFFFFF else None


def _route_flush(words: Words, ctx: Ctx, line: str) -> Op:
    """``ip [-6] -n NS route flush [table T] [SELECTOR]...`` in a namespace (in the root
    namespace it reaches the host's routes: a raw step, which the model refuses); ``flush
    cache`` empties no table."""
    table = None
    selectors: list[str] = []
    while (word := words.peek()) is not None:
        words.take()
        if matches(word, "table"):
            if table is not None:
                raise NoMatch
            table = words.take()
        elif first(word, ("cache", "cached", "cloned")) is not None or matches(word, "help"):
            raise NoMatch
        else:
            selectors.append(word)
    if ctx.ns is None or ctx.family not in (None, 4, 6) or (table is None and not selectors):
        raise NoMatch
    if ctx.family is None and selectors == ["all"]:
        # ip route flush all: every IPv4 route of main, the kernel's too (with -4, ip reads
        # "all" as 0.0.0.0/0 and the kernel's stay: checked on this kernel; hunt DO)
        selectors = []
    # every table (ip's "all", 0, "unspec") and no family said: ip asks for both families'
    # routes, IPv6's too (iproute2 leaves its family unset only then; checked on this kernel:
    # ip route flush table all left no route of either, the kernel's and lo's gone; hunt DZ)
    both = ctx.family is None and table in EVERY_TABLE
    return RouteFlush(
        **ctx.fields(), table=table, family=0 if both else ctx.family or 4,
        selectors=tuple(selectors), text=line,
    )  # fmt: skip


#: the words ``ip route flush table`` reads as every table (iproute2's table id 0)
EVERY_TABLE = frozenset({"all", "0", "unspec"})


# -- bridge (iproute2) and brctl (bridge-utils) ---------------------------------------------------

_BRIDGE_FLAGS = frozenset({"-s", "-d", "-j", "-p", "-c", "-4", "-6", "-oneline", "-compressvlans"})


def _bridge(words: Words, ctx: Ctx, line: str) -> Op:
    while (word := words.peek()) is not None and word.startswith("-"):
        words.take()
        opt = word[1:] if word.startswith("--") else word
        if matches(opt, "-netns") or opt == "-n":
            if ctx.ns is not None:
                raise NoMatch
            ctx = Ctx(_netns(words.take()), "-n")
        elif first(opt, ("-batch", "-force", "-Version", "-help")) or not (
            any(matches(opt, f) for f in ("-stats", "-details", "-json", "-pretty"))
            or opt in _BRIDGE_FLAGS
            or _color(opt)
        ):
            raise NoMatch
    word = words.peek()
    if word is None:
        raise NoMatch
    words.take()
    obj = first(word, BRIDGE_OBJECTS)
    verb_word = words.peek()
    if obj is None or obj == "help":
        raise NoMatch
    if verb_word is None or first(verb_word, ("show", "list", "lst")) is not None:
        return Show(**ctx.fields(), text=line)
    if obj == "monitor":
        return Show(**ctx.fields(), text=line)
    if obj != "vlan":
        raise NoMatch
    words.take()
    verb = first(verb_word, ("add", "delete", "set", "show", "tunnelshow", "global", "help"))
    if verb == "tunnelshow":
        return Show(**ctx.fields(), text=line)
    if verb not in ("add", "delete", "replace", "change", "append", "prepend"):
        raise NoMatch
    dev = vid = None
    flags: list[str] = []
    while (word := words.peek()) is not None:
        words.take()
        if word == "dev":
            dev = _dev(words.take())
        elif word == "vid":
            vid = words.take()
            if not re.fullmatch(r"\d{1,4}(-\d{1,4})?", vid):
                raise NoMatch
        elif word in ("pvid", "untagged", "self", "master"):
            flags.append(word)
        else:
            raise NoMatch
    if dev is None or vid is None:
        raise NoMatch
    return BridgeVlan(
        **ctx.fields(), dev=dev, vid=vid, verb="add" if verb == "add" else "del",
        flags=tuple(flags), text=line,
    )  # fmt: skip


def _brctl(words: Words, ctx: Ctx, line: str) -> Op:
    """``brctl VERB BRIDGE [PORT...]``: brctl takes each name as written, keywords of ``ip
    link`` too (hunt AW: ``brctl addbr br`` was a raw step, as if ``br`` were ip's
    ``broadcast``: the bridge unknown to the model, said to be left after the lab)."""
    verb = words.take()
    args = words.rest()
    here = ctx.fields()
    if verb in ("show", "showmacs", "showstp"):
        dev = _brname(args[0]) if len(args) == 1 else None
        return Show(**here, dev=dev, text=line)
    if verb == "addbr" and len(args) == 1:
        return LinkAdd(**here, name=_brname(args[0]), type="bridge", text=line)
    if verb == "delbr" and len(args) == 1:
        return LinkDel(**here, dev=_brname(args[0]), text=line)
    if verb in ("addif", "delif") and len(args) >= 2:
        return BridgePortsSet(
            **here, bridge=_brname(args[0]), ports=tuple(_brname(a) for a in args[1:]),
            verb="addif" if verb == "addif" else "delif", text=line,
        )  # fmt: skip
    if verb == "stp" and len(args) == 2 and args[1] in ("on", "off", "yes", "no"):
        state = "1" if args[1] in ("on", "yes") else "0"
        return LinkSet(**here, dev=_brname(args[0]), attrs=(("stp_state", state),), text=line)
    raise NoMatch


def _brname(word: str) -> str:
    """A link's name as brctl reads it: any word a link's name may be."""
    return _named(word, names.ifname_problem)


# -- lines -----------------------------------------------------------------------------------


def _split(line: str) -> list[str] | None:
    try:
        return shlex.split(line)
    except ValueError:
        return None


def _without_sudo(argv: list[str]) -> list[str]:
    """``argv`` past its ``sudo [OPTIONS]``, and past what only sets how it runs in front of
    that sudo (``LANG=C sudo ip ...``, ``env LC_ALL=C sudo ip ...``: hunt EY #3)."""
    inner = past_how_it_runs(argv) if argv else argv
    return list(strip_sudo(tuple(inner))) if runs_sudo(inner) else argv


_READERS: dict[str, Callable[[Words, Ctx, str], Op]] = {
    "ip": _ip,
    "bridge": _bridge,
    "brctl": _brctl,
}


@lru_cache(maxsize=4096)
def read(line: str) -> Op | None:
    """The typed op ``line`` means (its ``text`` is the line), or None.

    The line may start with ``sudo`` and its options (``sudo -E ip ...``, ``sudo  ip``);
    it must hold no shell syntax and no surrounding whitespace.
    """
    if line != line.strip() or not line or "\n" in line or _shell(line):
        return None
    argv = _split(line)
    if not argv:
        return None
    argv = _without_sudo(argv)
    bare = past_how_it_runs(argv)  # (timeout 5 ip ..., nice -n 10 ip ...: hunt AF #13)
    reader = _READERS.get(program_name(bare[0])) if bare else None
    if reader is None:
        return None
    try:
        op = reader(Words(bare[1:]), Ctx(), line)
    except NoMatch:
        return None
    return _wrapped_probe(op, line) if bare != argv else op


def refusal(line: str) -> str | None:
    """What ip says when it refuses ``line`` whatever the host holds (a word it cannot
    read where it reads one: ``mastr``), or None: a line ip may take, or one iplab's
    grammar cannot judge; a line with a worksheet's placeholder (``address XX:XX:...``) is
    said as one (:func:`iplab.words.placeholder`), not as ip's refusal."""
    if placeholder(line) is not None:
        return None
    if _untyped_link_add(line):
        return TYPE_REQUIRED
    read = _read_alone(line)
    if isinstance(read, NoMatch) and read.said is None:
        return _refused_words(line)  # (a word no grammar reads: ip's own tables judge it)
    if read is None or isinstance(read, NoMatch):
        return None if read is None else read.said
    command = read.command if isinstance(read, NetnsExec) else ""
    inner = _split(command) if command else None
    if inner and program_name(inner[0]) == "ip":  # (hunt AE: a full-width semicolon in it)
        return refusal(command)
    return None


#: ip's refusal of ``ip link add NAME`` without ``type`` (iproute2 6.1's words)
TYPE_REQUIRED = 'Not enough information: "type" argument is required'
#: the words after which ip reads a link's kind or its type's own arguments
_TYPED = frozenset({"type", "help"})


def _untyped_link_add(line: str) -> bool:
    """``ip link add NAME`` (``ip -n NS link add link eth0 name v0``) with no ``type``:
    ip refuses it whatever the host holds (hunt EU #3: a page's excerpt cut after
    ``ip link add ${VETH2}``, its last line, went into the prose with no word). A line whose
    words bash computes (``$ARGS``, a substitution) may hold the type: not judged."""
    words = _split(line)
    if not words or program_name(words[0]) != "ip" or any("$" in w or "`" in w for w in words):
        return False
    if any(w in (";", "&&", "||", "|", "&") or w.startswith("#") for w in words):
        return False
    said = ipwords.verb_of("ip", words[1:])
    if said.obj != "link" or said.verb != "add" or said.every or said.batch:
        return False
    return bool(said.rest) and not _TYPED & set(said.rest) and said.word == "add"


#: an object ip has not, said for the one its author meant where no prefix says it (``ip
#: ns add blue``: ``-n`` and ``netns exec`` abbreviate it so)
_OBJECTS_MEANT = {"ns": "netns", "namespace": "netns", "addr": "address", "interface": "link"}
#: ip's refusal of an object, of a command word, of a word where it reads a second device
_REFUSED_WORD = re.compile(
    r'Object "(?P<object>[^"]+)" is unknown'
    r'|either "dev" is duplicate, or "(?P<setting>[^"]+)" is a garbage'
    r'|Command "(?P<verb>[a-z]+)" is unknown, try "ip (?P<helped>[a-z]+) help"'
    r'|either "to" is duplicate, or "(?P<gateway>[^"]+)" is a garbage'
    r'|argument "(?P<nud>[^"]+)" is wrong: nud state is bad'
)
#: the verbs of the objects ip names in its refusal of a word where a verb stands
_HELPED_VERBS = {
    "netns": ipwords.NETNS_VERBS, "link": LINK_VERBS, "address": ADDR_VERBS, "route": ROUTE_VERBS,
}  # fmt: skip


def meant(line: str, said: str) -> str | None:
    """The line its author meant, when ip refuses ``line`` (``said``: its refusal) and one
    word makes it a line ip reads: an object ip has not (``ip ns add blue``: ``ip netns add
    blue``), a setting typed with a dash (``ip link set veth0 -up``, an en dash pasted from a
    page) or one letter off (``mastr``), a verb two letters swapped (``ip netns exce``), a
    gateway without its ``via`` (``ip route add default 10.0.0.1``). None when no such word
    is sure."""
    found = _REFUSED_WORD.search(said)
    if found is None:
        return None
    if found["nud"] is not None:  # (nud PERMANENT: ip's names are lowercase)
        state = neighwords.nud_meant(found["nud"])
        fixed = re.sub(rf"(?<=\snud\s){re.escape(found['nud'])}(?!\S)", state or "", line, count=1)
        return fixed if state is not None and fixed != line else None
    word = found["object"] or found["setting"] or found["verb"] or found["gateway"]
    if found["gateway"] is not None:  # (ip route add default 10.0.0.1: via left out)
        right: str | None = f"via {word}"
    elif found["verb"] is not None:  # (ip netns exce red ...)
        right = _slip_of(word, _HELPED_VERBS.get(found["helped"], ()))
    elif found["object"] is not None:
        right = _OBJECTS_MEANT.get(word) or _glued_verb(word) or _closest(word, ipwords.IP_OBJECTS)
    else:
        bare = word.lstrip("-")
        right = bare if bare != word and bare in LINK_WORDS else _closest(word, LINK_WORDS)
    if right is None:
        return None
    fixed = re.sub(rf"(?<!\S){re.escape(word)}(?!\S)", right, line, count=1)
    return fixed if fixed != line else None


def _glued_verb(word: str) -> str | None:
    """``link add`` for ``linkadd``: an object glued to its verb, a space lost (hunt DH #2:
    ``ip linkadd veth0 type veth ...``, ``ip addradd``), the object as ip takes it (whole or
    its first letters), the verb whole or its first three letters and more (``del``); None:
    no such split."""
    for cut in range(len(word) - 1, 0, -1):
        head, verb = word[:cut], word[cut:]
        obj = ipwords.first(head, ipwords.IP_OBJECTS)
        verbs = ipwords.verbs_of(obj) if obj is not None else ()
        if verb in verbs or (len(verb) >= 3 and ipwords.first(verb, verbs) is not None):
            return f"{head} {verb}"
    return None


def refusal_hint(line: str, said: str, otherwise: str = "a typo?") -> str:
    """What to do of a line ip refuses (``said``): the line meant (:func:`meant`), the value
    a keyword that ends the line reads (``ip link set veth0 netns``), or ``otherwise``."""
    fixed = meant(line, said)
    if fixed is not None:
        return f"did you mean {fixed!r}?"
    words = _split(line)
    if said == INCOMPLETE and words:
        return f"{words[-1]!r} ends the line, and ip reads a value after it: write the value"
    return otherwise


def _slip_of(word: str, words: Sequence[str]) -> str | None:
    """The one keyword ``word`` is one slip from: two letters swapped (``exce``: ``exec``),
    or as :func:`_closest` says; None when none or more than one is."""
    swapped = {
        k for k in words for i in range(len(k) - 1) if word == k[:i] + k[i + 1] + k[i] + k[i + 2 :]
    }
    if len(swapped) == 1:
        return swapped.pop()
    return None if swapped else _closest(word, words)


def _closest(word: str, words: Sequence[str] | frozenset[str]) -> str | None:
    """The one keyword ``word`` is one slip from (difflib's ratio 0.8 and over), or None."""
    close = difflib.get_close_matches(word, sorted(words), n=2, cutoff=0.8)
    return close[0] if len(close) == 1 else None


def _refused_words(line: str) -> str | None:
    """ip's refusal of an object it has not, or of an argument where a command word stands
    (:func:`iplab.ipwords.refused_words`), for a line read alone."""
    written = _split(line)
    argv = past_how_it_runs(_without_sudo(written)) if written else None
    if not argv or program_name(argv[0]) != "ip":
        return None
    return ipwords.refused_words("ip", argv[1:]) or neighwords.refused(argv)


def odd_name(line: str) -> str | None:
    """The name that keeps ``line`` raw, a namespace's or a link's holding a letter iplab's
    names never do, though ip takes it (``ip netns add web:1``, ``ip -n db@2 link
    set d2 up``: hunt AJ, ten raw steps and no word why), or None."""
    read = _read_alone(line)
    if isinstance(read, NoMatch) and read.name:
        return read.name
    return _quoted_name(line)


#: a name iplab's names never are, which ip takes (it stands in for a quoted word)
_STAND_IN = "iplab:quoted"


def _quoted_name(line: str) -> str | None:
    """A quoted word of ``line`` that holds a blank or a shell character and stands where
    ip reads a name (``ip netns add "red blue"``, ``ip netns exec 'green;pink' ...``):
    the word, or None. Each such word is put in for a name ip takes that iplab's never
    are, and the line read again: its grammar says whether the word stood at a name."""
    for token in shell_tokens(line, posix=False) or ():
        word = token[1:-1]
        if token[:1] not in ("'", '"') or token[-1:] != token[0] or "$" in word:
            continue
        if names.has_shell_meta(word) and word.isascii():
            read = _read_alone(line.replace(token, _STAND_IN, 1))
            if isinstance(read, NoMatch) and read.name == _STAND_IN:
                return word
    return None


def _shell(line: str) -> bool:
    """The line holds shell syntax: an operator or an expansion bash acts on, not one quoted
    as a word's text (hunt CN: ``ip link set mon0 alias "mirror -> tap ns"`` was a raw step
    iplab could not undo, its alias not compared)."""
    if not SHELL_SYNTAX.search(line):
        return False
    if needs_shell(line) or "$" in line or "`" in line:  # (a word an inner shell expands)
        return True
    argv = _split(line)
    bare = past_how_it_runs(_without_sudo(argv)) if argv else []
    # (ip alone: ``ip netns exec NS sh -c 'a; b'`` hands the quoted text to a shell)
    return not bare or program_name(bare[0]) != "ip" or "netns" in bare


def _read_alone(line: str) -> Op | NoMatch | None:
    """``line`` (one command, no shell syntax) read by its program's grammar with nothing
    known of the host: the op, or what the grammar refused; None: a line it cannot judge."""
    if line != line.strip() or not line or "\n" in line or _shell(line):
        return None
    written = _split(line)
    argv = past_how_it_runs(_without_sudo(written)) if written else None
    reader = _READERS.get(program_name(argv[0])) if argv else None
    if argv is None or reader is None:
        return None
    try:
        return reader(Words(argv[1:]), Ctx(), line)
    except NoMatch as exc:
        return exc


# -- effects of lines that are not typed ----------------------------------------------------------

#: programs that create, delete and rename no link and no namespace
NAME_NEUTRAL = frozenset(
    {
        *("ping", "ping6", "traceroute", "tracepath", "arping", "ss", "netstat", "lsns"),
        *("mkdir", "touch", "cp", "chmod", "chown", "tee", "date", "hostname", "uname", "id"),
        *("whoami", "env", "which", "stat", "sort", "uniq", "cut", "awk", "sed", "tr", "jq"),
        *("column", "dmesg", "cd", "export", "test", "[", ":", "dhclient", "dnsmasq", "tshark"),
        *("cat", "ls", "readlink", "echo", "printf", "grep", "head", "tail", "wc", "true"),
        *("sysctl", "iptables", "ip6tables", "iptables-save", "iptables-restore", "nft"),
        *("tc", "ethtool", "tcpdump", "sleep", "curl", "wget", "nc", "ncat", "iperf"),
        *("iperf3", "arp", "route", "conntrack", "ebtables", "dig", "nslookup", "host"),
        *("mtr", "nping", "nmap", "bridge", "kill", "pkill", "killall", "wait"),
        *("pgrep", "pidof", "ps", "whoami", "basename", "dirname", "seq", "getent"),
    }
)
#: ip objects whose changes touch no link or namespace name
_IP_NEUTRAL = frozenset(
    {"address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable"}
    | {"ntbl", "token", "tcpmetrics", "tcp_metrics", "monitor", "xfrm", "mroute", "mrule"}
    | {"netconf", "nexthop", "mptcp", "ioam", "stats", "sr"}
)


def _link_effect(what: EffectKind, name: str, ns: str | None, kind: str | None = None) -> Effect:
    return Effect(what=what, name=name, ns=ns, kind=kind)


def _ip_effects(argv: list[str], ns: str | None) -> Declares | None:
    words = Words(argv)
    try:
        ctx = _ip_options(words, Ctx(ns))
    except NoMatch:
        return None
    obj_word = words.peek()
    if obj_word is None:
        return None
    words.take()
    obj = first(obj_word, IP_OBJECTS)
    verb_word = words.peek() or "show"
    if obj in _IP_NEUTRAL:
        return Declares(declared=True)
    if obj == "link":
        verb = first(verb_word, LINK_VERBS)
        if verb in SHOW_VERBS or verb in ("xstats", "afstats", "help"):
            return Declares(declared=True)
        if words.peek() is not None:
            words.take()
        rest = words.rest()
        if verb == "add":
            return _other_link_add(rest, ctx.ns)
        if verb in ("set", "change") and "name" not in rest and "netns" not in rest:
            return Declares(declared=True)
        if verb in ("set", "change") and _to_a_process(rest) is not None:
            return Declares(declared=True)  # no name made or deleted: see process_moves
        return None
    if obj in ("tuntap", "tap", "tunnel", "tunl"):
        verb = first(verb_word, ("add", "delete", "del", "show", "list", "lst", "change"))
        if words.peek() is not None:
            words.take()
        rest = words.rest()
        if verb in ("show", "list", "lst", "change"):
            return Declares(declared=True)
        tuntap = obj in ("tuntap", "tap")
        name = _tuntap_name(rest) if tuntap else next((w for w in rest if w != "dev"), None)
        if verb in ("add", "delete") and name and not names.link_name_problem(name):
            kind = "tun" if tuntap else "tunnel"
            effect = _link_effect("link", name, ctx.ns, kind if verb == "add" else None)
            return Declares(
                creates=(effect,) if verb == "add" else (),
                deletes=(effect,) if verb == "delete" else (),
                declared=True,
            )
    return None


#: a process ``ip link set DEV netns`` takes: a job of the lab's (``%1``, ``$!``) or a pid
_PROCESS = re.compile(r"%\d+|\$!|\d+")


def _to_a_process(rest: list[str]) -> str | None:
    """The link ``ip link set [dev] DEV netns PID`` (the words after ``set``) moves into a
    process's namespace (``netns %1``, ``netns $!``), which has no name the model follows;
    None: other words, or a namespace's name."""
    words = rest[1:] if rest[:1] == ["dev"] else rest
    if len(words) != 3 or words[1] != "netns" or not _PROCESS.fullmatch(words[2]):
        return None
    return None if names.link_name_problem(words[0]) else words[0]


def process_moves(command: str, ns: str | None = None) -> list[tuple[str | None, str]]:
    """Where each link ``command`` moves into a process's namespace is, and its name (hunt
    W: after ``ip link set veth-ctr netns %1`` the model kept veth-ctr in the root
    namespace, and the step turned verify off for every object of the lab)."""
    out: list[tuple[str | None, str]] = []
    for words_of in map(_without_sudo, simple_commands(command) or []):
        inside, argv = inside_netns(words_of)  # (ip netns exec a ip link set v netns %1)
        if not argv or program_name(argv[0]) != "ip":
            continue
        words = Words(argv[1:])
        try:
            ctx = _ip_options(words, Ctx(inside or ns))
        except NoMatch:
            continue
        rest = words.rest()
        verb = first(rest[1], LINK_VERBS) if rest[1:2] else None
        if verb in ("set", "change") and first(rest[0], IP_OBJECTS) == "link":
            dev = _to_a_process(rest[2:])
            out += [(ctx.ns, dev)] if dev is not None else []
    return out


#: ``ip tuntap``'s keywords in the order ip/iptuntap.c's parse_args() tries them, and
#: whether each takes a value; any other word is the device's name (``name`` may say so)
_TUNTAP_KEYWORDS = (
    ("mode", True), ("user", True), ("group", True), ("pi", False), ("one_queue", False),
    ("vnet_hdr", False), ("multi_queue", False), ("dev", True),
)  # fmt: skip


def _tuntap_name(rest: list[str]) -> str | None:
    """The device ``ip tuntap add|del ...`` names, read as parse_args() reads it: ``dev X``,
    ``name X`` or a bare word that is no keyword (``mode tap tap0``); None: none, or two."""
    found: list[str] = []
    words = Words(rest)
    try:
        while (word := words.peek()) is not None:
            words.take()
            keyword = next((k for k in _TUNTAP_KEYWORDS if matches(word, k[0])), None)
            if keyword is None or keyword[0] == "dev":
                named = words.take() if keyword is not None or matches(word, "name") else word
                found.append(named)
            elif keyword[1]:
                words.take()
    except NoMatch:
        return None
    return found[0] if len(found) == 1 else None


def _other_link_add(rest: list[str], ns: str | None) -> Declares | None:
    """``ip link add [link X] [name] NAME type KIND ...`` of a kind the model does not type
    (with the link it sits on: ``link X``, a vxlan's ``dev X``)."""
    name = kind = lower = None
    settings: list[tuple[str, str]] = []
    i = 0
    while i < len(rest):
        word = rest[i]
        if word in ("name", "dev") and i + 1 < len(rest):
            name, i = rest[i + 1], i + 2
        elif matches(word, "type") and i + 1 < len(rest):
            kind = rest[i + 1]
            break
        elif matches(word, "link") or word in ("netns", "mtu", "index") or matches(word, "address"):
            if word == "netns":
                return None
            if matches(word, "link") and i + 1 < len(rest):
                lower = rest[i + 1]
            elif word != "index" and i + 1 < len(rest):  # (hunt Z: verify compares them)
                settings += _compared_settings([(word, rest[i + 1])])
            i += 2
        elif word in ("up", "down"):
            i += 1
        elif name is None:
            name, i = word, i + 1
        else:
            return None
    if name is None or kind is None or names.link_name_problem(name):
        return None
    if kind == "vxlan" and "dev" in rest[i + 2 : -1]:  # vxlan id 42 ... dev eth0
        lower = rest[rest.index("dev", i + 2) + 1]
    if kind == "vxlan":  # (its id, remote, group, local, dstport, dev: compared, hunt CV)
        written = vxlan.settings_written(rest[i + 2 :], made=True) or {}
        settings += [(f"vxlan.{k}", v) for k, v in written.items() if v is not None]
    if kind in ("macvlan", "macvtap"):  # (its mode, compared: the kernel's vepa unless said)
        mode = next((b for a, b in itertools.pairwise(rest[i + 2 :]) if matches(a, "mode")), None)
        if mode is None or mode in MACVLAN_MODES:
            settings.append(("mode", mode or "vepa"))
    made = dataclasses.replace(_link_effect("link", name, ns, kind), settings=tuple(settings))
    if lower is not None and not names.link_name_problem(lower):
        made = dataclasses.replace(made, lower=lower)
    if kind == "veth" and rest[i + 2 :]:  # its peer, with settings of its own (hunt Z)
        args = LinkArgs(attrs=[], kind="veth")
        try:
            _type_args(Words(rest[i + 2 :]), args)  # as the typed grammar reads a peer
        except NoMatch:
            return None
        peer = args.peer or LinkArgs(attrs=[])
        where = peer.get("netns")
        if where is not None and where.isdigit():
            return None
        if peer_name := peer.get("name") or peer.dev:  # made, and deleted, with it
            made = dataclasses.replace(
                made, peer=peer_name, peer_ns=where or ns,
                peer_settings=_compared_settings(peer.attrs or []),
            )  # fmt: skip
    return Declares(creates=(made,), declared=True)


def _compared_settings(attrs: list[LinkAttr]) -> tuple[tuple[str, str], ...]:
    """The settings of a link ``ip link add`` makes that verify compares, as a typed
    ``link add`` keeps them: its ``mtu`` (a number ip takes) and ``address`` (hunt Z: a
    vxlan's ``mtu 1450``, a veth's ``address``, changed by hand: verify said OK)."""
    out: list[tuple[str, str]] = []
    for word, value in attrs:
        if word == "mtu" and value is not None and value.isdigit() and 68 <= int(value) <= 65535:
            out.append(("mtu", value))
        elif matches(word, "address") and value:
            out.append(("address", value))
    return tuple(out)


#: the kinds whose ``dev X`` (after ``type KIND``) is the link they are built on
_ON_A_DEV = frozenset(
    {"vxlan", "gre", "gretap", "ip6gre", "ip6gretap", "ipip", "sit", "ip6tnl", "vti", "vti6"}
)


def lower_devices(command: str) -> tuple[str, ...]:
    """The links ``ip link add ... link X ...`` (a macvlan, a vlan...) or ``ip link add
    ... type vxlan ... dev X`` builds on, its lower devices; () when it names none (or is
    not such a line)."""
    argv = _split(command) if not SHELL_SYNTAX.search(command) else None
    argv = _without_sudo(argv) if argv else None
    if not argv or program_name(argv[0]) != "ip":
        return ()
    words = Words(argv[1:])
    try:
        _ip_options(words, Ctx(None))
        if first(words.take(), IP_OBJECTS) != "link" or first(words.take(), LINK_VERBS) != "add":
            return ()
    except NoMatch:
        return ()
    rest, found, kind = words.rest(), [], None
    for before, word in itertools.pairwise(rest):
        if kind is None and matches(before, "type"):
            kind = word
        elif (kind is None and matches(before, "link")) or (kind in _ON_A_DEV and before == "dev"):
            found.append(word)
    return tuple(found)


@lru_cache(maxsize=4096)
def effects(command: str, ns: str | None = None) -> Declares | None:
    """What ``command`` (a line that is not typed, run in ``ns``) does to link and namespace
    names: a Declares (empty when it changes none), or None when that is not known."""
    if _NETNS_FILE.search(command):  # ln -s /proc/$PID/ns/net /var/run/netns/x
        # (a variable in a word is the process's pid: the name is the file's, still)
        argv = words_with_values(command) if SHELL_SYNTAX.search(command) else _split(command)
        return _netns_file(_without_sudo(argv)) if argv else None
    if SHELL_SYNTAX.search(command) and _attaches(words_with_values(command) or []):
        # ip netns attach ctr $CPID: the name is the line's, whatever the pid (hunt W: a
        # raw step with no creates:, and --prefix refused the lab)
        return _argv_effects(words_with_values(command) or [], ns)
    if SHELL_SYNTAX.search(command) and (owned := _owned_tap(command)) is not None:
        # ip tuntap add dev tap0 mode tap user $USER: the name is the line's, whatever the
        # owner (hunt AU: a raw step with no creates:, and --prefix refused the lab)
        return _argv_effects(owned, ns)
    if SHELL_SYNTAX.search(command):  # echo 1 > /proc/sys/...: a sysctl, no name changes
        return Declares(declared=True) if sysctl_writes(command) else _neutral_line(command, ns)
    if jobs.serves(command):  # python3 -m http.server: a server, no name changes
        return Declares(declared=True)
    argv = _split(command)
    if argv and refusal(command) is not None:  # (hunt AE: no creates: for a line ip refuses)
        return None
    return _argv_effects(argv, ns) if argv else None


def _in_a_process_netns(args: list[str]) -> bool:
    """``nsenter -t PID -n [-m ...] PROGRAM ...`` whose program changes only the network
    namespace it runs in (ip, tc, iptables...: :func:`iplab.words.netns_scoped`)."""
    entry = namespace_entry(["nsenter", *args])
    assert entry is not None
    usable = entry.net and not entry.named and entry.target and entry.rest
    return bool(usable) and netns_scoped(shlex.join(entry.rest))


def _in_a_namespace_of_its_own(args: list[str]) -> bool:
    """``unshare -n [...] PROGRAM``, in a new network namespace with no name, its program
    a shell, one that changes no name, or one whose changes stay in that namespace."""
    entry = namespace_entry(["unshare", *args])
    assert entry is not None
    if not entry.net or entry.named or any("netns" in word for word in entry.rest):
        return False  # (ip netns add x, ip link set X netns 1: a name outside it)
    rest = entry.rest
    program = rest[0].rsplit("/", 1)[-1] if rest else "bash"
    shell = program in ("bash", "sh", "dash", "zsh") and len(rest) <= 1
    return shell or program in NAME_NEUTRAL or netns_scoped(shlex.join(rest))


def _argv_effects(argv: list[str], ns: str | None) -> Declares | None:
    """:func:`effects` of one command's words (no shell syntax between them)."""
    argv = _without_sudo(argv)
    if argv and (bare := past_how_it_runs(argv)) != argv:
        # (env LC_ALL=C ip link add ..., timeout 5 ip ...: what its program does; env
        # alone, a program that changes no name, listed its variables)
        return _argv_effects(bare, ns)
    if not argv:
        return None
    program = program_name(argv[0])
    if program == "ip":
        netns = argv[1:2] and first(argv[1], IP_OBJECTS) == "netns"
        if netns and first((argv[2:3] or ["list"])[0], NETNS_VERBS) in SHOW_VERBS:
            return Declares(declared=True)  # ip netns identify $$ (hunt W: it turned verify off)
        if argv[1:3] and first(argv[1], IP_OBJECTS) == "netns" and len(argv) > 4:
            verb = first(argv[2], NETNS_VERBS)
            if verb == "exec" and ns is None and not names.netns_name_problem(argv[3]):
                return effects(shlex.join(argv[4:]), argv[3])
            if verb == "set":
                return Declares(declared=True)
            if verb == "attach" and len(argv) == 5 and not names.netns_name_problem(argv[3]):
                return Declares(creates=(Effect(what="netns", name=argv[3]),), declared=True)
            return None
        return _ip_effects(argv[1:], ns)
    if program in ("sh", "bash", "dash") and argv[1:2] == ["-c"] and len(argv) >= 3:
        # sh -c 'echo 1 > /proc/sys/...': what its script does, when its words are known
        # (ip link set $IF up: which link, only the shell knows)
        return None if "$" in argv[2] or "`" in argv[2] else effects(argv[2], ns)
    if program == "nsenter" and ns is None and _in_a_process_netns(argv[1:]):
        # nsenter -t $PID -n ip addr add ...: a change inside a process's namespace, which
        # has no name the model follows (before, it made every object of the lab unknown)
        return Declares(declared=True)
    if program == "unshare" and ns is None and _in_a_namespace_of_its_own(argv[1:]):
        # unshare -n sleep infinity &: a namespace with no name, names changed in it only
        # (hunt W: it turned verify off for what the lab had made before)
        return Declares(declared=True)
    if program == "brctl":
        if argv[1:2] and argv[1].startswith(("show", "set", "hairpin", "stp")):
            return Declares(declared=True)
        return None
    if program == "ovs-vsctl":
        return _ovs_effects(argv[1:], ns)
    if program in NAME_NEUTRAL:
        return Declares(declared=True)
    if program == "find" and not FIND_ACTS & set(argv[1:]):
        return Declares(declared=True)  # (a listing: hunt DR, it refused --prefix)
    if program == "xargs":  # what it runs, for each word it reads (xargs -I{} readlink {})
        run = xargs_runs(argv)
        return None if (bool(run) and program_name(run[0]) == "xargs") else _argv_effects(run, ns)
    return None


_OVS_NEUTRAL = frozenset({"show", "list-br", "list-ports", "br-exists", "add-port", "del-port"})


#: a path under the namespaces' directory: a file there names a namespace
_NETNS_FILE = re.compile(r"(?:^|[=\s'\"])/(?:var/)?run/netns/[^/\s]")


_NETNS_DIR = re.compile(r"/(?:var/)?run/netns/([^/\s]+)$")


def adopts_netns(command: str) -> bool:
    """The command names a namespace a process holds (``ip netns attach NAME PID``, ``ln -s
    /proc/PID/ns/net /var/run/netns/NAME``, ``touch`` and ``mount --bind`` there), rather
    than making an empty one: what is in it is not the model's to know."""
    argv = words_with_values(command) if SHELL_SYNTAX.search(command) else _split(command)
    if _attaches(argv or []):
        return True
    argv = _without_sudo(argv) if argv and not SHELL_SYNTAX.search(command) else []
    return (
        bool(argv)
        and program_name(argv[0]) in ("ln", "touch")
        and bool(_NETNS_FILE.search(command))
    )


def _owned_tap(command: str) -> list[str] | None:
    """``[sudo] ip [-n NS] tuntap add ... user $USER`` (``group $(id -g)``) whose only words
    the shell computes are its owner's: its words, each of those as ``0``; else None."""
    marked, _found = substitutions(command)
    argv = _split(marked)
    argv = _without_sudo(argv) if argv else None
    if not argv or program_name(argv[0]) != "ip":
        return None
    said = ipwords.verb_of("ip", argv[1:])
    if said.obj != "tuntap" or said.verb != "add":
        return None
    shell = [i for i, w in enumerate(argv) if "\x01" in w or SHELL_SYNTAX.search(w)]
    if not shell or any(argv[i - 1] not in ("user", "group") for i in shell):
        return None
    return ["0" if i in shell else w for i, w in enumerate(argv)]


def _attaches(argv: list[str]) -> bool:
    """``[sudo] ip netns attach NAME PID``, its name written out (its pid may be a
    variable's: ``$CPID``)."""
    argv = _without_sudo(argv) if argv else []
    return (
        (bool(argv) and program_name(argv[0]) == "ip")
        and len(argv) == 5
        and "$" not in argv[3]
        and first(argv[1], IP_OBJECTS) == "netns"
        and first(argv[2], NETNS_VERBS) == "attach"
    )


def _netns_file(argv: list[str]) -> Declares | None:
    """A namespace named by hand, by its file under /run/netns: ``ln -s /proc/PID/ns/net
    /var/run/netns/NAME`` or ``touch /var/run/netns/NAME`` make the name (``mount --bind
    /proc/PID/ns/net`` onto the file changes no name), ``rm`` deletes it; None: another
    command."""
    program, args = program_name(argv[0]), argv[1:]
    paths = [a for a in args if not a.startswith("-")]
    named = _NETNS_DIR.search(paths[-1]) if paths else None
    name = named[1] if named and not names.netns_name_problem(named[1]) else None
    if name is None:
        return None
    effect = (Effect(what="netns", name=name),)
    if program == "ln" and any(a.startswith("-") and "s" in a for a in args) and len(paths) == 2:
        return Declares(creates=effect, declared=True)
    if program == "touch" and len(paths) == 1:
        return Declares(creates=effect, declared=True)
    if program == "mount" and ("--bind" in args or "bind" in args) and len(paths) >= 2:
        return Declares(declared=True)
    if program in ("rm", "unlink") and len(paths) == 1:
        return Declares(deletes=effect, declared=True)
    return None


def _neutral_line(command: str, ns: str | None) -> Declares | None:
    """A line of shell syntax whose every command changes no name (``sleep 2 &``, ``mkdir -p
    /etc/netns/red && echo nameserver 1.1.1.1 > /etc/netns/red/resolv.conf``, ``curl -s
    x | grep ok``): an empty Declares; None when any command is unknown, or the line
    substitutes a command's output (``$(...)``) or writes under /run/netns."""
    if "`" in command:
        return None
    if "$(" in command:  # printf '[%s] %s' "$(date +%T)" ...: each substitution a neutral one
        inner = _SUBSTITUTION.findall(command)
        if len(inner) != command.count("$(") or any(_neutral_line(i, ns) is None for i in inner):
            return None
        command = _SUBSTITUTION.sub("X", command)
    segments = simple_commands(command)
    if segments is None:
        return None
    for segment in segments:
        words = segment
        while words and "=" in words[0] and not words[0].startswith("="):
            words = words[1:]  # VAR=value cmd
        if not words:
            continue
        said = _argv_effects(words, ns)
        if said is None or said.creates or said.deletes or said.renames:
            return None
    return Declares(declared=True)


#: a command substitution holding no other (``$(date +%T)``, ``$(id -u)``)
_SUBSTITUTION = re.compile(r"\$\(([^()`]*)\)")


def _ovs_effects(args: list[str], ns: str | None) -> Declares | None:
    args = [a for a in args if not a.startswith("--")]
    if args[:1] == ["add-br"] and len(args) >= 2 and not names.link_name_problem(args[1]):
        effect = _link_effect("link", args[1], ns, "openvswitch")
        return Declares(creates=(effect,), declared=True)
    if args[:1] == ["del-br"] and len(args) == 2 and not names.link_name_problem(args[1]):
        return Declares(deletes=(_link_effect("link", args[1], ns),), declared=True)
    if args[:1] and args[0] in (
        "show",
        "list-br",
        "list-ports",
        "br-exists",
        "add-port",
        "del-port",
    ):
        return Declares(declared=True)
    return None
