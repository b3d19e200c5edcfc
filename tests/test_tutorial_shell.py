"""Reading tutorials with real parsers: shell (tree-sitter-bash) and Markdown (markdown-it-py).

Loops, ``bash -c`` strings, here-documents and ``nsenter`` sessions become script blocks:
printed as the author wrote them, run as one command per iteration.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.errors import ScenarioError
from iplab.importer import printed
from iplab.importer import shell as shellread
from iplab.importer.convert import ImportResult, import_text
from iplab.importer.stops import author_stops
from iplab.plan import build
from iplab.steps import LinkSet, NetnsAdd, NetnsExec, Probe, Raw


def _scenario(result: ImportResult) -> scenario.Scenario:
    return scenario.load_text(result.yaml, f"{result.name}.yaml")


def _printed(result: ImportResult, prefix: str = "") -> str:
    return export.text(build(_scenario(result), prefix, lenient=True))


def test_a_loop_prints_as_written_and_runs_one_command_per_value() -> None:
    script = "for ns in red blue; do\n  ip netns add $ns\n  ip -n $ns link set lo up\ndone\n"
    result = import_text(script, "shell", "s.sh")
    sc = _scenario(result)
    assert [s.op for s in sc.steps][::2] == [NetnsAdd(name="red"), NetnsAdd(name="blue")]
    assert [s.joined for s in sc.steps] == [False, True, True, True]
    assert _printed(result) == script
    plan = build(sc)
    assert [pc.command.text for pc in plan.setup] == [
        "ip netns add red", "ip -n red link set lo up",
        "ip netns add blue", "ip -n blue link set lo up",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "names"),
    [
        ("1 2 3", ["n1", "n2", "n3"]),
        ("{1..3}", ["n1", "n2", "n3"]),
        ("{3..1}", ["n3", "n2", "n1"]),
        ("$(seq 2 3)", ["n2", "n3"]),
        ("`seq 2`", ["n1", "n2"]),
        ("$(seq 1 2 5)", ["n1", "n3", "n5"]),
        ("$LIST", ["na", "nb"]),
        ("x{1..2}", ["nx1", "nx2"]),
    ],
)
def test_loop_values(values: str, names: list[str]) -> None:
    script = f'LIST="a b"\nfor i in {values}; do ip netns add n$i; done\n'
    sc = _scenario(import_text(script, "shell", "s.sh"))
    assert [s.op for s in sc.steps] == [NetnsAdd(name=n) for n in names]


def test_a_loop_over_values_iplab_cannot_know_is_a_note_with_a_warning() -> None:
    script = "ip netns add a\nfor ns in $(ip route | cut -f1); do ip -n $ns link; done\n"
    result = import_text(script, "shell", "s.sh")
    assert result.lines == ("ip netns add a",)
    assert result.warnings[0].startswith("line 2: cannot tell what the loop iterates over")


def test_bash_c_in_a_namespace_runs_each_command_there_never_in_the_root() -> None:
    line = (
        'sudo ip netns exec r bash -c "ip link set lo up; '
        'echo 1 > /proc/sys/net/ipv4/ip_forward && sysctl -w net.ipv4.ip_forward=1"'
    )
    result = import_text(f"ip netns add r\n{line}\n", "shell", "s.sh")
    sc = _scenario(result)
    ops = [s.op for s in sc.steps[1:]]
    assert isinstance(ops[0], LinkSet) and ops[0].ns == "r"
    # the redirection happens inside r: the line runs a shell there
    assert isinstance(ops[1], Raw)
    assert ops[1].command == "ip netns exec r bash -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'"
    assert ops[2] == NetnsExec(ns="r", command="sysctl -w net.ipv4.ip_forward=1")
    assert result.lines[1] == line


def test_a_multi_line_sh_c_and_a_here_document_into_a_shell_run_inside() -> None:
    script = (
        "ip netns add r\n"
        "ip netns exec r sh -c '\n  ip link set lo up\n'\n"
        "ip netns exec r bash <<'EOF'\nip link set lo down\nEOF\n"
        "ip netns exec r bash <<EOF\n)\nEOF\n"
    )
    result = import_text(script, "shell", "s.sh")
    assert result.lines[1:] == (
        "ip netns exec r sh -c '\n  ip link set lo up\n'",
        "ip netns exec r bash <<'EOF'\nip link set lo down\nEOF",
    )
    sc = _scenario(result)
    assert [(s.op.in_ns(), s.verbatim is not None) for s in sc.steps] == [
        (None, False), ("r", True), ("r", True)
    ]  # fmt: skip
    # a here-document the shell cannot read is a note with a warning, not a stray step
    assert result.warnings == (f"line 9: the shell cannot read {')' + chr(10)!r}; skipped",)


def test_guards_narration_set_and_exit_are_notes_not_steps() -> None:
    script = (
        "#!/bin/bash\nset -eux\n"
        'if [ "$(id -u)" != 0 ]; then\n  echo "run as root" >&2\n  exit 1\nfi\n'
        'echo "==> namespaces"\nip netns add a\nexit 0\n'
    )
    result = import_text(script, "shell", "s.sh")
    assert result.lines == ("ip netns add a",)
    sc = _scenario(result)
    assert sc.steps[0].title == "==> namespaces"
    assert result.warnings == ("line 2: 'set -eux' skipped (each step runs on its own)",)


@pytest.mark.parametrize("line", ["sudo su -", "sudo -i", "su", "sudo -s", "sudo bash"])
def test_a_line_that_opens_a_root_shell_is_a_note(line: str) -> None:
    """A page's "become root first": iplab runs each command as root (or with sudo -n)."""
    page = f"# Lab\n\n```\n$ {line}\n# ip netns add a\n```\n"
    result = import_text(page, "markdown", "p.md")
    assert result.lines == ("ip netns add a",)
    assert result.warnings == (f"line 4: {line!r} opens a root shell: skipped (iplab runs each"
                               " command as root, or with sudo -n)",)  # fmt: skip
    assert import_text(f"{line} -c 'ip netns add a'\n", "shell", "s.sh").lines != ()


