"""``tc -b FILE``, ``ip -batch FILE``, ``bridge -b FILE``: the commands a batch file holds.

ip, tc and bridge read one command a line from a batch file (``-b`` or ``-batch``, any
beginning of it past ``-b``; ``-force`` goes on past a failed line). Hunt P #4: ``tc -b
tc.batch`` whose file held ``qdisc add dev eth0 root tbf ...`` shaped the host's eth0,
and the model said OK (its words name no link). The plan reads the file as it is when the
plan is built and judges each line as the line it is (``tc [OPTIONS] LINE``); a batch iplab
cannot read (standard input, a file not there) is refused, naming it. Pure but for the
reading of the file.

Hunt R #1: a batch file's lines run as written: ``--prefix`` never renames them, the
journal never sees them, so ``down`` left what ``ip -batch lab.ipb`` made and a teardown's
``ip netns del alpha`` reached the host's alpha. :func:`makes` says which lines make,
rename or delete a namespace or a link (refused), :func:`named` which objects a line names
(under ``--prefix``, each must be the lab's by its prefixed name).
"""

from __future__ import annotations

import dataclasses
import shlex
from pathlib import Path

from iplab import ipgrammar, ipwords, tcwords
from iplab.ipwords import adds_names
from iplab.records import Record, frozen
from iplab.steps import LinkSet, NetnsExec, Raw
from iplab.words import inside_netns, joined_commands, reads_only, strip_sudo
from iplab.wrappers import program_name, runs_sudo

__all__ = ["Batch", "batches", "makes", "named"]

#: the programs that read a batch file
_PROGRAMS = frozenset({"ip", "tc", "bridge"})
#: their global options that take a value (ip/ip.c, tc/tc.c, bridge/bridge.c)
_VALUED = ("-netns", "-loops", "-family", "-rcvbuf", "-conf", "-nm")
#: a batch file read past this is refused (no tutorial's batch is that long)
_MOST = 1 << 20


@frozen
class Batch(Record):
    """One batch command: its words (for messages), its file, and its lines as commands
    (``tc -n NS LINE``, with the line's number); ``lines`` None: why iplab cannot read them."""

    said: str
    source: str
    lines: tuple[tuple[int, str], ...] | None
    why: str = ""
    #: the file is not there (when the plan is built)
    missing: bool = False
    #: the line goes on when the batch fails (``ip -batch F 2>/dev/null || true``)
    tolerated: bool = False


def _abbreviates(word: str, full: str, least: int) -> bool:
    return least <= len(word) <= len(full) and full.startswith(word)


def _batch(argv: list[str], head: list[str], base: Path) -> Batch | None:
    """``PROG [OPTIONS] -b FILE`` as its program reads it; None: no batch."""
    program = program_name(argv[0])
    options: list[str] = []
    source: str | None = None
    i = 1
    while i < len(argv) and argv[i].startswith("-") and len(argv[i]) > 1:
        opt = argv[i][1:] if argv[i].startswith("--") else argv[i]
        if _abbreviates(opt, "-batch", 2):
            source = argv[i + 1] if i + 1 < len(argv) else "-"
            i += 2
            continue
        valued = opt == "-n" or any(_abbreviates(opt, v, 3) for v in _VALUED)
        options += (
            argv[i : i + 2] if valued else [] if _abbreviates(opt, "-force", 3) else [argv[i]]
        )
        i += 2 if valued else 1
    if source is None:
        return None
    said = shlex.join([*head, *argv])
    if source == "-":
        return Batch(said, source, None, "it reads its commands from standard input")
    return _read(said, source, [*head, program, *options], base)


def _read(said: str, source: str, before: list[str], base: Path) -> Batch:
    path = base / source
    try:
        with path.open(encoding="utf-8") as handle:
            text = handle.read(_MOST + 1)
    except FileNotFoundError:
        return Batch(said, source, None, f"{source} does not exist now", missing=True)
    except (OSError, UnicodeDecodeError) as exc:
        return Batch(said, source, None, f"{source} cannot be read ({exc})")
    if len(text) > _MOST:
        return Batch(said, source, None, f"{source} is longer than {_MOST} characters")
    lines: list[tuple[int, str]] = []
    for number, written in enumerate(text.splitlines(), start=1):
        line = written.strip()
        if line and not line.startswith(("#", "-")):  # (an option: ip fails on the line)
            lines.append((number, shlex.join(before) + " " + line))
    return Batch(said, source, tuple(lines))


def batches(command: str, base: Path | None = None) -> list[Batch]:
    """Each batch command of a shell line (after ``sudo``, ``ip netns exec NS``), its file
    read relative to ``base`` (the working directory)."""
    out: list[Batch] = []
    for words, after in joined_commands(command) or []:
        argv = list(strip_sudo(tuple(words))) if runs_sudo(words) else list(words)
        ns, inner = inside_netns(argv)
        head = ["ip", "netns", "exec", ns] if ns is not None else []
        if inner and inner[0].rsplit("/", 1)[-1] in _PROGRAMS:
            found = _batch(list(inner), head, base or Path.cwd())
            if found is not None:
                out.append(dataclasses.replace(found, tolerated=after == "||"))
    return out


#: the objects whose ``delete`` (or ``add``, see :func:`iplab.ipwords.adds_names`) ends
#: or makes a name
_NAMED = frozenset({"netns", "link", "tuntap", "tunnel", "vrf"})


def makes(line: str) -> str | None:
    """What a batch line (``ip [OPTIONS] LINE``) does to a name: "makes", "renames" or
    "deletes" a namespace or a link; None: none of these."""
    try:
        argv = shlex.split(line)
    except ValueError:
        return None
    _ns, argv = inside_netns(argv)
    if not argv:
        return None
    said = ipwords.verb_of(program_name(argv[0]), argv[1:])
    what = "a namespace" if said.obj == "netns" else "a link"
    if said.obj in _NAMED and said.verb in ("delete", "attach"):
        return f"{'deletes' if said.verb == 'delete' else 'makes'} {what}"
    if adds_names(argv):
        return f"{'makes' if said.verb == 'add' else 'renames'} {what}"
    return None


def named(line: str) -> list[str] | None:
    """The namespaces and links a batch line names; None: iplab cannot tell (a line it
    does not read that may change something)."""
    op = ipgrammar.read(line)
    if isinstance(op, NetnsExec):
        inner = named(op.command)
        return None if inner is None else [op.ns, *inner]
    if op is not None and not isinstance(op, Raw):
        out: list[str] = []
        for field in dataclasses.fields(op):
            if field.metadata.get("ref"):
                value = getattr(op, field.name)
                out += [value] if isinstance(value, str) else list(value or ())
        if isinstance(op, LinkSet):
            out += [v for k, v in op.attrs if k in ("netns", "master", "name") and v]
        return out
    found = list(tcwords.commands(line))
    if found:
        return [n for ns, tc in found for n in [*([ns] if ns else []), *tc.devices()]]
    return [] if reads_only(line) else None
