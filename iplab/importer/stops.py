"""Commands a tutorial's author stopped with Ctrl-C (``ping`` with no count, ``tcpdump``,
``ip monitor``, a client typed into): iplab sends them SIGINT after :data:`STOP_AFTER`
seconds, as the author did. Only a program the line runs counts (``make ping`` and
``.PHONY: all up ping`` name no ping: cut short, a failing target could pass). Pure.
"""

from __future__ import annotations

from iplab import jobs
from iplab.words import JOINS, NETCATS, background_job, inside_netns, listens, shell_tokens
from iplab.wrappers import program_name, unwrap_once

#: seconds a command the author stopped with Ctrl-C runs before iplab sends it SIGINT
STOP_AFTER = 3
_FOREVER = frozenset({"tcpdump", "tshark", "dumpcap"})


def author_stops(line: str) -> bool:
    """A command that runs until its author presses Ctrl-C: ``ping`` without ``-c`` (or a
    ``-w`` deadline), ``tcpdump`` without ``-c``, ``watch``, ``ip monitor``, ``bridge
    monitor``, ``tc monitor``, ``nft monitor``, ``conntrack -E`` (hunt CR), a client the
    reader types into (``nc 10.0.0.2 9000``, ``telnet``, ``socat - TCP:...``; not ``echo hi
    | nc ...``, nor a scan, ``nc -z``). Only a program the line runs counts, past ``sudo``,
    ``ip netns exec NS`` and wrappers (``timeout 5``, ``nsenter -t 1 -n``): not a word
    (``make ping``, ``.PHONY: all up ping``, ``echo ping``). Not one run in the background
    (``tcpdump -i br0 &``: the step ends at once, its job runs on), nor one that stops a job
    (``pkill tcpdump``)."""
    if background_job(line) or jobs.request(line) is not None:
        return False
    tokens = shell_tokens(line)
    if tokens is None:
        return False
    stage: list[str] = []
    fed = False
    for token in [*tokens, ";"]:
        if token not in JOINS and token not in ("&", "|&", "(", ")"):
            stage.append(token)
            continue
        if stage and (stops := _stops(stage, fed)) is not None:
            return stops
        stage, fed = [], token in ("|", "|&")
    return False


def _stops(stage: list[str], fed: bool) -> bool | None:
    """Whether the program one simple command runs is stopped by its author (``fed``: a
    pipe feeds it); None: it runs none of those programs."""
    argv = stage
    while argv:
        if program_name(argv[0]) == "watch":  # (until Ctrl-C, unless told to end on a change)
            return not any(w in ("-g", "--chgexit", "-e", "--errexit") for w in argv[1:])
        if (inner := unwrap_once(argv)) is not None:
            argv = inner
        elif (inside := inside_netns(argv))[0] is not None:
            argv = inside[1]
        else:
            break
    if not argv:
        return None
    word, rest = program_name(argv[0]), argv[1:]
    counted = any(w.startswith(("-c", "-w", "--count")) for w in rest)
    if word in ("ping", "ping6", "arping") or word in _FOREVER:
        return not counted
    if word in ("ip", "bridge") and "monitor" in rest:
        return True
    if word in ("tc", "nft") and _first_word(rest) == "monitor":
        return True
    if word == "conntrack" and any(w in ("-E", "--event") for w in rest):
        return True  # (its events, until Ctrl-C)
    if word in NETCATS:  # a client the reader types into, unless something is fed to it
        fed = fed or any(w.startswith("<") for w in rest)
        scan = any(w.startswith("-") and not w.startswith("--") and "z" in w for w in rest)
        return not (fed or scan or listens(word, rest))
    return None


def _first_word(args: list[str]) -> str | None:
    """The first of ``args`` that is no option: ``monitor`` in ``nft -a monitor trace``
    (not in ``nft add table ip monitor``, a table's name)."""
    return next((a for a in args if not a.startswith("-")), None)
