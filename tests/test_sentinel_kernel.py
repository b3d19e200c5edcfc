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

#: the "host" of the test: a veth pair with an address and a route through it
HOST = """\
ip link set lo up
ip link add hA type veth peer name hB
ip link set hA up
ip link set hB up
ip addr add 10.9.0.1/24 dev hA
ip route add 10.88.0.0/16 via 10.9.0.2
"""

#: what the host holds that a step may change, printed the same way before and after
SHOW = "ip -d link show hA; ip -d link show hB; ip -4 addr show; ip route; ip rule; ip -6 rule"


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
        + f"{SHOW} > {tmp_path}/before\n"
        + f"IPLAB_STATE_DIR={state} {sys.executable} -m iplab run {tmp_path}/lab.yaml"
        + " --prefix zz 2>&1; echo rc=$?\n"
        + f"{SHOW} > {tmp_path}/after\n"
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
        "ip link set hA mtu 1400\n"
        "ip link set hB promisc on\n"
        "ip addr add 10.9.9.9/32 dev hA\n"
        "ip addr del 10.9.0.1/24 dev hA\n"
        "ip route add 10.77.0.0/16 dev hB\n"
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
        "hA: mtu 1400 (was 1500)",
        "hB: promisc on (was promisc off)",
        "hA: a new address 10.9.9.9/32",
        "hA: address 10.9.0.1/24 is gone",
        "the host has a new route 10.77.0.0/16 dev hB table main",
        "the host has a new rule pref 1234 from 10.5.0.0/16 lookup 100",
    ):
        assert said in out, (said, out)
    assert "still not as it was" not in out, out
    assert after == before  # (the route through hA's old address came back with it)
    assert "zzlab1" not in out.split("rc=1", 1)[1], out  # rolled back


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
