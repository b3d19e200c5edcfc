"""Hunt AJ (broken or unusual hosts, round 4): what the importer and the readers said of
names ip takes and hosts whose /run/netns or ``ip`` is not as iplab expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import netlink
from iplab.errors import ParseError
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

HOSTS = REPO / "tests" / "fixtures" / "hostile-hosts"


def test_namespace_names_ip_takes_but_iplab_does_not_type_are_said() -> None:
    """Hunt AJ: a script naming its namespaces ``web:1``, ``db@2``, ``app=3``, ``cache,4``
    (ip takes them; bash ran the script) was imported as 11 raw steps of 12 with no word
    why, and ``up --prefix`` then refused them as steps iplab cannot read. The importer now
    says which names keep which lines raw, as it does for names that are not ASCII."""
    name = "t4-odd-ns-names.sh"
    text = (HOSTS / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    said = [w for w in result.warnings if "'web:1'" in w]
    assert len(said) == 1, result.warnings
    assert said[0].startswith("lines 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14: "), said
    assert "'db@2', 'app=3', 'cache,4'" in said[0] and "kept as raw steps" in said[0], said


def test_a_run_netns_that_is_a_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt AJ: with /run/netns a regular file (a private mount namespace, ``echo junk >
    /run/netns``), ``iplab up``, ``verify`` and ``run`` said only `netlink: reading the state
    failed: Not a directory`. The reader now names the file and what to do."""
    fake = tmp_path / "netns"
    fake.write_text("junk\n", encoding="utf-8")
    monkeypatch.setattr(netlink, "NETNS_DIR", str(fake))
    with pytest.raises(ParseError) as raised:
        netlink.named_namespaces()
    assert str(raised.value).startswith(f"{fake} is not a directory: "), raised.value
    assert "move that file away" in str(raised.value)


def test_a_run_netns_that_is_a_file_is_named_when_a_lab_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt AJ: the same host, ``iplab verify lab.yaml``: the reader opens the lab's
    namespaces first, and said `netlink: reading the state failed:
    /var/run/netns/hJ9blue: Not a directory`."""
    fake = tmp_path / "netns"
    fake.write_text("junk\n", encoding="utf-8")
    monkeypatch.setattr(netlink, "NETNS_DIR", str(fake))
    with pytest.raises(ParseError) as raised:
        netlink._open_netns("hJ9blue")
    assert str(raised.value).startswith(f"{fake} is not a directory: "), raised.value
