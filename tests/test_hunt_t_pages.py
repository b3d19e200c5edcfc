"""Real tutorials of hunt T (a university handout, a man page, DigitalOcean's highlight
marks, a pingall loop): what a page mentions stays prose, what it runs is read as bash
would run it.

The inputs are the hunt's own files (tests/fixtures/plaintext, tests/fixtures/famous).
"""

from __future__ import annotations

from pathlib import Path

from iplab.importer.convert import ImportResult, detect_kind, import_text

HERE = Path(__file__).parent / "fixtures"
TEXT = HERE / "plaintext"
FAMOUS = HERE / "famous"


def _import(path: Path, text: str | None = None) -> ImportResult:
    text = path.read_text(encoding="utf-8") if text is None else text
    return import_text(text, detect_kind(path.name, text), path.name)


def test_a_command_in_the_second_line_of_a_question_is_prose() -> None:
    """Hunt T: a handout's ``Q3. ... Explain`` / ``what you see with `sudo ip netns exec r1
    tcpdump -ni vA-r`.`` was read as a command (tcpdump started as step 21; with ``ip addr
    flush`` in the backquotes, a setup step): a wrapped sentence's second line looked like
    an instruction. It stays prose, whatever the backquotes hold."""
    path = TEXT / "hunt-t-08-uni-handout.txt"
    result = _import(path)
    assert not any("tcpdump" in line for line in result.lines)
    assert not any("line 52" in w for w in result.warnings)
    assert "what you see with sudo" in result.yaml
    flushed = path.read_text(encoding="utf-8").replace(
        "r1 tcpdump -ni vA-r", "a ip addr flush dev lo"
    )
    assert not any("flush" in line for line in _import(path, flushed).lines)
    # the handout's own command lines are still read
    assert "sudo ip netns exec hostA ping -c 3 10.0.2.10" in result.lines
