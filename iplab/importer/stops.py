"""Commands a tutorial's author stopped with Ctrl-C (``ping`` with no count, ``tcpdump``,
``ip monitor``, a client typed into): iplab sends them SIGINT after :data:`STOP_AFTER`
seconds, as the author did. Only a program the line runs counts (``make ping`` and
``.PHONY: all up ping`` name no ping: cut short, a failing target could pass). Pure.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from iplab import jobs
from iplab.words import NETCATS, background_job, listens

#: seconds a command the author stopped with Ctrl-C runs before iplab sends it SIGINT
STOP_AFTER = 3
_FOREVER = frozenset({"tcpdump", "watch", "tshark", "dumpcap"})


def author_stops(line: str) -> bool:
    """A command that runs until its author presses Ctrl-C: ``ping`` without ``-c`` (or a
    ``-w`` deadline), ``tcpdump`` without ``-c``, ``ip monitor``, ``bridge monitor``, a
    client the reader types into (``nc 10.0.0.2 9000``, ``telnet``, ``socat -
    TCP:...``; not ``echo hi | nc ...``, nor a scan, ``nc -z``). Not
    one run in the background (``tcpdump -i br0 &``: the step ends at once, its job runs
    on), nor one that stops a job (``pkill tcpdump``)."""
    if background_job(line) or jobs.request(line) is not None:
        return False
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    for i, word in enumerate(words):
        if not _runs_here(words, i):
            continue  # (make ping, .PHONY: all up ping: a word, no program)
        rest = words[i + 1 :]
        counted = any(w.startswith(("-c", "-w", "--count")) for w in rest)
        if word in ("ping", "ping6", "arping"):
            return not counted
        if word in _FOREVER:
            return not counted
        if word in ("ip", "bridge") and "monitor" in rest:
            return True
        if word in NETCATS:  # a client the reader types into, unless something is fed to it
            fed = words[i - 1 : i] == ["|"] or any(w.startswith("<") for w in rest)
            scan = any(w.startswith("-") and not w.startswith("--") and "z" in w for w in rest)
            return not (fed or scan or listens(word, rest))
    return False


_BEFORE_A_PROGRAM = frozenset({"|", "||", "&&", ";", "sudo", "doas", "nice", "nohup", "env"})
_WRAPPERS = frozenset({"sudo", "doas", "nsenter", "timeout", "stdbuf", "setsid"})


def _runs_here(words: Sequence[str], i: int) -> bool:
    """``words[i]`` is a program the line runs: the first word, after a separator, after
    ``ip netns exec NS``, or after a wrapper and its options (``sudo -E``, ``nsenter -t 1
    -n``, ``timeout 5``)."""
    if i == 0 or words[i - 1] in _BEFORE_A_PROGRAM or words[i - 1].endswith(";"):
        return True
    if i >= 3 and words[i - 2] == "exec" and words[i - 3] == "netns":
        return True
    before = words[i - 1]
    return any(w in _WRAPPERS for w in words[:i]) and (
        before.startswith("-") or before.isdigit() or words[i - 2 : i - 1] in (["-t"], ["timeout"])
    )
