"""Hunt DY: a script cut into named sections, ``: "start" && {``, its commands a line each,
``}`` (tests/fixtures/scripts-dy/dy01-colon-label-brace-groups-nat.sh, a book's NAT lab).
A section whose lines iplab read one by one as typed commands (``ip netns add lan``...)
worked; a section of narration and the shell's own settings (``echo "start building..."``,
``trap error_handler ERR``, ``set -x``; ``set +x``, ``echo "successful"``) was a raw step
of its FIRST LINE alone, ``: "start" && {`` (a syntax error in bash, "iplab cannot undo"),
and the lines after it were lost from render. A bare ``{`` on its own line, with such
lines, was skipped whole, "a multi-line shell construct ({ ...) cannot be imported".

Now such a group is read as a function's body is: printed as written, its commands the
steps (narration and settings: none; the group then runs nothing), the ERR trap said as on
a line of its own."""

from __future__ import annotations

import pytest
import yaml

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

DY01 = FIXTURES / "scripts-dy" / "dy01-colon-label-brace-groups-nat.sh"

START = ': "start" && {\n  echo "start building..."\n  trap error_handler ERR\n  set -x\n}'
BARE = '{\n  echo "building..."\n  set -x\n}'
DONE = ': "done" && {\n  set +x\n  echo "successful"\n}'
MAKE = ': "add-netns" && {\n  ip netns add lan\n  ip netns add wan\n}'


def _scripts(text: str) -> list[object]:
    setup = yaml.safe_load(text)["setup"]
    assert isinstance(setup, list)
    return [s.get("script", s.get("command")) for s in setup]


@pytest.mark.parametrize("group", [START, BARE, DONE])
def test_a_group_of_narration_is_printed_whole_and_runs_nothing(group: str) -> None:
    script = f"#!/bin/bash\nerror_handler() {{ echo bad; }}\n{group}\n{MAKE}\n"
    result = import_text(script, "shell", "lab.sh")
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings
    assert any(group in str(s) for s in _scripts(result.yaml)), result.yaml
    assert result.model_error is None
    assert not result.cannot_undo, result.cannot_undo
    assert result.typed == 2, result.yaml


def test_the_err_trap_in_a_group_is_said() -> None:
    result = import_text(f"#!/bin/bash\n{START}\n{MAKE}\n", "shell", "lab.sh")
    assert any("line 4: a trap's handler is not run" in w for w in result.warnings), result.warnings


def test_the_nat_lab_renders_every_line_of_its_sections() -> None:
    result = import_text(DY01.read_text(encoding="utf-8"), "shell", DY01.name)
    text = "\n".join(str(s) for s in _scripts(result.yaml))
    for line in ('  echo "start building..."', "  set -x", "  set +x", '  echo "successful"'):
        assert line in text, text
    assert (result.typed, result.model_error) == (23, None)
    assert not result.cannot_undo, result.cannot_undo
