"""Hunt AW: ``if [ "$1" == "cleanup" ]; then ...; else setup ...; fi``.

``tests/fixtures/github-scripts/else-is-setup.sh`` (after a public wireguard lab): run
without an argument the script sets the lab up (the else branch), with ``cleanup`` it
takes it down. The if was skipped ("an 'if' block whose condition iplab cannot
evaluate"), and the import kept two function definitions: a run made nothing. The if is
read as a case whose down branch comes first is: printed as written, its else branch the
setup, its down branch the teardown run after it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from iplab.steps import NetnsAdd, NetnsDel
from tests import pages
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts" / "else-is-setup.sh"


def test_the_else_branch_is_the_setup_and_the_cleanup_branch_the_teardown() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    result = import_text(text, detect_kind("wg.sh", text), "wg.sh")
    assert result.model_error is None, result.model_error
    plan = build(scenario.load_text(result.yaml, "wg.yaml"))
    made = [c.command.op.name for c in plan.setup if isinstance(c.command.op, NetnsAdd)]
    gone = [c.command.op.name for c in plan.teardown if isinstance(c.command.op, NetnsDel)]
    assert made == gone == ["cont0", "cont1"]
    assert result.lines[-1].startswith('if [ "$1" == "cleanup" ]; then')
    assert result.lines[-1].endswith("fi")


@pytest.mark.parametrize("test", ['[ "$1" == "cleanup" ]', "[[ $1 = down ]]", '[ "$1" = "stop" ]'])
def test_a_down_word_is_needed_and_an_else(test: str) -> None:
    text = f"if {test}; then\n  ip netns del a\nelse\n  ip netns add a\nfi\n"
    result = import_text(text, detect_kind("x.sh", text), "x.sh")
    assert (result.setup, result.teardown) == (1, 1)
    for other in ('[ "$1" == "up" ]', '[ "$X" == "down" ]'):
        text = f"if {other}; then\n  ip netns del a\nelse\n  ip netns add a\nfi\n"
        with pytest.raises(UsageError, match="no command found"):  # (the if: skipped)
            import_text(text, detect_kind("x.sh", text), "x.sh")


@pytest.mark.kernel
def test_the_lab_runs_and_leaves_nothing(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    ran = pages.ran_clean(SCRIPT, prefix, state_dir, tmp_path)
    assert f"ip netns del {prefix}cont1" in ran.stdout
