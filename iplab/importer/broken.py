"""A command broken over two lines without its ``\\``: the second line read as a command.

An author breaks a long ``ip`` line where the page's width says, and leaves out the
backslash (``sudo ip link add veth1 netns ns1 type veth`` then ``  peer name veth2 netns
ns2``): bash runs the first as a whole command and the second as one of its own, whose
program (``peer``) no host has. iplab said only "this host does not have peer" (hunt CB
#3). The second line is said to be the rest of the first when its first word is no
program this host has and the two read together as one line ip takes.

Hunt DH #2: a space lost when copying from a page (``iplink add veth0 type veth peer name
veth1``) made a raw step import said nothing of, which fails at run ("iplink: command not
found"). :func:`glued_programs` names the line and what it likely means (``ip link add
...``); the step stays as the page writes it (render prints it byte for byte).

Hunt EE #4: ``ip link set veth1`` with nothing after it (a page's line cut short, hunt DX's
dx02) was a raw step "iplab cannot undo"; ip 6.1 changes nothing with it (it exits 0, or
fails when the device does not exist). :func:`settings_cut` says so; the step reads.
"""

from __future__ import annotations

import itertools
import re
import shutil
from collections.abc import Sequence

from iplab import ipgrammar
from iplab.importer.assembly import Draft
from iplab.programs import glued, programs
from iplab.steps import Raw
from iplab.words import sets_nothing, shell_tokens, strip_sudo, unsudoed
from iplab.wrappers import past_how_it_runs, program_name

#: the programs whose lines an author breaks this way
_TOOLS = frozenset({"ip", "bridge"})
#: the words an ip route line reads after its destination
_ROUTE_WORDS = frozenset({"via", "dev", "src", "proto", "metric", "table", "scope", "onlink"})


def broken_lines(drafts: Sequence[Draft]) -> list[str]:
    """One warning for each command that looks like the rest of the line above it."""
    warnings: list[str] = []
    for d in drafts:  # (an indented rest after an ip line: read as the line's output)
        rest = d.cmd.output[0].strip() if d.cmd.output else ""
        words = shell_tokens(rest) or []
        if not words or words[0] not in ipgrammar.LINK_WORDS | _ROUTE_WORDS:
            continue
        joined = f"{d.cmd.text} {rest}"
        if ipgrammar.read(joined) is not None and ipgrammar.read(d.cmd.text) is None:
            warnings.append(
                f"line {d.cmd.line + 1}: {rest!r} looks like the rest of line {d.cmd.line}"
                f" ({d.cmd.text!r}), broken without a '\\' at its end: read as what it"
                f" printed, and bash runs line {d.cmd.line} without it; end line"
                f" {d.cmd.line} with ' \\' to make them one command"
            )
    for before, d in itertools.pairwise(drafts):
        if not isinstance(d.op, Raw) or d.cmd.line != before.cmd.line + 1:
            continue
        words = shell_tokens(d.cmd.text) or []
        # (sudo X: X's line, whether or not this host has sudo: hunt DF, a root
        # 'sudo sysctl ...' after 'sudo ip netns exec sw sysctl ...' was said to be its rest)
        own = unsudoed(words)
        if not own or shutil.which(own[0]) is not None:
            continue
        head = shell_tokens(before.cmd.text) or []
        tool = past_how_it_runs(list(strip_sudo(tuple(head))))[:1]
        if not tool or program_name(tool[0]) not in _TOOLS:
            continue
        joined = f"{before.cmd.text} {d.cmd.text.strip()}"
        if ipgrammar.read(joined) is None and ipgrammar.refusal(joined) is not None:
            continue
        if ipgrammar.read(joined) is None and words[0] not in ipgrammar.LINK_WORDS | _ROUTE_WORDS:
            continue
        warnings.append(
            f"line {d.cmd.line}: {d.cmd.text.strip()!r} looks like the rest of line"
            f" {before.cmd.line} ({before.cmd.text!r}), broken without a '\\' at its end:"
            f" bash runs it as a command of its own, {words[0]!r}, which this host does not"
            f" have; end line {before.cmd.line} with ' \\' to make them one command"
        )
    return warnings


def glued_programs(drafts: Sequence[Draft]) -> list[str]:
    """One warning for each line that starts a program whose name is a tool glued to its
    object (``iplink``, ``sudo ipnetns``, ``ip netns exec red iplink``) that this host does
    not have: the line, and the line it likely means."""
    warnings: list[str] = []
    for d in drafts:
        for program in dict.fromkeys(programs(d.cmd.text)):
            meant = glued(program)
            if meant is None or shutil.which(program) is not None:
                continue
            fixed = re.sub(rf"(?<![^\s;&|(]){re.escape(program)}(?!\S)", meant, d.cmd.text, count=1)
            warnings.append(
                f"line {d.cmd.line}: {d.cmd.text!r} runs {program!r}, which this host does not"
                f" have: {meant!r} with its space lost? bash fails at this line, and iplab runs"
                f" it as the page writes it; write {fixed!r} to run what the page likely means"
            )
    return warnings


def settings_cut(drafts: Sequence[Draft]) -> list[str]:
    """One warning for each ``ip link set DEV`` that sets nothing (see the module)."""
    warnings: list[str] = []
    for d in drafts:
        dev = sets_nothing(d.cmd.text.strip()) if isinstance(d.op, Raw) else None
        if dev is not None:
            warnings.append(
                f"line {d.cmd.line}: {d.cmd.text.strip()!r} sets nothing after the device"
                f" (the line may be cut short): ip changes nothing with it, and fails only"
                f" when {dev} does not exist; kept as a step that reads"
            )
    return warnings
