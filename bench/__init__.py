"""Benchmarks of what users run (as root; each prints its figures, none is a test).

iplab is timed as an installed iplab runs: ``pip install`` compiles the package to
bytecode, so :func:`user_env` compiles it once (into ``__pycache__``, as Python
itself would on a first run) and lifts ``PYTHONDONTWRITEBYTECODE`` for the timed
processes. Without that, every timed start would recompile all of iplab's modules
(about 0.14 s), a cost no installed copy pays.
"""

from __future__ import annotations

import compileall
import json
import os
from pathlib import Path

import iplab


def user_env(**extra: str) -> dict[str, str]:
    """The environment a timed ``iplab`` process runs in, with iplab's bytecode compiled."""
    compileall.compile_dir(str(Path(iplab.__file__).parent), quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def kernel_seconds(audit: Path, skip: int) -> tuple[float, int]:
    """Seconds that the records after the first ``skip`` lines of an audit log spent in the
    kernel's hands: each ``ip -batch`` process (its lines carry ``batch_ms``, the same for
    all of them) and each wait for the kernel to let go of deleted objects; and how many
    lines the log has."""
    lines = audit.read_text().splitlines() if audit.exists() else []
    batches: set[tuple[object, object]] = set()
    total = 0.0
    for raw in lines[skip:]:
        record = json.loads(raw)
        if record.get("batch_ms") is not None:
            batch = (record.get("time"), record.get("batch_ms"))  # a batch's lines share both
            if batch not in batches:
                batches.add(batch)
                total += record["batch_ms"] / 1000
        elif record.get("kind") == "wait":
            total += (record.get("duration_ms") or 0) / 1000
    return total, len(lines)
