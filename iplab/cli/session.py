"""``iplab up``, ``run``, ``down``, ``ls``, ``verify``, ``status``: labs on the kernel.

Why this module is long: the six commands share the ways a lab is named, found and said
(killed halfway, left by a failed rollback, in use by another iplab), kept next to them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from iplab import names
from iplab.cli.author import load_plan
from iplab.errors import IplabError, UsageError
from iplab.plurals import counted, plural

if TYPE_CHECKING:  # the stages are imported by the commands that use them: a quick start-up
    from iplab import lab, statedir
    from iplab.context import Env
    from iplab.journal import LabInfo
    from iplab.plan import Plan, PlannedCommand


def _env(args: argparse.Namespace) -> Env:
    from iplab import statedir
    from iplab.context import make_env

    verbose = bool(getattr(args, "verbose", False))
    env = make_env(statedir.resolve(args.state_dir), sys.stdout, sys.stderr, verbose=verbose)
    if getattr(args, "audit_key", None):
        env.audit.key_file = args.audit_key
    timeout = getattr(args, "timeout", None)
    if timeout is not None:
        env.runner.default_timeout = timeout or None  # 0: no limit
    return env


@contextlib.contextmanager
def _head_shown(env: Env) -> Iterator[Env]:
    """At the end of a run, print the audit log's head: kept elsewhere, it proves later
    (``iplab audit verify --head HASH``) that the log was not cut or rewritten."""
    try:
        yield env
    finally:
        env.flush_audit()  # (the records of the last reads, so that the head is the last)
        if env.audit.last_head is not None:
            count, head = env.audit.last_head
            env.err.write(
                f"iplab: audit head {head} (record {count}; keep it elsewhere and check "
                f"the log with `iplab audit verify --head {head[:16]}`)\n"
            )


def _lab_name(args: argparse.Namespace, plan: Plan) -> str:
    name: str = args.lab or f"{plan.prefix}{plan.scenario.name}"
    problem = names.netns_name_problem(name)
    if problem and not args.lab and len(name) > names.NETNS_MAX:
        # (hunt EN: a page's long file name made a scenario name of 64 characters; with
        # --prefix the lab's was 68, refused as "--lab: ...", an option never given)
        where = plan.scenario.path
        if (line := _name_line(where)) is not None:
            where = f"{where}:{line}"
        raise UsageError(
            f"{where}: name: the lab's name, --prefix {plan.prefix!r} and the scenario's name"
            f" {plan.scenario.name!r} ({len(plan.scenario.name)} characters), is {len(name)}"
            f" characters: iplab's own limit is {names.NETNS_MAX}; shorten the scenario's name"
            " (its name:) or the prefix, or give the lab a name of its own (--lab NAME)"
        )
    if problem:
        raise UsageError(f"--lab: {problem.replace('namespace name', 'lab name')}")
    return name


def _name_line(path: str) -> int | None:
    """The line of a scenario file's top-level ``name:``; None when none is found."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("name:"):
            return number
    return None


def _dry_run(args: argparse.Namespace, plan: Plan, which: str) -> int:
    """The lines a run would run, after the checks it would make first (they only read the
    host: a dry run refuses what the run would refuse); for ``up``, the undo ``down`` would
    run."""
    from iplab import dryrun, lab
    from iplab.runner import Result

    env = _env(args)
    name = _lab_name(args, plan)
    env.context.update(lab.audit_context(plan, name, None))
    dryrun.checks(env, plan, name, args.preflight)
    records = []
    for pc in plan.part(which):
        c = pc.command
        sys.stdout.write(dryrun.shown(pc))
        if pc.skip is not None:  # (a step the run skips: no command runs)
            continue
        meta = {"step": c.number, "phase": c.step.phase if c.step else None,
                "kind": "command", "text": c.text}  # fmt: skip
        records.append(env.record(meta, Result(c.argv, 0, "", "", 0.0), rc=None, dry_run=True))
    env.audit.append(records)
    if which == "setup":
        lines = dryrun.undo_lines(env, plan, name)
        sys.stdout.write(
            f"DRY RUN: `iplab down {name}` would then run {len(lines)} undo"
            f" {plural(len(lines), 'command')}" + (":\n" if lines else "\n")
        )
        sys.stdout.write("".join(f"DRY RUN:   {line}\n" for line in lines))
        if kept := dryrun.read_back_lines(plan):  # (read when their steps run: hunt J)
            sys.stdout.write("DRY RUN: and put back what the host holds when these steps run:\n")
            sys.stdout.write("".join(f"DRY RUN:   {line}\n" for line in kept))
    return 0


