"""Hunt DR #4: cubepath.com's "Network Namespace Isolation Advanced Guide" (tests/fixtures/
pages-dr/dr09-..., a page whose code blocks were lost) continues a command on the next line
with a ``\\`` at the line's end, as shells do: ``sudo find /proc -maxdepth 3 -name net -type l
2>/dev/null | \\`` then ``xargs -I{} readlink {} | sort -u``.

On a page with no code block such a line was read alone: "cannot be split into words as a
shell would", dropped, and the line under it imported as a command of its own (``xargs ...``,
said not undoable); ``sudo ip netns exec a \\`` over ``ip link set lo up`` became a step's
title and the ip line ran on the host; ``ip link add v0 type veth \\`` over two more lines
was lost with no word. Now the lines a ``\\`` joins are one command, read at its first line,
as a code block reads them. And, a shell being open (``sudo ip netns exec ns1 bash``), the
page's bare ``exit`` leaves it (the lines after it ran in the shell)."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "pages-dr" / "dr09-cubepath-shell-exit-del-then-reuse.md"


def _import(page: str) -> str:
    return import_text(page, "markdown", "page.md").yaml


def _setup(yaml: str) -> str:
    return yaml[yaml.index("setup:") : yaml.index("# --- import summary")]


def test_a_pipe_continued_is_one_command() -> None:
    yaml = _import(
        "Text.\n\nsudo ip netns add a\nsudo find /proc -maxdepth 3 -name net | \\\n"
        "xargs -I{} readlink {} | sort -u\n"
    )
    assert "cannot be split into words" not in yaml
    assert "find /proc -maxdepth 3 -name net | xargs -I{} readlink {} | sort -u" in _setup(yaml)


def test_netns_exec_continued_runs_in_the_namespace() -> None:
    yaml = _import(
        "Some text here.\n\nsudo ip netns add a\nsudo ip netns exec a \\\n  ip link set lo up\n"
    )
    setup = _setup(yaml)
    assert "in: a" in setup
    assert "model: OK" in yaml


def test_three_lines_continued_make_one_link() -> None:
    yaml = _import(
        "Some text here.\n\nsudo ip netns add x\nip link add v0 type veth \\\npeer name v1 \\\n"
        "netns x\nip link set v0 up\n"
    )
    setup = _setup(yaml)
    assert "peer: v1" in setup
    assert "model: OK" in yaml


def test_the_page_s_exit_leaves_the_shell() -> None:
    text = PAGE.read_text(encoding="utf-8")
    yaml = import_text(text, detect_kind(PAGE.name, text), PAGE.name).yaml
    assert "never left with exit" not in yaml
    assert "cannot be split into words" not in yaml
    # the page deletes ns1 (line 27), then moves veth1 into it: the model says so
    assert "namespace ns1 does not exist" in yaml
