"""Hunt EN #4: a page saved under a long file name (tests/fixtures/pages-en/en03-...) imports
to a scenario named from it, cut to iplab's limit of 64 characters. ``iplab run lab.yaml
--prefix enx3`` then refused: "--lab: lab name 'enx3en03-...' is 68 characters", naming an
option the user never gave, and not the scenario's ``name:`` that made it so long. The
refusal now says where the name comes from: the prefix and the scenario's name, its file
and line, and what to shorten."""

from __future__ import annotations

import io
from pathlib import Path

from iplab.cli import main


def test_a_prefixed_name_past_the_limit_names_the_prefix_and_the_scenario(tmp_path: Path) -> None:
    name = "en03-hajdukd-netns-readme-bare-commands-output-device-does-not-e"
    assert len(name) == 64
    lab = tmp_path / "lab.yaml"
    lab.write_text(f"name: {name}\nsetup:\n  - line: ip netns add vnet\n", encoding="utf-8")
    err = io.StringIO()
    rc = main(["run", str(lab), "--prefix", "enx3", "--dry-run"], stderr=err)
    said = err.getvalue()
    assert rc == 2, said
    assert "error: --lab:" not in said, said
    assert f"{lab}:1: name: the lab's name, --prefix 'enx3' and the scenario's name" in said, said
    assert "is 68 characters" in said and "shorten the scenario's name" in said, said


def test_an_own_lab_name_past_the_limit_is_still_said_as_lab_s(tmp_path: Path) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text("name: short\nsetup:\n  - line: ip netns add vnet\n", encoding="utf-8")
    err = io.StringIO()
    rc = main(["run", str(lab), "--lab", "x" * 65, "--dry-run"], stderr=err)
    assert rc == 2
    assert "--lab: lab name" in err.getvalue()
