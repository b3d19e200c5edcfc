"""The attributes of route and rule messages, walked once for both readers (iplab/rtattrs.py).

:mod:`iplab.nlroutes` (a lab's namespaces: typed routes and rules) and :mod:`iplab.sentinel`
(the host's: ``ip``'s words) each walked the same ``RTA_*`` and ``FRA_*`` attributes (the
tool ``duplicates``); they share one walk now. The messages here are the kernel's own, of
two namespaces made by tests/fixtures/capture_rtattrs.py (its docstring says how), next
to what ``ip -j`` printed of them at the same moment.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from iplab import extras, iproute, netlink, nlroutes, rtattrs, sentinel

DUMPS = json.loads((Path(__file__).parent / "fixtures" / "rtattrs" / "dumps.json").read_text())
A, B = "dmxrtA", "dmxrtB"


def _names(ns: str) -> dict[int, str]:
    return {int(index): name for index, name in DUMPS["namespaces"][ns]["names"].items()}


def _messages(ns: str, kind: str) -> list[bytes]:
    return [bytes.fromhex(m) for d in DUMPS["namespaces"][ns]["dumps"] for m in d[kind]]


def _dumped(ns: str) -> nlroutes.Dumped:
    return [
        (
            d["family"],
            [bytes.fromhex(m) for m in d["routes"]],
            [bytes.fromhex(m) for m in d["rules"]],
        )
        for d in DUMPS["namespaces"][ns]["dumps"]
    ]


def test_the_capture_holds_both_families_and_every_attribute() -> None:
    """What the walk is held to below is really there: each attribute it reads in some
    message of the capture."""
    seen: set[tuple[str, int]] = set()
    for kind in ("routes", "rules"):
        for message in _messages(A, kind):
            start = rtattrs.HEADER_SIZE + rtattrs.RTMSG.size
            seen |= {(kind, t) for t, _a, _b in netlink.attributes(message, start, len(message))}
    wanted = {("routes", t) for t in (1, 4, 5, 6, 7, 15)}
    wanted |= {("rules", t) for t in (1, 2, 3, 6, 10, 15, 16, 17, 21)}
    assert wanted <= seen


def test_the_route_walk_gives_what_ip_j_prints() -> None:
    """Each route's destination, gateway, source, link, metric and table, as the walk reads
    them, are those ``ip -j route show table all`` printed of it."""
    printed: list[dict[str, Any]] = []
    for _kind, ns, entries in iproute.json_sections(DUMPS["ip"], ("v4", "v6"), "ip"):
        printed += [{**e, "ns": ns} for e in entries if isinstance(e, dict)]
    walked = []
    for ns in (A, B):
        names = _names(ns)
        for message in _messages(ns, "routes"):
            head = rtattrs.RTMSG.unpack_from(message, rtattrs.HEADER_SIZE)
            af, dst_len = head[0], head[1]
            dst, gateway, prefsrc, oif, priority, table = rtattrs.route(message, af, head[4])
            full = 32 if af == socket.AF_INET else 128
            to = "default" if dst_len == 0 else str(dst)
            entry = {
                "ns": ns,
                "dst": to if dst_len in (0, full) else f"{to}/{dst_len}",
                "gateway": gateway,
                "prefsrc": prefsrc,
                "dev": None if oif is None else names[oif],
                "metric": priority,
                "table": rtattrs.TABLES.get(table, str(table)),
            }
            walked.append(entry)
    assert len(walked) == len(printed)
    for entry in printed:
        key = (entry["ns"], entry["dst"], entry.get("table", "main"))
        match = [w for w in walked if (w["ns"], w["dst"], w["table"]) == key]
        assert len(match) == 1, entry
        for field in ("gateway", "prefsrc", "dev", "metric"):
            assert match[0][field] == entry.get(field), (field, entry, match[0])


def test_the_rule_walk_gives_what_ip_j_prints() -> None:
    """Each rule's priority, addresses, links, mark, mask and table as the walk reads them
    are those ``ip -j rule show`` printed of it."""
    printed: list[dict[str, Any]] = []
    for _kind, ns, entries in iproute.json_sections(DUMPS["ip"], ("rule4", "rule6"), "ip"):
        if ns == A:
            printed += [e for e in entries if isinstance(e, dict)]
    walked = []
    for message in _messages(A, "rules"):
        head = rtattrs.RTMSG.unpack_from(message, rtattrs.HEADER_SIZE)
        walked.append(rtattrs.rule(message, head[0], head[4]))
    assert len(walked) == len(printed)
    by_priority = {(w[0] or 0, w[1], w[2]): w for w in walked}
    for entry in printed:
        src = None if entry["src"] == "all" else entry["src"]
        _pref, _src, _dst, iif, oif, mark, mask, table, _proto = by_priority[
            (entry["priority"], src, entry.get("dst"))
        ]
        assert iif == entry.get("iif")
        assert oif == entry.get("oif")
        assert (None if mark is None else hex(mark)) == entry.get("fwmark")
        if "fwmask" in entry:
            assert mask is not None and hex(mask) == entry["fwmask"]
        if "table" in entry:
            assert rtattrs.TABLES.get(table, str(table)) == entry["table"]


def test_nlroutes_reads_what_ip_j_reads() -> None:
    """iplab.nlroutes on these messages: the routes and rules :func:`iplab.extras.parse`
    makes of ``ip -j`` (the kernel test tests/test_hunt_di_extras.py holds it so live)."""
    by_ip = extras.parse(DUMPS["ip"])
    routes: nlroutes.Routes = {}
    rules: nlroutes.Rules = {}
    for ns in (A, B):
        routes[ns], rules[ns] = nlroutes._decoded(_dumped(ns), _names(ns))
    assert routes == by_ip[0]
    assert extras.promised_rules(rules) == extras.promised_rules(by_ip[1])
    protocols = {r[0]: r[2] for r in rules[A][4]}
    assert protocols[325] == "static" and protocols[100] == ""


def test_the_sentinel_says_them_as_before() -> None:
    """iplab.sentinel's words for these routes and rules (the namespace taken for a host
    whose every link is its own), as it said them before the walk was shared."""
    names = _names(A)
    assert sorted(sentinel._routes(_messages(A, "routes"), names, frozenset(names))) == [
        "-6 2001:db8:7::/64 via 2001:db8:9::2 dev dmxrtva metric 10 table main",
        "-6 blackhole 2001:db8:66::/48 dev lo metric 1024 table main",
        "10.4.0.1/32 dev dmxrtva table main",
        "10.5.0.0/24 via 10.9.0.2 dev dmxrtva table 1000",
        "10.6.0.0/24 dev dmxrtva src 10.9.0.1 metric 50 table main",
        "10.8.0.0/24 via 10.9.0.2 dev dmxrtva table main",
        "blackhole 10.66.0.0/16 table main",
        "default via 10.9.0.2 dev dmxrtva table 100",
        "unreachable 10.67.0.0/16 metric 7 table main",
    ]
    assert sorted(sentinel._rules(_messages(A, "rules"))) == [
        "-6 from all lookup local",
        "-6 pref 300 to 2001:db8:7::/64 from all lookup 300",
        "-6 pref 310 iif lo from 2001:db8:9::/64 lookup 1000",
        "-6 pref 32766 from all lookup main",
        "from all lookup local",
        "pref 100 from 10.1.0.0/24 lookup 100",
        "pref 300 iif lo to 10.3.0.0/16 from all lookup 300",
        "pref 310 oif dmxrtva from all lookup 1000",
        "pref 320 fwmark 0x10 from all lookup 100",
        "pref 325 fwmark 0x20 from all lookup main",
        "pref 32766 from all lookup main",
        "pref 32767 from all lookup default",
        "pref 330 from 10.1.0.0/24 action 8",
        "pref 340 to 10.3.0.0/16 from 10.1.0.0/24 lookup 100",
        "pref 99 from 10.2.0.0/24 lookup 200",
    ]
    # routes through a link some program made (not the host's) are left out
    assert sentinel._routes(_messages(A, "routes"), names, frozenset({1})) == frozenset(
        {
            "blackhole 10.66.0.0/16 table main",
            "unreachable 10.67.0.0/16 metric 7 table main",
            "-6 blackhole 2001:db8:66::/48 dev lo metric 1024 table main",
        }
    )
