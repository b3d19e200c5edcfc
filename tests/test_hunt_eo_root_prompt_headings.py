"""Hunt EO #1: a page's root-prompt lines outside any code block, on a page whose code blocks
are only what its commands printed.

codeblogbt's "Linux network namespace" post (tests/fixtures/stored-pages/as-p11-codeblogbt-
hash-prompts.txt, http://www.codeblogbt.com/archives/301596) types ``# ip netns add blue``,
``# ip link add veth0 type veth peer name veth1``... on lines of their own, the output of
``ip link list`` under them indented four spaces. Saved as Markdown (``.md``), each ``# ip``
line is a heading, each indented output line a code block: hunt DR's rule (a page with no code
block whose ``# ...`` headings hold two ip commands or more is a root shell's) did not hold, so
the seven ``# ip`` lines were headings, lost with no word; the lab kept the bare lines of the
page's last section only (ns1, ns2), never blue nor veth0. A code block that holds no command
(what a command printed) no longer stops the rule, and the page says which lines it read."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "stored-pages" / "as-p11-codeblogbt-hash-prompts.txt"


def _imported(text: str, name: str = "page.md") -> tuple[str, list[str]]:
    result = import_text(text, detect_kind(name, text), name)
    return result.yaml.split("\n# --- import summary")[0], list(result.warnings)


def test_the_root_prompts_of_a_page_saved_as_markdown_are_commands() -> None:
    yaml, warnings = _imported(PAGE.read_text(encoding="utf-8"))
    assert "name: blue" in yaml  # ip netns add blue
    assert "veth0" in yaml and "veth1" in yaml  # ip link add veth0 type veth peer name veth1
    assert "name: ns1" in yaml  # (the bare lines of the last section, read as before)
    said = [w for w in warnings if "outside any code block" in w]
    assert said and said[0].startswith("lines 6, 8, 16"), warnings


def test_a_code_block_of_commands_still_keeps_the_headings() -> None:
    page = (
        "# ip netns add a\n\nMake it:\n\n    ip netns add b\n\n# ip netns del a\n\n"
        "It printed:\n\n    1: lo: <LOOPBACK> mtu 65536\n"
    )
    yaml, _ = _imported(page)
    assert "name: b" in yaml and "name: a" not in yaml
