"""A remark an author wrote after a command in another language's comment syntax
(``# ip netns exec net1 bash    // 在 net1 中打开一个shell终端``): bash reads ``//`` and
the words after it as arguments, so the line as written fails (``//: Is a directory``,
``Command "//" is unknown``), and a shell it should have opened never opens; the lines
typed in it then ran on the host. Read as the author meant it: the command alone."""

from __future__ import annotations

import re

from iplab.importer.shell import SHELLS
from iplab.wrappers import program_name, runs_sudo

__all__ = ["without_remark"]

#: a ``//`` word alone, after a blank (``s//x/``, ``http://h`` are no remarks)
_SLASHES = re.compile(r"(?<=[ \t])//(?=[ \t]|$)")
#: the programs to which a ``//`` word and what follows can be no argument: ``ip`` and
#: ``bridge`` know no such word, a shell takes it for a script (a directory), ``exit`` for
#: a status; ``ip netns exec NS bash //`` starts with ip
_NO_SLASHES = frozenset({"ip", "bridge", "exit", "logout", *SHELLS})


def without_remark(command: str) -> tuple[str, str] | None:
    """``command`` without the ``// remark`` that ends it, and the remark; None when the
    line has none (or the ``//`` is quoted, or the program could take it as a word)."""
    for match in _SLASHES.finditer(command):
        before = command[: match.start()]
        if before.count("'") % 2 or before.count('"') % 2:
            continue  # (inside quotes: the program's own text)
        words = before.split()
        if runs_sudo(words):
            words = words[1:]
        if not words or program_name(words[0]) not in _NO_SLASHES:
            return None
        return before.rstrip(), command[match.start() :].strip()
    return None
