"""Hunt AW: brctl takes a bridge's name as written.

``tests/fixtures/github-scripts/brctl-bridge-named-br.sh`` (after a public
``testveth/test.sh``): ``sudo ip netns exec hub brctl addbr br``, then ``brctl addif br
hub-pc``. ``br`` was checked as ``ip link`` reads a word, where it is ``broadcast``: the
brctl lines were raw steps, the import said "iplab cannot undo 2 steps" and the model "link
br does not exist in namespace hub". brctl has no keywords: its names are typed (a bridge,
its port), and ``ip link add br type bridge``, which ip refuses, is still said.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iplab.importer.convert import detect_kind, import_text
from iplab.lineparse import classify
from iplab.steps import BridgePortsSet, LinkAdd, Raw
from tests import pages
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts" / "brctl-bridge-named-br.sh"


@pytest.mark.parametrize("line", ["brctl addbr br", "sudo ip netns exec hub brctl addbr br"])
def test_brctl_addbr_br_makes_a_bridge_named_br(line: str) -> None:
    op = classify(line).op
    assert isinstance(op, LinkAdd) and (op.name, op.type) == ("br", "bridge")


def test_brctl_addif_names_its_bridge_and_port_as_written() -> None:
    op = classify("brctl addif br a").op
    assert isinstance(op, BridgePortsSet) and (op.bridge, op.ports) == ("br", ("a",))


def test_ip_still_reads_br_as_its_keyword() -> None:
    assert isinstance(classify("ip link add br type bridge").op, Raw)


def test_the_script_imports_typed_and_the_model_follows_it() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    result = import_text(text, detect_kind("lab.sh", text), "lab.sh")
    assert result.raw == 0 and result.cannot_undo == ()
    assert result.model_error is None and result.model_warnings == ()


@pytest.mark.kernel
@pytest.mark.skipif(shutil.which("brctl") is None, reason="bridge-utils is not installed")
def test_the_script_runs_verified_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    ran = pages.ran_clean(SCRIPT, prefix, state_dir, tmp_path)
    assert f"brctl addbr {prefix}br" in ran.stdout
    assert "verify: the kernel holds what the scenario promised (2 namespaces" in ran.stdout
