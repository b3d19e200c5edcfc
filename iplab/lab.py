"""Bring labs up and down: run a plan with the journal, check claims, roll back.

``up`` runs the setup; ``run`` runs the setup, the scenario's own teardown,
and checks that nothing of the lab remains; ``down`` undoes a lab from its
journal alone. Whenever something fails (a command, an interrupt), what this
run did is undone from the journal before iplab exits.

By default runs of consecutive ``ip`` commands go to one ``ip -batch -``
process (see :mod:`iplab.batch`): their intents are written ahead in one
durable write, their outcomes after, and each line is audited on its own.
``per_command`` runs one process per line instead.

Why this module is long: the session of a run is one state machine: journal intents,
batches, claims and probes, rollback on a failure or a signal.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shlex
import shutil
import signal
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iplab import (
    claims,
    dad,
    forwarding,
    hostfiles,
    hostnamed,
    hostowned,
    hostsubnets,
    ipgrammar,
    ipkind,
    iproute,
    jobs,
    kernelconfig,
    nsids,
    programs,
    sentinel,
    statedir,
    streams,
    tcwords,
    undo,
    verify,
    wrappers,
    xtables,
)
from iplab.ahead import Ahead
from iplab.batch import batch_line, fd_budget, no_batch_mode, segments
from iplab.context import Env, Line, batch_limit, make_env, run_batch, run_shell_steps
from iplab.errors import (
    InternalError,
    Interrupted,
    IplabError,
    LockedError,
    OutOfMemory,
    UsageError,
    lab_stays,
    no_room,
    out_of_memory,
    state_write_error,
)
from iplab.interrupts import Signals, fault, faults
from iplab.inverse import (
    Guard,
    Undo,
    chain_policy,
    file_writes_of,
    policy_inverse,
    policy_write_of,
    sysctl_loads_of,
    sysctl_writes_of,
)
from iplab.ipwords import adds_names
from iplab.journal import (
    Entry,
    Journal,
    LabInfo,
    Status,
    UndoRecord,
    lab_dir,
    lab_info,
    labs,
    no_such_lab,
    open_lab,
)
from iplab.model import ModelError, effects_of
from iplab.names import NETNS_DIR, ROOT
from iplab.peers import RootPart
from iplab.plurals import counted, plural
from iplab.records import mutable
from iplab.render import every_netns_script, prelude, reported, shown, template_hashes
from iplab.runner import (
    Limits,
    Result,
    boot_ticks,
    listening,
    process_name,
    processes_in,
    running,
    session_members,
    signal_process,
    subscribed,
    wait_gone,
    wait_listening,
    wait_unshared,
)
from iplab.state import State, created_names, created_objects
from iplab.steps import (
    LinkAdd,
    LinkSet,
    NetnsAdd,
    NetnsDel,
    NetnsDelAll,
    NetnsExec,
    NetnsExecAll,
    NothingLeft,
    Op,
    Probe,
    Raw,
)
from iplab.streams import Output, OutputLost
from iplab.sysctl import sysctl_file_settings, sysctl_path, sysctl_undo
from iplab.words import (
    JOINS,
    background_job,
    shell_tokens,
    simple_commands,
    sleeps_for,
    strip_sudo,
)
from iplab.wrappers import program_name, unwrapped

if TYPE_CHECKING:  # planning is not needed to take a lab down: keep `iplab down` quick
    from iplab import extras as extras_module
    from iplab.plan import Plan, PlannedCommand
    from iplab.render import Command

__all__ = ["Env", "down", "lab_info", "list_labs", "make_env", "run_all", "up"]


@mutable
class Options:
    verify: bool = True
    preflight: bool = True
    batch: bool = True
    #: undo by replaying every inverse (slow, faithful) instead of only the destructive ones
    exact_undo: bool = False


@mutable
class Tally:
    commands: int = 0
    claims_failed: int = 0
    claims: int = 0
    changes: int = 0


class StepFailed(IplabError):
    exit_code = 1

    def __init__(
        self,
        command: Command,
        result: Result,
        batched: bool = False,
        unnamed: Sequence[Command] | None = None,
    ) -> None:
        """``unnamed``: the lines fed to an ``ip -batch`` that failed without naming which
        of them (``command`` is then the first)."""
        detail = (result.stderr.strip() or result.stdout.strip() or "(no output)").splitlines()
        where = f"{command.step.loc}: " if command.step else ""
        if batched and no_batch_mode(result.stderr):
            super().__init__(*_no_batch(where, detail))
            self.command, self.result = command, result
            return
        if (batched or command.argv[:1] == ("ip",)) and ipkind.multicall_said(
            result.stderr
        ):  # (hunt EK: twenty lines of busybox's usage were all a lab's first step said)
            super().__init__(
                f"{where}command failed (exit {result.rc}): {command.text}\n  {detail[0]}",
                hint=ipkind.said_of_failure(result.stderr),
            )
            self.command, self.result = command, result
            return
        if batched and unnamed is not None:
            super().__init__(*_unnamed_line(where, detail, unnamed))
            self.command, self.result = command, result
            return
        how = "in ip -batch" if batched else f"exit {result.rc}"
        if result.stopped:
            how = f"{'ip -batch ' if batched else ''}{result.stopped}"
        hint = xtables.said_of_failure(result.stderr)  # (hunt EK: legacy on an nft kernel)
        if batched and "Too many open files" in result.stderr:  # (hunt U: ulimit -n 20)
            hint = (
                "ip -batch ran out of file descriptors: raise the open-files limit (`ulimit"
                " -n`) or run with --per-command"
            )
        super().__init__(
            f"{where}command failed ({how}): {command.text}\n"
            + "\n".join(f"  {line}" for line in detail if "Command failed -:" not in line),
            hint=hint,
        )
        self.command = command
        self.result = result


#: iproute2's words for a word of a line it refuses (``invarg``): ip then exits at once,
#: and an ``ip -batch`` names no line ("Command failed -:N" is never printed)
_INVALID_ARG = re.compile(r'argument "([^"]+)" is wrong: Device does not exist')


def _unnamed_line(
    where: str, detail: list[str], fed: Sequence[Command]
) -> tuple[str, None, str | None]:
    """The error of an ``ip -batch`` that ended on a line it did not name (hunt EQ: the
    lab's bridge, renamed in another shell while the batch ran, made ``master b0`` a
    wrong argument; the run said the batch's first line, ``ip link add b0 ...``, had
    failed). The link ip names, when an earlier line of the batch made it, is said gone
    by someone else's hand: renamed, it is still on the host under its new name."""
    text = (
        f"{where}ip -batch failed on one of its {len(fed)} lines without naming which"
        " (the lines before it ran)\n" + "\n".join(f"  {line}" for line in detail)
    )
    wrong = _INVALID_ARG.search("\n".join(detail))
    made = {
        name for command in fed for ns, name in created_objects([command.op], auto=False)[1]
        if ns == ROOT
    }  # fmt: skip
    if wrong is None or wrong.group(1) not in made:
        return text, None, None
    name = wrong.group(1)
    return (
        f"{text}\n  link {name}, which the lab made, is gone under that name: something else"
        " deleted or renamed it while the lab came up",
        None,
        f"renamed, it is no longer known as the lab's and stays: `ip -br link` shows it under"
        f" its new name (delete it by hand if it is the lab's {name})",
    )


def _root_links_made(entries: Sequence[Entry]) -> dict[str, str]:
    """The root links (name -> kind) these ``ip link add`` commands, which worked, made."""
    out: dict[str, str] = {}
    for entry in entries:
        op = entry.op
        if not isinstance(op, LinkAdd) or op.in_ns() is not None:
            continue
        if op.name is not None and op.netns is None:
            out[op.name] = op.type
        if op.type == "veth" and op.peer is not None and op.peer_netns is None:
            out[op.peer] = "veth"
    return out


def _no_batch(where: str, detail: list[str]) -> tuple[str, None, str]:
    """The error of an ip without batch mode (hunt AJ: ip's own "Option "-batch" is
    unknown" was all the run said): what it is, and the way round it."""
    ip = shutil.which("ip") or "ip"
    return (
        f"{where}{ip} has no batch mode (an old iproute2): `ip -batch` is refused\n"
        + "\n".join(f"  {line}" for line in detail),
        None,
        "run again with --per-command: one ip process per line, which any ip takes",
    )


@mutable
class _Creator:
    """A step that created host files (see :attr:`Session._lab_files`)."""

    back: str
    sysctls: str | None
    sudo: bool
    at: int
    whole: list[str]
    #: each file's part of :attr:`back` (:func:`iplab.hostfiles.file_undos`)
    parts: list[tuple[str, str]]


class HostChanged(IplabError):
    """A step iplab cannot read changed the host's own links, routes or rules."""


def _unreadable(command: Command) -> bool:
    """A step whose effects iplab cannot know, run in the root namespace, that changes
    something and declares no undo of its own: the host is read around it."""
    op = command.op
    return isinstance(op, Raw) and not op.observes and op.undo is None and not command.observe


#: the variables by which a step's shell finds (or starts with) other programs
_FINDS_PROGRAMS = frozenset({"PATH", "BASH_ENV", "ENV", "IFS"})


def _named_namespaces() -> frozenset[str]:
    """The names in /run/netns now (none when it cannot be listed)."""
    try:
        return frozenset(os.listdir(NETNS_DIR))
    except OSError:
        return frozenset()


def limits_of(command: Command, default: float | None) -> Limits:
    """A command's time limits: its step's own, else ``default`` (an ``ip -batch`` fed on
    stdin, as ``ip -all netns delete`` runs, gets half a second more a line; a ``sleep N``
    N seconds more)."""
    if command.stdin is not None:
        default = batch_limit(default, command.stdin.count("\n"))
    if default and (slept := sleeps_for(command.body)):
        default += slept  # (hunt B: sleep 40, "wait for OSPF to converge", killed at 30 s)
    step = command.step
    if step is None:
        return Limits(default)
    timeout = step.timeout if step.timeout is not None else None if step.stop_after else default
    return Limits(timeout, step.stop_after)


#: the ops that may make a namespace or a root link (created_objects reads them)
_MAKERS = (NetnsAdd, LinkAdd, LinkSet, Raw, NetnsExec)


def _there_already(op: Op, made: Collection[str]) -> list[str]:
    """What ``op`` makes (namespaces, root links, named by its words) that is there right
    before it runs: when each is, the step makes none of it, whatever it exits with
    (``ovs-vsctl --may-exist add-br br0`` exits 0, ``brctl addbr br0`` and ``ip tuntap add``
    exit 1 with words of their own): the journal says "exists", as of ``ip link add``'s
    "File exists", and its undo never deletes what someone else made after the preflight
    (hunt EJ #4: the rollback after brctl's refusal ran ``ip link del br0``, and ``down``
    of the --may-exist form ``ovs-vsctl --if-exists del-br br0``). Something the lab's
    own steps made before (``made``: "netns NAME", "link NAME") is theirs; a step that
    makes something new too is judged by its exit status alone."""
    netns, links = created_objects([op], auto=False)
    wanted = [("netns", n) for n in sorted(netns)]
    wanted += [("link", name) for ns, name in sorted(links) if ns == ROOT]
    if not wanted or any(f"{kind} {name}" in made for kind, name in wanted):
        return []
    found = []
    for kind, name in wanted:
        try:
            there = undo.present(kind, name)
        except OSError:  # (the host cannot say: judged by the exit status, as before)
            return []
        if not there:
            return []
        found.append(f"{'namespace' if kind == 'netns' else 'link'} {name}")
    return found


def outcome(rc: int, stderr: str) -> Status:
    """What the journal says of a command that ran: done; refused because its name
    existed (someone else's, never undone); or failed (maybe done all the same: an ``ip``
    may change the host and exit 1, so undo checks the live state)."""
    if rc == 0:
        return "done"
    if "File exists" in stderr and not stderr.count("Command failed") > 1:
        return "exists"
    return "failed"


#: how long a server the tutorial runs "in another terminal" is given to listen before the
#: next step (the reader's other terminal) runs
SERVER_WAIT = 5.0
#: how long a ``wait`` for servers waits: as long as the author let a ping run before Ctrl-C
SERVING_WAIT = 3.0
#: how long a step that makes a name again waits with none of the old links going (a
#: process holding the deleted namespace keeps them) before it runs anyway
RELEASE_STALL = 5.0
#: how long an IPv6 probe waits for duplicate address detection (one probe a second, after
#: a random delay of up to a second) to let the addresses it needs be used
DAD_WAIT = 3.0
#: a job spec as a word or in a path (``%1``, ``/proc/%1/ns/net``), not a printf format
_JOB_SPEC = re.compile(r"(?<![\w%])%(\d+)(?![\w%])")


def _sysctl_value(key: str) -> str:
    """What the host's /proc/sys holds for ``key`` now (raises OSError, UnicodeDecodeError)."""
    return Path(sysctl_path(key)).read_text(encoding="utf-8").strip()


#: what a step that changes directory prints last, and where it ended (see Session._moved)
_ENDED_IN = "\0iplab: ended in "
_WHERE_IT_ENDS = 'trap \'printf "\\0iplab: ended in %s" "$PWD"\' EXIT\n'


def _moves(command: Command) -> bool:
    """A shell step in the root namespace that changes directory, by its words."""
    if command.argv[:2] != ("bash", "-c") or len(command.argv) < 3:
        return False
    if not isinstance(command.op, Raw) or command.op.in_ns() is not None:
        return False
    if (command.step is not None and command.step.background) or background_job(command.body):
        return False
    return any(
        unwrapped(list(words))[:1] in (["cd"], ["pushd"], ["popd"])
        for words in simple_commands(command.body) or []
    )


def _raw_undo(*parts: str | None) -> Undo | None:
    """One raw undo of these shell commands (a step's sysctls and host files), or None."""
    both = "; ".join(p for p in parts if p)
    return Undo(Raw(command=both, shell=True), Guard("always")) if both else None


def _claims_of(pc: PlannedCommand) -> bool:
    """Whether the scenario checks claims after this command (they read the lab)."""
    return pc.command.step is not None and bool(pc.command.step.expect)


