"""Hunt BB: lo has 127.0.0.1/8 and ::1/128 once it is up.

``tests/fixtures/github-scripts-2/lo-address-no-set-e.sh`` (after a public ryu VRRP lab
script): ``ip netns exec NS ip link set dev lo up``, then ``ip netns exec NS ip addr add
127.0.0.1/8 dev lo``. The kernel gave lo that address when it came up and refuses it again
("Address already assigned"); the script has no ``set -e`` and goes on. The import said
"model: OK" and a run failed at that step and rolled back. The model gives lo its addresses
when it comes up (so ``addr del 127.0.0.1/8 dev lo`` is no longer refused either), and the
import makes the add a step that may fail, where the author's shell goes on past it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iplab.errors import IplabError
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from iplab.scenario import load_text
from tests import pages
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts-2" / "lo-address-no-set-e.sh"


def _scenario(lines: list[str]) -> str:
    steps = "\n".join(f"  - line: {line}" for line in lines)
    return f"name: lo\nsetup:\n{steps}\n"


def _refusal(lines: list[str]) -> str | None:
    try:
        build(load_text(_scenario(lines), "lo.yaml"))
    except IplabError as exc:  # the model's refusal
        return str(exc)
    return None


def test_adding_lo_address_after_lo_up_is_refused_with_its_cause() -> None:
    said = _refusal(
        ["ip netns add a", "ip -n a link set lo up", "ip -n a addr add 127.0.0.1/8 dev lo"]
    )
    assert said is not None and "lo already has address 127.0.0.1/8" in said
    assert "the kernel gave it when lo came up" in said


@pytest.mark.parametrize(
    "lines",
    [
        ["ip -n a addr del 127.0.0.1/8 dev lo"],  # the kernel takes it
        ["ip -n a addr add 127.0.0.1/32 dev lo"],  # another prefix: taken too
        ["ip -n a addr del 127.0.0.1/8 dev lo", "ip -n a addr add 127.0.0.1/8 dev lo"],
        ["ip -n a link set lo down", "ip -n a addr add ::1/128 dev lo"],  # ::1 goes down
    ],
)
def test_what_the_kernel_takes_on_lo_is_not_refused(lines: list[str]) -> None:
    assert _refusal(["ip netns add a", "ip -n a link set lo up", *lines]) is None


def test_before_lo_is_up_it_may_be_given_127_0_0_1() -> None:
    assert _refusal(["ip netns add a", "ip -n a addr add 127.0.0.1/8 dev lo"]) is None


def test_the_script_imports_the_lo_address_as_a_step_that_may_fail() -> None:
    text = SCRIPT.read_text()
    result = import_text(text, detect_kind(str(SCRIPT), text), str(SCRIPT))
    assert "lo has 127.0.0.1/8 from when it came up" in result.summary()
    assert result.model_error is None, result.model_error
    assert result.yaml.count("may_fail: true") == 2


def test_under_set_e_the_add_stays_a_refusal() -> None:
    text = "set -e\nip netns add a\nip -n a link set lo up\nip -n a addr add 127.0.0.1/8 dev lo\n"
    result = import_text(text, detect_kind("s.sh", text), "s.sh")
    assert result.model_error is not None and "127.0.0.1/8" in result.model_error


@pytest.mark.kernel
@pytest.mark.skipif(shutil.which("brctl") is None, reason="bridge-utils is not installed")
def test_the_script_runs_verified_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    ran = pages.ran_clean(SCRIPT, prefix, state_dir, tmp_path)
    assert "verify: the kernel holds what the scenario promised (2 namespaces" in ran.stdout
