"""A command that has the host's network manager change the host's network (hunt AK #1).

Ubuntu and Arch pages set a lab up beside the host's own configuration: ``sudo netplan
apply``, ``nmcli connection modify "Wired connection 1" ipv4.dns ...``, ``systemctl restart
systemd-networkd``, ``systemctl reload NetworkManager``, ``networkctl reload``. Each was
said as a step iplab cannot undo, then run: what it changes is the host's configuration,
on disk and in a daemon, which no undo gives back; only a program missing on the host kept
the run from starting. From a namespace too (``ip netns exec NS nmcli ...``): the client
talks to the host's daemon over D-Bus or its socket, which a network namespace does not
part. :func:`reconfigures_the_host` finds such a command; the model refuses its step.

A change of one device (``nmcli device set veth-h managed no``, ``networkctl down LINK``,
``resolvectl dns LINK ...``) is left to the checks of the links a step names (a link the
lab makes goes with it; the host's own is refused by :mod:`iplab.hostnamed`).
"""

from __future__ import annotations

import shlex

from iplab.words import each_run, positionals
from iplab.wrappers import program_name, script_of

__all__ = ["reconfigures_the_host"]

#: the host's network daemons, as systemctl and service name their units
_DAEMONS = frozenset(
    {
        *("NetworkManager", "systemd-networkd", "systemd-resolved", "networking", "network"),
        *("netplan", "wpa_supplicant", "dhcpcd", "connman", "iwd", "systemd-networkd.socket"),
        "network-manager",  # (Debian's and older Ubuntu's name: service network-manager ...)
    }
)
#: systemctl's verbs that change a unit (``status``, ``show``, ``is-active`` only read)
_UNIT_CHANGES = frozenset(
    {
        *("start", "stop", "restart", "reload", "try-restart", "reload-or-restart"),
        *("try-reload-or-restart", "condrestart", "force-reload", "enable", "disable"),
        *("mask", "unmask", "kill", "reenable", "preset"),
    }
)
#: netplan's verbs that only read
_NETPLAN_READS = frozenset({"get", "info", "status", "help", "--help", "-h"})
#: nmcli's options that take the next word as their value
_NMCLI_VALUED = frozenset({"-f", "--fields", "-g", "--get-values", "-e", "--escape"})
_NMCLI_VALUED |= {"-c", "--colors", "-w", "--wait", "-m", "--mode"}


def reconfigures_the_host(command: str, depth: int = 0) -> str | None:
    """The simple command of ``command`` (as written, past ``sudo``, wrappers, ``ip netns
    exec NS`` and a shell's ``-c`` script: ``sudo bash -c 'netplan apply'``) that has the
    host's network manager change the host's configuration; None: none does."""
    for argv in each_run(command):
        script = script_of(argv) if depth < 4 else None
        if script is not None and (found := reconfigures_the_host(script, depth + 1)):
            return found
        if argv and _changes(program_name(argv[0]), argv[1:]):
            return shlex.join(argv)
    return None


def _changes(program: str, args: list[str]) -> bool:
    positional = [a for a in args if not a.startswith("-")]
    if program == "netplan":
        return not positional or positional[0] not in _NETPLAN_READS
    if program == "systemctl":
        return _unit_change(positional)
    if program == "service":  # service NetworkManager restart
        return len(positional) >= 2 and positional[0] in _DAEMONS and positional[1] != "status"
    if program == "networkctl":
        return positional[:1] == ["reload"]
    if program == "nmcli":
        return _nmcli_change(args)
    return False


def _unit_change(words: list[str]) -> bool:
    """``systemctl restart systemd-networkd``, ``systemctl reload NetworkManager.service``."""
    if not words or words[0] not in _UNIT_CHANGES:
        return False
    units = {w.removesuffix(".service") for w in words[1:]}
    return bool(units & _DAEMONS)


def _nmcli_change(args: list[str]) -> bool:
    """``nmcli con modify ...``, ``nmcli c up br0``, ``nmcli networking off``, ``nmcli radio
    wifi off``, ``nmcli general hostname NAME``; not ``nmcli c s``, ``nmcli general
    status``, ``nmcli radio``, nor ``nmcli device ...`` (a device: its links' checks).
    nmcli takes a word's start (``c``, ``con``, ``n``; ``m`` is modify before monitor)."""
    words = positionals(args, _NMCLI_VALUED)
    if not words:
        return False
    what, rest = words[0], words[1:]
    if "connection".startswith(what):
        verb = rest[0] if rest else "show"
        shown = "show".startswith(verb) or (len(verb) > 1 and "monitor".startswith(verb))
        return not shown
    if "networking".startswith(what):
        return bool(rest) and rest[0] in ("on", "off")
    if "radio".startswith(what):
        return len(rest) >= 2  # nmcli radio wifi off (nmcli radio wifi: shown)
    if "general".startswith(what) and rest:
        sets = len(rest) > 1 and ("hostname".startswith(rest[0]) or rest[0] == "logging")
        return sets or rest[0] == "reload"
    return False