def _joinable(pc: PlannedCommand) -> bool:
    """Whether a step may run in one shell with the steps next to it, by its words alone
    (:meth:`Session._file_steps` also asks the host, right before): a shell step of the
    root namespace with no undo, claim, limit, job, input, ``cd`` or variable of its own."""
    c, op, step = pc.command, pc.command.op, pc.command.step
    if pc.skip is not None or pc.waits_for or pc.settles or pc.undo or c.observe:
        return False
    if not isinstance(op, Raw) or op.undo or op.observes or op.sets or op.in_ns() is not None:
        return False
    if c.stdin is not None or c.argv[:2] != ("bash", "-c") or len(c.argv) != 3:
        return False
    if step is not None and (
        step.timeout or step.stop_after or step.may_fail or step.expect or step.background
    ):
        return False
    body = c.body
    return (
        "%" not in body and jobs.request(body) is None and not background_job(body)
        and not _moves(c)
    )  # fmt: skip


def read_lab_state(
    env: Env,
    netns: Sequence[str] | frozenset[str],
    roots: Collection[str] | None = None,
    part: RootPart | None = None,
) -> State:
    """The lab's namespaces and the root (``part`` of it: the root links the caller looks
    at, :class:`iplab.peers.RootPart`; None: every one)."""
    return iproute.read_state(env.runner, sorted(netns), roots, part)


