"""Bring labs up and down: run a plan with the journal, check claims, roll back.

``up`` runs the setup; ``run`` runs the setup, the scenario's own teardown,
and checks that nothing of the lab remains; ``down`` undoes a lab from its
journal alone. Whenever something fails (a command, an interrupt), what this
run did is undone from the journal, in reverse order, before iplab exits.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from iplab import audit, iproute, verify
from iplab.errors import IplabError, Location, UsageError
from iplab.journal import Entry, Journal, LabInfo, UndoRecord, labs, open_lab
from iplab.model import ROOT, ModelError, State, apply
from iplab.plan import Plan, PlannedCommand, expected_state
from iplab.render import Command
from iplab.runner import Result, Runner, truncate
from iplab.steps import LinkDel, NetnsDel, NothingLeft, Op, Probe

SETTLE_SECONDS = 5.0  # how long a deleted namespace may take to release its links


class Interrupted(IplabError):
    exit_code = 130


@dataclass
class Env:
    """What a lab operation works with: how to run, where state lives, where to print."""

    runner: Runner
    state_dir: Path
    out: TextIO
    err: TextIO
    audit: audit.AuditLog
    #: fields added to every audit record (lab, run, scenario...)
    context: dict[str, Any] = field(default_factory=dict)


def make_env(state_dir: Path, out: TextIO, err: TextIO, runner: Runner | None = None) -> Env:
    log = audit.AuditLog(state_dir)
    env = Env(runner or Runner(), state_dir, out, err, log)
    shared = audit.context()

    def hook(result: Result, meta: Any) -> None:
        record = {
            "time": audit.now(),
            **shared,
            **env.context,
            **dict(meta),
            "argv": list(result.argv),
            "rc": result.rc,
            "duration_ms": round(result.duration * 1000, 1),
            "stdout": truncate(result.stdout),
            "stderr": truncate(result.stderr),
            "dry_run": False,
        }
        log.append([record])

    env.runner.hook = hook
    return env


# -- interrupts and fault points -----------------------------------------------------------------


class Signals:
    """SIGINT/SIGTERM set a flag; the run stops at the next command boundary."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._old: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        del frame
        self.received = signum

    def __enter__(self) -> Signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)

    def check(self) -> None:
        if self.received is not None:
            name = signal.Signals(self.received).name
            raise Interrupted(f"{name} received: stopping at this command boundary")


def fault(point: str, count: int) -> None:
    """Failpoints for the crash tests. ``IPLAB_FAULT=after-run:3`` SIGKILLs iplab itself
    after the 3rd state-changing command ran and before its outcome is recorded;
    ``IPLAB_FAULT=SIGINT@after-run:3`` sends it SIGINT there instead (as a Ctrl-C would)."""
    spec = os.environ.get("IPLAB_FAULT")
    if not spec:
        return
    sig_name, _, where = spec.rpartition("@")
    if where == f"{point}:{count}":
        os.kill(os.getpid(), signal.Signals[sig_name] if sig_name else signal.SIGKILL)


# -- running a plan ----------------------------------------------------------------------------


@dataclass
class Tally:
    commands: int = 0
    claims_failed: int = 0
    claims: int = 0
    changes: int = 0


