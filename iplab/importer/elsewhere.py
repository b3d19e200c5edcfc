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

__all__ = ["HOST_TOOLS", "SHELL_VARIABLE", "opened_shell", "shell_elsewhere"]

#: shells: a program that opens one when it is given no script
_SHELLS = frozenset(
    {"bash", "sh", "zsh", "dash", "ash", "ksh", "fish", "-bash", "/bin/bash", "/bin/sh"}
)
#: programs that open a shell in a container or another machine, and where
_AWAY = {
    "ssh": "another host",
    "docker": "a container",
    "podman": "a container",
    "nerdctl": "a container",
    "kubectl": "a pod",
    "lxc-attach": "a container",
    "lxc": "a container",
    "incus": "a container",
    "machinectl": "a container",
    "vagrant": "a virtual machine",
    "multipass": "a virtual machine",
    "virsh": "a virtual machine",
}
#: the programs that drive containers and virtual machines from the host: typed in a
#: container's shell, the page is back on the host (no docker in a busybox container)
HOST_TOOLS = frozenset(_AWAY) - {"ssh"}

#: ``docker run``/``exec`` options that take the next word as their value (the others,
#: ``--rm``, ``-it``, are flags; a long option not known takes one, as most do)
_DOCKER_VALUED = frozenset(
    {
        *("-e", "-v", "-p", "-w", "-u", "-h", "-m", "-l", "-a", "-c", "--env", "--volume"),
        *("--publish", "--name", "--network", "--net", "--workdir", "--user", "--hostname"),
        *("--entrypoint", "--cap-add", "--cap-drop", "--mount", "--label", "--device"),
    }
)
_DOCKER_FLAGS = frozenset(
    {
        *("--rm", "--privileged", "--init", "--interactive", "--tty", "--detach", "--read-only"),
        *("--publish-all", "--no-healthcheck", "--oom-kill-disable", "--sig-proxy", "--help"),
        *("--disable-content-trust", "--quiet", "--replace", "--rmi"),
    }
)
#: ``lxc exec``/``kubectl exec`` options that take a value (``--env A=1``, ``-c ctr``)
_EXEC_VALUED = frozenset(
    {"--env", "--user", "--group", "--cwd", "--mode", "-c", "--container", "-n", "--namespace"}
)
#: ssh's options that take the next word as their value
_SSH_VALUED = frozenset(
    {"-p", "-i", "-l", "-o", "-J", "-F", "-L", "-R", "-D", "-b", "-c", "-E", "-m", "-W", "-S"}
)


def shell_elsewhere(program: str, args: Sequence[str]) -> str | None:
    """Where the command opens an interactive shell iplab cannot enter, or None: it runs a
    program and is done (``unshare --net ip link``, ``docker exec web ip a``, ``vagrant ssh
    -c CMD``), or enters a namespace by its name (``nsenter --net=/var/run/netns/red``: the
    reader's own sessions). Read by each program's grammar: ``docker run -it IMAGE`` (the
    image's default shell) or ``... IMAGE sh``, not ``-d`` (detached); ``docker exec -it C
    bash``; ``vagrant ssh [VM]``; ``ssh [OPTIONS] HOST``; ``lxc exec C -- bash``, ``lxc
    shell C``; ``kubectl exec -it POD -- sh``; ``machinectl shell C``."""
    name = program.rsplit("/", 1)[-1]
    if name in ("unshare", "nsenter"):
        return _unshared(name, list(args))
    if name not in _AWAY:
        return None
    args = list(args)
    words = [w for w in args if not w.startswith("-")]
    opens = False
    if name == "ssh":
        rest = _after_options(args, _SSH_VALUED)
        opens = len(rest) == 1 or (len(rest) > 1 and _a_shell(rest[1:]))  # (ssh -t h bash)
    elif name in ("docker", "podman", "nerdctl"):
        opens = _container_shell(args)
    elif name in ("lxc", "incus"):
        opens = _lxc_shell(args)
    elif name == "kubectl":
        opens = _kubectl_shell(args)
    elif name in ("vagrant", "multipass"):
        opens = words[:1] in (["ssh"], ["shell"]) and len(words) <= 2 and not _commands(args)
    elif name == "machinectl":
        opens = words[:1] == ["login"] or (words[:1] == ["shell"] and len(words) <= 2)
    elif name == "virsh":
        opens = words[:1] == ["console"]
    elif name == "lxc-attach":
        after = args[args.index("--") + 1 :] if "--" in args else []
        opens = "--" not in args or _a_shell(after)
    return _AWAY[name] if opens else None


