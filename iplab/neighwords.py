"""The words of ``ip neigh`` lines: which neighbours a line adds, deletes or flushes, as
ip reads them (ip/ipneigh.c, iproute2 6.1). Pure: the model follows them
(``model._neighbours_written``), :mod:`iplab.neighbours` reads them back and compares."""

from __future__ import annotations

import ipaddress
import shlex
from collections.abc import Sequence
from dataclasses import replace

from iplab.ipwords import first, matches, verb_of
from iplab.records import Record, frozen
from iplab.words import (
    inside_netns,
    ip_netns,
    shell_script,
    shell_tokens,
    simple_commands,
    unsudoed,
)
from iplab.wrappers import program_name

#: ``ip neigh``'s verbs, in the order ip/ipneigh.c tries them (``chg``: change, exactly)
VERBS = ("add", "change", "replace", "delete", "get", "show", "lst", "list", "flush", "help")
#: the states an entry keeps until a step takes it away (the others come and go)
LASTING = frozenset({"permanent", "noarp"})


@frozen
class Write(Record):
    """One ``ip neigh add|change|replace|delete|flush`` of a line, as ip reads its words."""

    #: the namespace its words name (``ip -n NS``, ``ip netns exec NS``); None: the line's
    ns: str | None
    #: ``add`` (add, change, replace), ``delete`` or ``flush``
    verb: str
    dev: str | None = None
    #: the neighbour's address as ip prints it (None: none, or one ip would refuse)
    address: str | None = None
    #: its link-layer address as ip prints it (lowercase, two digits a byte)
    lladdr: str | None = None
    #: the ``nud`` state an add writes (lowercase); None: none written (ip's default,
    #: permanent)
    nud: str | None = None
    proxy: bool = False
    #: a flush's ``nud`` words, in order (none: ip's filter, which leaves the lasting ones)
    nuds: tuple[str, ...] = ()

    @property
    def followed(self) -> bool:
        """An entry verify compares: a lasting one, with both addresses, on a named link."""
        state = self.nud or "permanent"
        return (
            self.verb == "add"
            and not self.proxy
            and None not in (self.dev, self.address, self.lladdr)
            and state in LASTING
        )

    @property
    def routed(self) -> bool:
        """net-tools' ``arp -s HOST HWADDR`` without ``-i``: a lasting entry on the link the
        kernel's on-link route to HOST leaves by (arp_req_set); the model finds it
        (``model._arp_link``), or says the namespace's neighbours are not compared."""
        state = self.nud or "permanent"
        return (
            self.verb == "add"
            and self.dev is None
            and not self.proxy
            and self.lladdr is not None
            and self.address is not None
            and ":" not in self.address
            and state in LASTING
        )

    @property
    def state(self) -> str:
        """What ``ip -j neigh`` shows of the entry's state (``PERMANENT``, ``NOARP``)."""
        return (self.nud or "permanent").upper()


def writes(command: str) -> list[Write]:
    """The neighbour changes of a line (inside ``bash -c '...'`` and ``ip netns exec NS``
    too); reads (``ip neigh show``) and lines ip would refuse are none."""
    script = shell_script(command)
    if script is not None:
        words = shell_tokens(command) or []
        ns, _ = inside_netns(unsudoed(words))
        return [w if w.ns is not None else replace(w, ns=ns) for w in writes(script)]
    out: list[Write] = []
    for words in simple_commands(command) or []:
        argv = unsudoed(words)
        ns, argv = inside_netns(argv)
        write = _write(argv)
        if write is not None:
            out.append(write if write.ns is not None else replace(write, ns=ns))
    return out


def unfollowed(command: str) -> bool:
    """A line that adds a neighbour verify does not compare (a proxy entry, a passing
    state, one without an address): its verdict says so."""
    return any(w.verb == "add" and not w.followed and not w.routed for w in writes(command))


