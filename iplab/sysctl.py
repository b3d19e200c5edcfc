"""A host sysctl a raw step writes, and what puts it back.

``sysctl -w net.ipv4.ip_forward=1``, ``echo 1 > /proc/sys/net/ipv4/ip_forward`` or
``echo 1 | sudo tee /proc/sys/...`` in the root namespace: iplab reads the host's value
right before the step runs (:meth:`iplab.lab.Session._read_back`), and the undo puts it
back only while it is still the value written (someone else's later change is theirs).
"""

from __future__ import annotations

import re
import shlex

from iplab.words import netns_scoped, plain_words, shell_script, shell_tokens

_SYSCTL_KEY = re.compile(r"[A-Za-z0-9_.:/-]+")
_SYSCTL_QUIET = frozenset({"-w", "--write", "-q", "--quiet", "-e", "--ignore"})


def sysctl_writes(command: str) -> list[tuple[str, str]] | None:
    """The (key, value) pairs ``sysctl [-w] [-q] KEY=VALUE...`` or ``echo VALUE >
    /proc/sys/KEY`` writes, keys as written (``net.ipv4.ip_forward``,
    ``net/ipv4/ip_forward``); None for anything else (a read, ``-p FILE``, other shell
    syntax, a value with spaces)."""
    argv = plain_words(command)
    if argv is None:
        return _proc_sys_write(command)
    if not argv or argv[0] != "sysctl":
        return None
    pairs = []
    for arg in argv[1:]:
        if arg in _SYSCTL_QUIET:
            continue
        key, eq, value = arg.partition("=")
        if not eq or not _SYSCTL_KEY.fullmatch(key) or not value or any(c.isspace() for c in value):
            return None
        pairs.append((key, value))
    return pairs or None


#: a value ``echo`` writes as it is (no expansion, no glob): 1, fq_codel, 10.0.0.1
_PROC_SYS_VALUE = re.compile(r"[\w.:,/+][\w.:,/+-]*")


def _proc_sys_write(command: str) -> list[tuple[str, str]] | None:
    """``echo 1 > /proc/sys/net/ipv4/ip_forward``, ``echo 1 | [sudo] tee [-a]
    /proc/sys/... [> /dev/null]``: the key (its path under /proc/sys) and the value."""
    tokens = shell_tokens(command)
    if not tokens or tokens[0] != "echo" or len(tokens) < 4:
        return None
    value, rest = tokens[1], tokens[2:]
    if rest[0] == ">" and len(rest) == 2:
        path = rest[1]
    elif rest[0] == "|":
        rest = rest[2:] if rest[1:2] == ["sudo"] else rest[1:]
        if rest[:1] != ["tee"]:
            return None
        rest = rest[2:] if rest[1:2] in (["-a"], ["--append"]) else rest[1:]
        if not rest or rest[1:] not in ([], [">", "/dev/null"]):
            return None
        path = rest[0]
    else:
        return None
    key = path.removeprefix("/proc/sys/")
    if (
        key == path
        or not _SYSCTL_KEY.fullmatch(key)
        or ".." in key.split("/")
        or not _PROC_SYS_VALUE.fullmatch(value)
    ):
        return None
    return [(key, value)]


def sysctl_path(key: str) -> str:
    """Where the kernel shows a sysctl: ``net.ipv4.ip_forward`` -> /proc/sys/net/ipv4/ip_forward
    (a key written with slashes is the path already: its dots are a name's, ``eth0.1``)."""
    return "/proc/sys/" + (key if "/" in key else key.replace(".", "/"))


def sysctl_undo(writes: list[tuple[str, str]], before: dict[str, str]) -> str:
    """A shell command that puts back each value ``before`` (read right before the write),
    only where the value is still the one written: a change made since by someone else
    (another lab, the host) is theirs, left alone."""
    return "; ".join(
        f'test "$(cat {sysctl_path(key)})" != {shlex.quote(value)}'
        f" || printf '%s\\n' {shlex.quote(before[key])} > {sysctl_path(key)}"
        for key, value in writes
        if key in before
    )


def in_netns_only(command: str) -> bool:
    """:func:`iplab.words.netns_scoped`, or a write of ``net.*`` sysctls (``echo 1 >
    /proc/sys/net/ipv4/ip_forward``, through ``sh -c '...'`` too): run in a namespace,
    every change stays there, and deleting the namespace undoes it."""
    script = shell_script(command)
    if script is not None:
        return in_netns_only(script)
    if writes := sysctl_writes(command):
        return all(key.startswith(("net.", "net/")) for key, _ in writes)
    return netns_scoped(command)