def _options(args: argparse.Namespace) -> lab.Options:
    from iplab import lab

    return lab.Options(
        verify=args.verify,
        preflight=args.preflight,
        batch=not args.per_command,
        exact_undo=args.exact_undo,
    )


def _what_stays(plan: Plan, which: str) -> None:
    """Before anything runs (a dry run too): the steps iplab cannot undo, whose changes
    stay on the host after the lab is down (hunt Y: only the import's summary said them)."""
    from iplab.undoable import Item, cannot_undo

    commands = plan.setup if which == "setup" else plan.commands
    items = [
        Item(
            pc.command.op,
            pc.command.step is not None and pc.command.step.background,
            f"{pc.command.step.loc}: {pc.command.line}"
            if pc.command.step is not None
            else pc.command.line,
        )
        for pc in commands
    ]
    _host_changed(commands, which)
    stays = list(cannot_undo(items))
    if stays:
        n = len(stays)
        what = "what they change" if n > 1 else "what it changes"
        sys.stderr.write(
            f"iplab: warning: iplab cannot undo {counted(n, 'step')}: {what}"
            " stays on the host after the lab is down (give a step 'undo:', or"
            " 'observe: true' if it changes nothing)\n" + "".join(f"  {s}\n" for s in stays)
        )


def _host_changed(commands: Sequence[PlannedCommand], which: str) -> None:
    """Before anything runs (a dry run too): the steps that change the host itself, not
    only the lab's namespaces (a host sysctl, a file of its, its packet filter); the
    journal puts each back at down, but the user is told first (hunt DF: only the import's
    summary said them, and a lab of NAT on the host's eth0 ran with no word)."""
    from iplab.hostsaid import host_changes

    changes = host_changes(
        [
            (str(pc.command.step.loc), pc.command.line, pc.command.op)
            for pc in commands
            if pc.command.step is not None
        ]
    )
    if changes:
        where = "setup" if which == "setup" else "lab"
        sys.stderr.write(
            f"iplab: note: the {where} changes the host itself, not only the lab's namespaces"
            f" ({counted(len(changes), 'step')}; down puts back each iplab can undo):\n"
            + "".join(f"  {c}\n" for c in changes)
        )


def _not_begun(text: str) -> None:
    """What a signal that stops the command now leaves (:data:`iplab.errors.not_begun`)."""
    from iplab.errors import not_begun

    not_begun[:] = [text]


def cmd_up(args: argparse.Namespace) -> int:
    _not_begun("up had not begun: nothing ran, the host is as it was")  # (before imports)
    from iplab import lab
    from iplab.interrupts import fault

    plan = load_plan(args)
    _what_stays(plan, "setup")
    if args.dry_run:
        return _dry_run(args, plan, "setup")
    fault("not-begun", 1)  # (the failpoint of a signal before the up began)
    if args.json:  # (hunt BS #5: status and verify had --json, up had none)
        return _as_json(args, plan, lab.up)
    with _head_shown(_env(args)) as env:
        return lab.up(env, plan, _lab_name(args, plan), _options(args))


def cmd_run(args: argparse.Namespace) -> int:
    _not_begun("run had not begun: nothing ran, the host is as it was")  # (before imports)
    from iplab import lab

    plan = load_plan(args)
    _what_stays(plan, "all")
    if args.dry_run:
        return _dry_run(args, plan, "all")
    if not args.json:
        with _head_shown(_env(args)) as env:
            return lab.run_all(env, plan, _lab_name(args, plan), _options(args))
    return _as_json(args, plan, lab.run_all)