def _write(argv: Sequence[str]) -> Write | None:
    """``ip [-n NS] [-4|-6] neigh VERB ARGS`` (or net-tools' ``arp -s|-d``) -> its write;
    None: another command, a read."""
    if argv and program_name(argv[0]) == "arp":
        return _arp(argv[1:])
    if not argv or program_name(argv[0]) != "ip":
        return None
    said = verb_of("ip", argv[1:])  # (ip's options and abbreviations, as ip reads them)
    if said.obj not in ("neighbor", "neighbour") or said.word is None:
        return None
    ns = ip_netns(shlex.join(argv))
    verb = "change" if said.word == "chg" else first(said.word, VERBS)
    if verb in ("add", "change", "replace"):
        return _modify(ns, said.rest)
    if verb == "delete":
        return _modify(ns, said.rest, "delete")
    if verb == "flush":
        return _flush(ns, said.rest)
    return None


def _modify(ns: str | None, args: Sequence[str], verb: str = "add") -> Write | None:
    """ipneigh_modify's words: ``ADDR [lladdr LLADDR] [nud STATE] [proxy ADDR] [dev DEV]
    [router] [extern_learn] [protocol P] [use] [managed]``."""
    dev = address = lladdr = nud = None
    proxy = False
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if matches(word, "lladdr"):
            lladdr = _lladdr(rest.pop(0)) if rest else None
        elif word == "nud":
            nud = nud_state(rest.pop(0)) if rest else None
        elif matches(word, "proxy"):
            proxy, address = True, address_text(rest.pop(0)) if rest else None
        elif word == "dev":
            dev = rest.pop(0) if rest else None
        elif matches(word, "protocol"):
            rest = rest[1:]
        elif word in ("router", "use", "managed") or matches(word, "extern_learn"):
            continue
        else:
            if word == "to" and rest:
                word = rest.pop(0)
            address = address_text(word)
    return Write(ns, verb, dev, address, lladdr, nud, proxy)


#: net-tools arp's options that take a value, and those that make it set or delete
_ARP_VALUED = frozenset({"-i", "--device", "-H", "--hw-type", "-t", "-f", "--file"})
_ARP_SETS = frozenset({"-s", "--set"})
_ARP_DELETES = frozenset({"-d", "--delete"})


def _arp(args: Sequence[str]) -> Write | None:
    """net-tools' ``arp -s HOST HWADDR [temp] [pub] [-i IF]`` (a permanent entry unless
    ``temp``, a proxy one with ``pub``) and ``arp -d HOST [-i IF]``, as the old tutorials pin
    a neighbour; ``-f FILE``, ``-D`` (an interface's own address), a host name: not followed.
    None: a read (``arp -n``)."""
    dev = verb = None
    words: list[str] = []
    unknown = False
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if word in ("-i", "--device"):
            dev = rest.pop(0) if rest else None
        elif word in _ARP_SETS | _ARP_DELETES:
            verb = "add" if word in _ARP_SETS else "delete"
        elif word in _ARP_VALUED or word.startswith("-D") or word == "--use-device":
            unknown = True
            rest = rest[1:] if word in _ARP_VALUED else rest
        elif not word.startswith("-"):
            words.append(word)
    if verb is None:
        return None if not unknown else Write(None, "add", dev)
    address = address_text(words[0]) if words else None
    if verb == "delete":
        return Write(None, "delete", dev, address)
    lladdr = _lladdr(words[1]) if len(words) > 1 and not unknown else None
    temp = "temp" in words[2:]
    return Write(None, "add", dev, address, lladdr, "reachable" if temp else None, "pub" in words)


def _flush(ns: str | None, args: Sequence[str]) -> Write:
    """ipneigh_list_or_flush's words: what a flush names (its link, the states it reaches)."""
    dev = None
    nuds: list[str] = []
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if word == "dev" and rest:
            dev = rest.pop(0)
        elif word == "nud" and rest:
            word = rest.pop(0)
            nuds.append("all" if word == "all" else nud_state(word))
    return Write(ns, "flush", dev, nuds=tuple(nuds))


#: ``nud_state_a2n``'s names: those it reads abbreviated (``matches``), then exact ones,
#: in its order; and the states by their bit (a number names one: ``nud 0x80``)
_NUD_ABBREVIATED = ("permanent", "reachable")
_NUD_EXACT = ("noarp", "none", "stale", "incomplete", "delay", "probe")
_NUD_BITS = {0x01: "incomplete", 0x02: "reachable", 0x04: "stale", 0x08: "delay",
             0x10: "probe", 0x20: "failed", 0x40: "noarp", 0x80: "permanent",
             0: "none"}  # fmt: skip


