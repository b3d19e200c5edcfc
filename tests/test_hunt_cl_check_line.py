"""Hunt CL #5: a markdown page's ``command -v ip || { echo "install iproute2"; exit 1; }``
was a note ("a check of the author's; not run"), put in the next step's prose: the
rendered script lost the page's line. It is one raw step now, run by bash as one line and
printed byte for byte (reader._tool_check); a script's stays hunt S's note."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES, REPO

PAGE = FIXTURES / "leftovers16" / "check-ip-installed.md"
LINE = 'command -v ip || { echo "install iproute2"; exit 1; }'


def test_the_rendered_script_prints_every_line_of_the_page_s_blocks(tmp_path: Path) -> None:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, "markdown", PAGE.name)
    assert "check of the author" not in result.summary(), result.summary()
    assert "cannot undo" not in result.summary()
    lab = tmp_path / "lab.yaml"
    lab.write_text(result.yaml, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    block_lines = [
        line for block in text.split("```bash\n")[1:] for line in block.split("```")[0].splitlines()
    ]
    assert done.stdout.splitlines() == block_lines, done.stdout


def test_the_check_runs_as_one_line() -> None:
    result = import_text(PAGE.read_text(encoding="utf-8"), "markdown", PAGE.name)
    assert f"    command: {LINE}\n    shell: true\n" in result.yaml, result.yaml
