"""Routes and policy rules in the lab's namespaces that the model does not expect (hunt DI).

``verify`` reported links nobody asked for in a lab's namespaces (``extra-links``), but a
route (``ip -n NS route add 10.9.0.0/24 via ...``) or a rule (``ip -n NS rule add ...``)
a learner added by hand after ``up`` passed with an OK. Now each such route or rule is a
difference of its own (:attr:`DifferenceKind.EXTRA_ROUTE`, :attr:`DifferenceKind.EXTRA_RULE`).

Only where the model is sure: a namespace of the lab it knows (never the root, nor a
namespace that is not the lab's), no step of unknown effect anywhere in the lab (it may
have added anything: no false alarm after a raw step), routes only where the model
follows them (:attr:`iplab.state.Namespace.routes_known`), rules only where no line the
model cannot read touched them. What the kernel adds by itself is not "extra": a route
whose protocol is not a person's (``proto kernel``: an address's subnet, IPv6 link-local
``fe80::/64``, the local table, multicast ``ff00::/8``; ``ra``, ``dhcp``, a routing
daemon's) and a rule the kernel made (``protocol kernel``: VRF's l3mdev rule) or that a
namespace starts with (0 local, 32766 main, 32767 default).

Read with the promised routes and rules (:mod:`iplab.routes`, :mod:`iplab.rules`), at once
(:func:`read`), costing no process more than before: over netlink where the lab's links are
read so (:mod:`iplab.nlroutes`, no process: as root on the real kernel, the default), the
namespaces that promise some and each of the lab the model is sure of; with the ``ip -j``
reader (``IPLAB_READER=ip``, sudo), the promised ones only, in one bash process (where the
routes and the rules took one each): routes and rules added by hand are then said only in
namespaces whose routes or rules the lab promises.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence

from iplab import routes, rules
from iplab.iproute import Shell, json_sections, read_in_each
from iplab.names import ROOT, ns_short, route_network
from iplab.rulewords import DEFAULTS, Selector, from_json, text, written_rules
from iplab.state import Route, State
from iplab.verify import Difference, DifferenceKind

SCRIPT = r"""
for ns in "$@"; do
  if [ "$ns" = "-" ]; then n=; else n="-n $ns"; fi
  run v4 "$ns" ip $n -4 -j route show table all
  run v6 "$ns" ip $n -6 -j route show table all
  run rule4 "$ns" ip $n -j -4 rule show
  run rule6 "$ns" ip $n -j -6 rule show
