"""Hunt BM #3: ``if [ "$(id -u)" -eq 0 ]; then ip -n hCi1 link set hCiA up; else sudo ip
-n hCi1 link set hCiA up; fi`` (tests/fixtures/adversarial-6/if-create.sh) was taken for
the author's check of who runs the script, which only says something and stops: both lab
commands were lost, with no word, and the link stayed down. iplab runs each step as root:
such a check takes the branch bash takes as root (hunt BM had it said as skipped; the
branch is run now), and a check that only sets what the lines after it use (``if [ $EUID
-ne 0 ]; then ...; SUDO=sudo; fi``) leaves ``$SUDO`` empty, as bash as root does. One that
only says and stops is still the author's guard, shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.steps import AddrAdd, LinkSet
from tests import pages
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"
PAGE = FIXTURES / "adversarial-6" / "if-create.sh"


def test_a_root_check_takes_the_branch_bash_takes_as_root() -> None:
    result, sc = pages.imported(PAGE)
    ops = [step.op for step in sc.steps]
    (up,) = [op for op in ops if isinstance(op, LinkSet) and op.ns == "hCi1"]
    assert up.dev == "hCiA" and up.get("state") == "up"
    assert any(isinstance(op, AddrAdd) for op in ops)  # ($SUDO ip ... addr add: typed)
    assert not any("an 'if' block" in w for w in result.warnings)
    assert any("$SUDO is set only when the script does not run as root" in w
               for w in result.warnings)  # fmt: skip
    assert result.raw == 0 and not result.cannot_undo


def test_a_root_check_that_says_and_stops_is_still_the_authors_guard() -> None:
    for page in ("tutorials/19-guarded-script.sh", "scripts/07-lab-updown.sh"):
        result, _ = pages.imported(FIXTURES / page)
        assert not any("an 'if' block" in w for w in result.warnings), page


@pytest.mark.kernel
def test_the_script_runs_its_link_comes_up_and_nothing_is_left(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    done = pages.ran_clean(PAGE, prefix, state_dir, tmp_path)
    assert "verify: the kernel holds what the scenario promised" in done.stdout
