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


def test_a_multi_line_loop_piped_on_is_skipped_with_a_warning_not_cut_to_its_first_line() -> None:
    """Hunt AC #5 (piped2.sh): ``for ...; do`` over lines, ``done 2>&1 | tee lab.log`` was
    the raw step ``for i in 1 2; do`` (its first line alone: a syntax error in bash), with
    no warning. It is now skipped, said, as ``done > lab2.log`` is."""
    text = (HUNT / "piped2.sh").read_text(encoding="utf-8")
    result = import_text(text, detect_kind("piped2.sh", text), "piped2.sh")
    commands = [s.get("command", "") for s in _steps("piped2.sh")]
    assert not [c for c in commands if c.rstrip().endswith("do")]
    assert any(w.startswith("lines 6-8: a multi-line shell construct") for w in result.warnings)


def test_a_loop_piped_to_cat_into_dev_null_is_unrolled() -> None:
    """Hunt AC #5 (piped.sh): ``while [ $n -lt 2 ]; do ... done | cat > /dev/null`` was the
    raw step ``while [ 0 -lt 2 ]; do``, its counter frozen; ``cat > /dev/null`` only shows
    (nothing): the loop is unrolled, two veth pairs as bash makes them."""
    made = [s["name"] for s in _steps("piped.sh") if s.get("action") == "link add"]
    assert made == ["hCgv1", "hCgv2"]


def test_a_change_or_exec_sudo_itself_keeps_the_change_as_a_step() -> None:
    """Hunt AC #7 (reexec.sh): ``ip netns add hCr1 2>/dev/null || exec sudo "$0" "$@"`` was
    all a check of the author's, not run: the namespace was lost and the model failed at
    line 5. The change is now a step that may fail; the re-exec is the check."""
    made = [(s["action"], s.get("may_fail", False)) for s in _steps("reexec.sh")]
    assert made == [("netns add", True), ("link add", True), ("link set", False)]


def test_a_comment_after_a_call_in_a_case_branch_is_no_step() -> None:
    """Hunt AC #8 (casey.sh): in ``up|start)``, ``down   # start from scratch`` gave the raw
    step ``# start from scratch`` (bash: ``#: command not found``); the comment is now
    left out, as it is outside a case."""
    commands = [s.get("command", "") for s in _steps("casey.sh")]
    assert not [c for c in commands if c.lstrip().startswith("#")]
    assert [s["action"] for s in _steps("casey.sh") if s["action"] != "raw"][:5] == [
        "netns del"
    ] * 2 + [
        "link del",
        "link add",
        "link set",
    ]
