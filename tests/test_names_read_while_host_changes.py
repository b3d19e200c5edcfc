"""The checks before a run read the root's link names while another tool keeps adding and
deleting links (real kernel): every dump of the root is interrupted, and the read used to
fail after 30 s ("the dump kept being interrupted"), so that `up` could not start beside a
lab of thousands going up (#14's leftover, seen by two helpers' runs). It now takes the
names those dumps gave, together, after :data:`iplab.netlink.NAMES_PATIENCE` seconds, and
says so in its audit record.

The interruption is the kernel's own: between the first and the second part of each dump
of the root, this test adds a link of its own and deletes it, which changes the root's
links as the busy tool did; the kernel then marks the dump interrupted. Only this test's
links are compared (other work may change the root meanwhile)."""

from __future__ import annotations

import socket
import subprocess
import time
from typing import Any

import pytest

from iplab import iproute, netlink
from iplab.runner import Runner

pytestmark = pytest.mark.kernel

BRIDGES = 60  # (a root dump then comes in several parts: a change between them interrupts it)


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


class _Busy:
    """A netlink socket whose dumps of the root's links another tool interrupts: after the
    first part of each, a link is added and deleted (this test's prefix)."""

    def __init__(self, inner: socket.socket, churn: str) -> None:
        self.inner = inner
        self.churn = churn
        self.parts = 0
        self.interrupting = 0

    def send(self, data: bytes) -> int:
        self.parts = 0
        return self.inner.send(data)

    def recv(self, size: int) -> bytes:
        data = self.inner.recv(size)
        self.parts += 1
        if self.parts == 1:
            ip("link", "add", self.churn, "type", "bridge")
            ip("link", "del", self.churn)
            self.interrupting += 1
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def busy_root(prefix: str, monkeypatch: pytest.MonkeyPatch) -> list[_Busy]:
    for n in range(BRIDGES):
        ip("link", "add", f"{prefix}b{n}", "type", "bridge")
    made: list[_Busy] = []
    real_init = netlink.Socket.__init__

    def init(self: netlink.Socket, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        self.sock = _Busy(self.sock, f"{prefix}x")  # type: ignore[assignment]
        made.append(self.sock)  # type: ignore[arg-type]

    monkeypatch.setattr(netlink.Socket, "__init__", init)
    monkeypatch.setattr(netlink, "RETRY_SECONDS", 6)  # (the old failure, sooner)
    return made


def test_the_names_read_while_another_tool_changes_the_root(
    prefix: str, busy_root: list[_Busy]
) -> None:
    said: list[str] = []
    start = time.monotonic()
    links, _netns = netlink.read_names(said)
    took = time.monotonic() - start
    assert busy_root and busy_root[0].interrupting >= 2  # every dump was interrupted
    mine = {n for n in links if n.startswith(prefix)} - {f"{prefix}x"}
    assert mine == {f"{prefix}b{n}" for n in range(BRIDGES)}
    assert said and "interrupted by changes" in said[0]
    assert took < netlink.RETRY_SECONDS


def test_the_preflight_read_says_it_in_its_audit_record(
    prefix: str, busy_root: list[_Busy], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(iproute.READER_VARIABLE, raising=False)
    noted: list[dict[str, object]] = []
    runner = Runner()
    runner.hook = lambda result, meta: noted.append(dict(meta))
    links, _netns = iproute.read_names(runner)
    assert f"{prefix}b0" in links
    assert next(m.get("interrupted") for m in noted if m.get("kind") == "read")
