"""Hunt BS #7 (tests/fixtures/leftovers9/).

watch-before-another-terminal.md: ``sudo watch -n 1 ip -n blue -s link show v-blue``, then
"in another terminal" a ping. The watch was run in the background (right), but then waited
for as a server: 'not listening after 5 s'; and it was a raw step iplab cannot undo, after
which verify compared nothing ('the model knows none of the lab's objects'). watch of a
reader only reads now, and nothing waits for it to listen (the printed script does not
sleep for it either).

functions-that-pause.sh: ``make_pair left right`` calls a function whose last line is
``read -p "... press Enter"``. Printed without --prefix, the call is printed as written and
runs the body's read: bash running the printed setup with its input ended stopped there
(``set -e``: read says 1), where iplab runs on. The read in the body prints as a pause
alone does (``</dev/null || true``)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from iplab.export import script
from iplab.plan import build
from iplab.steps import Raw
from iplab.words import reads_only
from tests import kernel, pages
from tests.conftest import FIXTURES
from tests.kernel import SKIP, apart

WATCH = FIXTURES / "leftovers9" / "watch-before-another-terminal.md"
PAUSE = FIXTURES / "leftovers9" / "functions-that-pause.sh"


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ("watch -n 1 ip -n blue -s link show v-blue", True),
        ("watch 'ip -s link | grep v-blue'", True),
        ("ip netns exec blue watch -d ip -s link", True),
        ("watch -n 1 ip link set v-blue up", False),
        ("watch -n1 rm -f /tmp/x", False),
    ],
)
def test_watch_reads_what_its_command_reads(command: str, reads: bool) -> None:
    assert reads_only(command) is reads


def test_the_watch_is_a_reader_run_beside_and_not_waited_for() -> None:
    _, sc = pages.imported(WATCH)
    watch = next(s for s in sc.setup if isinstance(s.op, Raw) and "watch" in s.op.command)
    assert isinstance(watch.op, Raw) and watch.op.observes and watch.background
    printed = script(build(sc), "setup")
    assert "sudo watch -n 1 ip -n blue -s link show v-blue &  # the tutorial runs it" in printed
    assert "sleep 1" not in printed


@pytest.mark.kernel
def test_the_run_goes_on_at_once_and_verifies(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    result, _ = pages.imported(WATCH)
    began = time.monotonic()
    done = pages.run(pages.written(result, tmp_path), prefix, state_dir, tmp_path)
    took = time.monotonic() - began
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not listening" not in done.stdout, done.stdout
    assert "verify: the kernel holds what the scenario promised (2 namespaces, 4 links)" in (
        done.stdout
    ), done.stdout
    assert f"PASS {prefix}red reaches 10.0.0.2" in done.stdout
    assert took < 30, took
    assert kernel.cleanup_prefix(prefix) == []


def _setup_script() -> str:
    _, sc = pages.imported(PAUSE)
    return script(build(sc), "setup")


def test_the_read_in_a_function_s_body_runs_on_as_iplab_does() -> None:
    printed = _setup_script()
    assert (
        "  read -p \"pair $1/$2 made; check with 'ip netns list', then press Enter\""
        " </dev/null || true  # the tutorial waits for Enter here; iplab runs on\n"
    ) in printed
    assert "\nmake_pair left right\n" in printed  # (the call as written: no --prefix)
    result, _ = pages.imported(PAUSE)
    page = PAUSE.read_text(encoding="utf-8")
    assert all(line in page for text in result.lines for line in text.splitlines())


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_bash_runs_the_printed_setup_to_its_end(tmp_path: Path) -> None:
    """In namespaces of its own, input ended and piped, as a user runs it."""
    (tmp_path / "setup.sh").write_text(_setup_script())
    listed = f"{sys.executable} -c 'import json,subprocess; print(json.dumps(sorted("
    listed += 'subprocess.run(["ip","netns","list"],capture_output=True,text=True)'
    listed += ".stdout.split())))'"
    for run in ("bash setup.sh </dev/null", "bash <setup.sh"):
        ran = apart(f"ip link set lo up\ncd {tmp_path}\n{run} >out 2>&1; echo $? >rc\n{listed}")
        said = (tmp_path / "out").read_text()
        assert (tmp_path / "rc").read_text().strip() == "0", said
        assert "1 received" in said, said
        assert set(json.loads(ran.stdout)) >= {"left", "right"}, ran.stdout
