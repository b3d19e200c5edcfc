"""Where iplab keeps its state, and how it writes files there.

One directory holds everything: ``--state-dir``, else ``$IPLAB_STATE_DIR``,
else ``/var/lib/iplab`` for root and ``$XDG_STATE_HOME/iplab`` (by default
``~/.local/state/iplab``) for other users. Directories are created 0700 and
files 0600: journals and the audit log are readable by their owner only.

Layout::

    audit.jsonl  audit.head  audit.lock   the hash-chained audit log
    labs/<lab>/lab.json                   the lab: scenario, prefix, names it owns
    labs/<lab>/journal.jsonl              the write-ahead undo journal
    labs/<lab>/lock                       held by the iplab process using the lab
    history/<lab>@<run>.jsonl             journals of labs that were taken down

Root runs what the journals say, so whoever can write this directory can make
root run anything. As OpenSSH does with its keys, every directory from the state
directory down and every file in it must belong to the invoking user and be
writable by nobody else (:func:`check_private`), and every directory above it, up to
``/``, must belong to root, that user or (under ``sudo``) the user who ran sudo and be
writable by nobody else unless sticky, each symbolic link on the way belonging to one of
them (:func:`check_ancestors`, as sshd checks the directories above ``~/.ssh``); a link
given as the state directory leads to its target (:func:`through_a_link`); the
directories iplab makes are 0700 and their missing parents 0755 whatever the umask;
every file is opened with ``O_NOFOLLOW`` (:func:`open_state_file`), so a planted
symbolic link is refused, never followed; lab names are names, never paths (:func:`check_lab_name`).

Why this module is long: every check a state path goes through is here, each with the
fix its refusal gives, next to the few ways iplab writes there.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from iplab.errors import IplabError, LockedError, UsageError, no_room, state_write_error
from iplab.records import Record, frozen

#: the owner state files must have: the process's effective uid (bound at import, so that a
#: test pretending to be another user through ``os.geteuid`` does not disown the files)
_euid = os.geteuid

_FIX = "remove it, or make it yours with chown and chmod go-w, or pass another --state-dir"


class UnsafeStateError(UsageError):
    """A state file or directory someone else could have written: refused, never used."""


def _problem(st: os.stat_result, kind: str) -> str | None:
    """Why a file with this status may not be trusted as ours, or None."""
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link"
    if kind == "dir" and not stat.S_ISDIR(st.st_mode):
        return "is not a directory"
    if kind == "file" and not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    uid = _euid()
    if st.st_uid != uid and st.st_uid == sudo_caller():
        return (
            f"is owned by uid {st.st_uid}, who ran sudo, not by you (uid {uid}): root runs"
            f" what the journals here say, and uid {st.st_uid} could write them"
        )
    if st.st_uid != uid:
        return f"is owned by uid {st.st_uid}, not by you (uid {uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o})"
    if kind == "file" and st.st_nlink > 1:
        return f"has {st.st_nlink} hard links"
    return None


#: what is wrong with a state path that is of the wrong kind: no owner or mode would help
_KINDS = {"is not a directory": "a directory", "is not a regular file": "regular files"}


def _refuse(path: Path, problem: str) -> UnsafeStateError:
    if problem in _KINDS:  # (hunt D: "make it yours with chown" said of a regular file)
        return UnsafeStateError(
            f"{path} {problem}: iplab keeps its state in {_KINDS[problem]} and will not use it",
            hint="move it away, or pass another --state-dir (or set IPLAB_STATE_DIR)",
        )
    if problem == "is a symbolic link":  # (hunt P: "chown and chmod go-w" said of a link)
        return UnsafeStateError(
            f"unsafe state: {path} {problem}; iplab never follows one in its state directory",
            hint="remove the link, or pass the directory it leads to as --state-dir",
        )
    if problem.startswith("has ") and problem.endswith(" hard links"):
        return UnsafeStateError(  # (chown and chmod would change the file it is linked to)
            f"unsafe state: {path} {problem}; iplab will not use it",
            hint=f"remove this name of it (rm {path}: the file's other names keep it), or pass"
            " another --state-dir",
        )
    return UnsafeStateError(f"unsafe state: {path} {problem}; iplab will not use it", hint=_FIX)


def check_private(path: Path) -> None:
    """Refuse a state directory someone else could write, or a symbolic link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _refuse(path, f"cannot be examined ({exc.strerror})") from None
    problem = _problem(st, "dir")
    if problem:
        raise _refuse(path, problem)


