"""Hunt EL #2 (hunt EI's leftover): a script runs its commands through a function of its
own that says and runs its arguments (shu1r0's srv6 lab, tests/fixtures/scripts-dy/dy06-srv6:
``echo_run () { echo "$@"; $@ || exit 1; }``). A call whose arguments iplab knows was read
through the body; one with an argument known only when the script runs (``echo_run ip
netns exec h1 $current_dir/../functions.sh enable_seg6``, ``current_dir`` the script's own
folder) stayed one raw step that called ``echo_run``, which the lab's shell does not have:
preflight refused the whole lab, "this host does not have echo_run".

Now such a call is the command the wrapper runs (``ip netns exec h1 $current_dir/...``),
a step whose failure stops the run as the wrapper's ``|| exit 1`` stops the script; what
iplab cannot know in it is said as before."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.programs import programs
from iplab.steps import NetnsAdd, Raw
from tests.conftest import FIXTURES

DY06 = FIXTURES / "scripts-dy" / "dy06-srv6" / "simple" / "2hosts_1router.sh"


def _dy06() -> tuple[list[object], tuple[str, ...]]:
    text = DY06.read_text(encoding="utf-8")
    result = import_text(text, "shell", str(DY06), base=DY06.parent, arguments=["-c"])
    return [s.op for s in scenario.load_text(result.yaml, "lab.yaml").steps], result.warnings


def test_the_wrapper_s_call_is_the_command_it_runs() -> None:
    ops, warnings = _dy06()
    raws = [op.command for op in ops if isinstance(op, Raw) and "functions.sh" in op.command]
    assert raws == [
        f"ip netns exec {ns} $current_dir/../functions.sh enable_seg6" for ns in ("h1", "r1", "h2")
    ]
    assert not any(
        "echo_run" in p for op in ops if isinstance(op, Raw) for p in programs(op.command)
    )
    assert not any("calls echo_run" in w for w in warnings)
    # (what iplab cannot know in it is said, as before)
    assert (
        "line 55 (in create_net, called at line 72): $current_dir is the script's own folder"
        " (line 11), which the lab's shell does not have (its $0 is not the script): kept as a"
        " raw command, which runs with another value"
    ) in warnings


def test_calls_with_known_arguments_are_read_as_before() -> None:
    ops, _ = _dy06()
    made = [op for op in ops if isinstance(op, NetnsAdd)]
    assert made == [NetnsAdd(name="h1"), NetnsAdd(name="r1"), NetnsAdd(name="h2")]
    assert sum(not isinstance(op, Raw) for op in ops) == 28


def test_a_wrapper_that_does_more_is_not_read_so() -> None:
    script = (
        "#!/bin/bash\nDIR=$(dirname $(realpath $0))\n"
        'run() { mkdir -p /tmp/x; "$@" || exit 1; }\nrun ip netns exec a $DIR/x.sh\n'
    )
    result = import_text(script, "shell", "lab.sh")
    ops = [s.op for s in scenario.load_text(result.yaml, "lab.yaml").steps]
    assert any(isinstance(op, Raw) and op.command.startswith("run ") for op in ops)
