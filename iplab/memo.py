"""Results of the pure stages kept between runs, under a key made of all they depend on.

Loading and planning a scenario is a pure function of the scenario's text, the
``--var`` pairs, the prefix, the template files and iplab's own code. For star-500 it
costs ``up`` 0.17 s (2,002 lines rendered through Jinja) and ``verify`` 0.1 s (the model
of what the lab should hold), and loading it back costs a fraction of that, without
importing YAML or Jinja at all. The loaded scenario is kept on its own too, without the
prefix in its key (:func:`iplab.scenario.loaded`): a lab planned under a new prefix
reads no YAML. Each result is kept under a SHA-256 of:

* the inputs' bytes (the scenario's text, every template file), never their names or
  times alone: a changed input is another key, never a stale hit;
* iplab's code: the size and modification time of each of its modules and bundled
  templates, the interpreter's version, and the files of jinja2, PyYAML and sh (an
  upgrade is another key).

Where: ``$XDG_CACHE_HOME/iplab/<kind>`` (default ``~/.cache``), a directory only its
owner can write, as the state directory: what is read back from it is unpickled, which
is code. Otherwise there is no cache. ``IPLAB_NO_CACHE=1`` turns it off. An entry that
is damaged, cut short or unreadable is a miss (and is written again); a cache that
cannot be written is only slower, never an error. At most :data:`KEEP` entries of a
kind are kept, the least recently used go first. An entry is written by a thread once
the command waits for a process it started (:func:`idle`: the kernel's work hides it; a
writer started at once competed with planning for the interpreter, 25 to 30 ms of
star-500's `up` (#14)); :func:`flush` lets it write and waits for it at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import importlib.util
import os
import pickle
import sys
import threading
import time
from pathlib import Path
from typing import Any

#: entries kept of each kind (a plan of 5,000 namespaces is about 8 MB)
KEEP = 16
#: the layout of an entry; a change makes every earlier entry another key
FORMAT = 1
#: a writer's temporary file older than this was left by a killed process
STALE_SECONDS = 600.0

_writers: list[threading.Thread] = []
#: set once the command waits for a process (or exits): the writers may take the interpreter
_idle = threading.Event()


def idle() -> None:
    """The command waits for a process now (its main thread blocked): the writers go."""
    _idle.set()


def enabled() -> bool:
    return not os.environ.get("IPLAB_NO_CACHE")


def base() -> Path | None:
    """``$XDG_CACHE_HOME/iplab``, else ``~/.cache/iplab`` when the home directory exists
    (``HOME=/nonexistent``, as daemons have: no cache, and no directory made, hunt M)."""
    given = os.environ.get("XDG_CACHE_HOME")
    if given:
        return Path(given) / "iplab"
    home = Path.home()
    return home / ".cache" / "iplab" if home.is_dir() else None


#: the caches refused already in this process: each is noted once
_noted: set[Path] = set()


def _note(root: Path, error: Exception) -> None:
    """Say once, in one line, that the cache is skipped and why (it was silent, hunt M)."""
    if root not in _noted:
        _noted.add(root)
        print(f"iplab: note: no cache this time: {error}", file=sys.stderr)


@functools.cache
def fingerprint() -> str:
    """What iplab's results depend on besides their inputs: its code and its libraries."""
    from iplab.resources import data_dir

    digest = hashlib.sha256(f"{FORMAT} {sys.version} {sys.implementation.cache_tag}".encode())
    files: list[str] = []
    for root in (Path(__file__).resolve().parent, data_dir("templates")):
        for folder, _dirs, names in os.walk(root):
            files += [os.path.join(folder, n) for n in names if n.endswith((".py", ".j2"))]
    for library in ("jinja2", "yaml", "sh"):
        files += filter(None, [_origin(library)])
    for name in sorted(files):
        with contextlib.suppress(OSError):
            st = os.stat(name)
            digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _origin(library: str) -> str | None:
    """The file a library is imported from, found without importing it."""
    module = sys.modules.get(library)
    if module is not None and isinstance(getattr(module, "__file__", None), str):
        return str(module.__file__)  # sh's module is a wrapper without a __spec__
    try:
        spec = importlib.util.find_spec(library)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


