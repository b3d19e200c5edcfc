"""Commands that open an editor for a person at a terminal (``sudoedit /etc/sysctl.conf``,
``vi /etc/hosts``, ``crontab -e``, ``visudo``): a run has no person and no terminal, so the
step would wait until its time limit. Said before anything runs (hunt BJ #2: ``sudoedit
/etc/sysctl.d/99-ip-forward.conf`` was imported as a plain step)."""

from __future__ import annotations

from collections.abc import Sequence

from iplab.words import layers, simple_commands
from iplab.wrappers import program_name

#: programs that edit a file at a terminal, whatever their words
EDITORS = frozenset({
    "vi", "vim", "nvim", "view", "vim.tiny", "vim.basic", "gvim", "nano", "pico", "emacs",
    "jed", "joe", "mcedit", "micro", "ne", "kak", "hx", "helix", "sudoedit", "visudo",
    "vipw", "vigr", "editor", "sensible-editor", "select-editor",
})  # fmt: skip
#: ``PROGRAM OPTION``: an editor opened on the program's own file
_EDITING = {
    "crontab": ("-e",),
    "sudo": ("-e", "--edit"),
    "systemctl": ("edit",),
    "virsh": ("edit",),
    "kubectl": ("edit",),
}


def opens_editor(command: str) -> str | None:
    """The words of the editor ``command`` opens (``sudoedit /etc/x.conf``, ``sudo -e F``,
    ``crontab -e``), or None: it opens none (``visudo -c``, ``vim -es -c ...``, ``sudo
    ip ...``)."""
    for words in simple_commands(command) or []:
        for layer in layers(words):
            if _edits(layer):
                return " ".join(layer)
    return None


def _edits(argv: Sequence[str]) -> bool:
    """``argv`` itself (no wrapper's command) opens an editor."""
    program, args = program_name(argv[0]), list(argv[1:])
    if program == "vim" and "-e" in args and "-s" in args:
        return False  # (vim -e -s: ex silent, reading its commands)
    if program in EDITORS:
        if program == "visudo":
            return not {"-c", "--check"} & set(args)
        if program == "emacs":
            return not {"--batch", "-batch", "--script"} & set(args)
        return not {"-es", "-Es"} & set(args)
    if program == "sudo":  # sudo -e FILE, sudo --edit FILE (its options before the command)
        return any(a in ("-e", "--edit") for a in args[: _first_word(args)])
    return any(a in _EDITING.get(program, ()) for a in args)


def _first_word(args: Sequence[str]) -> int:
    """Where sudo's command begins in ``args``: the first word that is no option."""
    return next((i for i, a in enumerate(args) if not a.startswith("-")), len(args))
