"""Hunt BJ #1: a script shown whole from its ``#!`` line has no PS2 prompt.

``tests/fixtures/stored-pages-5/bg-p05-single-host.md`` shows a script, ``#!/usr/bin/env
bash`` first, that prints headings: ``echo "> Network devices"``, then ``echo -e "`` and
``> Route table"`` on the next line. ``render`` printed ``Route table"`` (the ``> `` taken
for bash's PS2 prompt, as in a page's block typed at a terminal), and the ``echo -e`` steps
were listed as steps iplab cannot undo though they only print. Now the script's ``> `` is
its text (render prints the page's line, the run echoes it), and the steps only read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.cli import main
from iplab.importer.convert import detect_kind, import_text
from iplab.words import reads_only
from tests.conftest import FIXTURES

PAGE = FIXTURES / "stored-pages-5" / "bg-p05-single-host.md"


def test_render_prints_the_script_s_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PAGE.read_text()
    result = import_text(text, detect_kind(str(PAGE), text), str(PAGE))
    lab = tmp_path / "lab.yaml"
    lab.write_text(result.yaml)
    assert main(["render", str(lab)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:8] == [
        'echo "> Network devices"',
        "ip link",
        'echo -e "',
        '> Route table"',
        "ip route",
        'echo -e "',
        '> Iptables rules"',
        "iptables --list-rules",
    ]
    assert 'command: echo -e ""$\'\\n\'"> Route table"' in result.yaml  # what runs
    assert "cannot undo" not in result.summary()  # (they only print)


def test_a_page_s_block_still_has_its_ps2_prompt() -> None:
    text = '```\necho -e "10.0.0.1 red\n> 10.0.0.2 blue" > /tmp/lab-hosts\n```\n'
    result = import_text(text, "markdown", "page.md")
    assert 'command: echo -e "10.0.0.1 red"$\'\\n\'"10.0.0.2 blue" > /tmp/lab-hosts' in (
        result.yaml
    )


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ('echo -e ""$\'\\n\'"> Route table"', True),  # all text, in quotes
        ("echo $'a\\'b' x", True),  # (an escaped quote in bash's $'...')
        ("echo \\> x", True),
        ('echo "> x" > f', False),  # the second > is the shell's
        ('echo "$(rm -f x)"', False),
        ("echo $'a' ; rm -f x", False),
        ("echo 'a\nb' | sh", False),
    ],
)
def test_text_in_quotes_reads(command: str, reads: bool) -> None:
    assert reads_only(command) is reads
