"""Runs of consecutive steps that only add to files the lab made, in one shell (pure).

A loop that writes an ``ip -batch`` file line by line (``echo "netns add n$i" >>
/tmp/lab.batch``, 800 times: hunt DA) made 800 steps, one ``bash -c`` process each, where
the author's bash runs them in a few milliseconds. Such a step changes nothing but a file
an earlier step of the run created, whose undo removes it whole
(:meth:`iplab.lab.Session._lab_made`): it has no undo of its own, and the session runs a
run of them as ONE ``bash -c`` of this module's :func:`script`, each step in a subshell of
its own (as its own ``bash -c`` would: its variables, ``exit`` and options stay its own),
in order, stopping at the first that fails, as the run would.

After each step the shell says its status on its standard error, behind a NUL byte no
step writes there (:data:`MARK`); :func:`statuses` reads them back, so each step's outcome
is its own: the steps before a failure done, the failed one failed, the ones after not run
(None); a shell killed halfway leaves the steps it did not report unknown (None).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: what the shell writes on its standard error after each step: ``\0iplab-step K RC``
MARK = "\0iplab-step"
_SAID = re.compile(r"\0iplab-step (\d+) (\d+)\n")


def script(bodies: Sequence[str], prelude: str = "") -> str:
    """One bash script that runs each of ``bodies`` (each a step's own ``bash -c`` text) in a
    subshell, in order, says each one's status (:data:`MARK`) and stops at a failure with
    its status. ``prelude`` sets the variables earlier steps set, as each step's own shell
    would have them (:func:`iplab.render.prelude`)."""
    parts = [prelude]
    for k, body in enumerate(bodies, 1):
        # (a newline before the ')': a body may end in a comment, or a here-document)
        parts.append(
            f"(\n{body}\n)\n__iplab_rc=$?\n"
            f"printf '\\0iplab-step {k} %d\\n' \"$__iplab_rc\" >&2\n"
            '[ "$__iplab_rc" = 0 ] || exit "$__iplab_rc"\n'
        )
    return "".join(parts)


def statuses(stderr: str, count: int) -> tuple[list[int | None], str]:
    """Each step's exit status as the shell said it (None: not said, not run or not known)
    and the standard error without the shell's own marks."""
    status: list[int | None] = [None] * count
    for match in _SAID.finditer(stderr):
        k = int(match.group(1))
        if 1 <= k <= count:
            status[k - 1] = int(match.group(2))
    return status, _SAID.sub("", stderr)
