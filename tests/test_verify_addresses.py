"""verify's address comparison: the quick skip of link-local text agrees with ipaddress."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from iplab.claims import is_automatic, lab_addresses
from iplab.state import Link

V6 = st.ip_addresses(v=6) | st.ip_addresses(v=6, network="fe80::/10")
ADDRESSES = st.tuples(st.ip_addresses(v=4) | V6, st.integers(0, 32)).map(
    lambda pair: f"{pair[0]}/{pair[1]}"
)


@given(st.lists(ADDRESSES, max_size=6), st.sampled_from(["veth", "loopback", "bridge"]))
def test_lab_addresses_is_the_ipaddress_definition(addresses: list[str], kind: str) -> None:
    link = Link("x", kind, addresses=addresses)
    slow = {ipaddress.ip_interface(a) for a in addresses if not is_automatic(a, link)}
    assert lab_addresses(link) == slow


def test_text_of_link_local_and_lookalikes() -> None:
    link = Link("x", "veth", addresses=["fe80::1/64", "FEBF::2/64", "fe8::1/64", "fec0::1/64"])
    assert {str(a) for a in lab_addresses(link)} == {"fe8::1/64", "fec0::1/64"}
