"""Hunt AW: lab scripts from public repositories whose up and down are read.

``tests/fixtures/github-scripts/updown-case-on-cmd.sh``: ``cmd=$1`` then ``case "$cmd" in
up) ...;; down) ...;; esac``, with ``if exists_ns; then ip netns delete ...; fi`` in the down
branch (``exists_ns() { ip netns list | grep -qw ...; }``). The case was skipped ("a case on
$1 is read when ..."), so the import kept 3 no-op steps, check said "model: OK", and a run
made nothing. Now a case on a variable set to the script's argument is read as ``case
"$1"`` is, and an if whose condition is a call of the script's functions that only ask is
read as ``CHECK || CMD`` is (its command a step that may fail), there as at the top.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from iplab.steps import LinkAdd, LinkDel, NetnsAdd, NetnsDel
from tests import pages
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts" / "updown-case-on-cmd.sh"


def _load(text: str, name: str = "updown.sh") -> scenario.Scenario:
    result = import_text(text, detect_kind(name, text), name)
    return scenario.load_text(result.yaml, "updown.yaml")


def test_a_case_on_a_variable_set_to_the_argument_is_the_scripts_up_and_down() -> None:
    loaded = _load(SCRIPT.read_text(encoding="utf-8"))
    plan = build(loaded)
    setup = [c.command.op for c in plan.setup]
    teardown = plan.teardown
    assert [op.name for op in setup if isinstance(op, NetnsAdd)] == ["client"]
    assert [op.name for op in setup if isinstance(op, LinkAdd)] == ["cl0-ns"]
    downs = [c.command.op for c in teardown]
    assert [type(op) for op in downs] == [NetnsDel, LinkDel]
    assert all(c.command.step is not None and c.command.step.may_fail for c in teardown)


@pytest.mark.parametrize("assigned", ['cmd="$1"', "cmd=${1:-up}", 'cmd="${1}"'])
def test_the_argument_may_be_quoted_or_defaulted(assigned: str) -> None:
    text = (
        f"{assigned}\ncase $cmd in\n  up)\n    ip netns add a\n    ;;\n"
        "  down)\n    ip netns del a\n    ;;\nesac\n"
    )
    plan = build(_load(text))
    assert (len(plan.setup), len(plan.teardown)) == (1, 1)


def test_a_variable_set_to_something_else_is_not_the_argument() -> None:
    text = (
        "cmd=$1\ncmd=up\ncase $cmd in\n  up)\n    ip netns add a\n    ;;\n"
        "  down)\n    ip netns del a\n    ;;\nesac\n"
    )  # (bash takes the up branch: cmd is up; iplab reads the branch it takes)
    plan = build(_load(text))
    assert (len(plan.setup), len(plan.teardown)) == (1, 0)


def test_an_if_on_a_function_that_changes_something_is_not_a_check() -> None:
    text = (
        "mk() {\n  ip netns add b\n}\ncmd=$1\ncase $cmd in\n  up)\n    ip netns add a\n    ;;\n"
        "  down)\n    if mk; then\n      ip netns del a\n    fi\n    ;;\nesac\n"
    )
    result = import_text(text, detect_kind("x.sh", text), "x.sh")
    assert "a nested if is skipped" in "\n".join(result.warnings)


@pytest.mark.kernel
def test_the_script_runs_up_and_down_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    ran = pages.ran_clean(SCRIPT, prefix, state_dir, tmp_path)
    assert f"ip netns add {prefix}client" in ran.stdout
    assert f"ip netns delete {prefix}client" in ran.stdout
