"""IPv6 and policy-routing handouts (hunt V).

* A handout whose prompts are a bare ``host#`` (and any short word then ``# ``: ``router#``,
  ``R1#``) did not import: "no command found ... lines 10, 11, ... hold ip commands inside
  sentences (a transcript?)", and its advice (write each on a line of its own) did not
  fit: each already was. The same handout with ``root@lab:~#`` prompts imported.

The inputs are the hunt's own files (tests/fixtures/ipv6-pbr).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.reader import prompt_of
from iplab.steps import Op

PAGES = Path(__file__).parent / "fixtures" / "ipv6-pbr"


def _ops(name: str) -> list[Op]:
    text = (PAGES / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    return [s.op for s in scenario.load_text(result.yaml, "page.yaml").steps]


def test_a_bare_host_prompt_is_a_prompt() -> None:
    """Hunt V: ``host# ip netns add alpha``: the file failed to import; it now reads as the
    same handout with ``root@lab:~#`` prompts does."""
    bare = _ops("05-dualstack-handout.txt")
    assert bare == _ops("05b-dualstack-handout-rootprompt.txt")
    assert len(bare) > 20


@pytest.mark.parametrize(
    ("line", "prompt"),
    [
        ("host# ip netns add alpha", "host# "),
        ("router# ip -6 route", "router# "),
        ("R1# ip a", "R1# "),
        ("# ip netns add alpha", None),  # (a root prompt alone, or a comment: as before)
    ],
)
def test_a_short_word_and_hash_is_a_prompt(line: str, prompt: str | None) -> None:
    assert prompt_of(line) == prompt