def _as_json(args: argparse.Namespace, plan: Plan, go: Callable[..., int]) -> int:
    """``up`` or ``run`` with ``--json``: the progress goes to stderr; stdout gets one JSON
    document (docs/json/run.schema.json)."""
    from iplab import jsonout, lab, statedir

    seen = io.StringIO()
    env = lab.make_env(statedir.resolve(args.state_dir), _Tee(sys.stderr, seen), sys.stderr)
    if getattr(args, "audit_key", None):
        env.audit.key_file = args.audit_key
    name = _lab_name(args, plan)
    with _head_shown(env):
        rc = go(env, plan, name, _options(args))
    run = env.context.get("run")
    records = [r for r in env.audit.read() if run and r.get("run") == run]
    doc = jsonout.run(
        lab=name, run_id=run, scenario=plan.scenario.path, exit_code=rc, records=records,
        output=seen.getvalue(), verified=env.verified,
    )  # fmt: skip
    print(json.dumps(doc, indent=1))
    return rc


class _Tee(io.StringIO):
    """Writes to a stream and keeps a copy."""

    def __init__(self, stream: TextIO, copy: io.StringIO) -> None:
        super().__init__()
        self._stream, self._copy = stream, copy

    def write(self, text: str) -> int:
        self._copy.write(text)
        return self._stream.write(text)

    def flush(self) -> None:
        self._stream.flush()


def cmd_down(args: argparse.Namespace) -> int:
    _not_begun("down had not begun: nothing was undone")  # (before imports)
    from iplab import lab, statedir
    from iplab.interrupts import fault

    name = args.lab
    if name is None:
        where = statedir.resolve(args.state_dir)
        up = lab.list_labs(where)
        if not up:  # down twice: the second has nothing to undo, as down LAB says it
            print(f"no lab is up in the state directory {where}: nothing to undo")
            return 0
        if len(up) != 1:
            which = ", ".join(i.lab for i in up)
            raise UsageError(f"which lab? ({which} are up)", hint="iplab down LAB")
        name = up[0].lab
    _not_begun(f"down had not begun: nothing was undone, lab {name} is as it was"
               f" (iplab down {name} takes it down)")  # fmt: skip
    fault("not-begun", 1)  # (the failpoint of a signal before the down began)
    with _head_shown(_env(args)) as env:
        return lab.down(env, name, exact=args.exact)


def cmd_ls(args: argparse.Namespace) -> int:
    from iplab import lab, statedir

    infos = lab.list_labs(statedir.resolve(args.state_dir))
    if args.names:  # for shell completion
        sys.stdout.write("".join(f"{info.lab}\n" for info in infos))
        return 0
    if args.json:
        from iplab import jsonout
        from iplab.live import by_lab

        where = statedir.resolve(args.state_dir)
        changes = by_lab(where)
        docs = [
            doc | {"live": changes[doc["lab"]].to_json()} | _progress(where, info)
            for doc, info in zip(jsonout.labs(infos), infos, strict=True)
        ]
        print(json.dumps(docs, indent=1))
        return 0
    if not infos:
        print("no lab is up")
        return 0
    rows = [("LAB", "STARTED", "PREFIX", "SCENARIO")]
    for info in infos:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.started))
        rows.append((info.lab, started, info.prefix or "-", info.scenario))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    from iplab.live import by_lab

    live = by_lab(statedir.resolve(args.state_dir))
    states = {i.lab: lab.progress(statedir.resolve(args.state_dir), i) for i in infos}
    busy = _busy(statedir.resolve(args.state_dir), infos)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3])
        if row[0] in live and (summary := live[row[0]].summary()):
            print(f"  live: {summary}")
        if said := _HALFWAY.get(states.get(row[0], "")):
            print(f"  {said[0]}; `iplab down {row[0]}` undoes {said[1]}")
        if (held := busy.get(row[0])) is not None:  # (hunt AJ: listed as up while set up)
            print(f"  not up yet: {held.said()}" if held.doing == "up" else f"  {held.said()}")
    return 0


