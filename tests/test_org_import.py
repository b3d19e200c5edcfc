"""Org pages (Emacs's Org mode: lab notes, a literate lab run with Babel) are read
(iplab.importer.org): they were refused, saying to export them to Markdown first.
tests/fixtures/org/ holds a literate lab as a student keeps it: header arguments for
the whole page (``:dir /sudo::``), blocks inside list items, ``#+RESULTS:`` under a
block, a block Babel does not run (``:eval no``), one that runs on another host, a
COMMENT subtree, a table, a drawer, an Emacs Lisp block."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.org import _inline, _unescaped, read_org
from iplab.importer.reader import Note
from iplab.steps import NetnsAdd
from tests import kernel, pages
from tests.conftest import FIXTURES

LAB = FIXTURES / "org" / "01-literate-netns-lab.org"


def _line_of(text: str) -> int:
    """The number of the fixture's line that holds ``text`` (1-based)."""
    lines = LAB.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_a_literate_lab_s_source_blocks_are_its_commands_in_order() -> None:
    result, sc = pages.imported(LAB)
    assert detect_kind(LAB.name, LAB.read_text(encoding="utf-8")) == "org"
    assert sc.title == "Two namespaces and a bridge -- literate lab notes"
    assert result.lines[:5] == (
        "ip netns add red",
        "ip netns add blue",
        "ip netns list",
        "ip link add br-lab type bridge",
        "ip link set br-lab up",
    )  # (the blocks of the list items, their indentation taken off)
    assert result.lines[-3:] == ("ip netns del red", "ip netns del blue", "ip link del br-lab")
    assert result.lines.count("ip netns exec red ping -c 2 10.10.0.3") == 1
    assert len(result.lines) == 23 and result.raw == 0 and result.teardown == 3
    assert result.sudo == "never"  # (Babel runs them as root: no sudo on the page)


def test_what_babel_printed_and_what_it_does_not_run_are_not_commands() -> None:
    result, _ = pages.imported(LAB)
    assert not {"blue", "red", ": blue"} & set(result.lines)  # #+RESULTS: fixed-width lines
    assert not any("PING" in line or "bytes from" in line for line in result.lines)
    assert "ip -all netns delete" not in result.lines  # :eval no
    assert not any("junk0" in line for line in result.lines)  # a COMMENT subtree
    assert not any("org-babel" in line or "|" in line for line in result.lines)
    warnings = "\n".join(result.warnings)
    ssh = _line_of(":dir /ssh:student@labvm:")
    assert f"line {ssh}: a block that runs on another host (:dir /ssh:student@labvm:)" in warnings
    assert f"line {_line_of(':eval no')}: a block Babel does not run (:eval no): shown" in warnings
    assert f"line {_line_of('* COMMENT scratch')}: a COMMENT heading" in warnings


def test_headings_lose_their_keyword_priority_and_tags() -> None:
    _title, reader = read_org(LAB.read_text(encoding="utf-8"))
    headings = [e.text for e in reader.events if isinstance(e, Note) and e.kind == "heading"]
    assert headings == [
        "Addresses",
        "Namespaces and the bridge",
        "Cables",
        "Addresses and a ping",
        "Cleanup",
    ]  # (the COMMENT subtree not read)
    notes = " ".join(e.text for e in reader.events if isinstance(e, Note))
    assert ":PROPERTIES:" not in notes and "CREATED" not in notes and "|" not in notes


def test_a_call_of_a_named_block_is_said() -> None:
    page = "* Lab\n#+name: mk\n#+begin_src sh\nip netns add c1\n#+end_src\n#+CALL: mk()\n"
    result = import_text(page, "org", "lab.org")
    assert result.lines == ("ip netns add c1",)
    assert any(w.startswith("line 6: #+CALL: mk() runs a named block") for w in result.warnings)


def test_only_a_heading_s_leading_keyword_and_priority_go() -> None:
    _, reader = read_org("* TODO [#A] Fix the DONE thing :lab:\n* DONE Setup\n")
    headings = [e.text for e in reader.events if isinstance(e, Note) and e.kind == "heading"]
    assert headings == ["Fix the DONE thing", "Setup"]


def test_a_block_s_lines_as_org_gives_them_to_babel() -> None:
    """Org escapes a block's line that starts with ``*`` or ``#+`` with a comma, and
    indents a block inside a list item: Babel runs the lines without either."""
    body = [(1, "   ,* not a heading"), (2, "   ,#+begin_src"), (3, "     ip a"), (4, "")]
    assert _unescaped(body) == [(1, "* not a heading"), (2, "#+begin_src"), (3, "  ip a"), (4, "")]
    assert _unescaped([(1, ",,* two")]) == [(1, ",* two")]


def test_a_block_s_var_is_set_as_babel_sets_it() -> None:
    """Babel sets a shell block's ``:var NS="q2"`` before its lines run: the lines use
    ``$NS``; a value that names another block or a table is not read, and said."""
    page = (
        '* Lab\n#+begin_src sh :var NS="q2" :var N=3\nip netns add $NS\nip netns add q$N\n'
        "#+end_src\n#+begin_src sh :var T=addresses\nip netns add $T\n#+end_src\n"
    )
    result = import_text(page, "org", "lab.org")
    assert result.lines == ("ip netns add $NS", "ip netns add q$N", "ip netns add $T")
    sc = scenario.load_text(result.yaml, "lab.yaml")
    made = [step.op.name for step in sc.steps if isinstance(step.op, NetnsAdd)]
    assert made == ["q2", "q3"]  # ($T: a raw step)
    assert any(":var T=addresses names another block or a table" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("org", "shown"),
    [
        ("check with ~ip netns list~:", "check with `ip netns list`:"),
        ("joins =br-lab=.", "joins `br-lab`."),
        ("see [[https://man7.org/ip.8.html][ip(8)]]", "see ip(8)"),
        ("run src_sh{ip -br link} now", "run `ip -br link` now"),
        ("a = b and x=y=z", "a = b and x=y=z"),
    ],
)
def test_inline_markup_reads_as_the_text_it_shows(org: str, shown: str) -> None:
    assert _inline(org) == shown


@pytest.mark.kernel
def test_the_literate_lab_runs_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """The whole page, run: its bridge, veths and addresses made, its ping judged, and all
    of it undone."""
    result, _ = pages.imported(LAB)
    done = pages.run(pages.written(result, tmp_path), prefix, state_dir, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "verify: the kernel holds what the scenario promised" in done.stdout
    assert "nothing of the lab remains" in done.stdout
    assert kernel.cleanup_prefix(prefix) == []  # iplab left nothing
