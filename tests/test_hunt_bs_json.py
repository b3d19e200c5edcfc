"""Hunt BS #5: a script reading ``--json`` (tests/fixtures/leftovers9/json-script.sh, a CI
job piping iplab to jq) got nothing on stdout when the command stopped on an error: the
error was text on stderr only; and ``iplab up`` had no ``--json`` (status and verify had).
An error is now also one JSON document on stdout (docs/json/error.schema.json), the exit
status unchanged; ``up --json`` prints run's document (docs/json/run.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.kernel import iplab
from tests.test_json_output import assert_valid

SCRIPT = FIXTURES / "leftovers9" / "json-script.sh"


def test_the_script_reads_up_verify_and_status_as_json() -> None:
    """What the fixture asks of iplab: each of its commands takes --json."""
    for line in SCRIPT.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith(("out=", "ver=", "st=")):
            words = line.split("$(", 1)[1].split(")", 1)[0].split()
            assert "--json" in words


@pytest.mark.parametrize(
    ("argv", "rc", "field"),
    [
        (["up", "nosuch.yaml", "--json"], 2, "file"),
        (["run", "nosuch.yaml", "--json"], 2, "file"),
        (["verify", "nosuch.yaml", "--json"], 2, "file"),
        (["verify", "ci1lab", "--json"], 2, None),
        (["status", "--lab", "ci1lab", "--json"], 2, None),
        (["ls", "--json"], 0, None),
    ],
)
def test_an_error_is_a_json_document_on_stdout(
    argv: list[str], rc: int, field: str | None, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = iplab(*argv, state=state)
    assert done.returncode == rc, done.stderr
    doc = json.loads(done.stdout)
    if rc == 0:
        assert doc == []
        return
    assert_valid("error", doc)
    assert doc["ok"] is False and doc["exit_code"] == rc
    assert done.stderr.startswith("iplab: error: ")  # (said for people, as before)
    assert doc["errors"][0]["message"] in done.stderr
    if field:
        assert doc["errors"][0][field]


def test_check_prints_its_own_document_once(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = iplab("check", "nosuch.yaml", "--json", state=state)
    assert done.returncode == 2
    doc = json.loads(done.stdout)  # (one document: two would not parse)
    assert_valid("check", doc)


def test_without_json_stdout_stays_empty(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = iplab("verify", "nosuch.yaml", state=state)
    assert (done.returncode, done.stdout) == (2, "")


@pytest.mark.kernel
def test_up_json_prints_run_s_document(prefix: str, state_dir: Path) -> None:
    up = iplab("up", "container-networking-part2", "--prefix", prefix, "--json", state=state_dir)
    try:
        assert up.returncode == 0, up.stderr
        doc = json.loads(up.stdout)
        assert_valid("run", doc)
        assert doc["ok"] and doc["lab"] == f"{prefix}container-networking-part2"
        assert doc["commands"][0]["text"] == f"sudo ip netns add {prefix}ns1"
        assert {c["phase"] for c in doc["commands"]} == {"setup"}
        assert "[ 1/" in up.stderr  # the progress, for people
        busy = iplab("up", "container-networking-part2", "--prefix", prefix, "--json",
                     state=state_dir)  # fmt: skip
        assert busy.returncode != 0
        assert_valid("error", json.loads(busy.stdout))
    finally:
        down = iplab("down", f"{prefix}container-networking-part2", state=state_dir)
    assert down.returncode == 0, down.stderr
