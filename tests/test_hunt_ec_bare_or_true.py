"""Hunt EC #1: thecontainerdbook's chapter 19 (tests/fixtures/pages-ec/ec02-..., a page whose
code blocks were lost) ends its cleanup with ``sudo ip link del cdb-host 2>/dev/null || true``:
delete the host's end if it is still there, and go on when it is not.

On a page with no code blocks such a line was dropped with no word (the render ended one line
short), where the same line in a code block is read as a step that may fail. Now a bare ip line
that lets itself fail (``|| true``, ``|| :``) is read as a code block reads it."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "pages-ec" / "ec02-containerdbook-sudo-ip-n-cleanup-or-true.md"


def _import(page: str) -> str:
    return import_text(page, "markdown", "page.md").yaml


def test_a_bare_line_let_fail_is_read() -> None:
    yaml = _import(
        "Cleanup:\nsudo ip netns add a\nsudo ip link del cdb-host 2>/dev/null || true\nDone.\n"
    )
    assert "sudo ip link del cdb-host 2>/dev/null || true" in yaml
    assert "line 3: the page has no code blocks" in yaml


def test_colon_too_and_without_quieting() -> None:
    yaml = _import("Text.\nsudo ip netns add a\nip netns del a || :\nip link del x || true\n")
    assert "ip netns del a || :" in yaml
    assert "ip link del x || true" in yaml


def test_the_page_s_last_cleanup_line_is_read() -> None:
    text = PAGE.read_text(encoding="utf-8")
    yaml = import_text(text, detect_kind(PAGE.name, text), PAGE.name).yaml
    assert "sudo ip link del cdb-host 2>/dev/null || true" in yaml
    assert "model: OK" in yaml


def test_a_sentence_with_or_stays_prose() -> None:
    yaml = _import("Text.\nsudo ip netns add a\nRun ip link del x || true if you like.\n")
    steps = [ln for ln in yaml.splitlines() if ln.strip().startswith(("line:", "command:"))]
    assert not any("if you like" in ln for ln in steps)
