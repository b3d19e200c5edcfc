"""What ``iplab verify`` holds the kernel to, and how it is kept between runs.

An :class:`Expectation` is the model's state after a step of a scenario, and the
objects the lab owns: a pure function of the scenario's text, its ``--var`` pairs, the
prefix and the step. :func:`expectation` keeps it in :mod:`iplab.memo`, and
:func:`keep` lets ``iplab up``, which has just computed the same state to verify the
lab, keep it too: the ``verify`` that follows an ``up`` then neither loads YAML nor
replays the model (for star-500, 0.1 s of its time).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from iplab import memo
from iplab.claims import Owned
from iplab.errors import UsageError
from iplab.state import State

if TYPE_CHECKING:
    from iplab.plan import Plan

KIND = "expectations"


@dataclass(frozen=True)
class Expectation:
    #: the scenario file, as given (or found among the bundled ones)
    path: str
    sha256: str
    #: the scenario's name (the lab is the prefix and this name)
    name: str
    #: how many steps the scenario has, and how many of them are its setup
    steps: int
    setup: int
    owned: Owned
    #: the model's state after the step (default: after the setup)
    state: State


def _key(path: str, sha256: str, pairs: tuple[str, ...], prefix: str, step: int | None) -> str:
    return memo.key("expectation", path, sha256, pairs, prefix, step)


def expectation(
    path_or_name: str, var_pairs: Iterable[str], prefix: str, step: int | None = None
) -> Expectation:
    """What the kernel should hold after ``step`` (default: the setup) of the scenario."""
    from iplab.scenario import read

    path, text = read(path_or_name)
    pairs = tuple(var_pairs)
    entry = _key(str(path), hashlib.sha256(text.encode()).hexdigest(), pairs, prefix, step)
    kept = memo.get(KIND, entry)
    if isinstance(kept, Expectation):
        return kept
    from iplab.plan import modelled
    from iplab.scenario import loaded
    from iplab.state import after

    sc, owned = modelled(loaded(str(path), text, pairs), prefix)
    total = len(sc.steps)
    if step is not None and not 1 <= step <= total:
        raise UsageError(f"--step {step}: the scenario has steps 1 to {total}")
    state = after(sc.steps, len(sc.setup) if step is None else step)
    made = Expectation(sc.path, sc.sha256, sc.name, total, len(sc.setup), owned, state)
    memo.put(KIND, entry, made)
    return made


def keep(plan: Plan, expected: State) -> None:
    """Keep ``expected``, the model after ``plan``'s setup, as the expectation a
    ``verify`` of the same scenario, pairs and prefix computes. Only a plan loaded from
    a file and built strictly: then no step objected (the build would have refused), and
    the state is the one ``verify`` would replay."""
    if plan.var_pairs is None or plan.lenient:
        return
    from iplab.plan import owned_by

    sc = plan.scenario
    made = Expectation(
        sc.path, sc.sha256, sc.name, len(sc.steps), len(sc.setup), owned_by(sc), expected
    )
    memo.put(KIND, _key(sc.path, sc.sha256, plan.var_pairs, plan.prefix, None), made)
