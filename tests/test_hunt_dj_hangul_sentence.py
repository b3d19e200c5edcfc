"""Hunt DJ #2: a Korean wiki's page saved as text (joinc.co.kr), its commands typed at a
root prompt on lines of their own (``# ip netns add blue``) under sentences that start
with the program's name (``ip 명령은 네트워크 인터페이스, ... 만들었다.``: "the ip command
is ...").

Before, the sentence above was taken for a command, so the ``# ip netns add blue`` under
it for a line of a script commented out, no prompt: read as a heading, it became the
lab's title and the namespace was never made (the page's next command listed it). Now a
line whose word after the first is written in Hangul, Chinese or Japanese is a sentence
(``ip 명령은``, ``ip 命令用于``), and the line under it is read at its prompt."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.prose import is_sentence
from tests import kernel, pages
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dj" / "dj08-joinc-korean-hash-prompt-list-flattened.txt"


def test_a_sentence_that_starts_with_the_programs_name() -> None:
    assert is_sentence("ip 명령은 네트워크 인터페이스, 라우팅, 터널을 관리하기 위한 도구다.")
    assert is_sentence("ip 命令用于显示或操纵 Linux 主机的路由")
    assert is_sentence("veth 与其中 network ns 紧密相关")
    assert not is_sentence("echo 你好 world")  # (a program that prints its words)
    assert not is_sentence("ip netns add blue")
    assert not is_sentence("ip netns exec blue ip link set lo up")


def test_the_namespace_is_made_and_is_not_the_title() -> None:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    loaded = scenario.load_text(result.yaml, "page.yaml")
    assert loaded.title != "ip netns add blue"
    made, listed = loaded.steps
    assert (made.op.action, getattr(made.op, "name", None)) == ("netns add", "blue")
    assert listed.op.action == "show"


@pytest.mark.kernel
def test_the_page_runs_and_leaves_nothing(tmp_path: Path) -> None:
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    prefix = f"djx{uuid.uuid4().hex[:4]}"  # (hunt DJ's own family of names)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    try:
        done = pages.run(pages.imported_file(PAGE, tmp_path), prefix, state, tmp_path)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr
        assert f"ip netns add {prefix}blue" in done.stdout
        assert "nothing of the lab remains" in done.stdout
    finally:
        assert kernel.cleanup_prefix(prefix, family="djx") == []  # iplab left nothing
