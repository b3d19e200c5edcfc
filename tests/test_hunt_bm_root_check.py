"""Hunt BM #3: ``if [ "$(id -u)" -eq 0 ]; then ip -n hCi1 link set hCiA up; else sudo ip
-n hCi1 link set hCiA up; fi`` (tests/fixtures/adversarial-6/if-create.sh) was taken for
the author's check of who runs the script, which only says something and stops: both lab
commands were lost, with no word, and the link stayed down. A root check whose branches
change the lab is an 'if' like any other now: said as skipped (lines 11-15); one that only
says and stops is still a guard."""

from __future__ import annotations

from tests.conftest import REPO
from tests.pages import imported

FIXTURES = REPO / "tests" / "fixtures"


def test_a_root_check_whose_branches_change_the_lab_is_not_lost_silently() -> None:
    result, _ = imported(FIXTURES / "adversarial-6" / "if-create.sh")
    assert any(w.startswith("lines 11-15: an 'if' block") for w in result.warnings)


def test_a_root_check_that_says_and_stops_is_still_the_authors_guard() -> None:
    for page in ("tutorials/19-guarded-script.sh", "scripts/07-lab-updown.sh"):
        result, _ = imported(FIXTURES / page)
        assert not any("an 'if' block" in w for w in result.warnings), page
