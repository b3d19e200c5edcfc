"""Hunt EV #2 (left by hunt EU): a function defined after a check that it is not defined yet.

moonlight200/quic-opensand-emulation's teardown-opensand.sh (tests/fixtures/scripts-eu/
eu02-quic-opensand/, byte for byte) opens with ``declare -F log > /dev/null || function
log() {...}``: a fallback ``log``, defined unless the script is sourced where one is. iplab
did not read it as a definition: its first line was a raw step iplab "cannot undo", its
body's lines raw steps of their own, ``log D "..."`` a raw step too, and the function's
``$1``, ``$2`` were said to be the script's arguments ("cannot resolve $level"). It now
reads as the definition it is in a script run alone (``type f >/dev/null || f() {...}``,
``[ -n "$(type -t f)" ] || f() {...}`` too), and a check of a function defined before
keeps that one, as bash does.
"""

from __future__ import annotations

import pytest

from iplab.importer import shell
from iplab.importer.convert import import_text
from iplab.importer.reader import _guarded_definition
from tests.conftest import FIXTURES

EU02 = FIXTURES / "scripts-eu" / "eu02-quic-opensand" / "teardown-opensand.sh"


def test_opensand_s_log_is_a_function() -> None:
    result = import_text(EU02.read_text(encoding="utf-8"), "shell", EU02.name)
    assert not any("cannot resolve" in w for w in result.warnings), result.warnings
    assert not any("log" in label or "function" in label for label in result.cannot_undo), (
        result.cannot_undo
    )
    plain = EU02.read_text(encoding="utf-8").replace("declare -F log > /dev/null || ", "")
    alone = import_text(plain, "shell", EU02.name)  # (the same, defined without the check)
    assert (result.typed, result.raw, result.cannot_undo) == (
        alone.typed, alone.raw, alone.cannot_undo
    )  # fmt: skip
    assert result.yaml.count("- script:") == alone.yaml.count("- script:") == 3, result.yaml


@pytest.mark.parametrize(
    "guard",
    [
        "declare -F mkns > /dev/null || function mkns() {",
        "type mkns >/dev/null 2>&1 || mkns() {",
        '[ -n "$(type -t mkns)" ] || mkns() {',
        "command -v mkns >/dev/null || mkns () {",
    ],
)
def test_a_guarded_definition_is_read_as_one(guard: str) -> None:
    text = f'#!/bin/bash\n{guard}\n\tip netns add "$1"\n}}\nmkns evxa\nip netns del evxa\n'
    result = import_text(text, "shell", "g.sh")
    assert result.cannot_undo == () and result.raw == 0, result.yaml
    assert result.typed == 2 and result.model_error is None, result.yaml
    assert not result.warnings, result.warnings


def test_a_function_defined_before_the_check_is_kept() -> None:
    text = (
        '#!/bin/bash\nmkns() { ip netns add "$1"; }\n'
        'declare -F mkns >/dev/null || mkns() { ip netns add "x$1"; }\n'
        "mkns evxa\nip netns del evxa\n"
    )
    result = import_text(text, "shell", "g.sh")
    assert result.model_error is None and result.raw == 0, result.yaml
    assert "name: evxa" in result.yaml, result.yaml


@pytest.mark.parametrize(
    ("text", "defines"),
    [
        ('declare -F log > /dev/null || function log() { echo "$1"; }', True),
        ('[ -z "$QUIET" ] || log() { echo "$1"; }', False),  # (a variable's test, not log's)
        ('declare -F log > /dev/null && log() { echo "$1"; }', False),
        ('type other >/dev/null || log() { echo "$1"; }', False),
    ],
)
def test_which_checks_guard_a_definition(text: str, defines: bool) -> None:
    node = shell.statements(shell.parse(text))[0]
    assert (_guarded_definition(node) is not None) is defines
