"""Benchmark: set up and tear down a star lab of N namespaces, seven ways (run as root).

    python -m bench.star [--sizes 10 100 500] [--runs 3]

Ways, each measured as setup / teardown (median of --runs):

* ``bash``        the tutorial's lines (bench/star-tutorial.yaml), one ip process per line;
* ``ip-batch``    the same lines through one bare ``ip -batch`` process;
* ``iplab-per``   ``iplab up --per-command`` / ``iplab down`` of the same scenario;
* ``iplab``       ``iplab up`` / ``iplab down`` (default: batched), journaled and audited;
* ``topo``        ``iplab up`` / ``iplab down`` of scenarios/star-500.yaml (the topology form);
* ``best-batch``  the topology form's own lines through one bare ``ip -batch`` process.

iplab runs as a user runs it (a new process, Python start-up included), with
``--no-verify``; the cost of verifying is printed apart. A teardown is timed
until the kernel has really let go of the lab's links (deleting a namespace
returns before the kernel destroys its veths; iplab's down waits for that, so
every way is timed to the same point; the time at which the command returned
is shown too). Every object carries a prefix of its own (``iptb`` + 4 hex
digits) and is deleted at the end, even on failure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from iplab import export, scenario
from iplab.batch import argv_line
from iplab.plan import build
from iplab.render import split

HERE = Path(__file__).resolve().parent
TUTORIAL = str(HERE / "star-tutorial.yaml")
TOPOLOGY = "star-500"
WAYS = ("bash", "ip-batch", "iplab-per", "iplab", "topo", "best-batch")


@dataclass
class Timing:
    setup: list[float] = field(default_factory=list)
    returned: list[float] = field(default_factory=list)
    teardown: list[float] = field(default_factory=list)

    def medians(self) -> tuple[float, float, float]:
        return (
            statistics.median(self.setup),
            statistics.median(self.teardown),
            statistics.median(self.returned),
        )


def _run(argv: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> None:
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(
            f"bench: {shlex.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}"
        )


def _lines(path: str, n: int, prefix: str, part: str) -> list[str]:
    plan = build(scenario.load(path, {"n": n}), prefix=prefix)
    return export.text(plan, part).splitlines()


def _batch_text(lines: list[str]) -> str:
    out = []
    for line in lines:
        fed = argv_line(split(line))
        if fed is None:
            raise SystemExit(f"bench: {line!r} cannot go to ip -batch")
        out.append(fed)
    return "\n".join(out) + "\n"


def _gone(prefix: str) -> bool:
    links = subprocess.run(["ip", "-j", "link", "show"], capture_output=True, text=True, check=True)
    netns = subprocess.run(
        ["ip", "-j", "netns", "list"], capture_output=True, text=True, check=True
    )
    names = [x["ifname"] for x in json.loads(links.stdout or "[]")]
    names += [x["name"] for x in json.loads(netns.stdout or "[]")]
    return not any(name.startswith(prefix) for name in names)


def _settle(prefix: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not _gone(prefix):
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: objects with prefix {prefix} still present after {timeout} s")
        time.sleep(0.02)


def cleanup(prefix: str) -> None:
    """Delete what carries the prefix (namespaces first, then root links)."""
    netns = subprocess.run(
        ["ip", "-j", "netns", "list"], capture_output=True, text=True, check=False
    )
    names = [x["name"] for x in json.loads(netns.stdout or "[]") if x["name"].startswith(prefix)]
    if names:
        lines = "".join(f"netns del {n}\n" for n in names)
        subprocess.run(
            ["ip", "-force", "-batch", "-"],
            input=lines,
            capture_output=True,
            text=True,
            check=False,
        )
    links = subprocess.run(
        ["ip", "-j", "link", "show"], capture_output=True, text=True, check=False
    )
    for x in json.loads(links.stdout or "[]"):
        if x["ifname"].startswith(prefix) and x.get("linkinfo", {}).get("info_kind") == "bridge":
            subprocess.run(["ip", "link", "del", x["ifname"]], capture_output=True, check=False)
    with contextlib.suppress(SystemExit):
        _settle(prefix, 30)


def one(way: str, n: int, workdir: Path) -> tuple[float, float, float]:
    """One setup and one teardown; returns (setup s, teardown-until-settled s, returned s)."""
    prefix = f"iptb{uuid.uuid4().hex[:4]}"
    state = workdir / prefix
    env = {**os.environ, "IPLAB_STATE_DIR": str(state)}
    iplab = [sys.executable, "-m", "iplab"]
    source = TOPOLOGY if way in ("topo", "best-batch") else TUTORIAL
    lab = f"{prefix}{'star-500' if source == TOPOLOGY else 'star-tutorial'}"
    setup: Callable[[], None]
    teardown: Callable[[], None]
    if way == "bash":
        up_script = workdir / f"{prefix}-up.sh"
        down_script = workdir / f"{prefix}-down.sh"
        plan = build(scenario.load(source, {"n": n}), prefix=prefix)
        up_script.write_text(export.script(plan, "setup"))
        down_script.write_text(export.script(plan, "teardown"))
        setup = lambda: _run(["bash", str(up_script)])  # noqa: E731
        teardown = lambda: _run(["bash", str(down_script)])  # noqa: E731
    elif way in ("ip-batch", "best-batch"):
        up_text = _batch_text(_lines(source, n, prefix, "setup"))
        down_text = _batch_text(_lines(source, n, prefix, "teardown"))
        setup = lambda: _run(["ip", "-batch", "-"], stdin=up_text)  # noqa: E731
        teardown = lambda: _run(["ip", "-batch", "-"], stdin=down_text)  # noqa: E731
    else:
        extra = ["--per-command"] if way == "iplab-per" else []
        setup = lambda: _run(  # noqa: E731
            [*iplab, "up", source, "--var", f"n={n}", "--prefix", prefix, "--no-verify", *extra],
            env=env,
        )
        teardown = lambda: _run([*iplab, "down", lab], env=env)  # noqa: E731
    try:
        start = time.perf_counter()
        setup()
        set_up = time.perf_counter() - start
        start = time.perf_counter()
        teardown()
        returned = time.perf_counter() - start
        _settle(prefix)
        return set_up, time.perf_counter() - start, returned
    finally:
        cleanup(prefix)


def verify_cost(n: int, workdir: Path) -> float:
    """What `iplab up`'s default verification adds for the topology form."""
    prefix = f"iptb{uuid.uuid4().hex[:4]}"
    env = {**os.environ, "IPLAB_STATE_DIR": str(workdir / prefix)}
    iplab = [sys.executable, "-m", "iplab"]
    try:
        _run(
            [*iplab, "up", TOPOLOGY, "--var", f"n={n}", "--prefix", prefix, "--no-verify"], env=env
        )
        start = time.perf_counter()
        _run([*iplab, "verify", TOPOLOGY, "--var", f"n={n}", "--prefix", prefix], env=env)
        took = time.perf_counter() - start
        _run([*iplab, "down", f"{prefix}star-500"], env=env)
        return took
    finally:
        cleanup(prefix)


