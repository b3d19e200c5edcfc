"""Hunt DS: a brace group ``{ ...; }`` (tests/fixtures/scripts-ds/
ds01-brace-group-quiet-clean-slate.sh, a flannel datapath lab: ``{ ip netns del ns1 && ip
netns del ns2; } > /dev/null 2>&1`` to start clean) was skipped whole, "a shell construct
({ ...) cannot be imported", and the line was lost from render, though each command in it
is one iplab reads on a line of its own (``ip netns del ns1 && ip netns del ns2 >/dev/null
2>&1`` was read). A subshell quieted the same way, ``( ... ) > /dev/null 2>&1``, was
skipped too, and a brace group in a function's body was "a nested compound, skipped".

Now a brace group is read as its commands, in the script's variables (bash runs it in the
same shell), and a subshell quieted to /dev/null as its commands, with a copy of them; the
line renders as written, and the deletes before the names are made are steps that may
fail, as on a line of their own."""

from __future__ import annotations

import pytest
import yaml

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

DS01 = FIXTURES / "scripts-ds" / "ds01-brace-group-quiet-clean-slate.sh"

MAKE = "ip netns add ns1\nip netns add ns2\n"


def _setup(text: str) -> list[dict[str, object]]:
    steps = yaml.safe_load(text)["setup"]
    assert isinstance(steps, list)
    return steps


@pytest.mark.parametrize(
    "line",
    [
        "{ ip netns del ns1 && ip netns del ns2; } > /dev/null 2>&1",
        "{ ip netns del ns1; ip netns del ns2; } 2>/dev/null",
        "( ip netns del ns1 && ip netns del ns2 ) > /dev/null 2>&1",
        "{ ip netns del ns1; ip netns del ns2; }",
    ],
)
def test_the_group_s_commands_are_read(line: str) -> None:
    result = import_text(f"#!/bin/bash\n{line}\n{MAKE}", "shell", "lab.sh")
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings
    assert line in result.lines, result.lines
    first = _setup(result.yaml)[0]
    assert first["script"] == line, first
    inner = first["steps"]
    assert isinstance(inner, list)
    assert [(s["action"], s["name"], s.get("may_fail")) for s in inner] == [
        ("netns del", "ns1", True),
        ("netns del", "ns2", True),
    ], inner
    assert result.raw == 0 and result.model_error is None


def test_a_group_over_lines_is_read() -> None:
    text = "#!/bin/bash\n{\n  ip netns del ns1\n  ip netns del ns2\n} >/dev/null 2>&1\n" + MAKE
    result = import_text(text, "shell", "lab.sh")
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings
    assert result.typed == 4 and result.raw == 0, result


def test_a_brace_group_in_a_function_is_read() -> None:
    text = (
        "#!/bin/bash\nNS=red\nclean() {\n  { ip netns del $NS; } 2>/dev/null\n}\n"
        "clean\nip netns add $NS\n"
    )
    result = import_text(text, "shell", "lab.sh")
    assert not any("nested" in w for w in result.warnings), result.warnings
    # (the block of the call; its script starts with the definition: hunt DT's functions)
    clean = [s for s in _setup(result.yaml) if str(s.get("script")).endswith("\nclean")]
    steps = clean[0]["steps"]
    assert isinstance(steps, list)
    assert [(s["action"], s["name"]) for s in steps] == [("netns del", "red")]


def test_the_flannel_lab_renders_every_line() -> None:
    result = import_text(DS01.read_text(), "shell", DS01.name)
    group = "{ ip netns del ns1 && ip netns del ns2; } > /dev/null 2>&1"
    assert group in result.lines, result.lines
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings
    assert result.raw == 0 and result.model_error is None
