"""Hunt EE #1: a refusal of an imported lab named the scenario's line, not the script's.

tests/fixtures/scripts-dy/dy06-srv6/simple/2hosts_1router.sh imported with ``--arg -c``:
``up`` refused ``echo_run ip netns exec h1 $current_dir/../functions.sh enable_seg6`` as
``dy06.yaml:204: setup[2].steps[28]``, a line of a file iplab wrote; the user wrote it at
line 55 of the script. A ``check`` refusal of a typed step (``ip link set nothere up`` in a
function) named ``lab.yaml:16`` alone. Now the error names the step's line in the source
the scenario was imported from (its ``source:``) too: ``(written at FILE:LINE)``, at the
error's end (``FILE:LINE: FIELD: message`` as every error has it)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from iplab.cli import main
from iplab.errors import Location
from iplab.written import lines_of, written_at
from tests.conftest import FIXTURES

DY06 = FIXTURES / "scripts-dy" / "dy06-srv6" / "simple" / "2hosts_1router.sh"


def _iplab(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    rc = main(list(argv), stderr=err)
    return rc, err.getvalue()


def test_dy06_preflight_refusal_names_the_scripts_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (hunt EL: dy06's echo_run call is now the command it runs, and preflight no longer
    # refuses the lab; a refusal of a step a function of the script runs, as that one was)
    script = tmp_path / "lab.sh"
    script.write_text(
        '#!/bin/bash\nrun() {\n    echo "$@"\n    $@ || exit 1\n}\nsetup() {\n'
        "    run ip netns add a\n    run ip netns exec a no-such-tool-eext $DIR/x\n}\n"
        "DIR=$(dirname $(realpath $0))\nsetup\n"
    )
    lab = tmp_path / "lab.yaml"
    assert _iplab("import", str(script), "-o", str(lab))[0] == 0
    monkeypatch.setenv("IPLAB_STATE_DIR", str(tmp_path / "state"))
    rc, said = _iplab("up", str(lab), "--prefix", "eext1", "--dry-run")
    assert rc != 0
    error = [line for line in said.splitlines() if line.startswith("iplab: error:")]
    assert error, said
    assert ": not starting" in error[0], error
    assert error[0].endswith(f" (written at {script}:8)"), error
    dy06 = tmp_path / "dy06.yaml"
    assert _iplab("import", str(DY06), "--arg", "-c", "-o", str(dy06))[0] == 0
    rc, said = _iplab("up", str(dy06), "--prefix", "eext1", "--dry-run")
    assert "this host does not have echo_run" not in said


def test_check_refusal_of_a_typed_step_names_the_scripts_line(tmp_path: Path) -> None:
    script = tmp_path / "lab.sh"
    script.write_text(
        "#!/bin/bash\nsetup() {\n    ip netns add a\n    ip link set nothere up\n}\nsetup\n"
    )
    lab = tmp_path / "lab.yaml"
    _iplab("import", str(script), "-o", str(lab))
    rc, said = _iplab("check", str(lab))
    assert rc != 0
    line = next(x for x in said.splitlines() if "link nothere does not exist" in x)
    assert "setup[0].steps[1]: link nothere does not exist" in line, said
    assert line.endswith(f" (written at {script}:4)"), said


def test_a_scenario_without_a_readable_source_is_named_as_before(tmp_path: Path) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "name: x\nsource: https://example.org/page\nsetup:\n  - line: ip link set x up\n"
    )
    assert written_at(Location(str(lab), 4, "setup[0]")) is None
    lab.write_text("name: x\nsetup:\n  - line: ip link set x up\n")
    assert written_at(Location(str(lab), 3, "setup[0]")) is None


def test_the_command_is_found_between_separators_only() -> None:
    source = (
        "ip link set a up\nsudo ip link set a up || true\nip link set a upper\n#ip link set a up\n"
    )
    assert lines_of(source, "ip link set a up") == [1, 2]
