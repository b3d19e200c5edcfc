"""Hunt EM #1 (left by hunt EJ): ``ip link set dev eth0`` with nothing after the device
in the root namespace was refused: "changes eth0, which no step before makes in the root
namespace". ip changes nothing with it (ip 6.1 sends the kernel no change: exit 0 when
the device exists, "Cannot find device" when not, checked on this host in a namespace of
its own), and the import said so in its warning ("sets nothing after the device ... kept
as a step that reads") while the model said the opposite; ``ip link show eth0`` passed.
``ip link change dev X`` is the same command to ip (it reads ``change`` as ``set``), and
was a raw step "iplab cannot undo". Now such a line reads, in any spelling (sudo, a
wrapper, options before ``link``), and a line that sets something is refused as before."""

from __future__ import annotations

import pytest

from iplab import hostnamed
from iplab.importer.convert import import_text
from iplab.unnamed import links_named
from iplab.words import reads_only, sets_nothing

HOST = frozenset({"eth0", "lo"})


@pytest.mark.parametrize(
    "line",
    [
        "ip link set eth0",
        "ip link set dev eth0",
        "sudo ip link set dev eth0",
        "ip -d link set dev eth0",
        "timeout 5 ip link set dev eth0",
        "strace -o f ip link set dev eth0",
        "ip link change dev lo",
    ],
)
def test_a_set_of_nothing_on_a_host_link_reads(line: str) -> None:
    script = f"#!/bin/bash\nip netns add ns1\n{line}\nip link show eth0\n"
    result = import_text(script, "shell", "lab.sh")
    assert result.model_error is None, result.model_error
    if not line.startswith("strace"):  # (strace -o f writes its file f: not undone)
        assert not result.cannot_undo, result.cannot_undo
    assert links_named(line) == []
    assert hostnamed.host_link_named(line, HOST) is None


@pytest.mark.parametrize(
    ("line", "dev"),
    [("ip link change dev veth1", "veth1"), ("ip link change veth1", "veth1")],
)
def test_change_is_set_to_ip(line: str, dev: str) -> None:
    assert sets_nothing(line) == dev
    assert reads_only(line)


@pytest.mark.parametrize(
    "line",
    [
        "strace -o f ip link set dev eth0 up",
        "strace -o f ip link set eth0 promisc on",
        "strace -o f ip link change dev eth0 mtu 1400",
    ],
)
def test_a_set_of_something_is_still_refused(line: str) -> None:
    script = f"#!/bin/bash\nip netns add ns1\n{line}\n"
    result = import_text(script, "shell", "lab.sh")
    assert result.model_error is not None and "changes eth0" in result.model_error
    assert links_named(line) == ["eth0"]