def _busy(state_dir: Path, infos: list[LabInfo]) -> dict[str, statedir.Holder]:
    """The labs another iplab is using (setting up, rolling back, taking down), by name."""
    from iplab import statedir
    from iplab.journal import lab_dir

    held = {i.lab: statedir.holder(lab_dir(state_dir, i.lab) / "lock") for i in infos}
    return {lab: h for lab, h in held.items() if h is not None}


#: what ``ls`` says of a lab whose up did not finish, and what ``down`` then undoes
_HALFWAY = {
    "interrupted": ("interrupted: its up was killed halfway", "what it did"),
    "left": ("rollback failed: its up failed and could not undo everything", "what is left"),
    "half-down": (
        "half down: a down of it was killed halfway or could not undo everything",
        "what is left",
    ),
}


def _progress(state_dir: Path, info: LabInfo) -> dict[str, object]:
    """``ls --json``'s ``state`` of a lab (``up``, ``starting``, ``interrupted``); of one
    whose up was killed halfway, the namespaces and links its journal says were made,
    not the plan's whole list (hunt M)."""
    from iplab import lab

    state = lab.progress(state_dir, info)
    busy = _busy(state_dir, [info]).get(info.lab)
    doing = {} if busy is None else {"doing": busy.doing, "pid": busy.pid}
    if state == "up":
        return {"state": state} | doing
    netns, links = lab.journaled_names(state_dir, info)
    return {"state": state, "namespaces": netns, "links": links} | doing


def _lab_named(args: argparse.Namespace) -> tuple[LabInfo, list[int]] | None:
    """``iplab verify LAB`` (a lab that is up, as ``ls``, ``down`` and ``status`` take it):
    its scenario, prefix and ``--var`` pairs, as ``up`` had them, and the steps that may
    fail and failed in its run (hunt F: verify expected what they would have made). A
    scenario file or a bundled scenario of that name comes first."""
    from iplab import scenario, statedir
    from iplab.journal import Journal, lab_dir, no_such_lab

    name = args.scenario
    if "/" in name or scenario.resolve(name).exists() or names.netns_name_problem(name):
        return None
    journal = Journal(lab_dir(statedir.resolve(args.state_dir), name))
    if not journal.exists():
        if not name.endswith((".yaml", ".yml")) and not journal.path.exists():
            # (hunt AQ: `verify LAB` of a lab taken down said "LAB: no such scenario file")
            error = no_such_lab(statedir.resolve(args.state_dir), name)
            error.message += ", and no scenario file or bundled scenario has that name"
            raise error
        return None
    info = journal.info()
    if journal.recovered:  # rebuilt from the journal: no scenario, no prefix (hunt D)
        raise UsageError(
            f"lab {name}: {journal.recovered}: it named the scenario and the prefix that"
            " verify needs",
            hint=f"name them: `iplab verify SCENARIO --prefix PREFIX`; `iplab down {name}`"
            " still works from the journal",
        )
    if args.prefix or args.var:
        raise UsageError(
            f"{name} is a lab that is up: verify takes its prefix and --var pairs from it",
            hint="leave --prefix and --var out, or name the scenario file",
        )
    if not scenario.resolve(info.scenario).exists():  # (hunt BN: "no such scenario file",
        # the bundled scenarios listed, and not which lab's file is gone)
        given = "".join(f" --var {pair}" for pair in info.var_pairs)
        raise UsageError(
            f"lab {name} came up from {info.scenario}, which is gone (moved or removed?):"
            " verify compares the kernel with that scenario",
            hint=f"name the file where it is now: `iplab verify FILE --prefix {info.prefix}"
            f"{given}`; `iplab down {name}` works from the journal alone",
        )
    args.scenario, args.prefix, args.var = info.scenario, info.prefix, list(info.var_pairs)
    return info, journal.failed_steps(info.run)


