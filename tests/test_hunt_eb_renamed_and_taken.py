"""Hunt EB #3: after ``up``, someone renames the lab's bridge (``ip link set ebx3br0 name
ebx3brX``) and makes a bridge of their own under its old name. ``down`` left their
``ebx3br0`` alone, as it must, but left the lab's bridge too: it looked for the lab's
renamed link only when its old name was free, said "someone deleted them and made them
again" (the lab's was renamed, not deleted), "lab ... is down", exit 0, with
``ebx3brX`` still on the host.

The lab record keeps the bridge's index: ``down`` finds it under its new name whether or
not the old name was taken since, says so, and deletes it; the other bridge stays. Runs
in network and mount namespaces of its own (tests/kernel.py ``apart``), prefix ``ebx``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"
LAB = "ebx3container-networking-part2"


@pytest.mark.kernel
def test_down_deletes_the_lab_s_renamed_bridge_when_its_old_name_is_taken(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} up container-networking-part2 --prefix ebx3 --state-dir {state}"
        " >/dev/null || exit 9\n"
        "ip link set ebx3br0 name ebx3brX && ip link add ebx3br0 type bridge || exit 8\n"
        f"{IPLAB} down {LAB} --state-dir {state}; echo rc=$?\n"
        "echo left: $(ip -br link show type bridge | cut -d' ' -f1) $(ls /run/netns)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout, said
    assert "left: ebx3br0\n" in run.stdout, said  # (theirs, kept; the lab's, gone)
    assert "iplab: ebx3br0 was renamed ebx3brX since the lab made it" in run.stderr, said
    assert "left alone: ebx3br0 (the lab made them; someone deleted them, or renamed" in said
