"""Hunt EE #3: ``set -e`` in a function's body or a ``{ ...; }`` group was not kept.

Only a ``set -e`` on a top-level line of its own was tracked (the reader's ``errexit`` and
``errexit_set``); one in ``setup() { set -e; ...; }`` or in ``{ set -e; ...; }`` was skipped
as narration, and the steps after it were read as in a shell that goes on past a failing
command (``ip netns del b`` that may fail, where bash stops at it). Now it is the shell's
from there on, as bash has it; in a subshell, or a script beside the input run as a process
of its own, it stays there."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text

BODY = "  ip netns add a\n  ip netns del b\n  ip netns add b\n"
FORMS = {
    "top": f"#!/bin/bash\nset -e\nsetup() {{\n{BODY}}}\nsetup\n",
    "function": f"#!/bin/bash\nsetup() {{\n  set -e\n{BODY}}}\nsetup\n",
    "group": f"#!/bin/bash\n{{\n  set -e\n{BODY}}}\n",
    "errexit": f"#!/bin/bash\nsetup() {{\n  set -o errexit\n{BODY}}}\nsetup\n",
    "earlier call": f"#!/bin/bash\nstrict() {{\n  set -euo pipefail\n}}\nstrict\n{BODY}",
}


def _may_fail(text: str) -> list[bool]:
    result = import_text(text, "shell", "lab.sh")
    return [s.may_fail for s in scenario.load_text(result.yaml, "lab.yaml").steps]


def test_without_set_e_the_deletion_may_fail() -> None:
    assert _may_fail(f"#!/bin/bash\nsetup() {{\n{BODY}}}\nsetup\n") == [False, True, False]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_set_e_anywhere_in_the_scripts_shell_makes_the_steps_after_it_stop(form: str) -> None:
    assert _may_fail(FORMS[form]) == [False, False, False]


def test_set_e_in_a_subshell_stays_there() -> None:
    text = f"#!/bin/bash\n( set -e; ip netns add c )\nsetup() {{\n{BODY}}}\nsetup\n"
    assert _may_fail(text) == [False, False, True, False]


def test_set_plus_e_in_a_function_ends_it() -> None:
    text = f"#!/bin/bash\nset -e\nloose() {{\n  set +e\n}}\nloose\n{BODY}"
    assert _may_fail(text) == [False, True, False]
