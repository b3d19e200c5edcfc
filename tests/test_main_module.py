"""``python -m iplab``: the command line's exit code, in this process."""

from __future__ import annotations

import atexit
import os
import runpy
import signal
import sys

import pytest


def test_python_m_iplab_exits_with_mains_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["iplab", "scenarios"])
    # iplab ends its process by os._exit after its atexit functions (cli.exit_process): in
    # this process, that ended pytest itself, exit 0, its later tests never run and no
    # summary printed (the gate "passed" at 63 %); the end is taken as the SystemExit it
    # stands for, and pytest's own atexit functions are left to pytest
    ran: list[bool] = []
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: ran.append(True))

    def _exit(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(os, "_exit", _exit)
    old = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as done:
            runpy.run_module("iplab", run_name="__main__", alter_sys=True)
    finally:
        signal.signal(signal.SIGTERM, old)  # main() installs its own until a run starts
    assert done.value.code == 0
    assert ran == [True]
    assert "container-networking-part2" in capsys.readouterr().out
