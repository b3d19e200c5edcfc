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
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from iplab import memo
from iplab.claims import Owned
from iplab.errors import UsageError
from iplab.records import Record, frozen
from iplab.state import State

if TYPE_CHECKING:
    from iplab.plan import Plan
    from iplab.steps import Step

KIND = "expectations"


@frozen
class Expectation(Record):
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


def _key(
    path: str, sha256: str, pairs: tuple[str, ...], prefix: str, step: int | None,
    *, without: tuple[int, ...] = (),
) -> str:  # fmt: skip
    if without:  # (the key of a lab whose steps all ran is the one ``keep`` writes)
        return memo.key("expectation", path, sha256, pairs, prefix, step, without)
    return memo.key("expectation", path, sha256, pairs, prefix, step)


def expectation(
    path_or_name: str, var_pairs: Iterable[str], prefix: str, step: int | None = None,
    *, without: Sequence[int] = (),
) -> Expectation:  # fmt: skip
    """What the kernel should hold after ``step`` (default: the setup) of the scenario;
    ``without``: the steps that ``may_fail`` and failed when the lab came up (they changed
    nothing, as :func:`iplab.plan.expected_state` has it for ``up``'s own verify)."""
    from iplab.scenario import read

    path, text = read(path_or_name)
    pairs, failed = tuple(var_pairs), tuple(sorted(set(without)))
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    entry = _key(str(path), sha256, pairs, prefix, step, without=failed)
    kept = memo.get(KIND, entry)
    if isinstance(kept, Expectation):
        return kept
    from iplab.plan import modelled
    from iplab.scenario import loaded

    sc, owned = modelled(loaded(str(path), text, pairs), prefix)
    total = len(sc.steps)
    if step is not None and not 1 <= step <= total:
        raise UsageError(f"--step {step}: the scenario has steps 1 to {total}")
    count = len(sc.setup) if step is None else step
    state = _after(sc.steps[:count], failed)
    made = Expectation(sc.path, sc.sha256, sc.name, total, len(sc.setup), owned, state)
    memo.put(KIND, entry, made)
    return made


def _after(steps: Sequence[Step], failed: tuple[int, ...]) -> State:
    """The model after ``steps``, those numbered in ``failed`` left out."""
    from iplab.model import Judge
    from iplab.state import after

    if not failed:
        return after(steps)
    kept = [s for n, s in enumerate(steps, 1) if n not in failed]
    return after(kept, None, Judge(strict=False))


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
