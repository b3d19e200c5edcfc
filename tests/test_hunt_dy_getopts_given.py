"""Hunt DY: an options loop, given its options.

tests/fixtures/scripts-dy/dy06-srv6/simple/2hosts_1router.sh (an SRv6 project's test
network) builds its lab in ``create_net`` and calls it from ``while getopts "cdt" opt; do
case "${opt}" in d) destroy_net ;; c) create_net ;; t) test_net ;; esac; done``; its
Makefile runs it with ``-c``. Imported with ``--arg -c``, the loop was still "read as the
script run without options": no step, the lab lost. Now, with the script's (or the
function's) arguments known, the loop runs as bash runs it: its body once for each option
getopts finds, ``$opt`` and ``$OPTARG`` set, ``$OPTIND`` after it. With no arguments, or
an option the spec lacks, it is read as before."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.test_importer import rendered_lines

DY06 = FIXTURES / "scripts-dy" / "dy06-srv6" / "simple" / "2hosts_1router.sh"

LOOP = """#!/bin/bash
NS=red
create() { ip netns add "$NS"; }
destroy() { ip netns del "$NS"; }
while getopts "cdn:" opt; do
    case "${opt}" in
        n) NS=$OPTARG ;;
        c) create ;;
        d) destroy ;;
        *) exit 1 ;;
    esac
done
shift $((OPTIND - 1))
ip netns exec "$NS" ip link set lo up
"""


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["-c"], ["ip netns add red", "ip netns exec red ip link set lo up"]),
        (["-n", "blue", "-c"], ["ip netns add blue", "ip netns exec blue ip link set lo up"]),
        (
            ["-nblue", "-c", "--", "x"],
            ["ip netns add blue", "ip netns exec blue ip link set lo up"],
        ),
    ],
)
def test_the_options_loop_runs_with_the_options_given(
    arguments: list[str], expected: list[str]
) -> None:
    result = import_text(LOOP, "shell", "lab.sh", arguments=arguments)
    assert not any("without options" in w for w in result.warnings), result.warnings
    assert [line for line in rendered_lines(result) if line.startswith("ip ")] == expected


def test_without_options_or_with_an_unknown_one_it_is_read_as_before() -> None:
    for arguments in (None, ["-x"]):
        result = import_text(LOOP, "shell", "lab.sh", arguments=arguments)
        assert any("without options" in w for w in result.warnings), result.warnings


def test_in_a_function_called_with_the_script_s_arguments() -> None:
    text = LOOP.replace("while getopts", "main() {\nwhile getopts").replace(
        "done\n", 'done\n}\nmain "$@"\n'
    )
    result = import_text(text, "shell", "lab.sh", arguments=["-c"])
    assert "ip netns add red" in rendered_lines(result), result.warnings


def test_the_srv6_test_network_given_c_makes_its_lab() -> None:
    result = import_text(
        DY06.read_text(encoding="utf-8"),
        "shell",
        DY06.name,
        base=DY06.parent,
        arguments=["-c"],
    )
    lines = rendered_lines(result)
    assert (
        "ip netns add r1" in lines
        and "ip netns exec h2 ip -6 route add default dev h2_r1 via 2001:db8:20::1" in lines
    ), lines
    assert result.model_error is None, result.model_error
