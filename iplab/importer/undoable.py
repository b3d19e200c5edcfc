"""What an imported lab cannot undo: the summary's list of the steps a user should give an
``undo:`` (or say ``observe: true`` of); the judgement is :mod:`iplab.undoable`'s."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from iplab.importer.assembly import Draft
from iplab.undoable import Item, cannot_undo

__all__ = ["cannot_undo_lines"]


def _item_paths(drafts: Sequence[Draft], cut: int) -> list[str]:
    """Where each draft's step is in the scenario file: setup[3], teardown[0].steps[2]."""
    out: list[str] = []
    item = -1
    for i, d in enumerate(drafts):
        if i == cut:
            item = -1
        if d.index == 0:
            item += 1
        where = f"{'setup' if i < cut else 'teardown'}[{item}]"
        out.append(f"{where}.steps[{d.index}]" if d.block is not None else where)
    return out


def cannot_undo_lines(drafts: Sequence[Draft], cut: int) -> Iterable[str]:
    """The steps iplab cannot undo, each with where it is in the scenario and the input
    (see :func:`iplab.undoable.cannot_undo`)."""
    paths = _item_paths(drafts, cut)
    return cannot_undo(
        [
            Item(d.op, d.cmd.background, f"{paths[i]} ({d.cmd.said_at()}): {d.cmd.text}")
            for i, d in enumerate(drafts)
        ]
    )
