"""Hunt EO #5 (left by hunt EG): what a command printed, under a paragraph that says so with
no colon (``returns``), is the command's output, not the next step's prose.

sudomesh/babeld-lab's issue #2 (tests/fixtures/pages-eg/eg10-sudomesh-babeld-lab-2-instead-of-
do-prose.md, https://github.com/sudomesh/babeld-lab/issues/2) types ``sudo ip netns exec n0 ip
route``, then ``returns``, then the two routes it printed, each a paragraph of its own (the
thread has no code block). The routes, run together on one line, and the word ``returns``
became the prose of the next step (``then calling`` / ``sudo ip netns exec n1 ip route``), and
so for each of the thread's three commands. They are now the output of the command above them,
line by line as the page has them; a paragraph of sentences after ``returns`` stays prose."""

from __future__ import annotations

import yaml as yamllib

from iplab.importer.convert import import_text
from tests.conftest import REPO
from tests.pages import page_imported

PAGE = (
    REPO / "tests" / "fixtures" / "pages-eg" / "eg10-sudomesh-babeld-lab-2-instead-of-do-prose.md"
)


def _steps(text: str) -> list[dict[str, object]]:
    loaded = yamllib.safe_load(text.split("\n# --- import summary", maxsplit=1)[0])
    return list(loaded["setup"])


def test_what_the_route_printed_is_its_output() -> None:
    steps = _steps(page_imported(PAGE).yaml)
    assert steps[0]["output"] == (
        "170.30.100.0/24 dev veth-n0  proto kernel  scope link  src 170.30.100.2\n"
        "170.30.101.2 via 170.30.101.2 dev veth-n0  proto 42 onlink"
    )
    assert "returns" not in str(steps[1].get("prose", "")), steps[1]
    assert steps[3]["output"] == "(UNKNOWN) [170.30.100.2] 80 (http) : Connection refused"


def test_sentences_after_returns_stay_prose() -> None:
    page = (
        "Then:\n\nip netns add a\n\nreturns\n\nNothing at all, which is what we want.\n\n"
        "ip netns add b\n"
    )
    steps = _steps(import_text(page, "markdown", "page.md").yaml)
    assert "output" not in steps[0], steps[0]
