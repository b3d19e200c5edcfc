"""Hunt AE: Q&A threads and translated tutorials the importer read wrong (#1 a prose line
chaining commands on a page without code blocks, #2 HTML inline ``<code>`` commands after
a label, #3 a prompted line in a block not marked shell, #5 a comment ip refuses after a
command, #4 a line the page shows failing that would succeed here, #7 which step made or
deleted an object)."""

from __future__ import annotations

from typing import Any

import yaml

from iplab.importer.convert import ImportResult, detect_kind, import_text
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "threads-translated"


def _imported(name: str) -> ImportResult:
    text = (HUNT / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


def _steps(result: ImportResult, section: str) -> list[dict[str, Any]]:
    loaded = yaml.safe_load(result.yaml)
    found: list[dict[str, Any]] = []
    for block in loaded.get(section) or []:
        found += block.get("steps", [block] if "action" in block else [])
    return found


def test_a_bare_line_chaining_commands_with_semicolons_is_read_as_its_commands() -> None:
    """Hunt AE #1 (forum-quote-numbered.txt line 40): ``ip netns del red; ip netns del
    blue; ip link del br0`` on a page with no code blocks vanished with no word ("0
    teardown"), where one command on the line is read. Each command is now a teardown step."""
    result = _imported("forum-quote-numbered.txt")
    gone = [(s["action"], s.get("name", s.get("dev"))) for s in _steps(result, "teardown")]
    assert gone == [("netns del", "red"), ("netns del", "blue"), ("link del", "br0")]
    assert any(w.startswith("line 40: the page has no code blocks;") for w in result.warnings)


def test_a_chained_change_in_a_sentence_is_said_each_command() -> None:
    """Hunt AE #1 (discourse-reply.md line 36): ``(you'll need to `sudo ip netns del c1 &&
    sudo ip link del br0` first ...)`` disappeared with no warning: the chained span was no
    command iplab types. Each command is now named in the "prose names a change" warning."""
    warnings = _imported("discourse-reply.md").warnings
    said = [w for w in warnings if w.startswith("line 36: the prose names a change")]
    assert [w.split("'")[1] for w in said] == ["sudo ip netns del c1", "sudo ip link del br0"]