def test_an_if_that_does_something_is_skipped_with_a_warning() -> None:
    """A condition iplab cannot evaluate (a command's status: ``true``, ``grep -q``): the
    block is not guessed (tests/test_importer.py reads the branch of one it can)."""
    script = "ip netns add a\nif true; then\n  ip netns add b\nfi\n"
    result = import_text(script, "shell", "s.sh")
    assert result.lines == ("ip netns add a",)
    assert result.warnings == (
        "lines 2-4: an 'if' block whose condition iplab cannot evaluate is not imported;"
        " skipped (write its commands out)",
    )


def test_variables_from_a_file_beside_the_script(tmp_path: Path) -> None:
    (tmp_path / "env.sh").write_text("NS=red  # the namespace\n", encoding="utf-8")
    script = ". ./env.sh\nip netns add $NS\n"
    result = import_text(script, "shell", "s.sh", base=tmp_path)
    assert result.lines == ("ip netns add $NS",)
    assert _scenario(result).steps[0].op == NetnsAdd(name="red")
    missing = import_text(script, "shell", "s.sh", base=tmp_path / "nowhere")
    assert missing.warnings[0] == (
        "line 1: . ./env.sh: the file is not found (not beside the input, nor in the working"
        " directory or a folder above the input); its variables and functions stay unknown,"
        " and a call of one of its functions stays a raw step"
    )


def test_variables_print_as_written_unless_asked_to_expand() -> None:
    script = 'EXEC="ip netns exec red"\nip netns add red\n$EXEC ip link set lo up\n'
    kept = import_text(script, "shell", "s.sh")
    assert kept.lines[1] == "$EXEC ip link set lo up"
    assert isinstance(_scenario(kept).steps[1].op, LinkSet)
    expanded = import_text(script, "shell", "s.sh", variables="expand")
    assert expanded.lines[1] == "ip netns exec red ip link set lo up"


