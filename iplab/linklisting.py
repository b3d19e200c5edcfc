"""``ip -br link | awk ... | xargs ip link del``: a listing of every link of a namespace.

A tutorial cleans up by name pattern: ``ip -br link | awk '/^veth/ {print $1}' | xargs -n1
ip link del``, ``for l in $(ls /sys/class/net | grep br-); do ip link del $l; done``.
Run as written, the listing holds every link of the host (other labs', containers',
the host's own), and whatever matches the pattern goes. The importer reads such a
listing as the links the lab made in that namespace (:mod:`iplab.importer.listing`
filters the lines :func:`lines` writes for them); a raw command that still hands a
listing of links on to another command is refused by the model
(:func:`lists_every_link`; the other ways to read the names, ``/proc/net/dev``, a glob of
``/sys/class/net``, ``ifconfig -a``..., are :mod:`iplab.linksources`'s), and so is ``ip
link del group 0`` (every link of the host in that group: :func:`reaches_every_link`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from iplab import linksources
from iplab.records import Record, frozen
from iplab.words import shell_tokens
from iplab.wrappers import program_name, runs_sudo

if TYPE_CHECKING:
    from iplab.state import Link

__all__ = ["LinkListing", "lines", "listing_of_links", "lists_every_link", "reaches_every_link"]


@frozen
class LinkListing(Record):
    """What a listing command lists, as the words say."""

    #: the words as written (for messages)
    said: str
    #: ``-n NS`` or ``ip netns exec NS``: its namespace; None where the command runs
    ns: str | None
    #: "link" or "address"
    what: str
    #: "plain", "brief" (``-br``), "oneline" (``-o``), "names" (``ls /sys/class/net``);
    #: "" a form iplab does not write (``-j``, ``-d``, ``-s``, ``group G``...)
    form: str
    #: ``type T``, ``master M``, ``up``: the links shown
    kind: str | None = None
    master: str | None = None
    up: bool = False


_SYS_CLASS_NET = "/sys/class/net"
#: ip's global options that take a value (ip/ip.c; ``-n`` is ``-netns``)
_IP_VALUED = ("-loops", "-family", "-rcvbuf", "-batch")


def _abbreviates(word: str, full: str, least: int = 1) -> bool:
    """iproute2's ``matches()``: ``word`` is a prefix of ``full``, at least ``least`` long."""
    return least <= len(word) <= len(full) and full.startswith(word)


def listing_of_links(argv: Sequence[str], ns: str | None = None) -> LinkListing | None:
    """``argv`` when it lists every link of a namespace (``ip [-br|-o] link [show]``,
    ``ip -n NS addr``, ``ip netns exec NS ip link``, ``ls /sys/class/net``, after ``sudo``
    or not); None: another command (``ip link show dev X`` names its link)."""
    words = list(argv[1:] if runs_sudo(argv) else argv)
    if not words:
        return None
    if program_name(words[0]) == "ls":
        dirs = [w for w in words[1:] if not w.startswith("-")]
        if len(dirs) != 1 or dirs[0].rstrip("/") != _SYS_CLASS_NET:
            return None
        plain = {w for w in words[1:] if w.startswith("-")} <= {"-1"}
        return LinkListing(" ".join(words), ns, "link", "names" if plain else "")
    if program_name(words[0]) != "ip":
        return None
    form, j = "plain", 1
    while j < len(words) and words[j].startswith("-") and len(words[j]) > 1:
        opt = words[j][1:] if words[j].startswith("--") else words[j]
        if (opt == "-n" or _abbreviates(opt, "-netns", 3)) and j + 1 < len(words):
            ns, j = words[j + 1], j + 2
            continue
        if _abbreviates(opt, "-brief", 3):
            form = "brief" if form in ("plain", "brief") else ""
        elif _abbreviates(opt, "-oneline", 2):
            form = "oneline" if form in ("plain", "oneline") else ""
        elif opt not in ("-4", "-6", "-0"):
            form = ""  # -j, -d, -s, -c...: lines iplab does not write
        j += 2 if any(_abbreviates(opt, o, 2) for o in _IP_VALUED) else 1
    rest = words[j:]
    if len(rest) > 3 and _abbreviates(rest[0], "netns", 3) and rest[1] == "exec":
        return listing_of_links(rest[3:], rest[2])
    if rest and _abbreviates(rest[0], "link"):
        what = "link"
    elif rest and _abbreviates(rest[0], "address"):
        what = "address"
    else:
        return None
    return _selected(LinkListing(" ".join(words), ns, what, form), rest[1:])