def sudo_caller() -> int | None:
    """The uid that ran ``sudo iplab`` (``$SUDO_UID``, which sudo sets), when iplab runs as
    root through it and the caller is not root; None otherwise."""
    value = os.environ.get("SUDO_UID", "")
    if _euid() != 0 or not value.isdigit() or int(value) == 0:
        return None
    return int(value)


def _trusted(uid: int) -> bool:
    """Root, you, or the user who ran sudo: who may own the directories (and links) on the
    way to the state directory. The caller of sudo can make root run anything, so what
    their own directories lead to is as trusted as they are (sshd trusts a user's own
    directories above ``~/.ssh``, hunt P); the state directory itself is root's."""
    return uid in (0, _euid()) or uid == sudo_caller()


def _owners() -> str:
    caller = sudo_caller()
    return f"root, you (uid {_euid()})" + (f" or uid {caller}, who ran sudo" if caller else "")


def _ancestor_problem(where: Path, st: os.stat_result) -> tuple[str, str] | None:
    """Why a directory or a symbolic link on the way to the state directory lets someone
    else lead iplab elsewhere, and what would fix it; or None."""
    if not _trusted(st.st_uid) and stat.S_ISLNK(st.st_mode):
        return (  # (hunt P: the fix said for a directory, chown and chmod, said of a link)
            f"is owned by uid {st.st_uid}, none of {_owners()}",
            f"make the link again as root (ln -sfn TARGET {where}), or pass the directory it"
            " leads to as --state-dir",
        )
    if not _trusted(st.st_uid):
        return (
            f"is owned by uid {st.st_uid}, none of {_owners()}",
            f"chown root {where} (or to you), or pass another --state-dir",
        )
    if stat.S_ISLNK(st.st_mode):
        return None  # (a link has no mode of its own: it is replaced through its directory)
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not st.st_mode & stat.S_ISVTX:
        return (
            f"is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o})",
            f"chmod go-w {where} (or chmod +t if it is shared, as /tmp is), or pass another"
            " --state-dir",
        )
    return None


#: the symbolic links the kernel follows before it gives up (ELOOP)
_MAX_LINKS = 40


