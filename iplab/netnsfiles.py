"""A file of ``/etc/netns/NS/`` a step writes before any step makes that directory.

``ip netns exec NS`` binds the files of ``/etc/netns/NS/`` over ``/etc`` (a namespace's own
resolv.conf), but ``ip netns add`` makes no such directory: a page that writes ``echo
'nameserver 9.9.9.9' > /etc/netns/apple/resolv.conf`` with no ``mkdir -p /etc/netns/apple``
before it fails there, "No such file or directory" (hunt CJ #2: check said OK, and the run
failed and rolled back). Said when NS is a namespace of the lab's (under ``--prefix`` a name
no host has) and no step before it, nor the line itself, makes the directory; a step whose
writes iplab cannot read that names the directory may make it, and silences it.
"""

from __future__ import annotations

from collections.abc import Sequence

from iplab.hostfiles import Write, file_writes
from iplab.model import Judge, ModelError
from iplab.steps import NetnsAdd, Raw, Step

_ETC_NETNS = "/etc/netns/"


def check_netns_files(steps: Sequence[Step], judge: Judge) -> None:
    """A warning for each write into ``/etc/netns/NS/`` of a lab's namespace NS whose
    directory no step before it makes (see the module's docstring)."""
    made: set[str] = set()  # (the lab's namespaces)
    dirs: list[Write] = []  # (the directories the steps so far make)
    unread: list[str] = []  # (the texts of steps whose writes iplab cannot read)
    for step in steps:
        op = step.op
        if isinstance(op, NetnsAdd):
            made.add(op.name)
        if not isinstance(op, Raw):
            continue
        writes = file_writes(op.command)
        before = list(unread)
        if writes is None or not writes.complete:
            unread.append(op.command)
        if writes is None:
            continue
        dirs += [w for w in writes.writes if w.kind == "dir"]
        for write in writes.writes:
            directory = _netns_dir(write, made)
            if directory is None or step.may_fail:
                continue
            if any(_makes(d, directory) for d in dirs) or any(directory in t for t in before):
                continue
            judge.object(
                ModelError(
                    f"writes {write.path}, but no step before it makes {directory} (ip netns"
                    " add does not): the write fails, No such file or directory",
                    step.loc,
                    f"make the directory first: mkdir -p {directory}",
                    certain=False,
                )
            )


def _netns_dir(write: Write, lab: set[str]) -> str | None:
    """``/etc/netns/NS`` when ``write`` is a file right in it and NS a namespace of ``lab``."""
    if write.kind != "file" or not write.path.startswith(_ETC_NETNS):
        return None
    ns, _, name = write.path[len(_ETC_NETNS) :].partition("/")
    if ns not in lab or not name or "/" in name:
        return None
    return _ETC_NETNS + ns


def _makes(write: Write, directory: str) -> bool:
    """``write`` makes ``directory``: that directory, or one under it with its parents."""
    return write.path == directory or (write.parents and write.path.startswith(directory + "/"))
