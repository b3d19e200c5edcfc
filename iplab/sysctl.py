"""A host sysctl a raw step writes, and what puts it back.

``sysctl -w net.ipv4.ip_forward=1``, ``echo 1 > /proc/sys/net/ipv4/ip_forward`` or
``echo 1 | sudo tee /proc/sys/...`` in the root namespace: iplab reads the host's value
right before the step runs (:meth:`iplab.lab.Session._read_back`), and the undo puts it
back only while it is still the value written (someone else's later change is theirs).
``sysctl -p [FILE]`` writes what its file says: the file is read right before the step too.
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


def sysctl_loads(command: str) -> tuple[str, ...] | None:
    """The files ``sysctl -p [FILE...]`` (``--load[=FILE]``) loads, /etc/sysctl.conf when it
    names none; None for anything else (``--system`` too: the order of its directories is
    systemd's, not read here). Which keys such a line writes only the files say, read right
    before it runs (:func:`sysctl_file_writes`)."""
    argv = plain_words(command)
    if not argv or argv[0] != "sysctl":
        return None
    files: list[str] = []
    load = False
    for arg in argv[1:]:
        if arg in ("-p", "--load"):
            load = True
        elif arg.startswith("--load="):
            load = True
            files.append(arg.partition("=")[2])
        elif arg.startswith("-p") and not arg.startswith("--"):
            load = True
            files.append(arg[2:])
        elif arg in _SYSCTL_QUIET:
            continue
        elif arg.startswith("-") or not load:
            return None
        else:
            files.append(arg)
    if not load or any(not f for f in files):
        return None
    return tuple(files) or ("/etc/sysctl.conf",)


def sysctl_file_settings(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The (key, value) pairs a sysctl.conf(5) file sets, as ``sysctl -p`` reads it (``key =
    value`` lines, ``#`` and ``;`` comments, a leading ``-``: an error ignored; the last of a
    key wins), and the keys it sets that are left out of them: a key with a glob or a value
    with spaces (``net.ipv4.tcp_rmem = 4096 87380 6291456``), whose undo could not tell
    whether the value is still the one written (said: iplab will not put them back)."""
    pairs: dict[str, str] = {}
    unkept: dict[str, None] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        key, eq, value = line.partition("=")
        key, value = key.strip().removeprefix("-").strip(), value.strip()
        if not eq or not key or not value:
            continue
        if not _SYSCTL_KEY.fullmatch(key) or any(c.isspace() for c in value):
            unkept[key] = None
            continue
        pairs.pop(key, None)
        pairs[key] = value
    return list(pairs.items()), [key for key in unkept if key not in pairs]


def sysctl_file_writes(text: str) -> list[tuple[str, str]]:
    """The pairs of :func:`sysctl_file_settings`."""
    return sysctl_file_settings(text)[0]


def sysctl_file_unkept(text: str) -> list[str]:
    """The keys :func:`sysctl_file_settings` leaves out."""
    return sysctl_file_settings(text)[1]


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


#: the tables under net/ whose third word names a device (``net.ipv4.conf.veth0.forwarding``)
_PER_DEVICE = frozenset({("net", "ipv4", "conf"), ("net", "ipv6", "conf"),
                         ("net", "ipv4", "neigh"), ("net", "ipv6", "neigh")})  # fmt: skip
#: sysctls that are one value under two names: writing either sets what both show
_SAME = {"net/ipv4/conf/all/forwarding": "net/ipv4/ip_forward"}


def followed_key(key: str) -> str | None:
    """The path under /proc/sys of a key verify reads back after a write (``net.ipv4.ip_forward``
    -> ``net/ipv4/ip_forward``): a key of the namespace it is written in (``net.``) that
    names no device (``conf.all``, ``conf.default`` do not: a device's keys go with it,
    and come back as the defaults when a link of that name is made again). None: not
    followed (``kernel.*``, ``net.ipv4.conf.veth0.rp_filter``)."""
    path = sysctl_path(key).removeprefix("/proc/sys/")
    parts = path.split("/")
    if parts[0] != "net" or len(parts) < 3:
        return None
    if tuple(parts[:3]) in _PER_DEVICE and (len(parts) < 5 or parts[3] not in ("all", "default")):
        return None
    return _SAME.get(path, path)


def followed_writes(command: str) -> list[tuple[str, str]]:
    """The writes of a line (through ``bash -c '...'`` too) whose keys are followed
    (:func:`followed_key`): (path, value with its blanks made single spaces), in order."""
    script = shell_script(command)
    if script is not None:
        return followed_writes(script)
    out = []
    for key, value in sysctl_writes(command) or ():
        if (path := followed_key(key)) is not None:
            out.append((path, " ".join(value.split())))
    return out


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
