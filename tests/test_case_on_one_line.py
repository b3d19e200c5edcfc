"""A lab script's ``case "$1"`` whose up and down branches share a line.

Public lab scripts dispatch so (an XDP conformance harness: ``case "${1:-}" in up) up;;
down) down;; *) echo "usage: $0 up|down" >&2; exit 1;; esac`` on one line; an
intranet-to-internet NAT lab: ``up) up ;; down) down ;; dnat-bug) dnat_bug ;; ...`` on the
line after ``case "${1:-}" in``). The case was skipped ("a case whose branch iplab cannot
choose"), every function was said never called, and the lab was lost: 4 commands of the
harness's 55 read, ``model: OK``. The case is read as one whose down branch comes first:
printed as written, the up branch the setup, the down branch the teardown after it.
"""

from __future__ import annotations

import pytest

from iplab import export, scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from iplab.steps import LinkAdd, NetnsAdd, NetnsDel

FUNCTIONS = (
    "#!/usr/bin/env bash\nset -euo pipefail\n"
    "up() {\n  ip netns add red\n  ip link add v0 type veth peer name v1 netns red\n}\n"
    "down() {\n  ip netns del red 2>/dev/null || true\n}\n"
)
DISPATCHES = {
    "one line": (
        'case "${1:-}" in up) up;; down) down;; *) echo "usage: $0 up|down" >&2; exit 1;; esac\n'
    ),
    "one line, down first": 'case "$1" in down) down ;; up) up ;; esac\n',
    "branches on the line after in": (
        'case "${1:-}" in\n  up) up ;; down) down ;; scan) echo scan ;;\n'
        '  *) sed -n "2,15p" "$0"; exit 1 ;;\nesac\n'
    ),
}


def _import(text: str) -> tuple[str, scenario.Scenario]:
    result = import_text(text, detect_kind("lab.sh", text), "lab.sh")
    return result.summary(), scenario.load_text(result.yaml, "lab.yaml")


@pytest.mark.parametrize("shape", sorted(DISPATCHES))
def test_the_up_branch_is_the_setup_and_the_down_branch_the_teardown(shape: str) -> None:
    text = FUNCTIONS + DISPATCHES[shape]
    said, loaded = _import(text)
    assert "cannot choose" not in said and "no line of the input calls it" not in said, said
    plan = build(loaded)
    # (the functions' definitions are printed where they are, running nothing: true)
    setup = [c.command.op for c in plan.setup if c.command.text != "true"]
    assert [type(op) for op in setup] == [NetnsAdd, LinkAdd], setup
    assert [type(c.command.op) for c in plan.teardown] == [NetnsDel]
    # printed as the script is written, each line once
    assert export.text(plan).count("ip netns add red") == 1


def test_a_one_line_case_with_no_down_branch_is_still_not_chosen() -> None:
    text = FUNCTIONS + 'case "$1" in up) up ;; status) echo ok ;; esac\n'
    said, _loaded = _import(text)
    assert "cannot choose" in said, said
