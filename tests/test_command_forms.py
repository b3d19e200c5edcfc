"""A line that leaves the command to run to the reader (``sudo ip netns exec ns1
<command>``, ``unshare --net <command>``, ``ip netns exec <other_namespace>
<command_to_run>``) shows a command's form: shown, said, not a step. The model refused
each of these three real pages for it (hunt BK noticed it on its p02 and said the dx13
page of an earlier round was refused the same way)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.words import command_slot
from tests import kernel, pages
from tests.conftest import FIXTURES

NC = FIXTURES / "stored-pages-6" / "bk-p02-messing-around-nc.md"
UNSHARE = FIXTURES / "stored-pages-4" / "bc-p12-josephmuia-unshare.md"
DX13 = FIXTURES / "stored-pages-2" / "av-p13-dx13-root-lima.md"


@pytest.mark.parametrize(
    ("page", "form"),
    [
        (NC, "sudo ip netns exec ns1 <command>"),  # a block of its own, under "like so:"
        (UNSHARE, "unshare --net <command>"),  # under "To run a <command> in ...:"
        (DX13, "ip netns exec <other_namespace> <command_to_run>"),  # after ip route
    ],
)
def test_a_command_s_form_is_shown_not_a_step(page: Path, form: str) -> None:
    result, _ = pages.imported(page)
    assert form not in result.lines and not any("<command" in line for line in result.lines)
    assert result.model_error is None
    assert any(form in w and "shown, not a step" in w for w in result.warnings)


def test_the_rest_of_a_block_with_a_form_in_it_runs() -> None:
    result, _ = pages.imported(DX13)
    assert result.lines == ("ip route",)


@pytest.mark.parametrize(
    ("line", "slot"),
    [
        ("ip netns exec red <cmd>", "<cmd>"),
        (
            "ip netns exec <ns> <command to run against that namespace>",
            "<command to run against that namespace>",
        ),
        ("ip netns exec red [command]", "[command]"),
        ("ip netns exec <your-ns> bash", None),  # a name to fill in: the model says so
        ("echo 'usage: ip netns exec NS <command>'", None),  # a program's own text
        ("ip netns exec red ip link", None),
    ],
)
def test_a_command_slot_is_the_command_left_to_fill_in(line: str, slot: str | None) -> None:
    assert command_slot(line) == slot


@pytest.mark.kernel
def test_the_netcat_page_runs_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """The whole page, run (it was refused): its curl fails as the page shows, nc listens
    in the background, and all of it is undone."""
    result, _ = pages.imported(NC)
    done = pages.run(pages.written(result, tmp_path), prefix, state_dir, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "nothing of the lab remains" in done.stdout
    assert kernel.cleanup_prefix(prefix) == []  # iplab left nothing