def key(kind: str, *parts: object) -> str:
    """The key of a result of ``kind`` from ``parts`` (strings, numbers, booleans and
    tuples of them: their ``repr`` is the same in every run)."""
    return hashlib.sha256(repr((fingerprint(), kind, parts)).encode()).hexdigest()


def directory(kind: str) -> Path | None:
    """``$XDG_CACHE_HOME/iplab/<kind>``, made if need be (0700 whatever the umask); None
    when the cache is off, or cannot be made (no home directory), or is not private
    (someone else could write it or a directory above it, or it is a symbolic link: a
    one-line note says so): then nothing is kept, never an error."""
    if not enabled():
        return None
    from iplab import statedir
    from iplab.errors import IplabError

    try:
        root = base()
    except RuntimeError:  # no home directory at all
        return None
    if root is None:
        return None
    path = root / kind
    try:
        statedir.check_ancestors(path)
        statedir.make_dirs(path, parents_mode=0o700)  # as XDG asks
        statedir.check_tree(root, kind)  # ours alone, no symbolic link, nor above
    except OSError:  # cannot be made (read-only, full): only slower
        return None
    except IplabError as error:
        _note(root, error)
        return None
    return path


def get(kind: str, entry: str) -> Any | None:
    """The result kept under ``entry`` (a :func:`key`), or None."""
    folder = directory(kind)
    if folder is None:
        return None
    from iplab import statedir
    from iplab.errors import IplabError

    path = folder / f"{entry}.pickle"
    try:
        data = statedir.read_state_file(path)
    except FileNotFoundError:
        return None
    except (OSError, IplabError):  # not ours, or unreadable: not used
        return None
    try:
        value = pickle.loads(data)
    except Exception:  # cut short or damaged: a miss, written again
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used
    return value


def put(kind: str, entry: str, value: object) -> None:
    """Keep ``value`` under ``entry``, written by a thread while the command goes on."""
    folder = directory(kind)
    if folder is None:
        return
    writer = threading.Thread(
        target=_write, args=(folder, entry, value), name=f"iplab-memo-{kind}", daemon=True
    )
    if not _writers:
        atexit.register(flush)
    try:
        writer.start()
    except (RuntimeError, MemoryError):  # no thread to be had (a pids limit): no cache entry
        return
    _writers.append(writer)


def flush() -> None:
    """Wait for the entries being written (a Ctrl-C stops waiting: an entry is only
    ever renamed into place whole)."""
    _idle.set()
    with contextlib.suppress(KeyboardInterrupt):
        while _writers:
            _writers.pop().join()


def _write(directory: Path, entry: str, value: object) -> None:
    _idle.wait()
    temporary = directory / f".{entry}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
        )
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, directory / f"{entry}.pickle")
    except Exception:  # a full disk, an unpicklable value: only slower next time
        with contextlib.suppress(OSError):
            temporary.unlink()
        return
    _evict(directory)


def _evict(directory: Path) -> None:
    """Keep the :data:`KEEP` most recently used entries, and no writer's leftovers."""
    entries: list[tuple[float, Path]] = []
    now = time.time()
    with contextlib.suppress(OSError):
        for item in os.scandir(directory):
            with contextlib.suppress(OSError):
                mtime = item.stat(follow_symlinks=False).st_mtime
                if item.name.endswith(".pickle"):
                    entries.append((mtime, Path(item.path)))
                elif item.name.endswith(".tmp") and now - mtime > STALE_SECONDS:
                    os.unlink(item.path)
    entries.sort(reverse=True)
    for _mtime, path in entries[KEEP:]:
        with contextlib.suppress(OSError):
            path.unlink()
