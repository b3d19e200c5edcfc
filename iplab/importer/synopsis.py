"""What ``man ip-netns`` printed, shown on a page that is not itself a man page: the
``SYNOPSIS`` heading at the left margin, then the commands' grammar, indented (``ip netns
{ list }``, ``ip netns exec NETNSNAME command ...``, ``[ txqueuelen PACKETS ]``). Such
lines are the grammar of commands, never commands (hunt DN: a slide deck's ``man ip-netns``
made steps of them: ``ip netns exec NETNSNAME command ...``, ``ip netns monitor``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from iplab.wrappers import program_name

#: a man page's grammar: ``{ COMMAND | help }``, ``{ list }`` (not a brace group: no
#: ``;`` before its ``}``), ``[ OPTIONS ]`` (spaced, with a word in capitals or a ``|``; not
#: a test, ``[ -d x ]``), ``command ...``, a grammar's ``:=``, a line that goes on with
#: ``|``, and a metavariable in capitals (``NETNSNAME``, ``PID``) after a word of ip's
_GRAMMAR = re.compile(
    r"\{\s[^};]*\s\}"
    r"|\[\s(?:[^\]]*\|[^\]]*|[^\]\-][^\]]*[A-Z]{2}[^\]]*)\s\]"
    r"|\w\s*\.\.\.\s*$"
    r"|:="
    r"|^\s*\|"
)
#: a metavariable: a word in capitals of three letters or more, a whole argument
_METAVARIABLE = re.compile(r"(?<![\w$/.:=-])[A-Z][A-Z0-9_]{2,}(?![\w/.:=-])")
#: a heading that opens what man printed
_HEADING = re.compile(r"\s*SYNOPSIS\s*")


def grammar_line(text: str) -> bool:
    """A line of a command's grammar as a man page writes it (``ip netns { list }``,
    ``ip netns pids NETNSNAME``, ``[ mtu MTU ] [ index IDX ]``), not a command."""
    line = text.strip()
    if _GRAMMAR.search(line):
        return True
    words = line.split()
    return (
        bool(words)
        and program_name(words[0]) == "ip"
        and any(_METAVARIABLE.fullmatch(w) for w in words[2:])
    )


def opens_synopsis(lines: Sequence[str]) -> bool:
    """A paragraph that ends with, or holds, a man page's ``SYNOPSIS`` heading (``man
    ip-netns``, then ``SYNOPSIS``): what follows it, indented, is the grammar man printed."""
    return any(_HEADING.fullmatch(line) for line in lines)
