"""Hunt AC: commands of a script the importer lost or got wrong (#4 an ``if`` whose
condition makes something, #5 a loop piped on, #7 an ``exec sudo "$0"`` fallback, #8 a
comment after a function's call in a case branch)."""

from __future__ import annotations

from typing import Any

import yaml

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-6"


def _steps(name: str) -> list[dict[str, Any]]:
    text = (HUNT / name).read_text(encoding="utf-8")
    loaded = yaml.safe_load(import_text(text, detect_kind(name, text), name).yaml)
    found: list[dict[str, Any]] = []
    for block in loaded["setup"]:
        found += block.get("steps", [block] if "action" in block else [])
    return found


def test_an_if_whose_condition_makes_something_keeps_it_as_a_step() -> None:
    """Hunt AC #4 (if-create.sh): ``if ! ip netns add hCi1; then echo ...; exit 1; fi``
    was read as a check of the author's, prose only: the namespace was lost and the run
    failed. The condition is now a step (one that may fail when the body does not stop)."""
    made = [(s["action"], s.get("name", s.get("dev")), s.get("may_fail", False)) for s in
            _steps("if-create.sh")][:3]  # fmt: skip
    assert made == [
        ("netns add", "hCi1", False),
        ("link add", "hCiA", False),
        ("link set", "hCiA", True),
    ]
