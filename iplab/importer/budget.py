"""How far the reader unrolls a script's loops: as far as a scenario's own loops may run.

A scenario runs at most :data:`iplab.expand.MAX_ITERATIONS` loop iterations and makes at
most :data:`iplab.expand.MAX_STEPS` steps; a script's loops iplab writes out at import are
bounded the same, nested loops by the product of their iterations (hunt R: 1000 x 1000
``ip netns add`` ran for minutes and took gigabytes before the scenario's size refused it).
The refusal comes when the loops are met, before their bodies are read that many times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from iplab.errors import UsageError
from iplab.expand import MAX_ITERATIONS, MAX_STEPS

_WHY = "a lab that large is a mistake, or a bomb: write it as a scenario's loop, or smaller"


class TooLarge(UsageError):
    """The input's loops run or make more than a scenario may; the message starts with the
    line (``line 3: ...``), the importer adds the file."""


@dataclass
class LoopBudget:
    """The loops being unrolled (their iterations, outermost first; a loop whose count shows
    only as it runs counts its iterations so far) and the iterations run in all."""

    nest: list[int] = field(default_factory=list)
    iterations: int = 0

    def enter(self, count: int | None, where: str) -> None:
        """A loop of ``count`` iterations (None: found as it runs) starts at ``where``."""
        self.nest.append(count or 0)
        if count:
            self._product(where)

    def leave(self) -> None:
        self.nest.pop()

    def turn(self, index: int, where: str) -> None:
        """The loop entered last begins its iteration ``index`` (from 0)."""
        self.iterations += 1
        if self.nest[-1] <= index:
            self.nest[-1] = index + 1
            self._product(where)
        if self.iterations > MAX_ITERATIONS:
            raise TooLarge(
                f"{where}: the loops run more than {MAX_ITERATIONS:,} times in all", hint=_WHY
            )

    def made(self, steps: int, index: int, where: str) -> None:
        """The loop entered last has made ``steps`` steps in its first ``index + 1``
        iterations: refused when, at that rate, the loops around it make more than a
        scenario may."""
        if not steps:
            return
        expected = steps * math.prod(self.nest[:-1]) * max(self.nest[-1], index + 1) // (index + 1)
        if expected > MAX_STEPS:
            raise TooLarge(
                f"{where}: the loops make about {expected:,} steps, more than {MAX_STEPS:,}",
                hint=_WHY,
            )

    def _product(self, where: str) -> None:
        total = math.prod(self.nest)
        if total > MAX_ITERATIONS:
            nested = " x ".join(f"{n:,}" for n in self.nest)
            raise TooLarge(
                f"{where}: the loops nested here run {nested} = {total:,} times, more than"
                f" {MAX_ITERATIONS:,}",
                hint=_WHY,
            )
