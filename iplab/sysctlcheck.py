"""The sysctls a scenario writes, read back from the kernel and compared.

A router namespace is the commonest lab of all, and its ``ip netns exec r sysctl -w
net.ipv4.ip_forward=1`` the line whose loss breaks it: verify compares what the model
says the lab wrote (:func:`iplab.verify.written_sysctls`) with what the kernel shows.
Followed are the keys of the namespace they are written in that name no device
(:func:`iplab.sysctl.followed_key`: ``net.ipv4.ip_forward``, ``net.ipv4.conf.all.*``,
``net.ipv6.conf.default.*``); a device's keys, and keys of the whole host (``kernel.*``),
stay "not compared", as the verdict says. A value written before a step of unknown
effect is not compared (that step may have written it again).

Read with one bash process: ``grep -H . PATH...`` in each namespace that has any
(``ip netns exec``), nothing at all for a lab that writes none (a star of 500).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from iplab.errors import ParseError
from iplab.iproute import Shell, outputs, read_script
from iplab.names import ROOT, ns_short
from iplab.state import State
from iplab.sysctl import same_value
from iplab.verify import Difference, DifferenceKind, written_sysctls

SCRIPT = r"""
while [ $# -gt 0 ]; do
  ns=$1; shift; files=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do files+=("/proc/sys/$1"); shift; done
  shift
  if [ "$ns" = "-" ]; then run sysctl "$ns" grep -H . "${files[@]}"
  else run sysctl "$ns" ip netns exec "$ns" grep -H . "${files[@]}"; fi
done
"""


def read_sysctls(shell: Shell, wanted: Mapping[str, Sequence[str]]) -> dict[str, dict[str, str]]:
    """The values of these paths (under /proc/sys) in each namespace (ROOT: the root's);
    a namespace gone is absent, a path the kernel lacks is absent from its namespace's.
    Nothing runs when nothing is wanted."""
    if not wanted:
        return {}
    args: list[str] = []
    for ns, paths in wanted.items():
        args += ["-" if ns == ROOT else ns, *paths, "--"]
    names = " ".join("root" if ns == ROOT else ns for ns in wanted)
    rc, out, err = shell.query(read_script(SCRIPT, args), True, f"read sysctls: {names}")
    if rc != 0:
        raise ParseError(f"reading the sysctls failed (exit {rc}): {err.strip() or out[-200:]}")
    return parse_sysctls(out)


def parse_sysctls(text: str) -> dict[str, dict[str, str]]:
    """The script's output: each namespace's values (``-``: the root's), by path. A
    namespace that could not be entered (gone) is absent."""
    out: dict[str, dict[str, str]] = {}
    for kind, name, body, status, err in outputs(text):
        if kind != "sysctl":
            continue
        if status not in (0, 1, 2) or "Cannot open network namespace" in err:
            continue
        values: dict[str, list[str]] = {}
        for line in body.splitlines():
            path, sep, value = line.partition(":")
            if sep and path.startswith("/proc/sys/"):
                values.setdefault(path.removeprefix("/proc/sys/"), []).append(value)
        out[ROOT if name == "-" else name] = {
            path: " ".join(" ".join(parts).split()) for path, parts in values.items()
        }
    return out


def differences(
    expected: State, observed: State, values: Mapping[str, Mapping[str, str]]
) -> list[Difference]:
    """Each sysctl the lab wrote that the kernel does not show as written."""
    out: list[Difference] = []
    for ns, want in written_sysctls(expected).items():
        if ns not in values or ns not in observed.namespaces:
            continue  # (the namespace is gone: verify says so)
        for path, value in want.items():
            got = values[ns].get(path)
            if got is not None and same_value(value, got):
                continue  # (0x1 shows as 1)
            out.append(
                Difference(f"sysctl {path.replace('/', '.')}@{ns_short(ns)}", "value", value,
                           "none" if got is None else got, kind=DifferenceKind.SYSCTL,
                           namespace=ns)
            )  # fmt: skip
    return out


__all__ = ["differences", "parse_sysctls", "read_sysctls"]