def _selected(listing: LinkListing, rest: list[str]) -> LinkListing | None:
    """The listing with what ``show up type veth master br0`` keeps; None: it names one
    link (``show dev X``, ``show X``) or is not a listing (``set``, ``del``...)."""
    verbs = ("show", "list")
    if rest and (rest[0] in ("lst", "ls") or any(_abbreviates(rest[0], v, 2) for v in verbs)):
        rest = rest[1:]
    fields: dict[str, str] = {}
    up, i = False, 0
    while i < len(rest):
        word = rest[i]
        if word == "up":
            up, i = True, i + 1
        elif word in ("type", "master", "group", "vrf", "scope", "label", "to") and i + 1 < len(
            rest
        ):
            fields[word], i = rest[i + 1], i + 2
        else:
            return None  # dev X, a device's name, a verb: not every link
    form = listing.form if set(fields) <= {"type", "master"} else ""
    return LinkListing(
        listing.said, listing.ns, listing.what, form, fields.get("type"), fields.get("master"), up
    )


# -- the listing's lines, for the lab's links ---------------------------------------------------


def lines(listing: LinkListing, links: Sequence[Link], here: str) -> list[str] | None:
    """The lines ``listing`` prints for ``links`` (the lab's, in namespace ``here``), close
    to what ip prints: a filter after it (``awk '/^veth/ {print $1}'``, ``cut -d@ -f1``)
    reads them as it would the host's. None: a form iplab does not write."""
    shown = [
        link
        for link in links
        if (listing.kind is None or link.kind == listing.kind)
        and (listing.master is None or link.master == listing.master)
        and (link.up or not listing.up)
    ]
    if listing.form == "names":
        return sorted(link.name for link in shown)
    out: list[str] = []
    for index, link in enumerate(shown, start=1):
        label = link.name + _at(link, here)
        state = link.operstate or ("UNKNOWN" if link.kind == "loopback" and link.up else "")
        state = state or ("UP" if link.up else "DOWN")
        flags = _flags(link)
        if listing.form == "brief":
            tail = f"{link.mac or _mac(index)} <{flags}>"
            if listing.what == "address":
                tail = " ".join(link.addresses)
            out.append(f"{label:<16} {state:<14} {tail}".rstrip())
            continue
        head = f"{index}: {label}: <{flags}> mtu {link.mtu or 1500} state {state}"
        ether = f"    link/ether {link.mac or _mac(index)} brd ff:ff:ff:ff:ff:ff"
        inets = [f"    {_family(a)} {a} scope global {link.name}" for a in link.addresses]
        if listing.form == "oneline" and listing.what == "link":
            out.append(head + " \\" + ether)
        elif listing.form == "oneline":
            out += [f"{index}: {link.name}{inet[3:]}" for inet in inets]
        elif listing.form == "plain":
            out += [head, ether, *(inets if listing.what == "address" else [])]
        else:
            return None
    return out


def _at(link: Link, here: str) -> str:
    """``@peer`` of a veth, ``@lower`` of a vlan or macvlan; ``@ifN`` when it is elsewhere."""
    if link.peer is not None:
        return f"@{link.peer}" if link.peer_ns in (None, here) else "@if1"
    if link.lower is not None:
        return f"@{link.lower.name}"
    return ""


def _flags(link: Link) -> str:
    flags = ["LOOPBACK"] if link.kind == "loopback" else ["BROADCAST", "MULTICAST"]
    return ",".join(flags + (["UP", "LOWER_UP"] if link.up else []))


def _mac(index: int) -> str:
    return f"02:00:00:00:00:{index % 256:02x}"


def _family(address: str) -> str:
    return "inet6" if ":" in address else "inet"


# -- a raw command that hands the listing on ----------------------------------------------------

#: programs that print what they read, or part of it (a pipeline of these hands the names on)
_FILTERS = frozenset(
    {"grep", "egrep", "fgrep", "awk", "gawk", "mawk", "cut", "sort", "uniq", "head", "tail"}
    | {"tr", "sed", "tac", "column", "cat", "tee"}
)


def lists_every_link(command: str) -> str | None:
    """The listing, when a shell command hands the names of every link of a namespace to
    another command (``ip -br link | awk '/^v/ {print $1}' | xargs -n1 ip link del``,
    ``for l in $(ls /sys/class/net); do ...``, ``ip link | while read ...``); found also in
    a quoted ``bash -c`` script. None: it does not (a listing shown, counted with ``wc -l``
    or tested with ``grep -q``)."""
    stages = _stages(command)
    if stages is None:
        return None
    for k, (_sep, words, depth, scripts) in enumerate(stages):
        for script in scripts:
            if said := lists_every_link(script):
                return said
        found = _listing_in(words)
        said = found.said if found is not None else linksources.source_in(words)
        if said is not None and (_fed(words) or _handed_on(stages, k, depth)):
            return said
    return None


def _fed(words: list[str]) -> bool:
    """The names go to the command of the stage itself: ``for l in /sys/class/net/veth*``
    (to the loop's body), ``done < /proc/net/dev`` (to a ``while read`` loop), ``xargs -a
    /proc/net/dev ip link del`` (hunt P #2)."""
    if words[:1] == ["for"] or (bool(words) and program_name(words[0]) == "xargs"):
        return True
    return "<" in words and words[0] not in _FILTERS


