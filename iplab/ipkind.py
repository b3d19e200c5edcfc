"""Which ``ip`` is first on PATH, when it is not iproute2's, and what to do then.

iplab runs ``ip netns``, ``ip -batch`` and reads with ``ip -j``. BusyBox's ``ip`` applet
(Alpine, OpenWrt, an initramfs, a container from the busybox image) has none of the three:
it prints its usage for each, and a lab failed on its first step with twenty lines of that
usage (hunt EK). An old iproute2 has ``ip netns`` and ``-batch`` but no ``-j`` (CentOS 7's
iproute2-ss130716: `Option "-j" is unknown`), or takes ``-j`` and prints text for the
objects it had not yet taught JSON (Ubuntu 18.04's iproute2-ss180129: ``ip -j netns list``).

Nothing here starts a process: the ``ip`` on PATH is told from where its link leads (or
which file it is), and a failure from what it printed.
"""

from __future__ import annotations

import os
import shutil

from iplab.errors import ParseError


class NotIproute2(ParseError):
    """A read failed because the ``ip`` on PATH is not the one iplab reads with: the
    message names it and what to do."""


#: the multi-call binaries that carry an ``ip`` applet of their own, as their makers write them
MULTICALL = {"busybox": "BusyBox", "toybox": "toybox"}

#: where to get iproute2's ip (Debian, Ubuntu and Alpine call the package iproute2)
INSTALL = "install iproute2 (Fedora: iproute) and put its ip first on PATH"


def multicall_ip() -> str | None:
    """``the ip on PATH (/sbin/ip) is BusyBox's applet (/bin/busybox)`` when the first
    ``ip`` on PATH is a link to (or the same file as) busybox or toybox; None otherwise."""
    ip = shutil.which("ip")
    if ip is None:
        return None
    real = os.path.realpath(ip)
    maker = MULTICALL.get(os.path.basename(real))
    if maker is None:  # (a hard link: the same file as the busybox on PATH)
        maker, real = _same_file(ip)
    if maker is None:
        return None
    return f"the ip on PATH ({ip}) is {maker}'s applet ({real})"


def _same_file(ip: str) -> tuple[str | None, str]:
    try:
        mine = os.stat(ip)
    except OSError:
        return None, ip
    for program, maker in MULTICALL.items():
        other = shutil.which(program)
        if other is None:
            continue
        try:
            theirs = os.stat(other)
        except OSError:
            continue
        if (theirs.st_dev, theirs.st_ino) == (mine.st_dev, mine.st_ino):
            return maker, other
    return None, ip


def lacks() -> str:
    """What such an ip lacks that iplab runs."""
    return "which has no `ip netns`, no -batch and no -j (JSON): iplab runs all three"


def multicall_said(text: str) -> str | None:
    """``BusyBox`` when ``text`` (what a failed command printed) is the usage of a
    multi-call binary's ``ip`` applet (``BusyBox v1.36.1 (...) multi-call binary.`` then
    ``Usage: ip [OPTIONS] ...``: not another applet's, ``busybox nc``); None otherwise."""
    first = text.lstrip().split("\n", 1)[0]
    if "Usage: ip " not in text:
        return None
    for maker in MULTICALL.values():
        if first.startswith(f"{maker} v") or (first.startswith(maker) and "multi-call" in first):
            return maker
    return None


def no_json(text: str) -> bool:
    """An ``ip`` that has no ``-j`` said so (an old iproute2: `Option "-j" is
    unknown, try "ip -help".`)."""
    return 'Option "-j" is unknown' in text or 'Option "-json" is unknown' in text


def said_of_failure(text: str, ip: str | None = None) -> str | None:
    """Why an ``ip`` failed, when its output shows it is not the ip iplab reads with: a
    multi-call binary's applet, or an iproute2 without JSON; None otherwise."""
    ip = ip or shutil.which("ip") or "ip"
    if (maker := multicall_said(text)) is not None:
        return f"the ip on PATH ({ip}) is {maker}'s applet, {lacks()}; {INSTALL}"
    if no_json(text):
        return (
            f"the ip on PATH ({ip}) is an iproute2 without JSON output (-j), which iplab"
            f" reads the kernel's state with ({ip} -V says its version); {INSTALL}"
        )
    return None


def text_for_json(text: str) -> str | None:
    """What to say of ``ip -j`` output that is text, not JSON (an iproute2 that takes
    ``-j`` but prints this object as text: ``ns1 (id: 0)``); None when it may be JSON
    (empty, or opening a list or an object: :func:`iplab.iproute.loads` judges it)."""
    body = text.strip()
    if not body or body[0] in "[{":
        return None
    first = body.split("\n", 1)[0][:60]
    return (
        f"ip printed text, not JSON ({first!r}): not iproute2's ip, or an iproute2 older than"
        " the JSON output of this command, which iplab reads the kernel's state with"
    )