class Session:
    def __init__(
        self, env: Env, plan: Plan, journal: Journal, *, run: str, signals: Signals, batch: bool
    ) -> None:
        self.env = env
        self.plan = plan
        self.journal = journal
        self.run = run
        self.signals = signals
        self.batch = batch
        self.tally = Tally()
        #: the numbers of the steps that may fail and failed: the verification leaves them out
        self.tolerated: list[int] = []
        #: the shell variables steps set (``MAC=$(...)``), by name: bash's declaration of
        #: each, which every later shell step of the run starts with
        self.values: dict[str, str] = {}
        #: what the host held before the lab first changed it: a sysctl's value (by its
        #: key), a chain's policy (by program, table and chain); a run puts back what the
        #: tutorial's own cleanup left otherwise
        self.host_before: dict[tuple[str, ...], str] = {}
        #: the host files each raw step wrote, as they were before it, and their undo
        self.files_before: list[tuple[hostfiles.Before, str]] = []
        #: the host files the step about to run writes, as they were before it, and the
        #: undo of the sysctls it writes: its undo is journaled again once it ran
        self._files_now: tuple[hostfiles.Before, str | None] | None = None
        #: each file a step of the run created (its Before found none) and that is there
        #: once it ran, by path: the step's entry; a later step that only writes such
        #: files has no undo of its own, the creator's removes the file (hunt CT)
        self._lab_files: dict[str, Entry] = {}
        #: each such creator's entry (by seq): its undo as built when it ran, the sysctls'
        #: part, its sudo, where it is in :attr:`files_before`, and the files it removes
        self._creators: dict[int, _Creator] = {}
        #: the namespaces and root links this run's steps made ("netns NAME", "link NAME"):
        #: one met again before a step that makes it is the lab's own (_there_already);
        #: gathered from :attr:`_made_ops` when a step asks (a star's batch of 1,501 lines
        #: would pay 6 ms for a set no step of it reads)
        self._names_made: set[str] = set()
        self._made_ops: list[Op] = []
        #: what DAD still held back when the next probe's wait ended: said under its line
        self._held = ""
        #: the indexes of the root namespace's links before the first step iplab cannot read
        #: ran (:mod:`iplab.sentinel`): a link that came since is the lab's, not the host's
        self._host_links: frozenset[int] | None = None
        #: the model's state after the setup, once the verification replayed it (the lab
        #: record's link kinds read it again: 30 ms of star-500's up, #14)
        self.expected: State | None = None
        #: the verification begun while the setup's last batch runs (#14), when up verifies
        self.ahead: Ahead | None = None

    def say(self, text: str = "") -> None:
        self.env.out.write(text + "\n")
        self.env.out.flush()

    def execute(self, commands: Sequence[PlannedCommand], phase: str) -> None:
        """Run commands in order; raise StepFailed or Interrupted on the first problem."""
        self.signals.check()  # a signal during the start-up stops the run before it starts
        self._total = len(commands)
        self._done = 0
        groups = segments(commands, self.batch, fd_budget())
        n = 0
        while n < len(groups):
            group = groups[n]
            n += 1
            self.signals.check()
            if self.batch and len(group) == 1 and _joinable(group[0]):
                run = [group[0]]  # (and the steps right after it that may join it)
                while n < len(groups) and len(groups[n]) == 1 and _joinable(groups[n][0]):
                    run.append(groups[n][0])
                    n += 1
                self._file_steps(run, phase)
                continue
            if group[0].waits_for:
                self._released(group[0].waits_for)
            if group[0].settles:
                self._dad_done(group[0])
            if len(group) > 1:
                last = n == len(groups) and phase == "setup" and not _claims_of(group[-1])
                self._batch(group, phase, self.ahead if last else None)
            elif group[0].skip is not None:
                self._number(group[0].command)
                self.say(f"    skipped, as the author allows it to fail: {group[0].skip}")
            elif group[0].command.observe:
                self._observe(group[0].command, phase)
            else:
                self._change(group[0], phase)
            self._claims(group[-1].command)
            if self._held:  # (a batch's probe: said under the batch)
                self.say(self._held)
                self._held = ""
        self.signals.check()  # a signal during the last command still stops the run

    def _released(self, names: Sequence[tuple[str, str]]) -> None:
        """Wait until the kernel has destroyed the old links of these names, which a
        namespace deleted before took with it (see :class:`iplab.plan.Reborn`): the next
        command makes them again. A namespace a process still holds keeps them; after
        :data:`RELEASE_STALL` seconds with none gone, the command runs and says so."""
        still = released(self.env, names)
        if still:  # (ip -n ns monitor &: the lab's own job holds the namespace it deleted)
            self.say(
                f"    still there: {', '.join(still)}: a process holds the namespace deleted"
                " before (a job of the lab's, or the host's); the next step may fail"
            )

    def _dad_done(self, pc: PlannedCommand) -> None:
        """Before an IPv6 probe: wait (at most :data:`DAD_WAIT` seconds) until Duplicate
        Address Detection holds back none of the addresses the probe needs as tentative
        (:func:`iplab.dad.held_back`), as the seconds between a reader's lines would have
        (see :func:`iplab.plan.dad_spaces`). Quiet: one audit record for all its reads; what
        it still holds back is said under the probe's own line."""
        spaces, op = pc.settles, pc.command.op
        target = op.target if isinstance(op, Probe) else None
        began = time.monotonic()
        hook, self.env.runner.hook = self.env.runner.hook, None
        reads = 1
        try:
            now = self._unready(spaces, target)
            while (
                "tentative" in now.values()
                and time.monotonic() - began < DAD_WAIT
                and self.signals.received is None
            ):
                time.sleep(0.05)
                now = self._unready(spaces, target)
                reads += 1
        finally:
            self.env.runner.hook = hook
        waited = time.monotonic() - began
        held = ", ".join(f"{where}: {why}" for where, why in now.items())
        text = f"waited {waited:.1f} s for IPv6 duplicate address detection in"
        text += f" {', '.join(spaces)} ({reads} reads): "
        text += f"held back: {held}" if now else "all addresses usable"
        record = self.env.record({"kind": "wait", "text": text}, Result((), 0, "", "", waited))
        del record["argv"]
        self.env.append_audit([record])
        if "tentative" in now.values():  # (said under the probe's line: hunt I, it came before)
            self._held = f"    after {DAD_WAIT:g} s, duplicate address detection still holds"
            self._held += f" back {held}"

    def _unready(self, spaces: Sequence[str], target: str | None = None) -> dict[str, str]:
        """The addresses of these namespaces DAD holds back that a probe to ``target`` needs
        (None: all), and why (:func:`iplab.dad.held_back`); none when the read fails (the
        probe then says what it meets)."""
        try:
            state = read_lab_state(self.env, spaces)
        except IplabError:
            return {}
        return dad.held_back(state, spaces, target)

    def _number(self, command: Command) -> None:
        self.say(self._numbered(command))
        if self._held:
            self.say(self._held)
            self._held = ""

    def _numbered(self, command: Command) -> str:
        """The next command's line as shown: ``[ 3/23] ip netns add red``."""
        self._done += 1
        width = len(str(self._total))
        return f"[{self._done:>{width}}/{self._total}] {command.line}"

    @staticmethod
    def _meta(command: Command, phase: str, kind: str = "command") -> dict[str, Any]:
        return {"step": command.number, "phase": phase, "kind": kind, "text": command.text}

    def _entry(self, pc: PlannedCommand, phase: str) -> Entry:
        c = pc.command
        self._files_now = None
        undo = [UndoRecord(u.undo.op, u.undo.guard, u.sudo) for u in pc.undo]
        undo = [u for u in undo if not self._hosts_already(c, u)]
        if not undo and (back := self._read_back(c)) is not None:
            undo = [UndoRecord(back.op, back.guard, c.sudo)]
        # (a shell command's undo runs where its step ran: ``rm -f index.html`` from a
        # ``down`` run elsewhere deleted that directory's file, and left the lab's)
        shell = any(isinstance(u.op, Raw) for u in undo)
        return self.journal.new_entry(
            self.run, number=c.number, phase=phase, text=c.text, argv=c.argv, undo=undo,
            op=c.op, cwd=self._where() if shell else None,
        )  # fmt: skip

    def _where(self) -> str | None:
        """Where the steps run now: the directory a step's ``cd`` moved them to
        (:meth:`_moved`), else iplab's own (None: deleted under it)."""
        return self.env.runner.cwd or hostfiles.here()

    def _hosts_already(self, command: Command, undo: UndoRecord) -> bool:
        """The undo deletes a table or chain the host has right before the step runs
        (``nft add table inet appfw`` on a host with that table: hunt J, down deleted the
        host's table with its own chains): it is not the lab's to delete (said)."""
        if not isinstance(undo.op, Raw):
            return False
        if (what := hostowned.unreadable(undo.op.command)) is not None:
            # (hunt P: iptables -tnat -N WEBMASQ failed on the host's chain, and the
            # rollback's -X, whose read was not built, deleted it)
            self.env.err.write(hostowned.unsure(what, command.text, undo.op.command))
            return True
        found = hostowned.existence_read(undo.op.command)
        kept: tuple[str, ...] = ()
        if found is None and isinstance(command.op, Raw) and command.op.in_ns() is None:
            found = hostowned.check_read(command.op.command, undo.op.command)
            kept = (hostowned.ADDED_ONCE,)  # (iptables -C RULE || iptables -A RULE)
        if found is None:
            return False
        argv, what = found
        rc, _, _ = self.env.runner.query(argv, command.privileged, shlex.join(argv))
        if rc == 0:
            self.env.err.write(hostowned.said(what, command.text, undo.op.command, *kept))
        return rc == 0

    def _read_back(self, command: Command) -> Undo | None:
        """The undo of a host sysctl a raw step writes (``sysctl -w net.ipv4.ip_forward=1``),
        of a chain's policy it sets (``iptables -P FORWARD ACCEPT``) or of the host files
        it writes (:mod:`iplab.hostfiles`): what the host holds now, read right before the
        step runs."""
        if (policy := policy_write_of(command.op)) is not None:  # iptables -P FORWARD ACCEPT
            program, table, chain, _ = policy
            argv = (program, "-t", table, "-S", chain)
            rc, out, err = self.env.runner.query(argv, command.privileged, shlex.join(argv))
            back = policy_inverse(policy, out) if rc == 0 else None
            if back is not None and (old := chain_policy(out, chain)) is not None:
                self.host_before.setdefault((program, table, chain), old)
            if back is None:
                self.env.err.write(
                    f"iplab: cannot read the policy of {chain} before `{command.text}` sets it"
                    f" ({err.strip() or 'none printed'}): iplab will not put it back\n"
                )
            return back
        # the host's sysctls and files it writes (mkdir -p /etc/netns/x && echo ... >
        # /etc/netns/x/resolv.conf; echo 1 > /proc/sys/...): one undo puts both back
        sysctls = self._sysctls_back(command)
        return _raw_undo(sysctls, self._files_back(command, sysctls))

    def _sysctls_back(self, command: Command) -> str | None:
        """The undo of the host sysctls a raw step writes: the values they have right now."""
        writes = sysctl_writes_of(command.op) or self._loaded(command)
        if not writes:
            return None
        before: dict[str, str] = {}
        for key, _ in writes:
            try:
                before[key] = _sysctl_value(key)
            except (OSError, UnicodeDecodeError) as exc:
                self.env.err.write(
                    f"iplab: cannot read {key} before `{command.text}` writes it ({exc}):"
                    " iplab will not put it back\n"
                )
        for key, value in before.items():
            self.host_before.setdefault(("sysctl", key), value)
        return sysctl_undo(writes, before) or None

    def _loaded(self, command: Command) -> list[tuple[str, str]] | None:
        """What ``sysctl -p [FILE]`` is about to write: its files as they are now (a file
        it cannot read is said, and sysctl will fail on it too)."""
        files = sysctl_loads_of(command.op)
        if files is None:
            return None
        writes: list[tuple[str, str]] = []
        where = Path(self._where() or ".")  # (a relative file: where the step runs)
        for name in files:
            try:
                text = (where / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self.env.err.write(
                    f"iplab: cannot read {name} before `{command.text}` loads it ({exc}):"
                    " iplab will not put back what it sets\n"
                )
                continue
            pairs, unkept = sysctl_file_settings(text)
            writes.extend(pairs)
            if unkept:
                self.env.err.write(
                    f"iplab: {name} sets {', '.join(unkept)}, which iplab cannot tell"
                    " unchanged later (a glob, a value of several words): it will not put"
                    " them back\n"
                )
        return writes

    def _files_back(self, command: Command, sysctls: str | None) -> str | None:
        """The undo of the host files a raw step writes, journaled ahead: each path as it is
        right now (:func:`iplab.hostfiles.written_ahead`); :meth:`_files_done` journals the
        one that knows what the step did."""
        files = file_writes_of(command.op, self.env.runner.cwd)
        if files is None:
            return None
        if sysctls is None and self._lab_made(files):
            return None  # (its creator's undo removes each file it writes: no undo of its own)
        before = hostfiles.look(files)
        if before.unkept:
            self.env.err.write(
                f"iplab: `{command.text}` changes {', '.join(before.unkept)}, which iplab"
                " cannot keep a copy of: it will not put it back\n"
            )
        self._files_now = (before, sysctls)
        return hostfiles.written_ahead(before)

    def _files_done(self, entry: Entry, sudo: bool) -> None:
        """Once a step that writes host files ran: its undo, built from what it did (the
        lines it appended: hunt V), journaled in place of the one written ahead."""
        if self._files_now is None:
            return
        before, sysctls = self._files_now
        self._files_now = None
        parts = hostfiles.file_undos(before)
        back = hostfiles.undo_command(before)
        if back is not None:
            self.files_before.append((before, back))
        undo = _raw_undo(sysctls, back)
        self.journal.amend(entry, [UndoRecord(undo.op, undo.guard, sudo)] if undo else [])
        made = [
            path for path in before.created_files
            if path not in before.captured and os.path.isfile(path) and not os.path.islink(path)
        ]  # fmt: skip
        if made and back is not None:
            self._creators[entry.seq] = _Creator(
                back, sysctls, sudo, len(self.files_before) - 1, [], parts
            )
            self._lab_files.update(dict.fromkeys(made, entry))

    def _lab_made(self, files: hostfiles.Writes) -> bool:
        """Whether a step writes only files an earlier step of the run created (``echo
        "netns add n$i" >> /tmp/lab.batch`` in a loop, after the first: hunt CT, 799 undos
        of a line each, where the file did not exist before the lab). Then the creator's
        undo removes each such file whole, first (journaled before this step runs: a crash
        halfway is undone as well), and this step needs none of its own."""
        if not files.writes or any(
            w.kind != "file" or w.capture or w.path not in self._lab_files for w in files.writes
        ):
            return False
        for path in {w.path for w in files.writes}:
            entry = self._lab_files[path]
            creator = self._creators[entry.seq]
            if path in creator.whole:
                continue
            creator.whole.append(path)
            # (the creator's own part of a file removed whole, taking out the lines it
            # wrote, would find no file: left out)
            before, _ = self.files_before[creator.at]
            back = hostfiles.whole_undo(before, creator.parts, creator.whole)
            undo = _raw_undo(creator.sysctls, back)
            assert undo is not None
            self.journal.amend(entry, [UndoRecord(undo.op, undo.guard, creator.sudo)])
            self.files_before[creator.at] = (before, back)
        return True

    def put_back(self) -> list[str]:
        """After the tutorial's own cleanup: each sysctl and chain policy of the host the lab
        changed, put back where the cleanup left it otherwise (``sysctl -w
        net.ipv4.ip_forward=0`` on a host that had 1); what was put back, said."""
        said: list[str] = []
        for key, old in self.host_before.items():
            if key[0] == "sysctl":
                try:
                    now = _sysctl_value(key[1])
                except (OSError, UnicodeDecodeError):
                    continue
                argv: tuple[str, ...] = ("sysctl", "-w", f"{key[1]}={old}")
                what = key[1]
            else:
                program, table, chain = key
                rc, out, _ = self.env.runner.query(
                    (program, "-t", table, "-S", chain), True, f"{program} -t {table} -S {chain}"
                )
                now = (chain_policy(out, chain) if rc == 0 else None) or old
                argv = (program, "-t", table, "-P", chain, old)
                what = f"the policy of {chain} ({table})"
            if " ".join(now.split()) == " ".join(old.split()):
                continue
            result = self.env.runner.execute(
                argv, True, meta={"kind": "command", "text": shlex.join(argv), "phase": "undo"}
            )
            if result.ok:
                said.append(f"{what}: {now} -> {old}")
        # the files the steps wrote, last first (a rehearsal ends as down would have left
        # them: a cat > /tmp/lab/resolv.conf <<EOF the cleanup forgot was left behind)
        # (each path said once, and only when its undo changed it: hunt W, a file two
        # steps appended to and the cleanup deleted was "put back F; F", and was not)
        put: set[str] = set()
        for before, back in reversed(self.files_before):
            if not (changed := hostfiles.changed_since(before)):
                continue
            held = hostfiles.contents(changed)
            argv = ("bash", "-c", back)
            self.env.runner.execute(
                argv, True, meta={"kind": "command", "text": back, "phase": "undo"}
            )
            holds = hostfiles.contents(changed)
            pairs = zip(changed, held, holds, strict=True)
            if new := [path for path, a, b in pairs if a != b and path not in put]:
                said.append(", ".join(new))
                put.update(new)
        return said

    def _scoped(self, command: Command, op: NetnsDelAll | NetnsExecAll) -> Command:
        """``ip -all netns delete`` (``exec CMD``): the namespaces the model holds at its
        step, less any the lab did not make (one the host had before it, a name someone
        else took first)."""
        taken, _links = undo.taken_names(self.journal.entries())
        own = set(undo.own_namespaces(self.journal.info(), taken))
        names = [name for name in op.names if name in own]
        if isinstance(op, NetnsExecAll):
            script = every_netns_script(names, op.command)
            return dataclasses.replace(command, argv=("bash", "-c", script))
        return dataclasses.replace(command, stdin="".join(f"netns del {n}\n" for n in names))

    def _limits(self, command: Command) -> Limits:
        return limits_of(command, self.env.runner.default_timeout)

    def _run(self, command: Command, meta: dict[str, Any]) -> Result:
        """Run one command within its limits (a ``stop_after`` command streams its output);
        a shell step sees the variables earlier steps set, and one that sets some keeps them."""
        if isinstance(command.op, NetnsDelAll | NetnsExecAll):
            command = self._scoped(command, command.op)
        if self.values and command.argv[:2] == ("bash", "-c") and len(command.argv) > 2:
            script = prelude(self.values) + command.argv[2]
            command = dataclasses.replace(command, argv=("bash", "-c", script, *command.argv[3:]))
        moves = _moves(command) and self._limits(command).stop_after is None
        if moves:  # (a step whose output is shown as it comes, or a job's, is left as it is)
            script = _WHERE_IT_ENDS + command.argv[2]
            command = dataclasses.replace(command, argv=("bash", "-c", script, *command.argv[3:]))
        result = self._started(command, meta)
        if moves:
            result = self._moved(result)
        if isinstance(command.op, Raw) and command.op.sets:
            own, values = reported(result.stdout, command.op.sets)
            for name in command.op.sets:  # (one it left unset is unset after it)
                self.values.pop(name, None)
            self.values.update(values)
            for declaration in values.values():
                self.say(f"    {shown(declaration)}")
            result = dataclasses.replace(result, stdout=own)
        return result

    def _moved(self, result: Result) -> Result:
        """After a step that changes directory (``cd www``, ``mkdir -p w && cd w``): the
        steps after it run where it ended, as in the tutorial's shell (hunt AR: ``echo ep1
        > index.html`` after it wrote into iplab's directory, and the lab's server served
        that one). Its own output is what it printed before :data:`_WHERE_IT_ENDS` said."""
        own, found, where = result.stdout.rpartition(_ENDED_IN)
        if not found:
            return result  # (stopped, or the step set its own EXIT trap: where it was)
        if where != self._where() and os.path.isdir(where):
            self.env.runner.cwd = where
            self.say(f"    (the steps after it run in {where})")
        return dataclasses.replace(result, stdout=own)

    def _started(self, command: Command, meta: dict[str, Any]) -> Result:
        limits = self._limits(command)
        stream = self.env.out if limits.stop_after is not None else None
        if command.stdin is not None:
            meta = {**meta, "input": command.stdin}  # the audit log says what ip was fed
        if (asked := jobs.request(command.body)) is not None:
            return self._job_control(command, asked, meta, limits)
        command = self._with_job_pids(command)
        served = command.step is not None and command.step.background
        if not served and not background_job(command.body):
            # the session of a program that may start others journaled: killed while it
            # runs, iplab leaves its pipeline's other processes running (the leader dies
            # with iplab), which down then stops (an ip of a typed step starts none)
            step = command.number
            journaled = isinstance(command.op, Raw | NetnsExec | NetnsExecAll)
            result = self.env.runner.execute(
                command.argv, command.privileged, command.stdin, meta, limits=limits,
                stream=stream,
                on_start=(lambda pid: self.journal.session(self.run, step, pid))
                if journaled else None,
            )  # fmt: skip
            if journaled:  # (seen to end: down leaves its session's number alone)
                self.journal.session_ended(self.run, step)
            return result
        # `server &`: the job writes to a file of the lab (a pipe would break under it once
        # the command ended); what it left running is journaled, and down stops it. A
        # server the tutorial runs "in another terminal" (`background: true`) is put in
        # the background by a shell, as `&` would
        argv = ("bash", "-c", '"$@" &', "bash", *command.argv) if served else command.argv
        log = self.journal.job_log(command.number)
        before = boot_ticks()
        result = self.env.runner.execute(
            argv, command.privileged, command.stdin, meta, limits=limits, log=log
        )
        left = [(pid, start) for pid, start, _ in session_members(result.pid, before)]
        # one record a background step, none left running included: `kill %N` counts them
        self.journal.jobs(self.run, command.number, left)
        if left:
            pids = ", ".join(str(pid) for pid, _ in left)
            alive = any(running(pid, start) for pid, start in left)  # (ping -c 1 &: ended
            # while iplab read /proc: said so, not "undo stops it", hunt DT #5)
            done = "undo stops it" if alive else "it has ended already"
            self.say(f"    in the background: pid {pids}, output to {log}; {done}")
        if left and served and jobs.captures(command.body):  # the capture is ready first
            self._wait_capturing(log, SERVER_WAIT / 2, left)
        elif served and jobs.captures(command.body):  # (ended before its session was read:
            # CI, a loaded host; what it printed is the step's output, under this line)
            self.say("    the capture ended before it captured: going on")
        elif left and served and jobs.monitors(command.body):  # it watches, then they change
            self._wait_watching([pid for pid, _ in left], SERVER_WAIT / 2)
        # the next step is the reader's "other terminal", or comes right after `server &`:
        # it reaches the server once it listens (bash's next line would race it)
        elif left and (
            (served and not jobs.never_listens(command.body))
            or jobs.serves_in_background(command.body)
        ):
            stop = lambda: self.signals.received is not None  # noqa: E731
            members = lambda: [p for p, _, _ in session_members(result.pid, before)]  # noqa: E731
            if not wait_listening(members, SERVER_WAIT, stop):
                self.say(f"    not listening after {SERVER_WAIT:g} s: going on")
        elif left and jobs.unshares_the_network(command.body):
            # `unshare --net ... &` then `nsenter -t $!`: $! in a namespace of its own first
            first, started = min(left, key=lambda m: (m[1], m[0]))  # (what $! names)
            stop = lambda: self.signals.received is not None  # noqa: E731
            if not wait_unshared(first, SERVER_WAIT, stop):
                self._not_unshared(first, started)
        return result

    def _not_unshared(self, pid: int, started: int) -> None:
        """Say why an ``unshare --net ... &`` job's pid is in no namespace of its own: it
        ended (hunt W: ``unshare ... bash &`` read its input's end at once; "not in a
        namespace of its own after 5 s" was said of a run of 0.9 s), or the wait ran out."""
        if running(pid, started):
            said = f"not in a namespace of its own after {SERVER_WAIT:g} s"
        else:
            said = "ended before it was in a namespace of its own"
        self.say(f"    pid {pid} {said}: going on")

    def _with_job_pids(self, command: Command) -> Command:
        """``PID=$!`` then ``nsenter -t $PID -n ip a`` (or ``/proc/$PID/ns/net``): the
        importer reads ``$!`` as the job it names, ``%1``; here, in any command but job
        control (``kill %1`` and ``wait %1`` are iplab's own), the pid of that job's first
        process, as the author's shell had it in ``$!``."""
        if not any("%" in word for word in command.argv):
            return command
        records = self.journal.job_sessions()

        def pid_of(match: re.Match[str]) -> str:
            number = int(match[1])
            if not 1 <= number <= len(records) or not records[number - 1][1]:
                return match[0]
            return str(min(records[number - 1][1], key=lambda m: (m[1], m[0]))[0])

        argv = tuple(_JOB_SPEC.sub(pid_of, word) for word in command.argv)
        return command if argv == command.argv else dataclasses.replace(command, argv=argv)

    def _wait_capturing(self, log: Path, limit: float, members: list[tuple[int, int]]) -> None:
        """Until a capture run beside the next steps says it captures (at most ``limit`` s):
        the packets those steps send are then in it. One that ends first (``tcpdump -i``
        a link its namespace does not hold: "No such device exists") is said at once, with
        what it printed (hunt DL: the run waited, said "not capturing", and tcpdump's words
        went nowhere the user saw); the run goes on, as bash's ``... &`` does."""
        deadline = time.monotonic() + limit
        said = ""
        while time.monotonic() < deadline and self.signals.received is None:
            try:
                said = log.read_text(encoding="utf-8", errors="replace")
            except OSError:
                said = ""
            if any(mark in said for mark in jobs.CAPTURING):
                return
            if not any(running(pid, started) for pid, started in members):
                self.say("    the capture ended before it captured: going on")
                for line in [x for x in said.splitlines() if x.strip()][-3:]:
                    self.say(f"    | {line[:200]}")
                return
            time.sleep(0.02)
        self.say(f"    not capturing after {limit:g} s: going on")

    def _wait_watching(self, pids: list[int], limit: float) -> None:
        """Until a monitor run beside the next steps listens to the kernel's events (at
        most ``limit`` s): the changes those steps make are then in what it shows."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self.signals.received is None:
            if subscribed(pids):
                return
            time.sleep(0.02)
        self.say(f"    not watching after {limit:g} s: going on")

    def _job_control(
        self, command: Command, asked: jobs.Request, meta: dict[str, Any], limits: Limits
    ) -> Result:
        """``kill %N``, ``wait %N``, ``pkill``, ``killall`` (see :mod:`iplab.jobs`): the
        lab's own jobs, and for pkill and killall the processes in its namespaces, never
        another process of the host. Audited as work that starts no process."""
        start = time.perf_counter()
        records = self.journal.job_sessions()
        errors: list[str] = []
        found: list[tuple[int, int, str]] = []
        if asked.pattern is None:
            picked, missing = jobs.pick(asked.specs, len(records))
            errors += [f"{asked.program}: {spec}: no such job" for spec in missing]
            found = [p for i in picked for p in undo.job_processes(records[i][1])]
        else:
            entries = self.journal.entries()
            taken, _links = undo.taken_names(entries)
            mine = [p for _, members in records for p in undo.job_processes(members)]
            own = undo.stoppable_netns(
                self.env, self.journal.info(), entries, taken, {pid for pid, _, _ in mine}
            )
            mine += processes_in(own)
            unique = {pid: (pid, started, line) for pid, started, line in mine}
            found = [p for p in unique.values() if jobs.matches(asked, process_name(p[0]), p[2])]
            if not found:
                errors.append(f"{asked.program}: no process of the lab matches {asked.pattern}")
        if asked.program == "wait" and found and listening([pid for pid, _, _ in found]):
            # a wait for servers, which never end by themselves (serve.sh: "press Ctrl-C
            # to stop"): until the author's Ctrl-C, then its trap's cleanup (hunt Q: the
            # step failed after 30 s, and the cleanup never ran)
            if not wait_gone(found, SERVING_WAIT, lambda: self.signals.received is not None):
                self.say(f"    serving still after {SERVING_WAIT:g} s: stopped waiting, as the"
                         " author did with Ctrl-C")  # fmt: skip
        elif asked.program == "wait":  # until the jobs end, within the step's time limit
            limit = limits.hard or 3600.0
            if not wait_gone(found, limit, lambda: self.signals.received is not None):
                errors.append(f"wait: still running after {limit:g} s, or stopped")
        else:
            for pid, started, line in found:
                if signal_process(pid, started, asked.signal):
                    self.say(f"    signal {asked.signal} to pid {pid} ({line[:80]})")
        rc = 1 if errors and not asked.tolerant else 0  # (pkill srv || true: bash goes on)
        detail = "; ".join([*errors, *(f"pid {pid} ({line[:200]})" for pid, _, line in found)])
        duration = time.perf_counter() - start
        self.env.runner.note(meta, duration, rc, detail)
        stderr = "".join(f"{e}\n" for e in errors)
        return Result(command.argv, rc, "", stderr, duration)

    def _failed(self, command: Command, result: Result) -> None:
        """A command that failed stops the run, unless its step may fail (``|| true``)."""
        if command.step is None or not command.step.may_fail:
            raise StepFailed(command, result)
        said = (result.stderr.strip() or f"exit {result.rc}").splitlines()[-1]
        self.say(f"    failed, as the author allows: {said}")
        self.tolerated.append(command.number)

    def _observe(self, command: Command, phase: str) -> None:
        self._number(command)
        result = self._run(command, self._meta(command, phase, "observe"))
        self.signals.check()
        if result.stdout and self._limits(command).stop_after is None:
            self.env.out.write(
                result.stdout if result.stdout.endswith("\n") else result.stdout + "\n"
            )
        self.tally.commands += 1
        if isinstance(command.op, Probe):
            self._probe(command.op, result)
        elif not result.ok:
            self._failed(command, result)

    def _change(self, pc: PlannedCommand, phase: str) -> None:
        command = pc.command
        self._number(command)
        entry = self._entry(pc, phase)
        if self.values and isinstance(command.op, Raw) and command.op.in_ns() is None:
            self._not_on_a_host_link(command)
        self.tally.changes += 1
        count = self.tally.changes
        self.journal.intend([entry])
        fault("before-run", count)
        there = _there_already(command.op, self.names_made())
        host = self._host_now() if self._watched(command) else None
        named = _named_namespaces() if isinstance(command.op, Raw | NetnsExec) else None
        result = self._run(command, self._meta(command, phase))
        fault("after-run", count)
        self._files_done(entry, command.sudo)
        status = outcome(result.rc, result.stderr)
        if there and status != "exists":
            status = "exists"  # (not the lab's: its undo is never run, down leaves it)
        if there and result.ok:  # (a failure's rollback says what it left alone)
            self.env.err.write(
                f"iplab: {', '.join(there)} existed before `{command.text}` ran (someone else"
                " made it after iplab checked the names): not the lab's, left alone\n"
            )
        self.journal.record([(entry, status, result.rc)])
        fault("after-outcome", count)
        if result.ok:
            self._made([entry])
        if host is not None:
            self._host_unchanged(command, host)
        if named is not None:
            self._not_the_hosts_namespace(command, named)
        self.tally.commands += 1
        self.signals.check()
        if result.stdout.strip() and self._limits(command).stop_after is None:
            self.env.out.write(result.stdout)
        if not result.ok:
            self._failed(command, result)

    def _not_on_a_host_link(self, command: Command) -> None:
        """Before a raw step of the root namespace that uses a value an earlier step set:
        with the value in its words, a step that names a link of the host is not run, as
        the preflight refuses the step that names it (hunt AU: ``IFACE=$(ip route show
        default | awk '{print $5}')`` then ``ip link add mv1 link $IFACE type macvlan``
        hung the lab's macvlans on the host's NIC, and ``check`` said OK)."""
        text = hostnamed.with_values(command.body, self.values)
        if text == command.body:
            return
        links, _netns = self.env.names_before or (set(), set())
        mine = self.plan.owned.in_root() - self.plan.owned.adopted
        if (name := hostnamed.host_link_named(text, frozenset(links) - mine)) is None:
            return
        raise HostChanged(
            f"{command.text}: not run: with the values steps before it set, it reads"
            f" `{text}`, which names {name}, a link of this host's root namespace that no"
            " step of the lab makes (run, it may change the host's own link)",
            command.step.loc if command.step else None,
            hint="a lab changes only what its steps make: make its links on a link of its own"
            " (a veth the lab makes), or run the step in the lab's namespace",
        )

    def _not_the_hosts_namespace(self, command: Command, before: frozenset[str]) -> None:
        """After a step iplab cannot read: a name it gave in /run/netns to the host's own
        network namespace stops the run, which then takes the name away (hunt AL #7:
        ``sleep 1000 & echo $! > job.pid`` then ``ip netns attach here $(cat job.pid)``:
        the steps in ``here`` would change the host's links, and the model cannot follow
        the pid through the file). The check is a stat of each new name."""
        hosts = undo.root_netns_ids()
        for name in sorted(_named_namespaces() - before):
            try:
                st = os.stat(os.path.join(NETNS_DIR, name))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) in hosts:
                raise HostChanged(
                    f"{command.text}: named the host's own network namespace {name}"
                    f" ({NETNS_DIR}/{name} is pid 1's namespace): the steps that use the"
                    " name would change the host's links, addresses and routes",
                    command.step.loc if command.step else None,
                    hint="start what the name is for in a namespace of its own (unshare -n"
                    " sleep infinity &), or make the lab a namespace with ip netns add NAME",
                )

    def _watched(self, command: Command) -> bool:
        """Whether the host is read around ``command`` (:mod:`iplab.sentinel`): a step iplab
        cannot read, unless all it does is write ordinary files (``echo "netns add n1" >>
        /tmp/lab.batch``: hunt CT, two reads of the host around each of 800 such lines)."""
        if not _unreadable(command):
            return False
        files = file_writes_of(command.op, self.env.runner.cwd)
        if files is None or _FINDS_PROGRAMS & set(self.values):
            return True  # (PATH=... set by a step: tee may be any program)
        return not hostfiles.only_files(files)

    def _host_now(self) -> sentinel.Snapshot | None:
        """The host's root namespace around a step iplab cannot read (audited as a read);
        None where this kernel has no netlink reader (the step runs unwatched, as before)."""
        from iplab.netlink import Unsupported

        start = time.perf_counter()
        try:
            now = sentinel.snapshot(self.plan.owned.in_root())
        except Unsupported:
            return None
        if self._host_links is None:
            self._host_links = frozenset(now.links)
        host = {i: link for i, link in now.links.items() if i in self._host_links}
        self.env.runner.note(
            {"kind": "read", "reader": "netlink", "text": "read the host's root namespace"},
            time.perf_counter() - start,
        )
        return dataclasses.replace(now, links=host)

    def _host_unchanged(self, command: Command, before: sentinel.Snapshot) -> None:
        """After a step iplab cannot read: what it changed of the host is put back where
        iplab can (a link's settings and addresses), said, and stops the run (hunt AF)."""
        after = self._host_now()
        found = sentinel.changes(before, after) if after is not None else []
        if not found:
            return
        back: list[str] = []
        for change in found:
            if not change.back:
                continue
            argv = ("ip", *change.back)
            text = shlex.join(argv)
            result = self.env.runner.execute(
                argv, True, meta={"kind": "command", "text": text, "phase": "undo"}
            )
            back.append(f"{text}{'' if result.ok else ' (failed)'}")
        now = self._host_now()
        left = sentinel.changes(before, now) if now is not None else []
        lines = [f"{command.text}: changed the host, which the lab does not own:"]
        lines += [f"  {change.text}" for change in found]
        lines += [f"  put back: {'; '.join(back)}"] if back else []
        lines += [f"  still not as it was: {c.text}" for c in left]
        raise HostChanged(
            "\n".join(lines),
            command.step.loc if command.step else None,
            hint="iplab cannot read what this step runs, so it cannot keep it to the lab's"
            " objects: write its commands as steps of their own",
        )

    def _batch(
        self, group: Sequence[PlannedCommand], phase: str, ahead: Ahead | None = None
    ) -> None:
        """Run a group through one ``ip -batch``; ``ahead``: the group ends the setup, and
        the verification begins while it runs (:mod:`iplab.ahead`)."""
        first = self.tally.changes + 1
        self.tally.changes += len(group)
        counts = range(first, self.tally.changes + 1)
        lines = [
            Line(pc.command.text, pc.command.argv, batch_line(pc.command) or "",
                 self._meta(pc.command, phase))
            for pc in group
        ]  # fmt: skip
        entries: list[Entry] = []
        problem: list[BaseException] = []

        def before_feed(start: int, end: int) -> None:
            """Write ahead: the intents of lines [start, end) are in the journal before ip
            reads those lines (while it works on the lines before them)."""
            try:
                if self.signals.received is not None:
                    raise Interrupted("stopping", self.signals.received)
                part = [self._entry(pc, phase) for pc in group[start:end]]
                self.journal.intend(part)
                entries.extend(part)
                faults("before-run", counts[start:end])
            except BaseException as exc:
                problem.append(exc)
                raise

        def started(pid: int) -> None:
            self.journal.process(self.run, pid)

        privileged = any(pc.command.privileged for pc in group)
        status, result = run_batch(
            self.env,
            lines,
            privileged,
            on_start=started,
            before_feed=before_feed,
            on_fed=None if ahead is None else ahead.batch_started,
            on_end=None if ahead is None else ahead.batch_ended,
        )
        status = status[: len(entries)]  # the lines after had no intent: never fed, not run
        whole, group = group, group[: len(entries)]
        faults("after-run", counts[: len(entries)])
        # after a line ip names as failed, the rest did not run; when ip names none,
        # nothing is known and the lines stay "maybe done" (undo will check)
        known = any(rc is not None for rc in status)
        self.journal.record(
            [
                (entry, outcome(rc, result.stderr) if rc is not None else "skipped", rc)
                for entry, rc in zip(entries, status, strict=True)
                if rc is not None or known
            ]
        )
        faults("after-outcome", counts[: len(entries)])
        self._made([e for e, rc in zip(entries, status, strict=True) if rc == 0])
        if problem and not isinstance(problem[0], Interrupted):
            raise problem[0]  # the journal could not take the intents of the lines after
        self._say_ran(group, status, result.stderr, batched=True)
        self.signals.check()
        if result.stdout.strip():
            self.env.out.write(result.stdout)
        if not result.ok and all(rc is None for rc in status):
            # (no line fed: ip could not even start, hunt AQ: under ``ulimit -v`` the up
            # said "lab is up: 1802 changes journaled" with nothing made, exit 0)
            fed = [pc.command for pc in group]
            unnamed = fed if entries and _INVALID_ARG.search(result.stderr) else None
            raise StepFailed(whole[0].command, result, batched=True, unnamed=unnamed)

    def _say_ran(
        self,
        group: Sequence[PlannedCommand],
        status: Sequence[int | None],
        stderr: str,
        batched: bool,
    ) -> None:
        """The commands of a batch or a shell that ran, numbered, in one write; the first
        that failed stops the run (its StepFailed, with the process's standard error)."""
        ran: list[str] = []
        try:
            for pc, rc in zip(group, status, strict=True):
                if rc is None:
                    break
                ran.append(self._numbered(pc.command))
                self.tally.commands += 1
                if rc != 0:
                    self.signals.check()
                    failed = Result(pc.command.argv, rc, "", stderr, 0.0)
                    raise StepFailed(pc.command, failed, batched=batched)
        finally:
            if ran:
                self.say("\n".join(ran))

    def _lab_files_only(self, command: Command) -> bool:
        """Whether all ``command`` does is add to files an earlier step of the run created,
        whose undo removes them whole (:meth:`_lab_made`, which journals that undo now):
        it has no undo of its own, and the host need not be read around it."""
        if not _unreadable(command) or self._watched(command):
            return False
        if policy_write_of(command.op) is not None or sysctl_writes_of(command.op):
            return False
        files = file_writes_of(command.op, self.env.runner.cwd)
        return files is not None and self._lab_made(files)

    def _file_steps(self, run: Sequence[PlannedCommand], phase: str) -> None:
        """Steps that may join one shell (:func:`_joinable`): each maximal run of those
        that only add to files the lab made (hunt DA: 800 ``echo ... >> /tmp/lab.batch``,
        one process each) runs in one ``bash -c`` (:meth:`_shell`); any other alone."""
        at = 0
        while at < len(run):
            self.signals.check()
            end = at
            while end < len(run) and self._lab_files_only(run[end].command):
                end += 1
            if end - at >= 2:
                self._shell(run[at:end], phase)
                at = end
                continue
            self._change(run[at], phase)  # (a file's creator, or one step alone)
            self._claims(run[at].command)
            at += 1

    def _shell(self, group: Sequence[PlannedCommand], phase: str) -> None:
        """Run steps that only add to files the lab made in one ``bash -c``
        (:mod:`iplab.filesteps`): their intents are journaled before it starts (none has
        an undo of its own: the files' creator's removes them), each one's outcome after
        it, as the shell said it: a failure at step k leaves the steps before it done and
        those after it not run; iplab killed while the shell runs leaves the steps it had
        not said maybe done, and the creator's undo removes the files all the same."""
        if self.values:
            for pc in group:
                self._not_on_a_host_link(pc.command)
        first = self.tally.changes + 1
        self.tally.changes += len(group)
        counts = range(first, self.tally.changes + 1)
        entries = [self._entry(pc, phase) for pc in group]
        self.journal.intend(entries)
        faults("before-run", counts)
        named = _named_namespaces()
        lines = [
            Line(pc.command.text, pc.command.argv, pc.command.argv[2],
                 self._meta(pc.command, phase))
            for pc in group
        ]  # fmt: skip
        step = group[0].command.number
        status, result = run_shell_steps(
            self.env, lines, prelude(self.values) if self.values else "",
            any(pc.command.privileged for pc in group),
            on_start=lambda pid: self.journal.session(self.run, step, pid),
        )  # fmt: skip
        self.journal.session_ended(self.run, step)
        faults("after-run", counts)
        # after the step that failed, the shell ran none (it exits): those are skipped;
        # a shell that ended otherwise (killed) leaves the steps it did not say unknown
        failed = next((k for k, rc in enumerate(status) if rc), None)
        self.journal.record(
            [
                (entry, outcome(rc, result.stderr) if rc is not None else "skipped", rc)
                for k, (entry, rc) in enumerate(zip(entries, status, strict=True))
                if rc is not None or (failed is not None and k > failed)
            ]
        )
        faults("after-outcome", counts)
        self._not_the_hosts_namespace(group[-1].command, named)
        self._say_ran(group, status, result.stderr, batched=False)  # (none may fail)
        self.signals.check()
        if result.stdout.strip():
            self.env.out.write(result.stdout)
        if any(rc is None for rc in status) and failed is None:
            raise StepFailed(group[status.index(None)].command, result)  # (killed, or not run)

    def names_made(self) -> set[str]:
        """The namespaces and root links this run's steps made so far ("netns NAME",
        "link NAME"), gathered from what :meth:`_made` kept since the last ask."""
        if self._made_ops:
            netns, links = created_objects(self._made_ops, auto=False)
            self._names_made.update(
                [f"netns {n}" for n in netns] + [f"link {n}" for ns, n in links if ns == ROOT]
            )
            self._made_ops = []
        return self._names_made

    def _made(self, entries: Sequence[Entry]) -> None:
        """The lab record learns what each namespace an ``ip netns add`` of the lab just
        made is (its inode), as it is made: the processes ``down`` stops are only those of
        a namespace that is still that one (hunt E). So it does of each root link an ``ip
        link add`` made (its index and kind, with the host's boot): one renamed by someone
        else before the lab was up is then found under its new name by the rollback or by
        ``down`` (hunt EQ: the blog's bridge, renamed while ``up`` verified, was left on
        the host; its index was read only once the lab was up, under the name it no longer
        had)."""
        self._made_ops += [e.op for e in entries if isinstance(e.op, _MAKERS)]
        names = [e.op.name for e in entries if isinstance(e.op, NetnsAdd)]
        links = _root_links_made(entries)
        if not names and not links:
            return
        info = self.journal.info()
        made = {**info.made, **undo.identities(names, links)}
        kinds = {**{f"link {name}": kind for name, kind in links.items()}, **info.kinds}
        boot = info.boot_id or undo.boot_id()
        try:
            self.journal.write_info(dataclasses.replace(info, made=made, kinds=kinds, boot_id=boot))
        except OSError as exc:  # down then leaves the namespace's processes running (said)
            self.env.err.write(f"iplab: {state_write_error(exc, str(self.journal.info_path))}\n")

    def _probe(self, probe: Probe, result: Result) -> None:
        """A probe's exit status is its claim: reachable (exit 0) or not."""
        reached = result.ok
        self.tally.claims += 1
        verb = "reaches" if probe.reachable else "cannot reach"
        line = f"{probe.ns} {verb} {probe.target}"
        if reached == probe.reachable:
            self.say(f"    PASS {line}")
            return
        self.tally.claims_failed += 1
        why = "it answered" if reached else f"ping exited {result.rc}"
        detail = result.stderr.strip().splitlines()[-1:] if result.stderr.strip() else []
        self.say(f"    FAIL {line}: {why}" + (f" ({detail[0]})" if detail else ""))
        if not reached and "Cannot assign requested address" in result.stderr:
            self._dad_hint(probe.ns)

    def _dad_hint(self, ns: str) -> None:
        """A probe with no source address (``ping6: connect: Cannot assign requested
        address``): which of its namespace's addresses DAD holds back, and what to do."""
        held = self._unready((ns,))
        if not held:
            return
        said = ", ".join(f"{where} ({why})" for where, why in held.items())
        hint = "add the address with 'nodad' (ip addr add ... nodad), or wait before the probe"
        if "dadfailed" in held.values():
            hint = "another host on the link holds the address: choose another, or add it"
            hint += " with 'nodad'"
        self.say(f"    hint: duplicate address detection holds back {said}: {hint}")

    def _claims(self, command: Command) -> None:
        step = command.step
        if step is None or not step.expect:
            return
        owned = self.plan.owned
        part = claims.root_part(step.expect, owned)  # (not the host's other root links)
        state = read_lab_state(self.env, owned.netns, part=part)
        results = claims.check_claims(step.expect, state, owned)
        if any(isinstance(r.claim, NothingLeft) and not r.ok for r in results) and any(
            isinstance(pc.command.op, NetnsDel | NetnsDelAll) for pc in self.plan.commands
        ):
            # the links a deleted namespace takes with it go once the kernel destroys it, a
            # moment later (the peers on a bridge): what stays a second unchanged stays
            undo.settled(
                self.env,
                lambda: claims.leftovers(read_lab_state(self.env, owned.netns, part=part), owned),
                stall=1.0,
            )
            state = read_lab_state(self.env, owned.netns, part=part)
            results = claims.check_claims(step.expect, state, owned)
        for result in results:
            self.tally.claims += 1
            self.tally.claims_failed += not result.ok
            self.say(f"    {result}")


# -- up / run / down -------------------------------------------------------------------------


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@contextmanager
def _lab(
    env: Env, lab: str, plan: Plan, run: str, preflight: bool, *, signals: Signals, doing: str
) -> Iterator[Journal]:
    fresh = not lab_dir(env.state_dir, lab).exists()
    with ExitStack() as stack:
        journal = open_lab(env.state_dir, lab, stack, doing)
        if fresh:  # a start refused before its lab record: no directory of it stays (hunt
            # CF: a state directory with no room kept an empty one, its lock inside)
            stack.callback(_unused_dir_removed, journal)
        if journal.exists():
            raise already_up(lab, journal.info())
        # room for this run's journal and audit records (and its undo's), before anything
        env.reserve = journal.reserve(min(64 << 20, (64 << 10) + 4096 * len(plan.commands)))
        journal.on_full = env.release
        stack.callback(_unreserve, env, journal)
        env.runner.ensure_privilege()
        links, netns = host_names(env, signals)
        signals.check()  # nothing ran and no lab record exists yet
        preflight_checks(env, plan, lab, (links, netns), preflight=preflight)
        env.audit_ready()  # nothing runs that the audit log cannot record
        try:
            journal.write_info(new_lab_info(plan, lab, run, (links, netns), time.time()))
        except OSError as exc:  # (hunt BV: a bare "No space left on device"; nothing ran)
            raise no_room(journal.dir, f"the record of lab {lab} (lab.json)", exc) from None
        yield journal


def _unused_dir_removed(journal: Journal) -> None:
    """The lab's directory, made by this start, removed when the start wrote no lab record
    and the directory holds only its lock (held by this process: no other iplab uses it)."""
    if journal.recorded_here:
        return
    with contextlib.suppress(OSError):
        if [child.name for child in journal.dir.iterdir()] == ["lock"]:
            (journal.dir / "lock").unlink()
            journal.dir.rmdir()


def new_lab_info(
    plan: Plan, lab: str, run: str, names: tuple[set[str], set[str]], started: float
) -> LabInfo:
    """The record of a lab about to come up; ``names``: the host's root links and
    namespaces before it (what of the lab's names the host had)."""
    links, netns = names
    return LabInfo(
        lab=lab,
        run=run,
        scenario=recorded_path(plan.scenario.path),
        sha256=plan.scenario.sha256,
        prefix=plan.prefix,
        started=started,
        owned_netns=sorted(plan.owned.netns),
        owned_links=sorted(plan.owned.links),
        preexisting_netns=sorted(netns & plan.owned.netns),
        preexisting_links=sorted(links & plan.owned.links),
        templates=[str(d.resolve()) for d in plan.templates],
        template_hashes=template_hashes(plan.templates),
        var_pairs=list(plan.var_pairs or ()),
        starting=True,
    )


def recorded_path(path: str) -> str:
    """The scenario as the lab record keeps it: a file by its absolute path (hunt D: a
    relative one was not found by ``verify LAB`` or ``test LAB`` run from another
    directory); a bundled scenario's path is absolute already."""
    return os.path.abspath(path) if Path(path).is_file() else path


def already_up(lab: str, info: LabInfo) -> UsageError:
    if info.down_begun:  # (called with the lab's lock held: no down of it is running)
        return UsageError(
            f"a down of lab {lab} (scenario {info.scenario}) was killed halfway or could not"
            " undo everything: part of the lab is on the host",
            hint=f"`iplab down {lab}` undoes what is left; then up again",
        )
    if info.rollback_failed:
        return UsageError(
            f"an earlier up of lab {lab} (scenario {info.scenario}) failed and its rollback"
            " could not undo everything: part of the lab is on the host",
            hint=f"`iplab down {lab}` undoes what is left; then up again",
        )
    if info.starting:  # (called with the lab's lock held: no up of it is running)
        return UsageError(
            f"an earlier up of lab {lab} (scenario {info.scenario}, at"
            f" {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(info.started))}) was killed"
            " halfway: part of the lab is on the host",
            hint=f"`iplab down {lab}` undoes what it did; then up again",
        )
    return UsageError(
        f"lab {lab} is already up (scenario {info.scenario}, since "
        f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(info.started))})",
        hint=f"`iplab down {lab}` first, or choose another --prefix or --lab",
    )


