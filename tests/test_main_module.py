"""``python -m iplab``: the command line's exit code, in this process (its end by
``iplab.cli.exit_process``, which would end pytest's process too, raises SystemExit with
the code it is given here, as tests/conftest.py has it for every test;
tests/test_process_exit.py runs the real one in a process of its own)."""

from __future__ import annotations

import runpy
import signal
import sys

import pytest


def test_python_m_iplab_exits_with_mains_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["iplab", "scenarios"])
    old = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as done:
            runpy.run_module("iplab", run_name="__main__", alter_sys=True)
    finally:
        signal.signal(signal.SIGTERM, old)  # main() installs its own until a run starts
    assert done.value.code == 0
    assert "container-networking-part2" in capsys.readouterr().out
