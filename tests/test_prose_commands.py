"""Commands a page gives in its prose, and words iproute2 ignores (hunt F).

The inputs are the hunt's own files (tests/fixtures/prose-commands).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.convert import ImportResult, detect_kind, import_text

PROSE = Path(__file__).parent / "fixtures" / "prose-commands"


def _import(name: str) -> ImportResult:
    text = (PROSE / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


@pytest.mark.parametrize(
    ("name", "deleted"),
    [
        ("14-inline-compound-cleanup.md", ["a", "b"]),
        ("06-ipvlan-l2-l3.md", ["a", "b", "c", "host"]),
    ],
)
def test_a_compound_cleanup_in_prose_is_read_statement_by_statement(
    name: str, deleted: list[str]
) -> None:
    """Hunt F: ``cleanup: `ip netns del a; ip netns del b` `` was dropped with no warning,
    where a single inline command is read (with a warning). Each statement of the span is
    read as the single one is."""
    result = _import(name)
    assert result.lines[-len(deleted) :] == tuple(f"ip netns del {ns}" for ns in deleted)
    assert result.teardown == len(deleted)
    said = [w.split(": ", 1)[1] for w in result.warnings if "not in a code block" in w]
    assert said == [
        f"not in a code block; 'ip netns del {ns}' is read as a command" for ns in deleted
    ]


def test_ip_netns_del_of_two_names_says_ip_ignores_the_second() -> None:
    """Hunt F: ``sudo ip netns del ctr1 ctr2`` deletes ctr1 only (iproute2 ignores ctr2 and
    exits 0: checked); the import said nothing. It says so."""
    result = _import("13-netns-del-two.md")
    assert (
        "line 18: 'sudo ip netns del ctr1 ctr2': ip netns del deletes ctr1 only; ip ignores"
        " ctr2 (and exits 0): delete each with a line of its own"
    ) in result.warnings
