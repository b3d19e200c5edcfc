"""The routes a scenario promises, read back from the kernel and compared.

The model follows ``ip route add|replace|change|append|del`` (and what the kernel does to
routes when a link goes down, moves or goes away), and ``verify`` compares what it
promises: each route of the model must be in the kernel, in the same namespace and table,
with the same gateway, and the same link and metric where the scenario names them. Routes
the kernel adds by itself (a subnet's, IPv6 link-local ones) or another step added are
not the scenario's promise and are not compared. The kernel's own local table (a local
route for each address, the broadcast routes of IPv4 subnets) is not modelled: a step
that adds or deletes one of those is a warning of ``check``, and only a route a step adds
there is compared (hunt EJ #5: after ``ip route flush table all``, which takes them too,
verify agrees with the kernel).

Read with one ``ip -j route show table all`` per family and namespace, in one bash
process, only for the namespaces whose routes the model knows and promises some of (a
star of 500 namespaces without routes reads none). A namespace where a step iplab does
not type changed routes (``ip -n x route del 10.0.0.0/8``) is skipped, as is a route whose
way out (its link up, or an up link on its gateway's network) the kernel does not hold as
the model does: verify reports that link already.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping, Sequence
from typing import Any

from iplab.errors import ParseError
from iplab.iproute import Shell, outputs, read_in_each
from iplab.model import metric_key, on_link_subnet, route_table
from iplab.names import ROOT, ns_short, route_network
from iplab.state import Namespace, Route, State
from iplab.verify import Difference, DifferenceKind

_ROUTES_SCRIPT = r"""
for ns in "$@"; do
  if [ "$ns" = "-" ]; then n=; else n="-n $ns"; fi
  run v4 "$ns" ip $n -4 -j route show table all
  run v6 "$ns" ip $n -6 -j route show table all
done
"""
#: route types the kernel adds routes of by itself (in the local table)
_KERNELS = frozenset({"local", "broadcast", "multicast", "anycast", "nat"})


def promised(expected: State) -> list[str]:
    """The namespaces whose routes the model knows, and promises some of."""
    return [
        ns
        for ns, space in expected.namespaces.items()
        if space.routes and space.routes_known and (ns == ROOT or expected.certain(space))
    ]


def read_routes(shell: Shell, namespaces: Sequence[str]) -> dict[str, list[Route]]:
    """The routes of each of ``namespaces`` (ROOT: the root namespace); a namespace that
    is gone is absent. Nothing runs when ``namespaces`` is empty."""
    if not namespaces:
        return {}
    return parse_routes(read_in_each(shell, _ROUTES_SCRIPT, namespaces, "routes"))


def parse_routes(text: str) -> dict[str, list[Route]]:
    """The output of the routes script: each namespace's routes (``-``: the root's)."""
    out: dict[str, list[Route]] = {}
    for kind, name, body, status, _err in outputs(text):
        ns = ROOT if name == "-" else name
        if kind not in ("v4", "v6"):
            continue  # (a rule's, read in the same process: iplab.extras)
        if status != 0:  # (a namespace deleted meanwhile: not there)
            continue
        try:
            entries = json.loads(body or "[]")
        except json.JSONDecodeError as exc:
            raise ParseError(f"ip -j route show of {ns}: not JSON ({exc})") from None
        family = 6 if kind == "v6" else 4
        out.setdefault(ns, []).extend(
            route for e in entries if (route := route_of(e, family)) is not None
        )
    return out


def route_of(entry: dict[str, Any], family: int) -> Route | None:
    """One entry of ``ip -j route show``; None: the kernel's own local, broadcast or
    multicast route, or an entry without a destination."""
    if not isinstance(entry, dict) or _kernels(entry) or "dst" not in entry:
        return None
    table = entry.get("table")
    metric = entry.get("metric")
    kind = entry.get("type")
    return Route(
        to=str(entry["dst"]),
        via=str(entry["gateway"]) if "gateway" in entry else None,
        dev=str(entry["dev"]) if "dev" in entry else None,
        table=route_table(None if table is None else str(table)),
        metric=None if metric is None else str(metric),
        family=family,
        kind=None if kind in (None, "unicast") else str(kind),
    )


def _kernels(entry: dict[str, Any]) -> bool:
    """A route the kernel adds by itself (an address's local and broadcast routes, IPv6's
    multicast): not one a scenario's ``ip route add local ...`` adds (hunt B)."""
    return entry.get("type") in _KERNELS and entry.get("protocol") == "kernel"


def _network(to: str, family: int) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    return route_network(to, family)  # (10.6/16 is 10.6.0.0/16, as iproute2 reads it)


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.split("%")[0]) if text else None
    except ValueError:
        return None


def same(want: Route, got: Route) -> bool:
    """``got`` (read from the kernel) is the route the model expects: prefix, family, table
    and gateway; its link and metric where the model names them (a metric written as the
    family's default, ``metric 1024``, is compared too: the kernel's is then 1024)."""
    return (
        want.family == got.family
        and _network(want.to, want.family) == _network(got.to, got.family)
        and want.table == got.table
        and _address(want.via) == _address(got.via)
        and want.dev in (None, got.dev)
        and (
            want.metric is None
            or metric_key(want.metric, want.family) == metric_key(got.metric, got.family)
        )
        and want.kind == got.kind  # (hunt B: an unreachable route for a blackhole was OK)
    )


def _way_out(space: Namespace | None, want: Route) -> bool:
    """The kernel holds the route's way out as the model does: its link is there and up, or
    (no link named) an up link has an address on its gateway's network."""
    if space is None:
        return False
    if want.dev is not None:
        link = space.links.get(want.dev)
        return link is not None and link.up
    if _address(want.via) is None:
        return True  # blackhole, unreachable: no way out to hold
    return on_link_subnet(space, str(_address(want.via)))


def differences(
    expected: State, observed: State, routes: Mapping[str, Sequence[Route]]
) -> list[Difference]:
    """Each promised route the kernel does not hold (see the module's notes)."""
    out: list[Difference] = []
    for ns in promised(expected):
        if ns not in routes:
            continue  # (the namespace is gone: verify says so)
        seen = observed.namespaces.get(ns)
        for want in expected.namespaces[ns].routes:
            if any(same(want, got) for got in routes[ns]) or not _way_out(seen, want):
                continue
            out.append(
                Difference(f"route {want.to}@{ns_short(ns)}", "exists", str(want),
                           _instead(want, routes[ns]), kind=DifferenceKind.MISSING_ROUTE,
                           namespace=ns)
            )  # fmt: skip
    return out


def _instead(want: Route, got: Sequence[Route]) -> str:
    """What the kernel holds in the place of ``want`` (its prefix, table and family): hunt
    B, a blackhole replaced by an unreachable route; "none" when nothing."""
    where = (_network(want.to, want.family), want.table, want.family)
    held = [str(r) for r in got if (_network(r.to, r.family), r.table, r.family) == where]
    return "; ".join(held) or "none"


__all__ = ["differences", "parse_routes", "promised", "read_routes", "route_of", "same"]