def _failed_in(args: argparse.Namespace, name: str, sha256: str) -> list[int]:
    """``iplab verify FILE --prefix P`` of the lab that FILE brought up with that prefix and
    those ``--var`` pairs: the steps that may fail and failed in its run, as ``verify LAB``
    leaves them out (hunt AY: ``up`` said the kernel holds what the scenario promised,
    then this verify said FAILED, naming what a ``|| true`` step that failed would have
    made). None for another scenario, other pairs or no such lab."""
    from iplab import statedir
    from iplab.journal import Journal, lab_dir

    try:
        journal = Journal(lab_dir(statedir.resolve(args.state_dir), f"{args.prefix}{name}"))
        if not journal.exists():
            return []
        info = journal.info()
        if journal.recovered or info.prefix != args.prefix:
            return []
        return journal.failed_steps_of(info, sha256, list(args.var or []))
    except (IplabError, OSError):  # (an unreadable record: verified as the file has it)
        return []


def _say_if_interrupted(state_dir: Path, name: str) -> None:
    """A lab whose up was killed halfway: verify's differences are what it did not do
    (hunt M: 67 differences, and nothing said the run was killed)."""
    from iplab import lab
    from iplab.journal import Journal, lab_dir

    try:
        journal = Journal(lab_dir(state_dir, name))
        info = journal.info() if journal.exists() else None
    except IplabError:
        return
    if info is not None and lab.progress(state_dir, info) == "left":
        sys.stderr.write(f"iplab: note: an earlier up of lab {name}: {_HALFWAY['left'][0]}\n")
    if info is not None and lab.progress(state_dir, info) == "half-down":
        sys.stderr.write(
            f"iplab: note: lab {name} is {_HALFWAY['half-down'][0]}: the host holds only part"
            f" of it; `iplab down {name}` undoes what is left\n"
        )
    if info is not None and lab.progress(state_dir, info) == "interrupted":
        sys.stderr.write(
            f"iplab: note: an earlier up of lab {name} was killed halfway: the host holds only"
            f" part of it; `iplab down {name}` undoes what it did\n"
        )


def cmd_verify(args: argparse.Namespace) -> int:
    from iplab import iproute, statedir, verify
    from iplab.expectation import expectation

    _not_busy(statedir.resolve(args.state_dir), args.scenario)
    named = _lab_named(args)
    up, failed = named if named is not None else (None, [])
    want = expectation(args.scenario, args.var, args.prefix, args.step, without=failed)
    _not_busy(statedir.resolve(args.state_dir), f"{args.prefix}{want.name}")
    if named is None and (failed := _failed_in(args, want.name, want.sha256)):
        want = expectation(args.scenario, args.var, args.prefix, args.step, without=failed)
    if up is not None and want.sha256 != up.sha256:
        sys.stderr.write(
            f"iplab: warning: {want.path} changed since lab {up.lab} came up: verified"
            " against the file as it is now\n"
        )
    env = _env(args)
    env.context.update({"scenario": want.path, "sha256": want.sha256})
    _say_if_interrupted(statedir.resolve(args.state_dir), f"{args.prefix}{want.name}")
    expected = want.state
    from iplab.lab import (
        begin_route_read,
        neighbour_differences,
        route_and_rule_differences,
        sysctl_differences,
    )

    routes_read = begin_route_read(env, expected)  # (while the links are read)
    observed = iproute.read_state(
        env.runner,
        verify.read_names(expected, want.owned),
        verify.read_roots(expected, want.owned),
    )
    found = verify.diff(expected, observed, want.owned)
    routed, ruled = route_and_rule_differences(env, expected, observed, routes_read)
    found += routed
    found += sysctl_differences(env, expected, observed)
    found += neighbour_differences(env, expected, observed)
    found += ruled
    live: list[str] = []
    if args.step is None:  # and what the lab's journal says its links' qdiscs hold
        from iplab.live import live_problems

        live = [str(d) for d in live_problems(env, f"{args.prefix}{want.name}", observed)]
    differences = [str(d) for d in found] + live
    where = f"after step {args.step}" if args.step else "after the setup"
    if differences and up is None:
        _say_labs_of(statedir.resolve(args.state_dir), want.path, args.prefix)
    if args.json:
        from iplab import jsonout

        doc = jsonout.verify(found, args.step, expected, live)
        print(json.dumps(doc, indent=1))
        return 1 if differences else 0
    skipped = verify.unknowable(expected)
    if skipped:
        print(f"skipped what the model cannot know: {', '.join(skipped)}")
    for d in differences:
        print(d)
    if up is not None and not (up.starting or up.down_begun or up.rollback_failed):
        # (a lab that came up whole: what of it is gone, something else deleted; not one
        # whose up was killed halfway, nor one a rollback or a down began to undo)
        for gone in verify.deleted_by_others(found, expected, want.owned):
            print(gone)
    if differences:
        print(f"FAILED: {counted(len(differences), 'difference')} from the scenario {where}")
        return 1
    said = verify.verdict(expected, where)
    print(said if said.startswith("nothing") else f"OK: {said}")
    return 0


