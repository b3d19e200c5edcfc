"""Lab scripts whose shell semantics the reader follows as bash does (hunt K).

Each case was checked against bash itself (the snippet run with ``echo`` for ``ip``):

* a helper that hands ``"$@"`` on to ``bash -c`` (``nsx() { ip netns exec "$@"; }``)
  crashed the importer with an IndexError;

The inputs are the hunt's own scripts (tests/fixtures/scripts).
"""

from __future__ import annotations

from pathlib import Path

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.steps import AddrAdd, LinkSet, Raw

SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"


def _import(name: str) -> tuple[scenario.Scenario, tuple[str, ...]]:
    text = (SCRIPTS / name).read_text(encoding="utf-8")
    result = import_text(text, "shell", name, base=SCRIPTS)
    return scenario.load_text(result.yaml, f"{name}.yaml"), result.warnings


def _commands(sc: scenario.Scenario) -> list[str]:
    return [s.op.command for s in sc.setup if isinstance(s.op, Raw)]


def test_a_helper_hands_a_shell_script_on_with_all_its_arguments() -> None:
    """Hunt K: ``nsx red bash -c "..."`` with ``nsx() { ip netns exec "$@"; }`` ended in
    "internal error: IndexError" (the script's word was looked up among the words as
    written, before "$@" gave several). Bash runs both commands in red."""
    sc, _ = _import("06-nsx-wrapper.sh")
    ops = [s.op for s in sc.setup]
    assert any(isinstance(op, LinkSet) and op.ns == "red" and op.dev == "lo" for op in ops)
    assert any(isinstance(op, AddrAdd) and op.ns == "red" and op.dev == "lo" for op in ops)
