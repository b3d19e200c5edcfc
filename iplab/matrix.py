"""``iplab test``: a connectivity matrix of a live lab, for people and for CI.

Which pairs: the probes of the lab's scenario (setup steps, the last word on each
pair wins), each with its expected outcome; when the scenario has none, every
namespace of the lab against every address the lab's other namespaces hold,
expected reachable (``--all`` adds those pairs to the scenario's own).
Probes never leave the lab: sources are the lab's namespaces, targets the
addresses read from them. Each probe is one ``ping`` through the runner (audited).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from iplab import iproute
from iplab.claims import is_automatic
from iplab.context import Env
from iplab.errors import IplabError, UsageError
from iplab.inet import interface
from iplab.journal import LabInfo
from iplab.live import _context, _lab_record, lab_netns, need_program, new_run_id
from iplab.names import ROOT
from iplab.records import Record, frozen
from iplab.render import renderer
from iplab.state import State
from iplab.steps import Probe


@frozen
class Pair(Record):
    src: str
    dst: str  # an address, without its prefix length
    dst_ns: str | None
    expected: bool
    #: where the expectation comes from: "scenario" (a probe step) or "default"
    source: str


@frozen
class Outcome(Record):
    pair: Pair
    reached: bool
    text: str
    detail: str

    @property
    def ok(self) -> bool:
        return self.reached == self.pair.expected

    def to_json(self) -> dict[str, object]:
        p = self.pair
        return {"from": p.src, "to": p.dst, "to_netns": p.dst_ns, "expected": p.expected,
                "reached": self.reached, "ok": self.ok, "expectation": p.source,
                "command": self.text}  # fmt: skip


def endpoints(info: LabInfo, state: State) -> dict[str, str]:
    """Each address the lab's namespaces hold (lo's and link-local ones aside) -> its
    namespace; and those of the lab's own links in the root namespace (a bridge's gateway
    address, ``ROOT``), which its namespaces may probe."""
    out: dict[str, str] = {}
    own_root = set(info.owned_links) - set(info.preexisting_links)
    for ns in [*lab_netns(info), ROOT]:
        space = state.namespaces.get(ns)
        if space is None:
            continue
        for link in space.links.values():
            if ns == ROOT and link.name not in own_root:
                continue  # the host's own: never the lab's to probe
            for address in link.addresses:
                if not is_automatic(address, link):
                    out.setdefault(str(interface(address).ip), ns)
    return out


def scenario_probes(info: LabInfo, err: TextIO | None = None) -> list[Probe] | None:
    """The probes of the lab's scenario (with its prefix), or None when it cannot be read."""
    from iplab import scenario
    from iplab.prefix import with_prefix

    try:
        sc = with_prefix(scenario.load(info.scenario), info.prefix)
    except IplabError as exc:
        if err is not None:
            err.write(f"iplab: the lab's scenario cannot be read ({exc}): testing every pair\n")
        return None
    return [s.op for s in sc.setup if isinstance(s.op, Probe)]


def plan_pairs(
    mine: dict[str, str], namespaces: Sequence[str], probes: Sequence[Probe] | None,
    everything: bool,
) -> list[Pair]:  # fmt: skip
    """The pairs to probe: the scenario's (last word wins), and every pair when it has none
    (or with ``everything``); targets outside the lab are refused."""
    chosen: dict[tuple[str, str], Pair] = {}
    for probe in probes or []:
        target = probe.target.split("/")[0]
        if target not in mine or probe.ns not in namespaces:
            raise UsageError(
                f"the scenario probes {target} from {probe.ns}, which the live lab does not hold",
                hint="is the lab up as its scenario says? (iplab verify)",
            )
        chosen[(probe.ns, target)] = Pair(probe.ns, target, mine[target], probe.reachable,
                                          "scenario")  # fmt: skip
    if not chosen or everything:
        for src in namespaces:
            for dst, dst_ns in sorted(mine.items(), key=lambda kv: (kv[1], kv[0])):
                # (the lab's root-namespace addresses: a probe's target, not every pair's)
                if dst_ns not in (src, ROOT) and (src, dst) not in chosen:
                    chosen[(src, dst)] = Pair(src, dst, dst_ns, True, "default")
    return sorted(chosen.values(), key=lambda p: (p.src, p.dst_ns or "", p.dst))


