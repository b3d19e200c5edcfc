"""Hunt BL #6: ``iplab down`` of a lab whose journal.jsonl was deleted.

The lab record names what the lab made; down deletes what of it the host still holds.
It read the host once, then deleted the namespaces first: a root-namespace veth end
whose peer was in one of them went with it, and down then said ``failed (exit 1): Cannot
find device "...vethQ"`` for each (tests/fixtures/one-lab-many-ways/07-prompts-and-output.md:
a bridge in the root namespace, two veth ends on it, their peers in ns1 and ns2). Now
what is gone already when its turn comes is not deleted and not said; a failure on what
is still there is said, as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import kernel, pages
from tests.conftest import FIXTURES

PAGE = FIXTURES / "one-lab-many-ways" / "07-prompts-and-output.md"


@pytest.mark.kernel
def test_down_without_its_journal_is_quiet_about_what_went_with_a_namespace(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    result, sc = pages.imported(PAGE)
    lab = pages.written(result, tmp_path)
    up = kernel.iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    name = prefix + sc.name
    (state_dir / "labs" / name / "journal.jsonl").unlink()
    down = kernel.iplab("down", name, state=state_dir)
    said = down.stdout + down.stderr
    assert down.returncode == 0, said
    assert "failed" not in said and "Cannot find device" not in said, said
    assert f"undo: ip netns del {prefix}ns1" in said, said
    assert kernel.cleanup_prefix(prefix) == []
