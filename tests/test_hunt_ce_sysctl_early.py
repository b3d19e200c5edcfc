"""Hunt CE #2: a device's sysctl written before the lab makes the device passed ``check``
and failed the run (sobyte's proxy_arp page writes ``/proc/sys/net/ipv4/conf/veth1/proxy_arp``
as its first line, two steps before ``ip link add veth1``: "No such file or directory").
Check now says the link is not there yet, and which step makes it."""

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
            FIXTURES / "stored-pages-8" / "p6-sobyte-calico-proxyarp.md",
            "setup[0]: writes /proc/sys/net/ipv4/conf/veth1/proxy_arp while link veth1 does not"
            " exist in the root namespace (setup[2] makes it)",
        ),
        (
            FIXTURES / "leftovers13" / "rpfilter-before-link.md",
            "setup[1]: writes net.ipv4.conf.eth1.rp_filter while link eth1 does not exist in"
            " namespace r1 (no step before it makes it)",
        ),
    ],
)
def test_check_says_the_link_is_not_there_yet(
    page: Path, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result, _ = imported(page)
    lab = written(result, tmp_path)
    rc = iplab.cli.main(["check", "-q", str(lab)])
    err = capsys.readouterr().err
    assert rc != 0
    assert said in err, err
    assert "move this line after the step that makes" in err


@pytest.mark.parametrize(
    "line",
    [
        "sudo sysctl -w net.ipv4.conf.veth1.proxy_arp=1",  # (after the link: as it should be)
        "echo 1 > /proc/sys/net/ipv4/conf/eth0/proxy_arp",  # (the host's own: not the lab's)
        "sysctl -w net.ipv4.conf.all.rp_filter=0",
    ],
)
def test_a_write_after_the_link_or_to_another_is_not_said(
    line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# lab\n\n```\nip netns add pod1\n"
        "ip link add veth1 type veth peer name eth0 netns pod1\n"
        f"{line}\n```\n"
    )
    result, _ = imported(page)
    lab = written(result, tmp_path)
    rc = iplab.cli.main(["check", "-q", str(lab)])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert "does not exist" not in err
