"""``iplab check`` prints the model's state after each step: a lab's walk-through. Each
state holds every namespace of the lab, so the output grew with the square of its size:
the bundled star of 500 namespaces printed 754,005 lines, and an imported loop of 10,000
namespaces (tests/fixtures/scale/hunt-r-scale100.sh) ran for 103 s. A lab of more than
24 namespaces has its state printed once, after its setup's last step (``--all-states``:
after each step, as before); a small lab's walk-through is unchanged."""

from __future__ import annotations

import json
import subprocess
import sys

IPLAB = [sys.executable, "-m", "iplab"]


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*IPLAB, "check", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_large_labs_state_is_printed_once_after_its_setup() -> None:
    run = _check("star-500")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == (
        "(a lab of 500 namespaces: its state is shown after the setup's last step;"
        " --all-states shows it after each step)"
    )
    states = [line for line in lines if line.startswith("      ns")]
    assert len(states) == 500  # (one state: each namespace once; it was 750,000 lines)
    last_setup = lines.index("[1501] ip link set p500 master br0 up")
    assert lines[last_setup + 1].startswith("      br0") or lines[last_setup + 1].startswith(
        "      root"
    ), lines[last_setup : last_setup + 3]
    assert lines[-1] == (
        "OK: 2002 steps (1501 setup, 501 teardown), 0 claims, 0 failing in the model"
    )
    doc = json.loads(_check("star-500", "--json").stdout)
    shown = [s["step"] for s in doc["steps"] if s["state"] is not None]
    assert shown == [1501]


def test_all_states_prints_each_one() -> None:
    run = _check("star-500", "--all-states")
    assert run.returncode == 0, run.stderr
    # namespaces shown: 1 + ... + 500 while they are made, 500 at each of the 1,000 veth
    # steps, 499 + ... + 0 while they are deleted
    each = sum(range(1, 501)) + 500 * 1000 + sum(range(500))
    assert sum(line.startswith("      ns") for line in run.stdout.splitlines()) == each


def test_a_small_labs_walk_through_is_unchanged() -> None:
    run = _check("container-networking-part2")
    assert run.returncode == 0, run.stderr
    assert "--all-states" not in run.stdout
    lines = run.stdout.splitlines()
    first = lines.index(next(line for line in lines if line.startswith("[1] ")))
    assert lines[first + 1].startswith("      ")  # (the state right after step 1)
