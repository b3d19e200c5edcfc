"""Printable forms: the same command text in every format."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.plan import build
from tests.conftest import BLOG_SCENARIO, SCENARIOS

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_format_carries_the_same_lines(path: object) -> None:
    plan = build(scenario.load(str(path)))
    lines = export.text(plan).splitlines()
    script = export.script(plan).splitlines()
    assert [line for line in script if line and not line.startswith("#")][1:] == lines
    md = export.markdown(plan)
    fenced = [
        line for block in re.findall(r"```bash\n(.*?)```", md, re.S) for line in block.splitlines()
    ]
    assert fenced == lines


def test_script_is_valid_bash_and_strict() -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    script = export.script(plan)
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "\nset -eo pipefail\n" in script
    assert "# scenario: container-networking-part2" in script
    assert "\n# Create a network namespace\nsudo ip netns add ns1\n" in script
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_parts() -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    assert "--- teardown ---" not in export.script(plan, "setup")
    assert "## Setup" not in export.markdown(plan, "teardown")
    assert export.text(plan, "teardown").splitlines()[0] == "sudo ip link del br0"


def test_markdown_shows_the_tutorials_printed_output() -> None:
    md = export.markdown(build(scenario.load(str(BLOG_SCENARIO))))
    assert "```bash\nip netns list\n```\n\n```text\nns1\n```" in md


def _imported(text: str) -> str:
    from iplab.importer.convert import import_text

    result = import_text(text, "shell", "lab.sh")
    return export.script(build(scenario.load_text(result.yaml, "lab.yaml")))


def test_a_script_sets_the_inputs_variables_before_the_lines_that_use_them() -> None:
    script = _imported(
        "NS=red\nip netns add $NS\nip -n $NS link set lo up\nNS=blue\nip netns add $NS\n"
    )
    assert script.split("# --- setup ---\n")[1] == (
        "NS=red\nip netns add $NS\nip -n $NS link set lo up\nNS=blue\nip netns add $NS\n"
    )  # NS set once for the two lines that use red, again where it becomes blue


def test_a_script_runs_the_commands_of_lines_typed_at_a_namespaces_shell() -> None:
    script = _imported("ip netns add red\nip netns exec red bash\nip link set lo up\nexit\n")
    body = script.split("# --- setup ---\n")[1]
    assert body == (
        "ip netns add red\n"
        "# as the tutorial writes it (it does not run by itself in a script):\n"
        "# ip netns exec red bash\n# ip link set lo up\n# exit\n"
        "ip netns exec red ip link set lo up\n"
    )


def test_a_script_runs_a_server_of_another_terminal_in_the_background() -> None:
    script = _imported(
        "ip netns add s\nip netns exec s iperf3 -s\nip netns exec s iperf3 -c 127.0.0.1 -t 1\n"
    )
    assert (
        "ip netns exec s iperf3 -s &  # the tutorial runs it in another terminal\nsleep 1" in script
    )


def test_a_script_sets_an_array_and_an_associative_array_as_bash_reads_them() -> None:
    script = _imported(
        "NS=(a b)\ndeclare -A IP=([a]=10.0.0.1 [b]=10.0.0.2)\n"
        'for n in "${NS[@]}"; do ip netns add $n; ip -n $n addr add ${IP[$n]}/32 dev lo; done\n'
    )
    body = script.split("# --- setup ---\n")[1]
    assert body.splitlines()[:2] == [
        "NS=([0]=a [1]=b)",
        "unset IP; declare -A IP=([a]=10.0.0.1 [b]=10.0.0.2)",
    ]
    said = subprocess.run(
        ["bash", "-c", "\n".join([*body.splitlines()[:2], 'echo "${NS[*]} ${IP[b]}"'])],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert said.stdout == "a b 10.0.0.2\n"


def test_a_script_stops_what_the_tutorial_stops_with_ctrl_c_as_iplab_does() -> None:
    # (lo up first: in a new namespace lo is down and the ping fails, hunt DN)
    script = _imported(
        "ip netns add p\nip netns exec p ip link set lo up\nip netns exec p ping 127.0.0.1\n"
    )
    line = (
        "timeout --preserve-status -s INT 3 ip netns exec p ping 127.0.0.1 || [ $? -eq 130 ]"
        "  # the tutorial stops it with Ctrl-C; iplab, after 3 s"
    )
    assert line in script.splitlines()
    stopped = subprocess.run(
        ["bash", "-c", "set -eo pipefail\n"
         "timeout --preserve-status -s INT 0.2 sleep 5 || [ $? -eq 130 ]\necho on"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    failed = subprocess.run(
        ["bash", "-c",
         "set -eo pipefail\ntimeout --preserve-status -s INT 5 false || [ $? -eq 130 ]\necho on"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (stopped.stdout, failed.returncode) == ("on\n", 1)  # a failure still ends the script


def test_a_loop_that_pings_until_the_readers_ctrl_c_prints_its_commands_stopped() -> None:
    """A loop printed as written would ping for ever: the script prints it as a comment,
    then its commands, each stopped as iplab stops it."""
    script = _imported(
        "for ns in a b; do ip netns add $ns; ip -n $ns link set lo up; done\n"
        "for ns in a b; do\n  ip netns exec $ns ping 127.0.0.1\ndone\n"
    )
    body = script.split("# --- setup ---\n")[1]
    stop = " || [ $? -eq 130 ]  # the tutorial stops it with Ctrl-C; iplab, after 3 s"
    assert body.splitlines()[1:] == [
        "# as the tutorial writes it (it would not end without a Ctrl-C):",
        "# for ns in a b; do",
        "#   ip netns exec $ns ping 127.0.0.1",
        "# done",
        f"timeout --preserve-status -s INT 3 ip netns exec a ping 127.0.0.1{stop}",
        f"timeout --preserve-status -s INT 3 ip netns exec b ping 127.0.0.1{stop}",
    ]
    assert (
        body.splitlines()[0] == "for ns in a b; do ip netns add $ns; ip -n $ns link set lo up; done"
    )


def test_a_script_builds_a_value_from_nothing_as_the_authors_shell_does() -> None:
    """``MACS="$MACS $(...)"`` in a loop: under ``set -u`` the printed script stopped at
    'MACS: unbound variable' (hunt E); the tutorial's shell starts from an empty value."""
    script = _imported('for i in 1 2; do\n  L="$L $(echo x$i)"\ndone\necho "got:$L"\n')
    said = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert said.stdout.endswith("got: x1 x2\n"), said.stderr


def test_a_script_goes_on_past_a_step_the_scenario_lets_fail(tmp_path: Path) -> None:
    """Under ``set -e`` the printed script stopped at a ``may_fail`` step, before its
    teardown; iplab's run says the failure and goes on (hunt G)."""
    lab = tmp_path / "f.yaml"
    lab.write_text(
        "name: f\nsetup:\n  - action: raw\n    command: 'false'\n    may_fail: true\n"
        "  - action: raw\n    command: echo after\n"
    )
    script = export.script(build(scenario.load(str(lab))))
    assert "\nfalse || true  # the scenario lets it fail\n" in script
    said = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert (said.returncode, said.stdout) == (0, "after\n")
