"""Benchmark: one iplab command, two checkouts of iplab taking turns (run as root).

    python3 -m bench.ab OLD NEW [--rounds 12] -- run container-networking-part2 --prefix ipab1
    python3 -m bench.ab OLD NEW --rounds 8 --after "down ipab2star-500" --quiet \
        -- up star-500 --prefix ipab2

``OLD`` and ``NEW`` are checkouts of iplab (``git worktree add --detach /tmp/old REV``).
Each round runs the command once with each, in turns, as a process of its own with the
checkout first on ``PYTHONPATH`` and as its working directory, so that both meet the same
moments of a host whose speed moves by tens of % from minute to minute. Printed: the
medians of the wall time and of the CPU the process and the processes it waited for used
(``os.wait4``), and the best wall time. A command that leaves something (``up``) is the
caller's to undo (``--after``: an iplab command run untimed after each, with the same
checkout); ``run`` ends with nothing of its lab left. ``--quiet``: each timed run begins
once the kernel is quiet (:func:`bench.star.kernel_quiet`: a star's setup and teardown
leave it seconds of work). The first run of each checkout is not counted (it compiles the
checkout's bytecode and keeps its plan).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

from bench import user_env


def one(tree: str, args: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, exit status) of ``iplab ARGS`` from checkout ``tree``."""
    env = user_env(PYTHONPATH=tree)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "iplab", *args],
        cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    return took, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--after", default="", help="an iplab command run untimed after each")
    parser.add_argument("--quiet", action="store_true", help="wait for a quiet kernel first")
    words = sys.argv[1:] if argv is None else argv
    cut = words.index("--") if "--" in words else len(words)
    args = parser.parse_args(words[:cut])
    command = words[cut + 1 :]
    if not command:
        parser.error("no iplab command given (after --)")
    trees = (args.old, args.new)
    walls: dict[str, list[float]] = {t: [] for t in trees}
    cpus: dict[str, list[float]] = {t: [] for t in trees}
    after = shlex.split(args.after)

    def timed(tree: str) -> tuple[float, float, int]:
        if args.quiet:
            from bench.star import kernel_quiet

            kernel_quiet()
        got = one(tree, command)
        if after:
            one(tree, after)
        return got

    for tree in trees:
        timed(tree)  # (not counted: bytecode, the kept plan)
    for _ in range(args.rounds):
        for tree in trees:
            wall, cpu, rc = timed(tree)
            if rc != 0:
                print(f"{tree}: iplab {' '.join(command)} exited {rc}", file=sys.stderr)
                return 1
            walls[tree].append(wall)
            cpus[tree].append(cpu)
    print(f"iplab {' '.join(command)}: {args.rounds} rounds taking turns, seconds")
    for tree in trees:
        print(
            f"  {tree:30} wall median {statistics.median(walls[tree]):.3f}"
            f"  best {min(walls[tree]):.3f}  CPU median {statistics.median(cpus[tree]):.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
