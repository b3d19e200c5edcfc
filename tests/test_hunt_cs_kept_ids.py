"""The root ids a process keeps of namespaces outside its reads (hunt CS): one is used
again only while its name holds the same namespace, the same nsfs inode made at the same
time (the kernel gives a destroyed namespace's inode number to the next one at once)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iplab import netlink
from iplab.names import ROOT
from iplab.peers import RawLink


class _Socket:
    """Answers every id request with ``nsid``; counts them."""

    def __init__(self, nsid: int) -> None:
        self.nsid_value, self.asked = nsid, 0

    def nsid(self, fd: int) -> int:
        self.asked += 1
        return self.nsid_value


def _reading(nsid: int) -> netlink.Reading:
    """A read of the root alone, which holds a veth whose peer lives in namespace ``nsid``."""
    veth = RawLink("hcsveth", 5, "veth", True, link_index=2, link_netnsid=nsid)
    return netlink.Reading(links={ROOT: [veth]}, root_ids={"hcsother": None}, self_id=None)


@pytest.fixture
def netns_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(netlink, "NETNS_DIR", str(tmp_path))
    monkeypatch.setattr(netlink, "_KNOWN", {})
    (tmp_path / "hcsother").write_text("")
    return tmp_path


def test_a_kept_id_is_used_while_the_name_holds_the_same_namespace(netns_dir: Path) -> None:
    sock = _Socket(7)
    first = _reading(7)
    netlink._other_ids(sock, first)  # type: ignore[arg-type]
    assert (first.root_ids["hcsother"], first.asked, sock.asked) == (7, 1, 1)
    again = _reading(7)
    netlink._other_ids(sock, again)  # type: ignore[arg-type]
    assert (again.root_ids["hcsother"], again.asked, sock.asked) == (7, 0, 1)


def test_the_same_inode_made_at_another_time_is_asked_again(netns_dir: Path) -> None:
    sock = _Socket(7)
    netlink._other_ids(sock, _reading(7))  # type: ignore[arg-type]
    path = netns_dir / "hcsother"
    before = os.stat(path)
    os.chmod(path, 0o600)  # the same inode, its change time moved on
    after = os.stat(path)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
    assert after.st_ctime_ns != before.st_ctime_ns
    sock.nsid_value = 9  # (another namespace now, another id)
    later = _reading(9)
    netlink._other_ids(sock, later)  # type: ignore[arg-type]
    assert (later.root_ids["hcsother"], later.asked, sock.asked) == (9, 1, 2)


def test_a_name_gone_since_is_not_given_its_kept_id(netns_dir: Path) -> None:
    sock = _Socket(7)
    netlink._other_ids(sock, _reading(7))  # type: ignore[arg-type]
    (netns_dir / "hcsother").unlink()
    later = _reading(7)
    netlink._other_ids(sock, later)  # type: ignore[arg-type]
    assert later.root_ids["hcsother"] is None and sock.asked == 1


def test_with_roots_a_foreign_root_veth_asks_nothing(netns_dir: Path) -> None:
    sock = _Socket(7)
    reading = _reading(7)
    netlink._other_ids(sock, reading, roots={"hcslab"})  # type: ignore[arg-type]
    assert (reading.root_ids["hcsother"], sock.asked) == (None, 0)
    netlink._other_ids(sock, reading, roots={"hcsveth"})  # type: ignore[arg-type]
    assert (reading.root_ids["hcsother"], sock.asked) == (7, 1)
