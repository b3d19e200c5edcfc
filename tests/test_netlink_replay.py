"""The netlink reader without root: its whole conversation with the kernel over the blog's
lab, captured (``tests/fixtures/capture_netlink_session.py``), is replayed to it through a
socket that answers each request with what the kernel answered then (and fails the test on
a request it was not prepared for). What it reads must be what iplab's ``ip -j`` read
script printed at the same moment, parsed by the reference reader."""

from __future__ import annotations

import errno
import json
import socket
import struct
import types
from pathlib import Path
from typing import Any

import pytest

from iplab import iproute, netlink
from iplab.errors import ParseError
from iplab.peers import build_state

CAPTURE = json.loads(
    (Path(__file__).resolve().parent / "fixtures" / "session" / "netlink-iptc13.json").read_text()
)
NAMESPACES: list[str] = CAPTURE["namespaces"]
HEADER = struct.Struct("=IHHII")


class Replay:
    """A netlink socket that answers from a captured conversation, in order."""

    def __init__(self, conversation: list[dict[str, Any]]) -> None:
        self.conversation = conversation
        self.pending: list[bytes] = []
        self.closed = False

    def __call__(self, *args: Any) -> Replay:  # the socket.socket() of the reader
        return self

    def setsockopt(self, *args: Any) -> None:
        pass

    def bind(self, address: Any) -> None:
        pass

    def send(self, data: bytes) -> int:
        if not self.conversation:
            raise AssertionError(f"Replay: unexpected request {data[:16].hex()}")
        step = self.conversation.pop(0)
        sent = bytes.fromhex(step["sent"])
        _l, kind, flags, seq, _p = HEADER.unpack_from(data)
        _l, was_kind, was_flags, was_seq, _p = HEADER.unpack_from(sent)
        assert (kind, flags) == (was_kind, was_flags), "Replay: not the captured request"
        for chunk in step["received"]:
            out = bytearray(bytes.fromhex(chunk))
            offset = 0
            while offset + HEADER.size <= len(out):  # the answers carry this request's seq
                length, mtype, mflags, mseq, pid = HEADER.unpack_from(out, offset)
                if mseq == was_seq:
                    HEADER.pack_into(out, offset, length, mtype, mflags, seq, pid)
                offset += (length + 3) & ~3
            self.pending.append(bytes(out))
        return len(data)

    def recv(self, size: int) -> bytes:
        if not self.pending:
            raise AssertionError("Replay: recv with nothing captured to answer")
        return self.pending.pop(0)

    def close(self) -> None:
        self.closed = True


def _replay(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key: str) -> Replay:
    replay = Replay([dict(step) for step in CAPTURE[key]])
    fake = types.SimpleNamespace(**{k: getattr(socket, k) for k in dir(socket) if k.isupper()})
    fake.socket = replay
    fake.inet_ntop = socket.inet_ntop
    monkeypatch.setattr(netlink, "socket", fake)
    # the lab's namespaces, as /run/netns names them (files the reader opens, as ip does)
    netns = tmp_path / "netns"
    netns.mkdir(exist_ok=True)
    for name in NAMESPACES:
        (netns / name).touch()
    monkeypatch.setattr(netlink, "NETNS_DIR", str(netns))
    return replay


def test_the_netlink_reader_reads_what_ip_printed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    replay = _replay(monkeypatch, tmp_path, "read_state")
    state, reading = netlink.read_state(NAMESPACES)
    assert replay.conversation == [] and replay.closed  # every captured request, no other
    assert reading.dumps == 6 and reading.numbered == []
    read = iproute.parse_read(CAPTURE["ip"])
    assert read.root_ids is not None
    reference, _ambiguous = build_state(read.links, read.root_ids)
    assert state.to_json() == reference.to_json()
    vethx = state.link(NAMESPACES[0], "iptc13vethX")
    assert vethx is not None and (vethx.peer, vethx.peer_ns) == ("iptc13vethY", "")


def test_the_read_carries_each_links_root_qdisc(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """IFLA_QDISC, as `ip -j` prints it: where iplab looks for a netem or a tbf without a
    second pass over the namespaces."""
    _replay(monkeypatch, tmp_path, "read_state")
    state, _reading = netlink.read_state(NAMESPACES)
    # as captured: noqueue on the root's links (up), noop in the namespaces (theirs are down)
    assert {link.qdisc for link in state.namespaces[""].links.values()} == {"noqueue"}
    for ns in NAMESPACES:
        assert {link.qdisc for link in state.namespaces[ns].links.values()} == {"noop"}


def test_a_kernel_error_becomes_one_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The first request answered with an error (EPERM: no privilege for it) means the
    netlink reader cannot serve: Unsupported, and iplab reads with ip -j instead."""
    replay = _replay(monkeypatch, tmp_path, "read_state")

    def refuse(data: bytes) -> int:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(replay, "send", refuse)
    with pytest.raises(netlink.Unsupported, match="Operation not permitted"):
        netlink.read_state(NAMESPACES)
    monkeypatch.setattr(
        replay, "send", lambda data: (_ for _ in ()).throw(OSError(errno.EIO, "I/O"))
    )
    with pytest.raises(ParseError, match="netlink: reading the state failed: I/O"):
        netlink.read_state(NAMESPACES)


def test_iplab_reads_a_lab_over_netlink_as_root(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As root on the real executor, ``read_state`` takes the netlink reader, and audits
    the read (which reader, how many dumps) without starting a process."""
    from iplab.runner import Runner, ShExecutor

    _replay(monkeypatch, tmp_path, "read_state")
    monkeypatch.delenv(iproute.READER_VARIABLE, raising=False)
    notes: list[dict[str, object]] = []
    runner = Runner(ShExecutor(), is_root=True, hook=lambda result, meta: notes.append(dict(meta)))
    state = iproute.read_state(runner, NAMESPACES)
    assert set(NAMESPACES) <= set(state.namespaces)
    assert [(n["reader"], n["dumps"]) for n in notes] == [("netlink", 6)]


def test_without_netlink_iplab_reads_with_ip(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A kernel (or a process) that refuses the netlink read: the ``ip -j`` reader, and the
    audit record says why."""
    from iplab.runner import Runner, ShExecutor
    from tests.fakehost import SETUP_CHANGES, FakeHost

    replay = _replay(monkeypatch, tmp_path, "read_state")

    def refuse(data: bytes) -> int:
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    monkeypatch.setattr(replay, "send", refuse)
    host = FakeHost()
    host.at = SETUP_CHANGES[-1]  # the captured lab after its setup
    monkeypatch.setattr(
        ShExecutor, "run", lambda self, argv, stdin=None, **kw: host.executor.run(argv, stdin)
    )
    notes: list[dict[str, object]] = []
    runner = Runner(ShExecutor(), is_root=True, hook=lambda result, meta: notes.append(dict(meta)))
    monkeypatch.delenv(iproute.READER_VARIABLE, raising=False)
    state = iproute.read_state(runner, NAMESPACES)
    assert set(NAMESPACES) <= set(state.namespaces)
    assert notes[0]["fallback"] == "ip" and notes[0]["reader"] == "netlink"
    assert str(notes[1]["text"]).startswith("read state with ip -j: the root")
