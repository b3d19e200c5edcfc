"""Hunt DC #1: a page that writes its remarks after the commands in C's comment syntax
(``# ip netns exec net1 bash    // 在 net1 中打开一个shell终端``): bash hands ``//`` and
the words after it to the command, so the import ran ``bash //`` in net1 (``//: Is a
directory``: the run failed and rolled back), read ``ip addr // ...`` typed in that shell
as the host's, and lost ``exit // 退出net1`` into the next step's prose."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.remarks import without_remark
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "stored-pages-14" / "ctimbai-netns-shell-slashcomments.md"


def _imported() -> tuple[str, list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    return result.yaml, list(result.warnings)


def test_the_shell_opened_in_net1_is_read_with_its_lines() -> None:
    """The shell is opened in net1, ``ip addr`` is typed in it and ``exit`` closes it:
    the lab is the page's without its remarks, each remark said once."""
    yaml, warnings = _imported()
    loaded = scenario.load_text(yaml, "page.yaml")
    assert not [s for s in loaded.steps if "//" in f"{s.op.text} {s.verbatim}"]
    session = next(s for s in loaded.steps if "ip netns exec net1 bash" in (s.verbatim or ""))
    assert (session.verbatim or "").splitlines() == ["ip netns exec net1 bash", "ip addr", "exit"]
    assert getattr(session.op, "ns", None) == "net1"  # (ip addr typed in net1's shell)
    assert "exit" not in "\n".join(s.prose or "" for s in loaded.steps)
    said = [w for w in warnings if "the author's remark" in w]
    assert len(said) == 3
    assert said[0].startswith("line 24: '// 在 net1 中打开一个shell终端' after 'ip netns exec")


@pytest.mark.parametrize(
    "line",
    ["ls // x", 'echo "a // b"', "sed s//x/ f", "curl http://h/ // x", "ip link add type veth"],
)
def test_a_slash_word_a_program_may_take_is_kept(line: str) -> None:
    assert without_remark(line) is None
