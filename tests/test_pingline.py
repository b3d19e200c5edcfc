"""One reader of ``ping [OPTIONS] TARGET`` (iplab/pingline.py) for its two users: the
grammar's probe (iplab/ipgrammar.py, an address only) and the model's ping of the loopback
in a namespace whose lo is down (iplab/lodown.py, ``localhost`` too). Each read the words
itself before (the program, ``ping_options``, the last word).

What the one reader does more: a ping of the loopback address in a family ping itself
refuses (``ping -6 127.0.0.1``, ``ping6 127.0.0.1``, ``ping -4 ::1``: "Address family for
hostname not supported", iputils 20221126, whether lo is up or not) is no ping of it; the
lo check said "connect: Network is unreachable" of it."""

from __future__ import annotations

import pytest

from iplab.ipgrammar import NoMatch, Words, probe
from iplab.lodown import loopback_ping
from iplab.pingline import read_ping


def test_the_reader_says_an_address_from_a_name() -> None:
    ping = read_ping(["ping", "-c", "3", "-W", "2", "10.0.0.2"])
    assert ping is not None and not ping.named
    assert (ping.target, ping.count, ping.wait, ping.family) == ("10.0.0.2", 3, 2, None)
    named = read_ping(["/bin/ping", "-c1", "localhost"])
    assert named is not None and named.named and named.program == "ping"
    assert read_ping(["ping6", "-c", "1", "fd00::2"]) is not None


@pytest.mark.parametrize(
    "argv",
    [
        ["ping"],
        ["ping", "-f", "10.0.0.2"],  # (an option a probe does not read)
        ["ping", "$TARGET"],
        ["ping", "10.0.0.300"],
        ["ping", "-6", "127.0.0.1"],
        ["ping6", "10.0.0.2"],
        ["ping", "-4", "::1"],
        ["ping6", "-4", "localhost"],
        ["tracepath", "10.0.0.2"],
    ],
)
def test_what_is_no_ping_the_reader_says_so(argv: list[str]) -> None:
    assert read_ping(argv) is None


def test_the_probe_takes_an_address_and_the_lo_check_a_name_too() -> None:
    made = probe(Words(["ping", "-c", "1", "127.0.0.1"]), "red")
    assert (made.target, made.count) == ("127.0.0.1", 1)
    with pytest.raises(NoMatch):
        probe(Words(["ping", "-c", "1", "localhost"]), "red")
    assert loopback_ping("ping -c 1 localhost") == "localhost"
    assert loopback_ping("sudo ping -c 1 127.0.0.1") == "127.0.0.1"


@pytest.mark.parametrize(
    "command", ["ping -6 127.0.0.1", "ping6 -c 1 127.0.0.1", "ping -4 ::1", "ping6 -4 localhost"]
)
def test_a_family_ping_refuses_is_no_ping_of_the_loopback(command: str) -> None:
    """Ping refuses these whatever lo is: "connect: Network is unreachable" is not what
    it says of them (checked in a namespace whose lo is down)."""
    assert loopback_ping(command) is None
