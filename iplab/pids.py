"""A pid written out where a command takes one: ``ip netns attach web 13391``, ``ip netns
identify 51234``, ``nsenter -t 7001``. Copied from the author's session, it names another
process here, or none; where the session printed it for a job (``[1] 3113``), it is that
job, ``%1`` (see :mod:`iplab.jobs`).

Pure: what a command's words say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from iplab.words import inside_netns, simple_commands


def literal_pid(command: str) -> str | None:
    """The pid written out where a command takes one: ``ip netns attach NAME 13391``, ``ip
    netns identify 51234``, ``nsenter -t 7001`` (not 1, init's: the host's namespaces).
    Copied from the author's session, it is another process here, or none (hunt W: the
    attach named a stranger's namespace, and the lab made its links in it). None: none."""
    for words in simple_commands(command) or []:
        argv = [w for w in words if w != "sudo"]
        argv = inside_netns(argv)[1] if argv else argv
        program = argv[0].rsplit("/", 1)[-1] if argv else ""
        if program == "ip" and argv[1:3] == ["netns", "attach"]:
            pid = argv[4] if len(argv) == 5 else ""
        elif program == "ip" and argv[1:3] == ["netns", "identify"]:
            pid = argv[3] if len(argv) == 4 else ""
        elif program == "nsenter":
            pid = next(nsenter_targets(argv[1:]), "")
        else:
            continue
        if pid.isdigit() and pid != "1":
            return pid
    return None


def nsenter_targets(args: list[str]) -> Iterator[str]:
    """The pids nsenter's ``-t PID``, ``-tPID``, ``--target PID``, ``--target=PID`` name."""
    for i, arg in enumerate(args):
        if arg in ("-t", "--target") and i + 1 < len(args):
            yield args[i + 1]
        elif arg.startswith("--target="):
            yield arg.split("=", 1)[1]
        elif arg.startswith("-t") and not arg.startswith("--"):
            yield arg[2:]


def with_job_pids(command: str, printed: Mapping[str, str]) -> str:
    """``ip netns attach web 3113`` where the session printed ``[1] 3113`` after ``unshare
    -n sleep infinity &``: ``ip netns attach web %1``, the job (``printed``: each pid the
    session printed for a job, and the job's ``%N``)."""
    pid = literal_pid(command)
    if pid is None or pid not in printed:
        return command
    return re.sub(rf"(?<![\w./%-]){pid}(?![\w./-])", printed[pid], command)
