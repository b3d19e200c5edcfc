"""``--json``: each command's document validates against its schema in docs/json/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from iplab.cli import main
from iplab.journal import Journal, LabInfo, lab_dir
from tests.conftest import BLOG_SCENARIO, REPO
from tests.kernel import iplab

SCHEMAS = REPO / "docs" / "json"
COMMANDS = ("audit", "check", "error", "ls", "run", "status", "verify")


def validator(command: str) -> jsonschema.Draft202012Validator:
    documents = {p.stem.split(".")[0]: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in documents.values()
    )
    schema = documents[command]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def assert_valid(command: str, document: Any) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(command).iter_errors(document)
    ]
    assert errors == []


def test_one_schema_per_command() -> None:
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == [f"{c}.schema.json" for c in COMMANDS]


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", str(BLOG_SCENARIO)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert_valid("check", doc)
    assert doc["counts"] == {"steps": 23, "setup": 18, "teardown": 5, "claims": 9, "failing": 0}
    assert doc["steps"][0]["text"] == "sudo ip netns add ns1"
    assert doc["steps"][0]["state"]["namespaces"][1] == {"name": "ns1", "links": [
        {"name": "lo", "kind": "loopback", "up": False, "addresses": []}
    ], "routes": []}  # fmt: skip
    assert main(["check", "--json", "-q", str(BLOG_SCENARIO)]) == 0
    quiet = json.loads(capsys.readouterr().out)
    assert_valid("check", quiet)
    assert all(step["state"] is None for step in quiet["steps"])


def test_ls_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ls", "--json", "--state-dir", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out) == []
    directory = lab_dir(tmp_path, "t1lab")
    directory.mkdir(parents=True)
    info = LabInfo("t1lab", "20261128T120000-abcdef", str(BLOG_SCENARIO), "0" * 64, "t1",
                   1764331200.0, ["t1ns1"], ["t1br0"])  # fmt: skip
    Journal(directory).write_info(info)
    assert main(["ls", "--json", "--state-dir", str(tmp_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert_valid("ls", doc)
    assert [(d["lab"], d["namespaces"], d["links"]) for d in doc] == [
        ("t1lab", ["t1ns1"], ["t1br0"])
    ]


def test_audit_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The records of a dry run (audited, nothing runs) as JSON lines."""
    assert main(["up", "--dry-run", "--state-dir", str(tmp_path), str(BLOG_SCENARIO)]) == 0
    capsys.readouterr()
    assert main(["audit", "--json", "--state-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 18
    for line in lines:
        assert_valid("audit", json.loads(line))


# -- on the kernel -----------------------------------------------------------------------------


@pytest.mark.kernel
def test_status_verify_and_run_json(prefix: str, state_dir: Path) -> None:
    scenario = "container-networking-part2-try-it"
    ran = iplab("run", scenario, "--prefix", prefix, "--json", state=state_dir)
    assert ran.returncode == 0, ran.stderr
    doc = json.loads(ran.stdout)
    assert_valid("run", doc)
    assert doc["ok"] and doc["lab"] == f"{prefix}{scenario}"
    assert doc["commands"][0] == {"step": 1, "phase": "setup", "kind": "command",
                                  "text": f"sudo ip netns add {prefix}ns1", "rc": 0}  # fmt: skip
    assert doc["claims"] and all(c["ok"] for c in doc["claims"])
    assert f"{prefix}ns1 cannot reach" in " ".join(c["claim"] for c in doc["claims"])
    assert "[ 1/" in ran.stderr  # the progress, for people

    up = iplab("up", "container-networking-part2", "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stderr
    lab = f"{prefix}container-networking-part2"
    status = iplab("status", "--lab", lab, "--json", state=state_dir)
    assert_valid("status", json.loads(status.stdout))
    verified = iplab("verify", "container-networking-part2", "--prefix", prefix, "--json",
                     state=state_dir)  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout) == {"ok": True, "step": None, "differences": [],
                                           "expected": {"namespaces": 2, "links": 7, "sysctls": 0,
                                                        "neighbours": 0},
                                           "live": []}  # fmt: skip
    early = iplab("verify", "container-networking-part2", "--prefix", prefix, "--json",
                  "--step", "1", state=state_dir)  # fmt: skip
    doc = json.loads(early.stdout)
    assert_valid("verify", doc)
    assert early.returncode == 1 and not doc["ok"] and doc["step"] == 1
    assert {"object": f"{prefix}ns2", "field": "exists", "kind": "extra-namespace",
            "namespace": f"{prefix}ns2", "expected": "none", "found": "the namespace"
            } in doc["differences"]  # fmt: skip
    ls = iplab("ls", "--json", state=state_dir)
    assert_valid("ls", json.loads(ls.stdout))
    assert iplab("down", lab, state=state_dir).returncode == 0