def _listing_in(words: list[str]) -> LinkListing | None:
    """The listing a command's words run (after ``nsenter ... --``, ``timeout 5``...)."""
    for i, word in enumerate(words):
        listed = program_name(word) in ("ip", "ls")
        if listed and (found := listing_of_links(words[i:])) is not None:
            return found
    return None


def _handed_on(stages: list[tuple[str, list[str], int, list[str]]], k: int, depth: int) -> bool:
    """The output of stage ``k`` reaches a command other than a filter: through the pipe
    (``| xargs``, ``| while read``), or as words of the command around ``$(...)``."""
    for sep, words, _depth, _scripts in stages[k + 1 :]:
        if sep != "|":
            break
        if not words or words[0] not in _FILTERS or _counts(words) or _runs(words):
            return not _counts(words)
    return depth > 0


def _counts(words: list[str]) -> bool:
    """``wc``, ``grep -c``, ``grep -q``: what goes on is a count or nothing, not names."""
    if words[:1] == ["wc"]:
        return True
    flags = "".join(w[1:] for w in words[1:] if w.startswith("-") and not w.startswith("--"))
    long = {w for w in words[1:] if w.startswith("--")}
    grep = words[:1] in (["grep"], ["egrep"], ["fgrep"])
    return grep and (bool(set(flags) & set("cqL")) or bool(long & {"--count", "--quiet"}))


def _runs(words: list[str]) -> bool:
    """A filter that runs commands or writes files: ``awk '{system(...)}'``, ``sed -i``."""
    if words[0] in ("awk", "gawk", "mawk"):
        return any("system" in w or '| "' in w or '|"' in w for w in words[1:])
    return words[0] == "sed" and any(w.startswith("-i") for w in words[1:])


def _stages(command: str) -> list[tuple[str, list[str], int, list[str]]] | None:
    """Each command of a line: (the operator before it, its words, how many ``$(`` or
    backquotes it is in, the quoted scripts among its words). Quoted words stay whole
    (``awk '/^(l|r)[0-9]/ {print $1}'``)."""
    values = shell_tokens(command)
    if values is None:
        return None
    written = shell_tokens(command, posix=False)
    if written is None or len(written) != len(values):
        written = values
    out: list[tuple[str, list[str], int, list[str]]] = [("", [], 0, [])]
    opened: list[str] = []  # "$(", "(" or "`", innermost last
    dollar = False  # the word before was "$" (shlex keeps it apart from "(")
    for value, raw in zip(values, written, strict=True):
        if raw[:1] in ("'", '"'):
            out[-1][1].append(value)
            if any(c.isspace() for c in value):
                out[-1][3].append(value)
            continue
        for part in re.split(r"(\$\(|\$$|[;&|()`]+)", value):
            if part == "$":
                dollar = True
            elif part and not re.fullmatch(r"\$\(|[;&|()`]+", part):
                out[-1][1].append(part)
            elif part:
                opened = _nested(opened, part, dollar)
                dollar = False
                depth = sum(1 for o in opened if o != "(")
                out.append((part, [], depth, []))
    return out


# -- what reaches every link -----------------------------------------------------------------


def _nested(opened: list[str], part: str, dollar: bool) -> list[str]:
    """What is open after the operator ``part``: ``$(`` and backquotes (whose output is
    words of the command around), ``(`` (a subshell)."""
    out = list(opened)
    for char in part.replace("$(", "$"):
        if char == "$" or (char == "(" and dollar):
            out.append("$(")
        elif char == "(":
            out.append("(")
        elif char == ")" and out:
            out.pop()
        elif char == "`":
            out = out[:-1] if out[-1:] == ["`"] else [*out, "`"]
        dollar = False
    return out


def reaches_every_link(argv: Sequence[str]) -> str | None:
    """``ip link del group 0``, ``ip link set group default down``: every link of the
    namespace in that group (all of the host's, in the root); the words, or None."""
    words = list(argv[1:] if runs_sudo(argv) else argv)
    if not words or program_name(words[0]) != "ip":
        return None
    j = 1
    while j < len(words) and words[j].startswith("-") and len(words[j]) > 1:
        opt = words[j][1:] if words[j].startswith("--") else words[j]
        if opt == "-n" or _abbreviates(opt, "-netns", 3):
            return None  # in a namespace named: the lab's (the model checks it is)
        j += 2 if any(_abbreviates(opt, o, 2) for o in _IP_VALUED) else 1
    rest = words[j:]
    if len(rest) < 3 or not _abbreviates(rest[0], "link"):
        return None
    verb = rest[1]
    changes = _abbreviates(verb, "delete", 3) or verb == "set"
    return " ".join(words) if changes and rest[2] == "group" else None


def one_link_instead(found: str) -> str:
    """What to write instead of ``found`` (words :func:`reaches_every_link` gave): the same
    change with one link of the lab's named in place of its group (hunt AA #5: the hint for
    ``ip link set group 0 mtu 1500`` was ``ip link del veth0``)."""
    words = found.split()
    at = words.index("group")
    return " ".join(["ip", "link", words[at - 1], "veth0", *words[at + 2 :]])