def host_names(env: Env, signals: Signals | None) -> tuple[set[str], set[str]]:
    """The host's root links and namespaces, as the checks before a run read them."""
    try:
        return iproute.read_names(env.runner)
    except IplabError:
        if signals is not None:
            signals.check()  # the read failed because a signal stopped it: say that
        raise


def preflight_checks(
    env: Env, plan: Plan, lab: str, names: tuple[set[str], set[str]], *, preflight: bool
) -> None:
    """What a run checks on the host before anything runs (they only read): the lab's names
    free on this host, the names a raw step may take under ``--prefix``, the host's own
    objects, the programs the steps need. A dry run makes the same checks (hunt Y: it said
    nothing of what a real ``up`` then refused)."""
    links, netns = env.names_before = names
    hostnamed.refuse(plan, links)  # (hunt AF: a host link behind python -c, at, xargs...)
    # a name the host has in the root namespace is free inside the lab's namespaces
    # and what a raw step of unknown effect may have made is the host's if it has it
    mine = plan.owned
    clash = sorted((mine.netns - mine.adopted) & netns)
    clash += sorted((mine.in_root() - mine.adopted) & links)
    if clash and preflight:
        one = len(clash) == 1
        try:
            others = list_labs(env.state_dir)
        except IplabError:  # a lab record unreadable: say it as before
            others = []
        owners = sorted(
            other.lab
            for other in others
            if other.lab != lab and set(clash) & {*other.owned_netns, *other.owned_links}
        )
        whose = (
            f"; lab {', '.join(owners)} (up) made {'it' if one else 'them'}"
            if owners
            else _not_ours(env.state_dir, lab, clash, mine.netns - mine.adopted, netns)
        )
        stale = [n for n in clash if n in netns and undo.unmounted_netns(n)]
        # (hunt AQ: 551 names of a star left by a lost run made one line of 9,000 characters)
        listed = ", ".join(clash[:8]) + (f" and {len(clash) - 8} more" if len(clash) > 8 else "")
        raise IplabError(
            f"not starting: {listed} already {'exists' if one else 'exist'} on this"
            f" host{whose}{_stale_said(stale)}{_kernel_named(plan, clash)}",
            hint=(
                "use --prefix P to give the lab's objects other names"
                if _prefix_helps(plan, clash)
                else _kept_names(plan, clash)
            )
            + (f", or `iplab down {owners[0]}` first" if owners else "")
            + "".join(f", or `ip netns del {n}`" for n in stale),
        )
    if preflight:
        _hosts_own(plan, links, netns)  # (first: no --prefix or --no-preflight helps it)
        _prefixed(plan)
        hostsubnets.refuse(plan)  # (hunt DJ: the host's own subnet on a veth of the lab)
        for warning in forwarding.on_this_host(plan.scenario.setup):  # (hunt DZ)
            env.err.write(f"iplab: warning: {warning}\n")
        nsids.refuse_taken((pc.command for pc in plan.commands), env.runner)
        for note in programs.refuse_missing(plan):  # (a step the author lets fail)
            env.err.write(f"iplab: note: {note}\n")
        for note in kernelconfig.refuse_lacking(plan, kernelconfig.this_kernel()):
            env.err.write(f"iplab: note: {note}\n")