def _on_the_way(path: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Every directory and symbolic link the kernel goes through to reach ``path`` (each
    link followed as the kernel does, through the directories its target names), up to
    what does not exist yet; not ``path`` itself once reached (the state directory)."""
    parts = list(path.parts if path.is_absolute() else Path(os.getcwd(), path).parts)[1:]
    here, links = Path("/"), 0
    yield here, os.stat(here)
    while parts:
        part = parts.pop(0)
        if part in (".", ""):
            continue
        if part == "..":
            here = here.parent
            continue
        there = here / part
        try:
            st = os.lstat(there)
        except FileNotFoundError:
            return
        if stat.S_ISLNK(st.st_mode):
            links += 1
            if links > _MAX_LINKS:
                raise _refuse(path, "cannot be examined (too many levels of symbolic links)")
            yield there, st
            target = Path(os.readlink(there))
            here = Path("/") if target.is_absolute() else here
            parts[:0] = target.parts[1:] if target.is_absolute() else target.parts
            continue
        if not parts:
            return
        yield there, st
        here = there


def check_ancestors(path: Path) -> None:
    """Refuse a directory whose parents, up to ``/``, someone else could change (and so
    rename the directory away and put their own in its place), as sshd checks the
    directories above ``~/.ssh``: each must belong to root, to you or to the user who ran
    sudo (:func:`_trusted`) and be writable by nobody else unless it is sticky (``/tmp``);
    each symbolic link on the way must belong to one of them, and the directories its
    target goes through are checked too. Parents that do not exist yet are skipped."""
    try:
        walked = list(_on_the_way(path))
    except OSError as exc:
        raise _refuse(path, f"cannot be examined ({exc.strerror})") from None
    for parent, st in walked:
        found = _ancestor_problem(parent, st)
        if found:
            problem, fix = found
            what = (
                "a symbolic link on the way to" if stat.S_ISLNK(st.st_mode) else "a directory above"
            )
            raise UnsafeStateError(
                f"unsafe state: {parent}, {what} {path}, {problem}: whoever can change it can"
                " put another directory in its place; iplab will not use it",
                hint=fix,
            )


def make_dirs(path: Path, mode: int = 0o700, parents_mode: int = 0o755) -> None:
    """Make ``path`` (``mode``) and its missing parents (``parents_mode``), each with its
    own mkdir: never more open than these whatever the umask (``mkdir -p``'s parents
    take the umask's mode: 0777 under ``umask 000``, hunt M)."""
    missing: list[Path] = []
    folder = Path(os.path.abspath(path))
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, mode if folder == missing[0] else parents_mode)
            if folder != missing[0]:
                _give_back(folder)


def _give_back(folder: Path) -> None:
    """A parent made by ``sudo iplab`` in a directory of the user who ran sudo (``~/.local``
    of ``--state-dir ~/.local/state/iplab``) is theirs, as if they had made it: a root's
    one there would keep them from making their own files in it."""
    caller = sudo_caller()
    if caller is not None and os.stat(folder.parent).st_uid == caller:
        group = os.environ.get("SUDO_GID", "")
        os.chown(folder, caller, int(group) if group.isdigit() else -1, follow_symlinks=False)


def check_tree(state_dir: Path, *below: str) -> None:
    """Check the state directory, the directories above it up to ``/``, and each
    directory ``below`` it (``labs``, ``labs/X``)."""
    check_ancestors(state_dir)
    check_private(state_dir)
    path = state_dir
    for part in below:
        path = path / part
        check_private(path)


def check_lab_name(lab: str) -> str:
    """A lab's name is a directory name under ``labs/``, never a path."""
    if (
        not lab
        or lab in (".", "..")
        or lab.startswith(".")
        or "/" in lab
        or "\0" in lab
        or len(lab) > 255
    ):
        raise UsageError(
            f"lab name {lab!r} is not a name (a lab is named, never a path)",
            hint="`iplab ls` lists the labs that are up",
        )
    return lab


def open_state_file(path: Path, flags: int, mode: int = 0o600) -> int:
    """``os.open`` a state file, never through a symbolic link, and refuse one that is
    not a regular file of ours writable by nobody else (checked on the open file, and
    its directory too)."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refuse(path, "is a symbolic link") from None
        if exc.errno in (errno.ENOENT, errno.EISDIR, errno.ENXIO):
            raise
        if exc.errno in (errno.EROFS, errno.ENOSPC, errno.EDQUOT):  # the host refuses writes:
            raise state_write_error(exc, str(path)) from None  # nothing unsafe (hunt D)
        if exc.errno in (errno.EMFILE, errno.ENFILE):  # (a limit met, nothing unsafe: it
            # said "unsafe state ... remove it" under ulimit -n 12)
            raise state_write_error(exc, str(path)) from None
        raise _refuse(path, f"cannot be opened ({exc.strerror})") from None
    try:
        problem = _problem(os.fstat(fd), "file")
        if problem:
            raise _refuse(path, problem)
        check_private(path.parent)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_state_file(path: Path, limit: int | None = None) -> bytes:
    """The whole state file (or its last ``limit`` bytes), opened as :func:`open_state_file`."""
    fd = open_state_file(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        start = max(0, size - limit) if limit is not None else 0
        chunks = []
        while True:
            chunk = os.pread(fd, 1 << 20, start)
            if not chunk:
                break
            chunks.append(chunk)
            start += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_state_text(path: Path) -> str:
    return read_state_file(path).decode("utf-8")


def default_state_dir() -> Path:
    if os.geteuid() == 0:
        return Path("/var/lib/iplab")
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "iplab"


def resolve(cli_value: str | Path | None) -> Path:
    """The state directory: ``--state-dir``, ``$IPLAB_STATE_DIR`` or the default
    (:func:`through_a_link`)."""
    if cli_value:
        return through_a_link(Path(cli_value))
    env = os.environ.get("IPLAB_STATE_DIR")
    return through_a_link(Path(env) if env else default_state_dir())


def through_a_link(path: Path) -> Path:
    """The directory a symbolic link given as the state directory leads to, once the link
    and the way to it and to its target are checked (:func:`check_ancestors`), as sshd
    follows one to ``~/.ssh``; any other path as it is. (Hunt P: such a link was refused,
    with "make it yours with chown and chmod go-w", which does not apply to a link.)"""
    if not os.path.islink(path):
        return path
    check_ancestors(path)
    return Path(os.path.realpath(path))


def ensure_dir(path: Path) -> Path:
    """Make a state directory (0700; its missing parents 0755) and check it and every
    directory above it (:func:`check_ancestors`) before and after."""
    check_ancestors(path)
    try:
        make_dirs(path)
    except OSError as exc:
        raise UsageError(
            f"cannot create the state directory {path}: {exc.strerror}",
            hint="pass --state-dir DIR or set IPLAB_STATE_DIR",
        ) from None
    check_ancestors(path)
    check_private(path)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, text: str, sync: bool = True) -> None:
    """Write a whole file so that readers see the old or the new content, never a mix.

    ``sync=False`` keeps the atomicity but not the durability (the file may lag
    after a power cut): for advisory files.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)  # a stale one (or a planted link): O_EXCL below creates a fresh file
    fd = open_state_file(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        try:
            _write_all(fd, text.encode("utf-8"))
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        # (hunt BV: a nearly full disk took part of lab.json; the rest was lost and the
        # part replaced the whole, and a failed write left its temporary file behind)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.replace(tmp, path)
    if sync:
        _fsync_dir(path.parent)


def append_durably(path: Path, text: str, sync: bool = True, create: bool = True) -> None:
    """Append whole lines with one write, then fsync: a crash loses at most a torn last line.

    ``sync=False`` leaves the flush to the next synced append of the same file (or to
    the kernel): for records whose loss a crash may cause without harm. ``create=False``:
    a file that is gone stays gone (FileNotFoundError), for one its writer made already:
    made anew, it would hold the last lines alone.

    A write the disk refuses halfway leaves the file as it was: a nearly full disk takes
    the first bytes of the lines and refuses the rest, and those bytes, left there, began
    the line a retry then wrote, which was read as no record at all (hunt BV: an intent of
    the write-ahead journal lost so, the records of a batch written twice).
    """
    created = create and not path.exists()
    fd = open_state_file(path, os.O_WRONLY | os.O_APPEND | (os.O_CREAT if create else 0))
    try:
        data = text.encode("utf-8")
        before = os.fstat(fd).st_size
        written = 0
        try:
            while written < len(data):
                written += os.write(fd, data[written:])
            if sync:
                os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                if written and os.fstat(fd).st_size == before + written:  # (ours alone)
                    os.ftruncate(fd, before)
            raise
    finally:
        os.close(fd)
    if created:
        _fsync_dir(path.parent)


def _write_all(fd: int, data: bytes) -> None:
    """All of ``data``: a write to a nearly full disk may take only its first bytes."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@contextlib.contextmanager
def locked(
    path: Path, what: str, blocking: bool = False, starting: bool = True, doing: str = ""
) -> Iterator[None]:
    """Hold an exclusive lock on ``path``; another holder makes this a LockedError.

    The lock file is never truncated: the holder's pid, what it does (``doing``: ``up``,
    ``down``...) and since when are written over its start, each padded to a fixed width
    (:func:`holder` reads them). A disk too full for that is said as the check before a run
    says it (``starting``: nothing has run yet), naming the directory."""
    fd = open_state_file(path, os.O_RDWR | os.O_CREAT)
    try:
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(fd, flags)
        except BlockingIOError:
            said = os.pread(fd, 200, 0).decode("utf-8", "replace")
            held = _parse_holder(said)
            wait = "wait for it to finish"
            if held is not None and held.doing in ("up", "run"):  # (hunt EB: unsaid)
                wait += (
                    f", or stop it: `kill {held.pid}` (or a Ctrl-C in its terminal), and it"
                    " rolls back what it did"
                )
            raise LockedError(
                f"{what} is {held.said()}"
                if held
                else f"{what} is in use by {said.strip() or 'another process'}",
                hint=f"{wait}; iplab releases the lock when it exits",
            ) from None
        try:
            os.pwrite(fd, _holder_text(doing), 0)
        except OSError as exc:
            raise no_room(path.parent, f"the lock of {what} ({path.name})", exc, starting) from None
        yield
    finally:
        os.close(fd)


#: what a lock's holder does, as ``verify``, ``status`` and ``ls`` say it (hunt AJ)
DOING = {
    "up": "being set up",
    "run": "being run (set up, then taken down)",
    "rollback": "being rolled back",
    "down": "being taken down",
    "change": "being changed",
}


@frozen
class Holder(Record):
    """The live iplab process that holds a lock: its pid, what it does, since when."""

    pid: int
    doing: str
    since: float | None

    def said(self) -> str:
        """``being set up by iplab pid 12 (started 2024-05-01 10:00:00)``."""
        what = DOING.get(self.doing, "in use")
        when = ""
        if self.since is not None:
            when = f" (started {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(self.since))})"
        return f"{what} by iplab pid {self.pid}{when}"


def _holder_text(doing: str) -> bytes:
    """The lock's text: fixed widths, so that a later write covers an earlier one whole."""
    return f"iplab pid {os.getpid():<12}{doing:<10.10}{int(time.time()):<12}".encode()


