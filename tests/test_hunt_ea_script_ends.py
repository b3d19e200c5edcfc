"""Hunt EA #4: a script's own ``usage() { ...; exit 1; }`` called where a test holds (``if
[[ -z $name ]]; then usage; fi``, ``[ -z "$1" ] && usage``, ``[ -z "$1" ] && { usage; exit
1; }``), and a top-level ``exit``, did not stop the reading: iplab read on past the point
where bash stops. virtopology's newHost.sh (tests/fixtures/scripts-ds/ds02-..., a NAME and
``-f``) read with ``--arg -f`` alone printed its usage, then made ``ip netns add ""`` and
wrote the host's ip_forward. Now the script is read as bash runs it with the arguments iplab
gives it: it ends there, said with its line, and nothing after it is read. Run with no
arguments given (``--arg`` never used), a test of the arguments still cannot be evaluated:
the check is said, and the reading goes on (hunt DG)."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.steps import NetnsAdd
from tests.conftest import FIXTURES

DS02 = FIXTURES / "scripts-ds" / "ds02-argument-loop-new-host.sh"

USAGE = 'usage() {\n  echo "usage: $0 NAME"\n  exit 1\n}\n'
SCRIPTS = {
    "function": f'#!/bin/bash\n{USAGE}[ -z "$1" ] && usage\nip netns add "$1"\n',
    "group": f'#!/bin/bash\n{USAGE}[ -z "$1" ] && {{ usage; exit 1; }}\nip netns add "$1"\n',
    "if": f'#!/bin/bash\n{USAGE}if [ -z "$1" ]; then\n  usage\nfi\nip netns add "$1"\n',
    "count": f'#!/bin/bash\n{USAGE}[ $# -ne 1 ] && usage\nip netns add "$1"\n',
}


def _ops(text: str, arguments: list[str] | None) -> tuple[list[object], tuple[str, ...]]:
    result = import_text(text, "shell", "lab.sh", arguments=arguments)
    return [s.op for s in scenario.load_text(result.yaml, "lab.yaml").steps], result.warnings


def test_newhost_run_without_its_name_stops_at_usage() -> None:
    result = import_text(DS02.read_text(encoding="utf-8"), "shell", DS02.name, arguments=["-f"])
    assert "ip netns add" not in result.yaml
    assert not result.host_changes  # (the ip_forward lines after usage never run)
    assert any(
        w.startswith(
            "lines 33-35: the script ends here (the test before it holds, usage;"
            " run with arguments: -f)"
        )
        for w in result.warnings
    ), result.warnings


def test_newhost_given_its_name_reads_on() -> None:
    text = DS02.read_text(encoding="utf-8")
    result = import_text(text, "shell", DS02.name, arguments=["center", "-f"])
    ops = [s.op for s in scenario.load_text(result.yaml, "l").steps]
    assert [op.name for op in ops if isinstance(op, NetnsAdd)] == ["center"]
    assert not any("ends here" in w for w in result.warnings)


@pytest.mark.parametrize("form", sorted(SCRIPTS))
def test_a_check_that_holds_with_the_arguments_given_ends_the_script(form: str) -> None:
    ops, warnings = _ops(SCRIPTS[form], [])
    assert not any(isinstance(op, NetnsAdd) for op in ops)
    assert any("the script ends here (the test before it holds" in w for w in warnings)
    ops, warnings = _ops(SCRIPTS[form], ["red"])
    assert [op.name for op in ops if isinstance(op, NetnsAdd)] == ["red"]
    assert not any("ends here" in w for w in warnings)


def test_without_arguments_given_the_check_is_said_and_the_reading_goes_on() -> None:
    _, warnings = _ops(SCRIPTS["function"], None)
    assert any("iplab reads it run with none: give them with" in w for w in warnings)
    assert not any("ends here" in w for w in warnings)


def test_a_top_level_exit_ends_the_script_said_only_when_lines_follow() -> None:
    ops, warnings = _ops("ip netns add a\nexit 0\nip netns add b\n", None)
    assert ops == [NetnsAdd(name="a")]
    assert warnings == (
        "line 2: the script ends here (exit 0): bash runs none of its lines after it, and"
        " iplab reads none",
    )
    assert _ops("ip netns add a\nexit 0\n", None) == ([NetnsAdd(name="a")], ())
