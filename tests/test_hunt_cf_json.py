"""Hunt CF #1: ``iplab up --json`` (tests/fixtures/leftovers14/router-json.md, a CI job
reading the lab's numbers) printed no ``expected`` block, while ``verify --json`` has one:
a script could not tell what the verification after the setup counted. ``up --json`` and
``run --json`` now carry it, verify's shape (docs/json/run.schema.json), null when no
verification ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iplab import jsonout
from tests.conftest import FIXTURES
from tests.kernel import iplab
from tests.test_json_output import assert_valid

PAGE = FIXTURES / "leftovers14" / "router-json.md"


def _scenario(tmp_path: Path, state: Path) -> Path:
    out = tmp_path / "router.yaml"
    done = iplab("import", str(PAGE), "-o", str(out), state=state)
    assert done.returncode == 0, done.stderr
    return out


def test_a_run_that_verified_nothing_says_null() -> None:
    doc = jsonout.run(lab="l", run_id=None, scenario="s.yaml", exit_code=2, records=[], output="")
    assert doc["expected"] is None
    assert_valid("run", doc)


@pytest.mark.kernel
def test_up_json_says_what_it_verified_as_verify_does(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    scenario = _scenario(tmp_path, state_dir)
    lab = f"{prefix}router-json"
    try:
        up = iplab("up", str(scenario), "--prefix", prefix, "--json", state=state_dir)
        assert up.returncode == 0, up.stderr
        doc = json.loads(up.stdout)
        assert_valid("run", doc)
        # the router's namespace and the host's, both veth ends, and the forwarding sysctl
        assert doc["expected"] == {"namespaces": 2, "links": 4, "sysctls": 1, "neighbours": 0}
        verified = iplab("verify", lab, "--json", state=state_dir)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert json.loads(verified.stdout)["expected"] == doc["expected"]
    finally:
        down = iplab("down", lab, state=state_dir)
    assert down.returncode == 0, down.stderr


@pytest.mark.kernel
def test_up_json_without_verification_says_null(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    scenario = _scenario(tmp_path, state_dir)
    try:
        up = iplab(
            "up", str(scenario), "--prefix", prefix, "--json", "--no-verify", state=state_dir
        )
        assert up.returncode == 0, up.stderr
        doc = json.loads(up.stdout)
        assert_valid("run", doc)
        assert doc["expected"] is None
    finally:
        down = iplab("down", f"{prefix}router-json", state=state_dir)
    assert down.returncode == 0, down.stderr


@pytest.mark.kernel
def test_run_json_says_what_it_verified(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    scenario = _scenario(tmp_path, state_dir)
    done = iplab("run", str(scenario), "--prefix", prefix, "--json", state=state_dir)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert_valid("run", doc)
    assert doc["expected"] == {"namespaces": 2, "links": 4, "sysctls": 1, "neighbours": 0}
