"""Hunt W: containers by hand (``unshare``, ``ip netns attach``, ``nsenter``): the lines a
tutorial uses to reach a process's namespace, and what iplab may signal, name or undo."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.jobs import unscoped_signal
from iplab.model import ModelError
from iplab.plan import build

FIXTURES = Path(__file__).parent / "fixtures" / "containers-by-hand"


def _imported(name: str, kind: Literal["markdown", "shell"] = "markdown") -> str:
    """The scenario ``iplab import`` makes of a fixture, as YAML."""
    return import_text((FIXTURES / name).read_text(), kind, name).yaml


def test_a_kill_of_pids_read_from_a_file_is_refused_before_anything_runs() -> None:
    """Hunt W: w5-gist-script.sh writes each container's pid to a file and tears down with
    ``kill $(cat /tmp/hunt-W/mini-docker.pids)``; the model let it run, and with a
    stranger's pid in that file teardown killed it. It is refused, as ``kill 48213`` is,
    naming the file's line."""
    lab = scenario.load_text(_imported("w5-gist-script.sh", "shell"), "w5.yaml")
    with pytest.raises(ModelError) as raised:
        build(lab)
    said = str(raised.value)
    assert said.startswith("w5.yaml:"), said
    assert "runs kill $(cat /tmp/hunt-W/mini-docker.pids): it signals processes" in said


@pytest.mark.parametrize(
    ("command", "unscoped"),
    [
        ("kill $(cat /tmp/hunt-W/mini-docker.pids)", "kill $(cat /tmp/hunt-W/mini-docker.pids)"),
        ("kill -9 `cat pids`", "kill -9 `cat pids`"),
        ("for p in $(cat pids); do kill $p; done", "kill $p"),
        ("kill %1 $C2", "kill %1 $C2"),  # C2=$(pgrep -f ... | head -1): the host's
        ("kill ${PID}", "kill ${PID}"),
        ("kill $!", None),
        ("sleep 9 & P=$!; kill $P", None),
        ("kill $(jobs -p)", None),
    ],
)
def test_a_kill_of_a_value_iplab_cannot_tie_to_the_lab_is_unscoped(
    command: str, unscoped: str | None
) -> None:
    """Hunt W: a pid read from a file or a variable (not ``$!``, the job's) is any process
    of the host's; ``$!`` and ``$(jobs -p)`` are the step's own jobs."""
    assert unscoped_signal(command) == unscoped
