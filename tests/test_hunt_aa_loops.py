"""Hunt AA #3: a counter ``while`` loop whose ``done`` is piped or redirected had its
variables frozen: ``n=0; while [ $n -lt 3 ]; do sleep 0; n=$((n+1)); done | tee /dev/null``
was imported as ``while [ 0 -lt 3 ]; do sleep 0; n=1; done | tee /dev/null``, a run that
never ends (bash: three rounds)."""

from __future__ import annotations

import subprocess

import yaml

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-5"


def _commands(name: str) -> list[str]:
    text = (HUNT / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    loaded = yaml.safe_load(result.yaml)
    return [step["command"] for block in loaded["setup"] for step in block["steps"]]


def test_a_loop_piped_to_tee_dev_null_is_unrolled_as_without_the_pipe() -> None:
    """Hunt AA #3 (t10b-while-pipe.sh): the pipe's reader only shows what the loop prints;
    the loop is unrolled, three rounds as bash runs it (it was one raw step that never
    ended)."""
    assert _commands("t10b-while-pipe.sh") == ["sleep 0"] * 3


def test_a_redirected_loop_kept_raw_keeps_the_variables_it_sets() -> None:
    """Hunt AA #3 (t10d-while-redirect.sh): ``done > log.txt`` stays one raw step; the
    counter it sets was filled in (``ip netns add hq0; n=1`` forever). It now keeps ``$n``
    as written, with its value before the loop set in front, and ends in bash."""
    (command,) = _commands("t10d-while-redirect.sh")
    assert command.startswith("n=0; while [ $n -lt 3 ]; do ip netns add hq$n; n=$((n+1));")
    counted = command.replace("ip netns add", "echo").split(" > ")[0]
    out = subprocess.run(
        ["bash", "-c", counted], capture_output=True, text=True, timeout=10, check=True
    )
    assert out.stdout.split() == ["hq0", "hq1", "hq2"]
