"""Variables whose values a command prints when the lab runs (``MAC=$(ip netns exec a cat
/sys/class/net/v0/address)``): imported as a step that sets them (``sets:``), printed as
written, run so that every later shell step of the run has their values. Before, the line
was dropped and the later lines ran with the variable empty."""

from __future__ import annotations

import subprocess

import pytest

from iplab import export, scenario
from iplab.errors import ScenarioError
from iplab.importer.convert import ImportResult, import_text
from iplab.importer.reader import ShellVars
from iplab.plan import build
from iplab.render import Renderer, prelude, reported, reporting, shown
from iplab.steps import Raw

SCRIPT = """\
ip netns add a
ip link add v0 netns a type veth peer name v1
MAC=$(ip netns exec a cat /sys/class/net/v0/address)
echo "v0 has $MAC"
ip neigh add 10.0.0.1 lladdr $MAC dev v1
"""


def _scenario(result: ImportResult) -> scenario.Scenario:
    return scenario.load_text(result.yaml, f"{result.name}.yaml")


def test_a_value_read_at_run_time_is_a_step_that_sets_it_and_prints_as_written() -> None:
    result = import_text(SCRIPT, "shell", "s.sh")
    steps = _scenario(result).steps
    op = steps[2].op
    assert op == Raw(
        command="MAC=$(ip netns exec a cat /sys/class/net/v0/address)",
        shell=True, observes=True, sets=("MAC",),
    )  # fmt: skip
    assert isinstance(steps[3].op, Raw) and steps[3].op.observes  # echo: prints only
    assert isinstance(steps[4].op, Raw) and not steps[4].op.observes
    assert export.text(build(_scenario(result))) == SCRIPT
    said = "\n".join(result.warnings)
    assert "line 4: $MAC is what line 3 prints when the lab runs" in said
    assert "cannot resolve $MAC" not in said


def test_the_value_of_a_command_that_changes_something_is_no_observation() -> None:
    result = import_text("ID=$(ip netns add x && echo x)\n", "shell", "s.sh")
    op = _scenario(result).steps[0].op
    assert isinstance(op, Raw) and op.sets == ("ID",) and not op.observes


def test_in_a_loop_each_round_reads_its_own_value_with_the_loop_variable_filled_in() -> None:
    script = (
        "for ns in left right; do\n"
        "  F=$(sudo ip netns exec $ns cat /proc/sys/net/ipv4/ip_forward)\n"
        '  echo "$ns: $F"\n'
        "done\n"
    )
    result = import_text(script, "shell", "s.sh")
    plan = build(_scenario(result))
    assert [pc.command.text for pc in plan.setup] == [
        "F=$(sudo ip netns exec left cat /proc/sys/net/ipv4/ip_forward)",
        'echo "left: $F"',
        "F=$(sudo ip netns exec right cat /proc/sys/net/ipv4/ip_forward)",
        'echo "right: $F"',
    ]
    assert export.text(plan) == script
    first = plan.setup[0].command.op
    assert isinstance(first, Raw) and first.observes and first.sets == ("F",)


def test_the_variables_inside_a_command_substitution_are_filled_in() -> None:
    """``ip link set v netns $(ip netns pids $NS)``: $NS was left to the shell, empty."""
    shell = ShellVars()
    assert shell.assign("NS=red", 1)
    assert shell.expand("echo $(ip netns pids $NS | head -1) `cat /x/$NS` $NS") == (
        "echo $(ip netns pids red | head -1) `cat /x/red` red",
        ["$(ip netns pids $NS | head -1)", "`cat /x/$NS`"],
    )
    assert shell.expand('echo "$(grep "x)" /f/$NS)"') == (
        'echo "$(grep "x)" /f/red)"',
        ['$(grep "x)" /f/$NS)'],
    )
    assert shell.expand("echo $(( 1 + 2 )) '$(x $NS)'") == ("echo 3 '$(x $NS)'", [])


@pytest.mark.parametrize(
    "line",
    [
        "local x=$(cat /f)",  # a function's own variable: read where the function is called
        "IFS=$(printf ',')",  # what bash splits words with: never carried to other steps
    ],
)
def test_what_is_no_run_time_value_of_the_lab(line: str) -> None:
    result = import_text(f"{line}\nip netns add a\n", "shell", "s.sh")
    assert not any(isinstance(s.op, Raw) and s.op.sets for s in _scenario(result).steps)


def _bash(script: str) -> str:
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=False
    ).stdout


