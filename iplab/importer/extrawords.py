"""A listing with words after it that ip does not read as a listing's: said.

A page whose lines ran together keeps what ip printed on the command's line, with no prompt
or line break between them (hunt DX's dx10: ``$ ip netns l host2 host1``, the two names
``ip netns list`` printed). The step is kept as written (render prints it byte for byte);
what ip does with the extra words is said: ``ip netns list`` reads no names and ip 6.1
ignores them (it lists every namespace); ``ip link show DEV`` and ``ip addr show DEV`` read
one device, and ip refuses a second word (``Error: either "dev" is duplicate, or "foo" is
a garbage.``), so the step fails. When the words are names the lab made before the step,
or printed in its output, they are said to be what the command printed (hunt EE #5).
"""

from __future__ import annotations

from collections.abc import Sequence

from iplab import ipwords
from iplab.importer.assembly import Draft
from iplab.steps import LinkAdd, NetnsAdd, Show
from iplab.words import plain_words, unsudoed
from iplab.wrappers import program_name

#: words ``ip link show`` / ``ip addr show`` read besides the device (and the values after
#: some): a line holding any of them is not judged here
_SHOW_WORDS = frozenset(
    {"dev", "up", "master", "nomaster", "type", "group", "vrf", "scope", "to", "label"}
    | {"dynamic", "permanent", "tentative", "deprecated", "dadfailed", "temporary"}
    | {"primary", "secondary", "home", "nodad", "mngtmpaddr", "noprefixroute", "autojoin"}
    | {"-tentative", "-deprecated", "-dadfailed", "-primary", "-secondary", "-temporary"}
    | {"proto", "help", "stats"}
)
_LIST = frozenset({"list", "show"})


def _made(drafts: Sequence[Draft]) -> set[str]:
    """The names of the namespaces and links these steps make."""
    names: set[str] = set()
    for d in drafts:
        if isinstance(d.op, NetnsAdd):
            names.add(d.op.name)
        elif isinstance(d.op, LinkAdd):
            names.update(n for n in (d.op.name, d.op.peer) if n)
    return names


def _extra(argv: list[str]) -> tuple[str, list[str]] | None:
    """What the listing is and the words after it ip does not read as its own; None: no
    such words, or a line this module does not judge."""
    said = ipwords.verb_of("ip", argv[1:])
    if said.every or said.batch:
        return None
    if said.obj == "netns" and said.verb in _LIST and said.rest:
        return f"{said.written} {said.word}", list(said.rest)
    if said.obj in ("link", "address") and said.verb in _LIST and len(said.rest) > 1:
        if any(w in _SHOW_WORDS or w.startswith("-") for w in said.rest):
            return None
        return f"{said.written} {said.word}", list(said.rest[1:])
    return None


def extra_words(drafts: Sequence[Draft]) -> list[str]:
    """One warning for each listing with words after it that ip does not read so."""
    warnings: list[str] = []
    for k, d in enumerate(drafts):
        if not isinstance(d.op, Show):
            continue
        argv = plain_words(d.cmd.text.strip()) or []
        argv = unsudoed(argv)
        found = _extra(argv) if (bool(argv) and program_name(argv[0]) == "ip") else None
        if found is None:
            continue
        kind, words = found
        listed = " ".join(words)
        printed = " ".join(d.cmd.output).split()
        looks = (
            f"; they look like what it printed, run together with the command (the lab's"
            f" {', '.join(words)}, made above)"
            if set(words) <= _made(drafts[:k])
            else f"; they look like what it printed below it ({listed})"
            if set(words) <= set(printed)
            else ""
        )
        if kind.startswith("netns"):
            does = f"ip {kind} reads no names, and ip ignores them: it lists every namespace"
        else:
            does = (
                f"ip {kind} reads one device, and ip refuses the line (Error: either"
                f' "dev" is duplicate, or "{words[0]}" is a garbage.): the step fails; write'
                " the command alone"
            )
        warnings.append(
            f"line {d.cmd.line}: {d.cmd.text.strip()!r}: {listed!r} after it: {does}{looks}"
        )
    return warnings