def per_call(count: int = 200) -> tuple[float, float]:
    """Milliseconds per `ip -V`: a plain fork (subprocess) against iplab's runner (sh)."""
    from iplab.runner import Runner

    runner = Runner()
    start = time.perf_counter()
    for _ in range(count):
        subprocess.run(["ip", "-V"], capture_output=True, check=True)
    plain = (time.perf_counter() - start) / count
    start = time.perf_counter()
    for _ in range(count):
        runner.execute(["ip", "-V"], privileged=False)
    ours = (time.perf_counter() - start) / count
    return plain * 1000, ours * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ways", nargs="+", default=list(WAYS), choices=WAYS)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("bench: run as root (it creates namespaces)")
    results: dict[tuple[str, int], tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="iplab-bench-") as tmp:
        workdir = Path(tmp)
        for n in args.sizes:
            for way in args.ways:
                timing = Timing()
                for _ in range(args.runs):
                    s, t, r = one(way, n, workdir)
                    timing.setup.append(s)
                    timing.teardown.append(t)
                    timing.returned.append(r)
                results[(way, n)] = timing.medians()
                s, t, r = results[(way, n)]
                print(f"  N={n:<4} {way:<11} setup {s:7.2f} s   teardown {t:7.2f} s "
                      f"(returned after {r:.2f} s)", flush=True)  # fmt: skip
        verify_s = verify_cost(max(args.sizes), workdir)
    report(results, args, verify_s)
    return 0


def report(results: dict[tuple[str, int], tuple[float, float, float]], args: argparse.Namespace,
           verify_s: float) -> None:  # fmt: skip
    print(
        f"\nmedians of {args.runs} runs, seconds (teardown: until the kernel let go of the links)"
    )
    print(f"{'way':<12}" + "".join(f"{'N=' + str(n):>22}" for n in args.sizes))
    for way in args.ways:
        cells = "".join(
            f"{results[(way, n)][0]:>10.2f} /{results[(way, n)][1]:>9.2f}" for n in args.sizes
        )
        print(f"{way:<12}{cells}")

    def ratio(a: str, b: str, n: int, i: int) -> str:
        if (a, n) not in results or (b, n) not in results:
            return "   -"
        return f"{results[(a, n)][i] / results[(b, n)][i]:5.2f}"

    print("\nratios (setup / teardown)")
    for a, b, goal in (
        ("iplab", "bash", "goal <= 1.0"),
        ("iplab", "ip-batch", "goal <= 1.25"),
        ("topo", "best-batch", "goal <= 1.3"),
        ("bash", "topo", "goal >= 9"),
        ("iplab-per", "bash", "per-command against bash"),
    ):
        cells = "".join(f"  N={n}: {ratio(a, b, n, 0)} / {ratio(a, b, n, 1)}" for n in args.sizes)
        print(f"{a + ' / ' + b:<24}{cells}   ({goal})")
    big = max(args.sizes)
    if ("topo", big) in results:
        s, t, _ = results[("topo", big)]
        print(
            f"\ntopology N={big}: setup {s:.2f} s (goal <= 2.0), teardown {t:.2f} s (goal <= 1.0)"
        )
    print(f"iplab verify of the topology lab, N={big}: {verify_s:.2f} s (not in the times above)")
    plain, ours = per_call()
    print(
        f"one process: plain fork of ip {plain:.1f} ms, through iplab's runner (sh) {ours:.1f} ms"
    )
    if ("iplab-per", big) in results and ("bash", big) in results:
        lines = len(_lines(TUTORIAL, big, "iptbXXXX", "setup"))
        per = results[("iplab-per", big)][0] / lines * 1000
        bash = results[("bash", big)][0] / lines * 1000
        print(
            f"--per-command, N={big}: {per:.1f} ms per line against bash's {bash:.1f} ms per line"
        )


if __name__ == "__main__":
    sys.exit(main())
