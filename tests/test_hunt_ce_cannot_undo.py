"""Hunt CE #4: steps listed as ones "iplab cannot undo" that leave nothing behind.
``ip netns exec srv sysctl -p 99-routing.conf`` (oneuptime's rp_filter page: the file the
page writes, net.* keys alone) changes only namespace srv, which iplab deletes; a line ip
refuses on any host (``ip netns exce r ...``) changes nothing; nor does a script's check
``command -v ip || { echo ...; exit 127; }``. A file with a key of the host's
(``kernel.printk``) loaded in a namespace is still said: it changes the host."""

from __future__ import annotations

from pathlib import Path

import pytest

import iplab.cli
from tests.pages import imported

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_namespace_file_of_net_keys_is_undone() -> None:
    result, _ = imported(FIXTURES / "stored-pages-8" / "p5-oneuptime-asymmetric-rpfilter.md")
    assert result.cannot_undo == ()


def test_only_what_stays_is_said() -> None:
    result, _ = imported(FIXTURES / "leftovers13" / "lab-with-checks.sh")
    assert result.cannot_undo == (
        "setup[12] (line 27): ip netns exec c sysctl -p c-sysctl.conf",
    ), result.cannot_undo


def test_a_check_that_ip_is_there_is_not_said(capsys: pytest.CaptureFixture[str]) -> None:
    lab = FIXTURES / "leftovers13" / "check-ip-first.yaml"
    assert iplab.cli.main(["up", "--dry-run", str(lab)]) == 0
    out, err = capsys.readouterr()
    assert "DRY RUN: command -v ip" in out
    assert "cannot undo" not in err, err
