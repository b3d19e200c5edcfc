"""What to draw: the model's state after the setup or a step, the kernel's, or both.

The titles say which (the scenario, the step, its command). Reading the kernel goes
through :func:`iplab.iproute.read_state` with the caller's runner (audited).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from iplab import verify
from iplab.errors import UsageError
from iplab.graph.marks import diff_figure
from iplab.graph.picture import DEFAULT_VIEW, Figure, View, figure
from iplab.names import ROOT
from iplab.plan import Plan, expected_state
from iplab.records import Record, frozen
from iplab.runner import Runner
from iplab.state import State


def scenario_title(plan: Plan) -> str:
    return plan.scenario.title or plan.scenario.name


def step_count(plan: Plan) -> int:
    return len(plan.commands)


def check_step(plan: Plan, step: int) -> None:
    total = step_count(plan)
    if not 1 <= step <= total:
        raise UsageError(
            f"--step {step}: the scenario has steps 1 to {total} "
            f"({len(plan.setup)} setup, {len(plan.teardown)} teardown)"
        )


def step_title(plan: Plan, step: int | None) -> tuple[str, ...]:
    """The lines above a picture of the model: the scenario, the step and its command."""
    head = scenario_title(plan)
    if step is None:
        return (f"{head}: after the setup (steps 1-{len(plan.setup)})",)
    return (f"{head}: after step {step}", plan.commands[step - 1].command.text)


def expected_figure(plan: Plan, step: int | None = None, view: View = DEFAULT_VIEW) -> Figure:
    """The model's state after the setup, or after ``step`` (1-based, setup then teardown)."""
    if step is not None:
        check_step(plan, step)
    return figure(expected_state(plan, step), step_title(plan, step), view)


@frozen
class Scope(Record):
    """What of the live kernel to read and draw."""

    #: namespaces to read (None: every namespace)
    netns: tuple[str, ...] | None
    #: the root namespace's links to draw (None: all of them)
    root_links: frozenset[str] | None
    title: str


def lab_scope(state_dir: Path, name: str) -> Scope:
    from iplab import lab

    info = lab.lab_info(state_dir, name)
    return Scope(tuple(sorted(info.owned_netns)), frozenset(info.owned_links), f"lab {name}: live")


def plan_scope(plan: Plan) -> Scope:
    return Scope(
        tuple(sorted(plan.owned.netns)),
        frozenset(plan.owned.links),
        f"{scenario_title(plan)}: live",
    )


def read_live(runner: Runner, scope: Scope) -> State:
    from iplab import iproute

    return iproute.read_state(runner, scope.netns)


def live_view(scope: Scope, base: View) -> View:
    """The whole host: its own links as ``base`` says; a lab: only the lab's root links."""
    if scope.root_links is None:
        return base
    return replace(base, root_links=scope.root_links, host_links="show")


def live_figure(state: State, scope: Scope, base: View = DEFAULT_VIEW) -> Figure:
    return figure(state, (scope.title,), live_view(scope, base))


def diff_of(plan: Plan, observed: State, step: int | None, view: View = DEFAULT_VIEW) -> Figure:
    """The model after the setup (or ``step``) beside the kernel, with verify.diff's findings.
    Of the kernel's root namespace, only the links the scenario creates or expects there."""
    if step is not None:
        check_step(plan, step)
    expected = expected_state(plan, step)
    differences = verify.diff(expected, observed, plan.owned)
    root = frozenset(plan.owned.links | set(expected.namespaces[ROOT].links))
    live = replace(view, root_links=root, host_links="show")
    head, *rest = step_title(plan, step)
    title = (f"{head}: expected and live", *rest)
    return diff_figure(expected, observed, differences, title, (view, live))
