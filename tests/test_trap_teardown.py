"""A lab script's ``trap cleanup EXIT`` is its teardown.

Lab scripts clean up in a handler bash runs when the script ends (``trap cleanup EXIT``,
often with INT and TERM too). Before, the handler was said in a warning and never run:
``iplab run`` undid the lab from its journal, and the script's own cleanup was never
rehearsed. Now the handler still set at the end of the input is the teardown, printed as
the trap names it, its commands read as bash would run them then.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.steps import LinkDel, NetnsAdd, NetnsDel
from tests.kernel import iplab

SCRIPT = textwrap.dedent("""\
    #!/bin/bash
    set -e
    cleanup() {
        echo "cleaning up"
        ip netns del tr-a 2>/dev/null || true
        ip link del tr-br 2>/dev/null || true
    }
    trap cleanup EXIT INT TERM

    ip netns add tr-a
    ip link add tr-br type bridge
    """)


def _imported(text: str, markdown: bool = False) -> scenario.Scenario:
    result = import_text(text, "markdown" if markdown else "shell", "lab.md")
    return scenario.load_text(result.yaml, "lab.yaml")


def test_the_handler_of_exit_is_the_teardown() -> None:
    result = import_text(SCRIPT, "shell", "lab.sh")
    sc = scenario.load_text(result.yaml, "lab.yaml")
    assert [s.op for s in sc.teardown] == [NetnsDel(name="tr-a"), LinkDel(dev="tr-br")]
    assert all(s.may_fail for s in sc.teardown)  # 2>/dev/null || true, as on a line of its own
    assert (
        "line 8: the trap's handler (cleanup) is the teardown: bash runs it when the script"
        " ends (iplab run runs it after the setup; iplab down undoes from the journal)"
    ) in result.warnings
    plan = build(sc)
    # printed as the script has it, each line once: bash runs the handler when it ends
    assert export.text(plan) == SCRIPT.replace("#!/bin/bash\nset -e\n", "").replace("\n\n", "\n")
    assert export.text(plan, "teardown") == ""
    assert sc.teardown[0].title == "the handler of the trap at line 8: cleanup"
    # a bash script of the teardown alone has no function: it runs the commands
    assert export.script(plan, "teardown").splitlines()[-2:] == [
        "ip netns del tr-a || true  # the scenario lets it fail",
        "ip link del tr-br || true  # the scenario lets it fail",
    ]


@pytest.mark.parametrize(
    "trap",
    [
        "trap 'ip netns del tr-a' EXIT",
        'trap "ip netns del $NS" 0',
        "trap -- 'ip netns del tr-a' INT",
    ],
)
def test_a_handler_written_in_the_trap_itself(trap: str) -> None:
    sc = _imported(f"NS=tr-a\nip netns add $NS\n{trap}\n")
    assert [s.op for s in sc.teardown] == [NetnsDel(name="tr-a")]


def test_a_trap_taken_back_is_no_teardown() -> None:
    sc = _imported("trap 'ip netns del tr-a' EXIT\nip netns add tr-a\ntrap - EXIT\n")
    assert not sc.teardown
    assert NetnsAdd(name="tr-a") in [s.op for s in sc.setup]


def test_a_handler_defined_after_the_trap_is_read_at_the_end() -> None:
    """bash looks the function up when the trap fires: it may be defined below the trap."""
    sc = _imported("trap down EXIT\ndown() {\n  ip netns del tr-a\n}\nip netns add tr-a\n")
    assert [s.op for s in sc.teardown] == [NetnsDel(name="tr-a")]


def test_a_script_that_cleans_up_by_itself_keeps_its_own_teardown() -> None:
    """The handler would run a second time at the end and find nothing: not imported."""
    text = SCRIPT + "ip netns del tr-a\nip link del tr-br\n"
    result = import_text(text, "shell", "lab.sh")
    sc = scenario.load_text(result.yaml, "lab.yaml")
    assert [s.op for s in sc.teardown] == [NetnsDel(name="tr-a"), LinkDel(dev="tr-br")]
    assert not any(s.may_fail for s in sc.teardown)  # the script's own lines
    assert any("is not imported a second time" in w for w in result.warnings)


def test_a_page_s_script_block_with_a_trap() -> None:
    sc = _imported(f"# Lab\n\n```bash\n{SCRIPT}```\n", markdown=True)
    assert [s.op for s in sc.teardown] == [NetnsDel(name="tr-a"), LinkDel(dev="tr-br")]


@pytest.mark.kernel
def test_run_rehearses_the_handler(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    lab = tmp_path / "trap.yaml"
    lab.write_text(import_text(SCRIPT, "shell", "trap.sh").yaml)
    result = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    teardown = result.stdout.partition("== teardown (2 steps)\n")[2]
    assert f"ip netns del {prefix}tr-a" in teardown
    assert f"ip link del {prefix}tr-br" in teardown
    assert "== nothing of the lab remains" in result.stdout


def test_a_handler_the_input_does_not_define_is_not_imported() -> None:
    """``trap cleanup EXIT`` with cleanup defined in a file iplab did not read: bash would
    say 'command not found'; the lab is undone from the journal, as before."""
    result = import_text("trap cleanup EXIT\nip netns add tr-a\n", "shell", "lab.sh")
    sc = scenario.load_text(result.yaml, "lab.yaml")
    assert not sc.teardown
    assert any("is no function the input defines" in w for w in result.warnings)


def test_trap_exit_alone_resets_it() -> None:
    sc = _imported("trap 'ip netns del tr-a' EXIT\nip netns add tr-a\ntrap EXIT\n")
    assert not sc.teardown
