"""Hunt DR #5: cubepath.com's guide (tests/fixtures/pages-dr/dr09-...) lists the network
namespaces in use with ``sudo find /proc -maxdepth 3 -name net -type l 2>/dev/null | xargs
-I{} readlink {} | sort -u``: it only reads.

iplab read it as a raw step of unknown effect: "iplab cannot undo" it, and ``run --prefix``
refused the whole lab ("drx9ns1 would keep its name on this host ... only a step iplab
cannot read may make it, as written: `sudo find ...`"). A ``find`` that does nothing but
list (no -delete, -exec, -ok, -fprint...) reads, and ``xargs`` runs what its words say (a
reader, here readlink); ``find -delete`` and ``xargs ip netns del`` still change the host."""

from __future__ import annotations

import pytest

from iplab.ipgrammar import effects
from iplab.words import reads_only

PIPE = "find /proc -maxdepth 3 -name net -type l 2>/dev/null | xargs -I{} readlink {} | sort -u"


@pytest.mark.parametrize(
    "command",
    [
        PIPE,
        "find /var/run/netns -type f",
        "xargs -I{} readlink {}",
        "xargs -n 1 echo",
        "ls /var/run/netns | xargs -I % ip netns exec % ip a",
    ],
)
def test_readers(command: str) -> None:
    assert reads_only(command)


@pytest.mark.parametrize(
    "command",
    [
        "find /var/run/netns -name 'lab*' -delete",
        "find /tmp -name x -exec rm {} \\;",
        "ip netns | xargs ip netns del",
        "xargs rm -f",
    ],
)
def test_changers(command: str) -> None:
    assert not reads_only(command)


def test_the_pipe_makes_no_name() -> None:
    said = effects(PIPE, None)
    assert said is not None and not (said.creates or said.deletes or said.renames)
    assert effects("find /var/run/netns -delete", None) is None
