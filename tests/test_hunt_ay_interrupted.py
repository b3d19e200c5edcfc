"""Hunt AY #2: a Ctrl-C or SIGTERM while star-500's ``ip -batch`` ran
(tests/fixtures/adversarial-ahead/ay2-signal-during-batch.sh, the signal 0.05-0.4 s into
the batch) stopped ip inside an ``ip netns add``: the file in /run/netns made, the
namespace not yet mounted on it. The rollback removed it, and said "no namespace any more
(someone unmounted its file in /var/run/netns)": nobody had. A namespace whose add has no
outcome in the journal is said to be one the run was stopped in (or unmounted since: the
journal cannot tell); one whose add is journaled done keeps hunt M's words.

Each test runs in a network namespace of its own with its own /run/netns (tests/kernel.py
``apart``), which iplab takes for the host.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.kernel import apart

pytestmark = pytest.mark.kernel

DRIVER = FIXTURES / "adversarial-ahead" / "ay2-signal-during-batch.sh"
IPLAB = f"{sys.executable} -m iplab"


def test_a_namespace_file_left_by_a_stopped_add_is_not_blamed_on_someone(
    tmp_path: Path,
) -> None:
    """SIGKILLed right after the batch ran (IPLAB_FAULT=after-run:1: no line's outcome is
    journaled), one namespace left as a bare file; ``down`` removes it and says the run
    was stopped while ip made it."""
    assert "up star-500" in DRIVER.read_text(encoding="utf-8")
    state = tmp_path / "state"
    run = apart(
        f"IPLAB_FAULT=after-run:1 {IPLAB} up star-500 --var n=4 --prefix hAY"
        f" --state-dir {state} >/dev/null 2>&1; [ $? = 137 ] || exit 9\n"
        "umount /run/netns/hAYns2 || exit 8\n"
        f"{IPLAB} down hAYstar-500 --state-dir {state}; echo rc=$?\n"
        "echo left: $(ls /run/netns)"
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout and "left:\n" in run.stdout, said
    assert "hAYns2: no namespace on its file in /var/run/netns: the run was stopped while `ip" in (
        run.stderr
    ), said
    assert "someone unmounted its file" not in run.stderr, said
