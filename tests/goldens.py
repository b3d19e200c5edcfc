"""Golden-file comparison: a readable diff on failure, IPLAB_UPDATE_GOLDEN=1 to rewrite."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest


def assert_golden(actual: str, golden: Path) -> None:
    if os.environ.get("IPLAB_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    if not golden.exists():
        pytest.fail(f"golden file {golden} is missing (IPLAB_UPDATE_GOLDEN=1 writes it)")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        delta = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=str(golden),
                tofile="rendered",
            )
        )
        pytest.fail(f"rendered text differs from {golden.name}:\n{delta}", pytrace=False)
