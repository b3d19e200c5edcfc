"""Hunt EW: a lab shipped as two scripts, a setup and its cleanup (envoy's netns_setup.sh
and netns_cleanup.sh, tests/fixtures/scripts-ep/ep04-envoy-original-dst/; mscs-playbook's
setup.sh and teardown.sh and quic-opensand-emulation's setup-namespaces.sh and
teardown-namespaces.sh, tests/fixtures/scripts-ew/). ``iplab import`` took one file: the
user joined them (``{ cat setup.sh; echo '# Cleanup'; cat teardown.sh; } | iplab import
-``), the setup's variables and ``set -e`` then reached the cleanup, its lines were
counted through the joined text, and the scenario named no file. Now ``iplab import SETUP
--cleanup FILE`` reads each with its own reader (the cleanup a new process: none of the
setup's variables, the same ``--arg`` values), the teardown is exactly the cleanup's
steps, warnings and the model's word name their file and line (``netns_cleanup.sh line
17``), ``source:`` names both (an error's "written at" finds each line), and the import
says what the cleanup leaves. Imported alone, a setup whose folder holds its obvious
partner says so in a hint."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from iplab import yamlio
from iplab.cli import completion, main
from iplab.errors import ScenarioError
from iplab.importer.convert import Cleanup, import_text
from iplab.importer.pairs import partner
from iplab.scenario import load
from tests.conftest import REPO

ENVOY = REPO / "tests/fixtures/scripts-ep/ep04-envoy-original-dst"
MSCS = REPO / "tests/fixtures/scripts-ew/ew02-mscs-namespaces-routing"
QUIC = REPO / "tests/fixtures/scripts-ew/ew01-quic-opensand-namespaces"


def _import(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        rc = main(["import", *argv], stderr=err)
    return rc, err.getvalue()


def _pair(tmp_path: Path, folder: Path, setup: str, cleanup: str) -> tuple[Path, Path]:
    for name in (setup, cleanup):
        shutil.copy(folder / name, tmp_path / name)
    return tmp_path / setup, tmp_path / cleanup


def test_the_cleanup_file_is_the_teardown_every_step_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pair(tmp_path, MSCS, "setup.sh", "teardown.sh")
    monkeypatch.chdir(tmp_path)
    rc, err = _import(["setup.sh", "--cleanup", "teardown.sh", "-o", "lab.yaml"])
    assert rc == 0, err
    assert "(26 setup, 3 teardown;" in err and "model: OK" in err, err
    lab = load(str(tmp_path / "lab.yaml"))
    assert [s.op.name for s in lab.teardown] == ["ns1", "ns2", "r1"]  # type: ignore[attr-defined]
    assert all(s.phase == "setup" for s in lab.setup)
    # source: names both, as the scenario's folder reaches them
    doc = yamlio.load_text((tmp_path / "lab.yaml").read_text(), "lab.yaml")
    assert doc["source"] == ["setup.sh", "teardown.sh"]
    assert lab.sources == ("setup.sh", "teardown.sh") and lab.source == "setup.sh"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["render", "lab.yaml", "--format", "script"], stderr=io.StringIO()) == 0
    assert "# source: setup.sh, teardown.sh\n" in out.getvalue()  # (both, in the script too)
    # each file's warning names the file and its own line
    assert "  setup.sh line 2: 'set -euo pipefail' skipped" in err
    assert "  teardown.sh line 2: 'set -euo pipefail' skipped" in err


def test_the_cleanup_runs_as_a_new_process_with_the_same_arguments() -> None:
    """The envoy pair, run as ``./netns_setup.sh myns 10.0.100.0/24`` then
    ``./netns_cleanup.sh myns 10.0.100.0/24``: the cleanup's ``$1`` is myns too; the
    setup's ``set -e`` (its line 9) is not the cleanup's; the model's refusal (the veth went
    with its namespace) names the cleanup's own line 17, not line 53 of a joined text."""
    setup, cleanup = ENVOY / "netns_setup.sh", ENVOY / "netns_cleanup.sh"
    result = import_text(
        setup.read_text(), "shell", "netns_setup.sh", arguments=["myns", "10.0.100.0/24"],
        cleanup=Cleanup(cleanup.read_text(), "shell", "netns_cleanup.sh"),
    )  # fmt: skip
    assert (result.setup, result.teardown) == (8, 3)
    assert "name: myns\n        verb: delete" in result.yaml  # ($1 given to the cleanup too)
    assert result.warnings == (
        "netns_setup.sh line 9: 'set -e' skipped (each step runs on its own)",
    )
    assert result.model_error is not None
    assert result.model_error.startswith(
        'teardown[2].steps[0] (netns_cleanup.sh line 17: ip link del "myns-veth0"'
    ), result.model_error
    assert result.host_changes[0].startswith("netns_setup.sh line 35: iptables -t nat -I")