def test_bash_reports_what_a_step_set_and_a_later_step_starts_with_it() -> None:
    names = ("MAC", "A", "E", "GONE")
    body = 'MAC=$(echo aa:bb); echo hi; A=(1 "2 3"); export E=$(printf "x\\ny"); unset GONE'
    out = _bash(reporting(body, names))
    own, values = reported(out, names)
    assert own == "hi\n"
    assert set(values) == {"MAC", "A", "E"}
    assert shown(values["MAC"]) == 'MAC="aa:bb"'
    later = _bash(prelude(values) + 'printf "%s|%s|%s|" "$MAC" "${A[1]}" "$E"; env | grep -c ^E=')
    assert later == "aa:bb|2 3|x\ny|1\n"


def test_a_step_that_sets_keeps_its_status_and_its_output() -> None:
    result = subprocess.run(
        ["bash", "-c", reporting("X=$(echo v; exit 3)", ["X"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 3
    assert reported(result.stdout, ["X"]) == ("", {"X": 'declare -- X="v"'})
    assert reported("cut sho", ["X"]) == ("cut sho", {})  # stopped before it reported


def test_the_command_that_runs_reports_the_variables_the_printed_line_sets() -> None:
    op = Raw(command="MAC=$(cat /f)", shell=True, sets=("MAC",))
    command = Renderer().command(op, sudo=False)
    assert command.text == "MAC=$(cat /f)"
    assert command.argv == ("bash", "-c", reporting("MAC=$(cat /f)", ("MAC",)))


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("[PATH]", "PATH changes how every later step runs"),
        ("[LD_PRELOAD]", "LD_PRELOAD changes how every later step runs"),
        ("[1X]", "'1X' is not a shell variable name"),
        ("MAC", "must be a list"),
    ],
)
def test_sets_names_shell_variables_a_later_step_may_have(value: str, problem: str) -> None:
    text = f"name: s\nsetup:\n  - action: raw\n    command: X=$(cat /f)\n    sets: {value}\n"
    with pytest.raises(ScenarioError) as caught:
        scenario.load_text(text, "s.yaml")
    assert problem in str(caught.value)
    assert "s.yaml:5" in str(caught.value)


def test_a_step_that_sets_runs_in_bash_even_unasked() -> None:
    text = "name: s\nsetup:\n  - action: raw\n    command: X=$(cat /f)\n    sets: [X]\n"
    op = scenario.load_text(text, "s.yaml").steps[0].op
    assert isinstance(op, Raw) and op.shell and op.sets == ("X",)


def test_a_value_computed_in_a_namespaces_shell_is_computed_there_and_kept() -> None:
    """``IF=$(ip -br link | ...)`` typed in ``ip netns exec a bash <<EOF``, in ``bash -c``,
    after ``nsenter``: it was dropped, and ``ip link set $IF up`` failed (hunt E)."""
    script = (
        "ip netns add a\n"
        "ip netns exec a bash <<'EOF'\nIF=$(ip -br link | awk '{print $1}')\n"
        "ip link set $IF up\nEOF\n"
        "ip netns exec a bash -c 'P=$(ip -br link | cut -d\" \" -f1); ip link set $P up'\n"
        "nsenter --net=/var/run/netns/a\nQ=$(ip -br link | head -1)\necho $Q\nexit\n"
    )
    result = import_text(script, "shell", "s.sh")
    texts = [pc.command.text for pc in build(_scenario(result)).setup]
    assert texts == [
        "ip netns add a",
        "IF=$(ip netns exec a bash -c 'ip -br link | awk '\"'\"'{print $1}'\"'\"'')",
        "ip netns exec a bash -c 'ip link set $IF up'",
        "P=$(ip netns exec a bash -c 'ip -br link | cut -d\" \" -f1')",
        "ip netns exec a bash -c 'ip link set $P up'",
        "Q=$(ip netns exec a bash -c 'ip -br link | head -1')",
        "ip netns exec a bash -c 'echo $Q'",
    ]
    assert export.text(build(_scenario(result))) == script
    said = "\n".join(result.warnings)
    assert "line 4: $IF is what line 3 prints when the lab runs" in said
    assert "not set in the input" not in said


def test_a_value_that_cannot_be_had_leaves_the_variable_empty_and_the_run_going() -> None:
    """``GONE=$(ip link show x 2>/dev/null)``: bash goes on with GONE empty; iplab stopped
    the run and rolled it back. The step may fail, as the author's shell lets it."""
    result = import_text("GONE=$(ip link show nothere 2>/dev/null)\nip netns add a\n", "shell", "s")
    assert _scenario(result).steps[0].may_fail