done
"""

#: the protocols of routes a person adds (``ip route add`` without ``proto``: boot, which
#: ``ip -j`` does not print; ``proto static``); any other is the kernel's or a program's
_BY_HAND = frozenset({"boot", "static"})


def watched(expected: State) -> list[str]:
    """The lab's namespaces where routes and rules the model does not expect are looked
    for: each the model is sure of, none after a step of unknown effect."""
    if expected.opaque:
        return []
    return [
        ns for ns, space in expected.namespaces.items() if ns != ROOT and expected.certain(space)
    ]


#: what one read gave: each namespace's routes (its protocol, the route), and its rules
Read = tuple[
    dict[str, list[tuple[str, Route]]],
    dict[str, dict[int, list[tuple[int, Selector, str]]]],
]


def begin_read(
    shell: Shell, promised: Collection[str], watched: Collection[str] = ()
) -> Callable[[State], Read]:
    """:func:`read`, begun now: over netlink, the namespaces' dumps run in a thread while
    the caller reads the lab's links (#14), and the call returned, given the links read,
    ends it as :func:`read` would have read then (the namespaces ``observed`` holds);
    with the ``ip -j`` reader, that call reads as :func:`read` does."""
    from iplab import iproute, nlroutes
    from iplab.netlink import Unsupported

    everything = sorted(set(promised) | set(watched))
    if everything and iproute.choose_reader(shell, everything) == "netlink":
        from iplab.runner import Runner

        assert isinstance(shell, Runner)
        start = time.perf_counter()
        try:
            ending = nlroutes.begin(everything)
        except (Unsupported, OSError):
            ending = None
        if ending is not None:
            begun, runner = ending, shell

            def end(observed: State) -> Read:
                meta: dict[str, object] = {
                    "kind": "read", "reader": "netlink", "namespaces": everything,
                    "text": f"read the routes and rules of {len(everything)} namespaces"
                    " with netlink",
                }  # fmt: skip
                try:
                    found, ruled = begun(_link_names(observed))
                except (Unsupported, OSError) as exc:  # (no setns here: ip -j reads them)
                    runner.note({**meta, "fallback": "ip"}, time.perf_counter() - start, 1,
                                str(exc))  # fmt: skip
                    return _promised_read(shell, promised, observed)
                runner.note(meta, time.perf_counter() - start)  # (audited, as every read)
                there = set(observed.namespaces)
                return (
                    {ns: held for ns, held in found.items() if ns in there},
                    {ns: held for ns, held in ruled.items() if ns in there},
                )

            return end
    return lambda observed: _promised_read(shell, promised, observed)


def _link_names(observed: State) -> dict[str, dict[int, str]]:
    """Each namespace's link names by index, which name a route's link."""
    return {
        ns: {link.ifindex: link.name for link in space.links.values() if link.ifindex}
        for ns, space in observed.namespaces.items()
    }


def _promised_read(shell: Shell, promised: Collection[str], observed: State) -> Read:
    """The routes and rules of the namespaces that promise some, with ``ip -j``."""
    wanted = sorted(set(promised) & set(observed.namespaces))
    if not wanted:
        return {}, {}
    return parse(read_in_each(shell, SCRIPT, wanted, "routes and rules"))


def read(
    shell: Shell, promised: Collection[str], observed: State, watched: Collection[str] = ()
) -> Read:
    """The routes and rules of the namespaces that promise some, and of those ``watched``
    (:func:`watched`) where that costs no process: over netlink (:mod:`iplab.nlroutes`, as
    root on the real kernel, where the lab's links are read so too). With the ``ip -j``
    reader (``IPLAB_READER=ip``, through sudo, a fake runner), the promised ones alone, in
    one bash process, as before (:func:`parse`): a lab that promises none reads nothing.
    ``observed``: the lab's links as read, which name a route's link by its index. Only
    namespaces ``observed`` holds are read."""
    there = set(observed.namespaces)
    return begin_read(shell, set(promised) & there, set(watched) & there)(observed)


def promised_routes(found: Mapping[str, Sequence[tuple[str, Route]]]) -> dict[str, list[Route]]:
    """What :func:`iplab.routes.differences` compares the promised routes with."""
    return {ns: [route for _, route in held] for ns, held in found.items()}


def promised_rules(
    found: Mapping[str, Mapping[int, Sequence[tuple[int, Selector, str]]]],
) -> dict[str, dict[int, list[tuple[int, Selector]]]]:
    """What :func:`iplab.rules.differences` compares the promised rules with."""
    return {
        ns: {family: [(p, s) for p, s, _ in held] for family, held in families.items()}
        for ns, families in found.items()
    }


def parse(text_: str) -> Read:
    """The script's output: each namespace's routes with their protocol, and its rules with
    theirs (``-``: the root's)."""
    found: dict[str, list[tuple[str, Route]]] = {}
    for kind, ns, entries in json_sections(text_, ("v4", "v6"), "ip -j route show"):
        family = 6 if kind == "v6" else 4
        held = found.setdefault(ns, [])
        for entry in entries:
            if isinstance(entry, dict) and (route := routes.route_of(entry, family)) is not None:
                held.append((str(entry.get("protocol", "boot")), route))
    ruled: dict[str, dict[int, list[tuple[int, Selector, str]]]] = {}
    for kind, ns, entries in json_sections(text_, ("rule4", "rule6"), "ip -j rule show"):
        family = 4 if kind == "rule4" else 6
        kept = ruled.setdefault(ns, {}).setdefault(family, [])
        for entry in entries:
            if isinstance(entry, dict) and (rule := from_json(entry)) is not None:
                kept.append((*rule, str(entry.get("protocol", ""))))
    return found, ruled


def extra_routes(
    expected: State, found: Mapping[str, Sequence[tuple[str, Route]]]
) -> list[Difference]:
    """Each route a person added in a watched namespace that the model does not expect."""
    out: list[Difference] = []
    for ns in watched(expected):
        space = expected.namespaces[ns]
        if ns not in found or not space.routes_known:
            continue  # (gone: verify says so; routes a step changed that it does not type)
        held = [got for _, got in found[ns]]
        # (a promised route replaced by hand: its missing-route names what took its place)
        taken = {_place(want) for want in space.routes if not any(routes.same(want, got)
                                                                  for got in held)}  # fmt: skip
        for proto, got in found[ns]:
            if proto not in _BY_HAND or any(routes.same(want, got) for want in space.routes):
                continue
            if _place(got) in taken:
                continue
            out.append(
                Difference(f"route {got.to}@{ns_short(ns)}", "exists", "none", str(got),
                           kind=DifferenceKind.EXTRA_ROUTE, namespace=ns)
            )  # fmt: skip
    return out


def _place(route: Route) -> tuple[object, str | None, int]:
    """Where a route sits: its network, table and family (:func:`iplab.routes.differences`
    names what the kernel holds there in the place of a promised route)."""
    return route_network(route.to, route.family), route.table, route.family


def extra_rules(
    expected: State,
    found: Mapping[str, Mapping[int, Sequence[tuple[int, Selector, str]]]],
    numbers: Mapping[str, str] | None = None,
) -> list[Difference]:
    """Each rule in a watched namespace that the model does not expect there."""
    out: list[Difference] = []
    known = rules.table_numbers() if numbers is None else numbers
    written = written_rules(expected)  # (once: it goes through every namespace)
    for ns in watched(expected):
        space = expected.namespaces[ns]
        held = space.rules
        if ns not in found or any(r[3] == -1 for family in held.values() for r in family):
            continue  # (gone; a line the model cannot read touched its rules)
        for family, got in sorted(found[ns].items()):
            wanted = held.get(family)
            if wanted is None:  # (no step touched them: what a namespace starts with)
                wanted = [(p, (("table", t),), False, 0) for p, t in DEFAULTS[family]]
            # (a promised rule changed or moved by hand: its "rule" difference names it)
            missing = [
                (pref, selector)
                for fam, pref, selector in written.get(ns, [])
                if fam == family
                and not any(
                    rules.same_rule(s, selector, known) and pref in (None, p) for p, s, _ in got
                )
            ]
            for pref, selector, proto in got:
                if proto == "kernel" or any(
                    want_pref in (None, pref)
                    and (want is None or rules.same_rule(want, selector, known))
                    for want_pref, want, _own, _opaque in wanted
                ):
                    continue
                if any(p == pref or rules.same_rule(s, selector, known) for p, s in missing):
                    continue
                shown = text(pref, selector)
                out.append(
                    Difference(f"rule {shown}@{ns_short(ns)}", "exists", "none",
                               shown + ("" if family == 4 else " (IPv6)"),
                               kind=DifferenceKind.EXTRA_RULE, namespace=ns)
                )  # fmt: skip
    return out


__all__ = [
    "SCRIPT", "begin_read", "extra_routes", "extra_rules", "parse", "promised_routes",
    "promised_rules", "read", "watched",
]  # fmt: skip
