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
