"""Benchmark: what a small lab costs end to end (run as root).

    python3 -m bench.startup [--runs 5]

Times, median of ``--runs``, taking turns within each round: ``iplab run
container-networking-part2`` (setup, claims, verification, the tutorial's own
teardown, the check that nothing remains: 23 lines), bash running the same 23
lines (``iplab render --format script``), a bare ``python3 -c pass`` and
``iplab --version`` (the interpreter's and iplab's fixed start-up).

As a user runs a lab again and again, ``iplab run`` has the same arguments in every
round (one prefix for the whole benchmark: each run ends with nothing of the lab left),
so from the second round on it finds its plan kept (iplab/memo.py): the median is of
those rounds, and the first round, which plans, is printed apart. The benchmark's cache
directory is its own and empty at its start.
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
    if args.runs < 2:
        parser.error("--runs: at least 2 (the first round of iplab run is printed apart)")
    if os.geteuid() != 0:
        raise SystemExit("bench: run as root (it creates namespaces)")
    times: dict[str, list[float]] = {}
    ours = f"iptu{uuid.uuid4().hex[:4]}i"  # iplab run's lab: the same in every round
    with tempfile.TemporaryDirectory(prefix="iplab-startup-") as tmp:
        env = user_env(IPLAB_STATE_DIR=tmp, XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        for _ in range(args.runs):
            prefix = f"iptu{uuid.uuid4().hex[:4]}"
            script = Path(tmp) / f"{prefix}.sh"
            plan = build(scenario.load(BLOG), prefix=prefix)
            # as root, the tutorial's `sudo ` is dropped (as iplab's runner drops it)
            text = export.script(plan, "all").replace("sudo ip ", "ip ")
            script.write_text(text)
            ways = {
                "iplab run": [sys.executable, "-m", "iplab", "run", BLOG, "--prefix", ours],
                "bash, the same lines": ["bash", str(script)],
                "python3 -c pass": [sys.executable, "-c", "pass"],
                "iplab --version": [sys.executable, "-m", "iplab", "--version"],
            }
            for way, command in ways.items():
                times.setdefault(way, []).append(timed(command, env))
    first = times["iplab run"].pop(0)
    print(f"medians of {args.runs} runs, seconds (iplab run: the {args.runs - 1} after the first)")
    for way, got in times.items():
        print(f"  {way:<24} {statistics.median(got):6.2f}")
    print(f"  {'iplab run, first round':<24} {first:6.2f}   (plans the lab: nothing kept yet)")
    ratio = statistics.median(times["iplab run"]) / statistics.median(times["bash, the same lines"])
    print(f"  iplab run / bash: {ratio:.2f} (goal: iplab run <= 0.4 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
