"""Feeding runs of ``ip`` commands to one ``ip -batch -`` process (pure functions).

A tutorial's lines stay exactly as written (in the printed script, the
journal and the audit log); only the way they reach the kernel changes. A
line can join a batch when it is an ``ip`` command that changes state:
``ip link set X up`` is fed as ``link set X up``, ``ip netns exec NS ip ...``
as ``netns exec NS ip ...``, and ``ip -n NS link ...`` (which ``ip -batch``
refuses on a line) as ``netns exec NS ip link ...``, the same change made
from inside the namespace.

Observation steps, steps with claims (they end a batch), raw steps, probes
and anything with options ``ip -batch`` cannot take split the batches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from iplab.steps import NetnsExec, Probe, Raw

if TYPE_CHECKING:
    from iplab.plan import PlannedCommand
    from iplab.render import Command

_FAILED = re.compile(r"Command failed (?:-|\S+):(\d+)")
_UNSAFE = re.compile(r"[\s\"'\\#]")


def batch_line(command: Command) -> str | None:
    """The line ``ip -batch -`` takes for this command, or None when it cannot join a batch."""
    if command.observe or isinstance(command.op, Raw | NetnsExec | Probe):
        return None
    if command.step is not None and (
        command.step.timeout or command.step.stop_after or command.step.may_fail
    ):
        return None  # a limit of its own, a failure allowed: a process of its own
    return argv_line(command.argv)


def argv_line(argv: Sequence[str]) -> str | None:
    """``ip`` argv -> an ``ip -batch`` line, or None when ``ip -batch`` cannot take it."""
    if argv[:1] not in (["ip"], ("ip",)) or len(argv) < 3 or "" in argv:
        return None  # (an empty word, alias "", would be lost between the words of the line)
    if _UNSAFE.search("\0".join(argv)):  # (one search of the words, NUL between them)
        return None
    words = list(argv[1:])
    if words[0] == "-n" and len(words) > 2:
        words = ["netns", "exec", words[1], "ip", *words[2:]]
    if words[0].startswith("-"):
        return None
    if words[:2] == ["netns", "exec"] and words[3:4] != ["ip"]:
        return None  # inside netns exec, only ip (any other program is a raw step's business)
    return " ".join(words)


def holds_fd(line: str) -> bool:
    """Whether ``ip -batch`` keeps a file descriptor open after this line, to its end:
    iproute2 (6.1) opens the namespace a ``netns NAME`` argument names (``link add ...
    peer name e0 netns box1``, ``link set v netns box1``) and never closes it, one a
    line. A ``netns exec`` line runs in a child of its own (what it opens goes with it)."""
    words = line.split()
    return words[:1] != ["netns"] and "netns" in words[1:]


#: the descriptors an ``ip -batch`` needs besides those it keeps (its standard streams,
#: its input, netlink sockets, a namespace a line enters for a moment), and a margin
FD_BASE = 16


def fd_budget() -> int | None:
    """How many lines that keep a descriptor (:func:`holds_fd`) one ``ip -batch`` may take
    under the open-files limit (``ulimit -n``) that it inherits; None: no limit."""
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return None
    return max(1, soft - FD_BASE)


def segments(
    commands: Sequence[PlannedCommand], enabled: bool, fds: int | None = None
) -> list[list[PlannedCommand]]:
    """Consecutive batchable commands grouped; every other command alone. A command the
    run waits before (``waits_for``) starts a group; so does one that would make the group
    keep more than ``fds`` descriptors open (hunt U: under ``ulimit -n 20`` the batch of a
    30-namespace lab failed, "Cannot open netlink socket: Too many open files")."""
    out: list[list[PlannedCommand]] = []
    current: list[PlannedCommand] = []
    held = 0
    for pc in commands:
        line = batch_line(pc.command) if enabled else None
        keeps = line is not None and holds_fd(line)
        if current and (pc.waits_for or (keeps and fds is not None and held >= fds)):
            out.append(current)  # the run waits before it (see plan.Reborn), or fds run out
            current = []
        if not current:
            held = 0
        if line is None:
            if current:
                out.append(current)
                current = []
            out.append([pc])
            continue
        current.append(pc)
        held += keeps
        if pc.command.step is not None and pc.command.step.expect:
            out.append(current)  # claims are checked right after their step
            current = []
    if current:
        out.append(current)
    return out


def failed_lines(stderr: str) -> list[int]:
    """The 1-based lines ``ip -batch`` names as failed ("Command failed -:3"), in order."""
    return [int(n) for n in _FAILED.findall(stderr)]


#: what an ip older than batch mode says of ``-batch`` (or of ``-force``, which came with it)
_NO_BATCH = re.compile(r'Option "-(?:batch|force)" is unknown')


def no_batch_mode(stderr: str) -> bool:
    """This ip has no batch mode: it refused ``-batch`` itself, no line ran (hunt AJ)."""
    return _NO_BATCH.search(stderr) is not None
