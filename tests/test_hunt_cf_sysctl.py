"""Hunt CF #4 (a pin, no fix): a root-namespace ``sudo sysctl -p FILE`` (raw step,
tests/fixtures/leftovers14/fwd-sysctl-p.md, the host routing between namespaces) is not
read back by verify; its verdict says so ("sysctls of root not compared"), also when the
load is wrapped in ``sudo bash -c``. Checked on a kernel inside ``unshare -n`` (its
``iplab verify`` printed the same words); here from the model, no kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import verify
from iplab.expectation import expectation
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES

PAGE = FIXTURES / "leftovers14" / "fwd-sysctl-p.md"
LOAD = "sudo sysctl -p /etc/sysctl.d/99-lab.conf"


@pytest.mark.parametrize("line", [LOAD, 'sudo bash -c "sysctl -p /etc/sysctl.d/99-lab.conf"'])
def test_the_verdict_says_the_root_s_sysctls_are_not_compared(line: str, tmp_path: Path) -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert f"\n{LOAD}\n" in text
    result = import_text(text.replace(LOAD, line), detect_kind(PAGE.name, text), PAGE.name)
    assert result.model_error is None
    scenario = tmp_path / "lab.yaml"
    scenario.write_text(result.yaml, encoding="utf-8")
    said = verify.verdict(expectation(str(scenario), [], "hcf", None).state)
    assert said.startswith("the kernel holds what the scenario promised"), said
    assert "sysctls of root not compared" in said, said
