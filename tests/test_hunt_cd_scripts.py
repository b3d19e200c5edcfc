"""Hunt CD: real lab scripts from public repositories (tests/fixtures/github-scripts-5),
against what bash does with them.

libtpa-veth-env-cleanup-arg.sh (ByteDance's libtpa): ``[ "$1" = "cleanup" ] && { ip netns
delete ...; exit; }`` before the setup. Read line by line, the group's first line was a raw
step (``sh -c '[ "$1" = "cleanup" ] && {'``, a syntax error: ``iplab run`` failed there),
its deletes ran unconditionally, and render printed them without their tabs and lost the
``exit``. It is now the script's down branch, as ``if [ "$1" = cleanup ]; then ...; exit;
fi`` is: printed where it is, running nothing; its deletes the teardown.

in-netns-trap-cleanup.sh (the kernel's selftests/net/in_netns.sh): ``setup``, then ``"$@"``
(the command to run in the namespace). ``"$@"`` was read as naming the function to run
(hunt BU): the setup ran a second time there, and the cleanup twice. It runs nothing now,
said as for ``exec "$@"``.

wg-netmanager-echo-banners.sh (gin66/wg_netmanager): ``sudo ip netns exec alice sudo ip
link list``. The runner takes off the line's own sudo as root, not the one inside; on a host
without sudo the run failed there ("exec of sudo failed") where the preflight had said
nothing. The preflight now names sudo.

mini-env-getopt-case.sh (a script after xdp-tutorial's testenv.sh): ``case "$1" in setup |
teardown) CMD="$1" ;; ... esac`` then ``$CMD`` at the bottom. The case was skipped ("iplab
cannot choose") and ``$CMD`` ran nothing: no lab at all. Now ``$CMD`` is the setup function
and the teardown function the teardown. Its ``[ "$#" -eq 0 ] && usage >&2`` (the grammar gives
the list the redirection) is the author's check, not a raw step "this host does not have
usage"; ``OUTSIDE_MAC=$(iface_macaddr "$NS")`` is said to call a function the step's shell
does not have.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.programs import programs
from iplab.steps import LinkAdd, LinkDel, NetnsAdd, NetnsDel, Raw
from tests.conftest import FIXTURES
from tests.kernel import SKIP
from tests.pages import imported, imported_file, ran_clean
from tests.test_hunt_bu_scripts import _lines

SCRIPTS = FIXTURES / "github-scripts-5"
LIBTPA = SCRIPTS / "libtpa-veth-env-cleanup-arg.sh"
IN_NETNS = SCRIPTS / "in-netns-trap-cleanup.sh"
WG = SCRIPTS / "wg-netmanager-echo-banners.sh"
MINI = SCRIPTS / "mini-env-getopt-case.sh"


def test_a_cleanup_group_after_and_is_the_teardown_and_runs_nothing_in_the_setup() -> None:
    result, lab = imported(LIBTPA)
    setup = [s.op for s in lab.setup]
    assert not any(isinstance(op, NetnsDel) for op in setup), setup
    assert not any(isinstance(op, Raw) and "$1" in op.command for op in setup), setup
    assert [op.name for op in setup if isinstance(op, NetnsAdd)] == ["tpans1", "tpans2"]
    down = list(lab.teardown)
    assert [(type(s.op), s.op.name, s.may_fail) for s in down] == [  # type: ignore[attr-defined]
        (NetnsDel, "tpans1", False),
        (NetnsDel, "tpans2", False),
    ]
    assert not [w for w in result.warnings if "deletes tpans1, tpans2 before" in w]
    build(lab)


def test_the_cleanup_group_prints_as_the_script_wrote_it(tmp_path: Path) -> None:
    lab = imported_file(LIBTPA, tmp_path)
    printed = _lines(lab)
    at = printed.index('[ "$1" = "cleanup" ] && {')
    assert printed[at : at + 5] == [
        '[ "$1" = "cleanup" ] && {',
        "\tip netns delete $ns1",
        "\tip netns delete $ns2",
        "\texit",
        "}",
    ]
    script = LIBTPA.read_text().splitlines()
    assert all(line in script for line in printed), [x for x in printed if x not in script]


def test_arguments_run_after_the_scripts_own_setup_run_nothing() -> None:
    result, lab = imported(IN_NETNS)
    commands = [s.op for s in lab.steps]
    added = [op for op in commands if isinstance(op, Raw) and "netns add" in op.command]
    deleted = [op for op in commands if isinstance(op, Raw) and "netns del" in op.command]
    assert len(added) == 1 and len(deleted) == 1, commands
    said = [w for w in result.warnings if w.startswith("line 23:")]
    assert said == [
        'line 23: "$@": runs the command the script is given; iplab reads the script run'
        " without one: printed as written, runs nothing"
    ]


def test_a_sudo_inside_a_namespace_is_a_program_the_preflight_looks_for() -> None:
    line = "sudo ip netns exec alice sudo ip link list | grep veth"
    assert programs(line) == ["sudo", "ip", "grep"]
    assert programs("sudo ip netns exec alice ip link list") == ["ip"]  # (the line's own)
    assert "sudo ip netns exec alice sudo ip link list | grep veth" in WG.read_text()


def test_a_case_that_puts_the_argument_in_a_variable_the_script_then_runs() -> None:
    result, lab = imported(MINI)
    setup = [s.op for s in lab.setup]
    down = [s.op for s in lab.teardown]
    assert any(isinstance(op, NetnsAdd) and op.name == "lab" for op in setup), setup
    assert any(isinstance(op, LinkAdd) for op in setup), setup
    assert any(isinstance(op, LinkDel) for op in down) and any(
        isinstance(op, NetnsDel) and op.name == "lab" for op in down
    ), down
    assert not [w for w in result.warnings if "cannot choose" in w or "$CMD" in w]
    assert 'line 106: a check of the author\'s; not run ([ "$#" -eq 0 ] && usage >&2)' in (
        result.warnings
    )
    calls = [w for w in result.warnings if "calls iface_macaddr" in w]
    assert [w.split(":")[0] for w in calls] == [
        "line 50 (in setup, called at line 125)",
        "line 51 (in setup, called at line 125)",
    ]
    assert not [w for w in result.warnings if "deletes what it made after setting the trap" in w]


def test_a_check_whose_helper_is_redirected_is_the_authors_check() -> None:
    text = 'usage() {\n  echo "usage: $0 up"\n  exit 1\n}\n[ "$#" -eq 0 ] && usage >&2\n'
    text += "ip netns add x\n"
    result = import_text(text, "shell", "s.sh")
    assert 'line 5: a check of the author\'s; not run ([ "$#" -eq 0 ] && usage >&2)' in (
        result.warnings
    )
    assert "usage >&2\n" not in result.yaml.split("# --- import summary")[0].split("setup:")[1]


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_libtpa_script_runs_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    done = ran_clean(LIBTPA, prefix, state_dir, tmp_path)
    assert f"ip netns delete {prefix}tpans1" in done.stdout
    assert f"{prefix}tpans1: {prefix}tpaveth1 192.168.0.22" in done.stdout
    assert not list(tmp_path.glob(f"{prefix}tpans*"))  # (the cfg folders it wrote, put back)
