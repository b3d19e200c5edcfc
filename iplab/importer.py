"""``iplab import``: a tutorial (Markdown) or a shell script -> a scenario file.

The stages, each a small function over plain data::

    text --read--> events: notes (headings, paragraphs, comments) and command lines
         --assemble--> drafts: each command with its title, prose and printed output
         --split--> setup and teardown (a cleanup section, else the trailing deletions)
         --write--> scenario YAML, then loaded back and rendered to prove the round trip

Every command line goes through :func:`iplab.lineparse.classify`: a typed op when
its rendering is the very same line, else a raw step that keeps the line verbatim.
What could not be imported, or cannot be undone, is said in the summary.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from iplab import names
from iplab.errors import ScenarioError, UsageError
from iplab.lineparse import jinja_literal, op_fields
from iplab.model import lab_addresses
from iplab.plan import build, decide_sudo
from iplab.render import renderer
from iplab.scenario import Scenario, SudoPolicy, load_text
from iplab.steps import LinkDel, NetnsDel, NetnsExec, Op, Probe, Raw, is_observation
from iplab.tutorial import (
    CLEANUP,
    FENCE,
    SENTENCE_BREAK,
    TITLE_MAX,
    Block,
    Cmd,
    Event,
    Kind,
    Note,
    Reader,
    read_markdown,
    read_shell,
)

Variables = Literal["keep", "expand"]

# -- assembling steps -------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A command with what the tutorial says around it."""

    cmd: Cmd
    op: Op
    title: str | None = None
    prose: str | None = None
    #: the text before it announces the cleanup
    cleanup: bool = False
    #: the author's shell text this command is one iteration of (a loop, ``bash -c``)
    block: Block | None = None
    #: its place among the block's commands
    index: int = 0

    @property
    def line(self) -> int:
        return self.cmd.line


def first_sentence(text: str, limit: int = TITLE_MAX) -> str:
    """A title from a text: its first sentence, without a final ``.`` or ``:``, cut at ``limit``."""
    first = SENTENCE_BREAK.split(" ".join(text.split()), maxsplit=1)[0]
    first = first.rstrip(" .:")
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "..."
    return first


def title_and_prose(notes: Sequence[Note]) -> tuple[str | None, str | None]:
    """The title (the nearest heading, or the first sentence of the nearest paragraph or
    comment) and the prose (the paragraphs, comments and prose code blocks, in order)."""
    source = next((n for n in reversed(notes) if n.kind != "fence"), None)
    if source is None:
        title = None
    elif source.kind == "heading":
        title = source.text
    else:
        title = first_sentence(source.text)
    said = [
        n.text
        for n in notes
        if n.kind != "heading" and not (n is source and title == n.text.rstrip(" .:"))
    ]
    return title, "\n\n".join(said) or None


def announces_cleanup(notes: Sequence[Note]) -> bool:
    """A heading or comment before the command, or the paragraph right before it, says
    clean up / cleanup / teardown / tear down / delete everything."""
    for i, note in enumerate(notes):
        nearest = i == len(notes) - 1
        if (note.kind in ("heading", "comment") or nearest) and CLEANUP.search(note.text):
            return True
    return False


def assemble(events: Sequence[Event]) -> tuple[list[Draft], list[Note]]:
    """Each command with the notes before it; and the notes that introduce the whole page
    (those before its first heading, when a heading comes before the first command)."""
    events = list(events)
    intro = _intro(events)
    drafts: list[Draft] = []
    pending: list[Note] = []
    for event in events[len(intro) :]:
        if isinstance(event, Note):
            pending.append(event)
            continue
        title, prose = title_and_prose(pending)
        cleanup = announces_cleanup(pending)
        if isinstance(event, Block):
            for j, cmd in enumerate(event.cmds):
                words = (title, prose) if j == 0 else (None, None)
                drafts.append(Draft(cmd, cmd.parsed.op, *words, cleanup, event, j))
        else:
            drafts.append(Draft(event, event.parsed.op, title, prose, cleanup))
        pending = []
    return drafts, intro


