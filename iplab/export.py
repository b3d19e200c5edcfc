"""Printable forms of a plan: plain lines, a bash script, a Markdown page.

Every format takes the same :class:`~iplab.render.Command` objects and prints
their ``text`` unchanged; only what surrounds the lines differs. A script and a page
also set the input's shell variables a line uses before it (``BR=br0``: the tutorial set
them in lines that are not commands), and a script, which runs without a reader at a
terminal, runs in the background what the tutorial runs in another terminal, stops what
the tutorial stops with Ctrl-C as iplab does (``timeout -s INT``), runs on past a pause for
the reader's Enter, and runs the commands of a block typed at a shell an earlier line
opened; a setup printed alone leaves the lab up, as ``iplab up`` does, though the tutorial
set a trap on EXIT. No clock, no host
name: the same scenario always exports to the same bytes.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence
from pathlib import Path

from iplab import __version__, jobs
from iplab.options import EXPORT_FORMATS
from iplab.plan import Plan, PlannedCommand
from iplab.render import Command
from iplab.steps import ShellValue, Step
from iplab.words import shell_tokens

FORMATS = EXPORT_FORMATS


def _parts(plan: Plan, which: str) -> list[tuple[str, Sequence[PlannedCommand]]]:
    parts = [("setup", plan.setup), ("teardown", plan.teardown)]
    return [(name, cmds) for name, cmds in parts if which in ("all", name) and cmds]


_ALIAS = re.compile(r"alias [A-Za-z_]\w*=")


def printed(command: Command) -> str | None:
    """What a command prints as: its text; the author's text for the first step of a shell
    block (a loop, a ``bash -c`` line); nothing for the block's other steps."""
    step = command.step
    if step is not None and step.joined:
        return None
    if step is not None and step.verbatim is not None:
        return step.verbatim or None  # "": no line of its own (a trap's handler at the end)
    return command.text


def text(plan: Plan, which: str = "all") -> str:
    lines = [printed(pc.command) for _, cmds in _parts(plan, which) for pc in cmds]
    return "".join(f"{line}\n" for line in lines if line is not None)


def _comment(text: str) -> list[str]:
    return [f"# {line}".rstrip() for line in text.strip().splitlines()]


#: a background job of the tutorial, as the importer writes the value of ``$!``
_JOB = re.compile(r"%[0-9]+")


def _assignments(step: Step | None, assigned: dict[str, ShellValue]) -> list[str]:
    """The lines that set the input's variables a block's text uses, where the script so far
    has not set them to those values (``BR=br0``, ``IP=([a]=10.0.0.1)``)."""
    out = []
    for name, value in step.variables if step is not None else ():
        if assigned.get(name) == value:
            continue
        assigned[name] = value
        if isinstance(value, str) and _JOB.fullmatch(value):
            # PID=$!: the importer's job spec (%1, which kill and iplab read); a pid for
            # nsenter -t and ip link set ... netns (PID=%1 failed: "failed to parse pid")
            out.append(f"{name}=$(jobs -p {value})")
            continue
        if isinstance(value, str):
            out.append(f"{name}={shlex.quote(value)}")
            continue
        elements = " ".join(f"[{shlex.quote(k)}]={shlex.quote(v)}" for k, v in value)
        keyed = not all(k.isdigit() for k, _ in value)
        out.append(
            f"unset {name}; declare -A {name}=({elements})" if keyed else f"{name}=({elements})"
        )
    return out


def _script_lines(
    cmds: Sequence[PlannedCommand], assigned: dict[str, ShellValue]
) -> Iterator[list[str]]:
    """Each command's lines in a bash script that runs what iplab runs: a block's text after
    the variables it uses; a block whose text does not run by itself (typed at the shell an
    earlier line opened, half of a ``case``), or would not end by itself (a loop that pings
    until the reader's Ctrl-C), as a comment, then the commands it runs; a server the
    tutorial runs in another terminal, in the background."""
    shown = True  # the block being printed shows its text (False: its commands)
    for i, pc in enumerate(cmds):
        command, step = pc.command, pc.command.step
        if step is not None and step.verbatim == "":  # no text: its commands
            shown = False
            yield _own_lines(pc)
        elif step is not None and step.verbatim is not None:
            endless = _waits_for_the_reader(cmds, i)
            shown = step.standalone and not endless
            if shown:
                text = _pauses_in(step.verbatim) + _waited(command) + _paused(command)
                yield [*_assignments(step, assigned), text + _tolerated(command, text)]
                continue
            said = (
                "as the tutorial writes it (it would not end without a Ctrl-C):"
                if endless and step.standalone
                else "as the tutorial writes it (it does not run by itself in a script):"
            )
            yield [*_comment(f"{said}\n{step.verbatim}"), *_own_lines(pc)]
        elif step is not None and step.joined:
            yield [] if shown else _own_lines(pc)
        else:
            yield _own_lines(pc)


