"""Hunt BS #2: ``ip netns exec red ping -c 2 10.0.0.2 && echo ok`` was one raw step that
may fail, where the same ping alone is a probe: its claim was not counted ('0/0 claims
hold'), and over IPv6, run at once after the addresses, it failed ('Cannot assign requested
address': DAD still held the address back, which a probe waits for) and was only
tolerated. The ping is a probe now; the line prints as written (tests/fixtures/leftovers9/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.export import script
from iplab.plan import build
from iplab.steps import Probe, Raw
from tests import kernel, pages
from tests.conftest import FIXTURES

PAGE = FIXTURES / "leftovers9" / "ping-and-echo-ok.md"


def test_the_ping_before_an_echo_is_a_probe_printed_as_written() -> None:
    result, sc = pages.imported(PAGE)
    probes = [(s.op, s.may_fail) for s in sc.setup if isinstance(s.op, Probe)]
    assert [(op.target, op.count, may_fail) for op, may_fail in probes] == [
        ("fd00::2", 2, False),
        ("10.0.0.2", 2, False),
    ]
    assert not [s for s in sc.setup if isinstance(s.op, Raw)]
    page = PAGE.read_text(encoding="utf-8").splitlines()
    assert [line for line in result.lines if "ping" in line] == [
        "sudo ip netns exec red ping -6 -c 2 fd00::2 && echo ok",
        "sudo ip netns exec red ping -c 2 10.0.0.2 && echo ok",
    ]
    assert all(line in page for line in result.lines)
    printed = script(build(sc), "setup")
    assert "sudo ip netns exec red ping -c 2 10.0.0.2 && echo ok\n" in printed
    assert any("'echo ok' after && is not printed by the run" in w for w in result.warnings)


def test_a_ping_with_its_output_silenced_stays_as_written() -> None:
    """Hunt T's form (``ping ... >/dev/null && echo``) is left as it was: one step bash runs."""
    from iplab.importer.convert import import_text
    from iplab.scenario import load_text

    text = "ip netns add h1\nip netns exec h1 ping -c1 -W1 10.0.0.3 >/dev/null && echo ok\n"
    steps = load_text(import_text(text, "shell", "t.sh").yaml, "page.yaml").setup
    assert isinstance(steps[1].op, Raw) and steps[1].may_fail


@pytest.mark.kernel
def test_the_page_runs_and_each_ping_passes(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    result, _ = pages.imported(PAGE)
    done = pages.run(pages.written(result, tmp_path), prefix, state_dir, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"PASS {prefix}red reaches fd00::2" in done.stdout, done.stdout
    assert f"PASS {prefix}red reaches 10.0.0.2" in done.stdout, done.stdout
    assert "2/2 claims hold" in done.stdout, done.stdout
    assert kernel.cleanup_prefix(prefix) == []
