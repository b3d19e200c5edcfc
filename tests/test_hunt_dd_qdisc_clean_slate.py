"""Hunt DD: a ``tc qdisc del dev X root`` before the script gives X a root qdisc.

htb-qdisc-del-first-nsenter.sh (tests/fixtures/github-scripts-8, after a public htb shaping
script, no ``set -e``) makes a veth, then runs ``ip netns exec $netns tc qdisc del dev $dev
root`` before its ``tc qdisc add dev $dev root handle 1: htb``: a clean slate for a run
before. The first time the kernel says "Cannot delete qdisc with handle of zero" and bash
goes on; ``iplab run`` stopped at that step and rolled the lab back. Such a delete, of a
link the script made and has given no root qdisc, is a step that may fail now, said at
import (importer.slate.qdisc_cleared); under ``set -e`` it stays one that must pass.

The other scripts of github-scripts-8 are imported here as a user sees them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.kernel import SKIP
from tests.pages import imported, ran_clean

HERE = FIXTURES / "github-scripts-8"
HTB = HERE / "htb-qdisc-del-first-nsenter.sh"


def test_the_qdisc_delete_before_any_add_may_fail_and_is_said() -> None:
    result, lab = imported(HTB)
    deletes = [s for s in lab.steps if "qdisc del" in str(getattr(s.op, "command", ""))]
    assert deletes and all(s.may_fail for s in deletes), deletes
    adds = [s for s in lab.steps if "qdisc add" in str(getattr(s.op, "command", ""))]
    assert adds and not any(s.may_fail for s in adds), adds
    assert any("root qdisc of veth-s" in w for w in result.warnings), result.warnings
    assert result.model_error is None, result.model_error


def test_under_set_e_the_delete_must_still_pass(tmp_path: Path) -> None:
    text = HTB.read_text(encoding="utf-8").replace("rate=1mbit\n", "rate=1mbit\nset -e\n", 1)
    script = tmp_path / "htb-e.sh"
    script.write_text(text, encoding="utf-8")
    result, lab = imported(script)
    deletes = [s for s in lab.steps if "qdisc del" in str(getattr(s.op, "command", ""))]
    assert deletes and not any(s.may_fail for s in deletes), deletes
    assert not any("root qdisc" in w for w in result.warnings), result.warnings


def test_a_delete_after_the_script_s_own_add_must_pass(tmp_path: Path) -> None:
    text = HTB.read_text(encoding="utf-8") + "ip netns exec $netns tc qdisc del dev $dev root\n"
    script = tmp_path / "htb-twice.sh"
    script.write_text(text, encoding="utf-8")
    _, lab = imported(script)
    deletes = [s for s in lab.steps if "qdisc del" in str(getattr(s.op, "command", ""))]
    assert [s.may_fail for s in deletes] == [True, False], deletes


def test_the_other_scripts_import_as_a_user_sees_them() -> None:
    nat, _ = imported(HERE / "nat-router-iptables-continued.sh")
    assert nat.model_error is None and nat.lines[-1].endswith("-j MASQUERADE"), nat.lines
    tbf, _ = imported(HERE / "tbf-netns-up-in-move.sh")
    assert "link veth-r is in namespace left, not in namespace right" in str(tbf.model_error)
    every, _ = imported(HERE / "all-netns-delete-then-exec.sh")
    assert "every namespace of the host" in str(every.model_error)


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_htb_script_runs_past_its_clean_slate_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    done = ran_clean(HTB, prefix, state_dir, tmp_path, "--verbose")
    assert "failed, as the author allows" in done.stdout, done.stdout[-3000:]
    assert f"tc class add dev {prefix}veth-s parent 1:" in done.stdout, done.stdout[-3000:]
