"""A policy rule (``ip rule``) as the model holds it and as ``ip -j rule`` shows it.

Hunt CV: a lab's ``ip rule add from 10.1.0.0/24 table 100``, deleted or changed by hand after
``up``, passed with "ip rules of X not compared". The model reads each ``ip [-4|-6] [-n NS]
rule add|del|flush`` line into the rules of its namespace, and :mod:`iplab.rules` compares
them with ``ip -j rule``. A rule is compared by its priority, its selector (``not``,
``from``, ``to``, ``fwmark[/mask]``, ``iif``, ``oif``) and its table or action (``lookup N``,
``blackhole``, ``unreachable``, ``prohibit``); a rule with other words (``tos``, ``ipproto``,
``uidrange``, ``goto``...) is not compared, and said.

What the kernel does, checked on this host's kernel (iproute2 6.1): a rule added without a
priority gets the second rule's priority minus one (fib_default_rule_pref: 32765 under
main's 32766, then 32764; 99 under a rule of 100; 0 after a flush); the kernel keeps the
source as written (``from 10.1.0.5/24``); a /32 (/128) source shows no length; ``ip rule
del`` deletes the first rule (by priority) holding each attribute the line gives; ``ip rule
flush`` deletes every rule of the family (IPv4 unless ``-6``) but those of priority 0.
"""

from __future__ import annotations

import ipaddress
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING

from iplab.ipwords import matches
from iplab.names import ROOT, ns_short
from iplab.records import Record, frozen
from iplab.words import (
    _past_ip_options,
    inside_netns,
    ip_netns,
    simple_commands,
    unsudoed,
)
from iplab.wrappers import program_name

if TYPE_CHECKING:
    from iplab.state import State

#: a rule's compared attributes: ((name, value), ...) sorted; a table or an action
Selector = tuple[tuple[str, str], ...]

#: the rules a namespace starts with, by family: (priority, table)
DEFAULTS = {
    4: ((0, "local"), (32766, "main"), (32767, "default")),
    6: ((0, "local"), (32766, "main")),
}
_TABLES = {"254": "main", "255": "local", "253": "default"}
_ACTIONS = ("blackhole", "unreachable", "prohibit")


@frozen
class RuleLine(Record):
    """One ``ip rule add|del|flush`` line: where, its family, its verb, what it says."""

    ns: str | None
    family: int
    verb: str
    #: the priority written (None: none)
    pref: int | None
    #: its attributes (None: words the model does not compare or read)
    selector: Selector | None


def _prefix(text: str, family: int) -> str | None:
    if text in ("all", "any", "default") or text in ("0/0", "0.0.0.0/0", "::/0"):
        return "all"
    try:
        net = ipaddress.ip_interface(text)
    except ValueError:
        return None
    if net.version != family:
        return None
    full = net.network.prefixlen == net.max_prefixlen
    return str(net.ip) if full else f"{net.ip}/{net.network.prefixlen}"


def _number(text: str) -> int | None:
    try:
        return int(text, 0)
    except ValueError:
        return None


def _mark(text: str) -> str | None:
    mark, _, mask = text.partition("/")
    value, masked = _number(mark), _number(mask) if mask else None
    if value is None or (mask and masked is None):
        return None
    return f"{value:#x}" + (f"/{masked:#x}" if masked is not None else "")


def read_words(
    words: list[str], family: int, add: bool = True
) -> tuple[int | None, Selector | None] | None:
    """(priority, attributes) of the words after ``ip rule add|del`` (``add``: main where
    no table or action is written); attributes None: a word the model does not compare;
    None: words it cannot read (a variable...)."""
    pref: int | None = None
    out: dict[str, str] = {}
    compared = True
    i = 0
    while i < len(words):
        word = words[i]
        value = words[i + 1] if i + 1 < len(words) else None
        if word == "not":
            out["not"], i = "not", i + 1
            continue
        if word in ("from", "to") and value is not None:
            said = _prefix(value, family)
            if said is None:
                return None
            if said != "all":
                out[word] = said
        elif word in ("priority", "preference", "pref", "order") and value is not None:
            if (pref := _number(value)) is None:
                return None
        elif word in ("table", "lookup") and value is not None:
            out["table"] = _TABLES.get(value, value)
            if "$" in value:
                return None
        elif word == "fwmark" and value is not None:
            if (mark := _mark(value)) is None:
                return None
            out["fwmark"] = mark
        elif word in ("iif", "dev", "oif") and value is not None:
            if "$" in value:
                return None
            out["oif" if word == "oif" else "iif"] = value
        elif word in _ACTIONS or (word == "type" and value in _ACTIONS):
            out["action"] = value if word == "type" and value else word
            i += 2 if word == "type" else 1
            continue
        elif word in ("unicast",):
            i += 1
            continue
        else:  # (tos, ipproto, sport, uidrange, goto, realms, suppress_prefixlength...)
            compared = False
            i += 1 if value is None or word in ("nop", "l3mdev") else 2
            continue
        i += 2
    if add and "action" not in out and "table" not in out and compared:
        out["table"] = "main"  # (ip rule add with no table: main, as ip -j rule shows it)
    return pref, tuple(sorted(out.items())) if compared else None


