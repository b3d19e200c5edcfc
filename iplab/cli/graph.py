"""``iplab graph``: the figure the arguments ask for, drawn (its options: `cli.parser`)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from iplab import plan
from iplab.errors import IplabError, UsageError
from iplab.graph.draw import FORMATS, SUFFIXES, Format, write_figure
from iplab.graph.picture import Figure, View
from iplab.graph.source import (
    Scope,
    diff_of,
    expected_figure,
    lab_scope,
    live_figure,
    plan_scope,
    read_live,
)
from iplab.graph.storyboard import write_storyboard
from iplab.plan import Plan
from iplab.plurals import counted
from iplab.runner import Runner


def output_format(output: Path | None, explicit: str | None) -> Format:
    """The format: --format, else the suffix of -o, else DOT."""
    suffix = output.suffix.lower() if output is not None else ""
    from_suffix = SUFFIXES.get(suffix)
    if explicit is not None:
        chosen = _format(explicit)
        if from_suffix is not None and from_suffix != chosen:
            raise UsageError(f"--format {chosen} does not match -o {output} (a .{from_suffix})")
        return chosen
    if output is None:
        return "dot"
    if from_suffix is None:
        raise UsageError(
            f"-o {output}: cannot tell the format from {suffix or 'a name without a suffix'}",
            hint="use .svg, .png, .dot or .mmd, or --format",
        )
    return from_suffix


def _format(value: str) -> Format:
    for fmt in FORMATS:
        if fmt == value:
            return fmt
    raise UsageError(f"--format {value}: choose one of {', '.join(FORMATS)}")


def check_args(args: argparse.Namespace) -> None:
    """Refuse combinations that mean nothing, with one line saying why."""
    if args.scenario is None and not args.live:
        raise UsageError("which scenario? (iplab graph SCENARIO, or --live for the kernel)")
    if args.diff and args.scenario is None:
        raise UsageError("--diff compares a scenario with the kernel: name the scenario")
    if args.diff and (args.live or args.storyboard is not None):
        raise UsageError("--diff cannot be combined with --live or --storyboard")
    if args.lab is not None and not args.live:
        raise UsageError("--lab is for --live (the lab's live state)")
    if args.lab is not None and args.scenario is not None:
        raise UsageError("--live takes a lab (--lab) or a scenario, not both")
    if args.storyboard is not None and args.output is not None:
        raise UsageError("--storyboard writes into its directory: leave out -o")
    if args.scenario is not None and not args.live and _a_lab_up(args):
        raise UsageError(  # (hunt BN: "LAB: no such scenario file (bundled scenarios: ...)")
            f"{args.scenario} is a lab that is up, not a scenario",
            hint=f"iplab graph --live --lab {args.scenario} draws it as the kernel holds it",
        )


def _a_lab_up(args: argparse.Namespace) -> bool:
    """``iplab graph LAB`` (a lab, as ``ls`` shows it, where a scenario goes): no scenario
    file or bundled scenario has that name, and a lab of that name is up."""
    from iplab import names, scenario, statedir
    from iplab.journal import Journal, lab_dir

    name = args.scenario
    if "/" in name or names.netns_name_problem(name) or scenario.resolve(name).exists():
        return False
    try:
        return Journal(lab_dir(statedir.resolve(args.state_dir), name)).exists()
    except (IplabError, OSError):  # (a state directory iplab will not use: said elsewhere)
        return False


def _view(args: argparse.Namespace, live: bool = False) -> View:
    """The model's pictures draw every link the scenario made; --host-links is for the host."""
    return View(loopback=args.lo, host_links=args.host_links if live else "show")


def _load_plan(args: argparse.Namespace) -> Plan:
    return plan.load(args.scenario, args.var, args.prefix, args.templates)


def _live_scope(args: argparse.Namespace) -> Scope:
    from iplab import statedir

    if args.lab is not None:
        return lab_scope(statedir.resolve(args.state_dir), args.lab)
    if args.scenario is not None:
        return plan_scope(_load_plan(args))
    return Scope(None, None, "this host: live")


def build_figure(args: argparse.Namespace, runner: Runner) -> Figure:
    """The figure the arguments ask for (reading the kernel for --live and --diff)."""
    if args.live:
        scope = _live_scope(args)
        state = read_live(runner, scope)
        drawn = live_figure(state, scope, _view(args, live=True))
        if args.lab is not None:  # what live changes hold: impairments, links set down
            from iplab import live, statedir

            more = live.picture_lines(runner, statedir.resolve(args.state_dir), args.lab, state)
            drawn = replace(drawn, title=(*drawn.title, *more))
        return drawn
    plan = _load_plan(args)
    if args.diff:
        return diff_of(plan, read_live(runner, plan_scope(plan)), args.step, _view(args))
    return expected_figure(plan, args.step, _view(args))


def run_graph(args: argparse.Namespace, runner: Runner) -> int:
    """0 when drawn; 1 when --diff found differences (drawn all the same)."""
    check_args(args)
    if args.storyboard is not None:
        fmt = _format(args.format) if args.format else "svg"
        count = write_storyboard(_load_plan(args), args.storyboard, fmt, runner, _view(args))
        print(f"{counted(count, 'picture')} and index.md, index.html written to {args.storyboard}")
        return 0
    fmt = output_format(args.output, args.format)
    fig = build_figure(args, runner)
    write_figure(fig, fmt, args.output, runner)
    return 1 if fig.differences else 0


def cmd_graph(args: argparse.Namespace) -> int:
    """Every process it starts (``dot``, the reads of ``--live`` and ``--diff``) goes
    through a runner whose hook writes the audit log, as ``status`` and ``up`` do."""
    from iplab import context, statedir

    env = context.make_env(statedir.resolve(args.state_dir), sys.stdout, sys.stderr)
    if args.lab is not None:
        env.context["lab"] = args.lab
    return run_graph(args, env.runner)
