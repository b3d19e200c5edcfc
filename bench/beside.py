"""Benchmark: does reading namespaces over netlink slow an ``ip -batch`` running beside it?
(run as root)

    python3 -m bench.beside [--size 300] [--rounds 4]

Why it is here (#14): an ``up`` that verifies reads its lab back once the setup's last
batch ended (:mod:`iplab.ahead`). Reading the namespaces a large batch's last lines leave
alone while those lines run looked like a saving of some 0.1 s on star-500 (its read after
the batch is 0.1-0.2 s); built and measured (2026-12-02), it saved nothing: the batch
itself ran slower by about what the read saved (docs/benchmarks.md). This measures one
part of that, without iplab: a bare batch making a star of ``--size`` namespaces, alone,
and with a thread reading 100 other namespaces over netlink as a verification reads a lab
(:func:`iplab.netlink.read`: a link and an address dump each, by target id; of the root,
none of its links) over and over while it runs (quiet host: some 10 % slower; with other
work on both cores, twice as slow). The two take turns in each round, each begun once the
kernel is quiet (:func:`bench.star.kernel_quiet`).

Every object carries a prefix of its own (``iptw`` + 4 hex digits) and is deleted at the
end, even on failure.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import threading
import time
import uuid

from bench.star import kernel_quiet
from iplab import netlink
from iplab.peers import RootPart

READ = 100  # namespaces the reader reads, each round of its loop


def _batch(lines: list[str]) -> None:
    subprocess.run(["ip", "-batch", "-"], input="\n".join(lines) + "\n", text=True, check=True)


def star(p: str, n: int) -> list[str]:
    out = [f"netns add {p}n{i}" for i in range(n)]
    out += [f"link add {p}br type bridge", f"link set {p}br up"]
    for i in range(n):
        out += [
            f"link add {p}v{i} netns {p}n{i} up type veth peer name {p}p{i}",
            f"link set {p}p{i} master {p}br up",
        ]
    return out


def gone(p: str, n: int) -> list[str]:
    return [f"netns del {p}n{i}" for i in range(n)] + [f"link del {p}br"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    p = f"iptw{uuid.uuid4().hex[:4]}"
    read = [f"{p}r{i}" for i in range(READ)]
    times: dict[str, list[float]] = {"alone": [], "beside a reader": []}
    reads: list[int] = []
    try:
        pairs = [
            f"link add {p}a{i} netns {ns} type veth peer name {p}b{i} netns {ns}"
            for i, ns in enumerate(read)
        ]
        _batch([f"netns add {ns}" for ns in read] + pairs)
        for _ in range(args.rounds):
            for way, took_each in times.items():
                kernel_quiet()
                stop = threading.Event()
                count = [0]

                def reader(stop: threading.Event = stop, count: list[int] = count) -> None:
                    while not stop.is_set():
                        netlink.read(read, set(), RootPart(frozenset()))
                        count[0] += 1

                thread = threading.Thread(target=reader) if way != "alone" else None
                if thread is not None:
                    thread.start()
                start = time.perf_counter()
                try:
                    _batch(star(f"{p}s", args.size))
                finally:
                    took = time.perf_counter() - start
                    stop.set()
                    if thread is not None:
                        thread.join()
                        reads.append(count[0])
                took_each.append(took)
                kernel_quiet()
                _batch(gone(f"{p}s", args.size))
    finally:
        subprocess.run(["ip", "-batch", "-"], input="".join(f"netns del {ns}\n" for ns in read),
                       text=True, capture_output=True, check=False)  # fmt: skip
        subprocess.run(["ip", "-batch", "-"], input="\n".join(gone(f"{p}s", args.size)) + "\n",
                       text=True, capture_output=True, check=False)  # fmt: skip
    print(f"a bare ip -batch making a star of {args.size} namespaces, medians of {args.rounds}:")
    for way, got in times.items():
        print(f"  {way:16} {statistics.median(got):.3f} s   (each: "
              f"{', '.join(f'{t:.3f}' for t in got)})")  # fmt: skip
    print(f"  the reader read {READ} namespaces {statistics.median(reads):.0f} times a batch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
