"""Hunt R (an adversarial read of round 4's fixes): importing nested loops was never bounded,
comments in a block of ``# `` root prompts became commands (and a container's ``/ #`` lines
ran on the host), a one-line loop was "multi-line", a skipped loop the prose of the next
step. The inputs are in ``tests/fixtures/scale/`` and ``tests/fixtures/famous/``."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml

from iplab.errors import UsageError
from iplab.importer import roothash
from iplab.importer.convert import ImportResult, import_text
from iplab.importer.reader import Kind

SCALE = Path(__file__).parent / "fixtures" / "scale"
FAMOUS = Path(__file__).parent / "fixtures" / "famous"


def _import(path: Path, change: tuple[str, str] = ("", "")) -> ImportResult:
    text = path.read_text(encoding="utf-8").replace(*change)
    kind: Kind = "markdown" if path.suffix == ".md" else "shell"
    return import_text(text, kind, path.name, base=path.parent)


def _steps(result: ImportResult) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    loaded = yaml.safe_load(result.yaml)
    for step in loaded.get("setup", []) + loaded.get("teardown", []):
        out += step.get("steps", [step])
    return out


@pytest.mark.parametrize(
    ("name", "line", "nested"),
    [
        ("hunt-r-r6-huge-nested.sh", 4, "1,000 x 1,000 = 1,000,000"),
        ("hunt-r-r6d-triple.sh", 1, "100 x 100 x 100 = 1,000,000"),
    ],
)
def test_nested_loops_are_refused_at_once(name: str, line: int, nested: str) -> None:
    """Hunt R #3: 1000 x 1000 ``ip netns add`` (and three nested ``seq 100``) ran over five
    minutes and took gigabytes: each loop was limited (4,096), their product never. Now the
    product counts, as a scenario's loops do (100,000 iterations): refused when the inner
    loop is met, naming the file and the line, in well under a second, in little memory."""
    tracemalloc.start()
    began = time.monotonic()
    try:
        with pytest.raises(UsageError) as caught:
            _import(SCALE / name)
        took = time.monotonic() - began
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    said = str(caught.value)
    assert said.startswith(f"{name}: line {line}: the loops nested here run {nested} times")
    assert "more than 100,000" in said
    assert took < 5  # (0.5 s here; a loaded machine's margin)
    assert peak < 50 << 20


def test_loops_that_would_make_too_many_steps_are_refused_at_once() -> None:
    """Hunt R #3: the same for steps: 240 x 240 namespaces (57,600 iterations, under the
    limit) make 57,600 steps, over the 50,000 a scenario may make: refused after the inner
    loop's first time round, not after a minute of reading."""
    began = time.monotonic()
    with pytest.raises(UsageError, match=r"line 2: the loops make about 57,600 steps, more than"):
        _import(SCALE / "hunt-r-scale100.sh", ("{1..100}", "{1..240}"))
    assert time.monotonic() - began < 5


def test_nested_loops_under_the_limits_are_still_unrolled() -> None:
    """Hunt R #3: the bound is the scenario's, not smaller: 100 x 100 still imports."""
    result = _import(SCALE / "hunt-r-scale100.sh", ("{1..100}", "{1..20}"))
    assert (result.typed, _steps(result)[-1]["name"]) == (400, "n20-20")


def test_comments_at_root_prompts_are_not_commands() -> None:
    """Hunt R #4: in a block of ``# `` root prompts, ``# create 2 namespaces`` and ``# step
    3: set /etc/hosts entries later`` became steps (a digit, ``/`` or ``:`` was enough),
    ``# bring both ends up (takes 2 seconds)`` a command iplab could not import, and the
    busybox ``/ # ip addr show eth0``, ``/ # hostname`` (no container opened) host steps.
    Now a line is a command when its program is one iplab knows or the host has, or it
    carries options, and reads as no sentence; one that may be either is a comment, said."""
    result = _import(FAMOUS / "hunt-r-r4-root-prompts.md")
    assert result.lines == (
        "ip netns add ns1",
        "ip netns add ns2",
        "ip link add v1 type veth peer name v2",
        "ip link set v1 netns ns1",
        "ip link set v2 netns ns2",
        "ip -n ns1 addr add 10.1.1.1/24 dev v1",
        "ip -n ns2 addr add 10.1.1.2/24 dev v2",
        "ip -n ns1 link set v1 up",
        "ip -n ns2 link set v2 up",
        "ip netns exec ns1 ping -c 2 10.1.1.2",
        "ip netns del ns1",
        "ip netns del ns2",
    )
    said = "\n".join(result.warnings)
    for line, text in [
        (6, "# create 2 namespaces"),
        (14, "# remove -rf the old config first if you have one"),
        (42, "# reboot -f if anything is stuck"),
    ]:
        assert f"line {line}: {text!r} may be a command typed at the root prompt or" in said
    for line, text in [(29, "/ # ip addr show eth0"), (32, "/ # hostname")]:
        assert f"line {line}: {text!r} is typed at a container's shell prompt" in said
    assert "shell syntax" not in said
    assert not any("hostname" in w and "neither" in w for w in result.warnings)
    assert not result.cannot_undo


@pytest.mark.parametrize(
    ("line", "known", "verdict"),
    [
        ("create 2 namespaces", False, "either"),
        ("step 3: set /etc/hosts entries later", False, "comment"),
        ("bring both ends up (takes 2 seconds)", False, "comment"),
        ("delete both namespaces (v1/v2 go with them)", False, "comment"),
        ("remove -rf the old config first if you have one", False, "either"),
        ("ip netns add ns1", True, "command"),
        ("ip -n ns1 link set v1 up", True, "command"),
        ("set up the bridge first", True, "either"),
        ("teamd -o -n -U -d -t team0 -c '{\"runner\": {\"name\": \"activebackup\"}}'", False,
         "command"),
        ("echo this is it > /tmp/said", True, "command"),
    ],
)  # fmt: skip
def test_a_root_prompt_line_s_verdict(line: str, known: bool, verdict: str) -> None:
    """Hunt R #4: the lines of r4-root-prompts.md, and Red Hat's (hunt Q), one by one."""
    assert roothash.verdict(line, known) == verdict


def test_a_one_line_loop_is_not_multi_line() -> None:
    """Hunt R #5: ``while read l; do ip link del "$l"; done < <(ls /sys/class/net | grep
    veth)``, one line, was "a multi-line shell construct (while ...)"."""
    result = _import(SCALE / "hunt-r-r1-cleanup-sources.sh")
    assert any(
        w.startswith("line 16: a shell construct (while ...) cannot be imported; skipped")
        for w in result.warnings
    )
    assert not any("multi-line" in w for w in result.warnings)


def test_a_skipped_loop_is_no_prose_of_the_next_step() -> None:
    """Hunt R #6: a loop iplab skipped (``for n in {a..z}{a..z}{a..z}{0..9}``: past the
    brace limit) was written as ``prose:`` of the next, unrelated step; and in a script,
    the skipped ``while`` loop the prose of ``ip netns del red``."""
    result = _import(SCALE / "hunt-r-r6c-brace-cartesian.sh")
    assert not any("for n in" in str(s.get("prose", "")) for s in _steps(result))
    assert "line 2: a loop runs no command iplab can read; skipped" in result.warnings
    cleanup = _import(SCALE / "hunt-r-r1-cleanup-sources.sh")
    assert not any("while read" in str(s.get("prose", "")) for s in _steps(cleanup))
