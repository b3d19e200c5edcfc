"""Hunts E, I and F (safety) on the real kernel: ``down`` stops only the processes of the
namespaces the lab made, and deletes only the links it made.

Each test runs apart (tests/kernel.py): a network namespace of its own, which iplab takes
for the host, and for the tests that could stop processes, a pid namespace of its own
too, so that pid 1 and every process iplab could see or stop are the test's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

pytestmark = pytest.mark.kernel

SAFETY = REPO / "tests" / "fixtures" / "safety"


def _up_down(
    fixture: str, prefix: str, state_dir: Path, tmp_path: Path, edited: Path | None = None
) -> str:
    """The script that imports a fixture, brings it up and takes it down (each said);
    ``edited``: a copy of the fixture's YAML to bring up in its place."""
    lab = SAFETY / fixture if fixture.endswith(".yaml") else tmp_path / "lab.yaml"
    lab = edited or lab
    iplab = f"PYTHONPATH={REPO} {sys.executable} -m iplab"
    name = f"{prefix}{Path(fixture).stem}"
    made = (
        ""
        if lab.parent == SAFETY or edited
        else f"{iplab} import {SAFETY / fixture} -o {lab} 2> /dev/null\n"
    )
    return (
        made
        + f"{iplab} up {lab} --prefix {prefix} --state-dir {state_dir} > /dev/null; echo up=$?\n"
        f"{iplab} down {name} --state-dir {state_dir}; echo down=$?\n"
    )


def test_down_stops_nothing_in_the_hosts_namespace_a_lab_named(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt E: a tutorial names the host's namespace (``ln -s /proc/1/ns/net
    /var/run/netns/hostns``); ``down`` took ``hostns`` for a namespace of the lab and
    stopped every process of the host. The lab did not make it (no ``ip netns add``), and
    it is the host's own: its processes are left running, and that is said.

    (Hunt AF #1: naming pid 1's namespace, or the shell's own, is refused before anything
    runs now; the same name reached through a process of the host's namespace, its pid
    written out here, which iplab cannot tell from another process's, is what down must
    still leave alone.)"""
    from iplab.importer.convert import import_text

    text = (SAFETY / "05-name-the-host-ns.sh").read_text(encoding="utf-8")
    imported = tmp_path / "imported.yaml"
    imported.write_text(import_text(text, "shell", "05-name-the-host-ns.sh").yaml)
    edited = tmp_path / "05-name-the-host-ns.yaml"
    run = apart(
        "ip link set lo up\n"
        "sleep 424242 & V=$!\n"
        f'sed "s#/proc/1/ns/net#/proc/$V/ns/net#" {imported} > {edited}\n'
        + _up_down("05-name-the-host-ns.sh", prefix, state_dir, tmp_path, edited)
        + "kill -0 $V && echo victim alive\n",
        pid=True,
    )
    said = run.stdout + run.stderr
    assert "down=0" in run.stdout and "victim alive" in run.stdout, said
    assert f"processes in namespace {prefix}hostns: it is the host's own namespace" in said


def test_down_stops_nothing_in_a_namespace_the_lab_attached(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt E: ``ip netns attach c2 $C2`` with ``C2=$(pgrep -f "sleep 1002" | head -1)``
    (the import of 04-attach-two-containers.txt, with ``creates: netns c2`` said on that
    step, as hunt E ran it) named another session's container; ``down`` stopped its
    process. A namespace the lab attached (it did not make it with ``ip netns add``) is
    not the lab's to empty.

    (Hunt W: the fixture's teardown ``kill %1 $C2``, $C2 a pid the host's pgrep gave, is
    refused before anything runs now, as ``kill 48213`` is; this test brings up a copy
    whose teardown stops the lab's two jobs, ``kill %1 %2``, what the author meant.)"""
    fixture = "04-attach-two-containers.yaml"
    edited = tmp_path / fixture
    text = (SAFETY / fixture).read_text()
    edited.write_text(text.replace("command: kill %1 $C2\n", "command: kill %1 %2\n"))
    run = apart(
        "N=1002; unshare -n sleep $N & S=$!\n"  # (not the words pgrep -f looks for)
        "sleep 0.2\n"
        + _up_down(fixture, prefix, state_dir, tmp_path, edited)
        + "kill -0 $S && echo stranger alive\n",
        pid=True,
    )
    said = run.stdout + run.stderr
    assert "stranger alive" in run.stdout, said
    assert f"1 process in namespace {prefix}c2: the lab named it" in said, said


