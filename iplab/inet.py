"""One reader of address texts (``10.0.0.1/24``, ``fe80::1/64``) for the whole of iplab, kept.

The model, the claims and verify read the same texts many times over: for a lab of 500
namespaces, ``iplab up`` parsed some 9,000 addresses, 1,000 of them distinct, at 5 to 10
microseconds each (``ipaddress`` is pure Python). The objects are immutable, so one of each
is shared; a text that is no address raises ``ValueError`` every time, as
:func:`ipaddress.ip_interface` does.
"""

from __future__ import annotations

import functools
import ipaddress

Interface = ipaddress.IPv4Interface | ipaddress.IPv6Interface


@functools.lru_cache(maxsize=1 << 16)
def interface(text: str) -> Interface:
    """``ipaddress.ip_interface(text)``, read once per distinct text."""
    return ipaddress.ip_interface(text)
