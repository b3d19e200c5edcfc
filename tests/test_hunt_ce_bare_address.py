"""Hunt CE #1: ``ip addr add 10.0.0.1 dev veth-l`` (no prefix length) passed check with no
word; ip makes it a /32, the kernel adds no route to the other end's 10.0.0.2, and the
page's ping fails ("Network is unreachable"). Import and check now warn where the lab's
other steps show a subnet was meant (another address of it in the /24, a route via one, a
ping to one), say what ip does and what to write; a /32 with its own route (the calico
way) is not said, and a gateway such a route reaches is taken, as the kernel takes it."""

from __future__ import annotations

from pathlib import Path

import pytest

import iplab.cli
from tests.pages import imported, written

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("page", "said"),
    [
        (
            FIXTURES / "typos" / "t04-no-prefix.md",
            [
                "setup[3].address: '10.0.0.1' has no prefix length: ip makes it 10.0.0.1/32,"
                " and the kernel adds no route to 10.0.0.2",
                "setup[4].address: '10.0.0.2' has no prefix length: ip makes it 10.0.0.2/32,"
                " and the kernel adds no route to 10.0.0.1",
            ],
        ),
        (
            FIXTURES / "leftovers13" / "router-gw-no-mask.sh",
            [
                "setup[5].address: '10.1.0.1' has no prefix length: ip makes it 10.1.0.1/32,"
                " and the kernel adds no route to 10.1.0.10",
            ],
        ),
    ],
)
def test_check_warns_of_a_bare_address(
    page: Path, said: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result, _ = imported(page)
    lab = written(result, tmp_path)
    rc = iplab.cli.main(["check", "-q", str(lab)])
    err = capsys.readouterr().err
    assert rc == 0, err
    warned = [line for line in err.splitlines() if "has no prefix length" in line]
    assert len(warned) == len(said), err
    for text, line in zip(said, warned, strict=True):
        assert line.startswith(f"iplab: warning: {lab}:"), line
        assert text in line, line
        assert "/24" in line.split("(write ", 1)[1], line


def test_a_slash_32_with_its_own_route_is_not_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pod's bare 10.244.0.5 and its route to the node's 10.244.0.1: what the author
    meant; the default route via 10.244.0.1 is taken (it was refused: 'gateway 10.244.0.1
    is not in the subnet of any up link')."""
    result, _ = imported(FIXTURES / "leftovers13" / "pod-slash32-routed.md")
    lab = written(result, tmp_path)
    rc = iplab.cli.main(["check", "-q", str(lab)])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert "has no prefix length" not in err
    assert "not in the subnet" not in err


def test_router_ids_on_loopbacks_are_not_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An OSPF lab's router ids: a /32 on each lo, meant so."""
    page = tmp_path / "ospf.md"
    page.write_text(
        "# ospf\n\n```\nip netns add r1\nip netns add r2\n"
        "ip -n r1 addr add 10.255.0.1 dev lo\nip -n r2 addr add 10.255.0.2 dev lo\n"
        "ip -n r1 link set lo up\nip -n r2 link set lo up\n```\n"
    )
    result, _ = imported(page)
    lab = written(result, tmp_path)
    assert iplab.cli.main(["check", "-q", str(lab)]) == 0
    assert "has no prefix length" not in capsys.readouterr().err


def test_a_bare_address_with_a_default_route_on_its_link_is_not_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'ip -n a route add default dev va' reaches 10.0.0.2 from the /32: meant so."""
    result, _ = imported(FIXTURES / "leftovers13" / "p2p-default-dev.md")
    lab = written(result, tmp_path)
    assert iplab.cli.main(["check", "-q", str(lab)]) == 0
    assert "has no prefix length" not in capsys.readouterr().err
