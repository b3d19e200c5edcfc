"""Hunt CY: a Ctrl-C (or SIGTERM, SIGHUP) on a loaded host, while iplab still parsed its
command line or imported what the command needs, said "iplab: interrupted" alone: nothing
of the host's state. It says that nothing had begun; up, run and down say so from their
first line, before their own imports.

(A signal while Python itself starts, in site.py, before any line of iplab, still ends
it with Python's traceback: nothing of iplab's runs there.)
"""

from __future__ import annotations

import importlib.abc
import io
import sys

import pytest

import iplab
from iplab import cli


class _CtrlCOnImport(importlib.abc.MetaPathFinder):
    """A Ctrl-C as Python imports iplab.lab."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == "iplab.lab":
            raise KeyboardInterrupt


def _interrupted_importing_lab(monkeypatch: pytest.MonkeyPatch) -> None:
    if "iplab.lab" in sys.modules:
        monkeypatch.delitem(sys.modules, "iplab.lab")
    if hasattr(iplab, "lab"):
        monkeypatch.delattr(iplab, "lab")
    monkeypatch.setattr(sys, "meta_path", [_CtrlCOnImport(), *sys.meta_path])


def test_a_signal_while_the_command_line_is_parsed_says_nothing_ran(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def ctrl_c(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_before_its_command", ctrl_c)
    err = io.StringIO()
    assert cli.main(["up", "star"], stderr=err) == 130
    said = "iplab: interrupted: iplab had not begun: nothing ran, the host is as it was\n"
    assert err.getvalue() == said, err.getvalue()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["up", "nosuch.yaml"], "up had not begun: nothing ran, the host is as it was"),
        (["run", "nosuch.yaml"], "run had not begun: nothing ran, the host is as it was"),
        (["down", "hcynosuch"], "down had not begun: nothing was undone"),
    ],
)
def test_a_signal_while_up_run_or_down_imports_says_nothing_ran(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], said: str
) -> None:
    _interrupted_importing_lab(monkeypatch)
    err = io.StringIO()
    assert cli.main(argv, stderr=err) == 130
    assert err.getvalue() == f"iplab: interrupted: {said}\n", err.getvalue()


def test_another_commands_interruption_is_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command that does not say what a signal leaves is not said "nothing ran"."""
    _interrupted_importing_lab(monkeypatch)
    err = io.StringIO()
    assert cli.main(["ls", "--state-dir", "/nonexistent-hcy"], stderr=err) == 130
    assert err.getvalue() == "iplab: interrupted\n", err.getvalue()
