"""iproute2's keywords as its tools read them: objects, verbs, their abbreviations.

iproute2 lets every object and verb be abbreviated to any prefix (its ``matches()``), and
the first keyword of a table that a word abbreviates wins: ``ip a s`` is ``address show``,
``ip l s`` is ``link set``, ``ip n`` is ``neighbor``. The tables follow ``ip/ip.c``,
``ip/iplink.c``, ``ip/ipaddress.c``, ``ip/iproute.c``, ``ip/ipnetns.c``, ``bridge/bridge.c``
and ``tc/tc.c``. Shared by the grammar (:mod:`iplab.ipgrammar`) and by what a line's words
say before any grammar reads it (:mod:`iplab.words`: whether a command only reads).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from iplab.records import Record, frozen
from iplab.wrappers import program_name


def matches(word: str, keyword: str) -> bool:
    """iproute2's ``matches()``: a non-empty word abbreviates a keyword it starts."""
    return bool(word) and keyword.startswith(word)


def first(word: str, table: Sequence[str]) -> str | None:
    """The first keyword of ``table`` that ``word`` abbreviates (iproute2's precedence)."""
    return next((k for k in table if matches(word, k)), None)


#: ``ip``'s objects, in the order of ``cmds[]`` in ip/ip.c
IP_OBJECTS = (
    *("address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable"),
    *("ntbl", "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tunl", "tuntap", "tap"),
    *("token", "tcpmetrics", "tcp_metrics", "monitor", "xfrm", "mroute", "mrule", "netns"),
    *("netconf", "vrf", "sr", "nexthop", "mptcp", "ioam", "stats", "help"),
)
LINK_VERBS = (
    *("add", "set", "change", "replace", "delete", "show", "lst", "list", "xstats"),
    *("afstats", "property", "help"),
)
ADDR_VERBS = (
    *("add", "change", "replace", "delete", "list", "show", "lst", "flush", "save"),
    *("showdump", "restore", "help"),
)
ROUTE_VERBS = (
    *("add", "change", "replace", "prepend", "append", "test", "delete", "list", "show"),
    *("lst", "get", "flush", "save", "restore", "showdump", "help"),
)
NETNS_VERBS = (
    *("list", "show", "lst", "list-id", "help", "add", "set", "delete", "identify", "pids"),
    *("exec", "monitor", "attach"),
)
#: the verbs that only show (``ip route get`` too, ``ip netns identify``, a monitor)
SHOW_VERBS = frozenset(
    {"show", "lst", "list", "list-id", "get", "identify", "pids", "monitor", "showdump", "help"}
)
BRIDGE_OBJECTS = ("link", "fdb", "mdb", "vlan", "vni", "monitor", "help")
TC_OBJECTS = ("qdisc", "class", "filter", "chain", "action", "actions", "monitor", "exec", "help")
#: the verbs of the objects no table here lists, changes first: a word that abbreviates a
#: change and a show (``s``: ``set`` or ``show``) is taken for the change
OTHER_VERBS = (
    *("add", "change", "replace", "prepend", "append", "test", "delete", "set", "flush"),
    *("save", "restore", "exec", "attach", "link", "insert", "update", "del"),
    *sorted(SHOW_VERBS),
)
_VERBS: dict[str, Sequence[str]] = {
    "link": LINK_VERBS, "address": ADDR_VERBS, "route": ROUTE_VERBS, "netns": NETNS_VERBS,
}  # fmt: skip

