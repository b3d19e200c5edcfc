"""Open vSwitch's ``ovs-vsctl``, as far as undoing what a lab's line adds needs it.

``ovs-vsctl [OPTIONS] [--] [OPTIONS] COMMAND [ARGS] [-- [OPTIONS] COMMAND [ARGS]]...``: a
line may chain commands with ``--`` (``add-port br0 p0 -- set Interface p0
type=internal``), each with its own options before it. A port added to a bridge stays in
Open vSwitch's database after the lab's links are gone (hunt DT #4: ``ovs-vsctl add-port
br0 v1`` was a step iplab could not undo). ``ovs-vsctl --if-exists del-port PORT`` takes it
back: found by its name (a port's name is unique in the database), nothing when it is gone
already (its bridge deleted by the tutorial's teardown: the form with the bridge named
fails there, "no bridge named br0"). A port added with ``--may-exist`` may have been there
before the lab: no undo is given for it. A bridge added with ``--may-exist`` that is there
already is left as it is (the model takes the line for nothing; a run, for no bridge of
the lab's when it was there before the line ran: :func:`iplab.lab._there_already`).
"""

from __future__ import annotations

import shlex

from iplab.words import shell_tokens, strip_sudo
from iplab.wrappers import program_name, runs_sudo

__all__ = ["may_exist_bridges", "port_undo", "ports_added"]

#: options of ovs-vsctl whose value may be the next word (``-t 5``, ``--db unix:...``)
_VALUED = frozenset({"-t", "--timeout", "--db", "-f", "--format", "--columns", "--id"})
#: the commands that add a port: ``add-port BRIDGE PORT``, ``add-bond BRIDGE PORT IFACE...``
_ADDING = frozenset({"add-port", "add-bond"})
#: what ends a simple command in a line's tokens
_OPERATORS = frozenset({"|", "||", "&&", ";", "&", ">", ">>", "<", "<<", "<<<", "|&", ">&"})


def ports_added(command: str) -> tuple[str, ...] | None:
    """The ports an ``ovs-vsctl ... add-port BRIDGE PORT`` line adds, in order; None: another
    line, one with shell syntax or a variable, or a port added ``--may-exist``."""
    tokens = shell_tokens(command)
    if not tokens or any(t in _OPERATORS or "$" in t or "`" in t for t in tokens):
        return None
    argv = tuple(tokens)
    if runs_sudo(argv):
        argv = strip_sudo(argv)
    if not argv or program_name(argv[0]) != "ovs-vsctl":
        return None
    ports: list[str] = []
    for segment in _segments(list(argv[1:])):
        options, words = _options(segment)
        if words[:1] and words[0] in _ADDING:
            if "--may-exist" in options or len(words) < 3 or words[2].startswith("-"):
                return None
            ports.append(words[2])
    return tuple(ports) or None


def may_exist_bridges(command: str) -> frozenset[str]:
    """The bridges an ``ovs-vsctl ... --may-exist add-br BRIDGE`` line adds only when they
    are not there (an Open vSwitch bridge of that name there already: the command does
    nothing, exit 0); none for another line (hunt EJ #4: the model refused the second
    ``--may-exist add-br br0`` of a lab as "a name is created twice")."""
    tokens = shell_tokens(command)
    if not tokens or any(t in _OPERATORS or "$" in t or "`" in t for t in tokens):
        return frozenset()
    argv = strip_sudo(tuple(tokens)) if program_name(tokens[0]) == "sudo" else tuple(tokens)
    if not argv or program_name(argv[0]) != "ovs-vsctl":
        return frozenset()
    kept: set[str] = set()
    for segment in _segments(list(argv[1:])):
        options, words = _options(segment)
        if "--may-exist" in options and words[:1] == ["add-br"] and len(words) >= 2:
            kept.add(words[1])
    return frozenset(kept)


def port_undo(port: str) -> str:
    """The line that takes a port an ``add-port`` added back out of Open vSwitch."""
    return f"ovs-vsctl --if-exists del-port {shlex.quote(port)}"


def _segments(args: list[str]) -> list[list[str]]:
    """The commands of one ovs-vsctl line, split at each ``--`` word."""
    out: list[list[str]] = [[]]
    for word in args:
        if word == "--":
            out.append([])
        else:
            out[-1].append(word)
    return [s for s in out if s]


def _options(segment: list[str]) -> tuple[list[str], list[str]]:
    """A command's options (the line's own in its first) and its words."""
    i = 0
    while i < len(segment) and segment[i].startswith("-"):
        i += 2 if segment[i] in _VALUED else 1
    return segment[:i], segment[i:]
