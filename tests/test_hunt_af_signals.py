"""Hunt AF #9 and #11: a kill of the pids of a lab namespace refused; the stream number of
``2>/dev/null`` said as a word of the kill."""

from __future__ import annotations

import dataclasses

import pytest

from iplab import jobs
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build, check_signals
from iplab.scenario import load_text
from iplab.steps import NetnsAdd
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-7"


def _imported(name: str) -> ImportResult:
    text = (HUNT / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


def _line(name: str, number: int) -> str:
    """Line ``number`` of a hunt file, its prompt (``$ ``, ``# ``) taken off."""
    text = (HUNT / name).read_text(encoding="utf-8").splitlines()[number - 1]
    return text.split(" ", 1)[1]


def test_a_kill_of_the_pids_of_a_lab_namespace_is_allowed() -> None:
    """Hunt AF #9 (af10-legit-kill-pids.md lines 22-23): ``sudo kill $(ip netns pids srv)``
    and ``sudo ip netns pids srv | xargs -r sudo kill -9`` were refused ("it signals
    processes of the host"), though ``ip netns pids srv`` lists only the processes of srv, a
    namespace the lab makes. Allowed now; the same lines are refused when srv is not the
    lab's."""
    result = _imported("af10-legit-kill-pids.md")
    assert result.model_error is None
    loaded = load_text(result.yaml, "af10.yaml")
    check_signals(loaded)
    build(loaded, prefix="hF")  # (renamed with the lab: ip netns pids hFsrv)
    foreign = dataclasses.replace(
        loaded, setup=tuple(s for s in loaded.setup if not isinstance(s.op, NetnsAdd))
    )
    with pytest.raises(ModelError, match=r"runs kill \$\(ip netns pids srv\): it signals"):
        check_signals(foreign)
    assert jobs.signalled_netns(_line("af10-legit-kill-pids.md", 23)) == "srv"


def test_the_stream_number_of_a_redirection_is_no_word_of_the_kill_said() -> None:
    """Hunt AF #11 (af15-legit-batch-kill.md line 14): ``kill -9 $(ip netns pids b1)
    2>/dev/null`` was said as "runs kill -9 $(ip netns pids b1) 2": the 2 is the stream
    number of ``2>/dev/null``, no word of the kill."""
    line = _line("af15-legit-batch-kill.md", 14)
    assert line == "kill -9 $(ip netns pids b1) 2>/dev/null"
    assert jobs.unscoped_signal(line) == "kill -9 $(ip netns pids b1)"
