"""The JSON Schema of the scenario format: generated from the loader, current, and right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from iplab import fields, livesteps, scenario, schema, topology
from iplab.actions import BUILDERS
from tests.conftest import REPO, SCENARIOS

COMMITTED = REPO / "docs" / "scenario.schema.json"
GOOD = sorted(
    [
        *SCENARIOS.glob("*.yaml"),
        *(REPO / "examples").glob("*/*.yaml"),
        *(REPO / "tests" / "scenarios").glob("*.yaml"),
    ]
)
BAD = REPO / "tests" / "bad"
#: the bad scenarios whose fault is one of form (a field, a type, a name's characters or
#: length): the schema refuses them. The others are faults only the loader or the model
#: can see (YAML syntax, a duplicate key, Jinja, the kernel's rules, shell syntax).
SCHEMA_ERRORS = {
    "bad-chars", "bad-list-type", "bad-type", "keyword-name", "long-name", "meta-in-address",
    "missing-field", "not-a-mapping", "numeric-netns", "option-injection", "unknown-action",
    "unknown-key", "unsafe-netns",
}  # fmt: skip


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    document = json.loads(COMMITTED.read_text())
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def test_the_committed_schema_is_current() -> None:
    assert COMMITTED.read_text() == schema.render(), (
        "docs/scenario.schema.json is stale: python3 -m iplab.schema > docs/scenario.schema.json"
    )
    assert all(
        vars(m)["Fields"] is fields.Fields for m in (scenario, livesteps, topology)
    )  # the loader is itself again


def test_every_action_and_claim_of_the_loader_is_in_it() -> None:
    document = schema.generate()
    steps = document["$defs"]["step"]["anyOf"][:-1]
    actions = [s["properties"]["action"]["const"] for s in steps if "line" not in s["properties"]]
    assert actions == list(BUILDERS)
    assert steps[-1]["required"] == ["line"]  # a line as its author wrote it
    claims = {tuple(c["required"]) for c in document["$defs"]["claim"]["anyOf"]}
    assert ("bridge",) in claims and ("link",) in claims and ("nothing_left",) in claims
    link_add = document["$defs"]["step"]["anyOf"][list(BUILDERS).index("link add")]
    assert link_add["required"] == ["action", "name"]
    assert link_add["properties"]["type"]["anyOf"][0] == {"enum": ["veth", "bridge", "dummy"]}


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_every_bundled_scenario_validates(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    scenario.load(str(path))  # the loader takes it too
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_yaml(path))]
    assert errors == []


def test_the_bad_scenarios_of_form_fail_it(validator: jsonschema.Draft202012Validator) -> None:
    failing = set()
    for path in sorted(BAD.glob("*.yaml")):
        try:
            document = _yaml(path)
        except yaml.YAMLError:
            continue  # not YAML at all: no schema can judge it
        if not validator.is_valid(document):
            failing.add(path.stem)
    assert failing == SCHEMA_ERRORS


def test_jinja_may_stand_for_any_typed_field(validator: jsonschema.Draft202012Validator) -> None:
    doc: dict[str, Any] = {
        "name": "x",
        "vars": {"n": 2},
        "setup": [
            {"loop": "{{ range(n) | list }}", "action": "link add", "name": "d{{ item }}",
             "type": "dummy", "up": "{{ true }}"},
            {"action": "link set", "dev": "d0", "mtu": "{{ 1400 + n }}"},
        ],
    }  # fmt: skip
    assert validator.is_valid(doc)
    doc["setup"][1]["mtu"] = "1400"
    assert not validator.is_valid(doc)
