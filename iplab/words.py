"""What a command line's words say before any grammar reads it: shell syntax, ``sudo`` and
its options, and whether a command only reads the state.

Shared by the loader (:mod:`iplab.scenario`), the grammars (:mod:`iplab.ipgrammar`,
:mod:`iplab.lineparse`), the model and the renderer.
"""

from __future__ import annotations

import re
import shlex

#: what makes a line shell syntax rather than one command: it runs through ``bash -c``
SHELL_SYNTAX = re.compile(r"[;&|<>`$]|\$\(")

#: sudo's options that take a value (``sudo -u USER ip ...``)
_SUDO_VALUED = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "-R"})


def strip_sudo(argv: tuple[str, ...]) -> tuple[str, ...]:
    """``sudo [OPTIONS] CMD...`` -> ``CMD...``."""
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] == "--":
            return argv[i + 1 :]
        i += 2 if argv[i] in _SUDO_VALUED else 1
    return argv[i:]


# -- observation or change? -------------------------------------------------------------------

#: programs that only read (when they write nothing through shell syntax)
_READERS = frozenset(
    {
        *("ping", "ping6", "traceroute", "tracepath", "arping", "ss", "netstat", "lsns"),
        *("cat", "ls", "readlink", "echo", "printf", "grep", "head", "tail", "wc", "true"),
    }
)
#: programs whose words say whether they change something (``bridge link show``)
_VERB_TOOLS = frozenset({"ip", "bridge", "tc", "brctl", "nft"})
_CHANGING = (
    *("add", "del", "set", "change", "replace", "append", "flush", "exec", "prepend"),
    *("insert", "restore", "stp", "-f", "-b", "-batch", "-force", "--file"),
)
_IPT_READ = frozenset({"-L", "-S", "--list", "--list-rules"})
_IPT_WRITE = frozenset(
    {"-A", "-D", "-I", "-R", "-F", "-X", "-N", "-P", "-Z", "-E", "--append", "--delete"}
)


def reads_only(command: str) -> bool:
    """A command (without sudo) that only shows state, by what its words say.

    Conservative: anything unknown, and anything using shell syntax, changes state.
    """
    if SHELL_SYNTAX.search(command):
        return False
    try:
        argv = shlex.split(command)
    except ValueError:
        return False
    if not argv:
        return False
    program, args = argv[0], argv[1:]
    if program in _READERS:
        return True
    if program in _VERB_TOOLS:
        return not any(a.startswith(_CHANGING) for a in args)
    if program == "sysctl":
        return not any("=" in a or a in ("-w", "-p", "--write", "--load", "--system") for a in args)
    if program in ("iptables", "ip6tables"):
        words = set(args)
        return bool(words & _IPT_READ) and not words & _IPT_WRITE
    return False
