"""Benchmarks of what users run (as root; each prints its figures, none is a test).

iplab is timed as an installed iplab runs: ``pip install`` compiles the package to
bytecode, so :func:`user_env` compiles it once (into ``__pycache__``, as Python
itself would on a first run) and lifts ``PYTHONDONTWRITEBYTECODE`` for the timed
processes. Without that, every timed start would recompile all of iplab's modules
(about 0.14 s), a cost no installed copy pays.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

import iplab


def user_env(**extra: str) -> dict[str, str]:
    """The environment a timed ``iplab`` process runs in, with iplab's bytecode compiled."""
    compileall.compile_dir(str(Path(iplab.__file__).parent), quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env
