"""Hunt EH: a course's script (tests/fixtures/scripts-eh/eh04-course-and-chain-or-true-netem-lo.sh)
says each step before it takes it, ``echo "Creating ..." && \\`` then the command. In its
long chain that was read right; the same words on a line of their own, ``echo "..." && ip
netns add x``, took the echo for a check (it only reads), so the command became a step
that may fail, as after ``ip link show x &>/dev/null &&``: a failure the author does not
expect was gone past. The echo always works, so bash always runs the command after it;
now the command is a plain step (one after a real check is as before)."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text


@pytest.mark.parametrize("said", ['echo "Creating x"', "printf 'making x\\n'"])
def test_a_command_after_echo_and_is_a_plain_step(said: str) -> None:
    text = f"#!/bin/bash\n{said} && ip netns add x && ip netns exec x ip link set lo up\n"
    result = import_text(text, "shell", "lab.sh")
    assert result.model_error is None, result.model_error
    assert (result.typed, result.raw) == (2, 0)
    assert "may_fail" not in result.yaml, result.yaml


def test_after_a_check_it_still_may_fail() -> None:
    text = "#!/bin/bash\nip netns add x\nip link show v &>/dev/null && ip link del v\n"
    result = import_text(text, "shell", "lab.sh")
    assert "may_fail: true" in result.yaml, result.yaml
