"""Hunt CE #3: ``check`` and ``up`` printed sobyte's ``sudo sh -c "echo 1 >
/proc/sys/net/ipv4/ip_forward"`` as ``sudo echo 1 > /proc/sys/net/ipv4/ip_forward`` (the
command's text, not the page's line, and a line that fails as typed). A ``[sudo] sh -c``
line is now said as the page has it, byte for byte: by check, a dry run, up's progress."""

from __future__ import annotations

from pathlib import Path

import pytest

import iplab.cli
from tests.kernel import SKIP
from tests.pages import imported, ran_clean, written

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = FIXTURES / "leftovers13" / "sh-c-forwarding.md"
LINE = 'sudo sh -c "echo 1 > /proc/sys/net/ipv4/conf/h1-veth/proxy_arp"'


@pytest.mark.parametrize("argv", [["check"], ["up", "--dry-run"], ["run", "--dry-run"]])
def test_the_page_line_is_printed_as_written(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert LINE in PAGE.read_text()
    result, _ = imported(PAGE)
    lab = written(result, tmp_path)
    iplab.cli.main([*argv, str(lab)])
    out, err = capsys.readouterr()
    assert LINE in out, out
    assert "sudo echo 1 >" not in out + err


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_run_says_the_page_line(prefix: str, tmp_path: Path) -> None:
    """``iplab run`` prints the page's line as its progress (renamed by the prefix), runs
    it, and leaves nothing."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = ran_clean(PAGE, prefix, state, tmp_path)
    line = LINE.replace("h1-veth", f"{prefix}h1-veth")
    assert f"[4/5] {line}\n" in done.stdout, done.stdout
    assert "sudo echo 1 >" not in done.stdout + done.stderr
