"""A line of a root shell's block (``# ip netns add ns1``, Red Hat's style): a command typed
at the ``# `` prompt, or the author's comment, which looks the same.

Hunt R: ``# create 2 namespaces`` and ``# step 3: set /etc/hosts entries later`` became
steps (a digit, a slash or a colon was enough), and ``# bring both ends up (takes 2
seconds)`` a command iplab could not import. The rule: a line is a command when its first
word is a program iplab knows or this host has, or it carries options; a line that reads
as a sentence is a comment; a line that may be either is a comment, said in a warning (a
comment run, ``# reboot -f if anything is stuck``, is worse than a command left out).
"""

from __future__ import annotations

import re
import shlex
import shutil
from typing import Literal

from iplab.importer.prose import is_sentence

Verdict = Literal["command", "comment", "either"]

#: a program's name as a root prompt's line starts with it (no path: ``which`` looks it up)
_PROGRAM_NAME = re.compile(r"[a-z][a-z0-9_.+-]*")
#: an option: ``-f``, ``-rf``, ``-4``, ``--all``, ``--table=nat``
_OPTION = re.compile(r"--?[A-Za-z0-9][\w.=,:/-]*")
#: words of English no network command takes as an argument (``if``, ``in``, ``to``, ``on``,
#: ``a`` are left out: a shell's or iproute2's own words, ``ip a``)
_ENGLISH = frozenset({
    "the", "you", "your", "me", "my", "with", "it", "is", "are", "was", "we", "our", "us",
    "will", "would", "should", "could", "this", "that", "these", "those", "because",
    "please", "just", "when", "what", "which", "who", "anything", "everything", "something",
    "nothing", "have", "has", "not", "can", "be", "but", "they", "them", "their", "both",
    "later", "first", "once", "here", "there", "again", "of", "an", "now", "next",
})  # fmt: skip
#: more words of a comment, for a line that has no program nor option to go by
_COMMENT_WORDS = frozenset({"a", "to", "for", "and", "or", "in", "on", "at", "then"})
#: programs whose arguments are words to print (``echo this is it``): never a sentence
_SAYS = frozenset({"echo", "printf", "logger", "wall"})
#: the package managers a page installs its tools with in a shell it opened (``# apt-get
#: install -y iperf3`` in ``ip netns exec ns bash``): programs, whether this host has them
#: or not (hunt BD #3: on a host without them the line depended on the host)
INSTALLERS = frozenset({"apt-get", "apt", "yum", "dnf", "apk", "zypper", "pacman", "opkg"})


def verdict(rest: str, known: bool) -> Verdict:
    """What ``# REST`` is in a root shell's block; ``known``: its first word is a program
    iplab knows (or it sets a variable, ``# C1=$!``)."""
    try:
        words = shlex.split(rest)
    except ValueError:
        words = rest.split()
    if not words:
        return "comment"
    first = words[0]
    program = (
        known
        or first in INSTALLERS
        or (_PROGRAM_NAME.fullmatch(first) is not None and shutil.which(first))
    )
    options = any(_OPTION.fullmatch(w) for w in words[1:])
    plain = {w.strip("(),.;:!?'\"").lower() for w in words[1:]}
    english = first not in _SAYS and (is_sentence(rest) or bool(plain & _ENGLISH))
    if program or options:
        return "either" if english else "command"
    return "comment" if english or plain & _COMMENT_WORDS else "either"
