"""Hunt EU #1 (left by hunt EP): a step that changes nothing lasting was said to be one
iplab "cannot undo". tests/fixtures/scripts-ep/ep03-wg-three-boxes-bridge-in-namespace-
brctl.sh (gin66/wg_netmanager's ns/three_boxes.sh) ends its test with ``sudo ip netns exec
alice killall sudo``: a signal, which iplab's run limits to the lab's own processes, and
which leaves nothing behind to undo; ``ip netns exec X false`` (or ``sh -c 'exit 1'``) only
fails. Both were listed beside the script's ``tmux split-pane -h sudo ip netns exec ...``
lines, whose panes iplab indeed cannot stop. A command run in a namespace is judged as the
same command in the root namespace is: a signal to the lab's jobs, a check that only fails
or prints, a reader: nothing to undo, wherever it runs."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from iplab.jobs import request
from tests.conftest import FIXTURES

EP03 = FIXTURES / "scripts-ep" / "ep03-wg-three-boxes-bridge-in-namespace-brctl.sh"


def test_the_three_boxes_killall_is_nothing_to_undo() -> None:
    result = import_text(EP03.read_text(encoding="utf-8"), "shell", EP03.name)
    assert result.model_error is None, result.model_error
    assert not any("killall" in line for line in result.cannot_undo), result.cannot_undo
    # (what iplab truly cannot stop stays said: a command started in a tmux pane)
    tmux = [line for line in result.cannot_undo if "tmux split-pane" in line]
    assert len(tmux) == 3 and len(result.cannot_undo) == 3, result.cannot_undo


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec a false",
        "ip netns exec a killall sudo",
        "ip netns exec a killall -q iperf",
        "ip netns exec a pkill -f server",
        "ip netns exec a kill %1",
        "ip netns exec a sh -c 'exit 1'",
        "ip netns exec a bash -c 'false || echo failed'",
        "ip netns exec b false",  # (a namespace the lab does not make: false changes nothing)
    ],
)
def test_a_command_that_changes_nothing_in_a_namespace(line: str) -> None:
    text = f"ip netns add a\nsleep 60 &\n{line}\n"
    result = import_text(text, "shell", "lab.sh")
    assert result.cannot_undo == (), result.cannot_undo


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec a touch-something /var/lib/x",
        "ip netns exec a sh -c 'false || rm -rf /var/lib/x'",
        "ip netns exec b modprobe wireguard",
    ],
)
def test_what_may_change_something_stays_said(line: str) -> None:
    result = import_text(f"ip netns add a\n{line}\n", "shell", "lab.sh")
    assert len(result.cannot_undo) == 1 and "line 2" in result.cannot_undo[0], result.cannot_undo


EU02 = FIXTURES / "scripts-eu" / "eu02-quic-opensand" / "teardown-opensand.sh"


def test_killall_s_option_after_the_name() -> None:
    """moonlight200/quic-opensand-emulation's teardown-opensand.sh: ``sudo ip netns exec ns1
    killall opensand-st -q``, killall's option after the name (GNU getopt reads it so): it
    was no killall iplab read, and the model refused the script as signalling the host's
    processes. It is ``killall -q opensand-st``, limited to the lab's processes."""
    result = import_text(EU02.read_text(encoding="utf-8"), "shell", EU02.name)
    assert result.model_error is None, result.model_error
    assert not any("killall" in line for line in result.cannot_undo), result.cannot_undo


@pytest.mark.parametrize(
    ("command", "pattern", "signal"),
    [
        ("killall opensand-st -q", "opensand-st", 15),
        ("killall x -s KILL", "x", 9),
        ("pkill srv -f", "srv", 15),
        ("killall -- -odd", "-odd", 15),
    ],
)
def test_options_after_the_name(command: str, pattern: str, signal: int) -> None:
    asked = request(command)
    assert asked is not None and asked.pattern == pattern and asked.signal == signal, asked
