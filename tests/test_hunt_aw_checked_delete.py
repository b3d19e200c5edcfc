"""Hunt AW: ``[ -f /run/netns/X ] && ip netns del X`` inside a function.

``tests/fixtures/github-scripts/create-destroy-checked.sh`` (after a public script):
``cmd_destroy`` deletes each namespace only when ``/run/netns/X`` is there. In a
function (there only), the test was a raw step of its own, said "iplab cannot undo", which
fails the run where the namespace is gone, and the deletion a step that had to work; bash
skips the deletion then. Read as on a line of its own: the deletion is a step that may fail,
the test its condition, not a step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.convert import detect_kind, import_text
from tests import pages
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts" / "create-destroy-checked.sh"


def test_the_checked_deletions_are_steps_that_may_fail_and_the_tests_no_steps() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    result = import_text(text, detect_kind("ns.sh", text), "ns.sh")
    assert result.cannot_undo == (), result.cannot_undo
    assert result.teardown == 2, result.summary()
    teardown = result.yaml.split("\nteardown:\n", 1)[1]
    assert "[ -f" not in teardown.split("steps:", 1)[1].split("# --- import summary")[0]
    assert teardown.count("may_fail: true") == 2


@pytest.mark.parametrize("joint", ["&&", "||"])
def test_an_asking_function_before_the_change_is_a_check_too(joint: str) -> None:
    text = (
        "has() {\n  ip netns list | grep -qw a\n}\nip netns add a\n"
        f"d() {{\n  has {joint} ip netns del a\n}}\nd\n"
    )
    result = import_text(text, detect_kind("x.sh", text), "x.sh")
    # (hunt DT #2: the two definitions were two `true` raw steps; they are no steps now)
    assert result.cannot_undo == () and result.raw == 0


@pytest.mark.kernel
def test_the_script_runs_and_leaves_nothing(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    ran = pages.ran_clean(SCRIPT, prefix, state_dir, tmp_path)
    assert f"ip netns del {prefix}tn-1" in ran.stdout


def test_command_before_ip_prints_as_written_and_runs_ip() -> None:
    """``command ip netns add x`` (past the script's ip() wrapper): ``command`` is bash's
    builtin, no program; the preflight said "this host does not have command"."""
    from iplab import programs, scenario
    from iplab.plan import build

    text = 'ip() {\n  command ip "$@"\n}\nip netns add a\n'
    result = import_text(text, detect_kind("x.sh", text), "x.sh")
    plan = build(scenario.load_text(result.yaml, "x.yaml"))
    made = plan.setup[-1].command
    assert made.text == "command ip netns add a"
    assert made.argv == ("ip", "netns", "add", "a")
    assert "command" not in programs.missing(plan)
