"""A capture the lab runs "in another terminal" that ends at once (hunt DL: a NAT lab's
``ip netns exec lan tcpdump -tnl -i ns2-veth0 icmp`` names a link the namespace does not
hold; tcpdump says "No such device exists" and exits 1): the run waited its 2.5 s for it
to say "listening on", then said "not capturing after 2.5 s: going on", and what tcpdump
said went nowhere the user saw. The run now says at once that the capture ended, and what
it printed; it goes on, as the author's shell did (bash's ``... &`` runs the next line).
The fixture the hunt found: tests/fixtures/hunt-dl/dl06-sysctl-without-w-tcpdump-wrong-link.sh."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from iplab import lab as lab_module
from iplab.cli import main
from tests import kernel
from tests.pages import run

LAB = """\
name: capture-ended
setup:
  - action: netns add
    name: lan
  - action: netns exec
    in: lan
    command: tcpdump -tnl -i ns9-veth0 icmp
    observe: true
    background: true
  - action: netns exec
    in: lan
    command: ip link set lo up
"""


@pytest.mark.kernel
@pytest.mark.skipif(not Path("/usr/bin/tcpdump").exists(), reason="tcpdump is not installed")
def test_a_capture_that_ends_at_once_is_said_with_its_words(tmp_path: Path) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text(LAB, encoding="utf-8")
    state = tmp_path / "state"
    prefix = "dlxcap1"
    try:
        began = time.monotonic()
        done = run(lab, prefix, state, tmp_path)
        took = time.monotonic() - began
        out = done.stdout + done.stderr
        assert done.returncode == 0, out
        assert "not capturing after" not in out, out
        assert "ended before it captured" in out, out
        assert "No such device" in out, out  # (tcpdump's own words)
        assert "nothing of the lab remains" in out, out
        assert took < 30, took
    finally:
        assert kernel.cleanup_prefix(prefix, "dlx") == []


@pytest.mark.kernel
@pytest.mark.skipif(not Path("/usr/bin/tcpdump").exists(), reason="tcpdump is not installed")
def test_a_capture_gone_before_its_session_is_read_is_said_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI (2026-12-02, a loaded host): tcpdump had ended before iplab read which processes
    the job left running (none), and the run said nothing of the capture; tcpdump's words
    came as the step's output. Said as when it ends while iplab waits for it (the read of
    the job's processes made to find none, as then)."""
    lab = tmp_path / "lab.yaml"
    lab.write_text(LAB, encoding="utf-8")
    monkeypatch.setenv("IPLAB_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(lab_module, "session_members", lambda pid, before: [])
    prefix = "dlxcap2"
    try:
        rc = main(["run", str(lab), "--prefix", prefix])
        said = "".join(capsys.readouterr())
        assert rc == 0, said
        assert "the capture ended before it captured: going on" in said, said
        assert "nothing of the lab remains" in said, said
    finally:
        assert kernel.cleanup_prefix(prefix, "dlx") == []
