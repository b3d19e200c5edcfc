"""Hunt CC: a raw step ``nsenter --net=/run/netns/r sysctl -w net.ipv4.ip_forward=1``
made every object of the lab unknown to the model: verify said "nothing compared" and
compared no sysctl after it. Such a line is ``ip netns exec r sysctl ...`` (model.entered).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.plan import build, expected_state
from iplab.verify import verdict, written_sysctls
from tests.conftest import FIXTURES
from tests.kernel import REPO, SKIP, apart

LAB = FIXTURES / "leftovers12" / "nsenter-router.yaml"


def test_the_router_s_sysctls_are_compared() -> None:
    state = expected_state(build(scenario.load(str(LAB)), prefix="hcct"))
    said = verdict(state)
    assert "nothing compared" not in said, said
    assert written_sysctls(state)["hcctr"] == {
        "net/ipv4/ip_forward": "1",
        "net/ipv4/conf/all/rp_filter": "2",
    }, written_sysctls(state)


@pytest.mark.parametrize(
    "line",
    [
        "nsenter --net=/proc/4242/ns/net sysctl -w net.ipv4.ip_forward=1",
    ],
)
def test_a_namespace_no_name_says_is_not_r(line: str) -> None:
    text = f"name: lab\nsetup:\n  - line: ip netns add r\n  - {{action: raw, command: {line!r}}}\n"
    state = expected_state(build(scenario.load_text(text, "lab.yaml"), prefix="hcct"))
    assert "hcctr" not in written_sysctls(state)


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_forwarding_turned_back_by_hand_is_a_diff(tmp_path: Path) -> None:
    done = apart(
        f"ip link set lo up\nexport IPLAB_STATE_DIR={tmp_path}/state PYTHONPATH={REPO}\n"
        f"cd {tmp_path}\n"
        f"python3 -m iplab up {LAB} --prefix hccn1 >/dev/null; echo up=$?\n"
        "ip netns exec hccn1r sysctl -qw net.ipv4.ip_forward=0\n"
        f"python3 -m iplab verify {LAB} --prefix hccn1; echo verify=$?\n"
        "python3 -m iplab down >/dev/null; echo down=$?\n"
        "echo left=$(ip netns list | grep -c hccn1)\n",
        timeout=240,
    )
    out = done.stdout + done.stderr
    assert "up=0" in out and "down=0" in out and "left=0" in out, out
    assert "ip_forward" in out and "verify=0" not in out, out
