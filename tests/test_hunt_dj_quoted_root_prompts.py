"""Hunt DJ #3: a mailing list's reply saved as text (containers@lists.linux-foundation.org,
"Atomically changing NIC dev name + namespace ?"), whose only commands are the ones it
quotes from the message it answers, typed at a root prompt: ``>   # ip link set eth1 name
eth0``, ``>   # ip link set eth0 ns $PID`` (the host's eth1, renamed and moved to a
process's namespace).

Before, import said "no command found; lines 12, 13, 15, ... hold ip commands inside
sentences (a transcript?): write each on a line of its own": they are on lines of their
own, and the advice led to running the other writer's commands on the host's own link.
Now a quoted line at a root prompt is said to be quoted, as a quoted command with no prompt
was (hunt Z): the other writer's text, not read."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dj" / "dj09-lkml-containers-quoted-rename-host-eth1.txt"


def test_quoted_commands_at_a_root_prompt_are_said_quoted() -> None:
    text = PAGE.read_text(encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    said = str(raised.value)
    assert "no command found" in said
    assert "quoted ('> ') from the message this one replies to" in said
    assert "'ip link set eth1 name eth0'" in said
    assert "inside sentences" not in said


def test_a_reply_runs_its_own_commands_not_the_quoted_ones() -> None:
    text = (
        "On Mon, Dan wrote:\n"
        "> I do this:\n"
        ">   # ip link set eth1 name eth0\n"
        "\n"
        "Try a namespace of your own first, it is safer:\n"
        "\n"
        "# ip netns add trial\n"
    )
    result = import_text(text, "markdown", "reply.txt")
    steps = result.yaml.split("# --- import summary ---")[0]
    assert "eth1" not in steps
    assert "trial" in steps
    assert any("quoted ('> ')" in w and "eth1" in w for w in result.warnings)
