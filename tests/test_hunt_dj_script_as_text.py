"""Hunt DJ #8: a Chinese page saved as text (rectcircle.cn, "veth"), no code blocks left,
that gives its experiment as a script: ``#!/usr/bin/env bash``, then ``echo '===初始状态网络
设备'``, ``ip addr show``, ``cat /proc/net/arp``, ``sudo ip link add veth0 type veth peer
name veth...``.

Before, its ip lines were read and the rest of the script left out with no word. Now the
``#!`` line is said: the page holds a script as text, of which only the ip lines are read;
saved as a file of its own, the script is imported whole."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = (
    REPO / "tests" / "fixtures" / "hunt-dj" / "dj04-rectcircle-veth-script-echo-root-addresses.md"
)


def test_a_script_held_as_text_is_said() -> None:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    said = [w for w in result.warnings if "#!" in w]
    assert said == [
        "line 40: '#!/usr/bin/env bash' starts a script the page holds as text, in no code"
        " block: only its ip lines are read; save the script as a file of its own (lab.sh)"
        " and import that"
    ], result.warnings


def test_a_shebang_in_a_code_block_is_not_said() -> None:
    text = "A script:\n\n```\n#!/bin/bash\nip netns add red\necho done\n```\n"
    result = import_text(text, "markdown", "page.md")
    assert not [w for w in result.warnings if "starts a script" in w]