#: each tool's global options in the order it tries them (the first an abbreviation matches
#: wins: ``ip -r`` is ``-resolve``, ``ip -n`` is ``-netns``), and whether each takes a value
_OPTIONS: dict[str, tuple[tuple[str, bool], ...]] = {
    "ip": (
        ("-loops", True), ("-family", True), ("-human", False), ("-iec", False),
        ("-stats", False), ("-details", False), ("-resolve", False), ("-oneline", False),
        ("-timestamp", False), ("-tshort", False), ("-Version", False), ("-force", False),
        ("-batch", False), ("-rcvbuf", True), ("-color", False), ("-help", False),
        ("-netns", True), ("-Numeric", False), ("-all", False), ("-echo", False),
        ("-json", False), ("-pretty", False), ("-brief", False),
    ),
    "bridge": (
        ("-help", False), ("-Version", False), ("-stats", False), ("-details", False),
        ("-timestamp", False), ("-family", True), ("-netns", True), ("-compressvlans", False),
        ("-force", False), ("-json", False), ("-pretty", False), ("-batch", False),
        ("-color", False), ("-echo", False),
    ),
    "tc": (
        ("-stats", False), ("-details", False), ("-raw", False), ("-pretty", False),
        ("-graph", False), ("-Version", False), ("-iec", False), ("-help", False),
        ("-force", False), ("-batch", False), ("-netns", True), ("-Numeric", False),
        ("-names", False), ("-conf", True), ("-timestamp", False), ("-tshort", False),
        ("-color", False), ("-json", False), ("-echo", False), ("-rcvbuf", True),
    ),
}  # fmt: skip
_OBJECTS = {"ip": IP_OBJECTS, "bridge": BRIDGE_OBJECTS, "tc": TC_OBJECTS}


def verbs_of(obj: str) -> Sequence[str]:
    """The verbs of ip's object ``obj`` (``link``: ``add``, ``set``...): its table's, or
    :data:`OTHER_VERBS` for an object no table here lists."""
    return _VERBS.get(obj, OTHER_VERBS)


@frozen
class Verb(Record):
    """What an ``ip``/``bridge``/``tc`` command line's words say, as the tool reads them."""

    #: the object (``address``; None: none, or one the tool does not have)
    obj: str | None
    #: the verb, as its table has it (None: no verb, ``ip -br a``; or a word no verb starts)
    verb: str | None
    #: the word after the object (None: none, or an option)
    word: str | None
    #: the words after the verb
    rest: tuple[str, ...]
    #: ``-all`` (``ip -all netns exec CMD``)
    every: bool = False
    #: ``-batch FILE``: the commands are the file's
    batch: bool = False
    #: the object's word as written (``adr``, which names no object: ``obj`` is None)
    written: str | None = None

    @property
    def shows(self) -> bool:
        """Only shows state: a verb that shows, or none (``ip a``, ``tc qdisc``). False
        when unsure: a batch, an object or a word no table knows."""
        if self.batch or self.obj is None:
            return False
        # a monitor's words name what it listens to (ip monitor link)
        return self.word is None or self.verb in SHOW_VERBS or self.obj == "monitor"


def verb_of(program: str, args: Sequence[str]) -> Verb:
    """The object and verb of ``ip``/``bridge``/``tc`` ``args`` (the words after the program)."""
    i = 0
    every = batch = False
    options = _OPTIONS.get(program, ())
    while i < len(args) and args[i].startswith("-"):
        flag = args[i][1:] if args[i].startswith("--") else args[i]
        name = flag.split("=", 1)[0]
        option = next(((k, v) for k, v in options if matches(name, k)), None)
        batch |= option is not None and option[0] == "-batch"
        every |= option is not None and option[0] == "-all"
        # (--netns=NS: its value attached; hunt AF #7 read link as the value)
        i += 2 if option is not None and option[1] and "=" not in flag else 1
    obj = first(args[i], _OBJECTS.get(program, ())) if i < len(args) else None
    word = args[i + 1] if i + 1 < len(args) and not args[i + 1].startswith("-") else None
    table = _VERBS.get(obj or "", OTHER_VERBS) if program == "ip" else OTHER_VERBS
    verb = first(word, table) if word is not None else None
    written = args[i] if i < len(args) else None
    return Verb(obj, verb, word, tuple(args[i + 2 :]), every, batch, written)


#: the objects whose command word ip reads right after them, and the name its refusal says
#: (``Command "X" is unknown, try "ip neigh help".``: iproute2 6.1's words)
_HELPED = {
    "address": "address", "link": "link", "route": "route", "neighbor": "neigh",
    "neighbour": "neigh", "rule": "rule", "netns": "netns",
}  # fmt: skip
#: an argument where a command word stands: an address or a prefix (``ip addr 10.0.0.1/24
#: dev x``, ``ip route fe80::/64 ...``), ``dev``, ``default``: a verb forgotten
_ARGUMENT = re.compile(r"\d\S*|[0-9A-Fa-f]*:[0-9A-Fa-f:./]*|dev|default")


