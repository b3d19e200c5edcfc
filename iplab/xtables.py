"""What an ``iptables`` that failed for its backend said, and what to do.

iptables comes in two builds that take the same words: iptables-legacy (the kernel's
``ip_tables`` tables) and iptables-nft (nf_tables); ``iptables -V`` says which (``iptables
v1.8.9 (nf_tables)``), and Debian's alternatives or Fedora's packages choose one. A kernel
built for nf_tables alone (RHEL 9, Fedora's) refuses the legacy one (`can't initialize
iptables table `nat': Table does not exist (do you need to insmod?)`), an old or small one
without nf_tables refuses the other (`Could not fetch rule set generation id: Invalid
argument`). A lab's iptables step failed with those words alone (hunt EK): nothing said it
was the host's choice of iptables, nor how to choose the other.

Nothing here starts a process: the failure is told from what iptables printed.
"""

from __future__ import annotations

_NFT = "/usr/sbin/iptables-nft"
_LEGACY = "/usr/sbin/iptables-legacy"


def said_of_failure(text: str) -> str | None:
    """Why an iptables (ip6tables, -restore, -save) failed, when its backend is one this
    kernel lacks; None otherwise (a rule's own mistake, a missing match)."""
    if "(legacy)" in text and "Table does not exist" in text:
        return (
            "this iptables is iptables-legacy (its message says so), and this kernel has no"
            " legacy tables (no ip_tables module: a kernel built for nf_tables alone); use"
            f" iptables-nft (Debian/Ubuntu: update-alternatives --set iptables {_NFT};"
            " Fedora: package iptables-nft) and run again"
        )
    if "(nf_tables)" in text and (
        "Could not fetch rule set generation id: Invalid argument" in text
        or "Failed to initialize nft: Protocol not supported" in text
    ):
        return (
            "this iptables is iptables-nft (its message says nf_tables), and this kernel has"
            " no nf_tables; use iptables-legacy (Debian/Ubuntu: update-alternatives --set"
            f" iptables {_LEGACY}; Fedora: package iptables-legacy) and run again"
        )
    return None
