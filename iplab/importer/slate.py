"""A script's clean slate: the deletes it starts with, of what it makes after them.

``sudo ip netns del net0`` ... ``sudo ip link del net0-bridge``, then ``sudo ip netns add
net0``: a lab script run again deletes what its last run left. The first time round each
delete fails, and a script without ``set -e`` goes on past it (hunt AW, a public
``testveth/test.sh``: the import refused the script, "namespace net0 does not exist at this
step"). Such a delete, of a name the script has not used before and makes later, is a step
that may fail, as ``ip netns del net0 2>/dev/null || true`` is; said at import. So is one
among the deletes it starts with, before it makes anything, of a name it never makes nor
uses after, beside one of a name it makes (hunt EH, a course's router lab: ``setup-r3.sh``
deletes PC2, its own, and PC1, which ``setup-r1.sh`` makes on the other machine; the import
was refused, "namespace PC1 does not exist at this step").

So is ``ip netns exec NS ip addr add 127.0.0.1/8 dev lo`` after ``ip netns exec NS ip link
set dev lo up`` (hunt BB, a public ryu VRRP lab script without ``set -e``): the kernel gave lo
that address when it came up and refuses it again ("Address already assigned"); the
author's shell goes on.

So is ``ip netns exec NS tc qdisc del dev X root`` of a link X the script made and has
given no root qdisc yet (hunt DD, after a public htb shaping script without ``set -e``:
the kernel says "Cannot delete qdisc with handle of zero", bash went on to the ``tc qdisc
add``, and ``iplab run`` stopped there and rolled the lab back).

So is ``ip route add 192.168.64.0/24 dev veth1`` after ``ip addr add 192.168.64.1/24 dev
veth1`` on an up link (hunt DS, a public bridge-VLAN lab script without ``set -e``): the
kernel made that route for the address and says "File exists"; the author's shell went on,
and the import was refused.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from iplab import tcwords
from iplab.errors import ScenarioError
from iplab.importer.assembly import Draft
from iplab.importer.terminal import line_ranges
from iplab.model import (
    LOOPBACK_ADDRESSES,
    Judge,
    apply,
    connected_routes,
    route_key,
    route_of,
    same_address,
)
from iplab.state import State
from iplab.steps import (
    AddrAdd,
    LinkAdd,
    LinkDel,
    LinkSet,
    NetnsAdd,
    NetnsDel,
    NetnsExec,
    Op,
    Raw,
    RouteAdd,
)
from iplab.words import shell_tokens

#: a script started by a shell that stops at a failing command (``#!/bin/bash -e``)
_STOPPING = re.compile(r"#!\s*\S*(?:/env\s+\S+)?(?:\s+-\w*e\w*)\b")


def made(op: Op) -> set[str]:
    """The names ``op`` makes: a namespace, a link and its peer, a link's new name."""
    if isinstance(op, NetnsAdd):
        return {op.name}
    if isinstance(op, LinkAdd):
        return {n for n in (op.name, op.peer) if n}
    if isinstance(op, LinkSet) and (name := op.get("name")):
        return {name}
    return set()


def deleted(op: Op) -> str | None:
    """The name a namespace's or a link's delete names."""
    if isinstance(op, NetnsDel):
        return op.name
    return op.dev if isinstance(op, LinkDel) else None


