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
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from iplab.errors import LockedError, UsageError


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
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"cannot create the state directory {path}: {exc.strerror}",
            hint="pass --state-dir DIR or set IPLAB_STATE_DIR",
        ) from None
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
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
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
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
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
    """Hold an exclusive lock on ``path``; another holder makes this a LockedError."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
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
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"iplab pid {os.getpid()}".encode(), 0)
        yield
    finally:
        os.close(fd)