def _own_lines(pc: PlannedCommand) -> list[str]:
    """One command's lines as iplab runs it: a server the tutorial runs in another terminal
    in the background, a reader it stops with Ctrl-C stopped as iplab stops it."""
    command, step = pc.command, pc.command.step
    if step is not None and step.background:
        started = f"{command.text} &  # the tutorial runs it in another terminal"
        if jobs.never_listens(command.text):  # (ping, watch: iplab goes on at once)
            return [started]
        return [started, "sleep 1  # while it starts (iplab waits until it listens)"]
    if step is not None and step.stop_after is not None:
        seconds = f"{step.stop_after:g}"
        return [
            # (CMD's own status: 130 when the SIGINT ended it; 1 from a ping nobody
            # answered, a failure in iplab's run too. Without --preserve-status, timeout
            # says 124 whatever CMD said, and the script went on where iplab stopped)
            # (one the scenario lets fail goes on whatever it says, as iplab's run does)
            f"timeout --preserve-status -s INT {seconds} {command.text} || "
            + ("true" if step.may_fail else "[ $? -eq 130 ]")
            + f"  # the tutorial stops it with Ctrl-C; iplab, after {seconds} s"
        ]
    return [command.text + _waited(command) + _tolerated(command, command.text)]


def _tolerated(command: Command, text: str) -> str:
    """`` || true`` after a line the scenario lets fail (``may_fail``, a value read at run
    time), where the text does not say so itself: under ``set -e`` the script would end
    there; iplab's run says the failure and goes on."""
    step = command.step
    if step is None or not step.may_fail or "\n" in text or "||" in text or _waited(command):
        return ""
    return " || true  # the scenario lets it fail"


#: a line that is one ``read`` and nothing else (no redirection: it reads the script's input)
_READ = re.compile(r"read(?:\s[^;&|<>()`]*)?")


def _paused(command: Command) -> str:
    """A pause for the reader (``read -p "Press enter to clean up"``), which iplab runs as
    ``true``: it runs on without waiting. Under ``set -e`` bash stopped there when the input
    had ended (``</dev/null``: read says 1; and the page's trap then undid the lab), and a
    script piped to bash read its own next line as the reader's answer."""
    step = command.step
    if step is None or command.text != "true" or not _READ.fullmatch(step.verbatim or ""):
        return ""
    return _RUNS_ON


#: what a pause for the reader is printed with: it runs on, as iplab runs it
_RUNS_ON = " </dev/null || true  # the tutorial waits for Enter here; iplab runs on"

#: the shell's operators, as a word of their own (a quoted ``";"`` is a word of a read's)
_OPERATOR = re.compile(r"[;&|<>()]+|[0-9]*[<>]&?[0-9-]*")