@pytest.mark.parametrize(
    ("line", "warning"),
    [
        ("curl -s https://example.org/x.sh | sudo bash", "a download piped into a shell"),
        ("cat setup.txt | sh", "a pipe into a shell"),
        ("ip link set $(ls /sys/class/net | head -1) up", "uses command substitution"),
    ],
)
def test_what_iplab_cannot_see_into_is_flagged_and_never_typed(line: str, warning: str) -> None:
    result = import_text(f"{line}\n", "shell", "s.sh")
    assert any(warning in w for w in result.warnings)
    assert result.typed == 0


def test_an_nsenter_session_runs_its_commands_inside_until_exit() -> None:
    page = (
        "```console\n$ sudo ip netns add ns1\n$ sudo nsenter --net=/var/run/netns/ns1\n"
        "root@h:~# ip link set lo up\nroot@h:~# ip -br link\nlo UNKNOWN\nroot@h:~# exit\n"
        "$ sudo ip link add v0 type veth peer name v1\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert result.lines == (
        "sudo ip netns add ns1",
        "sudo nsenter --net=/var/run/netns/ns1\nip link set lo up",
        "ip -br link\nexit",
        "sudo ip link add v0 type veth peer name v1",
    )
    sc = _scenario(result)
    assert [s.op.in_ns() for s in sc.steps] == [None, "ns1", "ns1", None]
    assert sc.steps[2].output == "lo UNKNOWN"


def test_markdown_fences_lists_tildes_indented_code_and_a_misspelled_language() -> None:
    page = (
        "# T\n\n~~~bash\nip netns add a\n~~~\n\n"
        "1. then\n   ```sh\n   ip netns add b\n   ```\n\n"
        "Indented:\n\n    ip netns add c\n\n"
        "```bsah\nip netns add d\n```\n\n"
        "```text\nip netns add not-a-command\n```\n\n"
        "```console\n  $ sudo ip netns exec a ping 10.0.0.1\n  PING\n  ^C\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert result.lines == (
        "ip netns add a", "ip netns add b", "ip netns add c", "ip netns add d",
        "sudo ip netns exec a ping 10.0.0.1",
    )  # fmt: skip
    assert result.warnings == (
        "line 16: a code block marked 'bsah' is read as shell (a misspelling of 'bash')",
        # (a ping stopped by ^C is read as a probe since hunt BL: one of an address the
        # page does not assign is said, as for ping -c)
        "line 25: ping target 10.0.0.1 is not an address the input assigns with 'ip addr add';"
        " kept as 'netns exec', not a probe",
    )
    last = _scenario(result).steps[-1]
    assert last.output == "  PING\n  ^C"  # printed lines as written
    assert last.stop_after == 3


def test_a_page_without_code_reads_its_ip_lines_with_a_warning() -> None:
    page = "# Notes\n\nFirst:\nip netns add a\nthen prose.\n"
    result = import_text(page, "markdown", "p.md")
    assert result.lines == ("ip netns add a",)
    assert result.warnings == (
        "line 4: the page has no code blocks; 'ip netns add a' is read as a command",
    )


@pytest.mark.parametrize(
    ("line", "stops"),
    [
        ("sudo ip netns exec h1 ping 10.0.0.2", True),
        ("ip netns exec h1 ping -c 3 10.0.0.2", False),
        ("ip netns exec h1 ping -w 2 10.0.0.2", False),
        ("ip netns exec h1 tcpdump -ni eth0", True),
        ("ip netns exec h1 tcpdump -c 5 -ni eth0", False),
        ("ip -n h1 monitor link", True),
        ("bridge monitor fdb", True),
        ("ip link", False),
        ("ping 'unclosed", False),
        # a program the line runs, not a word (hunt O: make ping was cut short after 3 s)
        ("make ping", False),
        (".PHONY: all up down ping", False),
        ("echo ping", False),
        ("sudo nsenter -t 42 -n ping 10.0.0.1", True),
        ("timeout 5 ping 10.0.0.1", True),
        ("echo hi | nc 10.0.0.2 9000", False),
    ],
)
def test_what_the_author_stopped_with_ctrl_c(line: str, stops: bool) -> None:
    assert author_stops(line) is stops


