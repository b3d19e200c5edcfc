"""The ``iplab`` command: parse arguments, call the stages, map errors to exit codes.

Exit codes: 0 success; 1 a command failed, a claim or verification failed;
2 an invalid scenario or command line; 3 unreadable iproute2 output; 4 the lab
is locked by another iplab; 5 no privilege (not root, no usable sudo);
130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from iplab import __version__, names, options
from iplab.errors import IplabError, UsageError

if TYPE_CHECKING:  # the stages are imported by the commands that use them: a quick start-up
    from iplab import lab
    from iplab.context import Env
    from iplab.plan import Plan

#: commands whose module is imported only when the command line names them (or asks for help)
LAZY_COMMANDS = {
    "graph": "iplab.graph",
    "import": "iplab.importer",
    "completion": "iplab.completion",
}
LAZY_HELP = {
    "graph": "draw a lab: as the scenario expects it, step by step, or as the kernel holds it",
    "import": "turn a tutorial (Markdown) or a shell script into a scenario file",
    "completion": "print a shell completion script (bash, zsh, fish)",
}

Handler = Callable[[argparse.Namespace], int]


def load_plan(args: argparse.Namespace, strict_claims: bool = True, lenient: bool = False) -> Plan:
    from iplab import plan

    prefix = getattr(args, "prefix", "")
    loaded = plan.load(
        args.scenario, args.var, prefix, args.templates, strict_claims, lenient=lenient
    )
    warn(loaded)
    return loaded


def warn(plan: Plan) -> None:
    """What the model objects to without refusing: one line each on stderr."""
    for warning in plan.warnings:
        sys.stderr.write(f"iplab: warning: {warning}\n")


# -- render / check --------------------------------------------------------------------------


def cmd_render(args: argparse.Namespace) -> int:
    from iplab import export

    plan = load_plan(args, lenient=True)  # a text job: every line, objections as warnings
    which = "setup" if args.setup else "teardown" if args.teardown else "all"
    options.write_text(export.export(plan, args.format, which), args.output)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from iplab import scenario
    from iplab.plan import build, owned_by, simulate, with_prefix

    overrides = scenario.parse_var_overrides(args.var)
    sc = with_prefix(scenario.load(args.scenario, overrides), args.prefix)
    owned = owned_by(sc)
    # the full build checks everything the runner needs (rendering, probes, claims)
    plan = build(sc, "", args.templates)
    warn(plan)
    texts = [pc.command.text for pc in plan.commands]
    failed = 0
    out = io.StringIO() if args.json else sys.stdout
    steps: list[dict[str, object]] = []
    for sim, state in simulate(sc.steps, owned):
        out.write(f"[{sim.number}] {texts[sim.number - 1]}\n")
        shown = not args.quiet and not plan.commands[sim.number - 1].command.observe
        if shown:
            for line in state.describe():
                out.write(f"      {line}\n")
        for result in sim.claims:
            failed += not result.ok
            out.write(f"      {result}\n")
        if args.json:
            steps.append({
                "step": sim.number, "phase": sim.step.phase, "text": texts[sim.number - 1],
                "state": state.to_json() if shown else None,
                "claims": [{"ok": r.ok, "claim": r.claim.describe(),
                            "detail": "" if r.ok else r.detail} for r in sim.claims],
            })  # fmt: skip
    claims = sum(len(s.expect) for s in sc.steps)
    if args.json:
        counts = {"steps": len(sc.steps), "setup": len(sc.setup), "teardown": len(sc.teardown),
                  "claims": claims, "failing": failed}  # fmt: skip
        print(json.dumps({"ok": not failed, "counts": counts, "steps": steps}, indent=1))
        return 1 if failed else 0
    verdict = "OK" if not failed else "FAILED"
    out.write(
        f"{verdict}: {len(sc.steps)} steps ({len(sc.setup)} setup, {len(sc.teardown)} teardown), "
        f"{claims} claims, {failed} failing in the model\n"
    )
    return 1 if failed else 0


# -- running labs -----------------------------------------------------------------------------


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
    if problem := names.netns_name_problem(name):
        raise UsageError(f"--lab: {problem.replace('namespace name', 'lab name')}")
    return name


def _dry_run(args: argparse.Namespace, plan: Plan, which: str) -> int:
    from iplab import lab
    from iplab.runner import Result

    env = _env(args)
    env.context.update(lab.audit_context(plan, _lab_name(args, plan), None))
    records = []
    for pc in plan.part(which):
        c = pc.command
        sys.stdout.write(f"DRY RUN: {c.text}\n")
        meta = {"step": c.number, "phase": c.step.phase if c.step else None,
                "kind": "command", "text": c.text}  # fmt: skip
        records.append(env.record(meta, Result(c.argv, 0, "", "", 0.0), rc=None, dry_run=True))
    env.audit.append(records)
    return 0


def _options(args: argparse.Namespace) -> lab.Options:
    from iplab import lab

    return lab.Options(
        verify=args.verify,
        preflight=args.preflight,
        batch=not args.per_command,
        exact_undo=args.exact_undo,
    )


def cmd_up(args: argparse.Namespace) -> int:
    from iplab import lab

    plan = load_plan(args)
    if args.dry_run:
        return _dry_run(args, plan, "setup")
    with _head_shown(_env(args)) as env:
        return lab.up(env, plan, _lab_name(args, plan), _options(args))


def cmd_run(args: argparse.Namespace) -> int:
    from iplab import jsonout, lab, statedir

    plan = load_plan(args)
    if args.dry_run:
        return _dry_run(args, plan, "all")
    if not args.json:
        with _head_shown(_env(args)) as env:
            return lab.run_all(env, plan, _lab_name(args, plan), _options(args))
    # the progress goes to stderr; stdout gets one JSON document
    seen = io.StringIO()
    env = lab.make_env(statedir.resolve(args.state_dir), _Tee(sys.stderr, seen), sys.stderr)
    if getattr(args, "audit_key", None):
        env.audit.key_file = args.audit_key
    name = _lab_name(args, plan)
    with _head_shown(env):
        rc = lab.run_all(env, plan, name, _options(args))
    run = env.context.get("run")
    records = [r for r in env.audit.read() if run and r.get("run") == run]
    doc = jsonout.run(
        lab=name, run_id=run, scenario=plan.scenario.path, exit_code=rc, records=records,
        output=seen.getvalue(),
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
    from iplab import lab, statedir

    name = args.lab
    if name is None:
        up = lab.list_labs(statedir.resolve(args.state_dir))
        if len(up) != 1:
            which = ", ".join(i.lab for i in up) if up else "none is up"
            raise UsageError(f"which lab? ({which})", hint="iplab down LAB")
        name = up[0].lab
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

        changes = by_lab(statedir.resolve(args.state_dir))
        docs = [doc | {"live": changes[doc["lab"]].to_json()} for doc in jsonout.labs(infos)]
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
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3])
        if row[0] in live and (summary := live[row[0]].summary()):
            print(f"  live: {summary}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from iplab import audit, statedir

    log = audit.AuditLog(statedir.resolve(args.state_dir), args.audit_key)
    if args.action == "verify":
        ok, message = log.verify(args.head)
        print(
            f"audit log {log.path}: {message}" if ok else f"audit log {log.path}: BROKEN: {message}"
        )
        return 0 if ok else 1
    since = audit.parse_since(args.since) if args.since else None
    keep = audit.Filter(lab=args.lab, run=args.run, since=since, failed=args.failed)
    records = [r for r in log.read() if keep.keep(r)]
    if args.json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    elif args.script:
        sys.stdout.write(audit.replay_script(records))
    else:
        sys.stdout.write(audit.table(records))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from iplab import iproute, scenario, verify
    from iplab.plan import modelled, state_after

    loaded = scenario.load(args.scenario, scenario.parse_var_overrides(args.var))
    sc, owned = modelled(loaded, args.prefix)
    total = len(sc.steps)
    if args.step is not None and not 1 <= args.step <= total:
        raise UsageError(f"--step {args.step}: the scenario has steps 1 to {total}")
    env = _env(args)
    env.context.update({"scenario": sc.path, "sha256": sc.sha256})
    expected = state_after(sc.steps, len(sc.setup) if args.step is None else args.step)
    observed = iproute.read_state(env.runner, sorted(owned.netns))
    found = verify.diff(expected, observed, owned)
    live: list[str] = []
    if args.step is None:  # and what the lab's journal says its links' qdiscs hold
        from iplab.live import live_problems

        live = [str(d) for d in live_problems(env, f"{args.prefix}{sc.name}", observed)]
    differences = [str(d) for d in found] + live
    where = f"after step {args.step}" if args.step else "after the setup"
    if args.json:
        from iplab import jsonout

        count = sum(len(s.links) for s in expected.namespaces.values())
        doc = jsonout.verify(found, args.step, len(expected.namespaces) - 1, count, live)
        print(json.dumps(doc, indent=1))
        return 1 if differences else 0
    skipped = verify.unknowable(expected)
    if skipped:
        print(f"skipped what the model cannot know: {', '.join(skipped)}")
    for d in differences:
        print(d)
    if differences:
        print(f"FAILED: {len(differences)} differences from the scenario {where}")
        return 1
    count = sum(len(s.links) for s in expected.namespaces.values())
    print(f"OK: the kernel holds what the scenario promises {where} "
          f"({len(expected.namespaces) - 1} namespaces, {count} links)")  # fmt: skip
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from iplab import iproute, statedir
    from iplab.journal import lab_info
    from iplab.status import format_state

    env = _env(args)
    if args.lab:
        info = lab_info(statedir.resolve(args.state_dir), args.lab)
        state = iproute.read_state(env.runner, info.owned_netns)  # the root and the lab's
        root_links: list[str] | None = info.owned_links
    else:
        state = iproute.read_state(env.runner, None)
        root_links = None
    extra: tuple[dict[str, object], str] = ({}, "")
    if args.lab:
        from iplab.live import status_report

        extra = status_report(env, info, state)
    if args.json:
        print(json.dumps(state.to_json() | extra[0], indent=1))
    else:
        sys.stdout.write(format_state(state, root_links) + extra[1])
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    from iplab import scenario

    if args.names:  # for shell completion: no scenario is loaded
        sys.stdout.write(
            "".join(f"{p.stem}\n" for p in sorted(scenario.bundled_dir().glob("*.yaml")))
        )
        return 0
    for path in sorted(scenario.bundled_dir().glob("*.yaml")):
        try:
            sc = scenario.load(str(path))
            print(f"{path.stem:36} {sc.title or ''}")
        except IplabError as exc:
            print(f"{path.stem:36} (invalid: {exc})")
    return 0


# -- the parser -----------------------------------------------------------------------------


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 86400:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be between 0 and 86400 seconds: {text!r}")
    return value


def _json_flag(p: argparse.ArgumentParser, command: str) -> None:
    p.add_argument(
        "--json", action="store_true",
        help=f"print one JSON document (schema: docs/json/{command}.schema.json)",
    )  # fmt: skip


def build_parser(needed: set[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; ``needed`` limits the lazily loaded commands to those."""
    parser = argparse.ArgumentParser(
        prog="iplab",
        description=(
            "Render, run, verify, undo and audit Linux network-namespace labs written as tutorials."
        ),
    )
    parser.add_argument("--version", action="version", version=f"iplab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("render", help="print the exact command lines of a scenario")
    options.add_scenario(p)
    part = p.add_mutually_exclusive_group()
    part.add_argument("--setup", action="store_true", help="only the setup steps")
    part.add_argument("--teardown", action="store_true", help="only the teardown steps")
    p.add_argument(
        "--format",
        choices=options.EXPORT_FORMATS,
        default="text",
        help="text: the lines; script: a bash script; markdown: a tutorial page",
    )
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    p.set_defaults(handler=cmd_render)

    p = sub.add_parser(
        "check", help="check a scenario in the model and print the state after each step"
    )
    options.add_scenario(p)
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the states")
    _json_flag(p, "check")
    p.set_defaults(handler=cmd_check)

    state = argparse.ArgumentParser(add_help=False)
    options.add_state_dir(state)
    limit = argparse.ArgumentParser(add_help=False)
    limit.add_argument(
        "--timeout", type=_seconds, metavar="SECONDS",
        help="the time limit of each process whose step sets none (default: 30; 0: none); "
        "past it the process is killed and the run rolls back",
    )  # fmt: skip
    running = argparse.ArgumentParser(add_help=False, parents=[state, limit])
    running.add_argument("--lab", help="the lab's name (default: prefix + scenario name)")
    running.add_argument("--dry-run", action="store_true", help="print what would run, run nothing")
    running.add_argument(
        "--no-verify", dest="verify", action="store_false",
        help="do not compare the kernel's state with the scenario after the setup",
    )  # fmt: skip
    running.add_argument(
        "--no-preflight", dest="preflight", action="store_false",
        help="start even when a name the lab creates already exists (rollback handles it)",
    )  # fmt: skip
    running.add_argument(
        "--per-command", action="store_true",
        help="one process per command instead of batching runs of ip commands (for debugging)",
    )  # fmt: skip
    running.add_argument(
        "--exact-undo", action="store_true",
        help="on a failure, replay every recorded inverse instead of only the deletions",
    )  # fmt: skip

    p = sub.add_parser("up", parents=[running], help="run the setup steps, journaled")
    options.add_scenario(p)
    p.set_defaults(handler=cmd_up)

    p = sub.add_parser(
        "run", parents=[running],
        help="rehearse the whole tutorial: setup, its teardown, then check nothing remains",
    )  # fmt: skip
    options.add_scenario(p)
    _json_flag(p, "run")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("down", parents=[state, limit], help="undo a lab from its journal")
    p.add_argument("lab", nargs="?", help="the lab (optional when only one is up)")
    p.add_argument(
        "--exact", action="store_true",
        help="replay every recorded inverse, newest first (slower; default: only the deletions)",
    )  # fmt: skip
    p.set_defaults(handler=cmd_down)

    p = sub.add_parser("ls", parents=[state], help="list the labs that are up")
    _json_flag(p, "ls")
    p.add_argument("--names", action="store_true", help="only the labs' names, one a line")
    p.set_defaults(handler=cmd_ls)

    p = sub.add_parser("audit", parents=[state], help="show or verify the audit log")
    p.add_argument("action", nargs="?", choices=["show", "verify"], default="show")
    p.add_argument("--lab", help="only this lab")
    p.add_argument("--run", help="only this run (any part of its id, as the table shows it)")
    p.add_argument("--since", help="only records since: 30m, 2h, 1d, or an ISO date")
    p.add_argument("--failed", action="store_true", help="only commands that failed")
    p.add_argument(
        "--head", metavar="HASH",
        help="verify: the log must still hold this head (printed after a run, kept elsewhere)",
    )  # fmt: skip
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument(
        "--json", action="store_true",
        help="print the records as JSON lines (schema: docs/json/audit.schema.json)",
    )  # fmt: skip
    fmt.add_argument("--script", action="store_true", help="print the commands as a script")
    p.set_defaults(handler=cmd_audit)

    p = sub.add_parser(
        "verify", parents=[state],
        help="compare the live kernel with what the scenario promises after the setup (or a step)",
    )  # fmt: skip
    options.add_scenario(p)
    p.add_argument("--step", type=int, metavar="N", help="the state after step N instead")
    _json_flag(p, "verify")
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser("status", parents=[state], help="show the live namespaces and links")
    p.add_argument("--lab", help="only this lab's namespaces and links (default: the host)")
    p.add_argument(
        "--json", action="store_true",
        help="print the parsed state as JSON (schema: docs/json/status.schema.json)",
    )  # fmt: skip
    p.set_defaults(handler=cmd_status)

    from iplab import livecli

    livecli.add_parsers(sub, state)

    for name, module in LAZY_COMMANDS.items():
        if needed is None or name in needed:
            importlib.import_module(module).add_parser(sub)
        else:  # named for the list of commands; never the one that runs
            sub.add_parser(name, help=LAZY_HELP[name])

    p = sub.add_parser("scenarios", help="list the bundled scenarios")
    p.add_argument("--names", action="store_true", help="only their names, one a line")
    p.set_defaults(handler=cmd_scenarios)
    return parser


def _terminate(signum: int, frame: object) -> None:
    del signum, frame
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None, stderr: TextIO | None = None) -> int:
    err = stderr or sys.stderr
    if argv is None and threading.current_thread() is threading.main_thread():
        # until a run installs its own handlers, SIGTERM ends iplab as Ctrl-C does
        signal.signal(signal.SIGTERM, _terminate)
    try:
        rc = _main(argv, err)
    except KeyboardInterrupt:
        _say(err, "iplab: interrupted")
        rc = 130
    except BrokenPipeError:
        # the reader went away (iplab render | head): output was cut short, a failure
        rc = 141
    except IplabError as exc:
        _say(err, f"iplab: error: {exc}")
        rc = exc.exit_code
    except OSError as exc:  # the host, not iplab: a full disk, a closed terminal...
        if os.environ.get("IPLAB_DEBUG"):
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        _say(err, f"iplab: error: {exc.strerror or exc}{where}")
        rc = 1
    except Exception as exc:
        if os.environ.get("IPLAB_DEBUG"):
            raise
        _say(
            err,
            f"iplab: internal error: {type(exc).__name__}: {exc}\n"
            "  this is a bug in iplab; run again with IPLAB_DEBUG=1 to see where",
        )
        rc = 70
    if argv is None and not _flushed():
        rc = rc or 141  # stdout is gone: what was printed did not arrive
    return rc


def _say(err: TextIO, text: str) -> None:
    try:
        err.write(text + "\n")
        err.flush()
    except (OSError, ValueError):
        pass  # stderr is gone too: the exit status says it


def _flushed() -> bool:
    """Flush stdout; False (and stdout pointed at /dev/null, so that Python's own flush at
    exit prints nothing) when it cannot be written."""
    try:
        sys.stdout.flush()
        return True
    except (OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return False


def _main(argv: Sequence[str] | None, err: TextIO) -> int:
    del err
    words = list(sys.argv[1:] if argv is None else argv)
    helping = not words or any(w in ("-h", "--help") for w in words)
    parser = build_parser(None if helping else set(words) & set(LAZY_COMMANDS))
    args = parser.parse_args(words)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return handler(args)
