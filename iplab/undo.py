"""Undo a lab from its journal alone.

Two ways, same end (everything the lab created is gone, nothing else changed):

* **exact** replays, newest first, every inverse the journal recorded (set
  down what was set up, move back what was moved, detach what was attached,
  delete what was created), each only where its guard holds on the live state;
* **fast** (the default) keeps only the inverses that destroy: the journal's
  raw undo commands first (newest first), then the namespaces the lab created
  (which destroys the links inside them and, with a veth, its peer), then the
  lab's remaining links in the root namespace, all fed to one ``ip -batch``.
  Every other inverse would change an object that one of these deletions
  destroys anyway: the model only lets a scenario change objects it created.

Either way an intent without an outcome (a crash between running a command and
recording it) is judged on the live state, and an object that existed before
the lab (``lab.json``'s preexisting names) is never touched.

Why this module is long: undo planning and its execution against the live host (fast and
exact), guards re-read at each pass: why ``down`` converges is read in one place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import os
import re
import shlex
import socket
import stat
import struct
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from iplab import claims, ipkind, iproute, jobs
from iplab.batch import argv_line, no_batch_mode
from iplab.claims import Owned
from iplab.context import Env, Line, run_batch
from iplab.errors import StateWriteError, UsageError
from iplab.interrupts import fault
from iplab.journal import Entry, Journal, LabInfo, UndoRecord
from iplab.model import Judge, ModelError, apply, deleted_route, route_of
from iplab.names import NETNS_DIR, ROOT, ns_short
from iplab.peers import UNKNOWN_PEER, RootPart
from iplab.plurals import counted
from iplab.records import Record, frozen, mutable
from iplab.render import Command, Renderer, renderer, template_hashes
from iplab.runner import (
    Result,
    netns_id,
    process_netns,
    processes_in,
    running,
    session_members,
    session_of,
    sessions_left,
    stop_processes,
    stop_survivor,
)
from iplab.state import Link, State, after
from iplab.steps import (
    LinkAdd,
    LinkDel,
    LinkSet,
    NetnsAdd,
    NetnsDel,
    NetnsDelAll,
    NetnsExec,
    Op,
    Raw,
    RouteDel,
)
from iplab.wrappers import program_name

SETTLE_SECONDS = 30.0  # how long deleted namespaces may take to release their links (busy host)
#: more veths than this whose peer's namespace has no name, after a deletion: the kernel
#: is let destroy first (:func:`leftovers`), and asked of those still there after it stops
#: letting go for STALL_BEFORE_ASKING seconds
ASKED_AT_ONCE = 32
STALL_BEFORE_ASKING = 0.25


@mutable
class UndoReport:
    ran: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    #: undo commands refused: they would touch what the lab's own intents did not create
    refused: list[str] = field(default_factory=list)
    #: names the lab meant to create but someone else took first (left alone)
    taken: list[str] = field(default_factory=list)
    #: the namespaces and root links that deletions of this undo went for: what is waited
    #: for when the kernel is slow to let go (with veths whose peer's namespace is gone)
    deleted: set[str] = field(default_factory=set)
    #: undo commands that found what they delete gone already (deleted by someone else)
    gone: int = 0
    #: the journal entries (their seq) an undo command of which worked: marked undone even
    #: when some of the lab is left, so that the next ``down`` does not run it again
    worked: set[int] = field(default_factory=set)
    #: the journal entries an undo command of which failed (or never ran)
    broken: set[int] = field(default_factory=set)
    #: raw undo commands (a scenario's ``undo:``) that failed, with why: what their step
    #: changed may still be on the host, which no read of links and namespaces can tell
    #: (hunt BN: ``undo: sleep 5`` killed by ``down --timeout 1``, or one that exits 1,
    #: and down said "lab X is down", exit 0)
    unrestored: list[str] = field(default_factory=list)

    def failed_raw(self, op: Op, text: str, why: str) -> None:
        if isinstance(op, Raw):
            self.unrestored.append(f"`{text}` ({why})")

    def went_for(self, op: Op) -> None:
        """A deletion ran: what it deletes (a namespace, a root link) is waited for."""
        if isinstance(op, NetnsDel):
            self.deleted.add(op.name)
        elif isinstance(op, LinkDel) and not op.in_ns():
            self.deleted.add(op.dev)


def touches_preexisting(op: Op, info: LabInfo) -> bool:
    if isinstance(op, NetnsDel):
        return op.name in info.preexisting_netns
    if isinstance(op, LinkDel) and not op.ns:
        return op.dev in info.preexisting_links
    return any(
        (kind == "link" and name in info.preexisting_links and not op.in_ns())
        or (kind == "netns" and name in info.preexisting_netns)
        for kind, name in op.refs()
    )


def _due(entries: Sequence[Entry]) -> list[Entry]:
    """What may have changed the host: done, no outcome (maybe done), and failed (an ``ip``
    may change the host and still exit 1: maybe done too; the live state decides)."""
    return [e for e in entries if e.status in ("done", "pending", "failed")]


def taken_names(entries: Sequence[Entry]) -> tuple[set[str], set[str]]:
    """(namespaces, links) the lab meant to create that existed already when it tried
    (someone else took the name after the preflight): never the lab's to delete. Not a
    name the lab itself made before (a veth a deleted namespace's process still holds,
    met again by a tutorial that starts over: hunt Z, it was said to be someone else's)."""
    from iplab.state import created_names

    taken: tuple[set[str], set[str]] = (set(), set())
    made: tuple[set[str], set[str]] = (set(), set())
    for entry in entries:
        if entry.op is None or entry.status not in ("done", "exists"):
            continue
        netns, links = created_names([entry.op])
        if entry.status == "done":
            made[0].update(netns)
            made[1].update(links)
        else:
            taken[0].update(netns - made[0])
            taken[1].update(links - made[1])
    return taken


def never_reached(
    journal: Journal, info: LabInfo, entries: Sequence[Entry]
) -> tuple[set[str], set[str]]:
    """(namespaces, links) the lab record names that the run of a lab still starting (its
    ``up`` failed, or was killed halfway) never reached: no intent of its journal that ran
    (or may have: no outcome) creates them. The journal is written intent first, so what
    exists under those names now is another's, made after the check of the names (hunt
    FA: two ``up`` of one scenario and prefix from two state directories at once: the
    loser's rollback deleted the winner's namespaces as "objects the journal does not
    cover"). Empty for a lab that came up, and for a journal that is damaged or rebuilt:
    what it does not cover may then be the lab's."""
    from iplab.state import created_names

    if not info.starting or journal.problems or journal.recovered:
        return set(), set()
    tried = [e.op for e in entries if e.op is not None and e.status != "skipped"]
    covered_netns, covered_links = created_names(tried)  # (a batch's unrun: "skipped")
    return (
        set(info.owned_netns) - set(info.preexisting_netns) - covered_netns,
        set(info.owned_links) - set(info.preexisting_links) - covered_links,
    )


@frozen
class LabNames(Record):
    """The names a lab record says the lab owns, as sets: made once per rollback (a lab
    of 5,000 namespaces has 15,000 undo records to judge against them)."""

    #: owned, less what existed before the lab
    netns: frozenset[str]
    links: frozenset[str]
    #: owned
    lab_netns: frozenset[str]
    lab_links: frozenset[str]
    #: made by the lab, then deleted and made again by someone else (see made_anew)
    anew: frozenset[str] = frozenset()

    @classmethod
    def of(cls, info: LabInfo) -> LabNames:
        lab_netns, lab_links = frozenset(info.owned_netns), frozenset(info.owned_links)
        return cls(
            lab_netns - frozenset(info.preexisting_netns),
            lab_links - frozenset(info.preexisting_links),
            lab_netns,
            lab_links,
        )


def identity(kind: str, name: str) -> str | None:
    """What a namespace (its inode) or a root namespace's link (its index) is now; None: no
    such object."""
    if kind == "netns":
        found = netns_id(name)
        return None if found is None else f"{found[0]}:{found[1]}"
    try:
        return str(socket.if_nametoindex(name))
    except (OSError, ValueError):
        return None


#: ioctl(SIOCGIFINDEX): the index of a link by its name (linux/sockios.h)
_SIOCGIFINDEX = 0x8933


def present(kind: str, name: str) -> bool:
    """Whether a namespace (``kind`` "netns") or a root namespace's link is there, said only
    from what a missing one gives (no file in /run/netns, ENOENT; no such link, ENODEV): any
    other failure (/run/netns unreadable, no socket to ask with) raises its OSError, what
    the host could not say, never "it is gone" (hunt EJ: :func:`identity` takes any failure
    for a missing object, and ``socket.if_nametoindex`` says no errno at all)."""
    if kind == "netns":
        try:
            os.stat(os.path.join(NETNS_DIR, name))
        except (FileNotFoundError, NotADirectoryError, ValueError):
            return False
        return True
    raw = os.fsencode(name)
    if not raw or len(raw) >= 16 or b"\0" in raw or b"/" in raw:
        return False  # (no link has such a name: IFNAMSIZ is 16 with its NUL)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            fcntl.ioctl(sock, _SIOCGIFINDEX, struct.pack("16s16x", raw))
        except OSError as exc:
            if exc.errno == errno.ENODEV:
                return False
            raise
    return True


def identities(netns: Collection[str], root_links: Collection[str]) -> dict[str, str]:
    """What these namespaces and root namespace's links are now (LabInfo.made)."""
    wanted = [("netns", n) for n in sorted(netns)] + [("link", n) for n in sorted(root_links)]
    found = {f"{kind} {name}": identity(kind, name) for kind, name in wanted}
    return {key: value for key, value in found.items() if value is not None}


def _anew(op: Op, names: LabNames) -> bool:
    """A deletion of a namespace or root link someone made again since the lab's went."""
    if isinstance(op, NetnsDel):
        return op.name in names.anew
    return isinstance(op, LinkDel) and not op.in_ns() and op.dev in names.anew


def unmounted_netns(name: str) -> bool:
    """``/run/netns/NAME`` is a file no namespace is mounted on any more (someone ran
    ``umount`` on it): a plain file of /run/netns's own file system, not a mount point
    and not a namespace. ``ip netns del NAME`` removes such a file (it unmounts, which
    fails, then unlinks), and so does the lab's undo of its namespace."""
    try:
        st = os.lstat(os.path.join(NETNS_DIR, name))
        folder = os.stat(NETNS_DIR)
        nsfs = os.stat("/proc/self/ns/net")
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(st.st_mode) and st.st_dev == folder.st_dev != nsfs.st_dev


def made_anew(info: LabInfo) -> tuple[set[str], set[str]]:
    """The namespaces and root links the lab made that are now other objects of the same
    name (someone deleted them and made them again): never the lab's to delete. A name
    of the lab's whose file in /run/netns is no namespace any more (unmounted) is not
    one: it is the lab's leftover (hunt M: it was left, said made again by someone)."""
    netns: set[str] = set()
    links: set[str] = set()
    for key, was in info.made.items():
        kind, _, name = key.partition(" ")
        now = identity(kind, name)
        if kind == "netns" and now is not None and now != was and unmounted_netns(name):
            continue
        if now is not None and now != was:
            (netns if kind == "netns" else links).add(name)
    return netns, links


BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def boot_id() -> str:
    """This boot of the host (a link's index names one link only until the next boot)."""
    try:
        return BOOT_ID.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def root_link_kinds() -> dict[int, tuple[str, str]]:
    """Index -> (name, kind) of each link of the root namespace, read over netlink (no
    process); empty when it cannot be read."""
    from iplab import netlink
    from iplab.errors import ParseError

    try:
        reading = netlink.read(())
    except (netlink.Unsupported, ParseError, OSError):
        return {}
    return {link.ifindex: (link.name, link.kind) for link in reading.links.get(ROOT, [])}


def link_kinds(names: Collection[str]) -> dict[str, str]:
    """The kind of each of these root links now (LabInfo.kinds)."""
    now = dict(root_link_kinds().values())
    return {f"link {n}": now[n] for n in sorted(names) if n in now}


def _not_the_same(info: LabInfo, key: str, kind_now: str | None) -> str | None:
    """Why the link that has the index a lab's link had is not known to be that link, or
    None: the same boot of the host, and the same kind."""
    if not info.boot_id or key not in info.kinds:
        return "the lab record (an older iplab's) keeps no boot id or kind to tell"
    if info.boot_id != boot_id():
        return "the host booted again since the lab came up (indexes start over at a boot)"
    if kind_now != info.kinds[key]:
        return f"it is a {kind_now or 'link of unknown kind'}, the lab made a {info.kinds[key]}"
    return None


def renamed_links(env: Env, info: LabInfo, names: Collection[str] = ()) -> dict[str, str]:
    """The root links the lab made that now carry another name (renamed by hand since): the
    same object (its index is the one the lab record keeps, in the same boot of the host,
    and of the same kind), under that name. Not one now under a name the lab owns
    (``names``: its own, or taken by someone else), whether or not its old name is another
    link's now. A link that only has the index is left alone, said (hunt I: after a
    reboot, ``down`` deleted a link of the host that had the index of the lab's bridge)."""
    found: dict[str, str] = {}
    links: dict[int, tuple[str, str]] | None = None
    for key, was in info.made.items():
        kind, _, name = key.partition(" ")
        # its name now free, or another link's (someone made one under the name the lab's
        # had: hunt EB, the lab's, renamed, was then left on the host)
        if kind != "link" or identity(kind, name) == was or not was.isdigit():
            continue
        try:
            now = socket.if_indextoname(int(was))
        except (OSError, ValueError, OverflowError):
            continue  # gone, or moved to another namespace
        if now == name or now in info.owned_links or now in names:
            continue
        links = root_link_kinds() if links is None else links
        _now, kind_now = links.get(int(was), (now, None))
        why = _not_the_same(info, key, kind_now if _now == now else None)
        if why is None:
            found[name] = now
        else:
            env.err.write(
                f"iplab: left alone: {now} has index {was}, the index of the lab's {name} (gone"
                f" under that name), but {why}: it may be another link; nothing deleted\n"
            )
    return found


def lab_sudo(entries: Sequence[Entry], dev: str | None = None) -> bool:
    """The lab's sudo policy for an undo command iplab adds: that of the journal's undo
    that deletes ``dev``, else that of any undo of the journal."""
    undos = [u for e in entries for u in e.undo]
    for u in undos:
        if isinstance(u.op, LinkDel) and u.op.dev == dev:
            return u.sudo
    return any(u.sudo for u in undos)


def _delete_renamed(
    env: Env, renamed: dict[str, str], entries: Sequence[Entry], *, report: UndoReport,
    render: Renderer,
) -> None:  # fmt: skip
    """Delete the lab's root links renamed by hand, under their new names (said)."""
    for name, now in sorted(renamed.items()):
        env.err.write(
            f"iplab: {name} was renamed {now} since the lab made it (the same link: its index"
            " is the one the lab record keeps): deleting it under its new name\n"
        )
        command = render.command(LinkDel(dev=now), lab_sudo(entries, name))
        env.err.write(f"  undo: {command.text}\n")
        meta = {"step": 0, "phase": "recovery", "kind": "undo", "text": command.text}
        result = env.runner.execute(command.argv, command.privileged, meta=meta)
        report.ran += 1
        if not result.ok:
            report.failed.append(command.text)
            why = result.stopped or f"exit {result.rc}"
            env.err.write(f"    failed ({why}): {result.stderr.strip()}\n")


def refusal(
    entry: Entry, undo: UndoRecord, info: LabInfo, names: LabNames | None = None
) -> str | None:
    """Why an undo record must not run, or None: a deletion may only delete what the
    entry's own intent created (a forged or edited journal cannot delete a foreign
    name), and another inverse may only change the lab's namespaces or links."""
    from iplab.state import created_names

    op = undo.op
    if isinstance(op, Raw | NetnsExec):
        return None  # the scenario's own words (see issue 12 for raw steps)
    lab = names or LabNames.of(info)
    # what the entry's own intent created, and what the lab record says the lab owns
    # (names its plan creates, and what a raw step of unknown effect made that a later
    # step used): never a name of the host's that neither names
    netns, links = created_names([entry.op]) if entry.op is not None else (set(), set())
    if isinstance(op, NetnsDel):
        ok = op.name in netns or op.name in lab.netns or _used(entry, lab, "netns", op.name)
        return None if ok else f"namespace {op.name}"
    if isinstance(op, LinkDel):
        ok = op.dev in links or op.dev in lab.links or _used(entry, lab, "link", op.dev)
        return None if ok else f"link {op.dev}"
    if op.in_ns() in lab.lab_netns:
        return None
    for kind, name in op.refs():
        if kind == "link" and name not in lab.lab_links:
            return f"link {name}"
    return None


def _used(entry: Entry, lab: LabNames, kind: str, name: str) -> bool:
    """A name of the lab record that the entry's own step made without naming it (the
    kernel names ``ip link add type veth``), or used without anything the model knows
    making it (a raw step of unknown effect before it did): the lab's to delete."""
    owned = lab.lab_netns if kind == "netns" else lab.lab_links
    op = entry.op
    if op is None or name not in owned:
        return False
    if isinstance(op, LinkAdd) and kind == "link" and (op.name is None or op.peer is None):
        return True
    return (kind, name) in op.refs()


def _namespaces(info: LabInfo, entries: Sequence[Entry]) -> list[str]:
    names = set(info.owned_netns)
    for entry in entries:
        for u in entry.undo:
            if u.guard.ns:
                names.add(u.guard.ns)
            if u.guard.kind == "netns":
                names.add(u.guard.name)
    return sorted(names - {ROOT})


def _meta(entry: Entry, command: Command, where: str | None = None) -> dict[str, object]:
    ran_in = {"ran_in": where} if where is not None else {}
    return {"step": entry.number, "phase": entry.phase, "kind": "undo", "text": command.text,
            **ran_in}  # fmt: skip


@contextlib.contextmanager
def _directory(env: Env, entry: Entry, command: Command) -> Iterator[str | None]:
    """Where the undo of ``entry`` runs: the directory its step ran in (a shell undo's
    relative paths are that directory's: ``rm -f index.html``), whichever directory
    ``down`` is run from; None: the runner's (no directory recorded). When that directory
    is gone, an empty one of its own: what the undo names there went with it, and one that
    names no file (``iptables -D ...``) still runs."""
    if entry.cwd is None or os.path.isdir(entry.cwd):
        yield entry.cwd
        return
    env.err.write(
        f"iplab: {entry.cwd}, where step {entry.number} ran, is gone: `{command.text}` runs"
        " in an empty directory\n"
    )
    with tempfile.TemporaryDirectory(prefix="iplab-undo-") as empty:
        yield empty


def _execute(env: Env, entry: Entry, command: Command) -> Result:
    """Run one undo command of ``entry``, where its step ran (:func:`_directory`)."""
    with _directory(env, entry, command) as where:
        meta = _meta(entry, command, where)
        return env.runner.execute(command.argv, command.privileged, meta=meta, cwd=where)


def lab_renderer(env: Env, info: LabInfo) -> Renderer:
    """The renderer of the run (its --templates), or the bundled templates if they went away.

    Templates that changed since ``up`` are refused: undo commands run as root."""
    dirs = tuple(Path(d) for d in info.templates)
    if any(not d.is_absolute() for d in dirs):
        env.err.write(
            "iplab: the lab record names template directories relative to where it came up: "
            "undo commands use the bundled templates\n"
        )
        return renderer(())
    try:
        from iplab.plan import template_check

        chosen = renderer(dirs, template_check() if dirs else None)
        now = template_hashes(dirs)  # (a directory gone since the renderer was cached)
    except UsageError as exc:
        env.err.write(f"iplab: {exc}: undo commands use the bundled templates\n")
        return renderer(())
    then = info.template_hashes
    changed = sorted(k for k in {*now, *then} if now.get(k) != then.get(k))
    if changed:
        raise UsageError(
            f"template {changed[0]} changed since the lab came up; iplab will not run it as root",
            hint="restore it as it was, or move its directory away (undo then uses the "
            "bundled templates)",
        )
    return chosen


def stop_survivors(env: Env, journal: Journal) -> None:
    """Stop any ``ip -batch`` of the lab that outlived the iplab that started it (it could
    go on changing the host while we undo), and audit that it was stopped; and what is left
    of a step's own session (each said and audited): its leader dies with iplab, the rest
    of its pipeline or a subshell of it does not."""
    for pid, started in journal.processes():
        if stop_survivor(pid, started):
            env.err.write(
                f"iplab: stopped an ip -batch (pid {pid}) left running by an earlier iplab\n"
            )
            why = "an ip -batch left running by an earlier iplab"
            env.append_audit([_stop_record(env, ("kill", "-KILL", f"-{pid}"), why)])
    # a step's pipeline or subshell, whose leader died with an iplab killed while it ran
    # (``(echo hi; sleep 10) | ip netns exec a nc ...``: the sleep ran on after down)
    # only of a step iplab did not see end: once it ended, its session is over (what it
    # left with ``&`` is journaled as jobs), and its number may be another's session now,
    # whose leader has gone too (a daemon's, a logged-out shell's ``nohup`` job)
    sessions = journal.unended_sessions()
    steps = {sid: step for step, sid, _ in sessions}
    by_step: dict[int, list[tuple[int, int, str]]] = {}
    for member in sessions_left([(sid, started) for _, sid, started in sessions]):
        by_step.setdefault(steps.get(session_of(member[0]) or 0, 0), []).append(member)
    for step, members in sorted(by_step.items()):
        stop_found(env, members, f"still running in the session of step {step}'s command")


def job_processes(members: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The processes of a job now: (pid, start time, command line) of each process in the
    sessions of the ``members`` that still live. While one process the step left lives,
    its session's number is still its own (the kernel does not reuse a pid a session
    holds): all of that session, children it started since included."""
    alive = [(pid, start) for pid, start in members if running(pid, start)]
    sessions = {sid for pid, _ in alive if (sid := session_of(pid)) is not None}
    return [m for sid in sorted(sessions) for m in session_members(sid, 0)]


def job_pids(journal: Journal) -> set[int]:
    """The pids of what the lab's commands left running in the background, now."""
    return {pid for _, members in journal.job_sessions() for pid, _, _ in job_processes(members)}


def stop_jobs(env: Env, journal: Journal, why: str) -> int:
    """Stop what the lab's commands left running in the background (``server &``,
    ``tcpdump -i br0 -w x.pcap &``, in a namespace or on the host): the processes of
    their sessions, each said and audited; how many."""
    found: list[tuple[int, int, str]] = []
    for step, members in journal.job_sessions():
        now = job_processes(members)
        if members and not now:
            _say_ended(env, journal, step, members)
        for pid, start, line in now:
            env.err.write(
                f"iplab: stopping pid {pid} ({line[:80]}), started in the background by"
                f" step {step}, {why}\n"
            )
            found.append((pid, start, line))
    if found:
        stop_processes(found)
        env.append_audit(
            [
                _stop_record(env, ("kill", "-TERM", str(pid)), f"{line[:200]}: {why}")
                for pid, _started, line in found
            ]
        )
    _say_captures(env, journal)
    return len(found)


def _say_ended(env: Env, journal: Journal, step: int, members: Sequence[tuple[int, int]]) -> None:
    """A job the run said "undo stops it" of (``ping -c 3 ... &``, ``tcpdump -c 1 ... &``)
    that ended by itself before: said once, instead of nothing (hunt DT #5: the run's last
    word of it was that undo would stop it)."""
    mark = journal.job_log(step).with_suffix(".ended")
    if mark.exists():
        return
    pids = ", ".join(str(pid) for pid, _ in members)
    env.err.write(
        f"iplab: the background job of step {step} (pid {pids}) ended by itself: nothing to stop\n"
    )
    with contextlib.suppress(OSError):  # (a read-only state directory: said again)
        mark.touch(mode=0o600)


def _say_captures(env: Env, journal: Journal) -> None:
    """What each capture beside the steps saw, said once: stopped by iplab, or ended by
    itself before (hunt AO: ``tcpdump -ni vb`` ends when the tutorial's cleanup deletes
    vb's peer; its capture went with the lab's directory, never said)."""
    for step, _members in journal.job_sessions():
        log = journal.job_log(step)
        said_mark = log.with_suffix(".said")
        if said_mark.exists() or not log.exists():
            continue
        if jobs.CAPTURING[0] in (said := _job_output(log)):
            env.err.write(f"iplab: what step {step} captured ({log}):\n{said}")
            with contextlib.suppress(OSError):  # (a read-only state directory: said again)
                said_mark.touch(mode=0o600)


def _job_output(log: Path, limit: int = 4096) -> str:
    """The end of a background job's output file, each line indented."""
    try:
        data = log.read_bytes()[-limit:]
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    return "".join(f"    {line}\n" for line in text.splitlines())


def own_namespaces(info: LabInfo, taken: Collection[str] = ()) -> list[str]:
    """The namespaces the lab made (not those that existed before it, nor someone else's)."""
    return sorted(set(info.owned_netns) - set(info.preexisting_netns) - set(taken))


def created_netns(entries: Sequence[Entry]) -> set[str]:
    """The namespaces the lab's own ``ip netns add`` made (maybe made, too): not one it
    only named (a symlink or a bind mount of another process's namespace, ``ip netns
    attach``), whose processes were there before the lab and are not the lab's."""
    return {e.op.name for e in _due(entries) if isinstance(e.op, NetnsAdd)}


def root_netns_ids() -> set[tuple[int, int]]:
    """(device, inode) of the host's own namespace (pid 1's) and of iplab's."""
    found: set[tuple[int, int]] = set()
    for path in ("/proc/1/ns/net", "/proc/self/ns/net"):
        try:
            st = os.stat(path)
        except OSError:
            continue
        found.add((st.st_dev, st.st_ino))
    return found


def _not_stoppable(
    name: str, found: tuple[int, int], made: Collection[str], info: LabInfo
) -> str | None:
    """Why the processes in namespace ``name`` (now ``found``) are not the lab's to stop,
    or None when they are: it is one the lab made, still the one the lab record says."""
    if found in root_netns_ids():
        return "it is the host's own namespace"
    if name not in made:
        return (
            "the lab named it (a link to another process's namespace, ip netns attach),"
            " it did not make it (ip netns add)"
        )
    recorded = info.made.get(f"netns {name}")
    now = f"{found[0]}:{found[1]}"
    if recorded is None:
        return "the lab record keeps no identity of it (an older iplab made the lab)"
    if recorded != now:
        return f"it is not the namespace the lab made (it is {now}, the lab made {recorded})"
    return None


def stoppable_netns(
    env: Env,
    info: LabInfo,
    entries: Sequence[Entry],
    taken: Collection[str] = (),
    jobs_of_lab: Collection[int] = (),
) -> set[tuple[int, int]]:
    """(device, inode) of the lab's namespaces whose processes the lab may stop, read now
    (right before they are stopped): those its ``ip netns add`` made that are still what
    the lab record says it made, never the host's own. One left alone is said, with its
    processes (hunt E: ``down`` stopped every process of the host when a tutorial named
    the host's namespace, ``ln -s /proc/1/ns/net /var/run/netns/hostns``). The lab's own
    jobs (``jobs_of_lab``, their pids: ``unshare --net sleep 3600 &``), which iplab stops
    as jobs, are not said left running (hunt W)."""
    made = created_netns(entries)
    ids: set[tuple[int, int]] = set()
    for name in own_namespaces(info, taken):
        found = netns_id(name)
        if found is None:
            continue
        why = _not_stoppable(name, found, made, info)
        if why is None:
            ids.add(found)
        elif count := sum(pid not in jobs_of_lab for pid, _, _ in processes_in({found})):
            env.err.write(
                f"iplab: left running: {counted(count, 'process')} in namespace {name}: {why};"
                " iplab stops processes only in a namespace the lab made\n"
            )
    return ids


def _clear_held(
    env: Env, info: LabInfo, entries: Sequence[Entry], taken: Collection[str], report: UndoReport
) -> None:
    """The links the lab made in a namespace it named but did not make (``ip netns attach
    NAME PID``), which a process the lab does not stop still holds: deleted, read live,
    before the name goes (hunt W: deleting the name leaves the namespace to the process,
    and the lab's links in it, and their veth peers in the root namespace)."""
    made = created_netns(entries)
    mine = set(info.owned_links) - set(info.preexisting_links) - set(taken)
    for name in own_namespaces(info, taken):
        found = netns_id(name)
        if name in made or found is None:
            continue
        # (the host's own, named through a job of the host's namespace, sleep &, then ip
        # netns attach NAME $!: hunt AF #1, the links went to the root namespace and the
        # first down, deleting the name alone, left them)
        held = "is the host's own namespace" if found in root_netns_ids() else None
        if held is None and not processes_in({found}):
            continue  # (none holds it: it goes with its name, and its links with it)
        held = held or "a process still holds it"
        space = iproute.read_state(env.runner, [name]).ns(name)
        gone: set[str] = set()
        for link in sorted(space.links.values() if space else [], key=lambda k: k.name):
            # a name alone is not the lab's there: the process's own namespace may hold a
            # link of that name (a container's eth0, the lab's eth0 being another); a veth
            # whose other end is the lab's is (names are read, not ids, so both must be)
            if link.name not in mine or link.name in gone or link.peer not in mine:
                continue
            argv = ("ip", "-n", name, "link", "del", link.name)
            text = shlex.join(argv)
            env.err.write(f"  undo: {text} ({name} {held}: its name alone goes)\n")
            result = env.runner.execute(
                argv, True, meta={"kind": "command", "text": text, "phase": "undo"}
            )
            report.ran += 1
            if not result.ok:
                report.failed.append(text)
                env.err.write(f"    failed (exit {result.rc}): {result.stderr.strip()}\n")
            elif link.peer is not None and link.peer_ns == name:
                gone.add(link.peer)  # (its veth peer went with it)


def stop_lab_processes(env: Env, ids: set[tuple[int, int]], why: str) -> int:
    """Stop the processes running in the lab's namespaces (``ids``, from
    :func:`stoppable_netns`: a tutorial's server started with ``&``: it would keep its
    namespace alive after the name is deleted), each said and audited; how many."""
    return stop_found(env, processes_in(ids), why)


def still_inside(
    before: Sequence[tuple[int, int, str]], own: set[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """After a tutorial's own cleanup deleted the names of the lab's namespaces: the
    processes still in those that ``before`` (read while the names held them) found, and
    every other process in a namespace one of them still holds. A namespace no process of
    ``before`` holds any more may be gone, its number given to the next namespace made by
    anyone: never looked into (hunt E: a stranger's process was stopped)."""
    alive = [p for p in before if running(p[0], p[1])]
    held = {ns for pid, _, _ in alive if (ns := process_netns(pid)) in own}
    still = [p for p in alive if process_netns(p[0]) in held]
    return still + [p for p in processes_in(held) if p not in still]


def stop_found(env: Env, found: Sequence[tuple[int, int, str]], why: str) -> int:
    """Stop these processes (pid, start time, command line) that still run, each said
    and audited; how many."""
    found = [p for p in found if running(p[0], p[1])]
    if not found:
        return 0
    for pid, _started, line in found:
        env.err.write(f"iplab: stopping pid {pid} ({line[:80]}), {why}\n")
    stop_processes(found)
    env.append_audit(
        [
            _stop_record(env, ("kill", "-TERM", str(pid)), f"{line[:200]}: {why}")
            for pid, _started, line in found
        ]
    )
    return len(found)


def _stop_record(env: Env, argv: tuple[str, ...], why: str) -> dict[str, Any]:
    """The audit record of a process iplab stopped (a signal, not a process it started)."""
    return env.record(
        {"kind": "stop", "text": f"{shlex.join(argv)} ({why})"}, Result(argv, 0, "", "", 0.0)
    )


def audit_unknown(env: Env, journal: Journal) -> None:
    """Before a ``down`` undoes a lab whose iplab was killed (a SIGKILL, the host's power):
    the audit log says each command whose outcome the journal lacks, as one that may have
    run (``kind: unknown-outcome``, no argv to replay, its intended argv kept). Such a
    command never reached the log (hunt BV: a single command running when iplab was
    SIGKILLed; the lines of an ``ip -batch``, audited when it ends, had its start
    record only). Said once: the journal keeps which it said."""
    said = journal.audited_unknown()
    # (the outcomes alone: the ops of a star of 5,000's 20,000 intents are not decoded for it)
    unknown = [e for e in journal.entries(ops=False) if e.status == "pending" and e.seq not in said]
    if not unknown:
        return
    records = []
    for e in unknown:
        record = env.record(
            {"kind": "unknown-outcome", "run": e.run, "step": e.number, "phase": e.phase,
             "text": f"{e.text} (no outcome in the journal: iplab was stopped while or right"
                     " after it ran; it may have run)"},
            Result(e.argv, 0, "", "", 0.0),
        )  # fmt: skip
        record.update(rc=None, duration_ms=None, intended=record.pop("argv"))
        records.append(record)
    env.append_audit(records)
    journal.unknown_audited([e.seq for e in unknown])


def rollback(env: Env, journal: Journal, exact: bool = False) -> UndoReport:
    """Undo what the journal says, then read the host: only when nothing of the lab is
    left are the entries marked undone (otherwise the next ``down`` reads the host again
    and retries what is left)."""
    env.lenient = True  # a full audit log does not stop an undo halfway
    try:
        return _rollback(env, journal, exact)
    finally:
        env.lenient = False
        if env.lost_records:
            env.err.write(
                f"iplab: {env.lost_records} audit records could not be written "
                f"({env.audit.path}): the state directory refuses writes\n"
            )
            env.lost_records = 0


def _made_halfway(entries: Sequence[Entry]) -> set[str]:
    """The namespaces whose ``ip netns add`` has no outcome in the journal: the run was
    stopped while it ran or before its outcome was written (a Ctrl-C, a SIGKILL)."""
    return {e.op.name for e in entries if isinstance(e.op, NetnsAdd) and e.status == "pending"}


def _say_unmounted(env: Env, unmounted: Sequence[str], halfway: set[str]) -> None:
    """Name the lab's namespace files that no namespace is mounted on. One whose
    ``ip netns add`` has no outcome is most likely one that add was stopped in (ip makes
    the file, then mounts the namespace on it): hunt AY, a Ctrl-C during star-500's batch
    blamed someone who "unmounted its file"."""
    stopped = [n for n in unmounted if n in halfway]
    others = [n for n in unmounted if n not in halfway]
    if stopped:
        files = "its file" if len(stopped) == 1 else "their files"
        env.err.write(
            f"iplab: {', '.join(stopped)}: no namespace on {files} in {NETNS_DIR}:"
            " the run was stopped while `ip netns add` made it (or someone unmounted it"
            " since): the undo removes the file, as `ip netns del` does\n"
        )
    if others:
        files = "its file" if len(others) == 1 else "their files"
        env.err.write(
            f"iplab: {', '.join(others)}: no namespace any more (someone unmounted"
            f" {files} in {NETNS_DIR}): the undo removes the file, as"
            " `ip netns del` does\n"
        )


def _rollback(env: Env, journal: Journal, exact: bool) -> UndoReport:
    stop_survivors(env, journal)
    info = journal.info()
    everything = journal.entries()
    for problem in journal.problems:
        env.err.write(f"iplab: {problem}\n")
    entries = _due(everything)
    namespaces = _namespaces(info, entries)
    taken_netns, taken_links = taken_names(everything)
    report = UndoReport(taken=sorted(taken_netns | taken_links))
    anew_netns, anew_links = made_anew(info)
    unmounted = sorted(n for n in info.owned_netns if unmounted_netns(n))
    _say_unmounted(env, unmounted, _made_halfway(everything))
    if anew_netns or anew_links:
        env.err.write(
            f"iplab: left alone: {', '.join(sorted(anew_netns | anew_links))} (the lab made"
            " them; someone deleted them, or renamed the lab's, and made others under those"
            " names since: they are not the lab's)\n"
        )
    taken_netns |= anew_netns  # left alone as what someone else took: neither deleted, nor
    taken_links |= anew_links  # its processes stopped, nor waited for
    never_netns, never_links = never_reached(journal, info, everything)
    report.taken = sorted(
        set(report.taken)
        | {n for n in never_netns if identity("netns", n) is not None}
        | {n for n in never_links if identity("link", n) is not None}
    )
    taken_netns |= never_netns
    taken_links |= never_links
    stop_jobs(env, journal, "still running")
    # which namespaces are the lab's is read after its jobs stopped: stopping one may free
    # a namespace whose number the kernel then gives the next one made (hunt E)
    own = stoppable_netns(env, info, everything, taken_netns)
    stop_lab_processes(env, own, "still running in a namespace of the lab")
    _clear_held(env, info, everything, taken_netns | taken_links, report)
    render = lab_renderer(env, info)
    renamed = renamed_links(env, info, taken_links)
    _delete_renamed(env, renamed, everything, report=report, render=render)
    settle = Settle(frozenset(taken_netns), frozenset(taken_links))
    # what the run's own deletions of namespaces take away goes a moment later: wait for it
    # even when this undo deletes nothing (hunt D: a run interrupted in its teardown)
    gone_netns = deletes_netns(entries)
    names = dataclasses.replace(LabNames.of(info), anew=frozenset(anew_netns | anew_links))
    if exact:
        observed = iproute.read_state(env.runner, namespaces)
        for entry in reversed(entries):
            observed = _undo_entry(
                env, entry, info, observed, namespaces=namespaces, report=report, render=render,
                names=names,
            )  # fmt: skip
        report.left = leftovers(
            env, info, settle, wait=gone_netns or report.ran > 0, deleted=report.deleted
        )
    else:
        # the fast way: when every command has its outcome, the journal itself says what
        # exists (no read needed); otherwise, or if that was not the whole truth, read
        known = None if renamed else expected_now(everything)  # (a rename: read the host)
        observed = known or iproute.read_state(env.runner, _unowned(info, namespaces))
        _fast(env, entries, info, observed, report=report, render=render, names=names)
        report.left = leftovers(
            env, info, settle, wait=gone_netns or report.ran > 0, deleted=report.deleted
        )
        if report.left:
            env.err.write(
                f"iplab: the host still holds some of the lab ({_named(report.left)}):"
                " reading it and going on\n"
            )
            observed = iproute.read_state(env.runner, _unowned(info, namespaces))
            done = report.ran - len(report.failed)
            _fast(env, entries, info, observed, report=report, render=render, names=names)
            # a wait for the kernel only after a deletion that worked (the first pass waited
            # already: nothing deleted now, nothing more goes away by itself)
            report.left = leftovers(
                env, info, settle, wait=report.ran - len(report.failed) > done,
                deleted=report.deleted,
            )  # fmt: skip
    if report.gone or report.failed:
        # a deletion found nothing under the lab's name: the link may have been renamed by
        # someone else while this undo ran (hunt EQ: the lab's bridge was left under its
        # new name, "1 gone already", exit 0): the same link under another name is deleted
        late = renamed_links(env, info, taken_links)
        late = {name: now for name, now in late.items() if renamed.get(name) != now}
        _delete_renamed(env, late, everything, report=report, render=render)
    if report.left:
        _orphans(env, journal, info, entries, settle, report=report, render=render)
    if report.left:
        _mark_worked(env, journal, entries, report)
    if not report.left:
        report.failed.clear()  # deletions of what was gone already: nothing is left either way
        try:
            journal.mark_undone(entries)
        except StateWriteError as exc:  # the host is restored; the next down sees that
            if not journal.vanished:  # (the journal's file is gone: said once, by the run)
                env.err.write(f"iplab: {exc}\n")
    return report


def _mark_worked(env: Env, journal: Journal, entries: Sequence[Entry], report: UndoReport) -> None:
    """Some of the lab is left: the entries whose undo worked are marked undone all the same,
    so that the next ``down`` runs only what is left (hunt U: it ran all 31 deletions again,
    30 of them "gone already")."""
    worked = report.worked - report.broken
    gone = [e for e in entries if e.seq not in report.broken and _went(e, report)]
    done = [e for e in entries if e.seq in worked] + [e for e in gone if e.seq not in worked]
    try:
        journal.mark_undone(done)
    except StateWriteError as exc:  # the next down finds them gone, and says so
        env.err.write(f"iplab: {exc}\n")


def _went(entry: Entry, report: UndoReport) -> bool:
    """Every object the entry's undo deletes is gone from the host now (read after the
    undo): it went with a namespace a deletion that worked took away (a farm's vb30, whose
    peer was in box30; hunt U's flaky batch died after deleting box30, and the next down
    said vb30 was "gone already")."""
    left = set(report.left)
    if not entry.undo:
        return False
    for undo in entry.undo:
        op = undo.op
        if isinstance(op, NetnsDel) and op.name not in left:
            continue
        where = op.ns if isinstance(op, LinkDel) else None
        if isinstance(op, LinkDel) and where is not None and where not in left:
            continue  # (its namespace is gone, and the link with it)
        if isinstance(op, LinkDel) and where is None and f"{op.dev}@{ns_short(ROOT)}" not in left:
            continue
        return False
    return True


def _orphans(
    env: Env, journal: Journal, info: LabInfo, entries: Sequence[Entry], settle: Settle, *,
    report: UndoReport, render: Renderer,
) -> None:  # fmt: skip
    """The lab record names objects that no intent of the journal covers (a journal cut,
    emptied, damaged or deleted): delete those of them that exist, from the lab record."""
    from iplab.state import created_names

    covered_netns, covered_links = created_names([e.op for e in entries if e.op is not None])
    state = iproute.read_state(env.runner, [])
    # the root links first (hunt BL): a veth end goes with the namespace its peer is in,
    # a moment after that namespace's deletion returns; deleted first, it takes its peer
    ops: list[Op] = [
        LinkDel(dev=n)
        for n in sorted(set(info.owned_links) - set(info.preexisting_links) - settle.links)
        if n not in covered_links and state.link(ROOT, n) is not None
    ]
    ops += [
        NetnsDel(name=n)
        for n in own_namespaces(info, settle.netns)
        if n not in covered_netns and state.has_netns(n)
    ]
    if not ops:
        return
    env.err.write(
        f"iplab: the journal {journal.path} does not cover {len(ops)} objects the lab "
        "record names: deleting them from the lab record\n"
    )
    worked = False
    for op in ops:
        if isinstance(op, LinkDel) and identity("link", op.dev) is None:
            report.skipped += 1  # (a veth's other end, deleted before it, took it along:
            continue  # gone already, not said, as the journal's guards would skip it)
        command = render.command(op, False)
        env.err.write(f"  undo: {command.text}\n")
        meta = {"step": 0, "phase": "recovery", "kind": "undo", "text": command.text}
        result = env.runner.execute(command.argv, command.privileged, meta=meta)
        report.ran += 1
        report.went_for(op)
        worked |= result.ok
        if not result.ok:
            why = result.stopped or f"exit {result.rc}"
            env.err.write(f"    failed ({why}): {result.stderr.strip()}\n")
    report.left = leftovers(env, info, settle, wait=worked, deleted=report.deleted)


def expected_now(entries: Sequence[Entry]) -> State | None:
    """The lab's state as its journal tells it, or None when the journal cannot tell
    (a command without an outcome, a partly undone lab, a journal without ops)."""
    done: list[Op] = []
    for entry in entries:
        if entry.status in ("pending", "undone", "failed") or entry.op is None:
            return None  # maybe done (a failed ip may have changed the host): read it
        if entry.status != "done":
            continue  # skipped, or refused because the name existed: it changed nothing
        done.append(entry.op)
    try:
        state = after(done)
    except ModelError:
        return None
    # a step of unknown effect: the journal cannot say what exists
    return None if state.opaque else state


def _unowned(info: LabInfo, namespaces: Sequence[str]) -> list[str]:
    """Namespaces named by undo records that the lab did not create (normally none)."""
    owned = frozenset(info.owned_netns)
    return [ns for ns in namespaces if ns not in owned]


def _undo_entry(
    env: Env, entry: Entry, info: LabInfo, observed: State, *, namespaces: list[str],
    report: UndoReport, render: Renderer, names: LabNames,
) -> State:  # fmt: skip
    for undo in entry.undo:
        command = render.command(undo.op, undo.sudo)
        if _anew(undo.op, names) or _refused(
            env, entry, undo, info, command=command, report=report, names=names
        ):
            continue
        if touches_preexisting(undo.op, info):
            env.err.write(f"iplab: not undoing `{command.text}`: it existed before the lab\n")
            report.skipped += 1
            continue
        if not undo.guard.holds(observed):
            report.skipped += 1
            continue
        env.err.write(f"  undo: {command.text}\n")
        result = _execute(env, entry, command)
        report.ran += 1
        report.went_for(undo.op)
        fault("undo-after-run", report.ran)
        if not result.ok:
            report.failed.append(command.text)
            why = result.stopped or f"exit {result.rc}"
            report.failed_raw(undo.op, command.text, why)
            env.err.write(f"    failed ({why}): {result.stderr.strip()}\n")
            observed = iproute.read_state(env.runner, namespaces)
            continue
        _said_by(env, result)
        try:
            apply(observed, undo.op)
        except ModelError:
            observed = iproute.read_state(env.runner, namespaces)
    return observed


def _refused(
    env: Env, entry: Entry, undo: UndoRecord, info: LabInfo, *, command: Command,
    report: UndoReport, names: LabNames,
) -> bool:  # fmt: skip
    why = refusal(entry, undo, info, names)
    if why is None:
        return False
    report.refused.append(command.text)
    env.err.write(
        f"iplab: refusing `{command.text}`: {why} is not something this lab's own intent "
        f"(step {entry.number}: {entry.text}) created; the journal was forged or edited\n"
    )
    return True


def destroy_plan(
    entries: Sequence[Entry], info: LabInfo, observed: State
) -> list[tuple[Entry, UndoRecord]]:
    """The undo records that still matter when everything goes: raw undos and the moves of
    links back into a namespace that goes, then namespace deletions, then deletions of the
    links left in the root namespace."""
    raw: list[tuple[Entry, UndoRecord]] = []
    netns: list[tuple[Entry, UndoRecord]] = []
    renames: list[tuple[Entry, UndoRecord]] = []
    links: list[tuple[Entry, UndoRecord]] = []
    moves: list[tuple[Entry, UndoRecord]] = []
    for entry in reversed(entries):
        for undo in entry.undo:
            if touches_preexisting(undo.op, info):
                continue
            if isinstance(undo.op, Raw | NetnsExec) or _stays(undo.op, observed):
                raw.append((entry, undo))
            elif isinstance(undo.op, NetnsDel) and undo.guard.holds(observed):
                netns.append((entry, undo))
            elif isinstance(undo.op, LinkSet) and undo.op.has("netns"):
                moves.append((entry, undo))
            elif isinstance(undo.op, LinkSet) and undo.op.has("name"):
                renames.append((entry, undo))
            elif isinstance(undo.op, LinkDel):
                links.append((entry, undo))
    netns = _once(netns)  # (a namespace the page deleted and made again: deleted once)
    dying = {u.op.name for _, u in netns if isinstance(u.op, NetnsDel)}
    # a link moved out of a namespace that goes (ip link set X netns 1): moved back first,
    # it goes with it (hunt AG #4: down left hGbrx in the root namespace, every time)
    raw += [(e, u) for e, u in moves if _moved_back_to_go(u, dying, observed)]
    # a renamed link is deleted under the name it was made with: rename it back first
    # (unless its namespace goes anyway), and judge the deletions on the names restored
    named_back: list[tuple[Entry, UndoRecord]] = []
    if renames:
        observed = observed.copy()
        judge = Judge(strict=False)
        for entry, undo in renames:
            if (undo.op.in_ns() or ROOT) in dying or not undo.guard.holds(observed):
                continue
            named_back.append((entry, undo))
            apply(observed, undo.op, judge=judge)
    kept: list[tuple[Entry, UndoRecord]] = []
    for entry, undo in links:
        due = _due_deletion(entry, undo, observed, dying)
        if due is not None:
            kept.append((entry, due))
    return raw + netns + named_back + _once(kept)


def _due_deletion(
    entry: Entry, undo: UndoRecord, observed: State, dying: set[str]
) -> UndoRecord | None:
    """The deletion of a link that is still due: None when the link is gone already, or
    goes with its namespace or its peer; the deletion of its veth's other end when only
    that end is left where the lab made it (:func:`_other_end`)."""
    assert isinstance(undo.op, LinkDel)
    where = undo.op.ns or ROOT
    if where in dying:
        return None  # goes with its namespace
    link = observed.link(where, undo.op.dev)
    if link is None:
        return _other_end(entry, undo, observed, dying)
    if link.kind == "veth" and link.peer_ns in dying:
        return None  # goes with its peer
    return undo


def _other_end(
    entry: Entry, undo: UndoRecord, observed: State, dying: set[str]
) -> UndoRecord | None:
    """The deletion of a veth's other end, when the end ``undo`` deletes is gone from where
    the lab made it and the other end is still where the lab made it (hunt AJ: someone
    moved the first end into a namespace the lab did not make; ``down`` said "could not
    undo everything (still there: hJ9veth-blue-br@root)", and only a second ``down``
    deleted it). Deleting the other end deletes the pair; None: no such end."""
    made, op = entry.op, undo.op
    if not isinstance(made, LinkAdd) or not isinstance(op, LinkDel) or made.type != "veth":
        return None
    if made.peer is None or made.peer == op.dev:
        return None
    where = made.peer_netns or made.in_ns() or ROOT
    end = observed.link(where, made.peer)
    if where in dying or end is None or end.kind != "veth" or end.peer_ns in dying:
        return None
    ns = None if where == ROOT else where
    return dataclasses.replace(
        undo,
        op=dataclasses.replace(op, dev=made.peer, ns=ns),
        guard=dataclasses.replace(undo.guard, ns=where, name=made.peer),
    )


def _moved_back_to_go(undo: UndoRecord, dying: set[str], observed: State) -> bool:
    """``undo`` moves a link, which is still where it was moved, back into a namespace that
    goes, from one that stays (the root namespace: ``ip link set X netns 1``)."""
    op = undo.op
    return (
        isinstance(op, LinkSet)
        and (op.in_ns() or ROOT) not in dying
        and op.get("netns") in dying
        and undo.guard.holds(observed)
    )


#: the routes of no link (``ip route add blackhole 0.0.0.0/1``): no link's deletion takes them
_LINKLESS = frozenset({"blackhole", "unreachable", "prohibit", "throw"})


def _stays(op: Op, observed: State) -> bool:
    """``op`` deletes a route of the root namespace that no deletion of a link takes away,
    which the host still holds: a blackhole (unreachable, prohibit, throw) route (hunt AF
    #5: the lab's ``ip route add blackhole 0.0.0.0/1`` stayed on the host after down)."""
    if not isinstance(op, RouteDel) or op.dev or op.in_ns() is not None:
        return False
    if op.setting("type") not in _LINKLESS:
        return False
    space = observed.ns(op.in_ns())
    return space is not None and deleted_route(space, route_of(observed, op)) is not None


def _once(
    deletions: Sequence[tuple[Entry, UndoRecord]],
) -> list[tuple[Entry, UndoRecord]]:
    """Each deletion once, the latest entry's: a namespace (or link) the page deleted itself
    and made again has the undo of each ``add`` in the journal (hunt Q, iximiuz's page:
    ``ip netns del netns0`` twice on down, the second "Cannot remove namespace file")."""
    seen: set[tuple[str, ...]] = set()
    out: list[tuple[Entry, UndoRecord]] = []
    for entry, undo in deletions:
        op = undo.op
        key = (
            ("netns", op.name)
            if isinstance(op, NetnsDel)
            else ("link", op.ns or ROOT, op.dev)
            if isinstance(op, LinkDel)
            else ("other", str(id(undo)))
        )
        if key not in seen:
            seen.add(key)
            out.append((entry, undo))
    return out


def _fast(
    env: Env, entries: Sequence[Entry], info: LabInfo, observed: State, *, report: UndoReport,
    render: Renderer, names: LabNames,
) -> None:  # fmt: skip
    plan = destroy_plan(entries, info, observed)
    report.skipped = sum(len(e.undo) for e in entries) - len(plan)
    batchable: list[tuple[Entry, UndoRecord, Command, str]] = []
    for entry, undo in plan:
        command = render.command(undo.op, undo.sudo)
        if _anew(undo.op, names) or _refused(
            env, entry, undo, info, command=command, report=report, names=names
        ):
            continue
        env.err.write(f"  undo: {command.text}\n")
        line = argv_line(command.argv)
        if line is None:
            _one(env, entry, undo, command, report)
        else:
            batchable.append((entry, undo, command, line))
    if not batchable:
        return
    lines = [Line(c.text, c.argv, line, _meta(e, c)) for e, _u, c, line in batchable]
    status, result = run_batch(env, lines, privileged=True, force=True)
    if all(rc is None for rc in status) and no_batch_mode(result.stderr):
        env.err.write("    this ip has no batch mode: one ip process per undo command\n")
        for entry, undo, command, _line in batchable:  # (hunt AJ: an old iproute2)
            _one(env, entry, undo, command, report)
        return
    before = report.ran
    report.ran += sum(1 for s in status if s is not None)
    for count in range(before + 1, report.ran + 1):
        fault("undo-after-run", count)
    for (entry, undo, _c, _line), rc in zip(batchable, status, strict=True):
        if rc == 0:  # only what a deletion that worked takes away is waited for (hunt U)
            report.went_for(undo.op)
            report.worked.add(entry.seq)
        else:
            report.broken.add(entry.seq)
    _batch_failures(env, [c.text for _e, _u, c, _l in batchable], status, result, report)


def _one(env: Env, entry: Entry, undo: UndoRecord, command: Command, report: UndoReport) -> None:
    """Run one undo command in a process of its own."""
    result = _execute(env, entry, command)
    report.ran += 1
    if result.ok:
        _said_by(env, result)
        report.went_for(undo.op)
        report.worked.add(entry.seq)
    else:
        report.failed.append(command.text)
        report.broken.add(entry.seq)
        why = result.stopped or f"exit {result.rc}"
        said = result.stderr.strip().splitlines()
        if isinstance(undo.op, Raw) and said and all(_NOT_THERE.search(x) for x in said):
            # (hunt EB: an impairment the kernel refused, or removed by hand: "may still
            # be on the host", exit 1, with nothing left)
            report.gone += 1
            env.err.write(f"    {gone_already([command.text], said)}\n")
            return
        report.failed_raw(undo.op, command.text, why)
        env.err.write(f"    failed ({why}): {result.stderr.strip()}\n")


def _said_by(env: Env, result: Result) -> None:
    """What an undo that worked says of what it left (``iplab: left as it is: FILE (...)``:
    a host file someone changed since the lab wrote it, :mod:`iplab.hostfiles`)."""
    for line in result.stderr.splitlines():
        if line.startswith("iplab: "):
            env.err.write(f"    {line}\n")


def _batch_failures(
    env: Env, texts: Sequence[str], status: Sequence[int | None], result: Result,
    report: UndoReport,
) -> None:  # fmt: skip
    """Say the undo batch's failed lines by their commands (not ``-:17``, a line of iplab's
    hidden input: hunt U), and the lines ip never reached (it died first)."""
    failed = [text for text, rc in zip(texts, status, strict=True) if rc is not None and rc]
    never = [text for text, rc in zip(texts, status, strict=True) if rc is None]
    report.failed += failed + never
    why = f" ({result.stopped})" if result.stopped else ""
    said = [x for x in result.stderr.strip().splitlines() if not _FAILED_LINE.fullmatch(x)]
    if failed and said and all(_GONE.search(x) for x in said):  # deleted by someone else
        report.gone += len(failed)
        env.err.write(f"    {gone_already(failed, said)}\n")
    elif failed:  # this batch's failures (a line gone already is said by the next pass)
        env.err.write(
            f"    {len(failed)} failed{why}: {_listed(failed)}; ip said: {'; '.join(said)}\n"
        )
    if never:
        end = result.stopped or f"exit {result.rc}"
        # why ip never ran them, when iplab could not start or follow it (hunt CY: under
        # ``prlimit --as`` the line said "exit 126" alone, not the limit to raise)
        why = f" ({said[0].strip()})" if said and not failed and result.rc == 126 else ""
        if (foreign := ipkind.said_of_failure(result.stderr)) is not None:  # (hunt EK)
            why = f" ({foreign})"
        env.err.write(
            f"    {len(never)} not run: ip -batch ended ({end}) before it reached them:"
            f" {_listed(never)}{why}; the host is read again\n"
        )


def _named(names: Sequence[str], shown: int = 3) -> str:
    """The first few names of the lab's objects left, and how many more."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _listed(texts: Sequence[str], shown: int = 3) -> str:
    """The first few commands, quoted, and how many more."""
    more = f" and {len(texts) - shown} more" if len(texts) > shown else ""
    return ", ".join(f"`{text}`" for text in texts[:shown]) + more


def gone_already(failed: Sequence[str], said: Sequence[str], shown: int = 3) -> str:
    """One short line for undo commands that found their object gone: how many, the
    first few commands, the first complaint and the program that made it (hunt M: 51 of
    them made one line of 4 KB; hunt EF: "ip said" of tc's words)."""
    first = ", ".join(f"`{text}`" for text in failed[:shown])
    more = f" and {len(failed) - shown} more" if len(failed) > shown else ""
    also = f" (and {len(said) - 1} more such)" if len(said) > 1 else ""
    who = program_of(failed[0])
    return f"{len(failed)} gone already: {first}{more}; {who} said: {said[0]}{also}"


def program_of(text: str) -> str:
    """The program a command line runs, past its wrappers (``sudo``, ``timeout``...) and
    ``ip netns exec NS`` (``sudo ip netns exec ns1 tc qdisc del ...``: ``tc``); ``ip`` when
    the line cannot be read (an undo is an ip command unless it says otherwise)."""
    from iplab.programs import programs  # (the reading every program check makes)

    found = [p for p in programs(text) if p != "sudo"]
    return program_name(found[0]) if found else "ip"


#: what ip says of what is not there (deleted by hand before the down), and of a failed line
_GONE = re.compile(r"No such file or directory|Cannot find device|does not exist")
_FAILED_LINE = re.compile(r"Command failed \S+:\d+")
#: the same, and tc's words for a root qdisc that is the default one (none to delete)
_NOT_THERE = re.compile(f"{_GONE.pattern}|Cannot delete qdisc with handle of zero")


@frozen
class Settle(Record):
    """Names never waited for: those someone else took (the lab did not create them)."""

    netns: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()


def leftovers(
    env: Env, info: LabInfo, settle: Settle | None = None, wait: bool = True,
    deleted: Collection[str] | None = None,
) -> list[str]:  # fmt: skip
    """What the lab created and still exists, after letting deleted namespaces wind down.

    Reading the root namespace and the list of namespaces is enough: a namespace of
    the lab that still exists is a leftover itself, whatever it holds. The wait is
    bounded (SETTLE_SECONDS), happens only when ``wait`` (something was deleted) or a
    veth's peer namespace is gone, and is quiet: one audit record for all its reads.
    With ``deleted`` (the names the undo's deletions went for), only those and what goes
    by itself (:func:`_going`) are waited for; without, everything left.
    """
    skip = settle or Settle()
    owned = Owned(
        frozenset(info.owned_netns) - frozenset(info.preexisting_netns) - skip.netns,
        frozenset(info.owned_links) - frozenset(info.preexisting_links) - skip.links,
    )
    # (of the root, the lab's links alone: a busy host's other links are no leftover)
    part = RootPart(frozenset(owned.in_root()))
    state = iproute.read_state(env.runner, [], part=part)
    left = claims.leftovers(state, owned)
    held: frozenset[str] = frozenset()

    def going(now: State) -> list[str]:
        if deleted is None:
            return [n for n in claims.leftovers(now, owned) if n not in held]
        return [n for n in _going(now, owned, deleted) if n not in held]

    if wait and len(_unnamed_peers(state, owned, left)) > ASKED_AT_ONCE:
        # Many veths whose peer's namespace has no name, right after a deletion: nearly
        # all are namespaces the kernel is destroying. Asking each whether it lives waits
        # on the kernel's lock while it destroys (0.4 ms each: 2,137 of a star of 5,000
        # asked, 0.9 s); those it destroys need no asking. So let it work first, while
        # it lets go of something, and ask of those still there.
        first = [state]

        def destroyed() -> list[str]:
            first[0] = iproute.read_state(env.runner, [], part=part)
            return going(first[0])

        settled(env, destroyed, stall=STALL_BEFORE_ASKING)
        state = first[0]
        left = claims.leftovers(state, owned)
    held = _held(env, state, owned, left)

    if not left or not (wait or _peer_gone(state, owned, held)) or not going(state):
        return left
    # only what a deletion takes away is waited for (hunt D: a bridge of a journal cut by
    # hand, which no command had deleted, was waited for 30 s before it was deleted)
    last = [state]

    def again() -> list[str]:
        last[0] = iproute.read_state(env.runner, [], part=part)
        return going(last[0])

    settled(env, again)
    return claims.leftovers(last[0], owned)


def _going(state: State, owned: Owned, deleted: Collection[str]) -> list[str]:
    """What of the lab is left that a deletion takes away, a moment later: a namespace or
    root link a deletion went for, and a veth whose peer is not in a namespace that is
    still there (the kernel destroys it with the namespace deleted a moment ago). Not what
    no deletion went for (a bridge of a journal cut by hand), nor a veth whose peer's
    namespace lives."""
    root = owned.in_root()
    netns = sorted(n for n in owned.netns if n in deleted and state.has_netns(n))
    return netns + sorted(
        f"{link.name}@root"
        for ns, link in state.links()
        if ns == ROOT and link.name in root and (link.name in deleted or _peer_left(state, link))
    )


def _peer_left(state: State, link: Link) -> bool:
    """A veth whose peer is not in a namespace that is still there."""
    if link.kind != "veth":
        return False
    return link.peer_ns in (None, UNKNOWN_PEER, ROOT) or not state.has_netns(link.peer_ns)


def _peer_gone(state: State, owned: Owned, held: Collection[str] = ()) -> bool:
    """A link of the lab left in the root namespace is a veth whose peer is in a namespace
    without a name: one deleted a moment ago (hunt D: a run interrupted while its teardown
    deleted the namespaces), which the kernel is destroying, and the veth with it (not
    one of ``held``, whose peer's namespace lives)."""
    root = owned.in_root()
    return any(
        link.kind == "veth" and link.peer_ns == UNKNOWN_PEER and f"{link.name}@root" not in held
        for ns, link in state.links()
        if ns == ROOT and link.name in root
    )


def _unnamed_peers(state: State, owned: Owned, left: Sequence[str]) -> list[str]:
    """The lab's root veths left whose peer is in a namespace without a name."""
    root = owned.in_root()
    return [n for n in state.unnamed if n in root and f"{n}@root" in left]


def _held(env: Env, state: State, owned: Owned, left: Sequence[str]) -> frozenset[str]:
    """The lab's root veths left (``vethY@root``) whose peer lives in a namespace without a
    name (someone moved it into a container's): no deletion of the lab's takes them away,
    so they are not waited for, and said (hunt CQ: down waited 30 s for one). A peer in a
    namespace the lab deleted a moment ago, which the kernel is destroying, is not one:
    its veth goes with it, and is waited for (:func:`iplab.iproute.live_unnamed`)."""
    names = _unnamed_peers(state, owned, left)
    if not names:
        return frozenset()
    held = sorted(f"{n}@root" for n in iproute.live_unnamed(env.runner, state, names))
    if held:
        one = len(held) == 1
        what = held[0] if one else f"{len(held)} links ({_named(held)})"
        env.err.write(
            f"iplab: {what} {'is' if one else 'are'} left to be deleted, not waited for:"
            f" {'its peer lives in a namespace' if one else 'their peers live in namespaces'}"
            " without a name (a container's, say), which no deletion of the lab's destroys\n"
        )
    return frozenset(held)


def deletes_netns(entries: Sequence[Entry]) -> bool:
    """Whether a command of the journal deleted a namespace, or may have (no outcome, or
    failed): what it held goes a moment later, when the kernel destroys it."""
    return any(
        isinstance(e.op, NetnsDel | NetnsDelAll) and e.status in ("done", "pending", "failed")
        for e in entries
    )


def settled(env: Env, left: Callable[[], list[str]], stall: float | None = None) -> list[str]:
    """``left()`` again and again until it is empty: what deleted namespaces take with them
    goes once the kernel destroys them, a moment later (for at most SETTLE_SECONDS; with
    ``stall``, no longer than that many seconds after the last change). Quiet: one audit
    record for all its reads."""
    began = changed = time.monotonic()
    deadline = began + SETTLE_SECONDS
    hook, env.runner.hook = env.runner.hook, None
    reads = 0
    pause = 0.01  # the kernel often lets go within milliseconds: look soon, then less often
    now = left()
    said = False
    try:
        while now and time.monotonic() < deadline:
            if stall is not None and time.monotonic() - changed > stall:
                break
            if not said and time.monotonic() - began > 2:  # a long wait says why
                said = True
                limit = f"{stall:g} s with none going" if stall else f"{SETTLE_SECONDS:g} s"
                # named (hunt CM: a veth whose peer someone moved into a container's
                # namespace was waited for 30 s, and neither the wait nor what followed
                # said which object it was)
                env.err.write(
                    "iplab: waiting for the kernel to destroy"
                    f" {counted(len(now), 'object')} of the lab"
                    f" ({_named(now)}; up to {limit})\n"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
            before, now = now, left()
            reads += 1
            if now != before:
                changed = time.monotonic()
    finally:
        env.runner.hook = hook
    waited = time.monotonic() - began
    text = f"waited {waited:.1f} s for the kernel to release the lab's objects ({reads} reads)"
    text += f": still there: {', '.join(now)}" if now else ": all gone"
    record = env.record({"kind": "wait", "text": text}, Result((), 0, "", "", waited))
    del record["argv"]
    env.append_audit([record])
    return now