def refused_words(program: str, args: Sequence[str]) -> str | None:
    """What ``ip`` says when ``args`` name no object it has (``ip adr add ...``: ``Object
    "adr" is unknown, try "ip help".``), or put an argument where an object's command word
    stands (``ip -n red addr 192.168.15.1/24 dev veth-red``, its ``add`` forgotten:
    ``Command "192.168.15.1/24" is unknown, try "ip address help".``): words ip refuses
    on any host (hunt AS: such lines were raw steps the model let pass, and the run failed
    at them); None otherwise. Only what no verb can be is judged: ip's verbs are more than
    its help lists (``ip netns ls``)."""
    if program != "ip":
        return None
    said = verb_of(program, args)
    word = said.written
    if said.obj is None and word is not None and word.isalpha() and len(word) > 1:
        return f'Object "{word}" is unknown, try "ip help"'
    helped = _HELPED.get(said.obj or "")
    if helped is not None and said.word is not None and _ARGUMENT.fullmatch(said.word):
        return f'Command "{said.word}" is unknown, try "ip {helped} help"'
    if helped is not None and _no_verb_starts(said):
        # (ip netns exce red ...: every verb of the object is in its table, and ip's
        # do_netns(), do_iplink(), do_ipaddr(), do_iproute() refuse any other word)
        return f'Command "{said.word}" is unknown, try "ip {helped} help"'
    return None


def _no_verb_starts(said: Verb) -> bool:
    """The word after an object whose verbs are all in its table is no verb's beginning
    (``exce``); ``chg`` is ip's own short form of ``change`` for addresses and routes."""
    word = said.word
    if word is None or said.verb is not None or said.obj not in _VERBS:
        return False
    return not (word == "chg" and said.obj in ("address", "route"))


def knows_verbs(program: str, obj: str) -> bool:
    """Every verb of ``obj`` is in its table: a word no verb starts is not a command's."""
    return program == "ip" and obj in _VERBS


#: the objects whose ``add`` makes a name (a namespace, a link)
_NAMED_OBJECTS = frozenset({"netns", "link", "tuntap", "tunnel", "vrf"})


def adds_names(argv: Sequence[str]) -> bool:
    """A command (without sudo) that makes a namespace or a link under a name its words
    give: ``ip netns add x``, ``ip link add ...``, ``ip link set x name y``, ``brctl addbr``."""
    if not argv:
        return False
    program, args = program_name(argv[0]), argv[1:]
    if program == "brctl":
        return args[:1] == ["addbr"]
    if program not in ("ip", "bridge"):
        return False
    said = verb_of(program, args)
    if said.obj == "netns" and said.verb == "exec" and len(said.rest) > 1:
        return adds_names(said.rest[1:])  # ip netns exec NS CMD
    if said.obj not in _NAMED_OBJECTS:
        return False
    return said.verb == "add" or (said.verb in ("set", "change") and "name" in said.rest)


#: ``ip netns`` verbs whose first word is a namespace's name
_NAMING_VERBS = frozenset({"add", "set", "delete", "exec", "attach", "pids"})


def netns_named(program: str, args: Sequence[str]) -> list[str]:
    """The namespaces an ``ip``/``bridge``/``tc`` command names: its ``-n NS``, ``-netns
    NS``, ``--netns=NS``; ``ip netns add|del|set|exec|attach|pids NS``; ``ip link ...
    netns NS``."""
    out: list[str] = []
    options = _OPTIONS.get(program, ())
    i = 0
    while i < len(args) and args[i].startswith("-"):
        flag = args[i][1:] if args[i].startswith("--") else args[i]
        name, _, value = flag.partition("=")
        option = next(((k, v) for k, v in options if matches(name, k)), None)
        if option is not None and option[0] == "-netns":
            out += [value] if "=" in flag else list(args[i + 1 : i + 2])
        i += 2 if option is not None and option[1] and "=" not in flag else 1
    said = verb_of(program, args)
    if program == "ip" and said.obj == "netns" and said.verb in _NAMING_VERBS:
        out += list(said.rest[:1])
    elif program == "ip" and said.obj == "link":
        out += [b for a, b in zip(said.rest, said.rest[1:], strict=False) if a == "netns"]
    return out
