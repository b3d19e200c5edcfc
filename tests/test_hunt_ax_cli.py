"""The command line as a new user meets it (hunt AX): the exit statuses and shell completion
said where a user looks (``iplab --help``, ``iplab completion --help``, the README), and
``iplab down`` run twice."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

import iplab.cli
from iplab import errors
from iplab.cli import parser
from tests import kernel

README = Path(__file__).parent.parent / "README.md"
HERE = Path(__file__).parent / "fixtures" / "by-hand"


def _iplab(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = iplab.cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_help_says_every_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    """The codes were said only in a module's docstring: ``iplab --help``, the README and
    the docs named none but import's. ``iplab --help`` now ends with each, and they are
    the codes iplab exits with."""
    with pytest.raises(SystemExit) as done:
        iplab.cli.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    said = out.split("exit status:\n", 1)[1]
    codes = {int(m) for m in re.findall(r"^  (\d+) ", said, re.MULTILINE)}
    raised = {
        cls.exit_code
        for cls in (
            errors.IplabError, errors.ScenarioError, errors.UsageError, errors.ParseError,
            errors.LockedError, errors.PrivilegeError, errors.InternalError,
        )
    }  # fmt: skip
    assert codes == {0, iplab.cli.EXIT_BUG, iplab.cli.EXIT_BROKEN_PIPE} | raised
    assert "128+N" in said
    assert "iplab completion --help" in said
    readme = README.read_text(encoding="utf-8")
    assert "`iplab --help` ends with\nthe exit statuses" in readme
    assert "source <(iplab completion bash)" in readme


def test_completion_help_says_how_to_install_it(capsys: pytest.CaptureFixture[str]) -> None:
    """``iplab completion --help`` printed its docstring's markup (``:func:`iplab.cli.
    parser.build_parser```, double backquotes) and not how to install the script; it now
    says, for each shell, what to type."""
    with pytest.raises(SystemExit):
        iplab.cli.main(["completion", "--help"])
    out = capsys.readouterr().out
    assert ":func:" not in out and "``" not in out
    assert "source <(iplab completion bash)" in out
    assert '"${fpath[1]}/_iplab"' in out
    assert "~/.config/fish/completions/iplab.fish" in out
    assert "usage: iplab completion [-h] SHELL" in out
    assert parser.SHELLS == ("bash", "zsh", "fish")


def test_down_twice_without_a_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``iplab down`` (the only lab), then ``iplab down`` again: the second exited 2 with
    'which lab? (none is up) (iplab down LAB)', where ``iplab down LAB`` twice exits 0
    ('already down: nothing to undo') and naming a lab could not help. It has nothing to
    undo, says where it looked, and exits 0."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    rc, out, err = _iplab(capsys, "down", "--state-dir", str(state))
    assert (rc, err) == (0, "")
    assert out == f"no lab is up in the state directory {state}: nothing to undo\n"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["up", "--frobnicate", "star"], "usage: iplab up "),
        (["up", "star", "--prefx", "hax"], "iplab up: error: unrecognized arguments: --prefx hax"
         " (--prefx: did you mean --prefix?)"),
        (["ls", "--jsn"], "iplab ls: error: unrecognized arguments: --jsn (--jsn: did you mean"
         " --json?)"),
        (["--verbose", "ls"], "iplab ls: error: unrecognized arguments: --verbose (--verbose is"
         " an option of iplab ls: write it after ls)"),
        (["--json", "check", "star"], "iplab check: error: unrecognized arguments: --json"
         " (--json is an option of iplab check: write it after check)"),
        # (an option with its value before the command: "invalid choice: 'x'", iplab's usage)
        (["--prefix", "x", "up", "star"], "iplab up: error: --prefix is an option of iplab up:"
         " write it after up (iplab up --prefix x star)"),
        (["--var", "n=3", "render", "star"], "iplab render: error: --var is an option of iplab"
         " render: write it after render (iplab render --var n=3 star)"),
    ],
)  # fmt: skip
def test_a_word_no_option_takes_is_said_by_its_command(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    """``iplab up --frobnicate star`` printed iplab's own usage (``iplab [-h] [--version]
    COMMAND ...``), not up's; ``--prefx`` and ``--jsn`` were said with no hint, and
    ``iplab --verbose ls`` (an option before its command) as if ls had no --verbose."""
    with pytest.raises(SystemExit) as done:
        iplab.cli.main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert said in err
    assert "usage: iplab [-h]" not in err


def test_check_says_what_the_teardown_leaves(capsys: pytest.CaptureFixture[str]) -> None:
    """A teardown written by hand that forgets the bridge: check said 'OK' and only ``run``
    said, after the teardown ran, 'the tutorial's cleanup left hax...br0@root'. check says
    it before anything runs; not of a teardown that runs a script the model cannot follow."""
    fixture = HERE / "a11-teardown-forgets.yaml"
    rc, out, err = _iplab(capsys, "check", "-q", str(fixture))
    assert rc == 0
    assert out.endswith("OK: 3 steps (2 setup, 1 teardown), 0 claims, 0 failing in the model\n")
    assert err == (
        "iplab: note: the teardown leaves br0@root: `iplab run` undoes it from the journal"
        " after the teardown; a script of the teardown alone would leave it\n"
    )
    rc, out, err = _iplab(capsys, "check", "-q", str(HERE / "a12-teardown-a-script.yaml"))
    assert rc == 0
    assert "teardown leaves" not in err


def test_audit_of_a_lab_the_log_never_saw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``iplab audit --lab`` with a lab's name cut short (or of another state directory)
    printed the table's header alone, exit 0, as for a lab that ran nothing. The header
    stays (a script reads it); stderr says no record names that lab, and the close names."""
    from iplab.audit import AuditLog

    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    record = {"time": "2026-11-30T22:00:00+00:00", "user": "root", "host": "h", "cwd": "/",
              "run": "r1", "step": 1, "kind": "command", "text": "ip netns add a",
              "argv": ["ip", "netns", "add", "a"], "rc": 0, "dry_run": False}  # fmt: skip
    AuditLog(state).append([record | {"lab": "hax1two-namespaces"}])
    rc, out, err = _iplab(capsys, "audit", "--state-dir", str(state), "--lab", "hax1two-namespace")
    assert (rc, out.split()) == (0, ["TIME", "LAB", "RUN", "STEP", "RC", "MS", "COMMAND"])
    assert err == (
        f"iplab: note: the audit log {state / 'audit.jsonl'} has no record of lab"
        " hax1two-namespace (did you mean hax1two-namespaces?)\n"
    )
    rc, out, err = _iplab(capsys, "audit", "--state-dir", str(state), "--lab", "other")
    assert err.endswith("has no record of lab other (1 lab in it)\n")
    rc, out, err = _iplab(capsys, "audit", "--state-dir", str(state), "--lab", "hax1two-namespaces")
    assert (rc, err) == (0, "") and "ip netns add a" in out


@pytest.mark.kernel
def test_exec_exits_as_the_shell_says_a_signal(tmp_path: Path) -> None:
    """``iplab exec LAB ns -- CMD`` exits with CMD's status (README), but a CMD a signal
    ended exited iplab with 256 - N: 243 for a closed pipe (``... | head -1``), 241 for
    SIGTERM, where bash says 141 and 143. It is 128 + N now, as iplab's own are."""
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    prefix = f"hax{uuid.uuid4().hex[:3]}"
    lab = f"{prefix}lab"
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    try:
        up = kernel.iplab("up", str(HERE / "a14-make-n-lab.yaml"), "--prefix", prefix, state=state)
        assert up.returncode == 0, up.stderr
        for signal, status in (("TERM", 143), ("PIPE", 141), ("INT", 130)):
            ended = kernel.iplab("exec", lab, "red", "--", "sh", "-c", f"kill -{signal} $$",
                                 state=state)  # fmt: skip
            assert ended.returncode == status, (signal, ended.stderr)
        exited = kernel.iplab("exec", lab, "red", "--", "sh", "-c", "exit 3", state=state)
        assert exited.returncode == 3
        down = kernel.iplab("down", lab, state=state)
        assert down.returncode == 0, down.stderr
    finally:
        assert kernel.cleanup_prefix(prefix, "hax") == []  # iplab left nothing


@pytest.mark.kernel
def test_a_lab_named_by_half_its_name(tmp_path: Path) -> None:
    """A lab is named prefix + scenario. ``iplab down lab`` (the scenario's name) or
    ``down PREFIX`` said only that no lab of that name is up; ``iplab verify lab.yaml`` with
    --prefix forgotten said each of the lab's namespaces missing, exit 1, with no word of
    the lab that is up. Each now names the lab meant."""
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    prefix = f"hax{uuid.uuid4().hex[:3]}"
    lab = f"{prefix}lab"
    state = tmp_path / "state"
    scenario = str(HERE / "a14-make-n-lab.yaml")
    state.mkdir(mode=0o700)
    try:
        up = kernel.iplab("up", scenario, "--prefix", prefix, state=state)
        assert up.returncode == 0, up.stderr
        for half in ("lab", prefix):
            down = kernel.iplab("down", half, state=state)
            assert down.returncode == 2
            assert f"(did you mean {lab}? `iplab ls` lists the labs that are up)" in down.stderr
        verify = kernel.iplab("verify", scenario, state=state)
        assert verify.returncode == 1
        assert verify.stderr == (
            f"iplab: note: lab {lab} is up from this scenario with --prefix {prefix}:"
            f" `iplab verify {lab}` compares it\n"
        )
        assert kernel.iplab("verify", lab, state=state).returncode == 0
        down = kernel.iplab("down", lab, state=state)
        assert down.returncode == 0, down.stderr
    finally:
        assert kernel.cleanup_prefix(prefix, "hax") == []  # iplab left nothing


def test_a_var_yaml_cannot_read(capsys: pytest.CaptureFixture[str]) -> None:
    """``--var 'n=[1'`` was "--var:1: invalid YAML: expected ',' or ']' ..." (a file named
    --var, line 1, and no word of which --var or why YAML): it names the pair and says how
    to pass the text as it is."""
    rc, out, err = _iplab(capsys, "render", "star", "--var", "n=[1")
    assert (rc, out) == (2, "")
    assert err == (
        "iplab: error: --var n=[1: the value is read as YAML: invalid YAML: expected ',' or"
        " ']', but got '<stream end>' (for the text as it is, quote it: --var 'n=\"[1\"')\n"
    )
