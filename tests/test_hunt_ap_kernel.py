"""Hunt AP on a real kernel: a lab copied from a slide runs what the slide means.

Each test runs iplab in a network namespace and a /run/netns of its own (tests.kernel.apart):
what the lab makes is the test's alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.kernel import apart

pytestmark = pytest.mark.kernel

BOOKS = Path(__file__).parent / "fixtures" / "books-pdfs"


def test_a_slides_continued_line_runs_as_one_command(tmp_path: Path) -> None:
    """Hunt AP: ``   $ sudo ip link add l0 type veth \\`` / ``   > peer name r0`` (a Beamer
    slide's listing, indented) ran as ``ip link add l0 type veth > peer name r0``: a file
    named peer in the directory iplab ran in, and no veth pair. The pair is made, nothing
    is written, and nothing remains after the run."""
    lab, work = tmp_path / "lab.yaml", tmp_path / "work"
    work.mkdir()
    run = apart(
        f"{sys.executable} -m iplab import {BOOKS / 'ap04-beamer.txt'} -o {lab}"
        " > /dev/null 2>&1 || exit 7\n"
        f"cd {work} && {sys.executable} -m iplab run {lab} --state-dir {tmp_path / 'state'};"
        " echo rc=$?\n"
        "echo left: $(ls /run/netns) $(ip -o link show | cut -d' ' -f2 | grep -v lo:)\n"
        f"echo files: $(ls {work})"
    )
    said = run.stdout + run.stderr
    assert "rc=0" in run.stdout, said
    assert "PASS left reaches 10.1.1.2" in run.stdout, said
    assert "left:\n" in run.stdout and "files:\n" in run.stdout, said