def _pauses_in(text: str) -> str:
    """A block's text (a function's body: ``pause() {``, ``read -p "press Enter"``, ``}``)
    with each of its lines that is one ``read`` and nothing else printed as iplab runs it,
    as :func:`_paused` prints such a line alone (hunt BS #7: ``make_pair left right``,
    printed as written without --prefix, ran the body's read, and the script stopped there
    under ``set -e`` when its input had ended)."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    for k, line in enumerate(lines):
        words = shell_tokens(line.strip(), posix=False)
        if words and words[0] == "read" and not any(_OPERATOR.fullmatch(w) for w in words):
            lines[k] = line + _RUNS_ON
    return "\n".join(lines)


def _sets_an_exit_trap(line: str) -> bool:
    """``trap cleanup EXIT`` (``trap 'ip netns del a' 0 INT``): bash runs it at the end."""
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    signals = {w.upper().removeprefix("SIG") for w in words[2:]}
    return words[:1] == ["trap"] and words[1:2] != ["-"] and bool(signals & {"EXIT", "0"})


def _disarmed(cmds: Sequence[PlannedCommand]) -> list[str]:
    """The end of a setup printed alone that set a trap on EXIT: ``iplab up`` leaves the lab
    up (the trap's handler is the teardown, which ``iplab down`` undoes), where bash ran the
    handler as the setup script ended and left nothing. It still runs when a line fails
    before, as ``iplab up`` rolls back."""
    lines = [line.strip() for pc in cmds for line in (printed(pc.command) or "").splitlines()]
    if not any(_sets_an_exit_trap(line) for line in lines):  # (in a function's body too)
        return []
    return ["trap - EXIT  # the lab stays up, as after iplab up; the teardown runs the handler"]


def _waits_for_the_reader(cmds: Sequence[PlannedCommand], first: int) -> bool:
    """The block starting at ``cmds[first]`` runs a command its text would leave running
    until the reader stops it or opens another terminal (``ping`` without ``-c`` in a loop):
    iplab stops it, a script running the text as written would not end."""
    for i in range(first, len(cmds)):
        step = cmds[i].command.step
        if step is None or (i > first and not step.joined):
            break
        if step.stop_after is not None or step.background:
            return True
    return False


def _waited(command: Command) -> str:
    """``wait %1`` ends with the status of the job it waited for, a signal's when the
    tutorial stopped it (143): under ``set -e`` the script would end there; iplab's run
    goes on once the job has ended."""
    asked = jobs.request(command.body)
    waits = asked is not None and asked.program == "wait"
    return " || true" if waits and not command.text.endswith("|| true") else ""


def script(plan: Plan, which: str = "all") -> str:
    s = plan.scenario
    out = ["#!/usr/bin/env bash"]
    out += _comment(s.title or s.name)
    out.append(f"# scenario: {s.name} ({Path(s.path).name})")
    out.append(f"# scenario sha256: {s.sha256}")
    if s.source:  # (a lab of two files, setup and cleanup: both)
        out.append(f"# source: {', '.join(s.sources or (s.source,))}")
    if plan.prefix:
        out.append(f"# prefix: {plan.prefix}")
    out.append(f"# generated by iplab {__version__}; part: {which}")
    # the first failure ends it, as it ends iplab's run; an unset variable is empty, as in
    # the author's shell (no -u: MACS="$MACS $(...)" builds a list from nothing)
    out.append("set -eo pipefail")
    if any(_ALIAS.match(printed(pc.command) or "") for _, c in _parts(plan, which) for pc in c):
        out.append("shopt -s expand_aliases  # (the tutorial's aliases, as at its prompt)")
    assigned: dict[str, ShellValue] = {}
    for name, cmds in _parts(plan, which):
        out += ["", f"# --- {name} ---"]
        for pc, lines in zip(cmds, _script_lines(cmds, assigned), strict=True):
            step = pc.command.step
            if step is not None and step.title:
                out.append("")
                out += _comment(step.title)
            out += lines
        if which == "setup":
            out += _disarmed(cmds)
    return "\n".join(out) + "\n"


def _flush(block: list[Command], out: list[str], assigned: dict[str, ShellValue]) -> None:
    """Close a fenced block of commands, with the output the tutorial printed under it."""
    if not block:
        return
    lines = [
        line
        for command in block
        if (text := printed(command)) is not None
        for line in [*_assignments(command.step, assigned), text]
    ]
    if lines:  # (a trap's handler at the end has no line of its own)
        out.extend(["```bash", *lines, "```", ""])
    last = block[-1].step
    if last is not None and last.output:
        out.extend(["```text", last.output.rstrip("\n"), "```", ""])
    block.clear()


def markdown(plan: Plan, which: str = "all") -> str:
    s = plan.scenario
    out = [f"# {s.title or s.name}", ""]
    if s.description:
        out += [s.description.strip(), ""]
    if s.source:
        out += [f"Source: {', '.join(f'<{f}>' for f in s.sources or (s.source,))}", ""]
    out += [f"Scenario `{s.name}` (`{Path(s.path).name}`), rendered by iplab {__version__}.", ""]
    assigned: dict[str, ShellValue] = {}
    for name, cmds in _parts(plan, which):
        out += [f"## {name.capitalize()}", ""]
        block: list[Command] = []
        for pc in cmds:
            step = pc.command.step
            if step is not None and (step.title or step.prose):
                _flush(block, out, assigned)
                if step.title:
                    out += [f"### {step.title}", ""]
                if step.prose:
                    out += [step.prose.strip(), ""]
            block.append(pc.command)
            if step is not None and step.output:
                _flush(block, out, assigned)
        _flush(block, out, assigned)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def export(plan: Plan, fmt: str, which: str = "all") -> str:
    return {"text": text, "script": script, "markdown": markdown}[fmt](plan, which)
