"""Hunt EI #3 (hunt DX's leftovers), two pages whose text lost its line breaks.

- besthub's page (tests/fixtures/pages-dx/dx05-...): ``ip netns list`` printed ``ns0``,
  glued to step 3's title, ``ns03. Verify the namespace directory``; the whole line was the
  next step's title (``ns03``), and ``link/loopback ... 00:002. Bring the loopback interface
  up`` another. Now what the command printed is its output, the rest the heading, said.
- zingmp3's page (dx01-...): ``root@machine-1:~# ip --all netns exec ip link`` glued inside
  what ``ip link`` printed is not read, on purpose (where the command ends cannot be told,
  and ``ip --all netns exec`` runs in every namespace of the host); nothing said so. Now a
  warning does, naming the line and why."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES

DX05 = FIXTURES / "pages-dx" / "dx05-besthub-root-qll253-glued-step-numbers.md"
DX01 = FIXTURES / "pages-dx" / "dx01-zingmp3-medium-root-machine1-all-netns-glued.md"


def _imported(path: str) -> tuple[str, tuple[str, ...]]:
    page = FIXTURES / "pages-dx" / path
    text = page.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(page.name, text), page.name)
    return result.yaml, result.warnings


def test_output_glued_to_the_next_step_s_title_is_output_then_the_title() -> None:
    yaml, warnings = _imported(DX05.name)
    assert "title: ns03" not in yaml
    assert "  - title: 3. Verify the namespace directory\n" in yaml
    assert "  - title: 2. Bring the loopback interface up\n" in yaml
    assert (
        "line 21: 'ns0', what the command above printed, is glued to the heading after it,"
        " '3. Verify the namespace directory' (the line break between them lost): read as its"
        " output, then the heading"
    ) in warnings


def test_a_prompt_glued_inside_output_is_said_not_read_and_why() -> None:
    yaml, warnings = _imported(DX01.name)
    said = [w for w in warnings if w.startswith("line 21: root@machine-1:~#")]
    assert len(said) == 1, warnings
    assert "not read" in said[0]
    assert "runs its command in every namespace of the host" in said[0]
    assert "--all" not in yaml.split("# --- import summary")[0]


def test_a_sentence_that_names_a_prompt_is_no_glued_command() -> None:
    page = (
        "Text.\n\nroot@lab:~# ip netns list\nred\n"
        "the prompt is root@lab:~# and bash's continuation prompt is >.\n"
    )
    warnings = import_text(page, "markdown", "p.md").warnings
    assert not any("glued inside the line" in w for w in warnings)
