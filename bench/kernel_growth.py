"""Benchmark: where the kernel's own work grows faster than N (run as root).

    python3 -m bench.kernel_growth [--upto 3000] [--chunk 500]

No iplab here: bare ``ip -batch`` processes build a star in chunks (each chunk: its
namespaces, then its veths made in their namespaces, then its ports enslaved and up),
and each kind of change is timed on a quiet kernel (the kernel's own CPU time under
10 %, see ``bench.star.kernel_quiet``), with as many of the star's objects already
present as the chunk's start says. A kind whose time per chunk grows with that start
is the kernel's superlinear part: no tool that makes these objects can grow linearly.
Measured here (2026-11-29, up to 3,000): ``netns add`` and ``veth add`` stay flat on a
quiet kernel; ``master up`` grows with the ports already on the same bridge (each port
that comes up floods its IPv6 link-local traffic to the bridge's others) and, between
bridges, with all the ports of the root namespace.

``-n up`` times the star's own form of a change made inside a namespace, ``ip -n NS
link set ... up`` (in a batch, ``netns exec NS ip ...``: a process that enters NS and,
to show it its own ``/sys``, unshares a mount namespace): each such unshare copies every
mount of the host, and each named namespace is one (``/run/netns/NAME``), so the line
costs more the more namespaces exist; ``nsenter --net``, which copies no mount, does not
grow (2026-12-02). No sysctl lifts it: fewer named namespaces, or changes made from the
root (``ip link add ... netns NS up``), do.

Every object carries a prefix of its own (``ipkg`` + 4 hex digits) and is deleted at
the end, even on failure.
"""

from __future__ import annotations

import argparse
import subprocess
import time
import uuid

from bench.star import _settle, cleanup, kernel_quiet

PER_BRIDGE = 1000  # one bridge holds at most 1,023 ports


def _batch(lines: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(["ip", "-batch", "-"], input="".join(f"{line}\n" for line in lines),
                   text=True, check=True)  # fmt: skip
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upto", type=int, default=3000)
    parser.add_argument("--chunk", type=int, default=500)
    args = parser.parse_args(argv)
    p = f"ipkg{uuid.uuid4().hex[:4]}"
    bridges = (args.upto + PER_BRIDGE - 1) // PER_BRIDGE
    print(f"{'present':>8} {'netns add':>10} {'veth add':>9} {'master up':>10} {'-n up':>7}"
          f"   (s per chunk of {args.chunk}, quiet kernel before each)")  # fmt: skip
    rows = []
    try:
        _batch([f"link add {p}b{k} up type bridge" for k in range(bridges)])
        for start in range(0, args.upto, args.chunk):
            chunk = range(start, min(start + args.chunk, args.upto))
            kernel_quiet()
            a = _batch([f"netns add {p}s{i}" for i in chunk])
            kernel_quiet()
            b = _batch([f"link add {p}v{i} netns {p}s{i} up type veth peer name {p}p{i}"
                        for i in chunk])  # fmt: skip
            kernel_quiet()
            c = _batch([f"link set {p}p{i} master {p}b{i // PER_BRIDGE} up" for i in chunk])
            kernel_quiet()
            # (the star's `ip -n s<i> link set ... up`, as a batch runs it: lo, which is
            # the namespace's own)
            d = _batch([f"netns exec {p}s{i} ip link set lo up" for i in chunk])
            rows.append((start, a, b, c, d))
            print(f"{start:>8} {a:>10.2f} {b:>9.2f} {c:>10.2f} {d:>7.2f}", flush=True)
    finally:
        cleanup(p)  # the namespaces (their veths go with them), then the bridges
        subprocess.run(["ip", "-force", "-batch", "-"], text=True, capture_output=True, check=False,
                       input="".join(f"link del {p}b{k}\n" for k in range(bridges)))  # fmt: skip
        _settle(p)
    first = rows[0]
    last = rows[-1]
    for name, k in (("netns add", 1), ("veth add", 2), ("master up", 3), ("-n up", 4)):
        print(f"{name}: the last chunk costs {last[k] / first[k]:.1f}x the first")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
