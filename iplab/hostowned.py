"""The host's firewall tables and chains an undo would delete: an undo that deletes a
whole named object (``nft delete table inet appfw``, ``nft delete chain ...``,
``iptables -t nat -X LAB``) is the lab's only when the object was not there before its step.

``nft add table inet appfw`` succeeds on a table the host already has (hunt J: the
administrator's ``table inet appfw`` with its own chain and rule was deleted by ``down``
and by a rollback), and a failed ``iptables -N CHAIN`` (the chain exists) is undone too,
as a failed step may have changed the host. A rule's undo (``iptables -D``) deletes one
copy of a rule its step appended again, and ``ip rule add`` adds a second rule that ``ip
rule del`` deletes: neither deletes what the host had. So right before such a step runs,
the object is read (``nft list table``, ``iptables -S CHAIN``); one the host has already
keeps its undo out of the journal, and the run says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from iplab.words import plain_words, strip_sudo

__all__ = ["existence_read", "said"]

_IPTABLES = frozenset({"iptables", "ip6tables", "iptables-legacy", "iptables-nft"})
_IPTABLES |= {"ip6tables-legacy", "ip6tables-nft"}
#: the nft objects a ``delete`` of which takes everything in them
_NFT_WHOLE = frozenset({"table", "chain"})


def _wrapper(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """``[sudo ...] [ip netns exec NS] CMD...``: (the words before CMD, CMD's words)."""
    head: list[str] = []
    rest = list(argv)
    if rest[:1] == ["sudo"]:
        bare = list(strip_sudo(tuple(rest)))
        head, rest = rest[: len(rest) - len(bare)], bare
    if rest[:3] == ["ip", "netns", "exec"] and len(rest) > 4:
        head, rest = head + rest[:4], rest[4:]
    return head, rest


def existence_read(command: str) -> tuple[tuple[str, ...], str] | None:
    """For an undo that deletes a whole table or chain: the command that reads it (exit 0
    when the host has it) and what it is (``nft table inet appfw``); None for any other
    undo (a rule's, a link's, shell syntax)."""
    argv = plain_words(command)
    if not argv:
        return None
    head, words = _wrapper(argv)
    if not words:
        return None
    program, args = words[0].rsplit("/", 1)[-1], words[1:]
    if program == "nft":
        flags = [a for a in args if a.startswith("-")]
        verb = [a for a in args if not a.startswith("-")]
        if flags or len(verb) < 3 or verb[0] != "delete" or verb[1] not in _NFT_WHOLE:
            return None  # (nft -a, nft delete table handle N: not a name)
        if "handle" in verb:
            return None
        read = (*head, words[0], "list", *verb[1:])
        return read, "nft " + " ".join(verb[1:])
    if program not in _IPTABLES:
        return None
    at = [i for i, a in enumerate(args) if a in ("-X", "--delete-chain")]
    if len(at) != 1 or at[0] + 2 != len(args) or args[-1].startswith("-"):
        return None  # -X alone deletes every chain: no one object (words.py refuses it)
    table = "filter"
    before = args[: at[0]]
    if before[:1] in (["-t"], ["--table"]) and len(before) == 2:
        table = before[1]
    elif before:
        return None
    read = (*head, words[0], "-t", table, "-S", args[-1])
    return read, f"{program} chain {args[-1]} (table {table})"


def said(what: str, step: str, undo: str) -> str:
    """The run's note for an undo it keeps out of the journal."""
    return (
        f"iplab: the host had {what} before `{step}`: the lab will not delete it"
        f" (`{undo}` is not journaled; what the lab adds to it stays after down)\n"
    )
