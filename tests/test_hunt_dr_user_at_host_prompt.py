"""Hunt DR #6: the ip command reference (linux-ip.net's ip-cref, tests/fixtures/pages-dr/
dr11-...) types its commands at Alexey Kuznetsov's prompt, ``kuznet@kaiser $ cat
/tmp/ip_batch.ip | sudo ip -b -``: user@host, a space, then ``$`` (no ``:path``), as a
PS1 of ``\\u@\\h \\$ `` prints; ``root@router#`` likewise, glued.

No prompt was seen: the page was "no command found", the reason given a word of its
definition list ("'route' looks like a command, but stands alone in the prose"). Now
``user@host $``, ``user@host #`` and ``user@host#`` are prompts, as ``user@host:~$`` is."""

from __future__ import annotations

import pytest

from iplab.importer.convert import detect_kind, import_text
from iplab.importer.reader import prompt_of, strip_prompt
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "pages-dr" / "dr11-ipcref-batch-file-shown-by-cat.txt"


@pytest.mark.parametrize(
    ("line", "typed"),
    [
        ("kuznet@kaiser $ sudo ip -b /tmp/ip_batch.ip", "sudo ip -b /tmp/ip_batch.ip"),
        ("root@router # ip route", "ip route"),
        ("root@router# ip netns add a", "ip netns add a"),
        ("alice@laptop:~$ ip a", "ip a"),
    ],
)
def test_the_prompts(line: str, typed: str) -> None:
    assert strip_prompt(line) == typed


def test_not_prompts() -> None:
    assert prompt_of("mail me@example.org $5 a month") is None
    assert prompt_of("ip addr add 10.0.0.1/24 dev v0") is None


def test_the_page_s_commands_are_read() -> None:
    text = PAGE.read_text(encoding="utf-8")
    yaml = import_text(text, detect_kind(PAGE.name, text), PAGE.name).yaml
    assert "ip -b -" in yaml.split("# --- import summary")[0]