def rule_lines(command: str) -> list[RuleLine] | None:
    """Each ``ip [-4|-6] [-n NS] rule add|del|flush`` of a line (also under ``ip netns exec
    NS``); None: a rule line the model cannot read (its namespace's rules are then not
    compared)."""
    out: list[RuleLine] = []
    for words in simple_commands(command) or []:
        argv = unsudoed(words)
        ns, argv = inside_netns(argv)
        if not argv or program_name(argv[0]) != "ip":
            continue
        family = 6 if "-6" in argv[1:] and argv.index("-6") < len(argv) else 4
        bare = _past_ip_options(argv)
        if len(bare) < 3 or not matches(bare[1], "rule") or len(bare[1]) < 2:
            continue
        verb = next((v for v in ("add", "delete", "flush") if matches(bare[2], v)), None)
        if verb is None:
            if bare[2] in ("show", "list", "lst", "save", "help") or matches(bare[2], "show"):
                continue
            return None
        where = ip_netns(shlex.join(argv)) or ns
        if verb == "flush":
            out.append(RuleLine(where, family, verb, None, ()))
            continue
        read = read_words(bare[3:], family, add=verb == "add")
        if read is None:
            return None
        out.append(RuleLine(where, family, verb, read[0], read[1]))
    return out


def text(pref: int | None, selector: Selector) -> str:
    """A rule as a difference names it: ``pref 100 from 10.1.0.0/24 lookup 100``."""
    said = dict(selector)
    words = [f"pref {pref}"] if pref is not None else []
    words += ["not"] if "not" in said else []
    words += [f"{k} {said[k]}" for k in ("from", "to", "fwmark", "iif", "oif") if k in said]
    words += [f"lookup {said['table']}"] if "table" in said else [said.get("action", "")]
    return " ".join(w for w in words if w)


def from_json(entry: Mapping[str, object]) -> tuple[int, Selector] | None:
    """(priority, attributes) of one rule of ``ip -j rule``."""
    pref = entry.get("priority")
    if not isinstance(pref, int):
        return None
    out: dict[str, str] = {}
    for key, length, name in (("src", "srclen", "from"), ("dst", "dstlen", "to")):
        value = entry.get(key)
        if isinstance(value, str) and value != "all":
            out[name] = f"{value}/{entry[length]}" if length in entry else value
    if "not" in entry:
        out["not"] = "not"
    if isinstance(mark := entry.get("fwmark"), str) and (said := _mark(mark)) is not None:
        mask = entry.get("fwmask")
        masked = _number(mask) if isinstance(mask, str) else None
        out["fwmark"] = said + (f"/{masked:#x}" if masked is not None else "")
    for key in ("iif", "oif"):
        if isinstance(entry.get(key), str):
            out[key] = str(entry[key])
    if isinstance(action := entry.get("action"), str) and action in _ACTIONS:
        out["action"] = action
    elif (table := entry.get("table")) is not None:
        out["table"] = _TABLES.get(str(table), str(table))
    return pref, tuple(sorted(out.items()))


#: a rule the lab added: (family, priority or None, its attributes)
WrittenRule = tuple[int, int | None, tuple[tuple[str, str], ...]]


def written_rules(expected: State) -> dict[str, list[WrittenRule]]:
    """The policy rules the model knows the lab added, by namespace (:mod:`iplab.rules`
    reads them back): those it reads, not added before a step of unknown effect."""
    out: dict[str, list[WrittenRule]] = {}
    for ns, space in expected.namespaces.items():
        if ns != ROOT and not expected.certain(space):
            continue
        kept = [
            (family, pref, selector)
            for family, held in sorted(space.rules.items())
            for pref, selector, own, opaque in held
            if own and selector is not None and opaque == expected.opaque
        ]
        if kept:
            out[ns] = kept
    return out


def rules_unread(expected: State) -> list[str]:
    """The namespaces holding a rule the lab added that a line the model cannot read may
    have deleted (a rule it does not compare is said where it is added: ``ip rules``)."""
    return [
        ns_short(ns)
        for ns, space in expected.namespaces.items()
        if any(
            own and selector is not None and opaque == -1
            for held in space.rules.values()
            for _, selector, own, opaque in held
        )
    ]
