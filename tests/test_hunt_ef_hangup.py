"""Hunt EF #1: the terminal closes (its window shut, ssh dropped: SIGHUP) while ``iplab
down`` undoes the lab. The down went on, as it must (an undo is not stopped halfway), and
took the lab down; then its last line met the closed terminal (EIO), and it said "cannot
write to stdout (Input/output error): lab ... is down all the same" and exited 1: a down
that was done, said failed, to a terminal no one reads.

The terminal hung up is its reader gone: nothing more is said, and the down exits as it
went, 0 (as it does when SIGHUP comes and its output goes to a file). The kernel test runs
in network and mount namespaces of its own (tests/kernel.py ``apart``), prefix ``efx``:
``down`` runs on a terminal of its own (a pty), stops itself after its first undo
(``IPLAB_FAULT=SIGSTOP@undo-after-run:1``), the terminal is closed, and it goes on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"

#: ``down`` ARGS on a terminal of its own, which closes once iplab stopped itself
ON_A_TERMINAL = """
import fcntl, os, select, signal, subprocess, sys, termios, time
master, slave = os.openpty()
p = subprocess.Popen(
    [sys.executable, "-m", "iplab", *sys.argv[1:]], stdin=slave, stdout=slave, stderr=slave,
    start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
)
os.close(slave)
for _ in range(1500):
    with open(f"/proc/{p.pid}/status") as f:
        if "\\nState:\\tT" in f.read():
            break
    if select.select([master], [], [], 0.02)[0]:
        os.read(master, 65536)
else:
    print("never stopped")
os.close(master)  # (the terminal closed: SIGHUP; a write then fails EIO)
time.sleep(0.2)
os.kill(p.pid, signal.SIGCONT)
print(f"down={p.wait(timeout=60)}")
"""


@pytest.mark.kernel
def test_a_down_whose_terminal_closed_exits_0_once_the_lab_is_down(tmp_path: Path) -> None:
    state = tmp_path / "state"
    script = tmp_path / "on_a_terminal.py"
    script.write_text(ON_A_TERMINAL)
    run = apart(
        f"{IPLAB} up container-networking-part2 --prefix efx3 --state-dir {state}"
        " >/dev/null 2>&1 || exit 9\n"
        f"IPLAB_FAULT=SIGSTOP@undo-after-run:1 {sys.executable} {script}"
        f" down efx3container-networking-part2 --state-dir {state}\n"
        f"{IPLAB} ls --state-dir {state}\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c efx3)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "never stopped" not in said, said
    assert "down=0" in run.stdout and "no lab is up" in run.stdout, said
    assert "left: 0\n" in run.stdout, said