def nud_state(word: str) -> str:
    """A ``nud`` word as ip reads it (``nud_state_a2n``): ``perm`` and ``p`` are
    permanent, ``r`` reachable, ``f`` failed, ``0x80`` (or ``128``) permanent, ``0x40``
    noarp; its name then. A word ip refuses (``PERMANENT``: ip's names are lowercase) is
    kept as written, a state no entry is compared in (the line fails)."""
    state = first(word, _NUD_ABBREVIATED)
    if state is not None:
        return state
    if word in _NUD_EXACT:
        return word
    if matches(word, "failed"):
        return "failed"
    try:
        value = int(word, 8 if len(word) > 1 and word[0] == "0" and word[1] in "01234567" else 0)
    except ValueError:
        return word
    return _NUD_BITS.get(value, word)


#: the states ``nud_state_a2n`` reads, by their names (what :func:`nud_state` gives)
_NUD_NAMES = frozenset(_NUD_BITS.values())
#: the words of ``ip neigh`` that read the next one as their value (not a ``nud``): as
#: written, and those ip reads abbreviated
_VALUED = frozenset({"dev", "to", "master", "vrf"})
_VALUED_ABBREVIATED = ("lladdr", "proxy", "protocol")


def refused(argv: Sequence[str]) -> str | None:
    """ip's refusal of a ``nud`` word it cannot read, on any host (``ip neigh add ... nud
    PERMANENT``: ip's names are lowercase; ``nud 0x3``: two states): ``argument
    "PERMANENT" is wrong: nud state is bad``, as ipneigh_modify and
    ipneigh_list_or_flush say it (invarg); None otherwise."""
    if not argv or program_name(argv[0]) != "ip":
        return None
    said = verb_of("ip", argv[1:])
    if said.obj not in ("neighbor", "neighbour") or said.word is None:
        return None
    verb = "change" if said.word == "chg" else first(said.word, VERBS)
    listing = verb in ("flush", "show", "list")  # (theirs read 'all' too)
    if verb not in ("add", "change", "replace", "delete") and not listing:
        return None
    rest = list(said.rest)
    while rest:
        word = rest.pop(0)
        if word == "nud" and rest:
            state = rest.pop(0)
            if not (listing and state == "all") and nud_state(state) not in _NUD_NAMES:
                return f'argument "{state}" is wrong: nud state is bad'
        elif word in _VALUED or any(matches(word, v) for v in _VALUED_ABBREVIATED):
            rest = rest[1:]
    return None


def nud_meant(word: str) -> str | None:
    """The ``nud`` word meant by one ip refuses (``PERMANENT``, ``Permanent``: ip's names
    are lowercase), or None."""
    lower = word.lower()
    return lower if lower != word and nud_state(lower) in _NUD_NAMES else None


def address_text(word: str) -> str | None:
    """An IP address as ip prints it (IPv6 compressed); None: not one."""
    try:
        return str(ipaddress.ip_address(word))
    except ValueError:
        return None


def _lladdr(word: str) -> str | None:
    """``ll_addr_a2n``: hex bytes between colons, as ip prints them; None: not one."""
    parts = word.split(":")
    try:
        values = [int(part, 16) for part in parts]
    except ValueError:
        return None
    if len(parts) < 2 or any(
        not 0 <= v <= 255 or len(p) > 2 for p, v in zip(parts, values, strict=True)
    ):
        return None
    return ":".join(f"{v:02x}" for v in values)


def takes_away(flush: Write) -> frozenset[str]:
    """The lasting states (``PERMANENT``, ``NOARP``) a flush takes, as ip's filter adds up
    its ``nud`` words: each its state, ``all`` every state but NOARP (a flush's own rule,
    checked on the kernel); none, ip's filter, leaves both."""
    taken = {"PERMANENT" if word == "all" else word.upper() for word in flush.nuds}
    return frozenset(taken & {state.upper() for state in LASTING})


__all__ = [
    "LASTING", "Write", "address_text", "nud_meant", "nud_state", "refused", "takes_away",
    "unfollowed", "writes",
]  # fmt: skip
