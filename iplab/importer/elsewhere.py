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
from iplab.wrappers import WRAPPERS, program_name, unwrap_once

__all__ = ["SHELL_VARIABLE", "opened_shell", "shell_elsewhere"]

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


#: the shells a namespace's lines are typed in (``ip netns exec NS /bin/bash``)
_INTERACTIVE = frozenset(
    {"bash", "sh", "dash", "zsh", "ash", "ksh", "mksh", "yash", "fish", "tcsh", "csh"}
)
#: a shell's options that take the next word as their value (``bash --rcfile FILE``)
_SHELL_VALUED = frozenset({"--rcfile", "--init-file", "-O", "+O", "-o", "+o"})
#: su's options that take the next word as their value (``su -s /bin/zsh``)
_SU_VALUED = frozenset({"-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w"})
#: sudo's options that open root's shell when no command follows (``sudo -i``, ``sudo -s``)
_SUDO_SHELL = frozenset({"-i", "-s", "--login", "--shell"})
#: the variable that names the user's shell, as a word (``ip netns exec NS $SHELL``)
SHELL_VARIABLE = frozenset({"$SHELL", "${SHELL}"})


def opened_shell(argv: Sequence[str | None]) -> str | None:
    """The shell ``argv`` opens for the lines typed after it (``bash``, ``/bin/bash -l``,
    ``bash --rcfile <(...)``, ``env PS1='(ns) ' bash``, ``su -``, ``sudo -i``, ``$SHELL``),
    or None: it runs a script or a program and is done (``bash -c CMD``, ``bash lab.sh``,
    ``hostname``). A None word is one whose value is not known (``<(...)``, ``$PID``)."""
    if not argv or argv[0] is None:
        return None
    first, args = argv[0], list(argv[1:])
    name = "bash" if first in SHELL_VARIABLE else program_name(first)
    if name in _INTERACTIVE or first in SHELL_VARIABLE:
        return name if _options_only(args, _SHELL_VALUED, users=0) else None
    if name == "su":
        return "bash" if _options_only(args, _SU_VALUED, users=1) else None
    if name == "busybox":
        return opened_shell(args)
    if name not in WRAPPERS or any(a is None for a in argv[: len(argv) - len(args)]):
        return None
    known = [a if a is not None else "" for a in argv]
    inner = unwrap_once(known)
    if inner is None:
        return None
    if not inner:  # sudo -i: root's login shell
        return "bash" if name in ("sudo", "doas") and _SUDO_SHELL & set(known) else None
    return opened_shell(argv[len(argv) - len(inner) :])


def _options_only(args: list[str | None], valued: frozenset[str], users: int) -> bool:
    """Every word is an option (or the value of one), but for at most ``users`` words
    that are no option (su's user); none runs a command (``-c``)."""
    i = 0
    while i < len(args):
        word = args[i]
        if word in ("--command", "--session-command") or (
            word is not None and word[:1] == "-" and word[1:2] != "-" and "c" in word
        ):  # -c CMD, -ic CMD: a command, run and done
            return False
        if word in valued:
            i += 2
            continue
        if word is None or not (word.startswith(("-", "+")) or (users and word.isidentifier())):
            return False
        users -= 0 if word.startswith(("-", "+")) else 1
        i += 1
    return True


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
