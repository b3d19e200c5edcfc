"""Benchmark: reading and parsing the state of many namespaces (run as root).

    python -m bench.read_state [--n 500] [--runs 3]

Creates N namespaces (prefix ``iptr`` + 4 hex digits), each holding one end of
a veth whose other end is in the root namespace (so the root has N more links),
then measures, median of ``--runs``:

* baseline: one ``ip -batch`` process doing ``netns exec NS ip -j link`` for each namespace;
* iplab, ip -j: ``iproute.read_with_ip`` of those namespaces (one process, parse, peers);
* iplab, netlink: ``iproute.read_state`` as root (no process: one netlink socket);
* parse: ``parse_links`` of the root's ``ip -j -d link`` (N + the host's links).

Prints a table and the ratio; deletes everything it made, even on failure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable

from iplab import iproute
from iplab.runner import Runner


def ip_batch(lines: list[str], force: bool = False) -> None:
    """One ``ip -batch`` process; with ``force`` it goes on past failures (cleanup)."""
    with tempfile.NamedTemporaryFile("w", suffix=".batch") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        argv = ["ip", *(["-force"] if force else []), "-batch", f.name]
        subprocess.run(argv, check=not force, capture_output=True)


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    prefix = f"iptr{uuid.uuid4().hex[:4]}"
    namespaces = [f"{prefix}n{i}" for i in range(args.n)]
    try:
        ip_batch([f"netns add {ns}" for ns in namespaces])
        ip_batch(
            [f"link add {prefix}v{i} netns {ns} type veth peer name {prefix}p{i}"
             for i, ns in enumerate(namespaces)]
        )  # fmt: skip
        batch = [f"netns exec {ns} ip -j link" for ns in namespaces]
        runner = Runner()
        baseline = median_time(lambda: ip_batch(batch), args.runs)
        state = iproute.read_state(runner, namespaces)
        assert len(state.namespaces) == args.n + 1, len(state.namespaces)
        peers = [state.namespaces[ns].links[f"{prefix}v{i}"] for i, ns in enumerate(namespaces)]
        assert all(p.peer == f"{prefix}p{i}" and p.peer_ns == "" for i, p in enumerate(peers))
        with_ip = median_time(lambda: iproute.read_with_ip(runner, namespaces), args.runs)
        ours = median_time(lambda: iproute.read_state(runner, namespaces), args.runs)
        root_json = json.loads(
            subprocess.run(
                ["ip", "-j", "-d", "link", "show"], check=True, capture_output=True
            ).stdout
        )
        parse = median_time(lambda: iproute.parse_links(root_json), max(args.runs, 20))
        print(f"namespaces: {args.n}, root links parsed: {len(root_json)}, median of {args.runs}")
        print(f"{'baseline: ip -batch, netns exec NS ip -j link':52} {baseline:8.3f} s")
        print(f"{'iplab, ip -j reader (read+parse+peers)':52} {with_ip:8.3f} s")
        print(f"{'iplab, netlink reader (read+parse+peers)':52} {ours:8.3f} s")
        print(f"{'ratio ip -j reader / baseline (goal <= 1.30)':52} {with_ip / baseline:8.2f}")
        print(f"{'ratio netlink reader / baseline':52} {ours / baseline:8.2f}")
        print(f"{'parse_links of the root ip -j -d link (goal < 10 ms)':52} {parse * 1000:8.2f} ms")
    finally:
        # deleting a namespace destroys its veth end, and with it the peer in the root
        ip_batch([f"netns del {ns}" for ns in namespaces], force=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
