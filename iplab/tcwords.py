"""A ``tc`` command line's words read as tc reads them: object, verb, kinds, devices.

tc takes any beginning of its objects and verbs (iproute2's ``matches()``): ``tc q a`` is
``tc qdisc add``, ``tc qd`` ``qdisc``, ``tc c`` ``class``, ``tc f`` ``filter``, and the first
keyword of tc's own table that a word begins wins (tc/tc.c, tc_qdisc.c, tc_class.c,
tc_filter.c, m_action.c). The kind of a qdisc or a filter is the first word that is none of
the words tc reads before it; an action is named after ``action`` (``action mirred``, or a
verdict ``drop``/``pass``..., which is ``gact``), ``police`` is an action of its own.

The one reader of tc's words: the kernel preflight (:mod:`iplab.kernelconfig`), the
read-back of iplab's own lines (:func:`iplab.tc.parse_line`) and the model (which links a
tc change touches) share it (hunt L: ``tc q a ... prio`` passed the preflight, and the run
failed at that step).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Sequence

from iplab.ipwords import first, matches, verb_of
from iplab.records import Record, frozen
from iplab.words import bare_words, inside_netns, ip_netns, simple_commands
from iplab.wrappers import program_name

#: each object's verbs, in the order tc tries them
VERBS: dict[str, tuple[str, ...]] = {
    "qdisc": ("add", "change", "replace", "link", "delete", "list", "show", "lst"),
    "class": ("add", "change", "replace", "delete", "list", "show", "lst"),
    "filter": ("add", "change", "replace", "delete", "get", "list", "show", "lst"),
    "chain": ("add", "delete", "get", "list", "show"),
    "actions": ("add", "change", "replace", "delete", "get", "list", "show", "lst", "flush"),
}
#: the verbs that change the kernel's tc objects
CHANGES = frozenset({"add", "change", "replace", "link", "delete", "flush"})
#: the verbs that make or change (a kind is read from their words)
MAKES = frozenset({"add", "change", "replace", "link"})
#: the words before a qdisc's kind that take a value (tc_qdisc_modify): these exactly,
#: ``_QDISC_MATCHED``'s as any beginning of them, after ``estimator`` and ``stab``
_QDISC_VALUED = ("dev", "handle", "parent")
_QDISC_MATCHED = ("ingress_block", "egress_block")
#: the words ``stab`` reads a value after (parse_size_table)
_STAB = frozenset({"mtu", "tsize", "mpu", "overhead", "linklayer"})
#: the words before a filter's kind (tc_filter_modify): alone, with a value exactly, with a
#: value as any beginning of them
_FILTER_ALONE = frozenset({"root", "ingress", "egress"})
_FILTER_VALUED = frozenset({"dev", "parent", "handle"})
_FILTER_MATCHED = ("preference", "priority", "protocol", "chain", "block")
#: the verdicts an action may be written as: ``gact``'s (action_a2n)
VERDICTS = frozenset(
    {"continue", "drop", "shot", "pass", "ok", "reclassify", "pipe", "trap", "goto", "jump"}
)


@frozen
class TcLine(Record):
    """One ``tc`` command: its object and verb as tc's tables have them (None: no such
    object or verb, or none given), and the words after the verb."""

    obj: str | None
    verb: str | None
    args: tuple[str, ...]

    @property
    def changes(self) -> bool:
        return self.verb in CHANGES

    def devices(self) -> list[str]:
        """The links a change names (``dev X``: the object's link, a ``mirred``'s target)."""
        if not self.changes:
            return []
        a = self.args
        return [a[i + 1] for i in range(len(a) - 1) if a[i] == "dev"]

    def qdisc_kind(self) -> str | None:
        """The kind a ``tc qdisc add|change|replace|link`` sets ("" when none is given)."""
        if self.obj != "qdisc" or self.verb not in MAKES:
            return None
        return _qdisc_kind(self.args)

    def filter_kind(self) -> str | None:
        """The classifier a ``tc filter add|change|replace`` makes (u32, flower...)."""
        if self.obj != "filter" or self.verb not in MAKES:
            return None
        return _filter_kind(self.args)

    def actions(self) -> list[str]:
        """The actions a change adds: ``action KIND`` (a verdict: ``gact``), ``police``."""
        if self.obj not in ("filter", "actions") or self.verb not in MAKES:
            return []
        a, out = self.args, []
        for i, word in enumerate(a):
            if word == "police":
                out.append("police")
            elif word in ("action", "actions") and i + 1 < len(a):
                kind = a[i + 1]
                out.append("gact" if kind in VERDICTS else kind)
        return list(dict.fromkeys(out))


def read(argv: Sequence[str]) -> TcLine | None:
    """``tc [OPTIONS] OBJECT VERB ARGS...`` as tc reads it; None: not a tc command."""
    if not argv or program_name(argv[0]) != "tc":
        return None
    said = verb_of("tc", list(argv[1:]))
    obj = "actions" if said.obj == "action" else said.obj
    table = VERBS.get(obj or "", ())
    verb = first(said.word, table) if said.word is not None else None
    return TcLine(obj, verb, said.rest)


def commands(command: str) -> Iterator[tuple[str | None, TcLine]]:
    """Each ``tc`` command of a shell line, with the namespace it runs in by ``ip netns
    exec NS`` or its own ``-n NS`` (None: where the line runs), ``sudo`` left out."""
    for words in simple_commands(command) or []:
        # (sudo -E, env LC_ALL=C, timeout 5 in front of it, or of ip netns exec: hunt EV)
        ns, argv = inside_netns(bare_words(words) or [])
        argv = bare_words(argv) or []
        if (line := read(argv)) is not None:
            yield ns or ip_netns(shlex.join(argv)), line


def anywhere(command: str) -> Iterator[TcLine]:
    """Each ``tc`` command of a shell line wherever a simple command runs it (after
    ``sudo``, ``ip netns exec NS``, ``nsenter ...``, ``timeout 5``...)."""
    for words in simple_commands(command) or []:
        at = next((i for i, word in enumerate(words) if program_name(word) == "tc"), None)
        if at is not None and (line := read(words[at:])) is not None:
            yield line


def _qdisc_kind(args: Sequence[str]) -> str:
    """The kind in the words after ``tc qdisc add``, where tc reads it: the first word that
    is none of its own (``dev red``, ``parent 1:``, ``handle 10:``, ``root``, ``estimator
    1s 8s``, ``stab ...``); ``ingress`` and ``clsact`` are kinds (hunt I: ``tc qdisc add
    dev red root tbf`` was read as the RED qdisc, and refused)."""
    i = 0
    while i < len(args):
        word = args[i]
        if word in ("ingress", "clsact"):
            return word
        if word == "root":
            i += 1
        elif word in _QDISC_VALUED:
            i += 2
        elif matches(word, "estimator"):
            i += 3
        elif matches(word, "stab"):
            i += 1
            while i < len(args) and args[i] in _STAB:
                i += 2
        elif any(matches(word, w) for w in _QDISC_MATCHED):
            i += 2
        else:
            return word
    return ""


def _filter_kind(args: Sequence[str]) -> str:
    """The classifier in the words after ``tc filter add`` (tc_filter_modify)."""
    i = 0
    while i < len(args):
        word = args[i]
        if word in _FILTER_ALONE:
            i += 1
        elif word in _FILTER_VALUED or any(matches(word, w) for w in _FILTER_MATCHED):
            i += 2
        elif matches(word, "estimator"):
            i += 3
        else:
            return word
    return ""