def _chosen(plan: Plan) -> set[str]:
    """The links the kernel names for the lab (``ip link add type veth``: veth0, veth1),
    which no --prefix renames."""
    ops = [step.op for step in plan.scenario.steps]
    return created_names(ops)[1] - created_names(ops, auto=False)[1]


def _prefix_helps(plan: Plan, clash: Sequence[str]) -> bool:
    """Whether another --prefix would free a name taken: one the page writes (hunt BR's
    br-p01: veth0 taken, the kernel's own choice for ``ip link add type veth``, and the
    hint said to use the --prefix the user had given). Hunt DH #3: under --prefix the
    kernel's names are given, the lab's own, so only a run without one meets them."""
    return not set(clash) <= _chosen(plan)


def _kernel_named(plan: Plan, clash: Sequence[str]) -> str:
    """Which of the names taken the kernel chooses, and on which step of the lab."""
    chosen = [name for name in clash if name in _chosen(plan)]
    step = next(
        (
            s
            for s in plan.scenario.steps
            if isinstance(s.op, LinkAdd) and (s.op.name is None or s.op.peer is None)
        ),
        None,
    )
    if not chosen or step is None:
        return ""
    where = f", {Path(step.loc.file).name}:{step.loc.line}" if step.loc.line is not None else ""
    return f"; the kernel names {', '.join(chosen)} ({step.op.text or 'ip link add'}{where})"


