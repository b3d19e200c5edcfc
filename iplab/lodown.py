"""A ping of the loopback address (``ip netns exec red ping 127.0.0.1``) in a namespace
whose lo is down: a new namespace's lo is, until ``ip link set lo up``, and ping says
"connect: Network is unreachable" (exit 2) on any host (hunt DN: link16.dev's example ran
it right after ``ip netns add red``; check said OK, the run stopped there and rolled back).
Of IPv6's (``ping ::1``, ``ping6 ip6-localhost``) it says "connect: Cannot assign requested
address" (checked on this kernel, 6.18): the warning quotes what ping says of the target's
family.
"""

from __future__ import annotations

import ipaddress

from iplab.model import ModelError
from iplab.names import ROOT
from iplab.pingline import read_ping
from iplab.state import State
from iplab.steps import NetnsExec, Step
from iplab.words import simple_commands
from iplab.wrappers import program_name

#: the names the loopback address goes by
_LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})
#: what ping says of a loopback target of each family while lo is down
_SAYS = {4: "connect: Network is unreachable", 6: "connect: Cannot assign requested address"}


def loopback_ping(command: str) -> str | None:
    """The loopback address a command that is only a ping targets (``ping -c 3
    127.0.0.1``, ``ping localhost``, ``ping6 ::1``; its words read by
    :func:`iplab.pingline.read_ping`), or None."""
    runs = simple_commands(command) or []
    if len(runs) != 1 or not runs[0]:
        return None
    words = runs[0][1:] if program_name(runs[0][0]) == "sudo" else runs[0]
    ping = read_ping(words)
    if ping is None:
        return None
    if ping.named:
        return ping.target if ping.target in _LOOPBACK_NAMES else None
    return ping.target if ipaddress.ip_address(ping.target).is_loopback else None


def _family(target: str) -> int:
    """The family of a loopback target (a name: ``localhost`` is 127.0.0.1 on hosts that
    name it at all, the ``ip6-`` names ::1)."""
    if target in _LOOPBACK_NAMES:
        return 6 if target.startswith("ip6-") else 4
    return ipaddress.ip_address(target).version


def loopback_down(step: Step, state: State) -> ModelError | None:
    """What the model says of ``step`` when it pings the loopback address in a namespace
    of the lab whose lo is down (``state``: the model's, this step applied; a ping
    changes nothing); None for any other step, or when the model is not sure of lo."""
    op = step.op
    if not isinstance(op, NetnsExec) or op.ns == ROOT:
        return None
    target = loopback_ping(op.command)
    lo = state.link(op.ns, "lo")
    if target is None or lo is None or lo.up or not state.certain(lo):
        return None
    return ModelError(
        f"lo is down in {op.ns} at this step (a new namespace's is, until 'ip link set lo"
        f" up'): 'ping {target}' there says '{_SAYS[_family(target)]}' on any host, "
        + ("and the run goes past it" if step.may_fail else "and the run would stop at it"),
        step.loc,
        f"bring lo up first: ip netns exec {op.ns} ip link set lo up",
        certain=not step.may_fail,
    )
