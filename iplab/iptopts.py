"""An ``iptables`` command line's options read as iptables reads them (getopt_long).

iptables (and ip6tables, iptables-nft, iptables-legacy) reads its words with
``getopt_long`` and the option table of iptables/xshared.c: a short option's value may be
glued to it (``-tnat``) or the next word (``-t nat``), a long one's written ``--table=nat``
or ``--table nat``, and a long option may be any unambiguous beginning of its name
(``--tab nat``). ``-L``, ``-S``, ``-F``, ``-Z``, ``-X``, ``-w`` and ``-W`` take a value that
is optional: glued, or the next word when it starts with neither ``-`` nor ``!``
(iptables' ``xs_has_arg``: ``-w 5``, ``-X LAB``). Short options without a value may be
written together (``-nvL``).

Hunt P: ``iptables -tnat -N WEBMASQ`` and ``iptables -w -t nat -N WEBFWD`` were journaled
with the undo ``... -X CHAIN`` but the read of whether the host had the chain, which only
knew ``-t TABLE`` exactly, was not built: a failed step (the chain was the host's) rolled
back and deleted the host's chain. Options an extension reads (``--dport``, ``--to``)
are not in the table: :func:`read` then says None, and a caller keeps to the safe side.
"""

from __future__ import annotations

from collections.abc import Sequence

from iplab.records import Record, frozen

__all__ = ["NFT_FLAGS", "NFT_VALUED", "IptOption", "IptWords", "read"]

#: nft's options that change nothing of what it adds or deletes (nftables main.c; nft
#: reads its options before its command)
NFT_FLAGS = frozenset(
    {"-a", "--handle", "-e", "--echo", "-n", "--numeric", "-N", "--reversedns", "-s"}
    | {"--stateless", "-S", "--service", "-u", "--guid", "-y", "--numeric-priority", "-p"}
    | {"--numeric-protocol", "-T", "--numeric-time", "-t", "--terse", "-j", "--json"}
)
#: nft's options that take a value (the next word) and change nothing of it
NFT_VALUED = frozenset({"-I", "--includepath", "-D", "--define", "-d", "--debug"})

#: short options: "" none, ":" a value, "::" an optional value (xshared.c's optstring)
_SHORT: dict[str, str] = {
    **dict.fromkeys("ACDRINEPMopsdjitmcg", ":"),
    **dict.fromkeys("LSFZXwWh", "::"),
    **dict.fromkeys("Vfbvnx46", ""),
}
#: long options: (the short option it is, its kind of value)
_LONG: dict[str, tuple[str, str]] = {
    "append": ("A", ":"), "delete": ("D", ":"), "check": ("C", ":"), "insert": ("I", ":"),
    "replace": ("R", ":"), "list": ("L", "::"), "list-rules": ("S", "::"),
    "flush": ("F", "::"), "zero": ("Z", "::"), "new-chain": ("N", ":"),
    "delete-chain": ("X", "::"), "rename-chain": ("E", ":"), "policy": ("P", ":"),
    "source": ("s", ":"), "destination": ("d", ":"), "src": ("s", ":"), "dst": ("d", ":"),
    "protocol": ("p", ":"), "in-interface": ("i", ":"), "jump": ("j", ":"),
    "table": ("t", ":"), "match": ("m", ":"), "numeric": ("n", ""),
    "out-interface": ("o", ":"), "verbose": ("v", ""), "wait": ("w", "::"),
    "wait-interval": ("W", "::"), "exact": ("x", ""), "fragments": ("f", ""),
    "version": ("V", ""), "help": ("h", "::"), "line-numbers": ("0", ""),
    "modprobe": ("M", ":"), "set-counters": ("c", ":"), "goto": ("g", ":"),
    "ipv4": ("4", ""), "ipv6": ("6", ""),
}  # fmt: skip
#: iptables' commands (one a line)
COMMANDS = frozenset("ACDRINEPLSFZX")


@frozen
class IptOption(Record):
    """One option as read: its short letter, its value (None: none), the words it took."""

    letter: str
    value: str | None
    start: int
    end: int


