"""Shells a tutorial opens where iplab cannot follow: a network namespace with no name
(``unshare --net bash``, ``nsenter -t PID -n``), a container, another host (``ssh node2``).

The lines an author types in such a shell change that namespace or that host. Read as
the page's other lines, they ran on the host instead (hunt N: ``iptables -P OUTPUT DROP``
typed in a container's shell set the host's policy). :func:`shell_elsewhere` tells such a
line; the reader keeps what is typed in the shell, until ``exit``, as notes. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from iplab.words import namespace_entry

__all__ = ["shell_elsewhere"]

#: shells: a program that opens one when it is given no script
_SHELLS = frozenset(
    {"bash", "sh", "zsh", "dash", "ash", "ksh", "fish", "-bash", "/bin/bash", "/bin/sh"}
)
#: programs that open a shell in a container or another machine, and the words before it
_AWAY = {
    "ssh": "another host",
    "docker": "a container",
    "podman": "a container",
    "kubectl": "a pod",
    "lxc-attach": "a container",
    "lxc": "a container",
    "incus": "a container",
    "machinectl": "a container",
    "vagrant": "a virtual machine",
    "multipass": "a virtual machine",
}


def shell_elsewhere(program: str, args: Sequence[str]) -> str | None:
    """Where the command opens an interactive shell iplab cannot enter, or None: it runs a
    program and is done (``unshare --net ip link``), or enters a namespace by its name
    (``nsenter --net=/var/run/netns/red``: the reader's own sessions)."""
    name = program.rsplit("/", 1)[-1]
    if name in ("unshare", "nsenter"):
        return _unshared(name, list(args))
    if name not in _AWAY:
        return None
    words = [w for w in args if not w.startswith("-")]
    if name == "ssh":
        rest = _after_options(list(args), {"-p", "-i", "-l", "-o", "-J", "-F", "-L", "-R", "-D"})
        return "another host" if len(rest) == 1 else None  # ssh node2 (ssh node2 CMD: done)
    if name in ("docker", "podman", "incus", "lxc") and words[:1] in (["exec"], ["run"]):
        interactive = any(w.startswith("-") and "i" in w.lstrip("-")[:3] for w in args)
        tail = words[-1:] if len(words) >= 3 else []
        return _AWAY[name] if interactive and tail and tail[0] in _SHELLS else None
    if name == "kubectl" and words[:1] == ["exec"] and "--" in args:
        after = list(args)[list(args).index("--") + 1 :]
        return "a pod" if after[:1] and after[0] in _SHELLS and len(after) == 1 else None
    if name in ("vagrant", "multipass", "machinectl") and words[:1] in (["ssh"], ["shell"]):
        return _AWAY[name] if len(words) <= 2 else None
    if name == "lxc-attach":
        return "a container" if "--" not in args else None
    return None


def _unshared(program: str, args: list[str]) -> str | None:
    entry = namespace_entry([program, *args])
    if entry is None or not entry.net or entry.named:
        return None  # (--net=/var/run/netns/red: a namespace by its name, the reader's own)
    rest = entry.rest
    if rest and (rest[0] not in _SHELLS or len(rest) > 1):
        return None
    if program == "nsenter":
        return f"the network namespace of process {entry.target}" if entry.target else None
    return "a network namespace with no name"


def _after_options(args: list[str], valued: set[str]) -> list[str]:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in valued else 1
    return args[i:]
