"""Benchmark: ``iplab import`` of a long script, against the script's length (no root).

    python3 -m bench.import_size [--sizes 250 500 1000] [--runs 3]

The script is a star of N namespaces written as tutorials write one out (five lines a
namespace: ``ip netns add``, a veth made with its peer in the namespace, the root end
made a port of the bridge and up, an address, the inner end up): at N=300 it is
``tests/fixtures/hostile-cy/star300.sh`` byte for byte. For each N: the seconds of
CPU and of wall time that ``iplab import`` took (medians of ``--runs``), a new process
as a user runs it, and each size's time against the linear extrapolation from the
smallest (a step well above 1.0x is work that grows with the square of the script: the
reader once gathered a block's commands again at every line). Nothing touches the
kernel. One bridge takes at most 1,023 ports (the model says so, and the import of a
larger star ends refused), hence sizes up to 1,000.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import user_env


def star_script(n: int) -> str:
    """The star of ``n`` namespaces as a shell script, one command a line."""
    lines = ["#!/bin/sh", f"# {n} namespaces on one bridge", "ip link add hub type bridge"]
    lines.append("ip link set hub up")
    for i in range(n):
        lines += [
            f"ip netns add n{i}",
            f"ip link add v{i} type veth peer name eth0 netns n{i}",
            f"ip link set v{i} master hub up",
            f"ip -n n{i} addr add 10.2.{i // 250}.{i % 250 + 1}/16 dev eth0",
            f"ip -n n{i} link set eth0 up",
        ]
    return "\n".join(lines) + "\n"


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds of the process, wall seconds); exits on failure."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        said = err.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(argv[2:])} failed:\n{said[-2000:]}")
    return usage.ru_utime + usage.ru_stime, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)
    results: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="iplab-import-size-") as tmp:
        env = user_env(IPLAB_STATE_DIR=tmp, XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        for n in sizes:
            script = Path(tmp) / f"star{n}.sh"
            script.write_text(star_script(n))
            out = Path(tmp) / f"star{n}.yaml"
            argv_ = [sys.executable, "-m", "iplab", "import", str(script), "-o", str(out)]
            runs = [timed(argv_, env) for _ in range(args.runs)]
            results[n] = (
                statistics.median(cpu for cpu, _ in runs),
                statistics.median(wall for _, wall in runs),
            )
            lines = 5 * n + 4
            print(
                f"N={n:<6} {lines:6} lines  CPU {results[n][0]:7.2f} s  wall"
                f" {results[n][1]:7.2f} s",
                flush=True,
            )
    base = sizes[0]
    steps = [results[n][0] / (results[base][0] * n / base) for n in sizes]
    said = ", ".join(f"N={n}: {s:.2f}x" for n, s in zip(sizes, steps, strict=True))
    print(f"CPU against linear: {said}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
