"""The ``iplab`` command: parse arguments, call the stages, map errors to exit codes.

Exit codes: 0 success; 1 a command failed, a claim or verification failed;
2 an invalid scenario or command line; 3 unreadable iproute2 output; 4 the lab
is locked by another iplab; 5 no privilege (not root, no usable sudo);
130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from iplab import __version__, export, scenario
from iplab.errors import IplabError, UsageError
from iplab.plan import Plan, build, owned_by, simulate, with_prefix

Handler = Callable[[argparse.Namespace], int]


def _add_scenario_args(p: argparse.ArgumentParser, prefix: bool = True) -> None:
    p.add_argument("scenario", help="a scenario file, or the name of a bundled scenario")
    p.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE",
        help="set a scenario variable (repeatable); the value is read as YAML",
    )  # fmt: skip
    p.add_argument(
        "--templates", action="append", default=[], type=Path, metavar="DIR",
        help="a directory whose templates override the bundled ones by name (repeatable)",
    )  # fmt: skip
    if prefix:
        p.add_argument(
            "--prefix", default="", metavar="P",
            help="rename every namespace and link the scenario creates to P+name",
        )  # fmt: skip


def load_plan(args: argparse.Namespace, strict_claims: bool = True) -> Plan:
    overrides = scenario.parse_var_overrides(args.var)
    sc = scenario.load(args.scenario, overrides)
    return build(sc, getattr(args, "prefix", ""), args.templates, strict_claims=strict_claims)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    if text.startswith("#!"):
        output.chmod(0o755)


# -- render / check --------------------------------------------------------------------------


def cmd_render(args: argparse.Namespace) -> int:
    plan = load_plan(args)
    which = "setup" if args.setup else "teardown" if args.teardown else "all"
    _write(export.export(plan, args.format, which), args.output)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    overrides = scenario.parse_var_overrides(args.var)
    sc = with_prefix(scenario.load(args.scenario, overrides), args.prefix)
    owned = owned_by(sc)
    # the full build checks everything the runner needs (rendering, probes, claims)
    plan = build(sc, "", args.templates)
    texts = [pc.command.text for pc in plan.commands]
    failed = 0
    out = sys.stdout
    for sim, state in simulate(sc.steps, owned):
        step = sim.step
        out.write(f"[{sim.number}] {texts[sim.number - 1]}\n")
        if not args.quiet and not plan.commands[sim.number - 1].command.observe:
            for line in state.describe():
                out.write(f"      {line}\n")
        for result in sim.claims:
            failed += not result.ok
            out.write(f"      {result}\n")
        del step
    claims = sum(len(s.expect) for s in sc.steps)
    verdict = "OK" if not failed else "FAILED"
    out.write(
        f"{verdict}: {len(sc.steps)} steps ({len(sc.setup)} setup, {len(sc.teardown)} teardown), "
        f"{claims} claims, {failed} failing in the model\n"
    )
    return 1 if failed else 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    del args
    for path in sorted(scenario.bundled_dir().glob("*.yaml")):
        try:
            sc = scenario.load(str(path))
            print(f"{path.stem:36} {sc.title or ''}")
        except IplabError as exc:
            print(f"{path.stem:36} (invalid: {exc})")
    return 0


# -- the parser -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iplab",
        description=(
            "Render, run, verify, undo and audit Linux network-namespace labs written as tutorials."
        ),
    )
    parser.add_argument("--version", action="version", version=f"iplab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("render", help="print the exact command lines of a scenario")
    _add_scenario_args(p)
    part = p.add_mutually_exclusive_group()
    part.add_argument("--setup", action="store_true", help="only the setup steps")
    part.add_argument("--teardown", action="store_true", help="only the teardown steps")
    p.add_argument(
        "--format",
        choices=export.FORMATS,
        default="text",
        help="text: the lines; script: a bash script; markdown: a tutorial page",
    )
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    p.set_defaults(handler=cmd_render)

    p = sub.add_parser(
        "check", help="check a scenario in the model and print the state after each step"
    )
    _add_scenario_args(p)
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the states")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("scenarios", help="list the bundled scenarios")
    p.set_defaults(handler=cmd_scenarios)
    return parser


def main(argv: Sequence[str] | None = None, stderr: TextIO | None = None) -> int:
    err = stderr or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except IplabError as exc:
        err.write(f"iplab: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        err.write("iplab: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (iplab render | head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("IPLAB_DEBUG"):
            raise
        err.write(
            f"iplab: internal error: {type(exc).__name__}: {exc}\n"
            "  this is a bug in iplab; run again with IPLAB_DEBUG=1 to see where\n"
        )
        return 70
