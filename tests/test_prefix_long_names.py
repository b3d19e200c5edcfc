"""``--prefix`` on a page whose link names the prefix takes past 15 characters.

``veth-yellow`` under a 6-character prefix is 17 characters: the lab was refused ("the
kernel allows 15"), so a page named so could not run beside another copy of itself (hunts
AZ and BC could not run two real pages). Such a name now keeps the prefix and its head and
ends in three hex digits of its hash, the same name in every line that names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.errors import ScenarioError
from iplab.plan import build
from iplab.prefix import with_prefix
from iplab.scenario import Scenario, load_text
from tests import pages
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "stored-pages-4" / "bc-p03-pahrialms-id-yellow-green.md"


def _page() -> Scenario:
    return pages.imported(PAGE)[1]


def test_a_name_the_prefix_makes_too_long_is_shortened_the_same_everywhere() -> None:
    lines = [pc.command.text for pc in build(_page(), prefix="hbc1a2").setup]
    assert "ip link add hbc1a2veth-yf73 type veth peer name hbc1a2veth-g1a6" in lines
    assert "ip link set hbc1a2veth-yf73 netns hbc1a2yellow" in lines
    made = {w for line in lines for w in line.split() if w.startswith("hbc1a2")}
    assert all(len(w) <= 15 for w in made if "veth" in w)
    assert not any("veth-yellow" in line or "veth-green" in line for line in lines)


def test_a_name_too_long_as_the_page_wrote_it_is_refused_as_before() -> None:
    text = "name: long\nsetup:\n  - action: link add\n    name: a-very-long-bridge\n"
    with pytest.raises(ScenarioError, match="is 18 characters, the kernel allows 15"):
        with_prefix(load_text(text + "    type: bridge\n", "long.yaml"), "p")


def test_a_prefix_that_leaves_no_room_is_refused_as_before() -> None:
    with pytest.raises(ScenarioError, match="use a shorter prefix or shorter names"):
        with_prefix(_page(), "a-long-prefix")


@pytest.mark.kernel
def test_the_page_runs_under_a_prefix_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    result = pages.run(
        pages.written(pages.imported(PAGE)[0], tmp_path), prefix, state_dir, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing of the lab remains" in result.stdout