def _commands(args: list[str]) -> bool:
    """``vagrant ssh -c CMD``, ``--command CMD``: runs a command, and is done."""
    return any(a in ("-c", "--command") or a.startswith("--command=") for a in args)


def _a_shell(words: Sequence[str]) -> bool:
    """The words run an interactive shell (``bash``, ``/bin/sh -l``, ``su -``)."""
    if len(words) == 1 and words[0] in _SHELLS:
        return True  # (-bash: a login shell)
    return bool(words) and opened_shell(words) is not None


def _short_flags(word: str) -> str:
    """The letters of a cluster of short flags (``-dit``: ``dit``); empty for another word."""
    return word[1:] if word[:1] == "-" and word[1:2] not in ("-", "") else ""


def _container_shell(args: list[str]) -> bool:
    """``docker run -it [OPTIONS] IMAGE [SHELL]`` (no command: the image's default, a shell
    for the images a page opens one in), ``docker exec -it C SHELL``, ``docker attach C``;
    not ``-d`` (detached), not without ``-i`` (nothing typed reaches it)."""
    i = 0
    while i < len(args) and args[i].startswith("-"):  # (docker's own: --host H, --log-level)
        i += 2 if args[i] in ("-H", "--host", "-l", "--log-level", "--context", "-c") else 1
    if i < len(args) and args[i] == "container":  # docker container run ...
        i += 1
    verb = args[i] if i < len(args) else ""
    if verb == "attach":
        return True
    if verb not in ("run", "exec"):
        return False
    interactive = detached = False
    i += 1
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        word = args[i]
        flags = _short_flags(word)
        interactive |= word in ("--interactive", "--interactive=true") or (
            "i" in flags and not _DOCKER_VALUED & {f"-{flags[0]}"}
        )
        detached |= word in ("--detach", "--detach=true") or (
            "d" in flags and not _DOCKER_VALUED & {f"-{flags[0]}"}
        )
        if "=" in word or word in _DOCKER_FLAGS:
            i += 1
        elif flags:  # (-it; -e A=1, -p 80:80: its last letter takes the next word)
            i += 2 if f"-{flags[-1]}" in _DOCKER_VALUED else 1
        else:
            i += 2  # a long option docker gives a value
    if i < len(args) and args[i] == "--":
        i += 1
    rest = args[i + 1 :]  # (after the image, or the container)
    if not interactive or detached or i >= len(args):
        return False
    return (verb == "run" and not rest) or _a_shell(rest)


def _lxc_shell(args: list[str]) -> bool:
    """``lxc exec C -- bash``, ``lxc exec C bash``, ``lxc shell C``, ``lxc console C``
    (lxc exec is interactive unless told otherwise)."""
    words = [w for w in args if not w.startswith("-")]
    if words[:1] in (["shell"], ["console"]):
        return True
    if words[:1] != ["exec"]:
        return False
    rest = _after_options(args[args.index("exec") + 1 :], _EXEC_VALUED)
    after = rest[1:]
    if after[:1] == ["--"]:
        after = after[1:]
    elif "--" in rest:
        after = rest[rest.index("--") + 1 :]
    return _a_shell(after)


def _kubectl_shell(args: list[str]) -> bool:
    """``kubectl exec -it POD -- sh`` (``kubectl exec -it POD bash``, its older form),
    ``kubectl run -it NAME --image=busybox [-- sh]``: a shell with the reader's input."""
    words = [w for w in args if not w.startswith("-")]
    interactive = any(
        w in ("--stdin", "--stdin=true") or "i" in _short_flags(w)
        for w in args[: args.index("--") if "--" in args else len(args)]
    )
    if words[:1] not in (["exec"], ["run"]) or not interactive:
        return False
    if "--" in args:
        return _a_shell(args[args.index("--") + 1 :]) or (
            words[0] == "run" and not args[args.index("--") + 1 :]
        )
    if words[0] == "run":
        return True  # (the image's own command, as docker run -it IMAGE)
    rest = _after_options(args[args.index(words[0]) + 1 :], _EXEC_VALUED)
    return _a_shell(rest[1:])


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


def _after_options(args: Sequence[str], valued: set[str] | frozenset[str]) -> list[str]:
    """The words after the options (and the values of those that take one)."""
    args = list(args)
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in valued else 1
    return args[i:]
