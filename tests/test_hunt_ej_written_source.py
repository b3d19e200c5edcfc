"""Hunt EJ #2: an error about a step of an imported lab names the script's line through the
scenario's ``source:`` (hunt EE), and ``source:`` held the path as given to ``import``,
relative to the folder it ran in: ``check`` run from another folder found no script and
named the scenario's line alone. And ``--json`` errors had no field for the script's line.

Now ``import -o`` writes ``source:`` as the scenario's folder reaches the input (relative
when it is in that folder or below, absolute otherwise; an absolute path stays as given),
the error reads it from the scenario's folder and names the script as reached from where
iplab runs, and a ``--json`` error says it in ``written``. No kernel: ``check`` only.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
import yaml

from iplab.cli import main

SCRIPT = "#!/bin/bash\nsetup() {\n    ip netns add a\n    ip link set nothere up\n}\nsetup\n"


def _iplab(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(list(argv), stderr=err)
    return rc, out.getvalue(), err.getvalue()


def _error(said: str) -> str:
    return next(x for x in said.splitlines() if "link nothere does not exist" in x)


def test_a_script_imported_from_elsewhere_is_found_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "else").mkdir()
    (tmp_path / "sub" / "lab.sh").write_text(SCRIPT)
    monkeypatch.chdir(tmp_path)
    _iplab("import", "sub/lab.sh", "-o", "out/lab.yaml")  # (exit 1: the model refuses it)
    doc = yaml.safe_load((tmp_path / "out" / "lab.yaml").read_text())
    assert doc["source"] == str(tmp_path / "sub" / "lab.sh")  # (not in out/: absolute)
    monkeypatch.chdir(tmp_path / "else")
    rc, _, said = _iplab("check", "../out/lab.yaml")
    assert rc != 0
    assert _error(said).endswith(f" (written at {tmp_path}/sub/lab.sh:4)"), said


def test_a_script_beside_its_scenario_is_named_relative_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = tmp_path / "labs" / "one"
    lab.mkdir(parents=True)
    (lab / "lab.sh").write_text(SCRIPT)
    monkeypatch.chdir(tmp_path)
    _iplab("import", "labs/one/lab.sh", "-o", "labs/one/lab.yaml")  # (exit 1: the model refuses it)
    assert yaml.safe_load((lab / "lab.yaml").read_text())["source"] == "lab.sh"
    monkeypatch.chdir(lab)
    assert _error(_iplab("check", "lab.yaml")[2]).endswith(" (written at lab.sh:4)")
    monkeypatch.chdir(tmp_path / "labs")
    assert _error(_iplab("check", "one/lab.yaml")[2]).endswith(" (written at one/lab.sh:4)")


def test_an_absolute_source_stays_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lab.sh").write_text(SCRIPT)
    monkeypatch.chdir(tmp_path)
    _iplab("import", str(tmp_path / "lab.sh"), "-o", "lab.yaml")  # (exit 1: the model refuses it)
    assert yaml.safe_load((tmp_path / "lab.yaml").read_text())["source"] == str(tmp_path / "lab.sh")


def test_a_json_error_names_the_scripts_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lab.sh").write_text(SCRIPT)
    monkeypatch.chdir(tmp_path)
    _iplab("import", "lab.sh", "-o", "lab.yaml")  # (exit 1: the model refuses it)
    rc, out, _ = _iplab("check", "lab.yaml", "--json")
    assert rc != 0
    (problem,) = json.loads(out)["errors"]
    assert problem["written"] == "lab.sh:4", problem
    assert problem["field"] == "setup[0].steps[1]", problem