def test_prefix_renames_inside_a_loop_text_or_prints_it_unrolled() -> None:
    written = "for ns in red blue; do ip netns add $ns; done\n"
    assert _printed(import_text(written, "shell", "s.sh"), "ipt0000") == (
        "for ns in ipt0000red ipt0000blue; do ip netns add $ns; done\n"
    )
    built = "for i in 1 2; do ip netns add ns$i; done\n"
    assert _printed(import_text(built, "shell", "s.sh"), "ipt0000") == (
        "ip netns add ipt0000ns1\nip netns add ipt0000ns2\n"
    )
    bash_c = "ip netns add r\nip netns exec r bash -c 'ip link set lo up'\n"
    assert _printed(import_text(bash_c, "shell", "s.sh"), "p") == (
        "ip netns add pr\nip netns exec pr bash -c 'ip link set lo up'\n"
    )


def test_the_summary_counts_typed_raw_with_effects_and_raw_unknown() -> None:
    script = "ip netns add a\nbrctl addbr b0\niptables -F\n"
    result = import_text(script, "shell", "s.sh")
    assert result.summary(kinds=True).splitlines()[1] == (
        "commands the model sees: 3 (2 typed, 0 raw reads, 0 raw with effects, 1 raw unknown)"
    )
    assert "commands the model sees" not in result.yaml


def test_a_script_block_in_a_scenario_file_is_checked() -> None:
    base = "name: x\nsetup:\n  - script: 'for i in 1; do ip netns add a; done'\n"
    with pytest.raises(ScenarioError, match="'script' block needs 'steps'"):
        scenario.load_text(base, "x.yaml")
    with pytest.raises(ScenarioError, match="takes no 'loop'"):
        scenario.load_text(base + "    loop: [1]\n    steps: []\n", "x.yaml")
    with pytest.raises(ScenarioError, match="at least one step"):
        scenario.load_text(base + "    steps: []\n", "x.yaml")
    nested = base + "    steps:\n      - script: x\n        steps: [{action: netns add, name: a}]\n"
    with pytest.raises(ScenarioError, match="cannot hold another"):
        scenario.load_text(nested, "x.yaml")
    ok = scenario.load_text(
        base + "    output: done\n    steps: [{action: netns add, name: a}]\n", "x.yaml"
    )
    assert ok.steps[0].verbatim == "for i in 1; do ip netns add a; done"
    assert ok.steps[0].output == "done"


def test_shellread_statement_ends() -> None:
    assert shellread.complete("for i in 1; do\n echo $i\ndone")
    assert not shellread.complete("for i in 1; do")
    assert printed.seq_values("seq 0 -1 -2") == ["0", "-1", "-2"]
    assert printed.seq_values("seq a") is None
    assert printed.seq_values("seq 1 0 3") is None


def test_a_probe_inside_a_loop_is_a_probe() -> None:
    script = (
        "ip netns add a\nip link add v0 netns a type veth peer name v1 netns a\n"
        "ip -n a addr add 10.0.0.1/24 dev v0\nip -n a addr add 10.0.0.2/24 dev v1\n"
        "for t in 10.0.0.1 10.0.0.2; do ip netns exec a ping -c 1 $t; done\n"
    )
    sc = _scenario(import_text(script, "shell", "s.sh"))
    assert [s.op for s in sc.steps[-2:]] == [
        Probe(ns="a", target="10.0.0.1"),
        Probe(ns="a", target="10.0.0.2"),
    ]
