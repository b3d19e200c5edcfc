"""Hunt DV: leftovers of earlier hunts in the shell-script importer.

The inputs here are the tests' own text (said in each test): no public script of these
exact shapes was found with the search tool; the shapes are those the earlier hunts
noticed (a loop written to a batch file, a counted while loop piped into ip -batch -,
``while (( $# ))`` argument loops, a usage check in a script read beside the input)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.test_hunt_af_wrapped import _steps
from tests.test_hunt_ds_argument_loop import LOOP, _actions
from tests.test_hunt_dt_leftovers import _imported


def test_a_loop_written_to_a_file_then_fed_to_ip_batch_is_read_as_its_steps() -> None:
    """``for i in $(seq 1 3); do echo "link add v$i type dummy"; done > /tmp/up.batch``
    then ``ip -n x -batch /tmp/up.batch`` (the test's own text): the loop was "a shell
    construct ... skipped", so the file was never written, and the batch stayed a raw step
    the model could not judge ("/tmp/up.batch does not exist now"). The loop is one step
    that writes the file's lines, and the batch the ip commands they are."""
    text = (
        "ip netns add x\n"
        'for i in $(seq 1 3); do echo "link add v$i type dummy"; done > /tmp/up.batch\n'
        "for i in 1 2; do\n"
        '    echo "link set v$i up"\n'
        "done >> /tmp/up.batch\n"
        "ip -n x -batch /tmp/up.batch\n"
    )
    result = _imported(text)
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings
    steps = _steps(result)
    said = [(s["action"], s.get("in"), s.get("dev") or s.get("name")) for s in steps[3:]]
    assert said == [
        ("link add", "x", "v1"),
        ("link add", "x", "v2"),
        ("link add", "x", "v3"),
        ("link set", "x", "v1"),
        ("link set", "x", "v2"),
    ]
    assert steps[1]["command"] == (
        "printf '%s\\n' 'link add v1 type dummy' 'link add v2 type dummy'"
        " 'link add v3 type dummy' > /tmp/up.batch"
    )
    assert "does not exist now" not in result.summary()


def test_a_loop_written_to_a_file_with_lines_known_only_when_it_runs_is_said() -> None:
    """The same loop over ``$(seq 1 $N)`` of an N iplab cannot know: said at its line."""
    text = (
        "ip netns add x\n"
        'for i in $(seq 1 $N); do echo "link add v$i type dummy"; done > /tmp/up.batch\n'
        "ip -n x -batch /tmp/up.batch\n"
    )
    result = _imported(text)
    assert any(
        w.startswith("line 2:") and "known only when it runs" in w for w in result.warnings
    ), result.warnings


def test_a_counted_while_loop_piped_into_ip_batch_is_read_line_by_line() -> None:
    """``i=1; while [ $i -le 3 ]; do echo "netns add n$i"; i=$((i+1)); done | ip -batch -``
    (the test's own text; ``for ((j = 1; ...))`` and ``((k++))`` too) was not read: only a
    ``for ... in`` loop was. Each line it echoes is now a step; the pipeline's loop runs in
    a subshell, so ``$i`` after it is as before it."""
    text = (
        'i=1; while [ $i -le 3 ]; do echo "netns add n$i"; i=$((i+1)); done | ip -batch -\n'
        'for ((j = 1; j <= 2; j++)); do echo "netns add m$j"; done | ip -batch -\n'
        "k=0\n"
        "while (( k < 2 )); do\n"
        "  ((k++))\n"
        '  echo "link add d$k type dummy"\n'
        "done > /tmp/d.batch\n"
        "ip -n n1 -batch /tmp/d.batch\n"
        "ip netns add after$i\n"
    )
    result = _imported(text)
    steps = _steps(result)
    said = [(s["action"], s.get("in"), s.get("name")) for s in steps if s["action"] != "raw"]
    assert said == [
        ("netns add", None, "n1"),
        ("netns add", None, "n2"),
        ("netns add", None, "n3"),
        ("netns add", None, "m1"),
        ("netns add", None, "m2"),
        ("link add", "n1", "d1"),
        ("link add", "n1", "d2"),
        ("netns add", None, "after1"),
    ]


@pytest.mark.parametrize("test", ["(( $# ))", "(( $# > 0 ))", "(( $# != 0 ))"])
def test_the_argument_count_in_arithmetic_is_known(test: str) -> None:
    """``while (( $# )); do case $1 in ...; esac; shift; done`` (the test's own text, hunt
    DS's argument loop with the test bash scripts write as often): ``$#`` inside ``((...))``
    was no value iplab knew, so the loop was "a multi-line shell construct ... skipped" and
    the namespace its arguments name a raw step. It is the arguments' count, as in
    ``[ $# -gt 0 ]``."""
    text = LOOP.format(test=test)
    result = import_text(text, "shell", "lab.sh", arguments=["red", "-f"])
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings
    assert ("netns add", "red") in _actions(result.yaml), result.yaml
    guarded = '#!/bin/bash\nif (( $# > 0 )); then\n  ip netns add "$1"\nfi\n'
    result = import_text(guarded, "shell", "lab.sh", arguments=["blue"])
    assert ("netns add", "blue") in _actions(result.yaml), result.yaml


def test_a_usage_check_ends_a_script_read_beside_the_input() -> None:
    """virtopology's newHost.sh (hunt DS's re-typed fixture, tests/fixtures/scripts-ds/
    ds03-virtopology/newHost.sh) run without a name: its ``if [[ -z $name ]]; then usage;
    fi`` (``usage`` ends in ``exit 1``) held, and iplab read on past it: ``ip netns add ""``
    and ``ip -n "" link set lo up`` were steps. The script ends there, said at its line."""
    base = FIXTURES / "scripts-ds" / "ds03-virtopology"
    text = "#!/bin/bash\n./newHost.sh red\n./newHost.sh\nip netns add blue\n"
    result = import_text(text, "shell", "lab.sh", base=base)
    steps = _steps(result)
    said = [(s["action"], s.get("name") or s.get("dev")) for s in steps]
    assert said == [("netns add", "red"), ("link set", "lo"), ("netns add", "blue")], said
    assert any(
        w.startswith("line 34 (in ./newHost.sh, called at line 3)") and "ends here" in w
        for w in result.warnings
    ), result.warnings


def test_an_exit_in_a_known_branch_and_set_e_in_a_script_beside_the_input(
    tmp_path: Path,
) -> None:
    """The test's own text: ``if [ -z "$1" ]; then echo usage; exit 1; fi`` in a helper
    script ends it when ``$1`` is empty; the helper's ``set -e`` is its own (a
    ``route -n`` there must work, where the caller's shell, without set -e, goes past it)
    and the caller's ``set -e`` is not the helper's."""
    (tmp_path / "host.sh").write_text(
        '#!/bin/bash\nif [ -z "$1" ]; then\n    echo "usage: host.sh NAME"\n    exit 1\nfi\n'
        'ip netns add "$1"\n'
    )
    (tmp_path / "strict.sh").write_text(
        '#!/bin/bash\nset -e\nip netns add "$1"\nip netns exec "$1" route -n\n'
    )
    (tmp_path / "loose.sh").write_text(
        '#!/bin/bash\nip netns add "$1"\nip netns exec "$1" route -n\n'
    )
    text = "#!/bin/bash\n./host.sh\n./host.sh red\n./strict.sh a\nset -e\n./loose.sh b\n"
    result = import_text(text, "shell", "lab.sh", base=tmp_path)
    steps = [s for s in _steps(result) if s["action"] != "raw"]
    said = [(s["action"], s.get("line", s.get("name")), s.get("may_fail", False)) for s in steps]
    assert said == [
        ("netns add", 'ip netns add "red"', False),
        ("netns add", 'ip netns add "a"', False),
        ("netns exec", 'ip netns exec "a" route -n', False),
        ("netns add", 'ip netns add "b"', False),
        ("netns exec", 'ip netns exec "b" route -n', True),
    ], said


def test_a_comment_over_a_function_s_definition_goes_with_the_function() -> None:
    """``# tear everything down`` over ``cleanup() {`` (the test's own text, the shape of
    hunt AW #5's bridge.sh): once hunt DT joined the definition to the next block's text,
    the comment became that block's title, a teardown's name over ``ip link add``. It is
    printed with the definition, in the block's text (the blank line above it kept), and
    names no block; the script's header comment over a first definition stays its title."""
    text = (
        "# make the namespaces\n"
        "ip netns add a\n"
        "ip netns add b\n"
        "\n"
        "# tear everything down\n"
        "cleanup() {\n"
        "    ip netns del a\n"
        "}\n"
        "ip link add va type veth peer name vb\n"
    )
    setup = yaml.safe_load(_imported(text).yaml)["setup"]
    titles = [b.get("title") for b in setup]
    assert titles == ["make the namespaces", None, None], setup
    assert setup[2]["script"].startswith("\n# tear everything down\ncleanup() {"), setup[2]
    assert all("prose" not in b for b in setup), setup
