"""What differs, in red: verify's differences marked on two pictures side by side."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from iplab.graph.picture import DEFAULT_VIEW, Figure, Marks, View, picture
from iplab.state import State
from iplab.verify import Difference, DifferenceKind

#: differences drawn on a namespace's box
_ABOUT_A_NAMESPACE = frozenset(
    {
        DifferenceKind.MISSING_NAMESPACE,
        DifferenceKind.EXTRA_NAMESPACE,
        DifferenceKind.EXTRA_LINKS,
        DifferenceKind.SYSCTL,
        DifferenceKind.EXTRA_ROUTE,  # (hunt DI: added by hand in that namespace)
        DifferenceKind.EXTRA_RULE,
    }
)


def marks_of(differences: Iterable[Difference], expected: State, observed: State) -> Marks:
    """What to draw in red, read from each difference's kind (never from its text).

    A namespace missing or left over: its box. A namespace holding links it should not:
    its box and those links. A link missing, moved, or with a field that differs: the link
    in the namespace the model expects it in (so a difference about ``lo`` in ns1 leaves
    ns2's ``lo`` alone), and, moved or left over, wherever the kernel holds it.
    """
    netns: set[str] = set()
    links: set[tuple[str, str]] = set()
    for d in differences:
        if d.kind in _ABOUT_A_NAMESPACE:
            ns = d.obj if d.namespace is None else d.namespace
            netns.add(ns)
            if d.kind is DifferenceKind.EXTRA_LINKS:
                links |= {(ns, name) for name in _names(observed, ns) - _names(expected, ns)}
            continue
        if d.namespace is not None:
            links.add((d.namespace, d.obj))
        if d.kind in (DifferenceKind.MOVED, DifferenceKind.EXTRA_LINK) or d.namespace is None:
            links |= {(ns, d.obj) for ns in _homes(d.obj, observed)}
    return Marks(frozenset(netns), frozenset(links))


def _names(state: State, ns: str) -> set[str]:
    space = state.namespaces.get(ns)
    return set(space.links) if space is not None else set()


def _homes(name: str, state: State) -> set[str]:
    """The namespaces where ``state`` holds a link called ``name``."""
    return {ns for ns, space in state.namespaces.items() if name in space.links}


def diff_figure(
    expected: State,
    observed: State,
    differences: Sequence[Difference],
    title: Sequence[str] = (),
    views: tuple[View, View] = (DEFAULT_VIEW, DEFAULT_VIEW),
) -> Figure:
    """Expected and live side by side; what differs in red, and listed under the title."""
    marks = marks_of(differences, expected, observed)
    left = picture(expected, views[0], "expected (the model)", "e_", marks)
    right = picture(observed, views[1], "live (the kernel)", "l_", marks)
    return Figure(tuple(title), (left, right), tuple(str(d) for d in differences))
