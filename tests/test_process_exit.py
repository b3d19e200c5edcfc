"""iplab's process ends without Python's teardown of every module and object (#14).

Python's shutdown frees each module and object one by one: some 9 ms of CPU at every exit
of iplab, for a 3-step lab as for star-500. :func:`iplab.cli.exit_process` does what of
the shutdown matters (the ``atexit`` functions: deferred audit records, the cache's
writers, the signal that stopped a command; the standard streams flushed) and then ends
the process. A program that calls ``main()`` itself keeps Python's own shutdown.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.kernel import REPO

#: iplab as ``python -m iplab`` runs it, with an ``atexit`` function and an object whose
#: teardown says itself
DRIVER = textwrap.dedent(
    """
    import atexit, runpy, sys, types

    class Torn:
        def __del__(self):
            sys.stderr.write("@@ torn down\\n")

    probe = types.ModuleType("probe")  # (a module's object, in no cycle: freed at teardown)
    probe.kept = Torn()
    sys.modules["probe"] = probe
    del probe
    atexit.register(lambda: sys.stderr.write("@@ atexit ran\\n"))
    sys.argv = ["iplab", *sys.argv[1:]]
    if sys.argv[1] == "--in-process":  # (a program calling main(): Python's own shutdown)
        from iplab.cli import main
        sys.exit(main(sys.argv[2:]))
    runpy.run_module("iplab", run_name="__main__", alter_sys=True)
    """
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
    )  # fmt: skip


def test_the_process_ends_after_its_atexit_functions_without_the_teardown(
    tmp_path: Path,
) -> None:
    written = tmp_path / "star.sh"
    done = _run("render", "star-500", "--var", "n=300", "-o", str(written))
    assert done.returncode == 0, done.stderr
    piped = _run("render", "star-500", "--var", "n=300")  # (a large output, through a pipe)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == written.read_text()  # flushed whole before the end
    assert "@@ atexit ran" in piped.stderr
    assert "@@ torn down" not in piped.stderr
    # a program that calls main() itself: Python's own shutdown, teardown included
    called = _run("--in-process", "render", "star-500", "--var", "n=3")
    assert called.returncode == 0, called.stderr
    assert "@@ atexit ran" in called.stderr and "@@ torn down" in called.stderr


def test_the_exit_status_is_mains() -> None:
    refused = _run("verify", "no-such-scenario-here")
    assert refused.returncode == 2, refused.stderr
    assert "iplab: error: no lab named no-such-scenario-here" in refused.stderr
    usage = _run("no-such-command")
    assert usage.returncode == 2, usage.stderr
