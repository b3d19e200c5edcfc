"""Hunt CW #2 (tests/fixtures/stored-pages-13/x1-written-script-run.md): a page writes its
lab as a script from a here-document (``cat > lab.sh <<'EOF'``) and runs it (``sudo sh
lab.sh``). Before: ``sh lab.sh`` was a raw step iplab could not follow ("iplab cannot undo 1
step"); --prefix left the script's names as written, so ``iplab run --prefix`` made the
page's own ``left`` and ``right`` on the host, verify compared nothing of them, and the run
ended "new on this host since the run began: left, right ... iplab leaves them". Now the
script's lines are the lab's steps (printed as the page's line), renamed by --prefix,
verified, and undone."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from tests.conftest import FIXTURES
from tests.kernel import REPO, apart

X1 = FIXTURES / "stored-pages-13" / "x1-written-script-run.md"


def _steps(text: str, name: str = "page.md", prefix: str = "") -> list[str]:
    result = import_text(text, detect_kind(name, text), name)
    plan = build(scenario.load_text(result.yaml, "page.yaml"), prefix=prefix)
    return [pc.command.text for pc in plan.commands]


def test_the_script_s_lines_are_the_lab_s_steps_renamed_by_the_prefix() -> None:
    steps = _steps(X1.read_text(encoding="utf-8"), X1.name, prefix="hcwq")
    assert steps[1:4] == [
        "sudo ip netns add hcwqleft",
        "sudo ip netns add hcwqright",
        "sudo ip link add hcwql0 type veth peer name hcwqr0",
    ], steps
    assert "sudo ip -n hcwqright link set hcwqr0 up" in steps
    assert not any(s.endswith("sh lab.sh") for s in steps), steps


@pytest.mark.parametrize(
    ("run", "line", "first"),
    [
        ("bash ./lab.sh", "ip link add v0 type veth peer name v1", "ip link add v0 type veth"),
        ("chmod +x lab.sh\n./lab.sh", "ip link add v0 type veth peer name v1", "ip link add v0"),
        ("sudo ip netns exec a sh lab.sh", "ip link set lo up", "sudo ip netns exec a ip link"),
    ],
)
def test_other_ways_to_run_it(run: str, line: str, first: str) -> None:
    script = f"ip netns add a\ncat > lab.sh <<'EOF'\n{line}\nEOF\n{run}\n"
    steps = _steps(script, "lab-notes.sh")
    assert any(s.startswith(first) for s in steps), steps
    assert steps[-1] != run.rsplit("\n", maxsplit=1)[-1], steps


def test_a_script_iplab_was_not_shown_stays_a_raw_step() -> None:
    steps = _steps("sudo sh other.sh\n", "notes.sh")
    assert steps == ["sudo sh other.sh"]


@pytest.mark.kernel
def test_run_with_a_prefix_leaves_nothing() -> None:
    page = Path("/mnt/repo") / X1.relative_to(REPO)
    done = apart(
        f"mount -t tmpfs hcwm /mnt && mkdir /mnt/repo && mount --bind {REPO} /mnt/repo\n"
        'mount -t tmpfs hcw /tmp && mkdir -p /tmp/w "$TMPDIR"\n'
        "ip link set lo up\n"
        "export IPLAB_STATE_DIR=/tmp/w/state PYTHONPATH=/mnt/repo\ncd /tmp/w\n"
        f"python3 -m iplab import {page} -o lab.yaml >/dev/null 2>&1\n"
        "python3 -m iplab run lab.yaml --prefix hcwk01 2>&1 | tail -3; echo run=$?\n"
        'echo "ns=[$(ip netns list | tr -d "\\n")]" links=$(ip -o link | grep -c hcwk)\n'
        "echo left=$(ls lab.sh 2>/dev/null)\n",
        timeout=240,
    )
    out = done.stdout + done.stderr
    assert "OK: 11 commands" in out and "run=0" in out, out
    assert "ns=[]" in out and "links=0" in out and "left=\n" in out, out
    assert "new on this host" not in out, out
