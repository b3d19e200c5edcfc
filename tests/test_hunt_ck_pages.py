"""Hunt CK: real shell scripts of kinds not seen before (tests/fixtures/github-scripts-6).

case-add-del-show-router.sh (after yuma-bbt/net_env's environment.sh): ``case ${1} in
add) ...;; del) ...;; show) ...;; esac``; add and del were not a lab's up and down words,
the case was skipped ("iplab cannot choose") and the scenario made nothing. add is read as
up, del as down.

torjail-host-nat-redirect.sh (orjail/orjail's torjail.sh, WTFPL): ``sudo ip netns list |
grep -e ^$NAME\\  &> /dev/null`` then ``if [ $? -eq 0 ]; then echo "... already exists";
else SETUP; fi``: the if was skipped ("cannot evaluate"), and the lab with it. A branch
that only says the thing is there, beside one that makes it, under a check that only asks
(itself, or the line before through $?), is read as ``if ! CHECK; then BRANCH; fi`` is.
The check's escaped space (``^$NAME\\ ``) had also made it a command that changes
something: its quieting took the space with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.convert import detect_kind, import_text
from iplab.steps import NetnsAdd, NetnsDel, Raw
from tests.conftest import FIXTURES
from tests.kernel import apart, can_use_kernel
from tests.pages import imported

SCRIPTS = FIXTURES / "github-scripts-6"
CASE = SCRIPTS / "case-add-del-show-router.sh"
TORJAIL = SCRIPTS / "torjail-host-nat-redirect.sh"


def test_a_case_of_add_and_del_is_the_scripts_up_and_down() -> None:
    result, lab = imported(CASE)
    assert result.model_error is None, result.model_error
    assert not [w for w in result.warnings if "cannot choose" in w], result.warnings
    made = [s.op.name for s in lab.setup if isinstance(s.op, NetnsAdd)]
    gone = [s.op.name for s in lab.teardown if isinstance(s.op, NetnsDel)]
    assert made == ["left", "right", "rtr"]
    assert gone == ["left", "right", "rtr"]
    assert any("show) (line 54)" in w for w in result.warnings), result.warnings


def test_an_if_whose_then_only_says_it_exists_runs_its_else() -> None:
    result, lab = imported(TORJAIL)
    assert result.model_error is None, result.model_error
    assert not [w for w in result.warnings if "cannot evaluate" in w], result.warnings
    assert [s.op.name for s in lab.setup if isinstance(s.op, NetnsAdd)] == ["netjail"]
    raws = [s.op.command for s in lab.setup if isinstance(s.op, Raw)]
    assert any("--to-ports 9040" in c for c in raws), raws
    assert any("\n  sudo ip netns add $NAME\n" in block for block in result.lines)


@pytest.mark.parametrize(
    "check",
    [
        'if ip netns list | grep -q "^$N"; then',
        'if ip netns list | grep -qw "$N" >/dev/null 2>&1; then',
        "ip netns list | grep -e ^$N\\  &> /dev/null\nif [ $? -eq 0 ]; then",
        'ip netns list | grep -q "$N"\nif [[ "$?" == 0 ]]; then',
    ],
)
def test_the_check_asked_in_the_if_or_through_its_status(check: str) -> None:
    text = (
        f'#!/bin/bash\nN=jail\n{check}\n  echo "$N exists"\nelse\n  ip netns add $N\n'
        "  ip link add in-$N type veth peer name out-$N\nfi\n"
    )
    result = import_text(text, detect_kind("s.sh", text), "s.sh")
    assert result.model_error is None, result.model_error
    assert not [w for w in result.warnings if "cannot evaluate" in w], result.warnings
    assert "ip netns add jail" in result.yaml or "name: jail" in result.yaml, result.yaml


def test_a_status_test_of_another_kind_or_a_branch_that_changes_stays_skipped() -> None:
    for text in (
        # $? of a command that changes something: not a check
        "#!/bin/bash\nip netns add a\nif [ $? -eq 0 ]; then\n  echo ok\nelse\n"
        "  ip netns add b\nfi\n",
        # both branches change the lab
        "#!/bin/bash\nip netns add c\nif ip netns list | grep -q a; then\n  ip netns del a\nelse\n"
        "  ip netns add a\nfi\n",
    ):
        result = import_text(text, detect_kind("s.sh", text), "s.sh")
        assert [w for w in result.warnings if "cannot evaluate" in w], (text, result.warnings)


@pytest.mark.kernel
def test_torjail_runs_and_leaves_nothing(tmp_path: Path) -> None:
    why = can_use_kernel()
    if why:
        pytest.skip(why)
    lab = tmp_path / "lab.yaml"
    lab.write_text(imported(TORJAIL)[0].yaml, encoding="utf-8")
    done = apart(
        f"export IPLAB_STATE_DIR={tmp_path}/state\n"
        f"python3 -m iplab run --prefix hckt {lab}; echo rc=$?\n"
        "iptables -t nat -S; iptables -S OUTPUT; ip -br link; ip netns list\n"
    )
    out = done.stdout + done.stderr
    # (the script's last line, 'ip netns exec $NAME $*' run with no argument, fails as in
    # bash: 'No command specified'; the run rolls back)
    assert "[ 9/13] sudo ip netns exec hcktnetjail ip route add default via 10.200.1.1" in out
    assert "rolled back (4 undo commands); the host is as it was before" in out, out
    after = done.stdout.split("rc=")[1]  # the host's firewall, links and namespaces
    assert "REDIRECT" not in after and "ESTABLISHED" not in after, after
    assert "hckt" not in after, after