@frozen
class IptWords(Record):
    """The options and the other words (``!``, a rule's number, a chain's new name)."""

    options: tuple[IptOption, ...]
    others: tuple[int, ...]

    @property
    def table(self) -> str:
        """The table the line works on (``filter`` unless ``-t``/``--table`` says)."""
        return next((o.value or "" for o in self.options if o.letter == "t"), "filter")

    def commands(self) -> list[IptOption]:
        return [o for o in self.options if o.letter in COMMANDS]


def _optional(args: Sequence[str], i: int) -> bool:
    """iptables' ``xs_has_arg``: the next word is the optional value."""
    return i < len(args) and not args[i].startswith(("-", "!"))


def _long(args: Sequence[str], i: int) -> tuple[IptOption, int] | None:
    """``--name[=value] [value]`` at ``i`` (``name`` any unambiguous beginning)."""
    name, eq, glued = args[i][2:].partition("=")
    found = [n for n in _LONG if n == name] or [n for n in _LONG if n.startswith(name)]
    if len(found) != 1 or not name:
        return None  # (an extension's --dport, or an ambiguous --n)
    letter, kind = _LONG[found[0]]
    if eq:
        return (IptOption(letter, glued, i, i + 1), i + 1) if kind else None
    if kind == ":" or (kind == "::" and _optional(args, i + 1)):
        if kind == ":" and i + 1 >= len(args):
            return None
        return IptOption(letter, args[i + 1], i, i + 2), i + 2
    return IptOption(letter, None, i, i + 1), i + 1


def _short(args: Sequence[str], i: int) -> tuple[list[IptOption], int] | None:
    """``-tnat``, ``-t nat``, ``-nvL``, ``-w 5`` at ``i``."""
    word, out = args[i], []
    for k in range(1, len(word)):
        letter = word[k]
        kind = _SHORT.get(letter)
        if kind is None:
            return None
        if not kind:
            out.append(IptOption(letter, None, i, i + 1))
            continue
        if k + 1 < len(word):
            out.append(IptOption(letter, word[k + 1 :], i, i + 1))
            return out, i + 1
        if kind == ":" or _optional(args, i + 1):
            if i + 1 >= len(args):
                return None
            out.append(IptOption(letter, args[i + 1], i, i + 2))
            return out, i + 2
        out.append(IptOption(letter, None, i, i + 1))
    return out, i + 1


#: the options of the matches ``-p tcp`` (``udp``, ``sctp``...) loads: a port
_PORTS = frozenset({"--dport", "--sport", "--destination-port", "--source-port"})


def port_refusal(args: Sequence[str]) -> str | None:
    """What iptables says of a port written with no protocol before it (p8, velog's CKA
    notes: ``iptables -t nat -A PREROUTING --dport 80 ...``): ``--dport`` is an option of
    the match ``-p tcp`` loads, unknown without it, whatever the host holds. None: a
    protocol is given before it (``-p tcp``, ``--protocol udp``, ``-p 6``), or none is
    needed."""
    for i, word in enumerate(args):
        name = word.split("=", 1)[0]
        if name not in _PORTS:
            continue
        given = any(
            w in ("-p", "--protocol", "--proto") or (w.startswith("-p") and w[1:2] == "p")
            for w in args[:i]
        )
        return None if given else f'unknown option "{name}"'
    return None


def read(args: Sequence[str]) -> IptWords | None:
    """The words after ``iptables`` as iptables reads them; None: a word none of its own
    options is (a match's or target's option: only the extension knows its values)."""
    options: list[IptOption] = []
    others: list[int] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            others += range(i + 1, len(args))
            break
        if word.startswith("--"):
            got = _long(args, i)
            if got is None:
                return None
            options.append(got[0])
            i = got[1]
        elif word.startswith("-") and len(word) > 1:
            many = _short(args, i)
            if many is None:
                return None
            options += many[0]
            i = many[1]
        else:
            others.append(i)
            i += 1
    return IptWords(tuple(options), tuple(others))
