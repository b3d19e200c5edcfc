"""Hunt BV #3: ``iplab down LAB > /dev/full`` (a full disk under the file its output goes
to) took the lab down, then said ``iplab: error: cannot write to stdout (No space left on
device): stopping``: nothing stopped, the lab was down, and a user reading "stopping"
ran down again to be sure. The last line of a down that is done now says
``cannot write to stdout (No space left on device): lab X is down all the same`` (exit 1
still: what it printed did not arrive).

The kernel test runs the blog's lab in network and mount namespaces of its own
(tests/kernel.py ``apart``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"


@pytest.mark.kernel
def test_a_down_whose_output_is_lost_says_the_lab_is_down(tmp_path: Path) -> None:
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} up container-networking-part2 --prefix hbv --state-dir {state} >/dev/null"
        " 2>&1 || exit 90\n"
        f"{IPLAB} down hbvcontainer-networking-part2 --state-dir {state} >/dev/full\n"
        "echo down=$?\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c hbv)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "down=1" in run.stdout and "left: 0\n" in run.stdout, said
    assert (
        "iplab: error: cannot write to stdout (No space left on device): lab"
        " hbvcontainer-networking-part2 is down all the same"
    ) in run.stderr, said
    assert "stopping" not in run.stderr, said
