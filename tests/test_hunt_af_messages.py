"""Hunt AF #12 and #14: a step the run skips shown as if it ran; a --prefix refusal naming a
step that does not name the kept name."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.cli import main
from iplab.importer.convert import ImportResult, detect_kind, import_text
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-7"


def _imported(name: str) -> ImportResult:
    text = (HUNT / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


def _dry_run(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | None = None
) -> tuple[str, str]:
    lab = tmp_path / f"{name}.yaml"
    scenario = _imported(name) if text is None else import_text(text, "shell", name)
    lab.write_text(scenario.yaml, encoding="utf-8")
    argv = ["up", str(lab), "--dry-run", "--prefix", "hF", "--state-dir", str(tmp_path / "s")]
    main(argv)
    got = capsys.readouterr()
    return got.out, got.err


def test_a_step_the_run_skips_is_said_and_shown_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt AF #12 (af06-andchain.sh lines 6-7): ``ip link set eth0 promisc on && echo
    ...`` may fail; the plan skips it (no eth0 is the lab's), but the import said "model:
    OK" and ``up --dry-run`` printed ``DRY RUN: ip link set eth0 promisc on`` as if it
    would run. The import and check warn of it now, and the dry run shows it skipped."""
    # (line 8, ``{ ip link set eth0 allmulticast on; }``, was skipped as a construct iplab
    # did not read; since hunt DS it is read as the command it holds, which the model
    # refuses as it refuses that line on its own, under set -e: the two lines before it
    # are checked here without it)
    lines = (HUNT / "af06-andchain.sh").read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[7] == "{ ip link set eth0 allmulticast on; }\n"
    whole = _imported("af06-andchain.sh")
    assert whole.model_error is not None and "(line 8: ip link set eth0 allmu" in whole.model_error
    text = "".join(lines[:7] + lines[8:])
    result = import_text(text, "shell", "af06-andchain.sh")
    assert [w.split(": not run: ")[0] for w in result.model_warnings] == [
        "setup[3].steps[0] (line 6: ip link set eth0 promisc on)",
        "setup[4].steps[0] (line 7: ip link set dev eth0 mtu 1450)",
    ]
    out, err = _dry_run("af06-andchain.sh", tmp_path, capsys, text)
    assert "DRY RUN: ip link set eth0 promisc on\n" not in out
    assert (
        "DRY RUN: skipped, as the author allows it to fail: ip link set eth0 promisc on (link"
        " eth0 does not exist in the root namespace at this step)\n" in out
    )
    assert "setup[3].steps[0]: not run: the author allows it to fail" in err


def test_the_prefix_refusal_names_the_step_that_names_the_kept_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt AF #14 (af09-ip-n-var.sh): with --prefix, the refusal named setup[1] (``ip -n
    "$NS" link del eth0``, line 5) as the step that makes ``default``; the name comes from
    setup[4] (line 8, ``${NS:-default}``). Since hunt AF #7's fix, setup[1] is refused first
    for what it is (a change in a namespace only a variable names: changed by design when
    the two fixes met); the refusal of a kept name is checked on the same shape below: a step
    iplab cannot read, then a typed step that names the kept name."""
    _out, err = _dry_run("af09-ip-n-var.sh", tmp_path, capsys)
    assert "setup[1]: runs ip -n $NS link del eth0: what it changes is named only" in err, err
    assert "setup[1]: with --prefix" not in err
    assert "Traceback" not in err
    lab = tmp_path / "kept.yaml"
    lab.write_text(
        "name: kept\nsetup:\n  - action: netns add\n    name: ns-a\n"
        "  - action: raw\n    command: sh ./fix-uplink.sh\n"
        "  - line: ip -n default addr flush dev lo\n",
        encoding="utf-8",
    )
    main(["up", str(lab), "--dry-run", "--prefix", "hF", "--state-dir", str(tmp_path / "t")])
    err = capsys.readouterr().err
    assert "setup[2]: with --prefix hF, default would keep its name on this host:" in err, err
    assert "`ip -n default addr flush dev lo` uses it" in err
    assert "`sh ./fix-uplink.sh`" in err