class Session:
    def __init__(
        self, env: Env, plan: Plan, journal: Journal | None, run: str, signals: Signals
    ) -> None:
        self.env = env
        self.plan = plan
        self.journal = journal
        self.run = run
        self.signals = signals
        self.tally = Tally()

    def say(self, text: str = "") -> None:
        self.env.out.write(text + "\n")
        self.env.out.flush()

    def execute(self, commands: Sequence[PlannedCommand], phase: str) -> None:
        """Run commands in order; raise CommandFailed or Interrupted on the first problem."""
        total = len(commands)
        for i, pc in enumerate(commands, start=1):
            self.signals.check()
            command = pc.command
            self.say(f"[{i:>{len(str(total))}}/{total}] {command.text}")
            meta = self._meta(command, phase)
            if command.observe:
                result = self.env.runner.execute(
                    command.argv, command.privileged, meta={**meta, "kind": "observe"}
                )
                if result.stdout:
                    self.env.out.write(
                        result.stdout if result.stdout.endswith("\n") else result.stdout + "\n"
                    )
                self._observe_outcome(command, result)
            else:
                self._change(pc, phase, meta)
            self._claims(command)

    def _meta(self, command: Command, phase: str) -> dict[str, Any]:
        return {"step": command.number, "phase": phase, "kind": "command", "text": command.text}

    def _change(self, pc: PlannedCommand, phase: str, meta: dict[str, Any]) -> None:
        assert self.journal is not None
        command = pc.command
        undo = [
            UndoRecord(
                u.command.text, u.command.argv, u.command.privileged, u.undo.guard, u.undo.op
            )
            for u in pc.undo
        ]
        entry = self.journal.new_entry(
            self.run, number=command.number, phase=phase, text=command.text,
            argv=command.argv, undo=undo,
        )  # fmt: skip
        self.tally.changes += 1
        count = self.tally.changes
        self.journal.intend([entry])
        fault("before-run", count)
        result = self.env.runner.execute(command.argv, command.privileged, meta=meta)
        fault("after-run", count)
        self.journal.record([(entry, "done" if result.ok else "failed", result.rc)])
        fault("after-outcome", count)
        self.tally.commands += 1
        if result.stdout.strip():
            self.env.out.write(result.stdout)
        if not result.ok:
            raise StepFailed(command, result)

    def _observe_outcome(self, command: Command, result: Result) -> None:
        self.tally.commands += 1
        if isinstance(command.op, Probe):
            self._probe(command.op, result)
        elif not result.ok:
            raise StepFailed(command, result)

    def _probe(self, probe: Probe, result: Result) -> None:
        """A probe's exit status is its claim: reachable (exit 0) or not."""
        reached = result.ok
        self.tally.claims += 1
        verb = "reaches" if probe.reachable else "cannot reach"
        line = f"{probe.ns} {verb} {probe.target}"
        if reached == probe.reachable:
            self.say(f"    PASS {line}")
            return
        self.tally.claims_failed += 1
        why = "it answered" if reached else f"ping exited {result.rc}"
        detail = result.stderr.strip().splitlines()[-1:] if result.stderr.strip() else []
        self.say(f"    FAIL {line}: {why}" + (f" ({detail[0]})" if detail else ""))

    def _claims(self, command: Command) -> None:
        step = command.step
        if step is None or not step.expect:
            return
        state = read_lab_state(self.env.runner, self.plan.owned.netns)
        for result in verify.check_claims(step.expect, state, self.plan.owned):
            self.tally.claims += 1
            self.tally.claims_failed += not result.ok
            self.say(f"    {result}")


class StepFailed(IplabError):
    exit_code = 1

    def __init__(self, command: Command, result: Result) -> None:
        detail = (result.stderr.strip() or result.stdout.strip() or "(no output)").splitlines()
        where = f"{command.step.loc}: " if command.step else ""
        super().__init__(
            f"{where}command failed (exit {result.rc}): {command.text}\n"
            + "".join(f"  {line}\n" for line in detail).rstrip("\n")
        )
        self.command = command
        self.result = result


def read_lab_state(runner: Runner, netns: Sequence[str] | frozenset[str]) -> State:
    return iproute.read_state(runner, sorted(netns))


# -- up / run / down -------------------------------------------------------------------------


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def _collisions(plan: Plan, links: set[str], netns: set[str]) -> list[str]:
    return sorted(plan.owned.netns & netns) + sorted(plan.owned.links & links)


@contextmanager
def _lab(env: Env, lab: str, plan: Plan, run: str, preflight: bool) -> Iterator[Journal]:
    with ExitStack() as stack:
        journal = open_lab(env.state_dir, lab, stack)
        if journal.exists():
            info = journal.info()
            raise UsageError(
                f"lab {lab} is already up (scenario {info.scenario}, since "
                f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(info.started))})",
                hint=f"`iplab down {lab}` first, or choose another --prefix or --lab",
            )
        links, netns = iproute.read_names(env.runner)
        clash = _collisions(plan, links, netns)
        if clash and preflight:
            verb = "exists" if len(clash) == 1 else "exist"
            raise IplabError(
                f"not starting: {', '.join(clash)} already {verb} on this host and iplab did not "
                "create " + ("it" if len(clash) == 1 else "them"),
                hint="use --prefix P to give the lab's objects other names",
            )
        journal.write_info(
            LabInfo(
                lab=lab,
                run=run,
                scenario=plan.scenario.path,
                sha256=plan.scenario.sha256,
                prefix=plan.prefix,
                started=time.time(),
                owned_netns=sorted(plan.owned.netns),
                owned_links=sorted(plan.owned.links),
                preexisting_netns=sorted(netns & plan.owned.netns),
                preexisting_links=sorted(links & plan.owned.links),
            )
        )
        yield journal


