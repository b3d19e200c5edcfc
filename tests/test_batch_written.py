"""A batch file the tutorial writes itself, then runs: ``cat > lab.batch <<EOF ... EOF``
followed by ``sudo ip -batch lab.batch`` (``tee $BATCH``, ``ip -force -batch $BATCH``).

The import kept ``ip -batch lab.batch`` a raw step, and the run refused it before anything
ran: "lab.batch does not exist now, so iplab cannot judge the commands it runs" (the file
is written by the lab's own first step). Its lines are known from the here-document: the
step is now the ip commands they are, printed as the page prints them, as ``ip -batch -
<<EOF`` already was: typed, renamed by ``--prefix``, journaled, verified and undone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iplab import scenario
from iplab.cli import main
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from iplab.steps import LinkAdd, NetnsAdd, Raw
from tests.conftest import FIXTURES, REPO

PAGES = FIXTURES / "batch-written"


def _plan(name: str) -> tuple[list[str], list[object], list[str]]:
    page = (PAGES / name).read_text(encoding="utf-8")
    result = import_text(page, detect_kind(name, page), name)
    lab = scenario.load_text(result.yaml, "page.yaml")
    plan = build(lab)
    return (
        [pc.command.text for pc in plan.commands],
        [pc.command.op for pc in plan.commands],
        [*result.warnings],
    )


def _plan_lenient(name: str) -> tuple[list[str], list[object]]:
    page = (PAGES / name).read_text(encoding="utf-8")
    result = import_text(page, detect_kind(name, page), name)
    plan = build(scenario.load_text(result.yaml, "page.yaml"), lenient=True)
    return [pc.command.text for pc in plan.commands], [pc.command.op for pc in plan.commands]


def test_the_batch_file_a_page_writes_is_read_as_its_ip_commands() -> None:
    texts, ops, _ = _plan("01-cat-heredoc-then-ip-batch.md")
    assert "ip -batch lab.batch" not in " ".join(texts)
    assert [t for t in texts if t.startswith(("sudo ip netns add", "sudo ip link add"))] == [
        "sudo ip netns add red",
        "sudo ip netns add blue",
        "sudo ip link add veth-r type veth peer name veth-b",
    ]
    assert sum(isinstance(op, NetnsAdd) for op in ops) == 2
    assert sum(isinstance(op, LinkAdd) for op in ops) == 1
    # the file itself is still written (the teardown's rm lab.batch removes it)
    pairs = zip(texts, ops, strict=True)
    assert any(isinstance(op, Raw) and "cat > lab.batch" in t for t, op in pairs)


def test_a_variable_names_the_file_and_options_stand_before_each_line() -> None:
    texts, ops, _ = _plan("02-tee-variable-force.sh")
    assert "sudo ip netns add left" in texts
    assert "sudo ip netns exec right ip addr add 192.168.50.2/24 dev r0" in texts
    assert not any(isinstance(op, Raw) and "-batch" in t for t, op in zip(texts, ops, strict=True))


def test_the_page_is_rendered_as_it_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (PAGES / "01-cat-heredoc-then-ip-batch.md").read_text(encoding="utf-8")
    result = import_text(page, detect_kind("01.md", page), "01.md")
    (tmp_path / "lab.yaml").write_text(result.yaml, encoding="utf-8")
    assert main(["render", str(tmp_path / "lab.yaml")]) == 0
    rendered = capsys.readouterr().out
    assert "cat > lab.batch <<EOF\nnetns add red\n" in rendered
    assert "\nsudo ip -batch lab.batch\nsudo ip -n red addr add" in rendered


@pytest.mark.kernel
def test_the_lab_runs_renamed_and_nothing_remains(prefix: str, tmp_path: Path) -> None:
    page = PAGES / "01-cat-heredoc-then-ip-batch.md"
    env = {**os.environ, "IPLAB_STATE_DIR": str(tmp_path / "state"), "PYTHONPATH": str(REPO)}
    env.pop("IPLAB_FAULT", None)

    def iplab(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "iplab", *args], capture_output=True, text=True, env=env,
            cwd=tmp_path, timeout=120, check=False,
        )  # fmt: skip

    imported = iplab("import", str(page), "-o", "lab.yaml")
    assert imported.returncode == 0, imported.stderr
    run = iplab("run", "lab.yaml", "--prefix", prefix)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"ip netns add {prefix}red" in run.stdout
    assert "verify: the kernel holds what the scenario promised (2 namespaces" in run.stdout
    assert "nothing of the lab remains" in run.stdout
    assert not (tmp_path / "lab.batch").exists()


def test_a_here_document_whose_lines_expand_a_variable_ends_at_its_word() -> None:
    """A here-document holding ``$NS`` (``link add veth-x netns $NS type veth ...``) was
    taken as closed before its ``EOF``: the grammar makes an unclosed document's last words
    its end. The line lost its last words and ``EOF`` became a raw step of its own."""
    texts, ops, _ = _plan("03-variable-in-heredoc-loop.sh")
    assert "EOF" not in texts
    assert "ip link add veth-x netns blue type veth peer name veth-y" in texts
    assert sum(isinstance(op, Raw) for op in ops) == 1  # (the file's write)


def test_a_file_another_command_changes_after_its_here_document_is_not_guessed() -> None:
    """``echo "netns add blue" >> lab.batch`` after the here-document: the file's lines are
    no longer those iplab read (it would run red alone). Hunt CO: the line echo appends is
    known (its words, no ``$``), so the batch is red then blue, as ip reads the file; an
    append iplab cannot know (tests/test_hunt_co_loops.py) leaves the batch the raw step
    the model refuses, as a file it cannot read is."""
    texts, ops = _plan_lenient("04-appended-by-echo.sh")
    assert [t for t in texts if t.startswith("ip ")] == ["ip netns add red", "ip netns add blue"]
    assert sum(isinstance(op, NetnsAdd) for op in ops) == 2
