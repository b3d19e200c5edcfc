"""Hunt CL #2: ``ip neigh add ... nud PERMANENT`` (ip's state names are lowercase: ``Error:
argument "PERMANENT" is wrong: nud state is bad``) passed ``iplab check`` and the run
failed there. check says it now, in ip's words, at the step's file:line, with the line
meant (neighwords.refused, nud_meant; ipgrammar.meant); a script under ``set -e`` stops
there, so its line is no step that may fail (importer.shown.probes_to_exec)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iplab import ipgrammar
from iplab.importer.convert import import_text
from tests.conftest import FIXTURES, REPO

SCRIPT = FIXTURES / "leftovers16" / "static-arp-nud-upper.sh"
PAGE = FIXTURES / "leftovers16" / "neigh-nud-upper.md"
ENTRY = "ip -n h1 neigh add 172.16.9.2 lladdr 02:00:00:00:00:02 dev eth-h1 nud"


@pytest.mark.parametrize(
    ("line", "word"),
    [
        (f"{ENTRY} PERMANENT", "PERMANENT"),
        ("sudo ip netns exec h1 ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev x nud Permanent",
         "Permanent"),
        ("ip neighbour replace 10.0.0.2 lladdr 02:00:00:00:00:02 dev x nud NOARP", "NOARP"),
        ("ip -n r neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev x nud 0x3", "0x3"),
        ("ip neigh flush dev x nud Stale", "Stale"),
    ],
)  # fmt: skip
def test_ip_s_refusal_of_a_nud_word(line: str, word: str) -> None:
    assert ipgrammar.refusal(line) == f'argument "{word}" is wrong: nud state is bad'


@pytest.mark.parametrize(
    "line",
    [
        f"{ENTRY} permanent",
        f"{ENTRY} perm",
        f"{ENTRY} noarp",
        f"{ENTRY} 0x80",
        "ip neigh flush dev x nud all",
        "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev nud nud reachable",
    ],
)
def test_nud_words_ip_reads(line: str) -> None:
    assert ipgrammar.refusal(line) is None


def test_the_hint_is_the_line_meant() -> None:
    line = f"{ENTRY} PERMANENT"
    said = ipgrammar.refusal(line)
    assert said is not None
    assert ipgrammar.refusal_hint(line, said) == f"did you mean '{ENTRY} permanent'?"


def test_a_set_e_script_stops_at_the_line(tmp_path: Path) -> None:
    """Under 'set -euo pipefail' the script ends at the refused line: the step is no step
    that may fail, import says the script stops there, and check refuses it at its
    file:line, in ip's words."""
    result = import_text(SCRIPT.read_text(encoding="utf-8"), "shell", SCRIPT.name)
    assert "may_fail" not in result.yaml, result.yaml
    assert "and the script stops there (set -e)" in result.summary(), result.summary()
    lab = tmp_path / "lab.yaml"
    lab.write_text(result.yaml, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "check", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=False, timeout=120,
    )  # fmt: skip
    command = next(
        n
        for n, t in enumerate(result.yaml.splitlines(), 1)
        if t.strip() == f"command: {ENTRY} PERMANENT"
    )  # (the step's line: its '- action: raw', right above)
    assert done.returncode != 0, done.stdout + done.stderr
    assert f"iplab: error: {lab}:{command - 1}: setup[11].steps[0]: ip refuses" in done.stderr
    assert 'argument "PERMANENT" is wrong: nud state is bad' in done.stderr
    assert "the run would stop at it" in done.stderr and "nud permanent'?" in done.stderr


def test_a_page_s_line_is_said_and_may_fail() -> None:
    """A page's lines are pasted one by one: bash goes on past the refusal; import and check
    say it, with the line meant."""
    result = import_text(PAGE.read_text(encoding="utf-8"), "markdown", PAGE.name)
    summary = result.summary()
    assert summary.count("nud state is bad") >= 2, summary
    assert "nud permanent'?" in summary and result.yaml.count("may_fail: true") == 2


def test_a_netns_exec_step_written_by_hand_is_refused_with_the_line_meant(
    tmp_path: Path,
) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "name: n\nsetup:\n  - action: netns add\n    name: right\n"
        "  - action: netns exec\n    in: right\n"
        "    command: ip neigh add 10.22.0.1 lladdr 02:00:00:00:22:01 dev vr nud Permanent\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "check", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0 and f"{lab}:7: setup[1].command" in done.stderr, done.stderr
    assert 'argument "Permanent" is wrong: nud state is bad' in done.stderr
    assert "nud permanent'?" in done.stderr, done.stderr
