"""The static neighbours a scenario adds, read back from the kernel and compared.

A lab that pins a neighbour (``ip neigh add 10.0.0.2 lladdr 02:42:ac:11:00:02 dev veth0``:
static ARP, an NDP entry, the trick of a lab that turns ARP off) depends on that entry, and
verify said only "neighbours of X not compared". Followed here: the entries a line adds,
replaces or changes with a link-layer address and a lasting state (``nud permanent``, ip's
default, or ``nud noarp``) on a link of the lab; verify compares each with what ``ip -j
neigh show nud all`` shows: there, with that address and that state.

What takes an entry away, as the kernel does (each checked on this host's kernel): ``ip
neigh del``; its link going down, its link's address changed, the link moved to another
namespace or deleted; the last IPv4 address of its link removed takes the link's IPv4
entries. A flush leaves lasting entries unless its ``nud`` words reach them (``permanent``,
``noarp``; ``all`` takes every state but NOARP). A proxy entry, a state that comes and goes (``nud
reachable``, ``stale``...), an entry without an address, and an entry written before a step
of unknown effect are not compared: the verdict says "neighbours of X not compared".

Read with one bash process: ``ip -j neigh show nud all`` in each namespace that has one,
nothing at all for a lab that adds none (a star of 500 reads nothing more).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from iplab.iproute import Shell, json_sections, read_in_each
from iplab.neighwords import address_text
from iplab.state import State
from iplab.verify import Difference, DifferenceKind, written_neighbours

# -- reading back and comparing ------------------------------------------------------------------

SCRIPT = r"""
for ns in "$@"; do
  if [ "$ns" = "-" ]; then n=; else n="-n $ns"; fi
  run neigh "$ns" ip $n -j neigh show nud all
done
"""


def read_neighbours(
    shell: Shell, namespaces: Sequence[str]
) -> dict[str, dict[tuple[str, str], tuple[str | None, tuple[str, ...]]]]:
    """The neighbours of each of ``namespaces`` (ROOT: the root's), by (link, address):
    (link-layer address, states); a namespace gone is absent. Nothing runs for none."""
    if not namespaces:
        return {}
    return parse_neighbours(read_in_each(shell, SCRIPT, namespaces, "neighbours"))


def parse_neighbours(
    text: str,
) -> dict[str, dict[tuple[str, str], tuple[str | None, tuple[str, ...]]]]:
    """The script's output: each namespace's entries (``-``: the root's). A namespace that
    could not be entered (gone) is absent."""
    out: dict[str, dict[tuple[str, str], tuple[str | None, tuple[str, ...]]]] = {}
    for _kind, ns, entries in json_sections(text, ("neigh",), "ip -j neigh show"):
        found: dict[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {}
        for entry in entries:
            read = _entry(entry) if isinstance(entry, dict) else None
            if read is not None:
                found[read[0]] = read[1]
        out[ns] = found
    return out


def _entry(
    entry: dict[str, Any],
) -> tuple[tuple[str, str], tuple[str | None, tuple[str, ...]]] | None:
    dst, dev = entry.get("dst"), entry.get("dev")
    if not isinstance(dst, str) or not isinstance(dev, str):
        return None
    lladdr = entry.get("lladdr")
    states = entry.get("state") or ()
    address = address_text(dst) or dst
    return (dev, address), (
        lladdr.lower() if isinstance(lladdr, str) else None,
        tuple(str(s) for s in states) if isinstance(states, list) else (),
    )


def differences(
    expected: State,
    observed: State,
    found: Mapping[str, Mapping[tuple[str, str], tuple[str | None, tuple[str, ...]]]],
) -> list[Difference]:
    """Each neighbour the lab added that the kernel does not hold as added."""
    out: list[Difference] = []
    for ns, want in written_neighbours(expected).items():
        if ns not in found or ns not in observed.namespaces:
            continue  # (the namespace is gone: verify says so)
        for (dev, address), (lladdr, state) in sorted(want.items()):
            if dev not in observed.namespaces[ns].links:
                continue  # (the link is missing: verify says so)
            got = found[ns].get((dev, address))
            if got is not None and got[0] == lladdr and state in got[1]:
                continue
            shown = "none" if got is None else " ".join([got[0] or "no lladdr", *got[1]])
            out.append(
                Difference(dev, f"neighbour {address}", f"{lladdr} {state}", shown,
                           kind=DifferenceKind.NEIGHBOUR, namespace=ns)
            )  # fmt: skip
    return out


def promised(expected: State) -> list[str]:
    """The namespaces whose neighbours verify compares (reads)."""
    return sorted(written_neighbours(expected))


__all__ = ["differences", "parse_neighbours", "promised", "read_neighbours"]
