"""What a container runtime's command line runs, or shows: ``docker exec web ip a`` runs
``ip a`` in the container, ``runc list`` shows, ``nsenter -t $pid -n ip -br addr`` and
``chroot rootfs /bin/ls /bin`` run their command elsewhere. :func:`iplab.words.reads_only`
asks it, so that such a line is no change "iplab cannot undo" (hunt AH: each was listed).
Pure functions of the words.
"""

from __future__ import annotations

from collections.abc import Sequence

from iplab.wrappers import program_name, unwrap_once

__all__ = ["enters_any", "runs_inside", "shows"]

#: a runtime's verbs that only show (``docker ps``, ``runc list``, ``podman inspect c``)
_SHOWS: dict[str, frozenset[str]] = {
    "docker": frozenset({"ps", "inspect", "logs", "images", "port", "top", "version", "info"}),
    "runc": frozenset({"list", "state", "ps", "--version", "-v", "--help", "-h"}),
}
_SHOWS["podman"] = _SHOWS["nerdctl"] = _SHOWS["docker"]
_SHOWS["crun"] = _SHOWS["runc"]
#: the objects whose ``ls``/``inspect`` only shows (``docker network inspect lab``)
_LISTED = frozenset({"network", "container", "image", "volume"})
#: the options of ``exec`` that take the next word as their value, by runtime
_EXEC_VALUED: dict[str, frozenset[str]] = {
    "docker": frozenset({"-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir"}),
    "runc": frozenset(
        {
            *("-e", "--env", "-u", "--user", "-g", "--additional-gids", "--cwd", "-c", "--cap"),
            *("--console-socket", "--pid-file", "--apparmor", "--process-label"),
            *("--preserve-fds", "--cgroup"),
        }
    ),
}
_EXEC_VALUED["podman"] = _EXEC_VALUED["nerdctl"] = _EXEC_VALUED["docker"]
_EXEC_VALUED["crun"] = _EXEC_VALUED["runc"]
#: exec's options that leave the command running (a job), or take it from a file
_NOT_WAITED = frozenset({"-d", "--detach", "-p", "--process"})
#: wrappers that run their command in another namespace or root, the same command there
_ELSEWHERE = frozenset({"nsenter", "chroot"})


def shows(argv: Sequence[str]) -> bool:
    """``docker ps``, ``runc list``, ``docker network inspect lab``: shown, nothing changed."""
    program, args = program_name(argv[0]) if argv else "", list(argv[1:])
    if program not in _SHOWS or not args:
        return False
    if args[0] in _LISTED and args[1:2] in (["ls"], ["list"], ["inspect"]):
        return True
    return args[0] in _SHOWS[program]


def runs_inside(argv: Sequence[str]) -> list[str] | None:
    """The command ``docker exec [OPTS] C CMD...``, ``runc exec [OPTS] ID CMD...``,
    ``nsenter [OPTS] CMD...`` or ``chroot ROOT CMD...`` runs where it enters (its program
    by name: ``/bin/ls`` in the root is ``ls``); None when the line is none of them, enters
    with no command (a shell), or leaves it running (``-d``)."""
    program = program_name(argv[0]) if argv else ""
    if program in _ELSEWHERE:
        inner = unwrap_once(argv)
    elif program in _EXEC_VALUED and argv[1:2] == ["exec"]:
        inner = _exec_command(list(argv[2:]), _EXEC_VALUED[program])
    else:
        return None
    return [program_name(inner[0]), *inner[1:]] if inner else None


def _exec_command(args: list[str], valued: frozenset[str]) -> list[str] | None:
    """The command after exec's options and its container (None: it has none, or ``-d``)."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        word = args[i]
        if word in _NOT_WAITED or (not word.startswith("--") and "d" in word[1:]):
            return None  # (-d, -itd: detached; -p process.json: its command is in the file)
        if word == "--":
            i += 1
            break
        i += 2 if word in valued else 1
    return args[i + 1 :] or None


def enters_any(stage: Sequence[str]) -> bool:
    """The next word is where ``stage`` enters, whatever its value (``nsenter -t $pid``,
    ``docker exec $C``, ``runc exec $ID``, ``chroot $ROOT``): the command after it is read
    as it would be anywhere."""
    program = program_name(stage[0]) if stage else ""
    if program == "nsenter":
        return stage[-1] in ("-t", "--target")
    if program == "chroot":
        return len(stage) == 1
    if program not in _EXEC_VALUED or stage[1:2] != ["exec"]:
        return False
    rest = list(stage[2:])
    return _exec_command([*rest, "C", "x"], _EXEC_VALUED[program]) == ["x"]
