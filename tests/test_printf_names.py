"""Names and addresses a script makes with ``printf`` and ``10#``: ``ns$(printf '%02d' $i)``,
``n=$(printf ...)``, ``$((10#$i))`` (a padded 08 read in base 10). The importer left each
such line raw: not undoable, not renamed by --prefix, nothing verify could compare. bash
is the oracle: the same script, with ``ip`` a function that prints its line."""

from __future__ import annotations

import subprocess

import pytest

from iplab.importer.printed import printf_output
from tests.test_importer import imports_as_bash_runs

SCRIPTS = [
    "for i in $(seq 1 3); do\n  n=$(printf '%02d' $i)\n  ip netns add ns$n\ndone\n",
    'for i in {1..3}; do ip netns add node$(printf "%03d" $i); done\n',
    "for i in 08 09 10; do ip netns add h$((10#$i + 1)); done\n",
    "for ns in $(printf 'h%d ' 1 2 3); do ip netns add $ns; done\n",
    "printf -v NS 'lab%02d' 7\nip netns add $NS\n",
    "for i in 1 2; do\n  ip netns add r$i\n"
    "  ip -n r$i addr add 10.0.$(printf '%d' $((i * 16))).1/24 dev lo\ndone\n",
    "for i in 9 10; do ip netns add x$(printf '%02x' $i)-$(printf '%o' $i); done\n",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_printf_names_import_as_the_commands_bash_runs(script: str) -> None:
    assert imports_as_bash_runs(script).raw == 0


PRINTF = [
    "printf '%02d' 7", "printf '%03d' 12", "printf 'ns%s-%s' a b", "printf 'h%d ' 1 2 3",
    "printf '%x' 255", "printf '%02X' 10", "printf '%o' 8", "printf '%5s|' ab",
    "printf '%-5s|' ab", "printf '%d' 010", "printf '%d' 0x1f", "printf 'veth%d\\n' 1 2",
    "printf '%c' hello", "printf '%.2s' hello", "printf '%+d' 5", "printf '%d%%' 50",
    "printf '%d'", "printf '%s-%s' a b c", "printf '%04d' -5", "printf '%02d\\n\\n' 4",
]  # fmt: skip
NOT_READ = ["printf '%d' 08", "printf '%b' 'a\\n'", "printf -v x '%d' 1", "printf '%q' a", "echo 1"]


@pytest.mark.parametrize("command", PRINTF)
def test_printf_prints_what_bash_prints(command: str) -> None:
    bash = subprocess.run(
        ["bash", "-c", f"x=$({command}); printf '%s' \"$x\""], capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert printf_output(command) == bash.stdout


@pytest.mark.parametrize("command", NOT_READ)
def test_a_printf_iplab_does_not_follow_is_left_to_the_shell(command: str) -> None:
    assert printf_output(command) is None
