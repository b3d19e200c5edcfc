"""Hunt EH: a university course's lab (tests/fixtures/scripts-eh/
eh02-course-peer-addresses-root-routes-nat.sh, AnAppleCore's I2CN_Lab lab5.sh) links its
namespaces with point-to-point addresses, ``ip addr add 10.0.0.1 peer 10.0.0.2 dev
veth01``, and routes the next hops through the peers, ``ip route add 10.0.0.4 via
10.0.0.2``. The model took the address alone (10.0.0.1/32: no subnet) and refused the
route, "gateway 10.0.0.2 is not in the subnet of any up link", so import said the model
rejects the scenario and up would not start. The kernel routes the peer on the link
(``10.0.0.2 dev veth01 proto kernel scope link src 10.0.0.1``, checked on this kernel),
with the peer's prefix (``peer 10.7.0.0/24``), not the local address's (``10.8.0.1/24 peer
10.8.0.2``: only 10.8.0.2), and only while the link is up. Now the model does the same."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES, REPO
from tests.kernel import SKIP, apart

EH02 = FIXTURES / "scripts-eh" / "eh02-course-peer-addresses-root-routes-nat.sh"

HEAD = (
    "ip netns add r\nip link add v1 type veth peer name v2\nip link set v2 netns r\n"
    "ip link set v1 up\n"
)


def _model(text: str) -> str | None:
    return import_text(text, "shell", "lab.sh").model_error


def test_a_route_through_the_peer_is_on_the_link() -> None:
    assert _model(HEAD + "ip addr add 10.0.0.1 peer 10.0.0.2 dev v1\n"
                  "ip route add 10.0.0.4 via 10.0.0.2\n") is None  # fmt: skip


def test_the_peer_s_prefix_is_routed() -> None:
    assert _model(HEAD + "ip addr add 10.7.0.1 peer 10.7.0.0/24 dev v1\n"
                  "ip route add 10.6.0.0/24 via 10.7.0.9\n") is None  # fmt: skip


def test_the_local_prefix_beside_a_peer_is_not_routed() -> None:
    said = _model(HEAD + "ip addr add 10.8.0.1/24 peer 10.8.0.2 dev v1\n"
                  "ip route add 10.6.0.0/24 via 10.8.0.5\n")  # fmt: skip
    assert said is not None and "gateway 10.8.0.5 is not in the subnet" in said, said


def test_a_peer_of_a_link_that_is_down_is_not_routed() -> None:
    said = _model(HEAD + "ip addr add 10.0.0.1 peer 10.0.0.2 dev v1\nip link set v1 down\n"
                  "ip route add 10.0.0.4 via 10.0.0.2\n")  # fmt: skip
    assert said is not None and "gateway 10.0.0.2 is not in the subnet" in said, said


def test_the_course_lab_imports_and_the_model_follows_it() -> None:
    result = import_text(EH02.read_text(), "shell", EH02.name)
    assert result.model_error is None, result.model_error


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_peer_routed_lab_runs(tmp_path: Path) -> None:
    """Apart (its own network namespace and /run/netns): the routes through the peers are
    taken, the far end answers, and nothing remains."""
    (tmp_path / "lab.yaml").write_text(
        "name: peers\nsetup:\n"
        "  - line: ip netns add ehp1\n  - line: ip netns add ehp2\n"
        "  - line: ip link add ehpa type veth peer name ehpb\n"
        "  - line: ip link add ehpc type veth peer name ehpd\n"
        "  - line: ip link set ehpb netns ehp1\n  - line: ip link set ehpc netns ehp1\n"
        "  - line: ip link set ehpd netns ehp2\n"
        "  - line: ip addr add 10.0.0.1 peer 10.0.0.2 dev ehpa\n  - line: ip link set ehpa up\n"
        "  - line: ip route add 10.0.0.4 via 10.0.0.2\n"
        "  - line: ip -n ehp1 addr add 10.0.0.2 peer 10.0.0.1 dev ehpb\n"
        "  - line: ip -n ehp1 link set ehpb up\n"
        "  - line: ip -n ehp1 addr add 10.0.0.3 peer 10.0.0.4 dev ehpc\n"
        "  - line: ip -n ehp1 link set ehpc up\n"
        "  - line: ip netns exec ehp1 sysctl -w net.ipv4.ip_forward=1\n"
        "  - line: ip -n ehp2 addr add 10.0.0.4 peer 10.0.0.3 dev ehpd\n"
        "  - line: ip -n ehp2 link set ehpd up\n"
        "  - line: ip -n ehp2 route add 10.0.0.1 via 10.0.0.3\n"
        "  - action: raw\n    command: ping -c 1 -W 2 10.0.0.4\n    observe: true\n"
    )
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    run = f"IPLAB_STATE_DIR={state} PYTHONPATH={REPO} {sys.executable} -m iplab"
    done = apart(
        f"ip link set lo up\ncd {tmp_path}\n{run} run lab.yaml --prefix ehx9 >out 2>&1\n"
        "echo rc=$?\nip -o link | grep -c ehx9 || true\nip netns list | grep -c ehx9 || true\n"
        "cat out\n"
    )
    assert done.stdout.startswith("rc=0\n0\n0\n"), done.stdout + done.stderr