def _intro(events: Sequence[Event]) -> list[Note]:
    intro: list[Note] = []
    for event in events:
        if not isinstance(event, Note) or event.kind == "heading":
            return intro if isinstance(event, Note) else []
        intro.append(event)
    return []


def _shell_header(events: list[Event]) -> tuple[str | None, str | None, list[Event]]:
    """A script's opening comment (apart from the first command): its title and description."""
    first = events[0] if events else None
    if not isinstance(first, Note) or first.kind != "comment" or first.line > 2:
        return None, None, events
    after = events[1] if len(events) > 1 else None
    if isinstance(after, Cmd | Block) and after.line == first.end + 1:
        return None, None, events
    title = first_sentence(first.text)
    description = first.text if first.text.rstrip(" .:") != title else None
    return title, description, events[1:]


def split_teardown(drafts: Sequence[Draft]) -> int:
    """Where the teardown starts (len(drafts): no teardown).

    The first command announced as a cleanup, else the trailing run of ``link del`` and
    ``netns del`` (with observations among them); at least one setup step stays.
    """
    for i, draft in enumerate(drafts):
        if draft.cleanup and i > 0 and draft.index == 0:
            return i
    start = len(drafts)
    while start > 0 and (
        isinstance(drafts[start - 1].op, LinkDel | NetnsDel) or is_observation(drafts[start - 1].op)
    ):
        start -= 1
    while start < len(drafts) and is_observation(drafts[start].op):
        start += 1
    while 0 < start < len(drafts) and drafts[start].index > 0:  # a block is not cut in two
        start += 1
    return start if 0 < start < len(drafts) else len(drafts)


def probes_to_exec(drafts: Sequence[Draft]) -> tuple[list[Draft], list[str]]:
    """A probe may only target an address the lab assigns: others stay ``netns exec`` steps."""
    allowed = lab_addresses(d.op for d in drafts)
    out: list[Draft] = []
    warnings: list[str] = []
    for d in drafts:
        if isinstance(d.op, Probe) and d.op.target not in allowed:
            command = renderer().text(d.op).split(" ", 4)[4]
            out.append(replace(d, op=NetnsExec(ns=d.op.ns, command=command, observes=True)))
            warnings.append(
                f"line {d.cmd.line}: ping target {d.op.target} is not an address the input assigns"
                " with 'ip addr add'; kept as 'netns exec', not a probe"
            )
        else:
            out.append(d)
    return out, warnings


def choose_sudo(wanted: Iterable[tuple[Op, bool]]) -> SudoPolicy:
    """The policy that agrees with the most lines (``auto``, then ``never``, on a tie)."""
    pairs = list(wanted)

    def misses(policy: SudoPolicy) -> int:
        return sum(decide_sudo(policy, None, op) != sudo for op, sudo in pairs)

    policies: tuple[SudoPolicy, ...] = ("auto", "never", "always")
    return min(policies, key=misses)


# -- writing YAML --------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, multi-line text as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )


def step_map(draft: Draft, sudo: bool | None, output: str | None) -> dict[str, Any]:
    """One step: title, prose, action, the op's fields, sudo, output (in that order)."""
    out: dict[str, Any] = {}
    for key, value in (("title", draft.title), ("prose", draft.prose)):
        if value is not None:
            out[key] = jinja_literal(value)
    out["action"] = draft.op.action
    out.update(op_fields(draft.op))
    if sudo is not None:
        out["sudo"] = sudo
    if author_stops(draft.cmd.text):
        out["stop_after"] = STOP_AFTER
    if output is not None:
        out["output"] = jinja_literal(output)
    return out


#: seconds a command the author stopped with Ctrl-C runs before iplab sends it SIGINT
STOP_AFTER = 3
_FOREVER = frozenset({"tcpdump", "watch", "tshark", "dumpcap"})


