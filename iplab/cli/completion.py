"""``iplab completion bash|zsh|fish``: shell completion generated from the parser (shtab).

Every command and option comes from :func:`iplab.cli.parser.build_parser`, so completion
never lags behind the command line. A scenario argument completes to the bundled
scenarios' names and to YAML files; a lab (``down LAB``, ``exec LAB``, ``--lab``
of ``status``...) to the labs that are up, asked of ``iplab scenarios --names`` and
``iplab ls --names`` when the user presses Tab.

Install: ``iplab completion bash > ~/.local/share/bash-completion/completions/iplab``;
zsh: ``iplab completion zsh > "${fpath[1]}/_iplab"``; fish:
``iplab completion fish > ~/.config/fish/completions/iplab.fish``.
"""

from __future__ import annotations

import argparse
from typing import Any

from iplab.cli.parser import build_parser

SCENARIOS: dict[str, Any] = {
    "bash": "_iplab_scenarios",
    "zsh": "_iplab_scenarios",
    "fish": "(iplab scenarios --names 2>/dev/null; __fish_complete_suffix .yaml)",
    "preamble": {
        "bash": (
            "_iplab_scenarios() {\n"
            '  compgen -W "$(iplab scenarios --names 2>/dev/null)" -- "$1"\n'
            "  compgen -f -X '!*.y*ml' -- \"$1\"\n"
            '  compgen -d -- "$1"\n'
            "}\n"
        ),
        "zsh": (
            "_iplab_scenarios() {\n"
            '  local -a names; names=(${(f)"$(iplab scenarios --names 2>/dev/null)"})\n'
            "  compadd -a names\n"
            "  _files -g '*.y(a|)ml'\n"
            "}\n"
        ),
    },
}
LABS: dict[str, Any] = {
    "bash": "_iplab_labs",
    "zsh": "_iplab_labs",
    "fish": "(iplab ls --names 2>/dev/null)",
    "preamble": {
        "bash": '_iplab_labs() {\n  compgen -W "$(iplab ls --names 2>/dev/null)" -- "$1"\n}\n',
        "zsh": (
            "_iplab_labs() {\n"
            '  local -a labs; labs=(${(f)"$(iplab ls --names 2>/dev/null)"})\n'
            "  compadd -a labs\n"
            "}\n"
        ),
    },
}
#: where ``lab`` names a new lab rather than one that is up
NEW_LAB = {"up", "run"}


def _annotate(parser: argparse.ArgumentParser, command: str | None = None) -> None:
    import shtab

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                _annotate(sub, name)
        elif action.dest == "scenario":
            action.complete = SCENARIOS  # type: ignore[attr-defined]
        elif action.dest == "lab" and command not in NEW_LAB:
            action.complete = LABS  # type: ignore[attr-defined]
        elif action.dest in ("state_dir", "templates"):
            action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
        elif action.dest in ("output", "input", "file"):
            action.complete = shtab.FILE  # type: ignore[attr-defined]


def script(shell: str) -> str:
    """The completion script for ``shell``."""
    import shtab

    parser = build_parser()
    _annotate(parser)
    text: str = shtab.complete(parser, shell)
    return text


def cmd_completion(args: argparse.Namespace) -> int:
    import sys

    sys.stdout.write(script(args.shell))
    return 0