def _kept_names(plan: Plan, clash: Sequence[str]) -> str:
    """What to do when the names taken are the kernel's choice (hunts BR and BU: a page's
    or a script's ``ip link add type veth`` where the host had veth0). Without --prefix the
    kernel names them; hunt DH #3: with one, the run names them the lab's own."""
    named = ", ".join(clash[:8])
    if plan.prefix:  # (not met: with_prefix names them; kept for a scenario that did not)
        return (
            f"--prefix {plan.prefix} does not rename {named}: delete them if they are left"
            " from an earlier try, or name each end on the page's line (ip link add NAME"
            " type veth peer name PEER)"
        )
    return (
        f"the kernel names {named} for the lab; run with --prefix P, which names them the"
        " lab's own (Pveth0...), or delete them if they are left from an earlier try, or"
        " name each end on the page's line (ip link add NAME type veth peer name PEER)"
    )


def _stale_said(stale: Sequence[str]) -> str:
    """Namespaces of ``ip netns list`` that are files left in /run/netns, no namespace (hunt
    AJ: only `already exists on this host and iplab did not create it` was said)."""
    if not stale:
        return ""
    verb = "is a file" if len(stale) == 1 else "are files"
    return f" ({', '.join(stale)} {verb} left in {NETNS_DIR}, no namespace)"


def _not_ours(
    state_dir: Path, lab: str, clash: list[str], made: Collection[str], present: Collection[str]
) -> str:
    """Whose the names a lab would make are, when no lab of this state directory made
    them: another state directory's lab if iplab's default one has it up, or maybe when
    every namespace the lab makes is there already (sudo may drop IPLAB_STATE_DIR, and
    "iplab did not create them" was then wrong, hunt M)."""
    them = "it" if len(clash) == 1 else "them"
    default = statedir.resolve(None)
    if default != state_dir:
        try:
            elsewhere = [
                i.lab for i in list_labs(default) if set(clash) & {*i.owned_netns, *i.owned_links}
            ]
        except (IplabError, OSError):
            elsewhere = []
        if elsewhere:
            return f"; lab {elsewhere[0]} of the state directory {default} made {them}"
    if made and all(name in present for name in made):
        return (
            f": no lab of the state directory {state_dir} made {them}; {lab} may be up"
            " from another state directory (--state-dir, IPLAB_STATE_DIR; sudo may drop it)"
        )
    return f" and iplab did not create {them}"


def _refused_maker(plan: Plan, opaque: Sequence[Command], kept: Sequence[str]) -> None:
    """The step that names what the prefix cannot rename is one ip refuses on any host
    (``sudo ip ns add blue``, hunt BW): it makes nothing, and the page's slip is what to
    fix, not the prefix (it was said to make blue "as written")."""
    for c in opaque:
        if not set(kept) & set(shell_tokens(c.text) or c.text.split()):
            continue
        said = ipgrammar.refusal(c.text)
        if said is None:
            continue
        fixed = ipgrammar.meant(c.text, said)
        raise ModelError(
            f"with --prefix {plan.prefix}, {', '.join(kept)} would keep"
            f" {'its name' if len(kept) == 1 else 'their names'} on this host:"
            f" no step makes {'it' if len(kept) == 1 else 'them'} but `{c.text}`, which ip"
            f" refuses on any host ({said})",
            c.step.loc if c.step is not None else None,
            f"did you mean `{fixed}`?" if fixed else "a typo? write the line as ip reads it",
        )


def _prefixed(plan: Plan) -> None:
    """With ``--prefix``, refuse a lab whose steps use a name only a raw step of unknown
    effect may make (``ip netns add x1 | cat``, then ``ip -n x1 ...``), or with a raw step
    whose words make a namespace or a link (``ip netns add 实验``, ``ip netns add x ||
    echo``): that step runs as written, so the name would stay the host's own, outside
    the prefix the user asked for, and nothing would say so."""
    if not plan.prefix:
        return
    opaque = [  # what a step does to names, neither said nor known from its words
        pc.command
        for pc in plan.commands
        if isinstance(pc.command.op, Raw | NetnsExec) and effects_of(pc.command.op) is None
    ]
    making = next((c for c in opaque if _adds_names(c.body)), None)
    if making is not None:
        raise ModelError(
            f"with --prefix {plan.prefix}, `{making.text}` (a step iplab cannot read) would"
            " make a namespace or a link under a name the prefix cannot rename",
            making.step.loc if making.step is not None else None,
            "say what that step makes with 'creates:' (then --prefix renames it too); or run "
            "without --prefix; or --no-preflight to run it as written",
        )
    if not plan.owned.adopted:
        return
    kept = sorted(plan.owned.adopted)
    one = len(kept) == 1
    _refused_maker(plan, opaque, kept)
    # the step whose words name it (hunt W: the first opaque step was named, setup[0],
    # an unshare line, and not setup[8], ip netns attach ctr ...)
    naming = [c for c in opaque if set(kept) & set(shell_tokens(c.text) or c.text.split())]
    first = next(iter(naming or opaque), None)
    more = f" (and {len(opaque) - 1} more such steps)" if len(opaque) > 1 else ""
    unsaid = not any(name in c.text for c in opaque for name in kept)
    if unsaid and first is not None and (user := _using(plan, kept)) is not None:
        # (hunt AF #14: setup[1], `ip -n "$NS" ...`, was said to make default, a name
        # no step iplab cannot read has, setup[4]'s: that step is said, and the one that
        # may make it)
        raise ModelError(
            f"with --prefix {plan.prefix}, {', '.join(kept)} would keep"
            f" {'its name' if one else 'their names'} on this host: `{user.text}` uses"
            f" {'it' if one else 'them'}, and only a step iplab cannot read may make"
            f" {'it' if one else 'them'}, as written: `{first.text}`{more}",
            user.step.loc if user.step is not None else None,
            "say with 'creates:' on the step that makes it what it makes (then --prefix"
            " renames it too); or run without --prefix; or --no-preflight to run it as written",
        )
    raise ModelError(
        f"with --prefix {plan.prefix}, {', '.join(kept)} would keep "
        f"{'its name' if one else 'their names'} on this host: "
        + (f"`{first.text}` " if first is not None else "a step ")
        + f"(a step iplab cannot read{more}) makes {'it' if one else 'them'} as written",
        first.step.loc if first is not None and first.step is not None else None,
        "say what that step makes with 'creates:' (then --prefix renames it too); or run "
        "without --prefix; or --no-preflight to run it as written",
    )


def _using(plan: Plan, kept: Collection[str]) -> Command | None:
    """The first command that names one of ``kept`` (a namespace or link of its own)."""
    return next(
        (pc.command for pc in plan.commands if {n for _, n in pc.command.op.refs()} & set(kept)),
        None,
    )


#: programs that run a command given in their own words (``seq 5 | xargs -I{} ip netns
#: add w{}``, ``timeout 5 ip link add ...``, ``sudo -u root ip netns add x``)
_WRAPPERS = frozenset({*wrappers.WRAPPERS, "xargs", "parallel"})
_NAMING = frozenset({"ip", "bridge", "brctl"})


def _stage_adds_names(stage: Sequence[str]) -> bool:
    """One simple command makes a namespace or a link: itself, or the ip command a wrapper
    (xargs, parallel, env, timeout, nice, sudo -u ...) runs (hunt S: ``seq 1 80 | sudo
    xargs -P 8 -I{} ip netns add w{}`` ran unrenamed under --prefix)."""
    if adds_names(strip_sudo(tuple(stage)) if program_name(stage[0]) == "sudo" else stage):
        return True
    if program_name(stage[0]) not in _WRAPPERS:
        return False
    return any(
        adds_names(stage[i:]) for i in range(1, len(stage)) if program_name(stage[i]) in _NAMING
    )


def _adds_names(text: str) -> bool:
    """Whether one of the simple commands of a shell line makes a namespace or a link."""
    stage: list[str] = []
    for token in [*(shell_tokens(text) or text.split()), ";"]:
        if token in JOINS or token in ("&", "(", ")"):
            if stage and _stage_adds_names(stage):
                return True
            stage = []
        else:
            stage.append(token)
    return False


def _hosts_own(plan: Plan, links: set[str], netns: set[str]) -> None:
    """Refuse, before anything runs, a step that would change or delete an object this
    host had before the lab: one the model took for what an earlier raw step of unknown
    effect may have made (``docker network create ...``, then ``ip link del docker0``).
    Run, it would reach the host's own object, which no undo can give back."""
    if not plan.owned.adopted:  # nothing taken for a raw step's: no step to look at
        return
    for pc in plan.commands:
        command, op = pc.command, pc.command.op
        if pc.skip is not None or command.observe:
            continue
        for kind, name in [*op.refs(), *_tc_refs(op)]:
            if name not in plan.owned.adopted:
                continue
            if (kind == "netns" and name in netns) or (
                kind == "link" and op.in_ns() is None and name in links
            ):
                raise _the_hosts(command, "namespace" if kind == "netns" else "link", name)


def _tc_refs(op: Op) -> list[tuple[str, str]]:
    """The root links the tc commands of a raw step change (``tc qdisc add dev eth0 ...``)."""
    if not isinstance(op, Raw):
        return []
    return [("link", dev) for ns, line in tcwords.commands(op.command) if ns is None
            for dev in line.devices()]  # fmt: skip


def _the_hosts(command: Command, what: str, name: str) -> ModelError:
    """The lab would change the host's own ``name``: said plainly, with the one way out, an
    edit of the page (hunt L: the advice sent ``--prefix`` to ``--no-preflight`` and back,
    and either would have shaped the host's own ifb0 and eth0)."""
    return ModelError(
        f"`{command.text}` would change this host's own {what} {name}: the host had it"
        " before the lab started and no step of the lab makes it (the model took it for one"
        " an earlier raw step may have made); iplab never changes or deletes what it did"
        " not make",
        command.step.loc if command.step is not None else None,
        f"the lab cannot run as written on this host, with or without --prefix: edit the"
        f" page so that a step makes the {what} it changes (ip link add NAME type ...), under"
        " a name of the lab's own, and import it again",
    )


def _unreserve(env: Env, journal: Journal) -> None:
    """A run that never wrote its lab record gives its reserved space back."""
    if not journal.exists():
        env.release()


def audit_context(plan: Plan, lab: str, run: str | None) -> dict[str, Any]:
    """What every audit record of a run of ``plan`` carries (no run id for a dry run)."""
    return {"lab": lab, "run": run, "scenario": plan.scenario.path, "sha256": plan.scenario.sha256}


@contextmanager
def _session(env: Env, plan: Plan, lab: str, opts: Options, doing: str) -> Iterator[Session]:
    """A new run of the lab (``doing``: ``up`` or ``run``, as its lock says): its journal
    opened (and locked), signals caught."""
    run = new_run_id()
    env.context.update(audit_context(plan, lab, run))
    if isinstance(env.out, Output):  # a run stops when its stdout is lost (hunt D)
        env.out.stops = True
    # signals first: from here on a Ctrl-C or SIGTERM is a flag the run checks (and a stop
    # of the running child), never an exception in the middle of writing the journal
    with (
        Signals(env.runner, env.err) as signals,
        _lab(env, lab, plan, run, opts.preflight, signals=signals, doing=doing) as journal,
    ):
        yield Session(env, plan, journal, run=run, signals=signals, batch=opts.batch)


def _setup(session: Session, opts: Options) -> int:
    """Run the setup, its claims, and the verification; 1 when a claim or the check fails."""
    if opts.verify and session.batch:
        session.ahead = Ahead(session.env.runner, session.plan, _may_shape(session.plan))
    try:
        session.execute(session.plan.setup, "setup")
        rc = 1 if session.tally.claims_failed else 0
        if opts.verify:
            lab = session.journal.dir.name
            verified, session.expected = _verify_up(
                session.env, session.plan, session.tolerated, lab, ahead=session.ahead
            )
            session.env.verified = session.expected
            rc = max(rc, verified)
    finally:
        if session.ahead is not None:
            session.ahead.close()
    return rc


def _nothing_remains(session: Session) -> None:
    """The rehearsal's last word on what is left: "nothing of the lab remains" only when no
    name is new on the host since the run began that a step iplab cannot follow may have
    made (hunt S: ``seq 1 5 | sudo xargs -I{} ip netns add hSw{}``, and the run said
    nothing remained while hSw1..hSw5 were there)."""
    if _new_on_the_host(session):
        session.say("== nothing iplab followed remains; the names said just above may be the lab's")
    else:
        session.say("== nothing of the lab remains")


def _new_on_the_host(session: Session) -> list[str]:
    """After a rehearsal whose steps include some the model cannot follow (``make up``, a
    script of the tutorial's own): the namespaces and root links new on the host since the
    run began, said (hunt O: ``make down`` forgot a namespace, and the run said nothing of
    the lab remained). Said, not deleted and not a failure: iplab cannot know they are the
    lab's, and other work on this host may have made them."""
    env, plan = session.env, session.plan
    unfollowed = [
        f"{c.command.step.loc.field}: {c.command.text}" if c.command.step else c.command.text
        for c in plan.commands
        if isinstance(c.command.op, Raw | NetnsExec)
        and not c.command.observe
        and effects_of(c.command.op) is None
    ]
    if not unfollowed or env.names_before is None:
        return []
    links, netns = iproute.read_names(env.runner)
    new = sorted(netns - env.names_before[1]) + sorted(links - env.names_before[0])
    if not new:
        return []
    more = f" and {len(unfollowed) - 1} more" if len(unfollowed) > 1 else ""
    said = (
        f"new on this host since the run began: {', '.join(new)}; a step iplab cannot follow"
        f" may have made them ({unfollowed[0]}{more}), or other work on this host: iplab"
        " leaves them"
    )
    session.say(f"== {said}")
    env.err.write(f"iplab: warning: {said}\n")
    return new


