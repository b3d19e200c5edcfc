"""Hunt AW: a function's definition under a "tear everything down" comment is no cleanup.

``tests/fixtures/github-scripts/setup-teardown-functions.sh`` (after a public bridge.sh):
one function per stage, ``# tear everything down`` over ``function tear_down {``, then
``case $1 in "setup") setup ;; "teardown") tear_down ;; esac``. The comment made the
function's definition (a step that runs nothing) the teardown's start, so the case's
setup branch, after it, was read as teardown: "8 setup, 36 teardown", ``up`` made nothing
and ``run`` built the lab in its teardown. A definition announces no cleanup; the case's
own up and down are the setup and the teardown.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from iplab.steps import LinkDel, NetnsAdd, NetnsDel
from tests.conftest import FIXTURES
from tests.kernel import cleanup_prefix, iplab

SCRIPT = FIXTURES / "github-scripts" / "setup-teardown-functions.sh"


def test_the_case_setup_branch_is_the_setup_and_its_teardown_branch_the_teardown() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    result = import_text(text, detect_kind("bridge.sh", text), "bridge.sh")
    assert (result.setup, result.teardown) == (29, 6), result.summary()
    plan = build(scenario.load_text(result.yaml, "bridge.yaml"))
    made = [c.command.op.name for c in plan.setup if isinstance(c.command.op, NetnsAdd)]
    assert made == ["bh1", "bh2", "bbr"]
    downs = [type(c.command.op) for c in plan.teardown]
    assert downs == [LinkDel, LinkDel, LinkDel, NetnsDel, NetnsDel, NetnsDel]


def test_a_cleanup_comment_over_commands_still_starts_the_teardown() -> None:
    text = "ip netns add a\n\n# tear everything down\nip netns del a\n"
    result = import_text(text, detect_kind("x.sh", text), "x.sh")
    assert (result.setup, result.teardown) == (1, 1)


@pytest.mark.kernel
def test_up_makes_the_lab_and_down_takes_it_away(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    lab = tmp_path / "bridge.yaml"
    made = iplab("import", str(SCRIPT), "-o", str(lab), state=state_dir)
    assert made.returncode == 0, made.stderr
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "verify: the kernel holds what the scenario promised (3 namespaces" in up.stdout
    down = iplab("down", f"{prefix}setup-teardown-functions", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
    assert cleanup_prefix(prefix) == []
