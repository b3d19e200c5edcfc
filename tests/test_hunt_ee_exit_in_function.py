"""Hunt EE #2: an ``exit`` in a function the script calls did not end the reading.

tests/fixtures/scripts-dy/dy03-subcommands-flags-ensure-functions.sh imported with no
arguments: ``main "$@"`` calls ``parse_args``, whose ``if [[ $# -lt 1 ]]; then usage; exit
2; fi`` holds; iplab read on past the ``exit``, and ``main``'s ``*) err ...; usage; exit 2
;;`` said the usage a second time: two raw steps of the same text. Now an ``exit`` reached
in the script's own flow (a function called at its top level, a group) ends the script, as
bash ends it (hunt EA did so for a top-level check): the commands before it stay, the
script's end is said with its line, nothing after it is read."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.steps import NetnsAdd, Raw
from tests.conftest import FIXTURES

DY03 = FIXTURES / "scripts-dy" / "dy03-subcommands-flags-ensure-functions.sh"


def _ops(text: str, arguments: list[str] | None = None) -> tuple[list[object], tuple[str, ...]]:
    result = import_text(text, "shell", "lab.sh", arguments=arguments)
    return [s.op for s in scenario.load_text(result.yaml, "lab.yaml").steps], result.warnings


def test_dy03_run_without_arguments_says_its_usage_once_and_ends() -> None:
    result = import_text(DY03.read_text(encoding="utf-8"), "shell", DY03.name)
    steps = scenario.load_text(result.yaml, "lab.yaml").steps
    assert len(steps) == 1  # the usage, said once
    assert isinstance(steps[0].op, Raw)
    assert "Usage: $0 <create|delete|status>" in steps[0].op.command
    assert any(
        w.startswith("line 67 (in parse_args") and "the script ends here (exit 2)" in w
        for w in result.warnings
    ), result.warnings


def test_dy03_given_its_action_reads_on() -> None:
    text = DY03.read_text(encoding="utf-8")
    result = import_text(text, "shell", DY03.name, arguments=["create"])
    assert result.typed == 8
    assert not any("ends here" in w for w in result.warnings)


def test_an_exit_in_a_called_function_ends_the_script() -> None:
    text = (
        "#!/bin/bash\nsetup() {\n  ip netns add a\n  exit 0\n  ip netns add b\n}\n"
        "setup\nip netns add c\n"
    )
    ops, warnings = _ops(text)
    assert [op.name for op in ops if isinstance(op, NetnsAdd)] == ["a"]
    assert any(w.startswith("line 4 (in setup") and "ends here" in w for w in warnings)


def test_an_exit_in_a_loop_keeps_the_turns_before_it() -> None:
    text = (
        "#!/bin/bash\nmake() {\n  for n in a b c; do\n    ip netns add $n\n"
        '    [ "$n" = b ] && exit 1\n  done\n}\nmake\nip netns add d\n'
    )
    ops, _ = _ops(text)
    assert [op.name for op in ops if isinstance(op, NetnsAdd)] == ["a", "b"]


def test_an_exit_in_a_subshell_or_a_function_not_called_ends_nothing() -> None:
    text = (
        "#!/bin/bash\nquit() { exit 1; }\nsetup() {\n  ip netns add a\n  ( exit 0 )\n}\n"
        "setup\nip netns add b\n"
    )
    ops, warnings = _ops(text)
    assert [op.name for op in ops if isinstance(op, NetnsAdd)] == ["a", "b"]
    assert not any("ends here" in w for w in warnings)
