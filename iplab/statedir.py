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
``/``, must belong to root or that user and be writable by nobody else unless sticky
(:func:`check_ancestors`, as sshd checks the directories above ``~/.ssh``); the
directories iplab makes are 0700 and their missing parents 0755 whatever the umask;
every file is opened with ``O_NOFOLLOW`` (:func:`open_state_file`), so a planted
symbolic link is refused, never followed; lab names are names, never paths (:func:`check_lab_name`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from iplab.errors import LockedError, UsageError, state_write_error

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


def _ancestor_problem(st: os.stat_result) -> str | None:
    """Why a directory above the state directory lets someone else replace it, or None."""
    if st.st_uid not in (0, _euid()):
        return f"is owned by uid {st.st_uid}, neither root nor you (uid {_euid()})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not st.st_mode & stat.S_ISVTX:
        return f"is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


def check_ancestors(path: Path) -> None:
    """Refuse a directory whose parents, up to ``/``, someone else could change (and so
    rename the directory away and put their own in its place), as sshd checks the
    directories above ``~/.ssh``: each must belong to root or to you and be writable by
    nobody else unless it is sticky (``/tmp``). Both the path as given and the path its
    symbolic links lead to are checked; parents that do not exist yet are skipped."""
    given = Path(os.path.abspath(path))
    seen: set[Path] = set()
    for start in (given, Path(os.path.realpath(given))):
        for parent in start.parents:
            if parent in seen:
                continue
            seen.add(parent)
            try:
                st = os.stat(parent)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise _refuse(parent, f"cannot be examined ({exc.strerror})") from None
            problem = _ancestor_problem(st)
            if problem:
                raise UnsafeStateError(
                    f"unsafe state: {parent}, a directory above {path}, {problem}: whoever"
                    " can write it can put another directory in its place; iplab will not"
                    " use it",
                    hint=f"chmod go-w {parent} (or chmod +t if it is shared, as /tmp is),"
                    f" chown it to root or to you, or pass another --state-dir",
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
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("IPLAB_STATE_DIR")
    return Path(env) if env else default_state_dir()


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
        os.write(fd, text.encode("utf-8"))
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    if sync:
        _fsync_dir(path.parent)


def append_durably(path: Path, text: str, sync: bool = True) -> None:
    """Append whole lines with one write, then fsync: a crash loses at most a torn last line.

    ``sync=False`` leaves the flush to the next synced append of the same file (or to
    the kernel): for records whose loss a crash may cause without harm.
    """
    created = not path.exists()
    fd = open_state_file(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        data = text.encode("utf-8")
        written = os.write(fd, data)
        while written < len(data):  # pragma: no cover - regular files take it in one go
            written += os.write(fd, data[written:])
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        _fsync_dir(path.parent)


@contextlib.contextmanager
def locked(path: Path, what: str, blocking: bool = False) -> Iterator[None]:
    """Hold an exclusive lock on ``path``; another holder makes this a LockedError.

    The lock file is never truncated: the holder's pid is written over its start,
    padded to a fixed width."""
    fd = open_state_file(path, os.O_RDWR | os.O_CREAT)
    try:
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(fd, flags)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise LockedError(
                f"{what} is in use by {holder}",
                hint="wait for it to finish; iplab releases the lock when it exits",
            ) from None
        os.pwrite(fd, f"iplab pid {os.getpid():<12}".encode(), 0)
        yield
    finally:
        os.close(fd)
