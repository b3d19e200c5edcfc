from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BLOG = FIXTURES / "reference" / "container-networking-part2.md"
BLOG_SCENARIO = SCENARIOS / "container-networking-part2.yaml"


@pytest.fixture
def write_scenario(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a scenario text to a file and return its path."""

    def write(text: str, name: str = "lab.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
