"""A function of the script called with an argument iplab cannot know, which the function
never reads (hunt DO, a public bridge helper script, stored already by hunt DF as
tests/fixtures/*/all-netns-del-in-clean.sh: ``add_ns "$2"`` where add_ns reads no ``$1``,
run as ``./lab.sh add``): the call stayed one raw step, ``add_box "$2"``, which
its shell does not have ("calls add_ns, a function the input defines"), every command
of the function lost to the model. The function's commands are read now; a function that
reads its arguments still waits for them."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

_FUNCTION = """#!/bin/bash
make_box() {{
    ip netns add box1
    ip link add vb1 type veth peer name vb1p
    ip link set vb1p netns box1
    {extra}
}}
make_box "$2"
"""


def test_an_argument_the_function_never_reads_does_not_keep_it_raw() -> None:
    result = import_text(_FUNCTION.format(extra="echo made"), "shell", "lab.sh")
    assert not any("calls make_box" in w for w in result.warnings), result.warnings
    assert "action: netns add" in result.yaml and "name: box1" in result.yaml, result.yaml
    assert "command: make_box" not in result.yaml, result.yaml


@pytest.mark.parametrize(
    "extra", ['ip netns exec box1 ip addr add "$1" dev vb1p', "shift", 'echo "$@"', "echo $#"]
)
def test_a_function_that_reads_its_arguments_still_needs_them(extra: str) -> None:
    result = import_text(_FUNCTION.format(extra=extra), "shell", "lab.sh")
    assert "make_box" in result.yaml and "cannot resolve $2" in "\n".join(result.warnings)


def test_a_quoted_dollar_one_for_awk_is_no_read() -> None:
    extra = "ip netns list | awk '{print $1}'"
    result = import_text(_FUNCTION.format(extra=extra), "shell", "lab.sh")
    assert "name: box1" in result.yaml, result.yaml


def test_the_helper_script_s_add_is_read() -> None:
    path = FIXTURES / "hunt-df" / "all-netns-del-in-clean.sh"
    result = import_text(path.read_text(encoding="utf-8"), "shell", path.name, arguments=["add"])
    assert not any("calls add_ns" in w for w in result.warnings), result.warnings
    assert "command: add_ns" not in result.yaml, result.yaml
    assert "(in add_ns, called at line 58)" in "\n".join(result.warnings), result.warnings
