"""A loop whose output goes on to another command or a file (``done | tee /dev/null``,
``done > log.txt``): the loop the reader unrolls when what reads its output only shows it,
and the names a loop kept as one raw step sets (hunt AA #3: they were filled in with their
values before the loop, and ``while [ $n -lt 3 ]; ... n=$((n+1))`` became ``while [ 0 -lt
3 ]; ... n=1``, a loop that never ends)."""

from __future__ import annotations

from iplab.importer import shell as shellread

#: the loops a reader unrolls
LOOPS = frozenset({"for_statement", "c_style_for_statement", "while_statement"})
#: what ``tee`` may be given and still only show its input (no file of its own)
_TEE_SHOWS = frozenset({"/dev/null", "-a", "--append", "-i", "--ignore-interrupts"})
#: where a reader's output may go and still show nothing of its own
_QUIET = frozenset({">/dev/null", "&>/dev/null", "2>/dev/null", "2>&1", ">>/dev/null"})


def shown_loop(node: shellread.Node) -> shellread.Node | None:
    """The loop of ``LOOP | tee /dev/null`` or ``LOOP | cat``: a pipe whose readers only
    show what the loop prints, as its commands, unrolled, print it. None: another statement."""
    if node.type == "redirected_statement":  # LOOP | cat > /dev/null: bash's tree
        return shown_loop(node.named_children[0]) if _quiet(node) else None
    if node.type != "pipeline":
        return None
    first, *rest = node.named_children
    if first.type not in LOOPS or not rest:
        return None
    return first if all(map(_shows_only, rest)) else None


def _shows_only(node: shellread.Node) -> bool:
    if node.type == "redirected_statement":  # cat > /dev/null: nothing shown (hunt AC #5)
        return _quiet(node) and _shows_only(node.named_children[0])
    if node.type != "command":
        return False
    said = [shellread.unquoted(w) for w in shellread.words(node)]
    if not said or None in said:
        return False
    program, args = said[0], said[1:]
    if program == "cat":
        return all(a == "-" for a in args)
    return program == "tee" and all(a in _TEE_SHOWS for a in args)


def loops_within(node: shellread.Node) -> list[shellread.Node]:
    """The loops in ``node`` (itself included), outermost first."""
    found = [node] if node.type in LOOPS else []
    for child in node.named_children:
        found += loops_within(child)
    return found


def loop_variables(node: shellread.Node) -> set[str]:
    """The names ``for NAME in ...`` sets in ``node``."""
    named = (
        loop.child_by_field_name("variable")
        for loop in loops_within(node)
        if loop.type == "for_statement"
    )
    return {shellread.source(n) for n in named if n is not None}


def _quiet(node: shellread.Node) -> bool:
    """A redirected statement whose output goes nowhere (``> /dev/null``, ``2>&1``)."""
    rest = node.named_children[1:]
    return bool(rest) and all(shellread.source(r).replace(" ", "") in _QUIET for r in rest)
