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
#: the labs that are up in the state directory the line names (hunt BS #6: completion listed
#: the default directory's, whatever ``--state-dir DIR`` or ``IPLAB_STATE_DIR=DIR iplab``
#: the line held). bash gives a completion function the words from the command on, without
#: an assignment before it (an exported IPLAB_STATE_DIR is iplab ls's own); zsh's and
#: fish's words are read for both. ``--state-dir=DIR`` is split at ``=`` by bash.
_LABS_BASH = r"""_iplab_labs() {
  local -a dir=()
  local i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == --state-dir ]]; then
      [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
      ((i + 1 < COMP_CWORD)) && dir=(--state-dir "${COMP_WORDS[i+1]/#\~/$HOME}")
    elif [[ $w == --state-dir=?* ]]; then
      dir=(--state-dir "${w#--state-dir=}")
    fi
  done
  compgen -W "$(iplab ls --names "${dir[@]}" 2>/dev/null)" -- "$1"
}
"""
_LABS_ZSH = r"""_iplab_labs() {
  local -a labs dir
  local i w
  for ((i = 1; i < CURRENT; i++)); do
    w=${words[i]/#IPLAB_STATE_DIR=/--state-dir=}
    case $w in
      --state-dir=?*) w=${w#--state-dir=}; dir=(--state-dir "${w/#\~/$HOME}") ;;
      --state-dir) ((i + 1 < CURRENT)) && w=${words[i+1]} && dir=(--state-dir "${w/#\~/$HOME}") ;;
    esac
  done
  labs=(${(f)"$(iplab ls --names $dir 2>/dev/null)"})
  compadd -a labs
}
"""
_LABS_FISH = r"""function __iplab_labs
    set -l dir
    set -l next
    for w in (commandline -opc)
        if set -q next[1]
            set dir --state-dir $w
            set -e next
        else if test "$w" = --state-dir
            set next 1
        else if string match -qr -- '^(--state-dir|IPLAB_STATE_DIR)=.' $w
            set dir --state-dir (string replace -r -- '^[^=]*=' '' $w)
        end
    end
    iplab ls --names $dir 2>/dev/null
end
"""
LABS: dict[str, Any] = {
    "bash": "_iplab_labs",
    "zsh": "_iplab_labs",
    "fish": "(__iplab_labs)",
    "preamble": {"bash": _LABS_BASH, "zsh": _LABS_ZSH, "fish": _LABS_FISH},
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
        elif action.dest in ("output", "input", "file", "cleanup"):
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
