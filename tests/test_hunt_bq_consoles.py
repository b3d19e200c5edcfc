"""Hunt BQ: a command left running in one console while the page goes on in another.

bk-p04 pings forever in console 1 (``ping 10.11.12.2``, an address nobody has) and runs
``tcpdump -i ve1 -n -e arp`` "in another terminal/console" to see the ARP requests. iplab ran
them in page order: the ping stopped after 3 s, then the capture started (in the background,
as the last step: stopped at once) and saw nothing. A reader's ping goes on while the capture
runs, and the reader watches the capture a while: now the ping runs in the background (the
next step does not wait for it to listen), and a capture with no line after it is watched in
the foreground for as long as a Ctrl-C step is.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from iplab import jobs
from tests.conftest import FIXTURES, REPO
from tests.kernel import SKIP, apart
from tests.pages import imported_file

BK_P04 = FIXTURES / "stored-pages-6" / "bk-p04-arp-tcpdump-two-consoles.md"


def _steps(lab: Path) -> dict[str, dict[str, object]]:
    setup = yaml.safe_load(lab.read_text(encoding="utf-8"))["setup"]
    return {s["command"]: s for s in setup if s["action"] == "raw"}


def test_the_ping_of_console_1_runs_beside_the_capture_of_console_2(tmp_path: Path) -> None:
    steps = _steps(imported_file(BK_P04, tmp_path))
    ping, capture = steps["ping 10.11.12.2"], steps["tcpdump -i ve1 -n -e arp"]
    assert ping.get("background") is True and "stop_after" not in ping, ping
    assert capture.get("stop_after") == 3 and "background" not in capture, capture


def test_the_printed_script_does_not_wait_for_the_ping_to_listen(tmp_path: Path) -> None:
    lab = imported_file(BK_P04, tmp_path)
    script = subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(lab), "--setup", "--format", "script"],
        capture_output=True, text=True, cwd=REPO, check=True,
    ).stdout.splitlines()  # fmt: skip
    at = script.index("ping 10.11.12.2 &  # the tutorial runs it in another terminal")
    assert not script[at + 1].startswith("sleep"), script[at : at + 3]


@pytest.mark.parametrize(
    ("command", "sends"),
    [
        ("ping 10.11.12.2", True),
        ("sudo ip netns exec a ping -i 0.2 10.0.0.2", True),
        ("iperf3 -s", False),
        ("nc -l 9000", False),
        ("tcpdump -ni v1", False),
    ],
)
def test_what_sends_only(command: str, sends: bool) -> None:
    assert jobs.sends_only(command) is sends


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=SKIP or "")
def test_the_capture_sees_the_arp_requests_of_the_ping(tmp_path: Path) -> None:
    """Run in a network namespace of its own: the capture shows ``Request who-has
    10.11.12.2``, and nothing waited 5 s for the ping to listen."""
    lab = imported_file(BK_P04, tmp_path)
    prefix = f"hbq{uuid.uuid4().hex[:3]}"
    state = tmp_path / "state"
    ran = apart(
        f"cd {REPO} && IPLAB_STATE_DIR={state} {sys.executable} -m iplab run {lab}"
        f" --prefix {prefix} 2>&1",
        pid=True,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Request who-has 10.11.12.2 tell 10.11.12.1" in ran.stdout, ran.stdout
    assert "not listening" not in ran.stdout, ran.stdout
