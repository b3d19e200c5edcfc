"""A storyboard: one picture per state-changing step, and an index page (Markdown, HTML)
that walks through them as the tutorial does, each step's command under its picture."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from iplab import options
from iplab.errors import UsageError
from iplab.graph import draw
from iplab.graph.dot import to_dot
from iplab.graph.draw import IMAGE_FORMATS, Format, write_figure
from iplab.graph.mermaid import to_mermaid
from iplab.graph.picture import DEFAULT_VIEW, Figure, View, figure
from iplab.graph.source import scenario_title, step_count, step_title
from iplab.plan import Plan
from iplab.records import Record, frozen
from iplab.runner import Runner
from iplab.state import replay
from iplab.steps import Step


@frozen
class Frame(Record):
    """One picture of a storyboard: the state after a state-changing step."""

    number: int
    phase: str
    title: str | None
    command: str
    figure: Figure


def storyboard(plan: Plan, view: View = DEFAULT_VIEW) -> list[Frame]:
    """A figure after each step that changes state (observation steps have none), from the
    model's one replay (:func:`iplab.state.replay`)."""
    steps: list[Step] = []
    for pc in plan.commands:
        assert pc.command.step is not None
        steps.append(pc.command.step)
    frames: list[Frame] = []
    for (sim, state), pc in zip(replay(steps), plan.commands, strict=True):
        if pc.command.observe:
            continue
        title = step_title(plan, sim.number)
        frames.append(
            Frame(sim.number, sim.step.phase, sim.step.title, pc.command.text,
                  figure(state, title, view))
        )  # fmt: skip
    return frames


def frame_file(frame: Frame, fmt: Format, width: int) -> str:
    return f"step-{frame.number:0{width}d}.{fmt}"


def _frame_heading(frame: Frame) -> str:
    return f"Step {frame.number}" + (f": {frame.title}" if frame.title else "")


def storyboard_markdown(plan: Plan, frames: Sequence[Frame], fmt: Format, width: int) -> str:
    """index.md: each picture in order, the step's command under it, as the blog walks."""
    s = plan.scenario
    out = [f"# {scenario_title(plan)}", ""]
    if s.source:
        out += [f"From {' and '.join(f'<{f}>' for f in s.sources or (s.source,))}.", ""]
    out += [
        f"The lab drawn by `iplab graph` after each of the {len(frames)} steps that change it "
        "(observation steps are left out).",
    ]
    phase = None
    for frame in frames:
        if frame.phase != phase:
            phase = frame.phase
            out += ["", f"## {phase.capitalize()}"]
        name = frame_file(frame, fmt, width)
        out += ["", f"### {_frame_heading(frame)}", ""]
        if fmt in IMAGE_FORMATS:
            out.append(f"![The lab after step {frame.number}]({name})")
        else:
            block = to_mermaid(frame.figure) if fmt == "mmd" else to_dot(frame.figure)
            out += ["```mermaid" if fmt == "mmd" else "```dot", block.rstrip("\n"), "```"]
        out += ["", "```bash", frame.command, "```"]
    return "\n".join(out) + "\n"


def storyboard_html(plan: Plan, frames: Sequence[Frame], fmt: Format, width: int) -> str:
    """index.html: the same walk through as a page a browser shows without anything else."""
    e = html.escape
    title = e(scenario_title(plan))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>{title}</title>",
        "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:70em;margin:2em auto;"
        "padding:0 1em}figure{margin:2em 0}img{max-width:100%;border:1px solid #ddd}"
        "pre{background:#f4f4f4;padding:.6em 1em;overflow-x:auto}</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
    ]
    if plan.scenario.source:
        named = plan.scenario.sources or (plan.scenario.source,)
        links = " and ".join(f'<a href="{e(f)}">{e(f)}</a>' for f in named)
        out.append(f"<p>From {links}.</p>")
    for frame in frames:
        name = e(frame_file(frame, fmt, width))
        body = (
            f'<img src="{name}" alt="The lab after step {frame.number}">'
            if fmt in IMAGE_FORMATS
            else f'<pre><a href="{name}">{name}</a></pre>'
        )
        out += [
            f'<figure id="step-{frame.number}">',
            f"<h2>{e(_frame_heading(frame))}</h2>",
            body,
            f"<figcaption><pre><code>{e(frame.command)}</code></pre></figcaption>",
            "</figure>",
        ]
    return "\n".join([*out, "</body>", "</html>"]) + "\n"


def write_storyboard(plan: Plan, directory: Path, fmt: Format, runner: Runner, view: View) -> int:
    """Write one picture per state-changing step and index.md / index.html; the count."""
    if fmt in IMAGE_FORMATS and draw.dot_path() is None:
        raise draw.missing(fmt)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {directory}: {exc.strerror}") from None
    frames = storyboard(plan, view)
    width = max(2, len(str(step_count(plan))))
    for frame in frames:
        write_figure(frame.figure, fmt, directory / frame_file(frame, fmt, width), runner)
    options.write_text(storyboard_markdown(plan, frames, fmt, width), directory / "index.md")
    options.write_text(storyboard_html(plan, frames, fmt, width), directory / "index.html")
    return len(frames)
