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

import itertools
import re
import shlex
from collections.abc import Sequence

from iplab import iptopts
from iplab.words import added_once, known_undo, plain_words, simple_commands, strip_sudo
from iplab.wrappers import program_name, runs_sudo

__all__ = ["check_read", "existence_read", "said", "unreadable", "unsure"]

_IPTABLES = frozenset({"iptables", "ip6tables", "iptables-legacy", "iptables-nft"})
_IPTABLES |= {"ip6tables-legacy", "ip6tables-nft"}
#: the nft objects a ``delete`` (or ``destroy``) of which takes everything in them
_NFT_WHOLE = frozenset({"table", "chain"})
#: a word iptables may read as ``-X`` (alone, in a cluster, as a long option's beginning)
_IPT_X = re.compile(r"-[A-Za-z0-9]*X.*|--delete-.*")

#: what :func:`_judged` says: (the read, None when none can be built; what it is)
_Judged = tuple[tuple[str, ...] | None, str]


def _wrapper(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """``[sudo ...] [ip netns exec NS] CMD...``: (the words before CMD, CMD's words)."""
    head: list[str] = []
    rest = list(argv)
    if runs_sudo(rest):
        bare = list(strip_sudo(tuple(rest)))
        head, rest = rest[: len(rest) - len(bare)], bare
    if rest[:3] == ["ip", "netns", "exec"] and len(rest) > 4:
        head, rest = head + rest[:4], rest[4:]
    return head, rest


def existence_read(command: str) -> tuple[tuple[str, ...], str] | None:
    """For an undo that deletes a whole table or chain: the command that reads it (exit 0
    when the host has it) and what it is (``nft table inet appfw``); None for any other
    undo (a rule's, a link's, shell syntax), and for one whose read iplab cannot build
    (:func:`unreadable` says those)."""
    argv = plain_words(command)
    judged = _judged(argv) if argv else None
    if judged is None or judged[0] is None:
        return None
    return judged[0], judged[1]


def unreadable(command: str) -> str | None:
    """What an undo deletes, when it deletes a whole table or chain and iplab cannot build
    the read of whether the host had it before (``nft -f FILE``, shell syntax, an option
    it does not know): such an undo is not journaled (hunt P: the host's chain went in a
    rollback). None: any other undo, or one :func:`existence_read` reads."""
    argv = plain_words(command)
    if argv is not None:
        judged = _judged(argv) if argv else None
        return judged[1] if judged is not None and judged[0] is None else None
    for words in simple_commands(command) or [command.split()]:
        if (judged := _judged(words)) is not None:
            return judged[1]  # (in shell syntax: no one read says what the line deletes)
    return None


def _judged(argv: Sequence[str]) -> _Judged | None:
    """The read of the table or chain ``argv`` deletes whole, and what it is; None: it
    deletes none."""
    head, words = _wrapper(argv)
    if not words:
        return None
    program, args = program_name(words[0]), words[1:]
    if program == "nft":
        return _nft(head, words[0], args)
    return _iptables(head, words[0], args) if program in _IPTABLES else None


def _nft(head: list[str], nft: str, args: Sequence[str]) -> _Judged | None:
    """``nft [OPTIONS] delete|destroy table|chain ...`` (nft joins its words: one quoted
    word may hold them all)."""
    i, known = 0, True
    while i < len(args) and args[i].startswith("-"):
        known = known and (args[i] in iptopts.NFT_FLAGS or args[i] in iptopts.NFT_VALUED)
        i += 2 if args[i] in iptopts.NFT_VALUED else 1
    said = " ".join(args[i:])
    verb = said.split()
    pairs = itertools.pairwise(verb)
    if not any(a in ("delete", "destroy") and b in _NFT_WHOLE for a, b in pairs):
        return None  # (a rule's, an element's: not a whole object)
    what = "nft " + " ".join(verb[1:])
    whole = verb[0] in ("delete", "destroy") and verb[1] in _NFT_WHOLE
    if not known or not whole or len(verb) < 3 or "handle" in verb or ";" in said:
        return None, what  # (nft -c, delete table handle N, two commands: no one name)
    return (*head, nft, "list", *verb[1:]), what


def _iptables(head: list[str], program: str, args: Sequence[str]) -> _Judged | None:
    """``iptables [OPTIONS] -X CHAIN``, its options read as iptables reads them."""
    parsed = iptopts.read(args)
    if parsed is None:
        if any(_IPT_X.fullmatch(a) for a in args):
            return None, f"what `{program} {' '.join(args)}` deletes"
        return None
    chains = [o for o in parsed.commands() if o.letter == "X"]
    if not chains or chains[0].value is None:
        return None  # -X alone deletes every chain: no one object (words.py refuses it)
    chain, table = chains[0].value, parsed.table
    what = f"{program.rsplit('/', 1)[-1]} chain {chain} (table {table})"
    if len(parsed.commands()) != 1 or parsed.others:
        return None, what
    return (*head, program, "-t", table, "-S", chain), what


def check_read(step: str, undo: str) -> tuple[tuple[str, ...], str] | None:
    """For ``undo`` (``iptables -D CHAIN RULE``) of a step that adds its rule once
    (``iptables -C CHAIN RULE || iptables -A CHAIN RULE``, :func:`iplab.words.added_once`):
    the step's own check, run right before it (exit 0: the host holds the rule, the add
    will not run, and ``-D`` would delete the host's), and what it reads (hunt CP: the rule
    was listed as one iplab cannot undo, and stayed after down). None: any other step."""
    once = added_once(step)
    if once is None or known_undo(step) != undo:
        return None
    return tuple(once[0]), f"the rule `{shlex.join(once[1])}` adds"


#: what :func:`said` adds for a rule a step adds once (:func:`check_read`)
ADDED_ONCE = "the check finds it, the add does not run, and the rule stays after down"


def said(
    what: str, step: str, undo: str, kept: str = "what the lab adds to it stays after down"
) -> str:
    """The run's note for an undo it keeps out of the journal (``kept``: what that means)."""
    return (
        f"iplab: the host had {what} before `{step}`: the lab will not delete it"
        f" (`{undo}` is not journaled; {kept})\n"
    )


def unsure(what: str, step: str, undo: str) -> str:
    """The run's note for an undo it keeps out of the journal because it cannot read
    whether the host had what the undo deletes."""
    return (
        f"iplab: cannot tell whether the host had {what} before `{step}` (no read of it"
        f" can be built from `{undo}`): the lab will not delete it (`{undo}` is not"
        " journaled; delete it by hand if it is the lab's)\n"
    )
