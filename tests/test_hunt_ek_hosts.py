"""Hunt EK: hosts unlike the one iplab is made on (a busybox or an old ``ip``, a Fedora
host, a user who is not root, a state directory on a full or read-only file system):
what iplab said there, and what it says now."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import programs
from iplab.errors import IplabError
from iplab.plan import build
from tests.conftest import REPO
from tests.pages import imported

FIXTURES = REPO / "tests" / "fixtures"


def _lean_path(tmp_path: Path, without: set[str]) -> str:
    """A PATH of every program of /usr/sbin and /usr/bin but ``without``: a host that
    lacks them (not one whose PATH does)."""
    lean = tmp_path / "bin"
    lean.mkdir()
    for folder in (Path("/usr/sbin"), Path("/usr/bin")):
        for program in folder.iterdir():
            if program.name not in without and not (lean / program.name).exists():
                (lean / program.name).symlink_to(program)
    return str(lean)


def test_a_missing_program_is_named_with_its_fedora_package_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Hunt EK: on a host without tc and ping, ``up`` said "tc (package iproute2), ...
    ping (package iputils-ping)": names apt knows and dnf does not (Fedora's are iproute
    and iputils). Both are said, the Fedora one where it differs."""
    monkeypatch.setenv("PATH", _lean_path(tmp_path, {"tc", "ping", "brctl", "arping"}))
    monkeypatch.setattr(programs, "STANDARD", ())  # (the host lacks them: no directory has)
    said = []
    for page in ("tc/hunt-l-02b-tc-shaping-no-netem.md", "stored-pages-10/p1-thachmpham-arp.md"):
        with pytest.raises(IplabError) as refused:
            programs.refuse_missing(build(imported(FIXTURES / page)[1]))
        said.append(str(refused.value))
    assert "tc (package iproute2; Fedora: iproute), which `sudo ip netns exec" in said[0], said
    assert "ping (package iputils-ping; Fedora: iputils), which" in said[0], said
    assert "brctl (package bridge-utils), which `brctl" in said[1], said
    assert "arping (package iputils-arping; Fedora: iputils)" in said[1], said
    assert "tshark (package tshark; Fedora: wireshark-cli)" in said[1], said