def _say_labs_of(state_dir: Path, path: str, prefix: str) -> None:
    """The labs that are up from the scenario file verified, under another prefix: what
    verify compared is not theirs (hunt AX: ``iplab verify lab.yaml``, --prefix forgotten,
    said every namespace of the lab haxb10lab missing)."""
    from iplab import lab

    def same(scenario: str) -> bool:
        with contextlib.suppress(OSError):
            return Path(scenario).resolve() == Path(path).resolve()
        return False

    try:
        others = [i for i in lab.list_labs(state_dir) if same(i.scenario) and i.prefix != prefix]
    except IplabError:
        return
    for info in others:
        sys.stderr.write(
            f"iplab: note: lab {info.lab} is up from this scenario with --prefix"
            f" {info.prefix or '(none)'}: `iplab verify {info.lab}` compares it\n"
        )


def _not_busy(state_dir: Path, name: str) -> None:
    """A LockedError (exit 4) when another iplab is setting the lab ``name`` up, rolling
    it back or taking it down: what the kernel holds then is no verdict (hunt AJ)."""
    from iplab import lab

    if "/" not in name and (busy := lab.in_progress(state_dir, name)) is not None:
        raise busy


def cmd_status(args: argparse.Namespace) -> int:
    from iplab import iproute, statedir
    from iplab.journal import lab_info
    from iplab.peers import RootPart
    from iplab.status import format_state

    env = _env(args)
    if args.lab:
        _not_busy(statedir.resolve(args.state_dir), args.lab)
        info = lab_info(statedir.resolve(args.state_dir), args.lab)
        # (a lab whose up was killed halfway: what status shows is part of it, hunt BE)
        _say_if_interrupted(statedir.resolve(args.state_dir), args.lab)
        # the root and the lab's (of the root, only the lab's links are shown, and read:
        # a busy host's other links are not decoded, hunt CZ's leftover)
        part = RootPart(frozenset(info.owned_links))
        state = iproute.read_state(env.runner, info.owned_netns, info.owned_links, part)
        root_links: list[str] | None = info.owned_links
    else:
        state = iproute.read_state(env.runner, None)
        root_links = None
    extra: tuple[dict[str, object], str] = ({}, "")
    if args.lab:
        from iplab.live import status_report

        extra = status_report(env, info, state)
    elif state.unread:  # the whole host: what ip netns list names and nothing could read
        names = sorted(state.unread)
        extra = (
            {"unread": names},
            "".join(
                f"namespace {name}: listed by `ip netns list`, but it could not be read "
                "(deleted meanwhile, or an entry of /run/netns that is no namespace)\n"
                for name in names
            ),
        )
    if args.json:
        doc = state.to_json()
        if root_links is not None:  # --lab: the root namespace's links of the lab only
            for space in doc["namespaces"]:
                if space["name"] is None:
                    space["links"] = [x for x in space["links"] if x["name"] in root_links]
                    space["routes"] = [r for r in space["routes"] if r.get("dev") in root_links]
        print(json.dumps(doc | extra[0], indent=1))
    else:
        sys.stdout.write(format_state(state, root_links) + extra[1])
    return 0
