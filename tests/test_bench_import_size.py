"""bench/import_size.py writes the star its docstring says: at N=300, the generated star
of tests/fixtures/hostile-cy/star300.sh byte for byte (its form, not one of its own)."""

from __future__ import annotations

from pathlib import Path

from bench.import_size import star_script

STAR300 = Path(__file__).parent / "fixtures" / "hostile-cy" / "star300.sh"


def test_the_benchmark_script_at_300_is_the_fixture() -> None:
    assert star_script(300) == STAR300.read_text(encoding="utf-8")


def test_the_benchmark_script_grows_five_lines_a_namespace() -> None:
    assert len(star_script(10).splitlines()) + 5 * 990 == len(star_script(1000).splitlines())
