"""Labs wrapped in another format, and what such a format's lines did read as shell (hunt N).

The inputs are the hunt's own files (tests/fixtures/wrapped).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.errors import IplabError
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import Plan, build
from iplab.programs import programs, refuse_missing
from iplab.steps import AddrAdd, LinkSet, NetnsDel, Op, Raw
from iplab.words import removes_through_a_variable, writes_through_a_variable

WRAPPED = Path(__file__).parent / "fixtures" / "wrapped"


def _text(name: str) -> str:
    return (WRAPPED / name).read_text(encoding="utf-8")


def test_rm_through_a_make_variable_read_as_shell_is_refused() -> None:
    """Hunt N: ``rm -rf $(OUT)/hN-no-such-dir`` passed the model (``${OUT}`` is refused):
    bash runs a command ``OUT``, which fails, and the path is ``/hN-no-such-dir``
    (``rm -rf $(OUT)/*``: ``/*``)."""
    result = import_text(_text("rm2.sh"), "shell", "rm2.sh")
    assert result.model_error is not None
    assert "runs rm on $(OUT)/hN-no-such-dir: $(OUT) is make's variable syntax" in (
        result.model_error
    )
    assert "deletes from /" in result.model_error
    assert removes_through_a_variable("rm -rf $(OUT)/*", frozenset()) == ("$(OUT)/*", "$(OUT)")
    assert removes_through_a_variable('sudo rm -rf "$(OUT)"', frozenset()) == ("$(OUT)", "$(OUT)")
    assert removes_through_a_variable("rm -rf $(pwd)/build", frozenset()) is None
    assert removes_through_a_variable("rm -rf $(mktemp -d)/x", frozenset()) is None


def test_a_file_written_through_a_make_variable_is_refused() -> None:
    """Hunt N: Makefile.clean read as a script (``> $(OUT)/links.txt``, ``rm -rf
    $(OUT)/*``) said model OK; both write or delete from / as root."""
    result = import_text(_text("Makefile.clean"), "shell", "Makefile.clean")
    assert result.model_error is not None
    assert "writes $(OUT)/links.txt" in result.model_error
    assert "writes /links.txt as root" in result.model_error
    command = "ip netns exec mkA ip -br link > $(OUT)/links.txt"
    assert writes_through_a_variable(command, frozenset()) == ("$(OUT)/links.txt", "$(OUT)")
    assert writes_through_a_variable("cat >> ${DIR}/hosts", frozenset()) == ("$DIR/hosts", "DIR")


@pytest.mark.parametrize(
    ("command", "started"),
    [
        ("rm -rf $(OUT)/*", ["rm", "OUT"]),
        ("ip netns exec mkA ip -br link > $(OUT)/links.txt", ["ip", "OUT"]),
        ('echo "$(date)" > /tmp/x', ["date"]),
    ],
)
def test_a_command_substitution_is_one_word_for_the_preflight(
    command: str, started: list[str]
) -> None:
    """Hunt N: the preflight named ``/*`` and ``/links.txt`` as programs this host lacks
    (shlex split ``$(OUT)/*`` at its parentheses)."""
    assert programs(command) == started


def _plan(lines: list[str]) -> Plan:
    steps = "".join(f"  - action: raw\n    command: '{line}'\n    shell: true\n" for line in lines)
    return build(scenario.load_text(f"name: p\nsetup:\n{steps}", "p.yaml"))


def test_the_preflight_promises_no_rollback_for_a_missing_program_in_a_substitution() -> None:
    """Hunt N: "--no-preflight starts anyway: that step fails, and the run rolls back" was
    said of ``OUT`` in ``$(OUT)``: missing, its output is empty and bash runs the step."""
    with pytest.raises(IplabError) as caught:
        refuse_missing(_plan(["ls -l $(iplab-no-such-tool-3)/x"]))
    said = str(caught.value)
    assert "does not have iplab-no-such-tool-3, which" in said
    assert "does not have /x" not in said and ", /x" not in said
    assert "rolls back" not in said
    assert "command substitution" in said


def _imported(name: str) -> scenario.Scenario:
    text = _text(name)
    result = import_text(text, detect_kind(name, text), name)
    return scenario.load_text(result.yaml, f"{name}.yaml")


def test_a_namespace_shell_s_paren_prompt_is_a_prompt() -> None:
    """Hunt N: after ``ip netns exec tA bash``, the ``(tA)# `` lines (PS1='(tA)# ') were read
    as its output: ``ip link set lo up`` and ``exit`` were lost, so the host's ``ip netns
    del tA`` ran inside tA; in the tmux session tA's address and link-up were lost too
    (the run's ping failed)."""
    short = _imported("prompt-paren.txt")
    assert [type(s.op) for s in short.teardown] == [NetnsDel]  # (on the host)
    assert ("lo", "tA") in [(op.dev, op.ns) for op in _ops(short) if isinstance(op, LinkSet)]
    tmux = _imported("tmux-session.txt")
    added = [(op.address, op.ns) for op in _ops(tmux) if isinstance(op, AddrAdd)]
    assert ("10.44.0.1/24", "tA") in added
    assert ("ta0", "tA") in [(op.dev, op.ns) for op in _ops(tmux) if isinstance(op, LinkSet)]
    assert [type(s.op) for s in tmux.teardown] == [NetnsDel, NetnsDel]


def _ops(sc: scenario.Scenario) -> list[Op]:
    return [s.op for s in sc.steps]


def test_ip_by_its_full_path_is_typed_and_printed_as_written() -> None:
    """Hunt N: ``/usr/sbin/ip link add ...`` and ``sudo /sbin/ip link set ...`` (and ``make
    -n`` of a Makefile with ``IP ?= /sbin/ip``) were raw steps: false warnings, steps
    iplab could not undo, verify compared nothing."""
    short = _imported("fullpath.sh")
    assert not any(isinstance(op, Raw) for op in _ops(short))
    assert [op.text for op in _ops(short)][1:] == [
        "/usr/sbin/ip link add v0 type veth peer name v1",
        "/sbin/ip link set v1 netns a",
    ]
    text = _text("Makefile.netlab.make-n.txt")
    result = import_text(text, "shell", "stdin")
    assert result.model_error is None and not result.cannot_undo
    made = scenario.load_text(result.yaml, "mklab.yaml")
    assert not any(isinstance(op, Raw) for op in _ops(made))
    assert "/sbin/ip -n red addr add 10.10.0.1/24 dev veth-r" in export.text(build(made))
