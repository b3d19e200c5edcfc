"""A Makefile refused with the way out: ``make -n up down | iplab import -`` named targets
the Makefile may not have (hunt DO, tests/fixtures/hunt-do/do02-...: its targets are
``all`` and ``clean``, and make answered "No rule to make target 'up'"), and said nothing
of a recipe line indented with spaces, at which make stops ("*** missing separator")
before it prints a command. The way out now names the Makefile's own targets (``up`` else
its first, ``down`` else ``clean``, ``teardown``...) and the line make stops at."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind
from tests.conftest import FIXTURES

DO02 = FIXTURES / "hunt-do" / "do02-makefile-two-bridges-router-space-indent.mk"


def _said(name: str, text: str) -> str:
    with pytest.raises(UsageError) as caught:
        detect_kind(name, text)
    return str(caught.value)


def test_the_fixture_s_targets_and_its_space_indented_line_are_named() -> None:
    said = _said(DO02.name, DO02.read_text(encoding="utf-8"))
    assert f"make -f {DO02.name} -n all clean | iplab import -" in said, said
    assert "line 81 is indented with spaces, not a tab" in said, said
    assert "missing separator" in said, said


@pytest.mark.parametrize(
    ("rules", "goals"),
    [
        (".PHONY: up down\nup:\n\tip netns add a\ndown:\n\tip netns del a\n", "up down"),
        ("all: net\nnet:\n\tip netns add a\nclean:\n\tip netns del a\n", "all clean"),
        ("lab:\n\tip netns add a\nteardown:\n\tip netns del a\n", "lab teardown"),
        (".PHONY: start\nstart:\n\tip netns add a\n", "start"),
        ("%.o: %.c\n\tcc $<\nup:\n\tip netns add a\nclean:\n\trm x\n", "up clean"),
    ],
)
def test_the_way_out_names_the_makefile_s_goals(rules: str, goals: str) -> None:
    said = _said("Makefile", rules)
    assert f"make -n {goals} | iplab import -" in said, said
    assert "indented with spaces" not in said, said


def test_an_indented_assignment_is_no_missing_separator() -> None:
    said = _said("Makefile", "up:\n\tip netns add a\n\n  NS = a\ndown:\n\tip netns del a\n")
    assert "indented with spaces" not in said, said