def author_stops(line: str) -> bool:
    """A command that runs until its author presses Ctrl-C: ``ping`` without ``-c`` (or a
    ``-w`` deadline), ``tcpdump`` without ``-c``, ``ip monitor``, ``bridge monitor``."""
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    for i, word in enumerate(words):
        rest = words[i + 1 :]
        counted = any(w.startswith(("-c", "-w", "--count")) for w in rest)
        if word in ("ping", "ping6", "arping"):
            return not counted
        if word in _FOREVER:
            return not counted
        if word in ("ip", "bridge") and "monitor" in rest:
            return True
    return False


def group_blocks(drafts: Sequence[Draft], steps: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps, with each shell block's steps gathered under its author's text::

    - title: ...
      script: |
        for ns in red blue; do ip netns add $ns; done
      steps:
        - {action: netns add, name: red}
        - {action: netns add, name: blue}
    """
    out: list[dict[str, Any]] = []
    for draft, step in zip(drafts, steps, strict=True):
        block = draft.block
        if block is None:
            out.append(step)
            continue
        inner = {k: v for k, v in step.items() if k not in ("title", "prose", "output")}
        if draft.index > 0:
            out[-1]["steps"].append(inner)
            continue
        item: dict[str, Any] = {k: step[k] for k in ("title", "prose") if k in step}
        item["script"] = jinja_literal(block.text)
        item["steps"] = [inner]
        out.append(item)
        if block.output:
            text = _output_text(block.output)
            if text is not None:
                item["output"] = jinja_literal(text)
    for item in out:
        if "steps" in item and "output" in item:  # after the steps, as a step's own output
            item["output"] = item.pop("output")
    return out


def _steps_yaml(key: str, steps: Sequence[dict[str, Any]]) -> str:
    parts = [f"{key}:\n"]
    for i, step in enumerate(steps):
        if i and "title" in step:
            parts.append("\n")
        text = dump_yaml([step])
        parts.append(
            "".join(f"  {line}" if line.strip() else line for line in text.splitlines(True))
        )
    return "".join(parts)


def _output_text(output: Sequence[str]) -> str | None:
    lines = list(output)
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines) or None


# -- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """The scenario text and what the import found."""

    yaml: str
    name: str
    #: the command lines, exactly as the scenario renders them (prompts removed)
    lines: tuple[str, ...]
    setup: int
    teardown: int
    typed: int
    raw: int
    sudo: SudoPolicy
    warnings: tuple[str, ...]
    #: steps that change something iplab cannot undo (raw or netns exec without 'undo')
    cannot_undo: tuple[str, ...]
    #: what the model says is impossible (None: the scenario checks out)
    model_error: str | None
    #: variables expanded, with the line that sets each
    variables: tuple[tuple[str, int], ...] = ()
    #: raw commands that say what they create, delete or rename
    raw_effects: int = 0

    @property
    def raw_unknown(self) -> int:
        return self.raw - self.raw_effects

    @property
    def commands(self) -> int:
        """Commands the model sees (a loop counts once per iteration)."""
        return self.typed + self.raw

    def kinds(self) -> str:
        """The line of the summary that counts what the model can follow."""
        return (
            f"commands the model sees: {self.commands} ({self.typed} typed,"
            f" {self.raw_effects} raw with effects, {self.raw_unknown} raw unknown)\n"
        )

    def summary(self, kinds: bool = False) -> str:
        """What the import found; with ``kinds``, the line counting typed / raw with effects /
        raw unknown commands too (printed on stderr, not in the file's trailer)."""
        out = [
            f"imported {len(self.lines)} commands into scenario {self.name!r}:"
            f" {self.setup} setup, {self.teardown} teardown; {self.typed} typed, {self.raw} raw;"
            f" sudo: {self.sudo}"
        ]
        if kinds:
            out.append(self.kinds().rstrip("\n"))
        if self.variables:
            listed = ", ".join(f"${n} (line {line})" for n, line in self.variables)
            out.append(f"expanded shell variables: {listed}")
        if self.warnings:
            out.append(f"warnings ({len(self.warnings)}):")
            out += [f"  {w}" for w in self.warnings]
        if self.cannot_undo:
            out.append(
                f"iplab cannot undo {len(self.cannot_undo)} step(s)"
                " (add 'undo:' to a step, or 'observe: true' if it changes nothing):"
            )
            out += [f"  {c}" for c in self.cannot_undo]
        out.append(f"model: {self.model_error}" if self.model_error else "model: OK")
        return "\n".join(out) + "\n"


def scenario_name(source_name: str) -> str:
    """A scenario name from a file name: [A-Za-z0-9_.-], not starting with '-' or '.'."""
    stem = Path(source_name).stem
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).lstrip("-.")[: names.NETNS_MAX].rstrip("-.")
    return name if name and not names.netns_name_problem(name) else "imported"


def detect_kind(path: str, text: str) -> Kind:
    """Markdown by extension (.md, .markdown) or by a fenced block; else a shell script."""
    suffix = Path(path).suffix.lower()
    if suffix in (".md", ".markdown", ".mdown"):
        return "markdown"
    if suffix in (".sh", ".bash"):
        return "shell"
    return "markdown" if any(FENCE.fullmatch(line) for line in text.splitlines()) else "shell"


def _read(
    text: str, kind: Kind, base: Path | None, keep: bool
) -> tuple[str | None, str | None, Reader, list[Draft]]:
    if kind == "markdown":
        title, reader = read_markdown(text, keep)
        drafts, intro = assemble(reader.events)
        description = "\n\n".join(n.text for n in intro if n.kind != "heading") or None
        return title, description, reader, drafts
    reader = read_shell(text, base, keep)
    title, description, events = _shell_header(reader.events)
    drafts, _ = assemble(events)
    return title, description, reader, drafts


def import_text(
    text: str,
    kind: Kind,
    source_name: str,
    *,
    name: str | None = None,
    base: Path | None = None,
    variables: Variables = "keep",
) -> ImportResult:
    """A scenario (YAML text) from a tutorial page or a shell script, with a summary.

    A line that uses the input's shell variables prints as written and runs as expanded
    (``variables="expand"``: it prints as expanded, the format of iplab 0.1).
    Raises UsageError when the input holds no command, or ``name`` is not a valid name.
    """
    if name is not None and (problem := names.netns_name_problem(name)):
        raise UsageError(f"--name: {problem.replace('namespace name', 'scenario name')}")
    name = name or scenario_name(source_name)
    title, description, reader, drafts = _read(text, kind, base, variables == "keep")
    if not drafts:
        raise UsageError(f"{source_name}: no command found (read as {kind})")
    drafts, probe_warnings = probes_to_exec(drafts)
    cut = split_teardown(drafts)
    policy = choose_sudo((d.op, d.cmd.parsed.sudo) for d in drafts)
    steps = [step_map(d, _sudo_field(policy, d), _output_text(d.cmd.output)) for d in drafts]
    items = group_blocks(drafts, steps)
    cut_item = sum(1 for d in drafts[:cut] if d.index == 0)
    top: dict[str, Any] = {"name": name}
    top.update({k: v for k, v in (("title", title), ("description", description)) if v})
    top.update({"source": source_name, "sudo": policy})
    warnings = tuple(reader.warnings + probe_warnings)
    cannot_undo = tuple(_cannot_undo(drafts, cut))
    body = "".join(
        [
            f"# Imported by `iplab import` from {source_name}; review it, then edit freely.\n",
            dump_yaml(top),
            "\n",
            _steps_yaml("setup", items[:cut_item]),
            "\n" + _steps_yaml("teardown", items[cut_item:]) if cut < len(steps) else "",
        ]
    )
    lines = tuple(printed_lines(drafts))
    scenario = _load_checked(body, f"{name}.yaml", lines)
    result = ImportResult(
        yaml=body,
        name=name,
        lines=lines,
        setup=cut,
        teardown=len(drafts) - cut,
        typed=sum(d.cmd.parsed.typed for d in drafts),
        raw=sum(not d.cmd.parsed.typed for d in drafts),
        raw_effects=sum(not d.cmd.parsed.typed and has_effects(d.op) for d in drafts),
        sudo=policy,
        warnings=warnings,
        cannot_undo=cannot_undo,
        model_error=_model_error(scenario, drafts),
        variables=tuple(sorted(reader.expanded.items(), key=lambda kv: kv[1])),
    )
    trailer = "".join(f"# {line}".rstrip() + "\n" for line in result.summary().splitlines())
    return replace(result, yaml=f"{body}\n# --- import summary ---\n{trailer}")


def _sudo_field(policy: SudoPolicy, draft: Draft) -> bool | None:
    wanted = draft.cmd.parsed.sudo
    return None if decide_sudo(policy, None, draft.op) == wanted else wanted


def printed_lines(drafts: Sequence[Draft]) -> Iterable[str]:
    """What the scenario prints: each command's line, a shell block's text once."""
    for d in drafts:
        if d.block is None:
            yield d.cmd.text
        elif d.index == 0:
            yield d.block.text


def has_effects(op: Op) -> bool:
    """A raw step that says what it creates, deletes or renames (the model can follow it)."""
    return any(getattr(op, key, None) for key in ("creates", "deletes", "renames"))


def _item_paths(drafts: Sequence[Draft], cut: int) -> list[str]:
    """Where each draft's step is in the scenario file: setup[3], teardown[0].steps[2]."""
    out: list[str] = []
    item = -1
    for i, d in enumerate(drafts):
        if i == cut:
            item = -1
        if d.index == 0:
            item += 1
        where = f"{'setup' if i < cut else 'teardown'}[{item}]"
        out.append(f"{where}.steps[{d.index}]" if d.block is not None else where)
    return out


def _cannot_undo(drafts: Sequence[Draft], cut: int) -> Iterable[str]:
    paths = _item_paths(drafts, cut)
    for i, d in enumerate(drafts):
        op = d.op
        undone = isinstance(op, Raw | NetnsExec) and bool(op.creates or op.renames)
        if isinstance(op, Raw | NetnsExec) and op.undo is None and not op.observes and not undone:
            yield f"{paths[i]} (line {d.cmd.line}): {d.cmd.text}"


def _load_checked(text: str, file: str, lines: Sequence[str]) -> Scenario:
    """Load the written scenario and prove it prints the input's lines, one for one."""
    scenario = load_text(text, file)
    rendered = []
    for s in scenario.steps:
        if s.joined:
            continue
        if s.verbatim is not None:
            rendered.append(s.verbatim)
        else:
            rendered.append(renderer().command(s.op, decide_sudo(scenario.sudo, s.sudo, s.op)).text)
    if rendered != list(lines):  # pragma: no cover - each line was proven on its own
        raise AssertionError(f"imported scenario renders {rendered!r}, not {list(lines)!r}")
    return scenario


def _model_error(scenario: Scenario, drafts: Sequence[Draft]) -> str | None:
    """What plan.build (the model, probes, claims) refuses, located in the input."""
    try:
        build(scenario)
    except ScenarioError as exc:
        field_path = exc.loc.field if exc.loc is not None else None
        index = next(
            (
                i
                for i, step in enumerate(scenario.steps)
                if field_path is not None
                and (field_path == step.loc.field or field_path.startswith(f"{step.loc.field}."))
            ),
            None,
        )
        if index is None:
            return exc.message
        draft = drafts[index]
        where = scenario.steps[index].loc.field
        return f"{where} (line {draft.cmd.line}: {draft.cmd.text}): {exc.message}"
    return None
