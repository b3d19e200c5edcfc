"""A host sysctl written with its output thrown away (hunt DO: the kernel's
nft_nat_zones.sh selftest, named in tests/fixtures/hunt-do/README.md, raises the host's neighbour
table sizes with ``sysctl -q net.ipv4.neigh.default.gc_thresh1=512 2>/dev/null``; people
write ``sysctl -w net.ipv4.ip_forward=1 > /dev/null``). With the redirection the line was a
raw step of unknown effect: not said as a change of the host, and no undo, so the host's
value stayed changed after the lab was down. It is the sysctl write it is now: listed
among the host's changes, and put back by down."""

from __future__ import annotations

import pytest

from iplab.hostsaid import host_change
from iplab.importer.convert import import_text
from iplab.steps import Raw
from iplab.sysctl import sysctl_writes


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("sysctl -q net.ipv4.neigh.default.gc_thresh1=512  2>/dev/null", "net.ipv4.neigh.default"
         ".gc_thresh1"),
        ("sysctl -w net.ipv4.ip_forward=1 > /dev/null", "net.ipv4.ip_forward"),
        ("sysctl -w net.ipv4.ip_forward=1 >/dev/null 2>&1", "net.ipv4.ip_forward"),
        ("sysctl net.ipv4.ip_forward=1 &> /dev/null", "net.ipv4.ip_forward"),
    ],
)  # fmt: skip
def test_the_write_is_read_through_the_redirection(line: str, key: str) -> None:
    written = sysctl_writes(line)
    assert written is not None and written[0][0] == key, written
    said = host_change(Raw(command=line, shell=True))
    assert said == f"writes the host's sysctl {key}", said


def test_a_redirection_to_a_file_is_no_quiet_write() -> None:
    assert sysctl_writes("sysctl -w net.ipv4.ip_forward=1 > /tmp/out") is None


#: the shape of the selftest's lines (the selftest itself is GPL-2.0: not kept in this MIT
#: project's fixtures; its source is named in tests/fixtures/hunt-do/README.md)
SELFTEST_SHAPE = "".join(
    f"sysctl -q net.ipv{v}.neigh.default.gc_thresh{n}={size}  2>/dev/null\n"
    for v in (6, 4)
    for n, size in ((1, 512), (2, 1024), (3, 4096))
)


def test_the_selftest_s_host_sysctls_are_said() -> None:
    script = "#!/bin/bash\nip netns add gw\n" + SELFTEST_SHAPE + "ip netns del gw\n"
    result = import_text(script, "shell", "nat-zones.sh")
    said = "\n".join(result.host_changes)
    for n in (1, 2, 3):
        assert f"writes the host's sysctl net.ipv4.neigh.default.gc_thresh{n}" in said, said
        assert f"writes the host's sysctl net.ipv6.neigh.default.gc_thresh{n}" in said, said