def _parse_holder(text: str) -> Holder | None:
    """The pid, doing and time of a lock's text (an older iplab wrote the pid only)."""
    said = text.split()
    if len(said) < 3 or said[:2] != ["iplab", "pid"] or not said[2].isdigit():
        return None
    doing = said[3] if len(said) > 3 and not said[3].isdigit() else ""
    stamp = said[-1] if len(said) > 3 and said[-1].isdigit() else ""
    return Holder(int(said[2]), doing, float(stamp) if stamp else None)


def note_lock(path: Path, doing: str) -> None:
    """The holder of ``path`` (this process) now does ``doing`` (an up that rolls back)."""
    fd = open_state_file(path, os.O_WRONLY)
    try:
        os.pwrite(fd, _holder_text(doing), 0)
    finally:
        os.close(fd)


def holder(path: Path) -> Holder | None:
    """The live process other than this one that last took the lock ``path``, if any.

    A lock file that is no lock (missing, unreadable, not iplab's) has no holder."""
    try:
        held = _parse_holder(read_state_file(path).decode("ascii", "replace"))
    except (OSError, IplabError):
        return None
    if held is None or held.pid == os.getpid() or _locked_now(path) is False:
        return None
    try:
        os.kill(held.pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return held
    return held


def _locked_now(path: Path) -> bool | None:
    """Someone holds a lock on ``path`` now, as /proc/locks lists it (the text only says
    who took it last: a process that brought a lab up through the API, and lives on, was
    said to be setting it up still); None: this host cannot tell."""
    try:
        st = os.stat(path)
        with open("/proc/locks", encoding="ascii", errors="replace") as listing:
            lines = listing.read().splitlines()
    except OSError:
        return None
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    return any("FLOCK" in line and key in line.split() for line in lines)
