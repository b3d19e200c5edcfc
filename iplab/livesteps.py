"""Scenario forms for impairments and link faults (kept apart from the core loader).

* a step ``action: impair`` (``dev``, ``in``, and any of delay, jitter, loss, rate,
  duplicate, corrupt; or ``clear: true``): one exact ``tc qdisc`` line, rendered
  through the ``tc-*.j2`` templates, run in the link's namespace, whose undo
  removes the impairment;
* ``impair: {delay: 50ms, ...}`` on a veth end of the ``topology:`` form
  (``peer_impair`` for its peer);
* a step ``flap: {link: X, in: NS, down: 2s}``: the link set down, a pause, up again.

They become ordinary ops (``netns exec`` / raw with their undo, ``link set``), so
they render, check, run, journal and undo like any other step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from iplab import tc
from iplab.errors import Location, ScenarioError
from iplab.fields import Fields
from iplab.render import renderer
from iplab.steps import LinkSet, NetnsExec, Op, Raw, Step

if TYPE_CHECKING:
    from iplab.yamlio import YMap


def tc_line(dev: str, imp: tc.Impairment | None) -> str:
    """The exact ``tc qdisc`` line (bundled templates): set ``imp``, or with None clear."""
    env = renderer().env
    if imp is None:
        return env.get_template("tc-clear.j2").render(dev=dev).strip()
    template, variables = imp.template()
    return env.get_template(template).render(dev=dev, **variables).strip()


def impair_op(ns: str | None, dev: str, imp: tc.Impairment | None) -> Op:
    """The op that sets (or clears) an impairment; its undo clears it."""
    line, undo = tc_line(dev, imp), tc_line(dev, None)
    if ns:
        return NetnsExec(ns=ns, command=line, undo=undo if imp else None)
    return Raw(command=line, undo=undo if imp else None)


def _values(
    value: Any, loc: Location, field_locs: Mapping[str, Location] | None = None
) -> tc.Impairment:
    if not isinstance(value, Mapping):
        raise ScenarioError(
            "impair must be a mapping: {delay: 50ms, jitter: 5ms, loss: 1%, rate: 10mbit, "
            "duplicate: 1%, corrupt: 0.1%}", loc,
        )  # fmt: skip
    try:
        return tc.impairment(dict(value), loc, field_locs)
    except tc.ImpairmentError as exc:
        raise ScenarioError(exc.message, exc.loc, exc.hint) from None


def impair_step(f: Fields) -> Op:
    """``action: impair``: ``dev``, ``in``, the values as fields (or ``clear: true``)."""
    dev = f.req_link("dev")
    ns = f.netns("in")
    values = {k: f.text(k) for k in tc.FIELDS if f.has(k)}
    if f.flag("clear"):
        if values:
            f.fail(next(iter(values)), "'clear: true' takes no impairment")
        return impair_op(ns, dev, None)
    return impair_op(ns, dev, _values(values, f.loc, {k: f.where(k) for k in values}))


def topology_impair(value: Any, loc: Location) -> tc.Impairment:
    """``impair:`` on a veth end of the topology form."""
    return _values(value, loc)


def flap_steps(item: YMap, loc: Location, render: Any, phase: Any) -> list[Step]:
    """``flap: {link: X, in: NS, down: 2s}``: down, a pause of that long, up again."""
    from iplab.yamlio import YMap

    f = Fields(item, loc, render, allowed_extra=("loop", "loop_var", "when"))
    title = f.text("title")
    prose = f.text("prose")
    spec = f.raw("flap")
    f.finish()
    where = f.where("flap")
    if not isinstance(spec, YMap):
        raise ScenarioError("flap must be a mapping: {link: vethX, in: ns1, down: 2s}", where)
    ff = Fields(spec, where, render)
    dev = ff.req_link("link")
    ns = ff.netns("in")
    pause = ff.req_text("down")
    ff.finish()
    try:
        seconds = tc.parse_time(pause, ff.where("down"))
    except tc.ImpairmentError as exc:
        raise ScenarioError(exc.message, exc.loc, exc.hint) from None
    if not 0 < seconds <= 3600:
        ff.fail("down", f"must be more than 0 and at most an hour, found {pause}")
    ops: list[Op] = [
        LinkSet(ns=ns, dev=dev, attrs=(("state", "down"),)),
        Raw(command=f"sleep {seconds:g}", observes=True),
        LinkSet(ns=ns, dev=dev, attrs=(("state", "up"),)),
    ]
    return [
        Step(op=op, loc=loc, phase=phase, title=title if i == 0 else None,
             prose=prose if i == 0 else None)
        for i, op in enumerate(ops)
    ]  # fmt: skip
