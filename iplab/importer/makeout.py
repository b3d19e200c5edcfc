"""What ``make -n`` prints besides the commands of its recipes (hunt AD): make's own lines
(``make[1]: Entering directory '/lab/topo'``, ``make: Nothing to be done for 'up'.``) and
the line of a recursive make (``make -C topo wire``, a recipe's ``$(MAKE) -C topo wire``),
which ``make -n`` runs to print the sub-make's commands after it. Read as commands, make's
lines were raw steps, and the sub-make ran topo's recipe for real before iplab ran the same
commands again. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from iplab.recipes import recipe_run

__all__ = ["make_says", "sub_make"]

_MAKE = r"g?make(?:\[\d+\])?: "
#: make's own lines: the directory a sub-make works in, a target with nothing to do, an
#: error make ignored or stopped at
_SAYS = re.compile(
    rf"{_MAKE}(?:(?:Entering|Leaving) directory [`'\"].*[`'\"]"
    rf"|Nothing to be done for [`'\"].*|[`'\"].*[`'\"] is up to date\."
    r"|\*\*\* .*|\[.*\] Error \d+ \(ignored\))"
)
_ENTERING = re.compile(rf"{_MAKE}Entering directory ")


def make_says(line: str) -> bool:
    """The line is make's own (``make[1]: Entering directory '/lab/topo'``), no command."""
    return _SAYS.fullmatch(line.strip()) is not None


def sub_make(body: str, following: Iterable[str]) -> bool:
    """``body`` runs make, and the first line after it that is not blank is make's
    ``make[N]: Entering directory ...``: ``make -n`` ran the sub-make, and the commands it
    prints follow."""
    found = recipe_run(body)
    if found is None or found.what != "a Makefile":
        return False
    after = next((line.strip() for line in following if line.strip()), "")
    return _ENTERING.match(after) is not None
