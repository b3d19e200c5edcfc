"""The host read around each step iplab cannot read (iplab/sentinel.py, hunt AF).

Hunt AF found a dozen ways for a step's words to hide a change of the host (a script
file, ``python3 -c``, ``make up``). The run now reads the root namespace before and after
such a step: what the step changed of the host's own links, addresses, routes and rules is
put back and stops the run. Each test runs iplab with :func:`tests.kernel.apart`, in a
network namespace of its own that iplab takes for the host: the "host's" links, routes and
rules here are the test's, never the machine's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab import scenario
from iplab.lab import _unreadable
from iplab.plan import build
from tests.conftest import BLOG_SCENARIO
from tests.kernel import SKIP, apart

pytestmark = pytest.mark.kernel

#: the "host" of the test: its own lo (the only link of a namespace no program made: a NIC,
#: for the sentinel), an address and a route on it, and a veth pair some program made
HOST = """\
ip link set lo up
ip addr add 10.9.0.1/32 dev lo
ip route add 10.88.0.0/16 dev lo
ip link add hA type veth peer name hB
ip link set hA up
ip link set hB up
"""

#: what the host holds that a step may change, printed the same way before and after
SHOW = "ip -d link show lo; ip -4 addr show lo; ip route; ip route show type blackhole; ip rule"


def _run_apart(tmp_path: Path, lab: str, files: dict[str, str]) -> tuple[str, str, str]:
    """iplab run of ``lab`` on the test's own host; (before, iplab's output, after)."""
    if SKIP:
        pytest.skip(SKIP)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "lab.yaml").write_text(lab)
    state = tmp_path / "state"
    script = (
        HOST
        + f"{{ {SHOW}; }} > {tmp_path}/before\n"
        + f"IPLAB_STATE_DIR={state} {sys.executable} -m iplab run {tmp_path}/lab.yaml"
        + " --prefix zz 2>&1; echo rc=$?\n"
        + f"{{ {SHOW}; }} > {tmp_path}/after\n"
        + "ip netns list\n"
    )
    done = apart(script)
    assert done.returncode == 0, done.stderr
    return (tmp_path / "before").read_text(), done.stdout, (tmp_path / "after").read_text()


def test_a_step_that_changes_the_host_is_put_back_and_stops_the_run(tmp_path: Path) -> None:
    """Hunt AF #2, #4, #8: a step whose words name nothing of the host (``bash
    change.sh``) changed its links, addresses, routes and rules, and the run went on: the
    lab's down could not undo any of it. Each change is said and put back, the run stops
    and its journal undoes the lab (its namespace is gone)."""
    change = (
        "ip link set lo mtu 1400\n"
        "ip link set lo promisc on\n"
        "ip addr add 10.9.9.9/32 dev lo\n"
        "ip addr del 10.9.0.1/32 dev lo\n"
        "ip route add 10.77.0.0/16 dev lo\n"
        "ip route add blackhole 10.66.0.0/16\n"
        "ip rule add pref 1234 from 10.5.0.0/16 lookup 100\n"
    )
    lab = (
        "name: sentinel\nsetup:\n  - action: netns add\n    name: lab1\n"
        f"  - action: raw\n    command: bash {tmp_path}/change.sh\n"
        "teardown:\n  - action: netns del\n    name: lab1\n"
    )
    before, out, after = _run_apart(tmp_path, lab, {"change.sh": change})
    assert "rc=1" in out, out
    assert "changed the host, which the lab does not own:" in out, out
    for said in (
        "lo: mtu 1400 (was 65536)",
        "lo: promisc on (was promisc off)",
        "lo: a new address 10.9.9.9/32",
        "lo: address 10.9.0.1/32 is gone",
        "the host has a new route 10.77.0.0/16 dev lo table main",
        "the host has a new route blackhole 10.66.0.0/16 table main",
        "the host has a new rule pref 1234 from 10.5.0.0/16 lookup 100",
    ):
        assert said in out, (said, out)
    assert "still not as it was" not in out, out
    assert after == before  # (the route through lo came back with its address)
    assert "zzlab1" not in out.split("rc=1", 1)[1], out  # rolled back


def test_what_another_program_made_is_not_watched(tmp_path: Path) -> None:
    """Hunt AG #2, #3: on a shared host another lab changes its own veths and bridges while
    a step runs (a slow build): the run took ``other1: master otherbr`` for the step's, put
    it back (another's link!) and stopped; and a lab's route through its own bridge was
    "a new route of the host". A link some program made, and a route through one, are
    not the host's own: a step that changes them (here, standing for the other lab) runs
    on, and the run ends as it would have."""
    change = "ip link set hA mtu 1400\nip link add oB type bridge\nip link set hB master oB\n"
    change += "ip route add 10.77.0.0/16 dev hA\n"
    lab = f"name: other\nsetup:\n  - action: raw\n    command: bash {tmp_path}/change.sh\n"
    before, out, after = _run_apart(tmp_path, lab, {"change.sh": change})
    assert "rc=0" in out, out
    assert "changed the host" not in out, out
    kept = "10.77.0.0/16 dev hA scope link \n"  # (what the step did stays: no host's)
    assert kept in after
    assert after.replace(kept, "") == before


def test_what_a_step_made_itself_is_not_the_hosts(tmp_path: Path) -> None:
    """A lab whose own raw steps make links in the root namespace and change them later
    (a setup script, then a tuning script) is not stopped: a link that came after the
    first such step is the lab's. The host's own links stay untouched, and the run ends
    as it would have."""
    files = {
        "make.sh": "ip link add lA type veth peer name lB\n",
        "tune.sh": "ip link set lA mtu 1400\nip link set lA up\n",
        "clean.sh": "ip link del lA\n",
    }
    lab = (
        "name: own\nsetup:\n"
        f"  - action: raw\n    command: bash {tmp_path}/make.sh\n"
        f"  - action: raw\n    command: bash {tmp_path}/tune.sh\n"
        f"teardown:\n  - action: raw\n    command: bash {tmp_path}/clean.sh\n"
    )
    before, out, after = _run_apart(tmp_path, lab, files)
    assert "rc=0" in out, out
    assert "changed the host" not in out, out
    assert after == before


def test_a_lab_of_typed_steps_reads_nothing_more() -> None:
    """The blog has no step iplab cannot read: no read of the host is added to its run."""
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    assert not [pc for pc in plan.commands if _unreadable(pc.command)]
