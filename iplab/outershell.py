"""A namespace's file written by the outer shell, not in the namespace (hunt DU).

``ip netns exec r echo 1 > /proc/sys/net/ipv4/ip_forward``, as tutorials write it (``sudo``
before, ``printf``, ``>>``, ``ip netns exec r echo 1 | tee /proc/sys/...``): ``ip netns exec``
runs ``echo`` in r, but the redirection (or the ``tee``) is the shell's that reads the line,
which opens the file in its own namespace, the root one. /proc/sys/net shows the keys of the
namespace of the process that opens it, and /sys/class/net the links of the namespace whose
sysfs is mounted there (``ip netns exec`` mounts r's only for the command it runs): the line
writes the host's ``net.ipv4.ip_forward`` and leaves r's as it was (checked on this kernel,
the outer shell itself in a namespace of its own: its key read 1 after the line, r's 0).
iplab reads the write as the host's (:func:`iplab.sysctl.sysctl_writes`: journaled, put back
at down) and says so at the line, with the fix; ``ip netns exec r sh -c 'echo 1 > ...'`` and
``echo 1 | ip netns exec r tee ...`` write in r, and are not said.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from iplab.model import ModelError
from iplab.names import ROOT, ns_label
from iplab.steps import NetnsExec, Raw, Step
from iplab.sysctl import past_netns_exec
from iplab.words import JOINS, shell_tokens
from iplab.wrappers import runs_sudo

#: the files a redirection opens in the namespace of the shell that opens it: /proc/sys/net
#: (procfs shows the opener's namespace's keys) and /sys/class/net (sysfs shows the links
#: of the namespace that mounted it: the outer shell's, not the one ``ip netns exec`` mounts)
_PER_NAMESPACE = ("/proc/sys/net/", "/sys/class/net/", "/sys/devices/virtual/net/")


def outer_shell_write(command: str) -> tuple[str, str, str] | None:
    """A line that runs a printer in a namespace (``[sudo] ip netns exec NS echo|printf``)
    and writes what it prints to a namespace's own file with the outer shell's redirection
    or ``| tee``: (NS, the path, the operator: ``>``, ``>>`` or ``| tee``). None: anything
    else (``ip netns exec r sh -c 'echo 1 > ...'``, ``echo 1 | ip netns exec r tee ...``:
    written in NS; a file that is the same in every namespace)."""
    tokens = shell_tokens(command)
    if not tokens:
        return None
    ns, inner = past_netns_exec(tokens)
    if ns is None or len(inner) < 3 or inner[0] not in ("echo", "printf"):
        return None
    for i, token in enumerate(inner[1:], start=1):
        if token in (">", ">>") and i + 1 < len(inner):
            how, path = token, inner[i + 1]
            break
        if token == "|":
            rest = inner[i + 1 :]
            rest = rest[1:] if runs_sudo(rest) else rest
            paths = [w for w in rest[1:] if not w.startswith("-")]
            if rest[:1] != ["tee"] or not paths:
                return None
            how, path = "| tee", paths[0]
            break
        if token in JOINS or token in ("&", "<", "(", ")"):
            return None
    else:
        return None
    return (ns, path, how) if path.startswith(_PER_NAMESPACE) else None


def _key(path: str) -> str:
    """How a sysctl's path is said: /proc/sys/net/ipv4/ip_forward -> net.ipv4.ip_forward."""
    return path.removeprefix("/proc/sys/").replace("/", ".")


def _value(command: str) -> str:
    """The value the line prints (``echo 1``: 1)."""
    tokens = shell_tokens(command) or []
    inner = past_netns_exec(tokens)[1]
    return inner[1] if len(inner) > 1 else "1"


def fixes(ns: str, path: str, value: str) -> str:
    """The lines that write ``path`` in ``ns`` itself."""
    inside = f"ip netns exec {ns} sh -c 'echo {value} > {path}'"
    if path.startswith("/proc/sys/"):
        return f"ip netns exec {ns} sysctl -w {_key(path)}={value}, or {inside}"
    return inside


def _device(path: str) -> str | None:
    """The link a namespace's file belongs to (``/proc/sys/net/ipv6/conf/r1_r2/seg6_enabled``,
    ``/sys/class/net/v0/mtu``: r1_r2, v0); None: the namespace's own (``conf/all``)."""
    parts = path.strip("/").split("/")
    if parts[:3] == ["sys", "class", "net"] and len(parts) > 3:
        return parts[3]
    if parts[:2] == ["proc", "sys"] and len(parts) == 7 and parts[4] in ("conf", "neigh"):
        return None if parts[5] in ("all", "default") else parts[5]
    return None


def outer_shell_writes(steps: Sequence[Step]) -> Iterator[ModelError]:
    """A warning at each step that writes a namespace's file by the outer shell's
    redirection or ``| tee`` (:func:`outer_shell_write`), saying whose file it writes."""
    for step in steps:
        op = step.op
        if not isinstance(op, Raw | NetnsExec) or (got := outer_shell_write(op.command)) is None:
            continue
        ns, path, how = got
        here = op.in_ns() or ROOT
        where = "the root namespace" if here == ROOT else f"namespace {here}"
        whose = "the host's" if here == ROOT else f"{here}'s"
        opener = "the tee after `|`" if how == "| tee" else f"the redirection `{how}`"
        if path.startswith("/proc/sys/"):
            what = f"writes {whose} {_key(path)}, not {ns}'s"
            why = "/proc/sys/net shows the keys of the namespace of the process that opens it"
        else:
            what = f"writes {path} of {whose} link, not {ns}'s"
            why = "/sys/class/net shows the links of the namespace whose sysfs is mounted there"
        said = (
            f"{what}: {opener} is the outer shell's, run in {where} (`ip netns exec {ns}` runs"
            f" only the command before it in {ns}, and {why}); {ns}'s stays as it was"
        )
        if "forwarding" in path or path.endswith("/ip_forward"):
            said += f", so the line does not turn forwarding on in {ns_label(ns)}"
        if (dev := _device(path)) is not None:
            said += f"; where {where} has no link {dev}, there is no such file and the line fails"
        yield ModelError(
            said, step.loc, f"write it in {ns}: {fixes(ns, path, _value(op.command))}",
            certain=False,
        )  # fmt: skip


def misplaced_in(steps: Sequence[Step], ns: str) -> list[tuple[str, str]]:
    """The lines that meant to write a key in ``ns`` but wrote it by the outer shell
    (:func:`outer_shell_write`): (the line, the key's path under /proc/sys)."""
    found = []
    for step in steps:
        op = step.op
        if not isinstance(op, Raw | NetnsExec) or (got := outer_shell_write(op.command)) is None:
            continue
        if got[0] == ns and got[1].startswith("/proc/sys/"):
            found.append((op.command, got[1].removeprefix("/proc/sys/")))
    return found