def cleared_first(
    drafts: Sequence[Draft], text: str, errexit_set: Sequence[tuple[int, bool]]
) -> tuple[list[Draft], list[str]]:
    """``drafts`` with each clean-slate delete a step that may fail, and a warning for
    each (``text``: the script, for its first line; ``errexit_set``: where ``set -e`` was
    turned on or off, :attr:`Reader.errexit_set`)."""
    stops_at_start = bool(_STOPPING.match(text.split("\n", 1)[0]))
    out = list(drafts)
    cleared: list[tuple[int, str]] = []
    others: list[tuple[int, str]] = []
    makes = [k for k, d in enumerate(drafts) if made(d.op)]
    # (the words of the drafts before each one, and how many after it make or name each
    # name: kept as the drafts are passed, not gathered again at each delete, which a
    # script of a thousand deletes made quadratic)
    named_before: set[str] = set()
    words = [set(shell_tokens(d.cmd.text) or ()) for d in drafts]
    named_after = Counter(word for said in words for word in said)
    made_after = Counter(name for d in drafts for name in made(d.op))
    for k, draft in enumerate(drafts):
        made_after.subtract(made(draft.op))
        named_after.subtract(words[k])
        name = deleted(draft.op)
        before = name is not None and name in named_before
        named_before.update(words[k])
        if name is None or draft.cmd.may_fail or _stops(draft.line, stops_at_start, errexit_set):
            continue
        if before:
            continue
        if made_after[name] > 0:
            cleared.append((draft.line, name))
        elif makes and makes[0] > k and named_after[name] <= 0:
            others.append((draft.line, name))  # (a sibling script's: hunt EH, Router-Lab)
        else:
            continue
        out[k] = replace(draft, cmd=replace(draft.cmd, may_fail=True))
    first = drafts[makes[0]].line if makes else 0
    if not any(line < first for line, _ in cleared):
        # (alone, ``ip netns del a`` then ``ip netns add b`` reads as a mistake the model
        # says, hunt AW; beside a delete of what the script makes, as a clean slate)
        put_back = set(others)
        for k, draft in enumerate(drafts):
            if (draft.line, deleted(draft.op)) in put_back:
                out[k] = draft
        others = []
    return out, _said(
        cleared,
        "{lines}: the script deletes {said} before it makes them (what a run before left):"
        " without set -e it goes on where they are not there; steps that may fail",
    ) + _said(
        others,
        "{lines}: the script deletes {said} before it makes anything, and never makes or uses"
        " them (what another script or a run before left): without set -e it goes on where"
        " they are not there; steps that may fail, which the run skips where they are not",
    )


def _said(found: Sequence[tuple[int, str]], text: str) -> list[str]:
    """One warning for the steps made ones that may fail (``found``: their lines and what
    each names), ``text`` with ``{lines}`` and ``{said}`` filled in; none for none."""
    if not found:
        return []
    said = ", ".join(dict.fromkeys(what for _, what in found))
    return [text.format(lines=line_ranges(sorted({n for n, _ in found})), said=said)]


def stops_at(text: str, errexit_set: Sequence[tuple[int, bool]], line: int) -> bool:
    """The script ``text``'s shell stops at a failing command on ``line`` (``set -e``
    before it, or ``#!/bin/bash -e``)."""
    return _stops(line, bool(_STOPPING.match(text.split("\n", 1)[0])), errexit_set)


def _stops(line: int, at_start: bool, errexit_set: Sequence[tuple[int, bool]]) -> bool:
    """The script's shell stops at a failing command on ``line``."""
    state = at_start
    for number, on in errexit_set:
        if number > line:
            break
        state = on
    return state


def given_loopback(
    drafts: Sequence[Draft], text: str, errexit_set: Sequence[tuple[int, bool]]
) -> tuple[list[Draft], list[str]]:
    """``drafts`` with each ``addr add`` of lo's own address (127.0.0.1/8, ::1/128) after a
    step that brought that lo up a step that may fail, where the script's shell goes on past
    a failing command, and a warning for them (arguments as :func:`cleared_first`'s)."""
    stops_at_start = bool(_STOPPING.match(text.split("\n", 1)[0]))
    out = list(drafts)
    up: set[str | None] = set()
    given: list[tuple[int, str]] = []
    for k, draft in enumerate(drafts):
        op = draft.op
        if isinstance(op, LinkSet) and op.dev == "lo" and ("state", "up") in op.attrs:
            up.add(op.in_ns())
        elif isinstance(op, NetnsDel):
            up.discard(op.name)
        elif (
            isinstance(op, AddrAdd)
            and op.dev == "lo"
            and op.verb == "add"
            and op.in_ns() in up
            and same_address(list(LOOPBACK_ADDRESSES), op.address) is not None
            and not draft.cmd.may_fail
            and not _stops(draft.line, stops_at_start, errexit_set)
        ):
            out[k] = replace(draft, cmd=replace(draft.cmd, may_fail=True))
            given.append((draft.line, op.address))
    return out, _said(
        given,
        "{lines}: lo has {said} from when it came up, and the kernel refuses it again"
        ' ("Address already assigned"): without set -e the script goes on; steps that may fail',
    )


