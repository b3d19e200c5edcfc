"""The steps of a lab that change the host itself, said at import and before a run.

A lab's namespaces go with it; a line in the root namespace that writes a host sysctl
(``sysctl -w net.ipv4.ip_forward=1``), loads ``/etc/sysctl.conf`` (``sysctl -p``), appends
to a host file (``echo ... | sudo tee -a /etc/sysctl.conf``), sets a chain's policy or adds
a rule to the host's packet filter (``iptables -A FORWARD ...``, ``-t nat -A POSTROUTING``)
changes the host every other program on it shares. ``up`` journals each and ``down`` puts
it back, but the import said nothing of them (hunt DF: a router lab whose forwarding was
the host's, through /etc/sysctl.conf, and whose NAT was the host's firewall, imported as
"model: OK" with no word of either). The summary lists them, each with its line, and so
does ``up`` (``run``, a dry run) before anything runs: a scenario written by hand, or
imported long ago, changes the host with no summary read.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from iplab.hostfiles import file_writes
from iplab.inverse import policy_write_of, sysctl_loads_of, sysctl_writes_of
from iplab.ipwords import netns_named, verb_of
from iplab.state import created_names
from iplab.steps import Op, Raw, RouteAdd
from iplab.words import bare_words, plain_words, unbracketed
from iplab.wrappers import program_name

#: the programs whose change, run in the root namespace, is the host's packet filter
_FIREWALLS = frozenset(
    {
        "iptables", "ip6tables", "iptables-legacy", "iptables-nft", "ip6tables-legacy",
        "ip6tables-nft", "nft", "ebtables", "arptables",
    }
)  # fmt: skip


def host_change(op: Op, links: Collection[str] = ()) -> str | None:
    """What a step changes of the host itself (None: nothing iplab can name, or not a step
    of the root namespace). ``links``: the links the lab makes, whose own sysctls
    (``net.ipv6.conf.LINK.disable_ipv6``) go with them."""
    # (hunt ET, 53bits' ``sudo ip -6 route add blackhole 2001:41c0::/32``: no link of the
    # lab's carries it, the host's table does; said nowhere)
    routed = isinstance(op, RouteAdd) and op.ns is None and op.dev is None and op.via is None
    if routed and isinstance(op, RouteAdd) and (kind := op.setting("type")):
        return f"adds a {kind} route to the host's routing table (the root namespace's)"
    if not isinstance(op, Raw) or op.observes:
        return None
    if (written := sysctl_writes_of(op)) is not None:
        keys = [key for key, _ in written if _per_link(key) not in links]
        listed = ", ".join(dict.fromkeys(keys))
        return f"writes the host's sysctl {listed}" if keys else None
    if (files := sysctl_loads_of(op)) is not None:
        return (
            f"loads {', '.join(files)} into the host's sysctls (every key the file holds"
            " then, not only a line the script added)"
        )
    if (policy := policy_write_of(op)) is not None:
        return f"sets the policy of the host's {policy[2]} chain ({policy[0]} -t {policy[1]})"
    argv = bare_words(plain_words(op.command))  # (sudo -E, env LC_ALL=C in front: hunt EV)
    if argv and program_name(argv[0]) in _FIREWALLS:
        return "changes the host's packet filter (a rule of the root namespace's)"
    if argv and argv[0].rsplit("/", 1)[-1] == "ip" and _rule_changed(argv[1:]):
        # (hunt ET, simplified.guide's ``sudo ip rule add from 192.0.2.10/32 table 100
        # priority 1000`` and fadingcoder's: every lookup of the host's goes through them)
        return "changes the host's routing policy (an ip rule of the root namespace's)"
    # (a placeholder's brackets are no redirection: ``ip link add <p1-name> netns <p1-ns>``,
    # ``/etc/netns/<name>/resolv.conf`` write no file of the host's; hunt EC)
    writes = file_writes(unbracketed(op.command))
    on_disk = [w for w in writes.writes if not w.capture] if writes is not None else []
    if not on_disk:
        return None
    how = "appends to" if all(w.append for w in on_disk) else "writes"
    return f"{how} the host's {', '.join(dict.fromkeys(w.path for w in on_disk))}"


def _rule_changed(args: Sequence[str]) -> bool:
    """``ip ARGS`` adds, deletes or flushes a policy rule of the root namespace (no ``-n
    NS``)."""
    said = verb_of("ip", args)
    return said.obj == "rule" and not said.shows and not netns_named("ip", args)


def _per_link(key: str) -> str | None:
    """The link a sysctl key is of (``net.ipv6.conf.v0.disable_ipv6``, ``net/ipv4/neigh/v0/
    ...``: v0), None for any other key."""
    parts = key.replace("/", ".").split(".")
    if len(parts) >= 5 and parts[0] == "net" and parts[2] in ("conf", "neigh"):
        return parts[3] if parts[3] not in ("all", "default") else None
    return None


def host_changes(steps: Sequence[tuple[int | str, str, Op]]) -> list[str]:
    """``WHERE: TEXT: what it changes`` for each (where, text, op) that changes the host
    (a line number ``N`` is said ``line N``)."""
    _netns, links = created_names(op for _, _, op in steps)
    return [
        f"{f'line {where}' if isinstance(where, int) else where}: {text}: {said}"
        for where, text, op in steps
        if (said := host_change(op, links)) is not None
    ]
