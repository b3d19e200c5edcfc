"""What ``--json`` prints, one document per command (schemas in docs/json/).

Pure functions from the stages' own results to JSON-ready values. ``iplab audit
--json`` and ``iplab status --json`` print the audit records and
:meth:`~iplab.state.State.to_json` as they are.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from iplab.errors import IplabError
from iplab.journal import LabInfo
from iplab.state import State
from iplab.verify import Difference, written_neighbours, written_sysctls

#: the lines a run prints for a claim or a probe (verify.ClaimResult, lab.Session._probe)
_CLAIM = re.compile(r"^ {4}(PASS|FAIL) (.*?)(?:: (.*))?$")


def labs(infos: Iterable[LabInfo]) -> list[dict[str, Any]]:
    """``iplab ls --json``: the labs that are up."""
    return [
        {
            "lab": info.lab,
            "run": info.run,
            "scenario": info.scenario,
            "sha256": info.sha256,
            "prefix": info.prefix,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(info.started)),
            "namespaces": list(info.owned_netns),
            "links": list(info.owned_links),
        }
        for info in infos
    ]


def problem(exc: IplabError, file: str | None = None) -> dict[str, Any]:
    """An error or a warning of a scenario's: where (file, line, field: null when unknown),
    what, and what to do (``hint``: null when none); ``written``: where an imported lab's
    step was written in the script or page it came from (``lab.sh:55``, what the text's
    "(written at ...)" says; null when unknown). Hunt EJ: the text said it, the JSON not."""
    loc = exc.loc
    return {
        "file": loc.file if loc is not None else file,
        "line": loc.line if loc is not None else None,
        "field": loc.field if loc is not None else None,
        "message": exc.message,
        "hint": exc.hint,
        "written": loc.written if loc is not None else None,
    }


def check_refused(exc: IplabError, file: str) -> dict[str, Any]:
    """``iplab check --json`` of a scenario that does not load, or that the model refuses:
    the error, no steps (hunt BD #6: nothing was printed, the exit code alone said it)."""
    return {
        "ok": False,
        "counts": None,
        "steps": [],
        "errors": [problem(exc, file)],
        "warnings": [],
    }


def difference(d: Difference) -> dict[str, str | None]:
    """One difference; ``kind`` (:class:`iplab.verify.DifferenceKind`: what a program acts
    on, hunt DI: an ``extra-route`` read alike a ``missing-route``); ``namespace`` (null:
    the root) where it is about one (hunt B: two namespaces' routes to one prefix read
    alike)."""
    out: dict[str, str | None] = {"object": d.obj, "field": d.field, "kind": d.kind.value}
    if d.namespace is not None:
        out["namespace"] = d.namespace or None
    return {**out, "expected": d.expected, "found": d.found}


def expected(state: State) -> dict[str, int]:
    """What a verification held the kernel to: the lab's namespaces (the root not counted),
    the links in them and in the root, and the sysctls the lab wrote and the lasting
    neighbours it added that it read back."""
    return {
        "namespaces": len(state.namespaces) - 1,
        "links": sum(len(s.links) for s in state.namespaces.values()),
        "sysctls": sum(len(v) for v in written_sysctls(state).values()),
        "neighbours": sum(len(v) for v in written_neighbours(state).values()),
    }


def verify(
    differences: Sequence[Difference],
    step: int | None,
    held_to: State,
    live: Sequence[str] = (),
) -> dict[str, Any]:
    """``iplab verify --json``; ``held_to``: the model's state compared with the kernel;
    ``live``: how the lab's live changes differ from its journal."""
    return {
        "ok": not differences and not live,
        "step": step,
        "differences": [difference(d) for d in differences],
        "expected": expected(held_to),
        "live": list(live),
    }


def claims(output: str) -> list[dict[str, Any]]:
    """The claims and probes a run printed, in order: what was claimed, held or not, why."""
    out = []
    for line in output.splitlines():
        if match := _CLAIM.match(line):
            verdict, text, detail = match.groups()
            out.append({"ok": verdict == "PASS", "claim": text, "detail": detail or ""})
    return out


def run(
    *,
    lab: str,
    run_id: str | None,
    scenario: str,
    exit_code: int,
    records: Iterable[dict[str, Any]],
    output: str,
    verified: State | None = None,
) -> dict[str, Any]:
    """``iplab run --json`` (and ``up --json``): the verdict, every command of the run (from
    the audit log) with its exit status, every claim, and what the verification after the
    setup held the kernel to (``verified``; null when none ran: ``--no-verify``, or the run
    stopped before it; hunt CC: ``up --json`` said nothing of what it verified)."""
    commands = [
        {
            "step": r.get("step"),
            "phase": r.get("phase"),
            "kind": r.get("kind"),
            "text": r.get("text"),
            "rc": r.get("rc"),
        }
        for r in records
        if r.get("kind") in ("command", "observe", "undo")
    ]
    return {
        "lab": lab,
        "run": run_id,
        "scenario": scenario,
        "ok": exit_code == 0,
        "exit_code": exit_code,
        "commands": commands,
        "claims": claims(output),
        "expected": expected(verified) if verified is not None else None,
    }
