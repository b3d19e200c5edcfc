"""Benchmark: what a small lab costs end to end (run as root).

    python3 -m bench.startup [--runs 5]

Times, median of ``--runs``, taking turns within each round: ``iplab run
container-networking-part2`` (setup, claims, verification, the tutorial's own
teardown, the check that nothing remains: 23 lines), bash running the same 23
lines (``iplab render --format script``), a bare ``python3 -c pass`` and
``iplab --version`` (the interpreter's and iplab's fixed start-up).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import user_env
from iplab import export, scenario
from iplab.plan import build

BLOG = "container-networking-part2"


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr}")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("bench: run as root (it creates namespaces)")
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="iplab-startup-") as tmp:
        env = user_env(IPLAB_STATE_DIR=tmp)
        for _ in range(args.runs):
            prefix = f"iptu{uuid.uuid4().hex[:4]}"
            script = Path(tmp) / f"{prefix}.sh"
            plan = build(scenario.load(BLOG), prefix=prefix)
            # as root, the tutorial's `sudo ` is dropped (as iplab's runner drops it)
            text = export.script(plan, "all").replace("sudo ip ", "ip ")
            script.write_text(text)
            ways = {
                "iplab run": [sys.executable, "-m", "iplab", "run", BLOG, "--prefix", f"{prefix}i"],
                "bash, the same lines": ["bash", str(script)],
                "python3 -c pass": [sys.executable, "-c", "pass"],
                "iplab --version": [sys.executable, "-m", "iplab", "--version"],
            }
            for way, command in ways.items():
                times.setdefault(way, []).append(timed(command, env))
    print(f"medians of {args.runs} runs, seconds")
    for way, got in times.items():
        print(f"  {way:<24} {statistics.median(got):6.2f}")
    ratio = statistics.median(times["iplab run"]) / statistics.median(times["bash, the same lines"])
    print(f"  iplab run / bash: {ratio:.2f} (goal: iplab run <= 0.4 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
