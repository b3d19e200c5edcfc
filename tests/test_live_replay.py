"""A whole live session without root (up, ls, status, test, link down/up, impair with tbf,
netem missing, clear, verify, down): every process it starts answers as it did in a real
session recorded on the kernel (``tests/fixtures/capture_live_session.py``); each command
must exit and print as it did then (times, run ids and paths aside)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from iplab.runner import Runner
from tests.cassette import replaying
from tests.conftest import REPO

CAPTURE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parent / "fixtures" / "session" / "live-iptc13.json").read_text()
)
STEPS: list[dict[str, Any]] = CAPTURE["steps"]
_VOLATILE = [
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"), "DATE"),
    (re.compile(r"\d{8}T\d{6}-[0-9a-f]{6}"), "RUN"),
]


def _same(text: str, repo: str, state_dir: str) -> str:
    text = text.replace(repo, "REPO").replace(state_dir, "STATE")
    for pattern, word in _VOLATILE:
        text = pattern.sub(word, text)
    lines = [line for line in text.splitlines() if not line.startswith("iplab: audit head ")]
    return "\n".join(lines)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    fake = replaying([call for step in STEPS for call in step["calls"]])

    def runner() -> Runner:
        return Runner(fake, is_root=True)

    monkeypatch.setattr("iplab.context.Runner", runner)
    monkeypatch.setenv("IPLAB_STATE_DIR", str(tmp_path / "state"))
    return fake


def test_the_session_replays_as_it_ran(
    recorded: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from iplab.cli import main

    state = str(tmp_path / "state")
    for step in STEPS:
        rc = main(step["argv"])
        out, err = capsys.readouterr()
        where = " ".join(step["argv"])
        assert rc == step["rc"], f"{where}: {err}"
        assert _same(out, str(REPO), state) == _same(
            step["stdout"], CAPTURE["repo"], CAPTURE["state_dir"]
        ), where
        assert _same(err, str(REPO), state) == _same(
            step["stderr"], CAPTURE["repo"], CAPTURE["state_dir"]
        ), where
    left = {key: len(queue) for key, queue in recorded.queues.items() if queue}
    assert left == {}, "processes recorded but never asked for"
