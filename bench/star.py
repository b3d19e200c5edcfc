"""Benchmark: set up and tear down a star lab of N namespaces, several ways (run as root).

    python -m bench.star [--sizes 10 100 500] [--runs 3] [--ways ...]

Ways, each measured as setup / teardown (median of --runs; the ways take turns
within each round, so that the ratios compare runs made under the same load):

* ``best-batch``  the topology form's own lines through one bare ``ip -batch`` process;
* ``topo``        ``iplab up`` / ``iplab down`` of scenarios/star-500.yaml (the topology
                  form), as users run it: ``up`` reads the lab back and verifies it;
* ``topo-nv``     the same with ``iplab up --no-verify``;
* ``topo-kept``   ``topo`` for a lab whose plan iplab kept from an earlier run with the same
                  arguments (an untimed ``iplab up --dry-run`` first; see iplab/memo.py);
                  ``topo`` and ``topo-nv`` plan each lab for the first time;
* ``topo-nv-kept`` the same with ``--no-verify``;
* ``bash``        the tutorial's lines (bench/star-tutorial.yaml), one ip process per line;
* ``ip-batch``    the same lines through one bare ``ip -batch`` process;
* ``iplab-per``   ``iplab up --per-command`` / ``iplab down`` of the tutorial scenario;
* ``iplab``       ``iplab up`` / ``iplab down`` of the tutorial scenario (batched, verified);
* ``iplab-nv``    the same with ``--no-verify``.

The default ways are the topology form's (the tutorial form's take minutes at
N=500). While a ``topo`` lab is up, ``iplab verify`` and ``iplab status --lab``
of it are timed too: right after ``up``, and again once the kernel is quiet (the setup
leaves it seconds of work, see :func:`kernel_quiet`). iplab runs as a user runs it (a
new process, Python start-up included). A teardown is timed until the kernel has really
let go of the lab's links (deleting a namespace returns before the kernel destroys its
veths; iplab's down waits for that, so every way is timed to the same point; the time at
which the command returned is shown too). Each setup and each teardown starts once the
kernel is quiet (:func:`kernel_quiet`): the work a setup or a teardown leaves the kernel
would otherwise slow whichever way comes next in the round. Every object carries a prefix of its own
(``iptb`` + 4 hex digits) and is deleted at the end, even on failure.
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

from bench import kernel_seconds, user_env
from iplab import export, scenario
from iplab.batch import argv_line
from iplab.plan import build
from iplab.render import split

HERE = Path(__file__).resolve().parent
TUTORIAL = str(HERE / "star-tutorial.yaml")
TOPOLOGY = "star-500"
WAYS = (
    "best-batch", "topo", "topo-nv", "topo-kept", "topo-nv-kept",
    "bash", "ip-batch", "iplab-per", "iplab", "iplab-nv",
)  # fmt: skip
DEFAULT_WAYS = ("best-batch", "topo", "topo-nv", "topo-kept", "topo-nv-kept")


@dataclass
class Timing:
    """Seconds by phase: setup, teardown (until settled), returned (when the teardown
    command returned), and for ``topo`` verify and status of the lab while it is up."""

    times: dict[str, list[float]] = field(default_factory=dict)

    def add(self, phases: dict[str, float]) -> None:
        for phase, took in phases.items():
            self.times.setdefault(phase, []).append(took)

    def median(self, phase: str) -> float | None:
        got = self.times.get(phase)
        return statistics.median(got) if got else None


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
    links = subprocess.run(  # (-d: the kind of each link, bridge or not)
        ["ip", "-d", "-j", "link", "show"], capture_output=True, text=True, check=False
    )
    for x in json.loads(links.stdout or "[]"):
        if x["ifname"].startswith(prefix) and x.get("linkinfo", {}).get("info_kind") == "bridge":
            subprocess.run(["ip", "link", "del", x["ifname"]], capture_output=True, check=False)
    with contextlib.suppress(SystemExit):
        _settle(prefix, 30)


def one(way: str, n: int, workdir: Path) -> dict[str, float]:
    """One setup and one teardown (and for ``topo``, a verify and a status in between)."""
    prefix = f"iptb{uuid.uuid4().hex[:4]}"
    state = workdir / prefix
    # the benchmark's own cache (iplab/memo.py, compiled templates): empty at its start
    env = user_env(IPLAB_STATE_DIR=str(state), XDG_CACHE_HOME=str(workdir / "cache"))
    iplab = [sys.executable, "-m", "iplab"]
    topology = way.startswith("topo") or way == "best-batch"
    source = TOPOLOGY if topology else TUTORIAL
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
        extra += ["--no-verify"] if "-nv" in way else []
        up = [*iplab, "up", source, "--var", f"n={n}", "--prefix", prefix, *extra]
        if way.endswith("-kept"):  # planned before, as by an earlier run: nothing runs
            _run([*up, "--dry-run"], env=env)
        setup = lambda: _run(up, env=env)  # noqa: E731
        teardown = lambda: _run([*iplab, "down", lab], env=env)  # noqa: E731
    checks: dict[str, list[str]] = {}
    if way == "topo":
        checks = {
            "verify": [*iplab, "verify", source, "--var", f"n={n}", "--prefix", prefix],
            "status": [*iplab, "status", "--lab", lab],
        }
    try:
        out: dict[str, float] = {}
        kernel_quiet()  # every way starts on a quiet kernel, whatever ran before it
        start = time.perf_counter()
        setup()
        out["setup"] = time.perf_counter() - start
        if way.startswith(("topo", "iplab")):  # iplab's own part: its wall time less the
            # time its ip -batch processes took (its audit log says), the same run's kernel
            out["own"] = out["setup"] - kernel_seconds(state / "audit.jsonl", 0)[0]
        for phase, argv in checks.items():  # as a user runs them, right after up
            start = time.perf_counter()
            _run(argv, env=env)
            out[phase] = time.perf_counter() - start
        if checks:  # and once the kernel has done the work the setup left it
            out["quiet after"] = kernel_quiet()
        for phase, argv in checks.items():
            start = time.perf_counter()
            _run(argv, env=env)
            out[f"{phase}, quiet"] = time.perf_counter() - start
        kernel_quiet()  # and so does every teardown (a setup leaves the kernel seconds of work)
        start = time.perf_counter()
        teardown()
        out["returned"] = time.perf_counter() - start
        _settle(prefix)
        out["teardown"] = time.perf_counter() - start
        return out
    finally:
        cleanup(prefix)


def _kernel_ticks() -> tuple[int, int]:
    """(system + irq + softirq ticks, all ticks) of every CPU so far (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return fields[2] + fields[5] + fields[6], sum(fields)


def kernel_quiet(limit: float = 20.0, window: float = 0.5, share: float = 0.1) -> float:
    """Wait until the kernel's own CPU time (system, irq, softirq) falls under ``share`` of
    a ``window``; the seconds waited. After a star's setup the kernel goes on working for
    seconds (each new port's IPv6 multicast floods the bridge's other ports), and any
    reader then waits for it: iplab's verify of 500 namespaces takes twice as long."""
    start = time.monotonic()
    busy, total = _kernel_ticks()
    while time.monotonic() - start < limit:
        time.sleep(window)
        busy2, total2 = _kernel_ticks()
        if total2 > total and (busy2 - busy) / (total2 - total) < share:
            break
        busy, total = busy2, total2
    return time.monotonic() - start


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
    parser.add_argument("--ways", nargs="+", default=list(DEFAULT_WAYS), choices=WAYS)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("bench: run as root (it creates namespaces)")
    results: dict[tuple[str, int], Timing] = {}
    with tempfile.TemporaryDirectory(prefix="iplab-bench-") as tmp:
        workdir = Path(tmp)
        for n in args.sizes:
            for _round in range(args.runs):  # the ways take turns: each round, the same load
                for way in args.ways:
                    results.setdefault((way, n), Timing()).add(one(way, n, workdir))
            for way in args.ways:
                t = results[(way, n)]
                extra = "".join(
                    f"   {phase} {t.median(phase) or 0:.2f} s"
                    for phase in ("verify", "status", "verify, quiet", "status, quiet")
                    if phase in t.times
                )
                print(f"  N={n:<4} {way:<13} setup {t.median('setup') or 0:7.2f} s   teardown "
                      f"{t.median('teardown') or 0:7.2f} s (returned after "
                      f"{t.median('returned') or 0:.2f} s){extra}", flush=True)  # fmt: skip
    report(results, args)
    return 0


def report(results: dict[tuple[str, int], Timing], args: argparse.Namespace) -> None:
    print(
        f"\nmedians of {args.runs} runs, seconds (teardown: until the kernel let go of the links)"
    )
    print(f"{'way':<14}" + "".join(f"{'N=' + str(n):>22}" for n in args.sizes))
    for way in args.ways:
        cells = "".join(
            f"{results[(way, n)].median('setup') or 0:>10.2f} /"
            f"{results[(way, n)].median('teardown') or 0:>9.2f}"
            for n in args.sizes
        )
        print(f"{way:<14}{cells}")
    for way in args.ways:
        if "own" in results[(way, args.sizes[0])].times:
            cells = "".join(
                f"  N={n}: {results[(way, n)].median('own') or 0:5.2f} s" for n in args.sizes
            )
            print(f"{way:<14}{cells}   (iplab's own part of the setup: less its ip -batch)")

    def ratio(a: str, b: str, n: int, phase: str) -> str:
        x, y = results[(a, n)].median(phase), results[(b, n)].median(phase)
        return f"{x / y:5.2f}" if x is not None and y else "   -"

    print("\nratios (setup / teardown) of the medians of the same rounds")
    for a, b, goal in (
        ("topo", "best-batch", "iplab up, verified; goal <= 1.5"),
        ("topo-nv", "best-batch", "iplab up --no-verify; goal <= 1.2"),
        ("topo-kept", "best-batch", "iplab up, verified, plan kept; goal <= 1.5"),
        ("topo-nv-kept", "best-batch", "iplab up --no-verify, plan kept; goal <= 1.2"),
        ("iplab", "ip-batch", "tutorial form, verified"),
        ("iplab-nv", "ip-batch", "tutorial form, --no-verify"),
        ("iplab", "bash", "tutorial form against bash"),
        ("iplab-per", "bash", "per-command against bash"),
    ):
        if a not in args.ways or b not in args.ways:
            continue
        cells = "".join(
            f"  N={n}: {ratio(a, b, n, 'setup')} / {ratio(a, b, n, 'teardown')}" for n in args.sizes
        )
        print(f"{a + ' / ' + b:<26}{cells}   ({goal})")
    if "topo" in args.ways:
        for phase, label in (
            ("verify", "iplab verify"),
            ("status", "iplab status --lab"),
            ("verify, quiet", "iplab verify"),
            ("status, quiet", "iplab status --lab"),
        ):
            cells = "".join(
                f"  N={n}: {results[('topo', n)].median(phase) or 0:5.2f} s" for n in args.sizes
            )
            when = "kernel quiet again" if "quiet" in phase else "right after up"
            print(f"{label:<24}{cells}   ({when}; goal <= 0.5 s at N=500)")
        waits = "".join(
            f"  N={n}: {results[('topo', n)].median('quiet after') or 0:5.2f} s" for n in args.sizes
        )
        print(f"{'kernel quiet after':<24}{waits}   (system+irq+softirq under 10 % of the CPUs)")
    plain, ours = per_call()
    print(
        f"one process: plain fork of ip {plain:.1f} ms, through iplab's runner (sh) {ours:.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