def probe_all(env: Env, pairs: Sequence[Pair], wait: int) -> list[Outcome]:
    render = renderer()
    # (hunt EK: without ping every pair "failed to reach", and one expected not to reach
    # passed: the host's lack said as the lab's network)
    need_program("ping")
    out = []
    for pair in pairs:
        op = Probe(ns=pair.src, target=pair.dst, count=1, wait=wait, reachable=pair.expected)
        command = render.command(op, sudo=False)
        result = env.runner.execute(
            command.argv, True, meta={"kind": "probe", "phase": "live", "text": command.text}
        )
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        out.append(Outcome(pair, result.ok, command.text, lines[-1] if lines else ""))
    return out


def table(outcomes: Sequence[Outcome]) -> str:
    """Rows: the source namespaces; columns: the target addresses (their namespace under).
    A cell says whether the ping answered; ``!`` marks what the expectation did not say."""
    sources = sorted({o.pair.src for o in outcomes})
    targets = sorted({(o.pair.dst_ns or "root", o.pair.dst) for o in outcomes})
    cells = {(o.pair.src, o.pair.dst): o for o in outcomes}
    width = max([len("from \\ to"), *(len(s) for s in sources)])
    cols = [max(len(dst), len(ns), 4) for ns, dst in targets]
    columns = list(zip(targets, cols, strict=True))
    lines = [
        "from \\ to".ljust(width) + "".join(f"  {dst:<{w}}" for (_, dst), w in columns),
        (" " * width + "".join(f"  {ns:<{w}}" for (ns, _), w in columns)).rstrip(),
    ]
    for src in sources:
        row = src.ljust(width)
        for (_ns, dst), w in zip(targets, cols, strict=True):
            o = cells.get((src, dst))
            cell = "-" if o is None else ("yes" if o.reached else "no") + ("" if o.ok else "!")
            row += f"  {cell:<{w}}"
        lines.append(row.rstrip())
    return "\n".join(lines) + "\n"


def junit(lab: str, outcomes: Sequence[Outcome]) -> str:
    failures = sum(not o.ok for o in outcomes)
    suite = ET.Element("testsuite", name=f"iplab test {lab}", tests=str(len(outcomes)),
                       failures=str(failures), errors="0")  # fmt: skip
    for o in outcomes:
        p = o.pair
        verb = "reaches" if p.expected else "cannot reach"
        case = ET.SubElement(suite, "testcase", classname=f"{lab}.{p.src}",
                             name=f"{p.src} {verb} {p.dst} ({p.dst_ns})")  # fmt: skip
        if not o.ok:
            what = "it answered" if o.reached else "no answer"
            failure = ET.SubElement(case, "failure", message=f"{what}: {o.text}")
            failure.text = o.detail
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, "unicode") + "\n"


def run(
    env: Env, lab: str, *, junit: Path | None = None, as_json: bool = False, wait: int = 1,
    everything: bool = False,
) -> int:  # fmt: skip
    """Probe the lab's pairs, print the matrix (or JSON); 1 when any pair is not as expected."""
    if wait < 1:
        raise UsageError("--wait: give a number of seconds from 1")
    info = _lab_record(env, lab)
    _context(env, info, new_run_id())
    env.runner.ensure_privilege()
    state: State = iproute.read_state(env.runner, lab_netns(info))
    mine = endpoints(info, state)
    namespaces = [ns for ns in lab_netns(info) if ns in state.namespaces]
    pairs = plan_pairs(mine, namespaces, scenario_probes(info, env.err), everything)
    if not pairs:
        env.out.write(f"lab {lab} has no addresses in its namespaces: nothing to probe\n")
        return 0
    outcomes = probe_all(env, pairs, wait)
    failed = [o for o in outcomes if not o.ok]
    if junit is not None:
        junit_write(junit, lab, outcomes)
    if as_json:
        report = {"lab": lab, "ok": not failed, "pairs": [o.to_json() for o in outcomes]}
        env.out.write(json.dumps(report, indent=1) + "\n")
    else:
        env.out.write(table(outcomes))
        for o in failed:
            verb = "to reach" if o.pair.expected else "not to reach"
            env.out.write(f"FAIL {o.pair.src} was expected {verb} {o.pair.dst}: {o.text}\n")
        verdict = "OK" if not failed else "FAILED"
        good = len(outcomes) - len(failed)
        env.out.write(f"{verdict}: {good}/{len(outcomes)} pairs as expected\n")
    return 1 if failed else 0


def junit_write(path: Path, lab: str, outcomes: Sequence[Outcome]) -> None:
    try:
        path.write_text(junit(lab, outcomes), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--junit {path}: {exc.strerror}") from None
