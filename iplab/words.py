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


def plain_words(command: str) -> list[str] | None:
    """A command's words, as the shell splits them; None when it uses shell syntax (what it
    does is then the shell's business, not its words') or cannot be split."""
    if SHELL_SYNTAX.search(command):
        return None
    try:
        return shlex.split(command)
    except ValueError:
        return None


def reads_only(command: str) -> bool:
    """A command (without sudo) that only shows state, by what its words say.

    Conservative: anything unknown, and anything using shell syntax, changes state.
    """
    argv = plain_words(command)
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


# -- changes whose inverse the words say -------------------------------------------------------

#: iptables' options that take a value (the rule's words are kept as they are)
_IPT_COMMANDS = {"-A": "-D", "--append": "-D", "-I": "-D", "--insert": "-D", "-N": "-X"}
_IPT_COMMANDS |= {"--new-chain": "-X"}


def known_undo(command: str) -> str | None:
    """The command that undoes ``command`` when its words alone say it (None otherwise):

    * ``iptables``/``ip6tables`` ``-A CHAIN RULE`` and ``-I CHAIN [N] RULE`` -> ``-D CHAIN
      RULE`` (same table, same rule: iptables deletes the first rule that matches it);
    * ``-N CHAIN`` -> ``-X CHAIN``.

    A table's policy (``-P``), a flush (``-F``) or anything through shell syntax has no
    inverse in its words: None.
    """
    argv = plain_words(command)
    if not argv or argv[0] not in ("iptables", "ip6tables"):
        return None
    verbs = [i for i, word in enumerate(argv) if word in _IPT_COMMANDS or word in _IPT_WRITE]
    if len(verbs) != 1 or argv[verbs[0]] not in _IPT_COMMANDS or verbs[0] + 1 >= len(argv):
        return None
    at = verbs[0]
    verb, chain, rest = argv[at], argv[at + 1], argv[at + 2 :]
    if verb in ("-I", "--insert") and rest[:1] and rest[0].isdigit():
        rest = rest[1:]  # the position: -D matches the rule, not its place
    if _IPT_COMMANDS[verb] == "-X" and rest:
        return None
    return shlex.join([*argv[:at], _IPT_COMMANDS[verb], chain, *rest])


#: programs whose changes stay inside the network namespace they run in
_NETNS_SCOPED = frozenset(
    {"ip", "tc", "bridge", "iptables", "ip6tables", "iptables-restore", "ip6tables-restore"}
    | {"nft", "ethtool", "arp", "route", "ifconfig"}
)


def netns_scoped(command: str) -> bool:
    """A command whose every change stays inside the network namespace it runs in (its
    rules, routes, links, ``net.*`` sysctls): deleting the namespace undoes it. Files and
    anything through shell syntax are not: False."""
    argv = plain_words(command)
    if not argv:
        return False
    if argv[0] == "sysctl":
        keys = [a.split("=", 1)[0] for a in argv[1:] if not a.startswith("-")]
        files = {"-p", "--load", "--system", "-f"} & set(argv[1:])
        return bool(keys) and not files and all(k.startswith(("net.", "net/")) for k in keys)
    return argv[0] in _NETNS_SCOPED
