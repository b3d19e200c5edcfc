"""Hunt BB: a bare ``$1`` at a script's bottom runs the function its argument names.

``tests/fixtures/github-scripts-2/dollar-one-names-function.sh`` (after a public veth test
script): ``function setup {...}``, ``function teardown {...}``, a usage ``if [ $# -eq 0 ]``
and ``$1``, run as ``./lab.sh setup`` and ``./lab.sh teardown``. The import made two
function definitions (steps that run nothing) and a raw step ``$1`` ("iplab cannot undo"),
"model: OK": a run made nothing. The ``$1`` line is now the setup function's commands, the
teardown function the teardown; and the model says the script's teardown slip (veth1 set
down from the root namespace after the setup moved it into TEST).
"""

from __future__ import annotations

import shlex

import pytest

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES
from tests.kernel import apart

SCRIPT = FIXTURES / "github-scripts-2" / "dollar-one-names-function.sh"


def _imported(text: str) -> str:
    result = import_text(text, detect_kind(str(SCRIPT), text), str(SCRIPT))
    return result.summary() + "\n" + result.yaml


def test_the_argument_s_functions_are_the_setup_and_the_teardown() -> None:
    said = _imported(SCRIPT.read_text())
    assert "(10 setup, 4 teardown; 12 typed, 2 raw)" in said
    assert "cannot undo" not in said
    assert "cannot resolve $1" not in said
    assert "link veth1 is in namespace TEST, not in the root namespace" in said


def test_without_one_function_of_each_the_line_stays_raw() -> None:
    text = "f() {\n  ip netns add a\n}\n$1\n"
    assert "cannot resolve $1" in _imported(text)


@pytest.mark.kernel
def test_up_and_down_in_a_namespace_of_its_own_leave_nothing() -> None:
    fixed = SCRIPT.read_text().replace("    ip link set dev veth1 down\n", "")
    script = f"""
cd /tmp && d=$(mktemp -d) && export IPLAB_STATE_DIR=$d/state
printf '%s' {shlex.quote(fixed)} > $d/lab.sh
cd {shlex.quote(str(SCRIPT.parents[3]))}
python3 -m iplab import $d/lab.sh -o $d/lab.yaml || exit 3
python3 -m iplab up $d/lab.yaml --prefix hbbt01 || exit 4
ip -br link; ip route
python3 -m iplab down hbbt01lab || exit 5
echo LEFT; ip -br link; ip netns list; ip route
rm -rf $d
"""
    ran = apart(script)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    up, _, left = ran.stdout.partition("LEFT")
    assert "hbbt01veth0" in up and "10.0.0.2 dev hbbt01veth0" in up
    assert "hbbt01" not in left
