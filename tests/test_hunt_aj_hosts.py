"""Hunt AJ (broken or unusual hosts, round 4): what the importer and the readers said of
names ip takes and hosts whose /run/netns or ``ip`` is not as iplab expects."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from iplab import iproute, netlink
from iplab.errors import ParseError
from iplab.importer.convert import detect_kind, import_text
from iplab.runner import Input, Result, Runner
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


class _HangingIp:
    """An executor whose every process is killed by its time limit, as the runner kills an
    ``ip`` that hangs (what the reader's script printed before it hung is its output)."""

    def run(self, argv: Sequence[str], stdin: Input = None, **_: Any) -> Result:
        return Result(tuple(argv), -9, "@@iplab netns -\n", "", 30.0, "timed out after 30 s")


def test_a_read_killed_by_its_time_limit_says_so_and_names_its_ip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hunt AJ: with PATH holding an ``ip`` that hangs (hang-ip/ip), ``iplab status`` said
    `reading the state failed (exit -9): @@iplab netns -` (the reader's own marker, and no
    word of the time limit). It now says the read timed out, and which ip it ran."""
    monkeypatch.setenv("PATH", f"{HOSTS / 'hang-ip'}:{os.environ.get('PATH', '')}")
    runner = Runner(executor=_HangingIp(), is_root=True)
    with pytest.raises(ParseError) as raised:
        iproute.read_with_ip(runner, ["hJ9red"])
    said = str(raised.value)
    assert said == (
        f"reading the state failed: timed out after 30 s (the ip it runs: {HOSTS}/hang-ip/ip)"
    ), said