def test_down_stops_nothing_in_a_namespace_the_lab_named_after_its_job_stopped(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt E: ``ln -sf /proc/$PID2/ns/net /var/run/netns/ctr2``: ``down`` read the lab's
    namespaces before it stopped the job behind ``ctr2``; with the job gone the kernel
    gave the namespace's number to the next one made, and the stop that followed killed
    a stranger's process there. Here the stranger is in that namespace already (the
    same end: a process not the lab's, in a namespace the lab named): the namespaces are
    read after the jobs stopped, and only one the lab made is emptied."""
    script = _up_down("02b-name-the-ns-split.sh", prefix, state_dir, tmp_path)
    up, down = script.split("echo up=$?\n")
    run = apart(
        up
        + "echo up=$?\n"
        + f"nsenter --net=/run/netns/{prefix}ctr2 sleep 434343 & S=$!\n"
        + "sleep 0.2\n"
        + down
        + "kill -0 $S && echo stranger alive\n",
        pid=True,
    )
    said = run.stdout + run.stderr
    # (the name points nowhere once the job is gone: nothing of it is the lab's to stop)
    assert "down=0" in run.stdout and "stranger alive" in run.stdout, said


def test_down_leaves_a_namespace_that_is_not_the_one_the_lab_made(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt E: the namespace under a lab's name is read again right before its processes
    are stopped and held to the one the lab record says the lab's ``ip netns add`` made:
    one that is another now (here, the name bound by hand to a stranger's namespace) is
    left alone, and said."""
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "name: made\nsetup:\n  - action: netns add\n    name: n1\n"
        "  - action: raw\n    command: ip netns exec n1 setsid -f sleep 454545\n"
        "    observe: true\n"
    )
    iplab = f"PYTHONPATH={REPO} {sys.executable} -m iplab"
    n1 = f"/run/netns/{prefix}n1"
    run = apart(
        f"{iplab} up {lab} --prefix {prefix} --state-dir {state_dir} > /dev/null; echo up=$?\n"
        "unshare -n sleep 464646 & S=$!\nsleep 0.2\n"
        # what down reads first is the lab's; what it stops is read after the jobs stop
        f"cat > {tmp_path}/down.py <<EOF\n"
        "import subprocess, sys\n"
        "from iplab import undo\n"
        "from iplab.cli import main\n"
        "real = undo.stop_jobs\n"
        "def swapped(*args):\n"
        f"    subprocess.run(['sh', '-c', 'umount {n1} && mount --bind /proc/$S/ns/net {n1}'])\n"
        "    return real(*args)\n"
        "undo.stop_jobs = swapped\n"
        f"sys.exit(main(['down', '{prefix}made', '--state-dir', '{state_dir}']))\n"
        "EOF\n"
        f"PYTHONPATH={REPO} {sys.executable} {tmp_path}/down.py; echo down=$?\n"
        "kill -0 $S && echo stranger alive\n"
        "pkill -f 'sleep 454545'\n",
        pid=True,
    )
    said = run.stdout + run.stderr
    assert "up=0" in run.stdout and "stranger alive" in run.stdout, said
    assert f"1 process in namespace {prefix}n1: it is not the namespace the lab made" in said


#: what is done by hand between up and down: the lab's bridge goes, a link of the host's
#: gets its index (``ip link add ... index N``), and the lab record is edited as a reboot,
#: or an older iplab, would have left it
REBOOT = {
    "renamed": ("ip link set {br} name hIf00", ""),
    "rebooted": (
        "ip link del {br} && ip link add hIf00 index $N type bridge",
        "info['boot_id'] = 'another-boot'",
    ),
    "another kind": (
        "ip link del {br} && ip link add hIf00 index $N type veth peer name hIf01",
        "",
    ),
    "an older record": (
        "ip link del {br} && ip link add hIf00 index $N type bridge",
        "info.pop('boot_id'); info.pop('kinds')",
    ),
}


@pytest.mark.parametrize("case", sorted(REBOOT))
def test_down_deletes_a_link_found_by_its_index_only_when_it_is_the_labs(
    prefix: str, state_dir: Path, tmp_path: Path, case: str
) -> None:
    """Hunt I: ``down`` deleted whatever root link had the index of the lab's bridge
    (``iplab: hIa10br0 was renamed hIf00 ... deleting it under its new name``): after a
    reboot (the lab record survives it, indexes start over) or ``ip link add X index N``,
    a link of the host. A link found by index is the lab's only in the same boot of the
    host and when it is of the kind the lab made; otherwise it is left alone, said (as
    with a record without boot id or kinds). The undo line of one renamed by hand says
    ``sudo`` as the lab's other undo lines do."""
    change, edit = REBOOT[case]
    lab = tmp_path / "lab.yaml"
    record = state_dir / "labs" / f"{prefix}t7-bridge-reboot" / "lab.json"
    iplab = f"PYTHONPATH={REPO} {sys.executable} -m iplab"
    run = apart(
        f"{iplab} import {SAFETY / 't7-bridge-reboot.md'} -o {lab} 2> /dev/null\n"
        f"{iplab} up {lab} --prefix {prefix} --state-dir {state_dir} > /dev/null; echo up=$?\n"
        f"N=$(ip -o link show {prefix}br0 | cut -d: -f1)\n"
        + change.format(br=f"{prefix}br0")
        + "\n"
        + f"{sys.executable} -c \"import json, pathlib; p = pathlib.Path('{record}');"
        f' info = json.loads(p.read_text()); {edit or "pass"}; p.write_text(json.dumps(info))"\n'
        f"{iplab} down {prefix}t7-bridge-reboot --state-dir {state_dir}; echo down=$?\n"
        "ip -o link show hIf00 > /dev/null 2>&1 && echo hIf00 left || echo hIf00 gone\n"
    )
    said = run.stdout + run.stderr
    assert "up=0" in run.stdout, said
    if case == "renamed":
        assert "hIf00 gone" in run.stdout and "undo: sudo ip link del hIf00" in said, said
        return
    why = {
        "rebooted": "the host booted again since the lab came up",
        "another kind": "it is a veth, the lab made a bridge",
        "an older record": "keeps no boot id or kind to tell",
    }[case]
    assert "hIf00 left" in run.stdout, said
    assert "iplab: left alone: hIf00 has index" in said and why in said, said