def test_the_setup_s_variables_do_not_reach_the_cleanup() -> None:
    result = import_text(
        "#!/bin/bash\nNS=red\nip netns add $NS\n", "shell", "up.sh",
        cleanup=Cleanup("#!/bin/bash\n\nip netns del $NS\n", "shell", "down.sh"),
    )  # fmt: skip
    assert any(w.startswith("down.sh line 3: cannot resolve $NS") for w in result.warnings), (
        result.warnings
    )


def test_a_cleanup_deleting_what_was_never_made_is_refused_at_its_line() -> None:
    result = import_text(
        "#!/bin/bash\nip netns add ewa\n", "shell", "s.sh",
        cleanup=Cleanup("#!/bin/bash\nip netns del ewa\nip netns del ewc\n", "shell", "c.sh"),
    )  # fmt: skip
    assert result.model_error == (
        "teardown[1] (c.sh line 3: ip netns del ewc): namespace ewc does not exist at this step"
    )


def test_what_the_cleanup_leaves_is_said() -> None:
    result = import_text(
        "#!/bin/bash\nip netns add ewa\nip netns add ewb\n", "shell", "s.sh",
        cleanup=Cleanup("#!/bin/bash\nip netns del ewa\n", "shell", "c.sh"),
    )  # fmt: skip
    assert result.model_error is None
    assert any(w.startswith("c.sh: leaves ewb, which s.sh makes") for w in result.warnings)


def test_an_error_of_a_teardown_step_is_written_at_the_cleanup_s_line(tmp_path: Path) -> None:
    setup, cleanup = _pair(tmp_path, ENVOY, "netns_setup.sh", "netns_cleanup.sh")
    lab = tmp_path / "lab.yaml"
    rc, _ = _import([str(setup), "--cleanup", str(cleanup), "--arg", "myns", "--arg",
                     "10.0.100.0/24", "-o", str(lab)])  # fmt: skip
    assert rc == 1  # (the model's refusal: the veth went with the namespace)
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["check", str(lab)], stderr=err) != 0
    assert "teardown[2].steps[0]: link myns-veth1 does not exist" in err.getvalue()
    assert f"(written at {cleanup}:17)" in err.getvalue(), err.getvalue()


def test_a_setup_with_its_partner_beside_it_hints_at_it(tmp_path: Path) -> None:
    setup, cleanup = _pair(tmp_path, QUIC, "setup-namespaces.sh", "teardown-namespaces.sh")
    _, err = _import([str(setup), "--arg", "x", "-o", str(tmp_path / "lab.yaml")])
    assert (
        f"hint: {cleanup} is beside {setup}: if it is the lab's cleanup, import both, its steps"
        f" the teardown: iplab import {setup} --cleanup {cleanup}\n"
    ) in err
    assert "(54 setup, 0 teardown;" in err  # (a hint, not a guess taken)
    _, err = _import([str(setup), "--arg", "x", "--cleanup", str(cleanup), "-o",
                       str(tmp_path / "lab.yaml")])  # fmt: skip
    assert "hint:" not in err and "(54 setup, 7 teardown;" in err, err  # (and its function)


@pytest.mark.parametrize(
    ("name", "beside", "found"),
    [
        ("netns_setup.sh", ["netns_cleanup.sh", "README.md"], "netns_cleanup.sh"),
        ("setup-namespaces.sh", ["teardown-namespaces.sh"], "teardown-namespaces.sh"),
        ("setup.sh", ["verify.sh", "teardown.sh"], "teardown.sh"),
        ("create.sh", ["destroy.sh"], "destroy.sh"),
        ("up.sh", ["down.sh"], "down.sh"),
        ("Setup.sh", ["Teardown.sh"], "Teardown.sh"),
        ("lab.sh", ["down.sh", "cleanup.sh"], None),
        ("setupnet.sh", ["cleanupnet.sh"], None),  # (not the word setup)
        ("setup.sh", ["setup.sh"], None),
    ],
)
def test_the_partner_is_the_setup_s_name_with_its_word_replaced(
    name: str, beside: list[str], found: str | None
) -> None:
    assert partner(name, beside) == found


def test_stdin_cannot_be_both(tmp_path: Path) -> None:
    err = io.StringIO()
    assert main(["import", "-", "--cleanup", "-"], stderr=err) == 2
    assert "--cleanup -: the setup is read from standard input already" in err.getvalue()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_knows_the_option(shell: str) -> None:
    assert "--cleanup" in completion.script(shell)


def test_a_source_list_is_checked(tmp_path: Path) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text("name: x\nsource: [a.sh, b.sh, c.sh]\nsetup:\n  - line: ip netns add a\n")
    with pytest.raises(ScenarioError, match="must be a string or a list of 1 to 2 strings"):
        load(str(lab))
    assert os.path.exists(lab)
