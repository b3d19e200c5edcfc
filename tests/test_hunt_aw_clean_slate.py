"""Hunt AW: a lab script that first deletes what its last run left, without ``set -e``.

``tests/fixtures/github-scripts/clean-slate-no-set-e.sh`` (the shape of a public
``testveth/test.sh``): ``sudo ip netns del h0`` ... ``sudo ip link del h1-sw``, then the lab
that makes them. Bash prints the deletes' errors the first time and goes on; the import
refused the script ("namespace h0 does not exist at this step", exit 1) and check and run
refused it too. Such a delete, of a name the script has not used before and makes later,
in a script whose shell goes on past a failure, is a step that may fail (said once, with its
lines); under ``set -e`` (or ``#!/bin/bash -e``) bash stops there, and so does iplab.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.convert import ImportResult, detect_kind, import_text
from tests import pages
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts" / "clean-slate-no-set-e.sh"


def _import(text: str) -> ImportResult:
    return import_text(text, detect_kind("lab.sh", text), "lab.sh")


def test_the_deletes_of_what_the_script_makes_later_may_fail() -> None:
    result = _import(SCRIPT.read_text(encoding="utf-8"))
    assert result.model_error is None
    said = [w for w in result.warnings if "before it makes them" in w]
    assert said == [
        "lines 6-10: the script deletes h0, h1, sw, h0-sw, h1-sw before it makes them (what a"
        " run before left): without set -e it goes on where they are not there; steps that"
        " may fail"
    ]
    assert result.yaml.count("may_fail: true") == 5


@pytest.mark.parametrize("stops", ["set -e\n", "#!/bin/bash -e\n", "set -o errexit\n"])
def test_a_script_that_stops_at_a_failure_is_refused_as_bash_would_stop(stops: str) -> None:
    text = stops + "ip netns del a\nip netns add a\n"
    result = _import(text)
    assert "may_fail" not in result.yaml
    assert result.model_error is not None and "namespace a does not exist" in result.model_error


def test_set_plus_e_lets_it_go_on_again() -> None:
    result = _import("set -e\nset +e\nip netns del a\nip netns add a\n")
    assert result.model_error is None and "may_fail: true" in result.yaml


@pytest.mark.parametrize(
    "text",
    [
        "ip netns del a\nip netns add b\n",  # (never made: a mistake the model says)
        "ip netns add a\nip netns del a\nip netns del a\nip netns add a\n",  # (used before)
    ],
)
def test_other_deletes_are_left_as_they_are(text: str) -> None:
    result = _import(text)
    assert "may_fail" not in result.yaml
    assert result.model_error is not None


@pytest.mark.kernel
def test_the_script_runs_and_leaves_nothing(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    ran = pages.ran_clean(SCRIPT, prefix, state_dir, tmp_path, "--verbose")
    assert f"skipped, as the author allows it to fail: namespace {prefix}h0 does not" in ran.stdout
    assert "verify: the kernel holds what the scenario promised (3 namespaces" in ran.stdout
