"""Hunt M (hostile conditions, round 2) on the real kernel: a namespace file someone
unmounted, a lab whose objects someone deleted, an ``up`` killed halfway.

Each test runs in a network namespace of its own with its own /run/netns (tests/kernel.py
``apart``), which iplab takes for the host.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel import apart

pytestmark = pytest.mark.kernel

FIXTURES = REPO / "tests" / "fixtures" / "hostile"
IPLAB = f"{sys.executable} -m iplab"


def test_down_removes_the_labs_namespace_file_someone_unmounted(tmp_path: Path) -> None:
    """Hunt M: ``umount /run/netns/hMc3`` after ``up``, then ``down`` said "left alone:
    hMc3 (the lab made them; someone deleted them and made them again since ...)" and
    left the file, which ``ip netns list`` still showed. The file is the lab's leftover,
    no namespace: down removes it as ``ip netns del`` does, and says so."""
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} up {FIXTURES / 'm02.yaml'} --prefix hM --state-dir {state} >/dev/null"
        " || exit 9\n"
        "umount /run/netns/hMc3 || exit 8\n"
        f"{IPLAB} down hM02-star --state-dir {state}; echo rc=$?\n"
        "echo left: $(ls /run/netns)"
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "left:\n" in run.stdout, said
    assert "left alone" not in said, said
    assert "hMc3: no namespace any more (someone unmounted its file" in run.stderr, said
    assert "as `ip netns del` does" in run.stderr, said


def test_what_someone_deleted_is_summed_up_in_one_short_line(tmp_path: Path) -> None:
    """Hunt M: the second ``down`` after a SIGKILLed one printed one line of about 4 KB
    (``51 gone already: Cannot remove namespace file ...`` 51 times), then "51 undo
    commands ran" though all 51 were gone. One short line: how many, the first few; and
    the end says how many found their object gone."""
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} up {FIXTURES / 'm06.yaml'} --prefix hM --state-dir {state} --no-verify"
        " >/dev/null || exit 9\n"
        "ip -all netns delete; ip link del hMbr-star\n"
        f"{IPLAB} down hM06-star50 --state-dir {state}; echo rc=$?",
        timeout=300,
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout, said
    (line,) = [x for x in run.stderr.splitlines() if "gone already" in x]
    assert len(line) < 300 and line.count("Cannot remove namespace file") == 1, line
    assert "`ip netns del hMc50`, `ip netns del hMc49`, `ip netns del hMc48` and " in line
    assert "found it gone already" in run.stdout, said


def test_an_up_killed_halfway_is_said_to_be_so_and_down_undoes_it(tmp_path: Path) -> None:
    """Hunt M: ``kill -9`` of ``up`` once 20 of 50 namespaces existed: ``ls`` listed the
    lab as up, ``ls --json`` all 50 namespaces and 100 veths, ``up`` again said the lab
    "is already up", verify gave 67 differences; nothing said the run was killed or that
    down was needed. Each says so now, ``ls --json`` lists what the journal says was done,
    and ``down`` undoes it."""
    state = tmp_path / "state"
    lab = f"{FIXTURES / 'm06.yaml'} --prefix hM --state-dir {state}"
    run = apart(
        f"IPLAB_FAULT=after-run:60 {IPLAB} up {lab} --per-command >/dev/null 2>&1; echo up=$?\n"
        "echo made=$(ip netns list | wc -l)\n"
        f"{IPLAB} ls --state-dir {state}\n"
        f"{IPLAB} ls --json --state-dir {state} > {tmp_path / 'ls.json'}\n"
        f"{IPLAB} up {lab}; echo again=$?\n"
        f"{IPLAB} verify {lab} >/dev/null; echo verify=$?\n"
        f"echo status: >&2; {IPLAB} status --lab hM06-star50 --state-dir {state} >/dev/null\n"
        f"{IPLAB} down hM06-star50 --state-dir {state} >/dev/null; echo down=$?\n"
        "echo left=$(ip netns list | wc -l)",
        timeout=300,
    )
    said = run.stdout + run.stderr
    assert "up=137" in run.stdout, said
    made = int(run.stdout.split("made=")[1].split()[0])
    assert 0 < made < 50, said
    assert "interrupted: its up was killed halfway; `iplab down hM06-star50`" in run.stdout
    (doc,) = json.loads((tmp_path / "ls.json").read_text())
    assert doc["state"] == "interrupted", doc
    assert made <= len(doc["namespaces"]) <= made + 1 < 50, (made, doc["namespaces"])
    assert "an earlier up of lab hM06-star50" in run.stderr, said
    assert "was killed halfway" in run.stderr and "again=2" in run.stdout, said
    assert "is already up" not in said, said
    assert "note: an earlier up of lab hM06-star50 was killed halfway" in run.stderr, said
    # status --lab says it too (hunt BE: it showed part of the lab without a word)
    status = run.stderr.split("status:\n")[1]
    assert "note: an earlier up of lab hM06-star50 was killed halfway" in status, said
    assert "down=0" in run.stdout and "left=0" in run.stdout, said
