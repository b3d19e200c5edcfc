"""Benchmark: a star of 1,000, 2,000 and 5,000 namespaces up (verified) and down (run as root).

    python3 -m bench.scale [--sizes 1000 2000 5000] [--per-bridge 1000]

One bridge holds at most 1,023 ports (the kernel's BR_MAX_PORTS is 1,024), so
the star has several bridges, ``--per-bridge`` namespaces each: a scenario in
the ``topology:`` form is written for each size (bridges, namespaces, veths).
For each size: ``iplab up`` (default: it reads every namespace back and
verifies), ``iplab verify``, ``iplab status --lab``, ``iplab down``, each a new
process as a user runs it, with its time and peak memory (maximum resident set
of the iplab process); then nothing of the lab may remain. The curve is printed
with each step's time against the linear extrapolation from the smallest size
(goal: no step above 1.2x).

Kernel limits on the way, and what lifts them (none is changed by this script):

* ``net.core.*``/bridge: a bridge takes at most 1,023 ports (a compile-time
  limit, no sysctl): hence several bridges;
* ``user.max_net_namespaces``: the number of network namespaces per user
  namespace (printed below; ``sysctl -w user.max_net_namespaces=N`` lifts it);
* ``net.ipv6.route.max_size``: every port that comes up gets an IPv6 link-local
  route (older kernels default to 4,096, beyond which addresses fail quietly);
* ``fs.mount-max``: each named namespace is a mount under /run/netns;
* open files: the netlink reader keeps each namespace open while it reads it
  (``ulimit -n``; iplab raises its soft limit up to the hard one by itself).

Every object carries a prefix of its own (``ipts`` + 4 hex digits) and is
deleted at the end, even on failure.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import kernel_seconds, user_env
from bench.star import _batch_text, _run, _settle, cleanup
from iplab import export, scenario
from iplab.plan import build

SYSCTLS = ("user.max_net_namespaces", "net.ipv6.route.max_size", "fs.mount-max")


def scenario_text(n: int, per_bridge: int) -> str:
    """A star of ``n`` namespaces over ceil(n / per_bridge) bridges, as a topology."""
    bridges = (n + per_bridge - 1) // per_bridge
    lines = [
        f"name: scale{n}",
        "sudo: never",
        "topology:",
        f"  bridges: [{', '.join(f'b{k}' for k in range(bridges))}]",
        "  namespaces:",
        *(f"    - s{i}" for i in range(1, n + 1)),
        "  veths:",
        *(
            f"    - {{name: v{i}, netns: s{i}, peer: p{i}, bridge: b{(i - 1) // per_bridge}}}"
            for i in range(1, n + 1)
        ),
    ]
    return "\n".join(lines) + "\n"


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak resident memory of the process in MiB, stdout); exits on failure."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(proc.pid, 0)  # (its own rusage: ru_maxrss in KiB)
        took = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(
            f"bench: {' '.join(argv[2:5])} failed ({proc.returncode}):\n{errors[-2000:]}"
        )
    return took, usage.ru_maxrss / 1024, text


def sysctl(name: str) -> str:
    try:
        return Path("/proc/sys", *name.split(".")).read_text().strip()
    except OSError:
        return "?"


def bare(n: int, per_bridge: int, workdir: Path) -> dict[str, tuple[float, float]]:
    """The same lab's lines through one bare ``ip -batch`` each way: the kernel's own cost."""
    prefix = f"ipts{uuid.uuid4().hex[:4]}"
    path = workdir / f"bare{n}.yaml"
    path.write_text(scenario_text(n, per_bridge))
    plan = build(scenario.load(str(path)), prefix=prefix)
    out: dict[str, tuple[float, float]] = {}
    try:
        for phase in ("setup", "teardown"):
            text = _batch_text(export.text(plan, phase).splitlines())
            start = time.perf_counter()
            _run(["ip", "-batch", "-"], stdin=text)
            if phase == "teardown":
                _settle(prefix, timeout=600)
            out[phase] = (time.perf_counter() - start, 0.0)
            print(f"  N={n:<5} ip -batch {phase:<8} {out[phase][0]:7.2f} s", flush=True)
        return out
    finally:
        cleanup(prefix)


def one(n: int, per_bridge: int, workdir: Path) -> dict[str, tuple[float, float]]:
    prefix = f"ipts{uuid.uuid4().hex[:4]}"
    path = workdir / f"scale{n}.yaml"
    path.write_text(scenario_text(n, per_bridge))
    env = user_env(IPLAB_STATE_DIR=str(workdir / prefix), XDG_CACHE_HOME=str(workdir / "cache"))
    iplab = [sys.executable, "-m", "iplab"]
    lab = f"{prefix}scale{n}"
    out: dict[str, tuple[float, float]] = {}
    audit = workdir / prefix / "audit.jsonl"
    seen = 0
    try:
        for phase, argv in (
            ("up", [*iplab, "up", str(path), "--prefix", prefix]),
            ("verify", [*iplab, "verify", str(path), "--prefix", prefix]),
            ("status", [*iplab, "status", "--lab", lab]),
            ("down", [*iplab, "down", lab]),
        ):
            took, rss, text = timed(argv, env)
            if phase == "up" and "verify: the kernel holds what the scenario promised" not in text:
                raise SystemExit(f"bench: N={n}: up did not verify:\n{text[-2000:]}")
            kernel, seen = kernel_seconds(audit, seen)
            if phase == "down":
                start = time.perf_counter()
                _settle(prefix, timeout=600)  # until the kernel let go of every link
                settled = time.perf_counter() - start
                took, kernel = took + settled, kernel + settled
            out[phase] = (took, rss)
            out[f"{phase}-kernel"] = (kernel, 0.0)
            print(f"  N={n:<5} {phase:<7} {took:7.2f} s  peak {rss:6.0f} MiB", flush=True)
        return out
    finally:
        cleanup(prefix)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument("--per-bridge", type=int, default=1000)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("bench: run as root (it creates namespaces)")
    if not 1 <= args.per_bridge <= 1023:
        raise SystemExit("bench: a bridge takes 1 to 1023 ports")
    print("kernel limits: " + ", ".join(f"{s} = {sysctl(s)}" for s in SYSCTLS))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    print(f"open files: soft {soft}, hard {hard}")
    results: dict[int, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="iplab-scale-") as tmp:
        for n in sorted(args.sizes):
            results[n] = one(n, args.per_bridge, Path(tmp))
            results[n] |= {f"bare-{k}": v for k, v in bare(n, args.per_bridge, Path(tmp)).items()}
    report(results)
    return 0


def report(results: dict[int, dict[str, tuple[float, float]]]) -> None:
    sizes = sorted(results)
    base = sizes[0]
    print("\nN        up (verified)      verify       status   down (settled)   peak MiB (up)"
          "   up vs linear")  # fmt: skip
    worst = 0.0
    for n in sizes:
        r = results[n]
        linear = r["up"][0] / (results[base]["up"][0] * n / base)
        worst = max(worst, linear)
        print(f"{n:<8} {r['up'][0]:10.2f} s {r['verify'][0]:10.2f} s {r['status'][0]:10.2f} s "
              f"{r['down'][0]:12.2f} s {r['up'][1]:12.0f}      {linear:5.2f}x")  # fmt: skip
    print("\nthe same lines through one bare ip -batch (the kernel's own cost), and iplab's ratio:")
    for n in sizes:
        r = results[n]
        setup, teardown = r["bare-setup"][0], r["bare-teardown"][0]
        print(f"N={n:<6} ip -batch setup {setup:8.2f} s  teardown {teardown:7.2f} s   "
              f"iplab up / ip -batch {r['up'][0] / setup:5.2f}   "
              f"down / ip -batch {r['down'][0] / teardown:5.2f}")  # fmt: skip
    bare_steps = [
        results[n]["bare-setup"][0] / (results[base]["bare-setup"][0] * n / base) for n in sizes
    ]
    print("ip -batch setup against linear: " + ", ".join(f"{s:.2f}x" for s in bare_steps))
    # what iplab adds to the kernel's own cost (planning, journal, audit, reading back,
    # verifying): the part that is iplab's to keep linear, measured in the same run (the
    # time its ip -batch processes and its waits for the kernel took, from its audit log,
    # taken from its wall time: the kernel's time moves by tens of % between runs)
    for phase in ("up", "down"):
        own = {n: results[n][phase][0] - results[n][f"{phase}-kernel"][0] for n in sizes}
        steps = [own[n] / (own[base] * n / base) if own[base] > 0 else 0.0 for n in sizes]
        print(
            f"iplab's own part of {phase} (wall less its ip -batch and kernel waits): "
            + ", ".join(f"N={n}: {own[n]:.2f} s" for n in sizes)
            + "; against linear: "
            + ", ".join(f"{s:.2f}x" for s in steps)
        )
    for phase in ("verify", "status", "down"):
        steps = [
            results[n][phase][0] / (results[base][phase][0] * n / base) for n in sizes[1:]
        ]  # fmt: skip
        print(f"{phase} against linear: " + ", ".join(f"{s:.2f}x" for s in steps))
    print(f"largest step of up against the linear extrapolation: {worst:.2f}x (goal <= 1.2)")


if __name__ == "__main__":
    sys.exit(main())
