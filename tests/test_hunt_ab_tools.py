"""Hunt AB (lab scripts written as small tools: ``case "$1" in up) ...``, traps, re-exec
as root): what the importer misread. The inputs are in ``tests/fixtures/lab-tools/``."""

from __future__ import annotations

from pathlib import Path

from iplab.importer.convert import ImportResult, detect_kind, import_text

HUNT = Path(__file__).parent / "fixtures" / "lab-tools"


def _import(name: str) -> ImportResult:
    path = HUNT / name
    text = path.read_text(encoding="utf-8")
    return import_text(text, detect_kind(path.name, text), path.name, base=path.parent)


def test_the_re_exec_as_root_line_is_an_authors_check() -> None:
    """Hunt AB #2: ``[[ $EUID -ne 0 ]] && exec sudo "$0" "$@"`` became a raw step that
    failed the run as root (the test fails, and bash goes on) and was listed under "iplab
    cannot undo". Now it is an author's check, said and not run."""
    result = _import("s1-labctl.sh")
    assert not any("exec sudo" in c for c in result.cannot_undo), result.cannot_undo
    assert "line 6: a check of the author's (it runs the script again as root" in "\n".join(
        result.warnings
    )
    assert not any("$EUID" in w and "cannot resolve" in w for w in result.warnings)
    assert result.setup == 16 and result.teardown == 2


def test_other_spellings_of_the_re_exec_are_checks_too() -> None:
    """Hunt AB #2: the spellings the report names (``sudo -E "$0"``, ``exec sudo -E bash
    "$0" "$@"``) and a braced one that exits after it are checks as well."""
    text = "\n".join(
        [
            '[ "$(id -u)" -eq 0 ] || sudo -E "$0" "$@"',
            '[[ $EUID -ne 0 ]] && exec sudo -E bash "$0" "$@"',
            '[ $EUID = 0 ] || { sudo "$0" "$@"; exit $?; }',
            "ip netns add x",
        ]
    )
    result = import_text(text, "shell", "reexec.sh")
    assert result.setup == 1 and not result.cannot_undo
    checks = [w for w in result.warnings if "runs the script again as root" in w]
    assert [w.split(":")[0] for w in checks] == ["line 1", "line 2", "line 3"], result.warnings


def test_a_case_whose_down_branch_comes_first_is_setup_and_teardown() -> None:
    """Hunt AB #6: ``case $1 in destroy|clean) ...;; create) ...;; esac`` was skipped whole
    (2 raw steps, "a multi-line shell construct (case ...) cannot be imported ... use a
    scenario 'loop'"): the up branch had to come first. Now the branches are told apart
    by their names in any order: create is the setup, destroy the teardown; the case is
    printed once, as written."""
    result = _import("s9-caseorder.sh")
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings
    # (hunt AW: destroy's `ip link show $BR &>/dev/null && ip link del $BR` is one step
    # that may fail, as on a line of its own; it was the show and then the deletion: 6)
    assert (result.setup, result.teardown) == (28, 5)
    case = next(line for line in result.lines if line.startswith("case $1 in"))
    assert "destroy|clean)" in case and "create)" in case and case.endswith("esac")
    assert "the case's down branch (the script run with destroy|clean)" in result.yaml
    assert "- action: netns del\n        name: ns4" in result.yaml


def test_a_case_iplab_cannot_read_is_said_as_a_case() -> None:
    """Hunt AB #6: a case on ``$1`` whose branches are not named up and down was said as
    "a multi-line shell construct (case ...) ... use a scenario 'loop'"; now the message
    says which branch names iplab reads."""
    text = 'case "$1" in\n  alpha)\n    ip netns add a\n    ;;\nesac\nip netns add b\n'
    result = import_text(text, "shell", "alpha.sh")
    said = [w for w in result.warnings if w.startswith("lines 1-5:")]
    assert said and "case whose branch iplab cannot choose" in said[0], result.warnings
    assert "scenario 'loop'" not in said[0] and "one branch is named up, create" in said[0]


def test_a_down_branch_written_as_an_if_before_the_setup_is_the_teardown() -> None:
    """Hunt AB #7: ``if [ "$ACTION" = "down" ] || [ "$ACTION" = "clean" ]; then ...; exit
    0; fi`` before the setup was skipped ("an 'if' block whose condition iplab cannot
    evaluate"), and run said "the tutorial has no cleanup". Now the if is printed where it
    is and its commands (not the exit) are the teardown, after the setup."""
    result = _import("s8-downfirst.sh")
    assert result.warnings == ()
    assert (result.setup, result.teardown) == (17, 3)
    assert result.lines[0].startswith('if [ "$ACTION" = "down" ]')
    assert result.yaml.split("teardown:")[1].count("action: netns del") == 2


def test_a_trap_taken_back_is_not_said_to_be_the_teardown() -> None:
    """Hunt AB #8: ``trap '...' ERR EXIT`` then, after the setup, ``trap - EXIT``: import
    warned "line 5: the trap's handler ... is the teardown" though (rightly) it imported no
    teardown. Now the warning goes with the trap."""
    result = _import("s11-trapkeep.sh")
    assert result.teardown == 0
    assert not any("is the teardown" in w for w in result.warnings), result.warnings


def test_a_wait_for_ctrl_c_is_not_said_to_be_a_wait_for_ipv6() -> None:
    """Hunt AB #9: skipping ``while true; do sleep 1; done`` (the script waits for Ctrl-C)
    said the unrelated "before an IPv6 probe, iplab waits by itself until duplicate address
    detection is done". Now it says the loop waits until the script is stopped."""
    result = _import("s10-trapint.sh")
    said = [w for w in result.warnings if w.startswith("line 32:")]
    assert said and "waits until the script is stopped (while true; do sleep 1; done)" in said[0]
    assert not any("duplicate address" in w for w in result.warnings), result.warnings


def test_a_function_that_only_prints_is_no_step_iplab_cannot_undo() -> None:
    """Hunt AB #9: each ``log "..."`` call (``log() { echo "[$(date +%T)] $*"; }``) became
    a raw step listed under "iplab cannot undo 5 steps" though it only prints. Now a call
    is printed as written and runs nothing; in a loop it is said, not run."""
    result = _import("s2-trap.sh")
    assert result.cannot_undo == (), result.cannot_undo
    lines = "\n".join(result.lines).splitlines()  # (hunt DT #2: a definition starts the
    # text of the block after it)
    assert 'log "creating bridge $BR"' in lines and 'log "all good"' in lines
    assert not any("date +%T" in w for w in result.warnings), result.warnings
