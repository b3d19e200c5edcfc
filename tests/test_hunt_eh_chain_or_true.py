"""Hunt EH: a course's netem script (tests/fixtures/scripts-eh/
eh04-course-and-chain-or-true-netem-lo.sh, au-networks' ``netnsct.sh``) is one long chain,
a command a line with ``&& \\`` after each, two of them ``X 2> /dev/null || true && \\``.
The grammar nests the chain to the left, so the second ``|| true`` takes everything before
it: iplab read that only for one command (or a pipeline), and the whole chain became one
raw step of unknown effect, the model saying "namespace lossy does not exist". Bash runs
the chain one command after the other, and the ``|| true`` lets the command before it
fail. Now so does iplab: each command a typed step, the one before each ``|| true`` a step
that may fail; rendered as written."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.test_importer import rendered_lines

EH04 = FIXTURES / "scripts-eh" / "eh04-course-and-chain-or-true-netem-lo.sh"


def test_the_course_script_is_typed_steps() -> None:
    text = EH04.read_text()
    result = import_text(text, "shell", EH04.name, arguments=["lossy"])
    assert result.model_error is None, result.model_error
    assert (result.typed, result.raw) == (6, 0)
    assert result.yaml.count("may_fail: true") == 2, result.yaml
    assert rendered_lines(result)[:2] == ["sudo ip netns del lossy", "sudo ip netns add lossy"]


def test_the_or_true_is_the_last_command_s() -> None:
    text = (
        "#!/bin/bash\nip netns add x && \\\nip link del v 2> /dev/null || true && \\\n"
        "ip link add v type veth peer name w\n"
    )
    result = import_text(text, "shell", "lab.sh")
    assert result.model_error is None, result.model_error
    assert (result.typed, result.raw) == (3, 0)
    steps = result.yaml.split("  - action: ")[1:]
    assert ["may_fail: true" in step for step in steps] == [False, True, False], steps


def test_a_chain_of_several_or_trues() -> None:
    text = (
        "ip netns add x || true && ip link add v type veth peer name w || true"
        " && ip link set v up\n"
    )
    result = import_text(text, "shell", "lab.sh")
    assert result.model_error is None, result.model_error
    assert (result.typed, result.raw) == (3, 0)
    assert result.yaml.count("may_fail: true") == 2, result.yaml


def test_which_one_may_fail_unsaid_stays_one_raw_step() -> None:
    # (a && b || true: a's failure and b's are both let go; without b's errors silenced,
    # or a let fail already, iplab cannot say which is meant: one raw step, as before)
    line = "ip link add b1 type bridge && ip link set b1 up || true"
    result = import_text(f"ip link add b0 type bridge\n{line}\n", "shell", "lab.sh")
    assert f"command: {line}" in result.yaml, result.yaml