def up(env: Env, plan: Plan, lab: str, options: Options | None = None) -> int:
    opts = options or Options()
    with _session(env, plan, lab, opts, "up") as session:
        try:
            rc = _setup(session, opts)
            session.signals.check()  # a Ctrl-C during the verification stops the run too
            _remember_what_was_made(session)
            session.say(
                f"lab {lab} is up: {counted(session.tally.changes, 'change')} journaled "
                f"(undo with: iplab down {lab})"
            )
            fault("said-up", 1)
            # from here a Ctrl-C or SIGTERM is too late to undo what the user asked to stay
            lab_stays[:] = [f"lab {lab} is up and stays up (iplab down {lab} takes it down)"]
            if (late := session.signals.received) is not None:  # (came since the check:
                # hunt CF, nothing said it and the lab stayed up)
                env.err.write(f"iplab: {signal.Signals(late).name} received: {lab_stays[0]}\n")
            fault("is-up", 1)
        except IplabError as exc:
            return _abort(env, session, exc, opts)
        except Exception as bug:  # a bug in iplab: what this run did is undone all the same
            return _bug(env, session, bug, opts)
        return rc


def _remember_what_was_made(session: Session) -> None:
    """The lab record learns what each namespace and root link the lab made is (its inode,
    its index, with the host's boot and each link's kind): ``down`` then leaves alone one
    that someone deleted and made again since, and one that only has a lab link's index."""
    info = session.journal.info()
    owned = session.plan.owned
    netns = owned.netns - owned.adopted - set(info.preexisting_netns)
    links = owned.in_root() - owned.adopted - set(info.preexisting_links)
    # (a namespace's identity as its ip netns add made it, recorded then, is kept)
    made = {**undo.identities(netns - _recorded(info, "netns"), links), **info.made}
    kinds = _made_kinds(session, links)
    try:
        session.journal.write_info(
            dataclasses.replace(
                info, made=made, boot_id=undo.boot_id(), kinds=kinds, starting=False
            )
        )
    except OSError as exc:  # the lab is up; down then deletes by name, as it did before
        session.env.err.write(f"iplab: {state_write_error(exc, str(session.journal.info_path))}\n")


def _recorded(info: LabInfo, kind: str) -> set[str]:
    """The names of this kind whose identity the lab record keeps already."""
    return {key.partition(" ")[2] for key in info.made if key.startswith(f"{kind} ")}


def _made_kinds(session: Session, links: Collection[str]) -> dict[str, str]:
    """The kind of each root link the lab made (LabInfo.kinds), as the model made it; read
    from the kernel only when the model does not know one (a raw step's link): reading a
    root namespace of a star's 500 ports cost 33 ms (#14)."""
    from iplab.plan import expected_state

    if session.expected is None and not session.tolerated:  # (up --no-verify: as planned)
        kinds = {n: session.plan.root_kinds[n] for n in links if n in session.plan.root_kinds}
    else:
        expected = session.expected or expected_state(session.plan, None, session.tolerated)
        root = expected.namespaces[ROOT].links
        kinds = {n: root[n].kind for n in links if n in root}
    if any(kind in (None, "unknown") for kind in kinds.values()) or len(kinds) < len(links):
        return undo.link_kinds(links)
    return {f"link {n}": kind for n, kind in sorted(kinds.items())}


def run_all(env: Env, plan: Plan, lab: str, options: Options | None = None) -> int:
    """The tutorial as a rehearsal: setup, its own teardown, then nothing may remain."""
    opts = options or Options()
    with _session(env, plan, lab, opts, "run") as session:
        journal = session.journal
        try:
            session.say(f"== setup ({counted(len(plan.setup), 'step')})")
            rc = _setup(session, opts)
            if plan.teardown:
                # the lab's namespaces as the kernel knows them: after the tutorial's own
                # `ip netns del`, a process it left running still holds one of them
                entries = journal.entries()
                taken, _links = undo.taken_names(entries)
                mine = undo.job_pids(journal)  # (stopped as jobs after the teardown)
                own = undo.stoppable_netns(env, journal.info(), entries, taken, mine)
                before = processes_in(own)
                session.say(f"== teardown ({counted(len(plan.teardown), 'step')})")
                session.execute(plan.teardown, "teardown")
                rc = max(rc, 1 if session.tally.claims_failed else 0)  # the teardown's claims
                kept = undo.still_inside(before, own)
                undo.stop_jobs(env, journal, "left running by the tutorial's cleanup")
                undo.stop_found(env, kept, "left running by the tutorial's cleanup")
            session.signals.check()
        except IplabError as exc:
            return _abort(env, session, exc, opts)
        except Exception as bug:  # a bug in iplab: what this run did is undone all the same
            return _bug(env, session, bug, opts)
        left = undo.leftovers(env, journal.info()) if plan.teardown else []
        if plan.teardown and (put := session.put_back()):
            session.say(
                f"== the tutorial's cleanup left the host otherwise: put back {'; '.join(put)}"
            )
        if plan.teardown:
            _forgotten_rules(session)
        if not plan.teardown:  # nothing to rehearse: the journal takes the lab down
            session.signals.passive = True
            report = undo.rollback(env, journal, opts.exact_undo)
            if not _undone(report):
                return _kept(env, journal, report)
            session.say(
                "== the tutorial has no cleanup: undone from the journal"
                f" ({counted(report.ran, 'command')})"
            )
            rc = max(rc, 1 if _unrestored(env, report) else 0)
            _nothing_remains(session)
        elif left:  # a partial cleanup is as normal in tutorials as none: finish it
            session.signals.passive = True
            report = undo.rollback(env, journal, opts.exact_undo)
            if not _undone(report):
                return _kept(env, journal, report)
            session.say(
                f"== the tutorial's cleanup left {', '.join(left)}: undone from the journal "
                f"({counted(report.ran, 'command')})"
            )
            rc = max(rc, 1 if _unrestored(env, report) else 0)
            _nothing_remains(session)
        else:
            _nothing_remains(session)
        journal.mark_undone(
            [e for e in journal.entries() if e.status in ("done", "pending", "failed")]
        )
        journal.archive(env.state_dir)
        failed = session.tally.claims_failed
        session.say(
            f"{'OK' if rc == 0 else 'FAILED'}: {counted(session.tally.commands, 'command')}, "
            f"{session.tally.claims - failed}/{session.tally.claims} claims hold"
        )
        return rc


def _forgotten_rules(session: Session) -> None:
    """The host rules the setup added and the tutorial's cleanup forgot, undone from the
    journal and said (hunt E: an OUTPUT DNAT rule was left, and the run said nothing of the
    lab remained); one that could not be undone is a warning too."""
    from iplab import forgotten

    for said, undone in forgotten.put_back(session.env, session.journal):
        session.say(f"== the tutorial's cleanup left a rule of the host: {said}")
        if not undone:
            session.env.err.write(f"iplab: warning: a rule of the host is left: {said}\n")


#: how many of the objects a failed undo left are named
_SHOWN = 10


def _kept(env: Env, journal: Journal, report: undo.UndoReport) -> int:
    if report.left or report.failed:
        what = report.left or report.failed
        # the first few and how many more (hunt CY: a star-300's 901 names made one line of
        # 10 KB, and the advice at its end was lost in them)
        shown = ", ".join(what[:_SHOWN]) + (
            f" and {len(what) - _SHOWN} more" if len(what) > _SHOWN else ""
        )
        env.err.write(
            f"iplab: could not undo everything (still there: {shown}); the journal "
            f"is kept: run `iplab down {journal.dir.name}` to try again\n"
        )
    if report.refused:
        env.err.write(
            f"iplab: refused {counted(len(report.refused), 'undo command')} of the journal (see"
            f" above); the journal is kept in {journal.dir} for you to look at\n"
        )
    return 1


def _taken(env: Env, report: undo.UndoReport) -> None:
    if report.taken:
        env.err.write(
            f"iplab: left alone: {', '.join(report.taken)} (created by someone else after "
            "iplab checked the names; the lab never created it)\n"
        )


def _archive(env: Env, journal: Journal) -> bool:
    """Move the journal to history; a state directory that refuses leaves it in place
    (the next ``down`` finds nothing to do and archives it)."""
    try:
        journal.archive(env.state_dir)
    except OSError as exc:
        env.err.write(
            f"iplab: nothing of the lab is left, but its journal could not be archived "
            f"({exc.strerror or exc}: {exc.filename or journal.dir}); `iplab down "
            f"{journal.dir.name}` will finish that\n"
        )
        return False
    return True


def _rollback_failed(env: Env, journal: Journal) -> None:
    """The lab record says the up failed and its rollback left part of the lab: ``ls`` says
    that, not that the up was killed halfway (hunt U)."""
    try:
        info = journal.info()
        if info.starting:
            journal.write_info(dataclasses.replace(info, rollback_failed=True))
    except (OSError, IplabError) as exc:  # the lab is listed as interrupted: down works alike
        env.err.write(f"iplab: could not note the failed rollback in the lab record: {exc}\n")


def _unrestored(env: Env, report: undo.UndoReport) -> bool:
    """Say the raw undo commands that failed (the lab's namespaces and links are gone all
    the same, and its journal with them: running them again is the user's call); True
    when there is one, and the command then exits 1."""
    if not report.unrestored:
        return False
    whose = "its step" if len(report.unrestored) == 1 else "their steps"
    env.err.write(
        f"iplab: warning: {counted(len(report.unrestored), 'undo command')} of the scenario"
        f" failed: {', '.join(report.unrestored)}; what {whose} changed may still be on the"
        " host (the lab's namespaces and links are gone)\n"
    )
    return True


def _undone(report: undo.UndoReport) -> bool:
    return not (report.failed or report.left or report.refused)


def _bug(env: Env, session: Session, bug: Exception, opts: Options) -> int:
    """Roll back after a bug in iplab (exit 70); with IPLAB_DEBUG, its traceback after."""
    if isinstance(bug, MemoryError):  # (the host's limit, not a bug: said as such)
        return _abort(env, session, OutOfMemory(), opts)
    rc = _abort(env, session, InternalError(bug), opts)
    if os.environ.get("IPLAB_DEBUG"):
        raise bug
    return rc


def _abort(env: Env, session: Session, exc: IplabError, opts: Options) -> int:
    journal = session.journal
    signals = session.signals
    signals.passive = True  # the undo is not stopped halfway (each command has a limit)
    if signals.received is not None and not isinstance(exc, Interrupted):
        try:  # what failed failed because the signal stopped it: say so
            signals.check()
        except Interrupted as stopped:
            exc = stopped
    env.err.write(f"iplab: error: {exc}\n")
    if isinstance(exc, StepFailed):
        _deleted_meanwhile(env, journal, exc)
    env.err.write("iplab: undoing what this run did, from the journal\n")
    journal.note("rollback")  # (verify and ls say the lab is being rolled back)
    try:
        report = undo.rollback(env, journal, opts.exact_undo)
    except MemoryError:  # (ulimit -v: what the rollback needs is not there either)
        with contextlib.suppress(MemoryError):
            _rollback_failed(env, journal)
        env.err.write(
            f"iplab: the rollback ran out of memory too; the journal is kept: run `iplab down"
            f" {journal.dir.name}` once iplab has more memory\n"
        )
        return max(exc.exit_code, 1)
    _taken(env, report)
    if not _undone(report):
        _rollback_failed(env, journal)
        _kept(env, journal, report)
        return max(exc.exit_code, 1)
    if journal.vanished:  # (nothing left to archive: said, and the host is restored)
        env.err.write(
            f"iplab: rolled back ({counted(report.ran, 'undo command')}) from the journal this run"
            f" wrote (its file is gone: {journal.path}); the host is as it was before\n"
        )
        return max(exc.exit_code, 1)
    if not _archive(env, journal):
        return max(exc.exit_code, 1)
    if _unrestored(env, report):
        return max(exc.exit_code, 1)
    env.err.write(
        f"iplab: rolled back ({counted(report.ran, 'undo command')}); the host is as it was"
        " before\n"
    )
    return exc.exit_code


def _deleted_meanwhile(env: Env, journal: Journal, exc: StepFailed) -> None:
    """Say each namespace and root link the failed command names that this run's steps
    left made (the model, replaying what they did) and that is gone: someone else deleted
    it while ``up`` ran (hunt EB: ip's words alone said it, "Cannot open network
    namespace", 'Invalid "netns" value', "RTNETLINK answers: Invalid argument").

    Only a missing object is said gone (:func:`undo.present`): a host that cannot say
    (/run/netns unreadable) is said as such, and a bug met here as a bug, and the rollback
    goes on (hunt EJ: every Exception was suppressed, and such failures read as "deleted
    by something else")."""
    try:
        for what, kind, name in _made_and_named(journal, exc):
            try:
                there = undo.present(kind, name)
            except OSError as failed:
                env.err.write(
                    f"iplab: cannot tell whether {what}, which the lab made, is still there:"
                    f" {failed.strerror or failed}\n"
                )
                continue
            if not there:
                env.err.write(
                    f"iplab: {verify.made_and_gone(what, ' while the lab came up')}; up again"
                    " once nothing else deletes it\n"
                )
    except Exception as bug:  # (a bug here must not stop the rollback: said, and it runs)
        said = out_of_memory() if isinstance(bug, MemoryError) else str(InternalError(bug))
        env.err.write(f"iplab: {said}, while looking for what someone else deleted\n")


