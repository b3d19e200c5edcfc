"""Hunt Y (an adversarial read of round 3): what the importer lost or misread. The inputs
are in ``tests/fixtures/adversarial-4/``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import ImportResult, detect_kind, import_text

HUNT = Path(__file__).parent / "fixtures" / "adversarial-4"


def _import(name: str) -> ImportResult:
    path = HUNT / name
    text = path.read_text(encoding="utf-8")
    return import_text(text, detect_kind(path.name, text), path.name, base=path.parent)


def test_nested_c_style_loops_are_counted_before_they_run() -> None:
    """Hunt Y #4: 100 x 1000 nested ``for ((...))`` loops were refused only after 40 s,
    as "about 50,025 steps" (really about 200,000): a C-style loop's count was learned as
    it ran, though its bounds are literal. Now its header's arithmetic counts it up front."""
    began = time.monotonic()
    with pytest.raises(UsageError, match=r"line 7: the loops make about 200,000 steps, more"):
        _import("y3-scale-stress.sh")
    assert time.monotonic() - began < 10  # (1 s here)


def test_a_c_style_loop_over_the_cap_is_refused_not_skipped() -> None:
    """Hunt Y #4: ``for ((i=0;i<5000;i++))`` was skipped as "a shell construct (for ...)
    cannot be imported" and import went on (exit 0, a lab of one step). Now it is refused,
    saying how many times it runs and the most iplab writes out."""
    with pytest.raises(UsageError) as caught:
        _import("y4-c5000.sh")
    said = str(caught.value)
    assert said.startswith("y4-c5000.sh: line 3: the loop runs more than 4,096 times"), said


def test_a_c_style_loop_under_the_cap_is_still_unrolled() -> None:
    """Hunt Y #4: 4,000 iterations stay within the cap and are written out."""
    assert _import("y4-c4000.sh").typed == 4001


def test_ip_batch_after_a_here_document_in_a_block_without_prompts_is_a_command() -> None:
    """Hunt Y #2: in a Markdown block without prompts, ``ip -batch FILE`` after a
    here-document was taken for what the here-document printed (``output:`` of the step
    before): the command was lost, no step, no warning. ``-batch`` takes the word where
    ip's object would be, so the line read as ip's printed output. Now it is a step."""
    result = _import("y5-batch-addrs.md")
    assert "ip -batch /tmp/hunt-Y/addrs.batch" in result.lines
    assert "ip -force -batch /tmp/hunt-Y/addrs.batch" in result.lines
    assert "output: ip -batch" not in result.yaml


def test_a_command_after_an_assignment_on_its_line_is_kept() -> None:
    """Hunt Y #3: ``NS=blue ip netns add $NS`` and ``IF=v1 ip link set $IF netns red``
    vanished with no warning (the whole line was read as NS's value); bash expands $NS
    before the assignment applies, so the lines would fail. Now each is kept as bash runs
    it, saying $NS is not set."""
    result = _import("y2-env-prefix.sh")
    assert "NS=blue ip netns add $NS" in result.yaml
    assert "IF=v1 ip link set $IF netns red" in result.yaml
    assert any(w.startswith("line 5: cannot resolve $NS") for w in result.warnings)


def test_a_man_pages_description_is_prose_and_headings_not_steps() -> None:
    """Hunt Y #5: on the real ip-netns(8) page (``man ip-netns | col -b``) the DESCRIPTION's
    subheadings became commands (``ip netns list - show all of the named network
    namespaces``, ``ip netns identify [PID] - Report ...``, ``ip netns monitor - ...``),
    and its cautionary ``$ ip link set dev eth0 netns net0`` (how to lose eth0) a step.
    Now a subheading is a heading, an illustration in the DESCRIPTION is shown, and only
    the EXAMPLES are steps."""
    result = _import("y7-ip-netns.8.txt")
    said = "\\n".join(result.warnings)
    assert "is read as a command" not in said, said
    assert "ip link set dev eth0 netns net0" not in result.lines
    assert "line 90: 'ip netns add net0' illustrates the man page's DESCRIPTION" in said
    assert not any(" - " in line for line in result.lines), result.lines
    assert "ip netns set foo 12" in result.lines  # (EXAMPLES: still steps)
