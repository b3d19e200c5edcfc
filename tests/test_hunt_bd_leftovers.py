"""Hunt BD: what earlier hunts noticed and left alone (tutorial reading and messages).

Each input is under ``tests/fixtures/leftovers5/``:

1. ``echo-ps2-hosts.md``: ``$ echo -e "10.0.0.1 red`` then ``> 10.0.0.2 blue" > /tmp/lab-hosts``
   (bash's PS2 prompt, copied from a terminal): the first line alone "could not be split",
   the second lost. Now one step, printed as the page's lines, run as one line.
2. ``or-alternatives.md``: ``ip link set veth0 up``, ``# or``, ``ifconfig veth0 up``: both
   ran (the second ``ip a a`` of the same address failed the run). Now the first runs and
   the alternative is said, not run.
3. ``shells-opened-install.md``, ``docker-exec-apk.md``: ``# apt-get update && ...`` at the
   ``# `` prompt of ``ip netns exec ns9 bash`` was read as printed output (lost); what
   apk printed in a container's shell was warned line by line.
4. ``vrrp-lab-case.sh``: a script's ``vrrp)`` and ``status)`` branches dropped without a word.
5. counts said with their noun once: ``1 step``, ``1 command``, ``1 line``.
6. ``veth-without-peer.yaml``: ``iplab check --json`` printed nothing.
7. ``empty-setup.yaml``: ``setup: []`` passed check and up silently.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from iplab.cli import main
from iplab.importer.convert import detect_kind, import_text
from iplab.plurals import counted, plural
from tests.conftest import FIXTURES
from tests.kernel import iplab
from tests.test_json_output import assert_valid

HERE = FIXTURES / "leftovers5"


def _imported(name: str, text: str | None = None) -> tuple[str, str]:
    path = HERE / name
    text = path.read_text() if text is None else text
    result = import_text(text, detect_kind(str(path), text), str(path))
    return result.summary(), result.yaml


# -- 1: a quoted string over lines at bash's PS2 prompt --


ONE_LINE = 'echo -e "10.0.0.1 red"$\'\\n\'"10.0.0.2 blue" > /tmp/lab-hosts'


def test_echo_over_ps2_lines_is_one_command() -> None:
    said, yaml = _imported("echo-ps2-hosts.md")
    assert "No closing quotation" not in said
    assert "cannot be imported" not in said
    assert f"command: {ONE_LINE}" in yaml
    assert 'echo -e "10.0.0.1 red\n      10.0.0.2 blue" > /tmp/lab-hosts' in yaml  # as printed


@pytest.mark.processes
def test_the_one_line_writes_what_the_page_s_lines_write(tmp_path: Path) -> None:
    page = 'echo -e "10.0.0.1 red\n10.0.0.2 blue" > /tmp/lab-hosts'
    for name, text in (("page", page), ("step", ONE_LINE)):
        script = text.replace("/tmp/lab-hosts", str(tmp_path / name))
        subprocess.run(["bash", "-c", script], check=True)
    assert (tmp_path / "page").read_text() == (tmp_path / "step").read_text()
    assert (tmp_path / "step").read_text() == "10.0.0.1 red\n10.0.0.2 blue\n"


def test_a_script_s_string_over_lines_is_kept_too() -> None:
    text = "#!/bin/bash\nip netns add a\necho 'line1\nline2' > /tmp/x.lab\n"
    said, yaml = _imported("script.sh", text)
    assert "cannot be imported" not in said
    assert "command: echo 'line1'$'\\n''line2' > /tmp/x.lab" in yaml


# -- 2: "# or" alternatives --


def test_the_alternative_after_or_is_said_not_run() -> None:
    said, yaml = _imported("or-alternatives.md")
    assert "ifconfig" not in yaml.split("# --- import summary")[0]
    assert "ip a a" not in yaml.split("# --- import summary")[0]
    assert "line 16: 'sudo ifconfig veth0 up' follows '# or' (line 15)" in said
    assert "'sudo ip a a 192.168.50.1/24 dev veth0' follows '# alternatively" in said
    assert "already has address" not in said  # (both ran: the second add failed)
    assert "(7 setup, 0 teardown; 7 typed, 0 raw)" in said
    assert "prose: or" not in yaml and "alternatively" not in yaml.split("# ---")[0]


def test_a_command_that_only_shows_after_or_still_runs() -> None:
    """``# or the other way round`` then the ping back: another probe, not another way to
    do what the ping before did; running both changes nothing twice (it was skipped)."""
    said, yaml = _imported("or-the-other-way-round.md")
    assert "follows" not in said
    assert "target: 10.1.0.1" in yaml.split("# --- import summary")[0]
    assert "(12 setup, 0 teardown; 12 typed, 0 raw)" in said


def test_a_script_runs_every_line_whatever_its_comments_say() -> None:
    text = (
        "#!/bin/sh\nip link add a type veth peer name b\nip link set a up\n# or\nip link set b up\n"
    )
    said, _ = _imported("script.sh", text)
    assert "(3 setup" in said and "follows" not in said


def test_an_or_comment_that_holds_the_command_itself_skips_nothing() -> None:
    text = "```\nsudo ip netns add n1\n# or: sudo ip netns add n2\nsudo ip netns add n3\n```\n"
    said, _ = _imported("page.md", text)
    assert "(2 setup" in said and "follows" not in said


# -- 3: package installs typed in a shell the page opened --


def test_an_install_at_a_namespace_shell_s_hash_prompt_is_a_command() -> None:
    said, yaml = _imported("shells-opened-install.md")
    assert "sudo ip netns exec ns9 apt-get update" in said  # (cannot undo, as at the root)
    assert "sudo ip netns exec ns9 apt-get install -y iperf3" in said
    assert "ip netns exec ns7 yum install -y tcpdump" in said
    assert "neither a command nor the output" not in said
    assert "apt-get update && apt-get install -y iperf3" in yaml


def test_what_a_container_s_shell_prints_is_not_warned_line_by_line() -> None:
    said, _ = _imported("docker-exec-apk.md")
    assert "neither a command nor the output" not in said
    assert "docker exec -it c1 sh opens a shell in a container" in said


# -- 4: a case's branches not taken --


def test_the_case_s_other_branches_are_said() -> None:
    said, _ = _imported("vrrp-lab-case.sh")
    assert (
        "line 8: the case's other branches are not imported: vrrp) (line 29), status) (line 33)"
        in said
    )
    assert "*)" not in said  # (the usage)
    assert "(20 setup, 4 teardown; 24 typed, 0 raw)" in said


# -- 5: plurals --


def test_counted() -> None:
    assert [counted(n, "step") for n in (0, 1, 2)] == ["0 steps", "1 step", "2 steps"]
    assert counted(1, "process") == "1 process" and counted(3, "process") == "3 processes"
    assert plural(2, "entry") == "entries" and plural(2, "key") == "keys"


def test_one_line_one_command_one_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    said, _ = _imported("page.md", "```\nsudo ip netns add solo\n```\n")
    assert said.startswith("imported 1 line into scenario 'page': 1 command (1 setup")
    lab = tmp_path / "lab.yaml"
    lab.write_text("name: solo\nsetup:\n  - action: netns add\n    name: solo\n")
    assert main(["check", str(lab)]) == 0
    assert "OK: 1 step (1 setup, 0 teardown), 0 claims, 0 failing" in capsys.readouterr().out


# -- 6: check --json of an invalid scenario --


def test_check_json_of_an_invalid_scenario_says_the_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = HERE / "veth-without-peer.yaml"
    assert main(["check", "--json", str(path)]) == 2
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert_valid("check", doc)
    assert doc["ok"] is False and doc["counts"] is None and doc["steps"] == []
    assert doc["errors"] == [{
        "file": str(path), "line": 5, "field": "setup[1]",
        "message": "a veth needs a 'peer' name",
        "hint": "as in: name: vethX, type: veth, peer: vethY", "written": None,
    }]  # fmt: skip
    assert "a veth needs a 'peer' name" in captured.err  # (said there too, as without --json)


def test_check_json_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", str(tmp_path / "nope.yaml")]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert_valid("check", doc)
    assert doc["ok"] is False and doc["errors"][0]["message"]


# -- 7: an empty setup --


def test_an_empty_setup_is_said_at_check(capsys: pytest.CaptureFixture[str]) -> None:
    path = HERE / "empty-setup.yaml"
    assert main(["check", str(path)]) == 0
    said = f"{path}: setup: the setup has no steps: iplab up and iplab run make nothing"
    assert said in capsys.readouterr().err
    assert main(["check", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert_valid("check", doc)
    assert doc["warnings"][0]["field"] == "setup"


@pytest.mark.kernel
def test_an_empty_setup_is_said_at_up(prefix: str, state_dir: Path) -> None:
    path = HERE / "empty-setup.yaml"
    up = iplab("up", "--prefix", prefix, str(path), state=state_dir)
    try:
        assert up.returncode == 0, up.stderr
        assert "the setup has no steps: iplab up and iplab run make nothing" in up.stderr
    finally:
        down = iplab("down", f"{prefix}empty", state=state_dir)
        assert down.returncode == 0, down.stderr