def _made_and_named(journal: Journal, exc: StepFailed) -> list[tuple[str, str, str]]:
    """(what, kind, name) of each namespace and root link that this run's done steps left
    made, as the model replays them, and that the failed command names; none after a step
    of unknown effects (it may have deleted or moved anything)."""
    from iplab.model import Judge, apply

    state, judge = State(), Judge(strict=False)  # (objections kept: the kernel took them)
    for entry in journal.entries():
        if entry.op is not None and entry.status == "done":
            apply(state, entry.op, judge=judge)
    if state.opaque:
        return []
    named = set(exc.command.argv)
    with contextlib.suppress(ValueError):  # (a line shlex cannot split: its argv alone)
        named |= set(shlex.split(exc.command.text))
    return [
        (f"namespace {name}", "netns", name)
        for name in sorted(named & (state.namespaces.keys() - {ROOT}))
    ] + [
        (f"link {name}", "link", name)
        for name in sorted(named & state.namespaces[ROOT].links.keys())
    ]


def live_differences(
    env: Env, plan: Plan, upto: int | None = None, without: Sequence[int] = (),
    lab: str | None = None, *, ahead: Ahead | None = None, by_hand: bool = True,
) -> tuple[State, list[verify.Difference]]:  # fmt: skip
    """What the model expects after step ``upto`` (default: the setup; ``without`` the steps
    that may fail and failed), and how the kernel differs from it, for the lab's objects;
    after the setup of ``lab`` (a lab that is up), how its qdiscs differ from what its
    journal's tc lines left, as ``iplab verify`` judges (hunt L: up said OK, verify FAILED).
    ``ahead``: what an ``up`` replayed and read while its setup's last batch ran.
    ``by_hand``: look for routes and rules added by hand in the lab's namespaces
    (:mod:`iplab.extras`); not by the verification that ends an ``up``, right after its
    setup: nothing was added by hand then, and reading every namespace's routes cost
    star-500's ``up`` 0.1 s (#14)."""
    from iplab.live import live_problems
    from iplab.plan import expected_state

    whole = ahead.expected(without) if ahead is not None and upto is None else None
    expected = expected_state(plan, upto, without) if whole is None else whole
    names = verify.read_names(expected, plan.owned)
    roots = verify.read_roots(expected, plan.owned)
    # the root links verify looks at; all of them when the qdiscs are compared (any link's)
    shaped = lab is not None and upto is None and _may_shape(plan)
    part = None if shaped else verify.root_part(expected, plan.owned)
    # (a read begun ahead named every root veth's peer of its part: more than verify
    # needs, no less)
    routes_read = begin_route_read(env, expected, by_hand)  # (while the links are read)
    read = ahead.observed(names, part) if whole is not None and ahead is not None else None
    observed = read or read_lab_state(env, names, roots, part)
    found = verify.diff(expected, observed, plan.owned)
    routed, ruled = route_and_rule_differences(env, expected, observed, routes_read)
    found += routed
    found += sysctl_differences(env, expected, observed)
    found += neighbour_differences(env, expected, observed)
    found += ruled
    if lab is not None and upto is None and _may_shape(plan):
        found += live_problems(env, lab, observed)
    return expected, found


def _may_shape(plan: Plan) -> bool:
    """Whether a step of the lab may have left a qdisc (a command naming tc): a lab coming
    up with none needs no read of its journal's tc lines (#14: 15 ms of star-500's up)."""
    return any(
        isinstance(step.op, Raw | NetnsExec) and "tc" in step.op.command
        for step in plan.scenario.steps
    )


def begin_route_read(
    env: Env, expected: State, by_hand: bool = True
) -> Callable[[State], extras_module.Read]:
    """The read of the routes and rules :func:`route_and_rule_differences` compares, begun
    before the lab's links are read (:func:`iplab.extras.begin_read`); ``by_hand``: of the
    lab's namespaces the model is sure of too, for what was added by hand."""
    from iplab import extras, routes, rules

    promised = set(routes.promised(expected)) | set(rules.promised(expected))
    watched = extras.watched(expected) if by_hand else []
    return extras.begin_read(env.runner, promised, watched)


def route_and_rule_differences(
    env: Env, expected: State, observed: State,
    begun: Callable[[State], extras_module.Read] | None = None,
) -> tuple[list[verify.Difference], list[verify.Difference]]:  # fmt: skip
    """The routes and policy rules the scenario promises that the kernel does not hold as
    promised (:mod:`iplab.routes`, :mod:`iplab.rules`), and those in the lab's namespaces
    that it does not expect (:mod:`iplab.extras`, hunt DI): all read at once, no process
    more than before (:func:`iplab.extras.read`).
    The routes' differences, and the rules'."""
    from iplab import extras, routes, rules

    read = begun or begin_route_read(env, expected)
    found_routes, found_rules = read(observed)
    routed = routes.differences(expected, observed, extras.promised_routes(found_routes))
    routed += extras.extra_routes(expected, found_routes)
    ruled = rules.differences(expected, observed, extras.promised_rules(found_rules))
    ruled += extras.extra_rules(expected, found_rules)
    return routed, ruled


def sysctl_differences(env: Env, expected: State, observed: State) -> list[verify.Difference]:
    """The sysctls the lab wrote that the kernel does not show as written
    (:mod:`iplab.sysctlcheck`; nothing is read when it wrote none)."""
    from iplab import sysctlcheck

    wanted = {
        ns: sorted(paths)
        for ns, paths in verify.written_sysctls(expected).items()
        if ns in observed.namespaces
    }
    return sysctlcheck.differences(expected, observed, sysctlcheck.read_sysctls(env.runner, wanted))


def neighbour_differences(env: Env, expected: State, observed: State) -> list[verify.Difference]:
    """The lasting neighbours the lab added that the kernel does not hold as added
    (:mod:`iplab.neighbours`; nothing is read when it added none)."""
    from iplab import neighbours

    wanted = [ns for ns in neighbours.promised(expected) if ns in observed.namespaces]
    return neighbours.differences(
        expected, observed, neighbours.read_neighbours(env.runner, wanted)
    )


def released(env: Env, names: Sequence[tuple[str, str]]) -> list[str]:
    """Wait until the kernel has destroyed these (namespace, link) names, which a namespace
    deleted before took with it (:class:`iplab.plan.Reborn`); after :data:`RELEASE_STALL`
    seconds with none gone, what is still there (a process holds the namespace)."""
    spaces = frozenset(ns for ns, _ in names)
    part = RootPart(frozenset(link for ns, link in names if ns == ROOT))

    def left() -> list[str]:
        state = read_lab_state(env, spaces, part=part)
        return [
            link if ns == ROOT else f"{link}@{ns}"
            for ns, link in names
            if ns in state.namespaces and link in state.namespaces[ns].links
        ]

    return undo.settled(env, left, stall=RELEASE_STALL)


def _verify_up(
    env: Env, plan: Plan, tolerated: Sequence[int] = (), lab: str | None = None,
    *, ahead: Ahead | None = None,
) -> tuple[int, State]:  # fmt: skip
    """Verify a lab that just came up: 1 when the kernel differs (0 when not), and the
    model's state it was held to. What a namespace the setup deleted takes with it is
    waited for first (the kernel destroys it a moment later), and read afresh."""
    from iplab.expectation import keep

    if plan.released:
        released(env, plan.released)
        ahead = None  # (a read begun while the batch ran may have seen them still there)
    expected, differences = live_differences(
        env, plan, without=tolerated, lab=lab, ahead=ahead, by_hand=False
    )
    if not tolerated and (ahead is None or ahead.expected(()) is not expected):
        keep(plan, expected)  # what a `verify` of the lab would replay: it need not
    skipped = verify.unknowable(expected)
    if skipped:
        env.out.write(f"verify: skipped what the model cannot know: {', '.join(skipped)}\n")
    for d in differences:
        env.out.write(f"    DIFF {d}\n")
    for gone in verify.deleted_by_others(differences, expected, plan.owned):
        env.out.write(f"verify: {gone}\n")
    env.out.write(
        f"verify: {verify.verdict(expected)}\n"
        if not differences
        else f"verify: {counted(len(differences), 'difference')} from the scenario\n"
    )
    return (1 if differences else 0), expected


def down(env: Env, lab: str, exact: bool = False) -> int:
    fresh = not lab_dir(env.state_dir, lab).exists()
    with ExitStack() as stack:
        journal = open_lab(env.state_dir, lab, stack, "down")
        if fresh:  # (hunt EK: `down` of a name never up left labs/NAME/lock behind)
            stack.callback(_unused_dir_removed, journal)
        if not journal.exists() and not journal.recoverable():
            if journal.path.exists():  # a crash before lab.json was written: nothing ran
                journal.archive(env.state_dir)
            if any((env.state_dir / "history").glob(f"{lab}@*.jsonl")):
                env.out.write(f"lab {lab} is already down: nothing to undo\n")
                return 0
            raise no_such_lab(env.state_dir, lab)
        info = journal.info()
        if journal.recovered:
            env.err.write(f"iplab: {journal.recovered}: the lab is rebuilt from its journal\n")
        if (journal.dir / "reserve").exists():
            env.reserve = journal.dir / "reserve"
        journal.on_full = env.release
        if (applet := ipkind.multicall_ip()) is not None:  # (hunt EK: its undo batch died)
            raise IplabError(
                f"not taking {lab} down: {applet}, {ipkind.lacks()}", hint=ipkind.INSTALL
            )
        env.runner.ensure_privilege()
        env.context.update(
            {"lab": lab, "run": info.run, "scenario": info.scenario, "sha256": info.sha256}
        )
        # an undo is not interrupted halfway (passive), nor what follows it: the lab
        # archived and said down (hunt CF: a Ctrl-C then said "iplab: interrupted", and
        # a lab undone but not archived was listed as up)
        with Signals(env.runner, env.err) as signals:
            signals.passive = True
            with contextlib.suppress(IplabError):  # (a full audit log stops no down)
                undo.audit_unknown(env, journal)
            _down_begins(journal, info)
            report = undo.rollback(env, journal, exact)
            return _down_done(env, journal, lab, report)


def _down_begins(journal: Journal, info: LabInfo) -> None:
    """The lab record says a down began undoing the lab (``ls`` and ``up`` then say it is
    half down, should this down be killed or fail); a record that cannot be written (a full
    or read-only state directory), or one rebuilt from the journal, stops no down."""
    if journal.recovered or info.down_begun:
        return
    with contextlib.suppress(OSError, IplabError):
        journal.write_info(dataclasses.replace(info, down_begun=True))


def _down_done(env: Env, journal: Journal, lab: str, report: undo.UndoReport) -> int:
    """After ``down``'s undo: what it did, said, and the lab archived when it is gone."""
    _taken(env, report)
    if not _undone(report):
        return _kept(env, journal, report)
    if not _archive(env, journal):
        return 1
    gone = f"{report.gone} of them found it gone already; " if report.gone else ""
    try:
        env.out.write(
            f"lab {lab} is down: {counted(report.ran, 'undo command')} ran "
            f"({gone}{report.skipped} more {plural(report.skipped, 'was')} not needed)\n"
        )
    except OutputLost as exc:  # (hunt BV: "...: stopping", said of a down that was done)
        raise OutputLost(
            f"cannot write to stdout ({exc.reason}): lab {lab} is down all the same",
            broken_pipe=exc.exit_code == 141,
            reason=exc.reason,
        ) from None
    _said_down_all_the_same(env, lab)
    lab_stays[:] = [f"lab {lab} is down"]  # (a signal now stops nothing: said)
    return 1 if _unrestored(env, report) else 0


def _said_down_all_the_same(env: Env, lab: str) -> None:
    """A down whose stdout was lost to a full disk (or any loss but a closed pipe) says the
    lab is down all the same (hunt BV); one whose reader went away (``| head``) says
    nothing, as ``git log | head -1`` does, and exits 141 (hunt EF); one whose terminal
    closed (SIGHUP, then EIO: the down goes on) says nothing either, and exits as the down
    went, 0 when it is done (hunt EF: "down all the same", exit 1, of a down that was)."""
    lost = env.out.how if isinstance(env.out, Output) else None
    if lost is None or lost.broken_pipe or lost.hung_up():  # (no reader left: hunt EF)
        return
    if not lost.said:
        env.err.write(
            f"iplab: error: cannot write to stdout ({lost.reason}): lab {lab} is down all the"
            " same\n"
        )
        streams.note_lost(OSError(lost.reason), said=True)


def list_labs(state_dir: Path) -> list[LabInfo]:
    return [journal.info() for _, journal in labs(state_dir)]


def progress(state_dir: Path, info: LabInfo) -> str:
    """``up``; ``starting`` while its ``up`` runs; ``interrupted`` when that ``up`` is gone
    before its setup finished (killed: hunt M, such a lab was listed as up); ``left`` when
    that ``up`` failed and its rollback could not undo everything (hunt U); ``half-down``
    when a ``down`` of it began and is gone, killed halfway or unable to undo everything
    (hunt CY: such a lab was listed as up)."""
    if not info.starting and not info.down_begun:
        return "up"
    if statedir.holder(lab_dir(state_dir, info.lab) / "lock") is not None:
        return "starting" if info.starting else "up"
    if info.down_begun:
        return "half-down"
    return "left" if info.rollback_failed else "interrupted"


def in_progress(state_dir: Path, lab: str) -> LockedError | None:
    """The error of a lab that another iplab is setting up, rolling back or taking down
    (hunt AJ: ``verify`` of a lab whose ``up`` still ran printed "FAILED: 6 differences"
    and nothing else; ``ls`` listed it as up), or None."""
    try:
        held = statedir.holder(lab_dir(state_dir, lab) / "lock")
    except IplabError:  # (a name that is no lab's: a scenario file's)
        return None
    if held is None:
        return None
    return LockedError(
        f"lab {lab} is {held.said()}: nothing compared",
        hint="wait for it to finish, then ask again; `iplab ls` says what each lab is doing",
    )


def journaled_names(state_dir: Path, info: LabInfo) -> tuple[list[str], list[str]]:
    """The lab's namespaces and links its journal says were made, or may have been (an
    intent without its outcome): of a lab whose ``up`` was killed halfway, what may be on
    the host, not the plan's whole list (hunt M)."""
    from iplab.state import created_names

    try:
        entries = Journal(lab_dir(state_dir, info.lab)).entries()
    except (OSError, IplabError):
        return list(info.owned_netns), list(info.owned_links)
    ops = [e.op for e in entries if e.status in ("done", "pending", "failed") and e.op]
    netns, links = created_names(ops)
    return (
        [n for n in info.owned_netns if n in netns],
        [n for n in info.owned_links if n in links],
    )
