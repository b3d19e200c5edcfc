"""Hunt CX: public shell scripts of daemons' test beds (tests/fixtures/github-scripts-7).

gobgp-errcheck-netns-1-control.sh (a gobgp/BIRD test environment, re-typed): its lab is in
``if [[ "$1" == "clean" ]] ... elif [[ "$1" == "build" ]] ...``, the down test first. The
whole if was "an 'if' block whose condition iplab cannot evaluate": nothing imported but
the checks around it. Now the if, as written, is the setup (the build branch) and the clean
branch the teardown, as for ``if [ "$1" == cleanup ]; then ...; else ...; fi``.

Its commands go through ``errcheck() { $* || error_exit ...; }``, whose error_exit says,
``popd``s and exits. In a function, ``"$@" || die "..."`` was read with the input's
variables, where ``$*`` is nothing: "a check of the author's; not run", every call of the
wrapper dropped (a lab with no commands). The change is a step now, read with the call's
words, as ``ip netns add a || exit 1`` is at the top; ``popd``/``cd`` before the exit of
such a function change nothing that lasts.

``ip netns exec rA /bin/bash -c .zrA || exit 1`` (the daemon started in the namespace) was
"a check of the author's; not run", at the top as in a function: a program that does more
than read, run in a namespace, is the lab's work, a step.
"""

from __future__ import annotations

from pathlib import Path

from iplab.importer.convert import detect_kind, import_text
from iplab.scenario import Scenario, load_text
from iplab.steps import LinkAdd, NetnsAdd, NetnsExec
from tests.conftest import FIXTURES
from tests.pages import imported, written
from tests.test_hunt_bu_scripts import _lines

SCRIPTS = FIXTURES / "github-scripts-7"
GOBGP = SCRIPTS / "gobgp-errcheck-netns-1-control.sh"


def _text(text: str, name: str = "lab.sh") -> tuple[tuple[str, ...], Scenario]:
    result = import_text(text, detect_kind(name, text), name)
    return result.warnings, load_text(result.yaml, "lab.yaml")


def _printed(text: str, where: Path) -> list[str]:
    """``iplab render`` of the script ``text`` imported: the lines it prints."""
    result = import_text(text, detect_kind("lab.sh", text), "lab.sh")
    return _lines(written(result, where))


def test_the_down_test_first_then_the_up_word_in_an_elif_is_the_lab(tmp_path: Path) -> None:
    result, lab = imported(GOBGP)
    setup = [s.op for s in lab.setup]
    assert [op.name for op in setup if isinstance(op, NetnsAdd)] == ["rA", "rB"]
    assert any(isinstance(op, LinkAdd) and op.name == "rA-eth0" for op in setup), setup
    assert not any("cannot evaluate" in w for w in result.warnings), result.warnings
    assert any("rm -rf ./.bgplab_env" in str(s.op) for s in lab.teardown), lab.teardown
    printed = _printed(GOBGP.read_text(encoding="utf-8"), tmp_path)
    script = GOBGP.read_text(encoding="utf-8").splitlines()
    at = script.index('if [[ "$1" == "clean" ]]')
    assert printed[printed.index(script[at]) :][:30] == script[at:][:30]


def test_a_wrapper_that_runs_its_words_or_dies_runs_each_change() -> None:
    result, lab = imported(GOBGP)
    assert not any("a check of the author's; not run" in w and "line 14" in w
                   for w in result.warnings), result.warnings  # fmt: skip
    started = [s.op for s in lab.setup if isinstance(s.op, NetnsExec) and ".zrA" in s.op.command]
    assert [op.ns for op in started] == ["rA"], lab.setup
    warnings, lab2 = _text(
        "#!/bin/bash\n"
        'die() {\n    echo "$*" >&2\n    exit 1\n}\n'
        'run() {\n    "$@" || die "failed: $*"\n}\n'
        "run ip netns add hq1\n"
        "run ip link add hq1a type veth peer name hq1b\n"
        "run ip link set hq1b netns hq1\n"
    )
    ops = [s.op for s in lab2.setup]
    assert [op.name for op in ops if isinstance(op, NetnsAdd)] == ["hq1"], warnings
    assert [op.name for op in ops if isinstance(op, LinkAdd)] == ["hq1a"], warnings
    assert not any("not run" in w for w in warnings), warnings


def test_a_program_started_in_a_namespace_or_exit_is_a_step_not_a_check(tmp_path: Path) -> None:
    script = (
        "#!/bin/bash\nip netns add hq1\n"
        "ip netns exec hq1 /bin/bash -c ./start.sh || exit 1\n"
        "ip netns exec hq1 ping -c 1 10.0.0.2 || exit 1\n"
    )
    warnings, lab = _text(script)
    ops = [s.op for s in lab.setup]
    assert [(op.ns, op.command) for op in ops if isinstance(op, NetnsExec)] == [
        ("hq1", "/bin/bash -c ./start.sh")
    ], ops
    # (a ping that only reads stays the author's check, as before)
    assert any("ping -c 1" in w and "not run" in w for w in warnings), warnings
    assert _printed(script, tmp_path) == [
        "ip netns add hq1",
        "ip netns exec hq1 /bin/bash -c ./start.sh || exit 1",
    ]


def test_the_fixtures_say_where_they_come_from() -> None:
    for path in sorted(Path(SCRIPTS).glob("*.sh")):
        head = path.read_text(encoding="utf-8").split("\n")[1]
        assert head.startswith(("# Copied unchanged from", "# Re-typed after")), path
