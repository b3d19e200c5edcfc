"""Hunt M: a PATH without /usr/sbin (a cron job's, ``PATH=/usr/local/bin:/usr/bin:/bin``):
the programs there are not on PATH, not missing from the host."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iplab import plan, programs
from iplab.errors import IplabError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"


def _refusal(monkeypatch: pytest.MonkeyPatch, path: str) -> str:
    monkeypatch.setenv("PATH", path)
    lab = plan.load(str(FIXTURES / "m18.yaml"), prefix="hM")
    with pytest.raises(IplabError) as caught:
        programs.refuse_missing(lab)
    return str(caught.value)


@pytest.mark.skipif(
    not os.path.exists("/usr/sbin/sysctl") or os.path.exists("/usr/bin/sysctl"),
    reason="needs sysctl in /usr/sbin only",
)
def test_a_program_in_usr_sbin_is_not_on_path_not_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hunt M: ``PATH=/usr/local/bin:/usr/bin:/bin iplab run 18.yaml`` said "this host
    does not have sysctl ..., tc (package iproute2)", both installed in /usr/sbin. It
    says they are not on PATH, where they are, and to add that directory to PATH."""
    said = _refusal(monkeypatch, "/usr/local/bin:/usr/bin:/bin")
    assert "does not have" not in said, said
    assert "which `ip netns exec hMrt sysctl -w net.ipv4.ip_forward=1` runs" in said, said
    assert "are not on PATH (they are in /usr/sbin, which PATH lacks)" in said, said
    assert "add /usr/sbin to PATH" in said, said


@pytest.mark.skipif(
    not any(os.access(f"{d}/ip", os.X_OK) for d in programs.SBIN),
    reason="no ip in an sbin directory",
)
def test_ip_itself_off_path_is_said_to_be_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Hunt M: does iplab find ``ip`` itself with such a PATH? It does not (it starts
    ``ip`` through PATH); the preflight says ip is not on PATH and where it is, rather
    than that the host does not have it."""
    said = _refusal(monkeypatch, str(tmp_path))
    assert "ip, which `ip netns add hMrt` runs (line 7)" in said, said
    assert "does not have ip" not in said and f"add {programs.off_path('ip')}" in said, said
