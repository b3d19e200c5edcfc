"""Every process is bounded: hung commands, timeouts, Ctrl-C, stop_after, and the batch that
must die with iplab."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from tests.hostile.hostile import figure, leftovers, shim_env, start
from tests.kernel import iplab

pytestmark = pytest.mark.kernel

THREE = """name: three
setup:
  - {action: netns add, name: ns1}
  - {action: link add, name: br0, type: bridge}
  - {action: netns add, name: ns2}
  - {action: link add, name: v1, type: veth, peer: v2}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_hung_ip_is_stopped_by_the_first_signal_and_rolled_back(
    prefix: str, state_dir: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    lab = _write(tmp_path, THREE)
    env = shim_env(tmp_path, SHIM_HANG=f"netns add {prefix}ns2")
    proc = start("up", str(lab), "--prefix", prefix, "--per-command", state=state_dir, env=env)
    deadline = time.monotonic() + 20
    while f"{prefix}br0" not in "".join(leftovers(prefix)) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # now in the hung `ip netns add ns2`
    sent = time.monotonic()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - sent
    figure(
        f"hung ip + {sig.name}: exit {proc.returncode} after {took:.2f} s, left {leftovers(prefix)}"
    )
    # rolled back, iplab ends by the signal itself (a shell's $? is 130 or 143)
    assert proc.returncode == -sig, out + err
    assert f"{sig.name} received: stopped `ip netns add {prefix}ns2`" in err
    assert "rolled back" in err and "internal error" not in err
    assert took < 5.0
    assert leftovers(prefix) == []


def test_a_step_timeout_kills_and_rolls_back(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    lab = _write(
        tmp_path,
        THREE + "  - {action: raw, command: sleep 600, observe: true, timeout: 1}\n",
    )
    began = time.monotonic()
    result = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    took = time.monotonic() - began
    figure(f"step timeout 1 s: exit {result.returncode} after {took:.2f} s")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "command failed (timed out after 1 s): sleep 600" in result.stderr
    assert "rolled back" in result.stderr
    assert leftovers(prefix) == []
    records = [
        json.loads(x) for x in iplab("audit", "--json", state=state_dir).stdout.split("\n") if x
    ]
    slept = [r for r in records if r.get("text") == "sleep 600"]
    assert slept and slept[0]["stopped"] == "timed out after 1 s" and slept[0]["rc"] == -9


def test_the_timeout_option_bounds_a_hung_ip(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    lab = _write(tmp_path, THREE)
    env = shim_env(tmp_path, SHIM_HANG=f"netns add {prefix}ns2")
    began = time.monotonic()
    result = iplab(
        "up", str(lab), "--prefix", prefix, "--per-command", "--timeout", "1.5",
        state=state_dir, env=env,
    )  # fmt: skip
    took = time.monotonic() - began
    assert result.returncode == 1, result.stderr
    assert f"(timed out after 1.5 s): ip netns add {prefix}ns2" in result.stderr
    assert took < 15
    assert leftovers(prefix) == []


def test_stop_after_is_the_authors_ctrl_c(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    lab = _write(
        tmp_path,
        "name: pinger\nsetup:\n"
        "  - {action: netns add, name: ns1}\n"
        "  - {action: link set, in: ns1, dev: lo, state: up}\n"
        "  - {action: raw, command: ip netns exec ns1 ping -i 0.2 127.0.0.1, observe: true,"
        " stop_after: 1}\n"
        "  - {action: raw, command: ip netns exec ns1 ip monitor, observe: true,"
        " stop_after: 0.5}\n",
    )
    result = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bytes from 127.0.0.1" in result.stdout
    records = [
        json.loads(x) for x in iplab("audit", "--json", state=state_dir).stdout.split("\n") if x
    ]
    ping = next(r for r in records if "ping" in str(r.get("text")))
    assert ping["rc"] == 0 and ping["stopped"] == "stopped after 1 s"
    assert "bytes from 127.0.0.1" in ping["stdout"]
    assert iplab("down", f"{prefix}pinger", state=state_dir).returncode == 0
    assert leftovers(prefix) == []


def test_a_batch_dies_with_iplab(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    """SIGKILL of iplab while its ip -batch runs: the batch goes with it (PR_SET_PDEATHSIG);
    the journal and the audit log name it; one down restores the host."""
    env = shim_env(tmp_path, SHIM_BATCH_DELAY="1.5")
    proc = start("up", "star", "--var", "n=6", "--prefix", prefix, state=state_dir, env=env)
    journal = state_dir / "labs" / f"{prefix}star" / "journal.jsonl"
    deadline = time.monotonic() + 20
    while (not journal.exists() or '"process"' not in journal.read_text()) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.02)
    proc.kill()
    proc.communicate(timeout=10)
    time.sleep(2.5)  # longer than the shim's delay: a surviving batch would have run by now
    assert leftovers(prefix) == [], "the batch outlived iplab"
    records = [json.loads(x) for x in journal.read_text().splitlines()]
    assert any(r["type"] == "process" and r["start"] for r in records)
    audit = iplab("audit", "--json", state=state_dir).stdout
    assert "ip -batch - started (pid" in audit
    down = iplab("down", f"{prefix}star", state=state_dir)
    assert down.returncode == 0, down.stderr
    assert leftovers(prefix) == []


def test_run_of_a_tutorial_without_cleanup_undoes_from_the_journal(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    lab = _write(tmp_path, THREE)
    result = iplab("run", str(lab), "--prefix", prefix, state=state_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "== the tutorial has no cleanup: undone from the journal (" in result.stdout
    assert result.stdout.endswith("OK: 4 commands, 0/0 claims hold\n")
    assert leftovers(prefix) == []
    waits = [r for r in iplab("audit", "--json", state=state_dir).stdout.splitlines()
             if '"kind":"wait"' in r.replace(" ", "")]  # fmt: skip
    assert len(waits) <= 1  # one record for the whole wait, not one per poll
