"""Hunt EH: a course's helper file (tests/fixtures/scripts-eh/eh01-routing-netns/commands.sh,
UCLM-ESI's net-book-code) defines its functions with hyphens in their names, as bash allows
(``remove-all-veth() {``, ``remove-all-ns() {``). iplab took only a variable's name for a
function's, so ``remove-all-veth() {`` was refused as "shell syntax ('(' ... ')': bash
reads a subshell there", the body's lines raw steps of their own and a lone ``}`` a raw step
that bash refuses. Now a hyphenated (or dotted) name is a function as bash has it: defined,
called, or said to be uncalled."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from tests.test_importer import rendered_lines


@pytest.mark.parametrize("name", ["remove-all-ns", "ns.add", "lab:up"])
def test_a_hyphenated_function_is_defined_and_called(name: str) -> None:
    text = f"#!/bin/bash\n{name}() {{\n    ip netns add blue\n}}\n\n{name}\n"
    result = import_text(text, "shell", "lab.sh")
    assert result.model_error is None, result.model_error
    assert not any("shell syntax" in w for w in result.warnings), result.warnings
    assert "ip netns add blue" in rendered_lines(result)
    assert (result.typed, result.raw) == (1, 0)


def test_function_keyword_with_a_hyphen() -> None:
    text = "#!/bin/bash\nfunction make-ns {\n    ip netns add blue\n}\nmake-ns\n"
    result = import_text(text, "shell", "lab.sh")
    assert result.model_error is None, result.model_error
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings


def test_an_uncalled_hyphenated_function_is_said_uncalled() -> None:
    text = (
        "remove-all-ns() {\n    for ns in $(ip netns list); do\n"
        "        ip netns del $ns;\n    done\n}\n"
    )
    result = import_text(text, "shell", "commands.sh")
    assert not any("shell syntax" in w for w in result.warnings), result.warnings
    assert any(
        "remove-all-ns() is defined but no line of the input calls it" in w for w in result.warnings
    ), result.warnings