def up(env: Env, plan: Plan, lab: str, check: bool = True, preflight: bool = True) -> int:
    run = new_run_id()
    env.context.update(_context(plan, lab, run))
    with _lab(env, lab, plan, run, preflight) as journal, Signals() as signals:
        session = Session(env, plan, journal, run, signals)
        try:
            session.execute(plan.setup, "setup")
        except (StepFailed, Interrupted) as exc:
            return _abort(env, journal, exc)
        rc = 1 if session.tally.claims_failed else 0
        if check:
            rc = max(rc, _verify_up(env, plan))
        session.say(
            f"lab {lab} is up: {session.tally.changes} changes journaled "
            f"(undo with: iplab down {lab})"
        )
        return rc


def run_all(env: Env, plan: Plan, lab: str, check: bool = True, preflight: bool = True) -> int:
    """The tutorial as a rehearsal: setup, its own teardown, then nothing may remain."""
    run = new_run_id()
    env.context.update(_context(plan, lab, run))
    with _lab(env, lab, plan, run, preflight) as journal, Signals() as signals:
        session = Session(env, plan, journal, run, signals)
        try:
            session.say(f"== setup ({len(plan.setup)} steps)")
            session.execute(plan.setup, "setup")
            rc = 1 if session.tally.claims_failed else 0
            if check:
                rc = max(rc, _verify_up(env, plan))
            session.say(f"== teardown ({len(plan.teardown)} steps)")
            session.execute(plan.teardown, "teardown")
        except (StepFailed, Interrupted) as exc:
            return _abort(env, journal, exc)
        left = _leftovers(env, plan)
        if left:
            env.err.write(
                f"iplab: the teardown left {', '.join(left)} behind: undoing from the journal\n"
            )
            _rollback(env, journal)
            rc = 1
        else:
            session.say("== nothing of the lab remains")
        journal.archive(env.state_dir)
        failed = session.tally.claims_failed
        session.say(
            f"{'OK' if rc == 0 else 'FAILED'}: {session.tally.commands} commands, "
            f"{session.tally.claims - failed}/{session.tally.claims} claims hold"
        )
        return rc


def _context(plan: Plan, lab: str, run: str) -> dict[str, Any]:
    return {"lab": lab, "run": run, "scenario": plan.scenario.path, "sha256": plan.scenario.sha256}


def _abort(env: Env, journal: Journal, exc: IplabError) -> int:
    env.err.write(f"iplab: error: {exc}\n")
    env.err.write("iplab: undoing what this run did, from the journal\n")
    report = _rollback(env, journal)
    if report.failed:
        env.err.write(
            f"iplab: {len(report.failed)} undo commands failed; the journal is kept: "
            f"run `iplab down {journal.dir.name}` to try again\n"
        )
        return max(exc.exit_code, 1)
    journal.archive(env.state_dir)
    env.err.write(f"iplab: rolled back {report.ran} commands; the host is as it was before\n")
    return exc.exit_code


def _verify_up(env: Env, plan: Plan) -> int:
    expected = expected_state(plan)
    observed = read_lab_state(env.runner, plan.owned.netns)
    differences = verify.diff(expected, observed, plan.owned)
    for d in differences:
        env.out.write(f"    DIFF {d}\n")
    env.out.write(
        "verify: the kernel holds what the scenario promised\n"
        if not differences
        else f"verify: {len(differences)} differences from the scenario\n"
    )
    return 1 if differences else 0


