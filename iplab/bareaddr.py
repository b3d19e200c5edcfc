"""An IPv4 address given with no prefix length where the lab's later steps show a subnet was
meant (hunt CE #1: ``ip addr add 10.0.0.1 dev veth-l`` beside ``10.0.0.2`` on the other
end: ip makes each a /32, the kernel adds no route to the neighbour, and the page's ping
says "Network is unreachable"). A warning, never a refusal: a /32 is what some labs mean
(calico's pod address with its own ``dev`` route, an address with a ``peer``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from iplab.model import ModelError
from iplab.names import ROOT
from iplab.scenario import Scenario
from iplab.steps import AddrAdd, NetnsExec, Probe, RouteAdd, Step
from iplab.words import shell_tokens
from iplab.wrappers import program_name

__all__ = ["bare_addresses"]


def bare_addresses(scenario: Scenario) -> Iterator[ModelError]:
    """A warning for each ``addr add`` of an IPv4 address with no ``/LEN`` whose /24 holds
    another address the lab assigns, pings or routes via, unless a route the lab adds in
    its namespace reaches that neighbour already (``ip route add 10.0.0.0/24 dev v0``)."""
    steps = scenario.steps
    for step in steps:
        op = step.op
        if not isinstance(op, AddrAdd) or "/" in op.address or op.settings or op.dev == "lo":
            continue  # (a peer, a label...: the author says more; a loopback's router id)
        try:
            address = ipaddress.IPv4Address(op.address)
        except ValueError:
            continue
        net = ipaddress.IPv4Network(f"{address}/24", strict=False)
        ns = op.in_ns() or ROOT
        routed = [ipaddress.ip_network(t, strict=False) for t in _routes_in(steps, ns)]
        for other, why in _neighbours(steps, step):
            if other != address and other in net and not any(other in r for r in routed):
                yield ModelError(
                    f"'{op.address}' has no prefix length: ip makes it {address}/32, and the"
                    f" kernel adds no route to {other} ({why}), so a ping there finds none",
                    step.loc.at("address"),
                    f"write {address}/24, as {other} is in {net}; or add a route to it",
                    certain=False,
                )
                break


def _routes_in(steps: tuple[Step, ...], ns: str) -> Iterator[str]:
    for step in steps:
        op = step.op
        if isinstance(op, RouteAdd) and (op.in_ns() or ROOT) == ns:
            to = "0.0.0.0/0" if op.to == "default" else op.to  # (default dev veth0: all)
            try:
                ipaddress.ip_network(to, strict=False)
            except ValueError:
                continue
            yield to


def _neighbours(steps: tuple[Step, ...], this: Step) -> Iterator[tuple[ipaddress.IPv4Address, str]]:
    """The lab's other IPv4 addresses, with where each comes from."""
    for step in steps:
        op = step.op
        found: list[str] = []
        if step is this:
            continue
        if isinstance(op, AddrAdd) and op.dev != "lo":  # (a router id is no neighbour)
            found = [op.address.split("/")[0]]
            what = "another address of the lab"
        elif isinstance(op, RouteAdd) and op.via is not None:
            found, what = [op.via], "a route's gateway"
        elif isinstance(op, Probe):
            found, what = [op.target], "a ping's target"
        elif isinstance(op, NetnsExec) and _pings(op.command):
            found, what = shell_tokens(op.command) or [], "a ping's target"
        for word in found:
            try:
                yield ipaddress.IPv4Address(word), f"{what}, {step.loc.field}"
            except ValueError:
                continue


def _pings(command: str) -> bool:
    """``ping ...``, ``ping6 ...``, ``/bin/ping ...`` (:func:`iplab.wrappers.program_name`)."""
    words = shell_tokens(command) or []
    return bool(words) and program_name(words[0]).startswith("ping")
