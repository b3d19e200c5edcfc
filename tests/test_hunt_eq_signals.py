"""Hunt EQ: ``iplab up`` and ``down`` signalled at random moments (SIGKILL, SIGINT, SIGINT
twice, SIGTERM, SIGHUP; the blog scenario, a star of 200, an imported tutorial with raw
shell steps), then what the README says a user runs next.

- A Ctrl-C while ``python3 -m iplab`` still imported iplab (some 0.09 s into the process on
  a loaded host) said "iplab: interrupted before anything ran" and exited 130: a shell
  script running iplab went on with its next line, where every other signal that stops
  iplab ends it by that signal (README, "Time limits"). It now says what a Ctrl-C before
  a command began says, and ends by SIGINT.
"""

from __future__ import annotations

import signal
import subprocess
import sys

from tests.conftest import REPO

_CTRL_C_ON_IMPORT = """
import importlib.abc, runpy, sys

class CtrlC(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "iplab.lab" or name == "iplab.cli":
            raise KeyboardInterrupt

sys.meta_path.insert(0, CtrlC())
sys.argv = ["iplab", "up", "nosuch.yaml", "--prefix", "eqt"]
runpy.run_module("iplab", run_name="__main__")
"""


def test_a_ctrl_c_while_python_imports_iplab_ends_it_by_sigint() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CTRL_C_ON_IMPORT],
        capture_output=True, text=True, check=False, cwd=REPO,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert done.stderr == (
        "iplab: interrupted: iplab had not begun: nothing ran, the host is as it was\n"
    ), done.stderr
    assert done.returncode == -signal.SIGINT, (done.returncode, done.stderr)
