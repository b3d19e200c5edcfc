"""A raw step of the root namespace that names one of the host's own links, found before
anything runs (hunt AF #2-#4, #8).

The ways a line can hand a host link's name to a program that changes it have no end:
``python3 -c "os.system('ip link set eth0 promisc on')"``, ``awk 'BEGIN{system(...)}'``,
``perl -e``, ``echo '...' | at now``, ``expect -c``, ``tmux send-keys``, ``screen -X
stuff``, ``nmcli dev disconnect eth0``, ``ifdown eth0``. Chasing each spelling cannot end,
so the rule is general: before the first step, the run (and the dry run) reads the names of
the host's root-namespace links (:func:`iplab.iproute.read_names`); a raw step naming one
that no step of the lab makes, in any of its words, quoted text split again, is refused.
Where iplab reads the words (``ip``, ``tc``, ``bridge``, ``brctl``, ``ifconfig``,
``ethtool``, ``networkctl``), the links a command changes are those its reading finds (the
model judges them too, but only warns after a raw step of unknown effect: ``ifconfig eth0
promisc`` after ``ifconfig vb0 ... up``). A command that only reads (``ping -I eth0``,
``tcpdump -i eth0``, ``ip link show``, ``ethtool -k``: :func:`iplab.words.reads_only`; a
capture writing a file: :func:`iplab.words.captures_only`), a
firewall rule or a sysctl (the link is a match, or iplab puts the value back), and a
command run in a namespace (``ip netns exec NS``, ``ip -n NS``) are let through; a script
a shell, ``eval``, ``su -c`` or ``watch`` runs, or a shell reads from its input, is read
the same way, and so are the commands ``xargs`` and ``parallel`` run.
:func:`refuse` raises the first such step of a plan, with its file, line and the name.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection, Mapping

from iplab import tcwords
from iplab.handed import PIPED, handed, readings, shell_input
from iplab.model import ModelError
from iplab.plan import Plan
from iplab.steps import Raw
from iplab.unnamed import command_run, links_named, reads_a_script
from iplab.words import captures_only, inside_netns, reads_only, simple_commands
from iplab.wrappers import program_name, script_of

__all__ = ["host_link_named", "refuse", "with_values"]

#: characters no link name iplab's checks care about has: the shell's and the programs'
#: punctuation (``os.system('ip link set eth0 up')``, ``dev=eth0``, ``eth0:0``)
_APART = re.compile(r"[\s'\"`$(){}\[\];|&<>=,:/\\!*?#%^~+]+")
#: programs whose words iplab reads: the links they change are those their words name
#: (:func:`iplab.unnamed.links_named`, :mod:`iplab.tcwords`), wherever they are in them
_LINK_TOOLS = frozenset({"ip", "tc", "bridge", "brctl", "ifconfig", "ethtool", "networkctl"})
#: programs that name a link only as a match, or whose change iplab puts back (a firewall
#: rule, a sysctl)
_MATCHES = frozenset(
    {
        *("iptables", "ip6tables", "iptables-legacy", "iptables-nft", "ip6tables-legacy"),
        *("ip6tables-nft", "nft", "ebtables", "arptables", "sysctl"),
    }
)
#: programs that only test a value or change the shell's own state, beside the readers
#: :func:`iplab.words.reads_only` knows (echo, grep, cat...): a word of theirs that is a
#: link's name changes nothing (``test "$LO" = lo && echo "got $LO"``: the run was
#: refused); a write to /sys/class/net/NAME through one of them is the sentinel's
_TEXT_ONLY = frozenset({"test", "[", "[[", "false", ":", "cd", "read", "date", "logger"})
_DEPTH = 4
#: a shell variable's assignment before a command (or alone): ``NAME=value``
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")


def names_in(text: str) -> set[str]:
    """The words of ``text`` split at the shell's and the programs' punctuation, quoted
    text too, and their parts between dots (``net.ipv4.conf.eth0.rp_filter``)."""
    parts = {p for p in _APART.split(text) if p}
    return parts | {d for p in parts if "." in p for d in p.split(".") if d}


def with_values(command: str, declarations: Mapping[str, str]) -> str:
    """``command`` with each ``$NAME``/``${NAME}`` an earlier step set replaced by its value
    (``declarations``: bash's ``declare -- NAME="value"``, as :func:`iplab.render.reported`
    keeps them), for the checks of a step whose words the lab's run alone knows (hunt AU:
    ``IFACE=$(ip route show default | awk '{print $5}')`` then ``ip link add mv1 link
    $IFACE type macvlan``)."""

    def value(match: re.Match[str]) -> str:
        declaration = declarations.get(match[1] or match[2])
        if declaration is None:
            return match[0]
        try:
            words = shlex.split(declaration.split(" ", 2)[-1])
        except ValueError:
            return match[0]
        return words[0].split("=", 1)[1] if words and "=" in words[0] else match[0]

    return _REFERENCE.sub(value, command)


#: a shell variable's value where a command uses it: ``$NAME``, ``${NAME}``
_REFERENCE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def host_link_named(command: str, host: Collection[str]) -> str | None:
    """The first of ``host`` (the host's own root links) that a command of ``command``
    run in the root namespace names, when that command may change it; None: none."""
    if not names_in(command) & set(host):
        return None  # (nearly every step: no word is a host link's name)
    return _named(command, frozenset(host), 0)


def _named(command: str, host: frozenset[str], depth: int) -> str | None:
    commands = simple_commands(command)
    if commands is None or depth > _DEPTH:
        return _first(names_in(command), host)  # (a script iplab cannot split: every word)
    given = shell_input(command)
    for i, words in enumerate(commands):
        text = given[i] if i < len(given) and given[i] != PIPED else None
        if (found := _stage(list(words), text, host, depth)) is not None:
            return found
    return None


def _stage(words: list[str], text: str | None, host: frozenset[str], depth: int) -> str | None:
    """The host link one simple command names (``text``: what is piped into it)."""
    argv = command_run(words)
    if all(_ASSIGNMENT.match(word) for word in argv):
        # (LO=$(ip -n ns1 -br link show lo | awk ...): an assignment alone runs nothing of
        # its own; the commands of its substitution are simple commands of their own, and
        # a command given the value by a variable is the model's to refuse: iplab.unnamed)
        return None
    if not argv or inside_netns(argv)[0] is not None:
        return None  # (a command run in a namespace: its links are that namespace's)
    if reads_a_script(words) and text is not None:
        return _named(text, host, depth + 1)  # (echo '...' | sh, bash <<< '...')
    if (script := script_of(argv)) is not None:
        return next((f for s in readings(script) if (f := _named(s, host, depth + 1))), None)
    program = program_name(argv[0])
    if program in ("xargs", "parallel"):
        fed = text.split() if text is not None else None
        inner = [_stage(w, None, host, depth + 1) for w in handed(program, argv[1:], fed)]
        return next((f for f in inner if f is not None), None)
    if program in _LINK_TOOLS:
        line = shlex.join(argv)
        named = {*links_named(line), *(d for _, tc in tcwords.commands(line) for d in tc.devices())}
        return _first(named, host)
    if program in _MATCHES or program in _TEXT_ONLY or reads_only(shlex.join(argv)):
        return None
    if captures_only(argv):
        return None
    return _first(names_in(" ".join([*argv, text or ""])), host)


def _first(names: set[str], host: frozenset[str]) -> str | None:
    return min(names & host) if names & host else None


def refuse(plan: Plan, links: Collection[str]) -> None:
    """Raise, before anything runs, for the first raw step (or its undo) of ``plan`` that
    names a link of the host's root namespace (``links``) that the lab does not make."""
    mine = plan.owned.in_root() - plan.owned.adopted
    host = frozenset(links) - mine
    for pc in plan.commands:
        op = pc.command.op
        if pc.skip is not None or not isinstance(op, Raw) or op.in_ns() is not None:
            continue
        for text in (pc.command.body, op.undo or ""):
            if (name := host_link_named(text, host)) is not None:
                step = pc.command.step
                raise ModelError(
                    f"`{text}` names {name}, a link of this host's root namespace that no step"
                    " of the lab makes: run, it may change the host's own link, which no undo"
                    " gives back",
                    step.loc if step is not None else None,
                    f"a lab changes only what its steps make: write the change of a link the"
                    f" lab makes (ip link add NAME type ...) or run it in the lab's namespace"
                    f" (ip netns exec NS ...); a command that only reads may name {name}"
                    " (ip link show, ping -I, tcpdump -i)",
                )
