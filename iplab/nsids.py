"""Namespace ids a lab fixes (``ip netns set vpn 12``, ``0x0c``, in any simple command of
a line: hunt Y #6): the kernel refuses an id this
host's root namespace uses already ("Error: The specified nsid is already used."), so the
run refuses it before anything runs, as it refuses a name the host has (hunt T: the run
failed halfway at that step, and rolled back).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from iplab.model import ModelError
from iplab.words import simple_commands, unsudoed

if TYPE_CHECKING:
    from iplab.iproute import Shell
    from iplab.render import Command

#: what reads the ids of the root namespace's peers
LIST_IDS = ("ip", "-j", "netns", "list-id")


def fixed(commands: Iterable[Command]) -> list[tuple[Command, int]]:
    """The commands that give a namespace a fixed id in the root namespace, with the id
    (``ip netns set NAME 12``; ``auto`` and an id set inside a namespace are none)."""
    out: list[tuple[Command, int]] = []
    for command in commands:
        if "netns" not in command.body or "set" not in command.body:
            continue  # (#14: reading every line's words cost 60 ms of star-500's up)
        for words in simple_commands(command.body) or []:  # (hunt Y #6: ... && echo ok)
            argv = unsudoed(words)
            nsid = (
                _number(argv[4]) if argv[:3] == ["ip", "netns", "set"] and len(argv) == 5 else None
            )
            if nsid is not None:
                out.append((command, nsid))
    return out


def _number(word: str) -> int | None:
    """An id as ip reads it (strtoul, base 0: ``12``, hex ``0x0c``, octal ``014``); None:
    no number (``auto``)."""
    for pattern, base in ((r"0[xX][0-9a-fA-F]+", 16), (r"0[0-7]*", 8), (r"[1-9][0-9]*", 10)):
        if re.fullmatch(pattern, word):
            return int(word, base)
    return None


def taken(shell: Shell) -> dict[int, str]:
    """The ids the host's root namespace uses, each with its namespace's name ("" when it
    has none); {} when ``ip`` cannot say (an older iproute2: the run finds out)."""
    rc, out, _ = shell.query(list(LIST_IDS), True, "read the namespace ids in use")
    try:
        listed = json.loads(out) if rc == 0 and out.strip() else []
    except ValueError:
        return {}
    return {
        int(entry["nsid"]): str(entry.get("name", ""))
        for entry in listed
        if isinstance(entry, dict) and isinstance(entry.get("nsid"), int)
    }


def refuse_taken(commands: Iterable[Command], shell: Shell) -> None:
    """Refuse a lab that fixes an id the host uses already (the host is read only when a
    step fixes one)."""
    wanted = fixed(commands)
    if not wanted:
        return
    used = taken(shell)
    for command, nsid in wanted:
        if nsid in used:
            holder = f"namespace {used[nsid]}" if used[nsid] else "a namespace with no name"
            raise ModelError(
                f"`{command.text}` would fail: nsid {nsid} is already used on this host"
                f" (by {holder}; `ip netns list-id`)",
                command.step.loc if command.step is not None else None,
                "choose an id the host does not use, or leave the id to the kernel"
                " (`ip netns set NAME auto`)",
            )
