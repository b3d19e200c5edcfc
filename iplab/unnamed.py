"""A change whose target only the shell knows: ``ip link del $i``, ``xargs -n1 ip link del``,
``tc qdisc del dev {} root``.

Hunt R #2: the sources a cleanup lists links from are endless (``ls /proc/net/dev_snmp6``,
``bridge fdb show``, ``ip maddr``, ``arp -n``, ``tc qdisc show``, ``mapfile < <(...)``, a
glob after ``cd``), and each one iplab did not know let a "delete every veth" line through:
the model said OK, and the line ran unchanged under ``--prefix``, reaching the host's links
and other labs'. So the changes are enumerated instead of the sources: a command of ``ip``,
``tc``, ``bridge``, ``brctl``, ``ifconfig``, ``nmcli`` or ``networkctl`` that changes or
deletes a link, a namespace, a qdisc, class or filter, an address or a bridge port, whose
target is not a word iplab reads as it is (a variable set at run time, a command
substitution, a glob, what ``xargs``/``parallel``/``find -exec`` hand it) is found, through
``sudo``, ``env``, ``timeout``, ``ip netns exec NS`` and ``bash -c``. Hunt Y #1: and
through every spelling of a script (``bash -lc``, ``sh -ec``, ``su -c``, ``runuser -c``,
``eval``, ``watch 'CMD'``, ``busybox``), of ``ip tuntap``/``tunnel``/``macsec``/``xfrm``,
``ethtool -K``, ``nmcli ... id|uuid NAME``; inside ``ip netns exec NS`` a namespace's change
(``sh -c 'ip netns del $x'``), and inside ``ip netns exec $NS`` any change. A variable a ``for``
loop over literal words (or a literal assignment) of the same line sets is literal: the
importer writes the lab's own names so (``for l in veth0 veth1; do ip link del $l; done``).
Pure: words in, what it found out.

Why this module is long: one reading of a line's commands, through wrappers, scripts, fed
input and xargs, serves both questions (a target only the shell names, a root link named by
a literal word: :func:`links_named`); split, the two readings would drift apart.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Sequence
from typing import Literal

from iplab import ipgrammar, ipwords
from iplab.handed import (
    PIPED,
    UNREAD,
    entered_netns,
    fed_words,
    found_exec,
    handed,
    readings,
    shell_input,
)
from iplab.records import Record, frozen
from iplab.words import (
    ETHTOOL_SHOWS,
    inside_netns,
    set_device,
    simple_commands,
)
from iplab.wrappers import SHELLS, program_name, script_of, unwrap_once

__all__ = ["unnamed_change"]

#: where a command runs: the host's namespace; one the line names (only a namespace's
#: change leaves it); one only the shell names (``ip netns exec $NS``: any change may be
#: another lab's)
Scope = Literal["host", "netns", "unknown"]
_HOST: Scope = "host"
_NETNS: Scope = "netns"
_UNKNOWN: Scope = "unknown"


@frozen
class _Seen(Record):
    """What the line says around a command: its literal variables, how deep in scripts
    it is, where it runs."""

    literal: frozenset[str]
    depth: int
    scope: Scope


#: a variable's name where it is used: ``$x``, ``${x}``, ``${x%@*}``, ``${L[@]}``
_USE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
#: a use of anything else: ``$1``, ``$@``, ``$(...)``, ``$((...))``, a backquote
_OTHER_USE = re.compile(r"\$(?![{]?[A-Za-z_])|`")
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[[^]]*\])?\+?=(.*)", re.DOTALL)
#: words that begin a statement and are no program
_KEYWORDS = frozenset({"do", "then", "else", "elif", "if", "while", "until", "!", "{", "time"})

#: the objects of ip whose changing verbs name their target, and where it is
_IP_CHANGES = {
    "link": frozenset({"set", "change", "replace", "delete"}),
    "netns": frozenset({"delete", "set", "attach"}),
    "address": frozenset({"add", "change", "replace", "delete", "flush"}),
    "tuntap": frozenset({"delete"}),
    "tunnel": frozenset({"change", "delete", "prl", "6rd"}),
    "macsec": frozenset({"add", "set", "delete", "offload"}),
}
#: xfrm's changes of a state or policy its selector words name (``ip xfrm state del src
#: $A dst $B proto esp spi $SPI``)
_XFRM_CHANGES = frozenset({"update", "delete", "deleteall", "flush", "set"})
#: nmcli's words that say what kind of name the next word is (``nmcli con del id NAME``)
_NMCLI_KINDS = frozenset({"id", "uuid", "path", "apath", "ifname"})
_TC_OBJECTS = frozenset({"qdisc", "class", "filter", "chain"})
_BRIDGE_OBJECTS = frozenset({"link", "fdb", "mdb", "vlan", "vni"})
_BRCTL_SHOWS = frozenset({"show", "showmacs", "showstp"})
#: brctl's commands whose second word names a port too
_BRCTL_PORTS = frozenset({"addif", "delif", "setpathcost", "setportprio", "hairpin"})
_NMCLI_VALUED = frozenset({"-f", "--fields", "-g", "--get-values", "-e", "--escape"})
_NMCLI_VALUED |= {"-c", "--colors", "-w", "--wait"}
_NETWORKCTL_SHOWS = frozenset({"list", "status", "lldp", "label", "cat"})


def unnamed_change(command: str, depth: int = 0) -> str | None:
    """The first simple command of ``command`` that changes or deletes an object iplab
    cannot name (its words, as written); None: each names what it changes, or changes
    nothing a name says."""
    return _first_unnamed(command, depth, _HOST)


def _first_unnamed(command: str, depth: int, scope: Scope) -> str | None:
    """:func:`unnamed_change` of a script run in ``scope``."""
    commands = simple_commands(command)
    if depth and (depth > 4 or (commands is None and ("$" in command or "`" in command))):
        return command  # (a script run by another, that iplab cannot read: it may)
    if commands is None:
        return None
    literal = _literal_variables(commands)
    fed = fed_words(command)
    given = shell_input(command)
    for i, words in enumerate(commands):
        said = fed[i] if i < len(fed) else None
        script = given[i] if i < len(given) and _reads_a_script(words) else None
        if script == PIPED and ("$" in command or "`" in command):
            return " ".join(words)  # (for l in $(cat f); do echo "ip link del $l"; done | sh)
        if script not in (None, PIPED) and _first_unnamed(script, depth + 1, scope) is not None:
            return " ".join(words)  # (echo "ip link del $IF" | sh, bash <<< "...")
        if _unnamed(list(words), _Seen(literal, depth, scope), said):
            said = list(words)
            while said[:1] and said[0] in _KEYWORDS:
                said = said[1:]
            return " ".join(said)
    return None


def made_on(command: str) -> bool:
    """``command`` (a simple command, as :func:`unnamed_change` says it) is an ``ip link
    add`` whose unnamed words are the link it is made on (``link $(...)``, ``dev $NIC``)."""
    argv = _unwrapped(command.split())
    said = ipwords.verb_of("ip", argv[1:]) if argv and program_name(argv[0]) == "ip" else None
    return said is not None and said.obj == "link" and said.verb == "add"


def links_named(command: str, depth: int = 0) -> list[str]:
    """The links the commands of ``command`` change by a literal name, in the namespace the
    command runs in, past wrappers (``timeout 5 ip link del eth0``: eth0; not what ``ip -n
    NS``, ``ip netns exec NS`` or nsenter reach, nor a namespace's name, nor a link one of
    them makes: ``ip link add x ...; ip link set x up``). Hunt AF #2-#4: also inside the
    script a shell, ``eval``, ``su -c``, ``watch`` or ``script -c`` runs or a shell reads
    from its input, what ``xargs``/``parallel`` are handed as literal words, and the links
    of ``ifconfig``, ``ethtool``, ``bridge`` and every ip object that names one with ``dev``
    (``ip neigh replace``, ``ip maddr``, ``ip token``, ``ip link property``)."""
    out: list[str] = []
    made: set[str] = set()
    if depth > 4:
        return out
    commands = simple_commands(command) or []
    fed = fed_words(command)
    given = shell_input(command)
    for i, words in enumerate(commands):
        script = given[i] if i < len(given) and _reads_a_script(words) else None
        if script not in (None, PIPED):
            out += [n for n in links_named(script, depth + 1) if n not in made]
        said = fed[i] if i < len(fed) else None
        out += [n for n in _named_by(list(words), said, made, depth) if n not in made]
    return out


def _named_by(argv: list[str], fed: list[str] | None, made: set[str], depth: int) -> list[str]:
    """:func:`links_named` of one simple command (``fed``: the literal words piped in);
    the links an ``ip link add`` of it makes go to ``made``."""
    argv = _unwrapped(argv)
    if not argv or inside_netns(argv)[0] is not None:
        return []
    program = program_name(argv[0])
    if program in ("xargs", "parallel"):
        inner = handed(program, argv[1:], fed)
        return [n for words in inner for n in _named_by(words, None, made, depth)]
    if (script := script_of(argv)) is not None:
        return links_named(script, depth + 1)
    said = ipwords.verb_of(program, argv[1:]) if program == "ip" else None
    if said is not None and said.obj in _MAKES_LINKS and said.verb == "add":
        # (ip link add x ...; ip tuntap add dev rtap mode tap: makes rtap, which was read as
        # a change of a link the host has, and a lab of open-world spellings was refused)
        # the link it is made on is changed too (hunt AU: ip link add mv1 link $IFACE type
        # macvlan, IFACE the host's eth0 when the lab ran, hangs the lab on the host's NIC)
        lower = ipgrammar.lower_devices(shlex.join(argv)) if said.obj == "link" else ()
        names = {argv[i + 1] for i, w in enumerate(argv[:-1]) if w in ("name", "add", "dev")}
        made.update(names - set(lower))
        return [n for n in lower if n not in made and _plain(n, frozenset())]
    if program == "brctl" and argv[1:2] == ["addbr"]:
        made.update(argv[2:3])  # (brctl addbr b0: makes b0)
        return []
    targets = _link_targets(program, argv[1:]) or []
    return [t for t in targets if _plain(t, frozenset())]


#: ip objects whose ``add`` makes the link it names (``dev NAME``, ``name NAME``)
_MAKES_LINKS = frozenset({"link", "tuntap", "tunnel", "l2tp", "macsec"})


def _link_targets(program: str, args: list[str]) -> list[str] | None:
    """The links a command of the root namespace changes by their names (see links_named:
    tc's are read by iplab.tcwords); None: it changes none."""
    if program == "ifconfig":  # (ifconfig eth0:0 10.0.0.1 up: eth0's alias)
        named = _targets(program, args, frozenset())
        return [n.split(":", 1)[0] for n in named] if named else None
    if program in ("ethtool", "brctl", "networkctl"):
        return _targets(program, args, frozenset())
    if program not in ("ip", "bridge"):
        return None
    said = ipwords.verb_of(program, args)
    if said.shows or said.batch or said.obj in (None, "netns"):
        return None
    if (ns := _netns_option(program, args)) and all(_plain(n, frozenset()) for n in ns):
        return None  # (ip -n NS ...: in a namespace it names, the change stays there)
    rest = list(said.rest)
    if program == "ip" and said.obj == "link":
        if set_device(said) is not None:
            return None  # (ip link set eth0, nothing after it: ip changes nothing, hunt EJ)
        if said.verb not in _IP_CHANGES["link"]:
            return _valued(rest, "dev") if said.verb == "property" else None
        named = _valued(rest, "dev") or [w for w in rest[:1] if w not in ("group", "type")]
        return named + _valued(rest, "name") + _valued(rest, "master")
    if program == "ip" and said.obj == "address" and said.verb == "flush":
        return _valued(rest, "dev") or rest[:1]
    return _valued(rest, "dev")


def _literal_variables(commands: list[list[str]]) -> frozenset[str]:
    """The variables the line sets to literal words only: ``for l in veth0 veth1``,
    ``IF=veth0``; a variable it also sets otherwise (``read``, ``mapfile``, ``$(...)``,
    a glob's loop) is not."""
    literal: set[str] = set()
    other: set[str] = set()
    for words in commands:
        for i, word in enumerate(words):
            if word in ("for", "select") and i + 1 < len(words):
                name, rest = words[i + 1], words[i + 2 :]
                plain = rest[:1] == ["in"] and all(not UNREAD.search(w) for w in rest[1:])
                (literal if plain and len(rest) > 1 else other).add(name)
        for name, value in _assignments(words):
            (other if UNREAD.search(value) else literal).add(name)
        if words[0] in ("read", "mapfile", "readarray", "getopts", "let", "printf"):
            other.update(w for w in words[1:] if not w.startswith("-"))
    return frozenset(literal - other)


def _assignments(words: list[str]) -> list[tuple[str, str]]:
    """``X=1 Y=$(...) cmd``, ``local X=1``, ``export X=1``: (name, value) of each."""
    skip = {"local", "export", "declare", "typeset", "readonly"}
    out: list[tuple[str, str]] = []
    for word in words:
        if word in skip or (word.startswith("-") and out == []):
            continue
        found = _ASSIGNMENT.fullmatch(word)
        if found is None:
            if word not in skip:
                break
            continue
        out.append((found[1], found[2]))
    return out


def _plain(word: str, literal: frozenset[str]) -> bool:
    """The shell hands ``word`` to the program as written (its variables set to literal
    words on the same line count as written)."""
    if _OTHER_USE.search(word) or any(name not in literal for name in _USE.findall(word)):
        return False
    return not UNREAD.search(_USE.sub("", re.sub(r"\$\{[^}]*\}", "", word)))


def _reads_a_script(words: Sequence[str]) -> bool:
    """A shell that reads its script from its input (``sh``, ``sudo bash -s``; not ``bash
    -c S``, ``bash FILE``)."""
    argv = _unwrapped(list(words))
    if not argv or program_name(argv[0]) not in SHELLS or script_of(argv) is not None:
        return False
    if "-s" in argv[1:]:
        return True  # (bash -s -- a b: the script from its input, a b its arguments)
    return not [w for w in argv[1:] if not w.startswith(("-", "+"))]


def _unnamed(argv: list[str], seen: _Seen, fed: list[str] | None = None) -> bool:
    """``argv`` (a simple command) changes an object its words do not name (``fed``: the
    literal words piped into it)."""
    argv = _unwrapped(argv)
    if not argv:
        return False
    program = program_name(argv[0])
    if program in ("xargs", "parallel"):
        return any(_unnamed(inner, seen) for inner in handed(program, argv[1:], fed))
    if program == "find":
        return any(_unnamed(inner, seen) for inner in found_exec(argv[1:]))
    if (script := script_of(argv)) is not None:
        return any(_first_unnamed(s, seen.depth + 1, seen.scope) for s in readings(script))
    ns, inner = inside_netns(argv)
    if ns is None and program == "ip" and argv[1:3] == ["vrf", "exec"] and len(argv) > 4:
        return _unnamed(argv[4:], seen)  # (ip vrf exec VRF CMD: CMD, in the same namespace)
    if ns is not None:
        # in a namespace it names, a link's change stays there; a namespace's does not; in
        # one only the shell names, any change may reach another lab's
        scope = seen.scope if seen.scope != _HOST else _NETNS
        scope = scope if _plain(ns, seen.literal) else _UNKNOWN
        return _unnamed(inner, dataclasses.replace(seen, scope=scope))
    targets = _targets(program, argv[1:], seen.literal)
    if seen.scope == _UNKNOWN or _in_unnamed_netns(program, argv[1:], seen.literal):
        return targets is not None
    if seen.scope == _NETNS and not _changes_netns(program, argv[1:]):
        return False
    return targets is not None and not all(_plain(t, seen.literal) for t in targets)


def _in_unnamed_netns(program: str, args: list[str], literal: frozenset[str]) -> bool:
    """``ip -n "$NS"``, ``ip -netns $NS``, ``ip --netns=$NS``: a namespace only the shell
    names, where any change may reach another lab's, as in ``ip netns exec $NS`` (hunt AF
    #7: ``ip -n "$NS" link del eth0`` passed, the change confined by a name no one read)."""
    if program not in ("ip", "tc", "bridge"):
        return False
    return any(not _plain(ns, literal) for ns in _netns_option(program, args))


def _changes_netns(program: str, args: list[str]) -> bool:
    """A namespace's change (the namespaces of /run/netns are the host's, whichever
    namespace runs ip)."""
    said = ipwords.verb_of(program, args) if program == "ip" else None
    return said is not None and said.obj == "netns" and said.verb in _IP_CHANGES["netns"]


def _unwrapped(argv: list[str]) -> list[str]:
    """The command the shell's keywords, assignments and wrappers (``sudo``, ``env``,
    ``timeout 5``...) run."""
    while argv:
        if argv[0] in _KEYWORDS or (_ASSIGNMENT.fullmatch(argv[0]) and len(argv) > 1):
            argv = argv[1:]
        elif script_of(argv) is not None:
            return argv  # (watch WORDS: a script, see script_of)
        elif (entered := entered_netns(argv)) is not None:
            return entered  # (as ip netns exec NS CMD: see _nsenter)
        elif program_name(argv[0]) == "busybox" and len(argv) > 1:
            argv = argv[1:]  # (busybox ip link del $IF: its applet ip)
        elif (inner := unwrap_once(argv)) is not None:
            argv = inner
        else:
            return argv
    return argv


def _after_options(args: list[str], valued: frozenset[str]) -> list[str]:
    i = 0
    while i < len(args) and (args[i].startswith("-") or _ASSIGNMENT.fullmatch(args[i])):
        if args[i] == "--":
            return args[i + 1 :]
        i += 2 if args[i] in valued else 1
    return args[i:]


def _targets(program: str, args: list[str], literal: frozenset[str]) -> list[str] | None:
    """The words that name what the command changes (a link, a namespace, a qdisc's link,
    a bridge, a port); None: it changes none of these."""
    if program in ("ip", "tc", "bridge"):
        return _iproute_targets(program, args, literal)
    if program == "brctl":
        words = [a for a in args if not a.startswith("-")]
        if not words or words[0] in _BRCTL_SHOWS:
            return None
        return words[1:3] if words[0] in _BRCTL_PORTS else words[1:2]
    if program == "ifconfig":
        words = [a for a in args if not a.startswith("-")]
        return words[:1] if len(words) > 1 else None  # (ifconfig eth0: shown)
    if program == "nmcli":
        words = _after_options(args, _NMCLI_VALUED)
        if len(words) < 3 or any(v.startswith(words[1]) for v in ("show", "status", "add")):
            return None  # (nmcli c s NAME: shown; nmcli con add: made, with its options)
        return words[3:4] if words[2] in _NMCLI_KINDS else words[2:3]
    if program == "ethtool":  # ethtool -K DEV ...: a change of DEV; ethtool DEV: shown
        options = [a for a in args if a.startswith("-")]
        if not options or (len(options) == 1 and options[0] in ETHTOOL_SHOWS):
            return None
        return [a for a in args if not a.startswith("-")][:1]
    if program == "networkctl":
        words = [a for a in args if not a.startswith("-")]
        if not words or words[0] in _NETWORKCTL_SHOWS:
            return None
        return words[1:]
    return None


def _iproute_targets(program: str, args: list[str], literal: frozenset[str]) -> list[str] | None:
    said = ipwords.verb_of(program, args)
    ns = _netns_option(program, args)
    if program == "ip" and said.obj == "xfrm" and not said.batch:
        # (ip xfrm state del src $A ...: the selector's words name the state)
        changes = any(ipwords.matches(w, v) for w in said.rest[:1] for v in _XFRM_CHANGES)
        confined = ns and all(_plain(n, literal) for n in ns)
        return list(said.rest[1:]) if changes and not confined else None
    if said.verb is None or said.batch or said.obj is None:
        return None  # (a batch file: judged line by line, see iplab.batchfiles)
    rest = list(said.rest)
    if program == "ip" and said.obj == "link" and said.verb == "add":
        # the link it is made on (hunt AU: link $(ip route show default | awk ...), dev
        # $NIC of a vxlan: the host's NIC, named only as it runs)
        typed = rest.index("type") if "type" in rest else len(rest)
        after = rest[typed + 1 :]
        after = after[: after.index("peer")] if "peer" in after else after
        named = _valued(rest[:typed], "link") + _valued(after, "dev")
        if not named:
            return None
    elif program == "ip":
        verbs = _IP_CHANGES.get(said.obj)
        if verbs is None or said.verb not in verbs:
            return None
        if said.obj in ("netns", "macsec"):
            named = rest[:1]
        elif said.obj in ("tuntap", "tunnel"):
            named = _valued(rest, "dev") + _valued(rest, "name") or rest[:1]
        elif said.obj == "address":
            named = _valued(rest, "dev") or ([] if said.verb != "flush" else rest[:1])
        else:
            named = _valued(rest, "dev") or [w for w in rest[:1] if w not in ("group", "type")]
            named += _valued(rest, "name") + _valued(rest, "master")
    elif program == "tc":
        if said.obj not in _TC_OBJECTS or said.verb in ipwords.SHOW_VERBS:
            return None
        named = _valued(rest, "dev")
    else:
        if said.obj not in _BRIDGE_OBJECTS or said.verb in ipwords.SHOW_VERBS:
            return None
        named = _valued(rest, "dev")
    if ns and all(_plain(n, literal) for n in ns) and said.obj != "netns":
        return []  # (ip -n NS link del $l: in a namespace it names, the change stays there)
    return named


def _valued(words: Sequence[str], key: str) -> list[str]:
    """The word after each ``key`` (``dev X``)."""
    return [words[i + 1] for i in range(len(words) - 1) if words[i] == key]


def _netns_option(program: str, args: list[str]) -> list[str]:
    """The namespace of ``-n NS``/``-netns NS`` among the tool's options."""
    out: list[str] = []
    for i, word in enumerate(args):
        if not word.startswith("-"):
            break
        if word == "-n" or (len(word) > 2 and ipwords.matches(word.lstrip("-"), "netns")):
            out += args[i + 1 : i + 2]
        elif "=" in word and ipwords.matches(word.lstrip("-").split("=", 1)[0], "netns"):
            out.append(word.split("=", 1)[1])  # (--netns=NS)
    return out


def command_run(argv: list[str]) -> list[str]:
    """The command a simple command runs past the shell's keywords, its assignments and
    wrappers (``sudo``, ``timeout 5``, ``nsenter --net=/run/netns/NS``: as ``ip netns exec
    NS``); a script's runner (``bash -c S``, ``watch``) stays."""
    return _unwrapped(argv)


def reads_a_script(words: Sequence[str]) -> bool:
    """A shell that reads its script from its input (``sh``, ``sudo bash -s``)."""
    return _reads_a_script(words)
