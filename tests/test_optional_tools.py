"""A command a page runs only if its program is there (``Or, if mtr is installed, a short
report:``) is a step that may fail: a host without the program runs the rest of the lab.
Hunt BK (tests/fixtures/stored-pages-6/bk-p05-router-traceroute.md): the optional mtr
made up and run refuse the whole lab until mtr was installed."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from iplab.scenario import load_text
from tests import pages
from tests.conftest import FIXTURES

ROUTER = FIXTURES / "stored-pages-6" / "bk-p05-router-traceroute.md"


def test_the_page_s_optional_mtr_may_fail_its_traceroute_may_not() -> None:
    result, sc = pages.imported(ROUTER)
    steps = {str(step.op): step for step in sc.steps}
    (mtr,) = [s for text, s in steps.items() if "mtr -r" in text]
    (trace,) = [s for text, s in steps.items() if "traceroute -n" in text]
    assert mtr.may_fail and not trace.may_fail
    assert any(
        "only 'if mtr is installed': a step that may fail" in w and "line 70" in w
        for w in result.warnings
    )


@pytest.mark.parametrize(
    ("said", "command", "optional"),
    [
        ("If you have tcpdump available, watch it:", "sudo tcpdump -i veth0 -c 5", True),
        ("A capture (needs tshark):", "ip netns exec a tshark -c 3", True),
        ("If mtr is installed, run:", "ip netns exec a traceroute 10.0.0.2", False),
        ("Then run it:", "ip netns exec a mtr -r 10.0.0.2", False),
    ],
)
def test_only_the_program_the_page_names_is_optional(
    said: str, command: str, optional: bool
) -> None:
    page = f"# Lab\n\n```\nip netns add a\n```\n\n{said}\n\n```\n{command}\n```\n"
    result = import_text(page, "markdown", "lab.md")
    program = next(w for w in command.split() if w in ("tcpdump", "tshark", "traceroute", "mtr"))
    (step,) = [s for s in load_text(result.yaml, "lab.yaml").steps if program in str(s.op)]
    assert step.may_fail is optional
