"""Hunt BM #1: a line whose only expansions need no variable the input sets
(``${NS:-default}``, ``${NS:=ns1}``, ``$((1+1))``) was printed with their values: iplab
render showed ``ip -n default addr flush dev eth0`` for the script's ``ip -n ${NS:-default}
addr flush dev eth0``, and ``ip link del "veth0"`` for ``ip link del "${x:-veth0}"``, with
no word. It is printed as written now, and still typed (and run) with the values."""

from __future__ import annotations

import pytest

from iplab.plan import build
from tests.conftest import REPO
from tests.pages import imported

FIXTURES = REPO / "tests" / "fixtures"


@pytest.mark.parametrize(
    ("page", "written", "runs"),
    [
        (
            "adversarial-7/af09-ip-n-var.sh",
            "ip -n ${NS:-default} addr flush dev eth0",
            "ip -n default addr flush dev eth0",
        ),
        ("adversarial-5/lines.txt", 'ip link del "${x:-veth0}"', 'ip link del "veth0"'),
        (
            "byte-for-byte/defaults-and-arithmetic.sh",
            "ip addr add 10.0.0.$((1+1))/24 dev v0",
            "ip addr add 10.0.0.2/24 dev v0",
        ),
        (
            "byte-for-byte/defaults-and-arithmetic.sh",
            "ip link set v1 netns ${NS:=ns1}",
            "ip link set v1 netns ns1",
        ),
        (
            "byte-for-byte/defaults-and-arithmetic.sh",
            "sudo ip netns exec ns1 ip link set ${L:-lo} up",
            "sudo ip netns exec ns1 ip link set lo up",
        ),
    ],
)
def test_a_default_or_arithmetic_is_printed_as_written_and_runs_with_its_value(
    page: str, written: str, runs: str
) -> None:
    path = FIXTURES / page
    assert written in path.read_text(encoding="utf-8").splitlines()
    result, sc = imported(path)
    assert written in result.lines
    assert runs not in result.lines
    texts = [pc.command.text for pc in build(sc, lenient=True).commands]
    assert runs in texts


def test_every_line_of_the_script_is_printed_as_written() -> None:
    path = FIXTURES / "byte-for-byte" / "defaults-and-arithmetic.sh"
    result, _ = imported(path)
    source = path.read_text(encoding="utf-8").splitlines()
    assert list(result.lines) == [line for line in source if line and not line.startswith("#")]