def _leftovers(env: Env, plan: Plan) -> list[str]:
    """What the lab created and still exists; waits a little for namespaces to wind down."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        state = read_lab_state(env.runner, plan.owned.netns)
        result = verify.check_claim(_NOTHING, state, plan.owned)
        if result.ok or time.monotonic() > deadline:
            return [] if result.ok else result.detail.removeprefix("still present: ").split(", ")
        time.sleep(0.1)


_NOTHING = NothingLeft(loc=Location("<iplab run>"))


# -- undo ------------------------------------------------------------------------------------------


@dataclass
class UndoReport:
    ran: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)


def _touches_preexisting(op: Op, info: LabInfo) -> bool:
    if isinstance(op, NetnsDel):
        return op.name in info.preexisting_netns
    if isinstance(op, LinkDel) and not op.ns:
        return op.dev in info.preexisting_links
    return any(
        (kind == "link" and name in info.preexisting_links and not op.in_ns())
        or (kind == "netns" and name in info.preexisting_netns)
        for kind, name in op.refs()
    )


def _rollback(env: Env, journal: Journal) -> UndoReport:
    """Undo every entry not yet undone, newest first, each only where its guard holds."""
    info = journal.info()
    entries = [e for e in journal.entries() if e.status in ("done", "pending") and e.undo]
    report = UndoReport()
    namespaces = (
        set(info.owned_netns)
        | {u.guard.ns for e in entries for u in e.undo if u.guard.ns}
        | {u.guard.name for e in entries for u in e.undo if u.guard.kind == "netns"}
    )
    observed = read_lab_state(env.runner, sorted(namespaces - {ROOT}))
    for entry in reversed(entries):
        observed = _undo_entry(env, entry, info, observed, namespaces=namespaces, report=report)
        journal.mark_undone([entry])
    for entry in journal.entries():
        if entry.status in ("done", "pending") and not entry.undo:
            journal.mark_undone([entry])
    return report


def _undo_entry(
    env: Env, entry: Entry, info: LabInfo, observed: State, *, namespaces: set[str],
    report: UndoReport,
) -> State:  # fmt: skip
    for undo in entry.undo:
        if _touches_preexisting(undo.op, info):
            env.err.write(f"iplab: not undoing `{undo.text}`: it existed before the lab\n")
            report.skipped += 1
            continue
        if not undo.guard.holds(observed):
            report.skipped += 1
            continue
        env.err.write(f"  undo: {undo.text}\n")
        result = env.runner.execute(
            undo.argv,
            undo.privileged,
            meta={"step": entry.number, "phase": entry.phase, "kind": "undo", "text": undo.text},
        )
        report.ran += 1
        fault("undo-after-run", report.ran)
        if not result.ok:
            report.failed.append(undo.text)
            env.err.write(f"    failed (exit {result.rc}): {result.stderr.strip()}\n")
            observed = read_lab_state(env.runner, sorted(namespaces - {ROOT}))
            continue
        try:
            apply(observed, undo.op)
        except ModelError:
            observed = read_lab_state(env.runner, sorted(namespaces - {ROOT}))
    return observed


def down(env: Env, lab: str) -> int:
    with ExitStack() as stack:
        journal = open_lab(env.state_dir, lab, stack)
        if not journal.exists():
            if journal.path.exists():  # a crash before lab.json was written: nothing ran
                journal.archive(env.state_dir)
            if any((env.state_dir / "history").glob(f"{lab}@*.jsonl")):
                env.out.write(f"lab {lab} is already down: nothing to undo\n")
                return 0
            raise UsageError(
                f"no lab named {lab} is up", hint="`iplab ls` lists the labs that are up"
            )
        info = journal.info()
        env.context.update({"lab": lab, "run": info.run, "scenario": info.scenario,
                            "sha256": info.sha256})  # fmt: skip
        with Signals():  # an undo is not interrupted halfway
            report = _rollback(env, journal)
        if report.failed:
            env.err.write(
                f"iplab: {len(report.failed)} undo commands failed; the journal is kept\n"
            )
            return 1
        journal.archive(env.state_dir)
        env.out.write(f"lab {lab} is down: {report.ran} undo commands ran\n")
        return 0


def list_labs(state_dir: Path) -> list[LabInfo]:
    return [journal.info() for _, journal in labs(state_dir)]