def qdisc_cleared(
    drafts: Sequence[Draft], text: str, errexit_set: Sequence[tuple[int, bool]]
) -> tuple[list[Draft], list[str]]:
    """``drafts`` with each ``tc qdisc del dev X root`` of a link X the script made and has
    given no root qdisc since a step that may fail, where the script's shell goes on past a
    failing command, and a warning for them (arguments as :func:`cleared_first`'s)."""
    stops_at_start = bool(_STOPPING.match(text.split("\n", 1)[0]))
    out = list(drafts)
    links: set[str] = set()
    rooted: set[str] = set()
    cleared: list[tuple[int, str]] = []
    for k, draft in enumerate(drafts):
        op = draft.op
        if isinstance(op, LinkAdd):
            links |= made(op)
            rooted -= made(op)
        if not isinstance(op, (NetnsExec, Raw)) or op.observes:
            continue
        for _, line in tcwords.commands(op.command):
            if line.obj != "qdisc" or "root" not in line.args:
                continue
            for dev in line.devices():
                if line.verb in tcwords.MAKES:
                    rooted.add(dev)
                    continue
                if line.verb != "delete":
                    continue
                goes_on = not _stops(draft.line, stops_at_start, errexit_set)
                if dev in links and dev not in rooted and not draft.cmd.may_fail and goes_on:
                    out[k] = replace(draft, cmd=replace(draft.cmd, may_fail=True))
                    cleared.append((draft.line, dev))
                rooted.discard(dev)
    return out, _said(
        cleared,
        "{lines}: the script deletes the root qdisc of {said}, which it has not given one"
        ' (the kernel says "Cannot delete qdisc with handle of zero"): without set -e it goes'
        " on; steps that may fail",
    )


def routed_by_address(
    drafts: Sequence[Draft], text: str, errexit_set: Sequence[tuple[int, bool]]
) -> tuple[list[Draft], list[str]]:
    """``drafts`` with each ``ip route add`` of a prefix the kernel has routed already for an
    address of an up link (same table, metric and tos: "File exists") a step that may fail,
    where the script's shell goes on past a failing command, and a warning for them
    (arguments as :func:`cleared_first`'s). The steps before it are read by the model, as
    check reads them (what it objects to taken as done)."""
    if not any(isinstance(d.op, RouteAdd) and d.op.verb == "add" for d in drafts):
        return list(drafts), []
    stops_at_start = bool(_STOPPING.match(text.split("\n", 1)[0]))
    out = list(drafts)
    state, judge = State(), Judge(strict=False)
    routed: list[tuple[int, str]] = []
    for k, draft in enumerate(drafts):
        op = draft.op
        space = state.ns(op.ns) if isinstance(op, RouteAdd) else None
        if (
            isinstance(op, RouteAdd)
            and space is not None
            and op.verb == "add"
            and not draft.cmd.may_fail
            and not _stops(draft.line, stops_at_start, errexit_set)
        ):
            key = route_key(route_of(state, op))
            kernels = {route_key(r) for r in connected_routes(state, space)}
            if key in kernels and all(route_key(r) != key for r in space.routes):
                out[k] = replace(draft, cmd=replace(draft.cmd, may_fail=True))
                routed.append((draft.line, op.to))
        try:
            apply(state, op, None, judge)
        except ScenarioError:  # (what the model cannot follow: nothing more is told)
            break
    return out, _said(
        routed,
        "{lines}: the kernel routes {said} already, for an address of an up link (ip route"
        ' add says "File exists"): without set -e the script goes on; steps that may fail',
    )
