"""What differs, in red: verify's differences marked on two pictures side by side."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from iplab import verify
from iplab.graph.picture import Figure, Marks, View, picture
from iplab.model import Link, Namespace, State
from iplab.verify import Difference, Owned

_NOTHING_OWNED = Owned(frozenset(), frozenset())


def marks_of(differences: Iterable[Difference], expected: State, observed: State) -> Marks:
    """What to draw in red: the namespaces verify.diff names, and the links it names, in the
    namespaces where the two states disagree about them (a difference about ``lo`` in ns1
    leaves ns2's ``lo`` alone)."""
    netns: set[str] = set()
    names: set[str] = set()
    for d in differences:
        about_ns = d.field == "links" or (
            d.field == "exists" and "namespace present" in (d.expected, d.actual)
        )
        (netns if about_ns else names).add(d.obj)
    links = {
        (ns, name)
        for name in names
        for ns in _homes(name, expected, observed)
        if _differs(ns, name, expected, observed)
    }
    return Marks(frozenset(netns), frozenset(links))


def _homes(name: str, *states: State) -> set[str]:
    return {ns for state in states for ns, space in state.namespaces.items() if name in space.links}


def _differs(ns: str, name: str, expected: State, observed: State) -> bool:
    want, got = expected.link(ns, name), observed.link(ns, name)
    if want is None or got is None:
        return True
    return bool(verify.diff(_alone(ns, want), _alone(ns, got), _NOTHING_OWNED))


def _alone(ns: str, link: Link) -> State:
    """A state holding one link, to compare one link with verify.diff."""
    state = State()
    state.namespaces[ns] = Namespace(ns, {link.name: link})
    return state


def diff_figure(
    expected: State,
    observed: State,
    differences: Sequence[Difference],
    title: Sequence[str] = (),
    views: tuple[View, View] = (View(), View()),
) -> Figure:
    """Expected and live side by side; what differs in red, and listed under the title."""
    marks = marks_of(differences, expected, observed)
    left = picture(expected, views[0], "expected (the model)", "e_", marks)
    right = picture(observed, views[1], "live (the kernel)", "l_", marks)
    return Figure(tuple(title), (left, right), tuple(str(d) for d in differences))
