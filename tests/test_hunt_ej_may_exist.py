"""Hunt EJ #4: a bridge someone else makes between iplab's check of the names and the step
that makes it. ``brctl addbr br0`` then fails ("device br0 already exists; can't create
bridge with the same name"), and the rollback ran ``ip link del br0``: it deleted the
bridge the lab never made (``ip link add`` is judged by ip's "File exists", brctl's words
were not). ``ovs-vsctl --may-exist add-br br0`` exits 0 and does nothing, and ``down`` ran
``ovs-vsctl --if-exists del-br br0``. And the model refused a second ``--may-exist
add-br br0`` as "a name is created twice", which Open vSwitch takes as nothing to do.

Now what a step makes (namespaces, root links) that is there right before it runs, and
that no step of the lab made, is journaled "exists" (as ip's "File exists"): never undone,
said left alone. The model takes ``--may-exist add-br`` of an Open vSwitch bridge there for
nothing (another kind of link of that name is still refused, as ``ip link add`` of an
existing name is). The kernel tests run in network and mount namespaces of their own
(tests/kernel.py ``apart``), prefix ``ejx4``; iplab stops itself before the step runs
(``IPLAB_FAULT=SIGSTOP@before-run:1``) and the script makes the bridge then. Open
vSwitch is not on this host: a stand-in ``ovs-vsctl`` (add-br/del-br as Linux bridges,
``--may-exist``/``--if-exists`` as ovs-vsctl has them) comes first in PATH.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from iplab.cli import main
from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"
OVS = """#!/bin/bash
may=0; ifx=0; args=()
for a in "$@"; do case $a in --may-exist) may=1;; --if-exists) ifx=1;; --*) ;; *) args+=("$a");;
esac; done
there() { ip link show "$1" >/dev/null 2>&1; }
case ${args[0]} in
add-br) if there "${args[1]}"; then [ $may = 1 ] && exit 0
          echo "ovs-vsctl: cannot create a bridge named ${args[1]} because a bridge named" \\
            "${args[1]} already exists" >&2; exit 1; fi
        exec ip link add "${args[1]}" type bridge;;
del-br) if ! there "${args[1]}"; then [ $ifx = 1 ] && exit 0
          echo "ovs-vsctl: no bridge named ${args[1]}" >&2; exit 1; fi
        exec ip link del "${args[1]}";;
esac
"""


def _raced(tmp_path: Path, make: str, make_first: bool) -> tuple[str, str]:
    """``up`` of a lab whose first step ``make``s ejx4br0, someone making ejx4br0 (a Linux
    bridge) right before that step runs (``make_first``), then ``down``."""
    lab = tmp_path / "lab.yaml"
    step = f"line: {make}" if make.startswith("brctl") else f"action: raw\n    command: {make}"
    lab.write_text(f"name: l\nsetup:\n  - {step}\n  - line: ip link set br0 up\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "ovs-vsctl").write_text(OVS)
    (tmp_path / "bin" / "ovs-vsctl").chmod(0o755)
    state = tmp_path / "state"
    other = "ip link add ejx4br0 type bridge" if make_first else "true"
    run = apart(
        f"export PATH={tmp_path}/bin:$PATH\n"
        f"IPLAB_FAULT=SIGSTOP@before-run:1 {IPLAB} up {lab} --per-command --prefix ejx4"
        f" --state-dir {state} >/dev/null 2>{tmp_path}/err & pid=$!\n"
        "for i in $(seq 500); do grep -qs '^State:.*stopped' /proc/$pid/status && break;"
        " sleep 0.02; done\n"
        f"{other}\n"
        "kill -CONT $pid; wait $pid; echo up=$?\n"
        f"cat {tmp_path}/err >&2\n"
        f"{IPLAB} down ejx4l --state-dir {state} >&2; echo down=$?\n"
        "echo left: $(ip -br link | awk '{print $1}' | grep ejx4)",
        timeout=60,
    )
    return run.stdout, run.stderr


@pytest.mark.kernel
def test_brctl_addbr_of_a_bridge_made_meanwhile_is_not_deleted(tmp_path: Path) -> None:
    out, err = _raced(tmp_path, "brctl addbr br0", make_first=True)
    said = out + err
    assert "up=1" in out and "left: ejx4br0\n" in out, said
    assert "undo: ip link del ejx4br0" not in err, said
    assert "iplab: left alone: ejx4br0 (created by someone else after iplab checked" in err, said


@pytest.mark.kernel
def test_ovs_may_exist_add_br_of_a_bridge_made_meanwhile_is_not_deleted(tmp_path: Path) -> None:
    out, err = _raced(tmp_path, "ovs-vsctl --may-exist add-br br0", make_first=True)
    said = out + err
    assert "down=0" in out and "left: ejx4br0\n" in out, said
    assert "del-br ejx4br0" not in err, said
    assert (
        "iplab: link ejx4br0 existed before `ovs-vsctl --may-exist add-br ejx4br0` ran"
        " (someone else made it after iplab checked the names): not the lab's, left alone"
    ) in err, said


@pytest.mark.kernel
def test_ovs_may_exist_add_br_of_the_labs_own_bridge_is_undone(tmp_path: Path) -> None:
    out, err = _raced(tmp_path, "ovs-vsctl --may-exist add-br br0", make_first=False)
    said = out + err
    assert "down=0" in out and "left:\n" in out, said
    assert "undo: ovs-vsctl --if-exists del-br ejx4br0" in err, said


def _check(tmp_path: Path, lines: str) -> tuple[int, str]:
    lab = tmp_path / "lab.yaml"
    steps = "".join(f"  - action: raw\n    command: {line}\n" for line in lines.splitlines())
    lab.write_text(f"name: l\nsetup:\n{steps}")
    err = io.StringIO()
    return main(["check", str(lab)], stderr=err), err.getvalue()


def test_a_second_may_exist_add_br_is_nothing_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    again = "ovs-vsctl --may-exist add-br br0\n" * 2 + "ip link set br0 up"
    assert _check(tmp_path, again)[0] == 0
    rc, said = _check(tmp_path, "ovs-vsctl add-br br0\novs-vsctl add-br br0")
    assert rc != 0 and "setup[1]: link br0 already exists in the root namespace" in said, said
    rc, said = _check(tmp_path, "ip link add br0 type bridge\novs-vsctl --may-exist add-br br0")
    assert rc != 0 and "setup[1]: link br0 already exists in the root namespace" in said, said
    rc, said = _check(tmp_path, "ovs-vsctl --may-exist add-br br0\nip link add br0 type bridge")
    assert rc != 0 and "setup[1]: link br0 already exists in the root namespace" in said, said
