"""Files a raw step writes on the host, and what puts them back.

``mkdir -p /etc/netns/red && echo "nameserver 1.1.1.1" > /etc/netns/red/resolv.conf``,
``echo "100 lab" | sudo tee -a /etc/iproute2/rt_tables``, ``touch /etc/netns/red/hosts``:
the kernel forgets a lab's namespaces when they are deleted, the file system does not
(the next ``ip netns exec red`` of any lab would read that resolv.conf). Right before such
a step runs (:meth:`iplab.lab.Session._read_back`), iplab looks at each path it names:
what did not exist is removed at undo (a directory only once empty), and a small file
that existed gets back the bytes it had. Only absolute paths written as they are (no
``$``, no glob), outside /proc, /sys, /dev and the namespaces' own directory.
"""

from __future__ import annotations

import base64
import os
import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath

from iplab.words import JOINS, shell_tokens, strip_sudo

#: a file iplab keeps the bytes of, to put back (larger ones are said and left alone)
KEEP_LIMIT = 64 * 1024

_REDIRECTS = frozenset({">", ">>", "&>", "&>>", ">|"})
_APPENDS = frozenset({">>", "&>>"})
#: programs whose only effect is the files they write (and what they print)
_WRITERS = frozenset({"mkdir", "touch", "tee", "cp", "install", "ln"})
#: programs that only read and print (``grep -q "^101 vpn" FILE || echo ... >> FILE``)
_NARRATORS = frozenset({"echo", "printf", "cat", "true", ":", "grep"})
#: where a write is no file of the host's disk (or is the namespaces' own, followed elsewhere)
_NOT_FILES = ("/proc/", "/sys/", "/dev/", "/run/netns/", "/var/run/netns/")
_UNSAFE = frozenset("$*?[]~`{}")
#: each program's options that take a value (the next word is no path)
_VALUED = {
    "mkdir": frozenset({"-m", "--mode"}),
    "touch": frozenset({"-d", "--date", "-t", "-r", "--reference"}),
    "install": frozenset({"-m", "--mode", "-o", "--owner", "-g", "--group", "-S", "-t"}),
    "cp": frozenset({"-S", "--suffix", "-t"}),
    "ln": frozenset({"-S", "--suffix", "-t"}),
    "tee": frozenset(),
}


@dataclass(frozen=True)
class Write:
    """One path a step writes: a file (``append``: added to) or a directory (``parents``:
    with the directories above it, ``mkdir -p``)."""

    path: str
    kind: str  # "file" | "dir"
    parents: bool = False
    append: bool = False


@dataclass(frozen=True)
class Writes:
    """What a step writes; ``complete``: every word of it is known, and writing these
    paths (and printing) is all it does."""

    writes: tuple[Write, ...]
    complete: bool


def file_writes(command: str) -> Writes | None:
    """The host files a shell command writes (None: none, or it cannot be split)."""
    tokens = shell_tokens(command)
    if tokens is None:
        return None
    writes: list[Write] = []
    complete = True
    words: list[str] = []
    target: str | None = None  # the redirection whose file the next token is

    def end_command() -> None:
        nonlocal complete
        argv = list(strip_sudo(tuple(words)) if words[:1] == ["sudo"] else words)
        if argv:
            got = _program_writes(argv)
            if got is None:
                complete &= argv[0] in _NARRATORS
            else:
                complete &= all(w is not None for w in got)
                writes.extend(w for w in got if w is not None)
        words.clear()

    for token in tokens:
        if target is not None:
            path = _path(token)
            if path is not None:
                writes.append(Write(path, "file", append=target in _APPENDS))
            elif not _elsewhere(token):
                complete = False
            target = None
        elif token in _REDIRECTS:
            target = token
        elif token in JOINS or token in ("&", "|&", "(", ")"):
            end_command()
        elif set(token) <= set("<>&"):
            continue  # (<, >&: no file written)
        else:
            words.append(token)
    end_command()
    return Writes(tuple(writes), complete) if writes else None


def _program_writes(argv: list[str]) -> list[Write | None] | None:
    """The paths ``mkdir``, ``touch``, ``tee``, ``cp``, ``install`` or ``ln`` writes (None
    in the list: one iplab cannot name); None: another program."""
    program, args = PurePosixPath(argv[0]).name, argv[1:]
    if program not in _WRITERS:
        return None
    flags = [a for a in args if a.startswith("-")]
    operands: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a in _VALUED[program]:
            skip = True
        elif not a.startswith("-"):
            operands.append(a)
    if program in ("cp", "install", "ln"):
        if len(operands) < 2 or any(f in ("-t", "--target-directory") for f in flags):
            return [None]
        operands = operands[-1:]  # the destination (a directory: a name iplab cannot tell)
    parents = program == "mkdir" and any(f in ("-p", "--parents") for f in flags)
    append = program == "tee" and any(f in ("-a", "--append") for f in flags)
    kind = "dir" if program == "mkdir" else "file"
    out: list[Write | None] = []
    for operand in operands:
        path = _path(operand)
        out.append(Write(path, kind, parents, append) if path is not None else None)
    return out


def _path(word: str) -> str | None:
    """An absolute path written as it is, outside the kernel's and the namespaces' own."""
    if not word.startswith("/") or _UNSAFE & set(word) or _elsewhere(word):
        return None
    normal = os.path.normpath(word)
    return None if normal == "/" or _elsewhere(normal + "/") else normal


def _elsewhere(word: str) -> bool:
    return word.startswith(_NOT_FILES) or word in ("/dev/null", "/dev/stdout", "/dev/stderr")


@dataclass(frozen=True)
class Before:
    """The paths as they were before a step: what it will create, and the bytes of the
    files it may change; ``unkept``: files that existed and iplab cannot put back."""

    created_files: tuple[str, ...]
    created_dirs: tuple[str, ...]  # deepest first
    kept: tuple[tuple[str, bytes], ...]
    unkept: tuple[str, ...]


def look(writes: Writes) -> Before:
    """Each path of ``writes`` as the host has it now (right before the step runs)."""
    files: list[str] = []
    dirs: list[str] = []
    kept: dict[str, bytes] = {}
    unkept: list[str] = []
    for w in writes.writes:
        if w.kind == "dir":
            missing = []
            path = PurePosixPath(w.path)
            while not os.path.lexists(path) and str(path) != "/":
                missing.append(str(path))
                if not w.parents:
                    break
                path = path.parent
            dirs += [d for d in missing if d not in dirs]
            continue
        if not os.path.lexists(w.path):
            if w.path not in files:
                files.append(w.path)
        elif os.path.isfile(w.path) and not os.path.islink(w.path):
            try:
                if os.path.getsize(w.path) <= KEEP_LIMIT:
                    with open(w.path, "rb") as fh:
                        kept.setdefault(w.path, fh.read(KEEP_LIMIT + 1))
                    continue
            except OSError:
                pass
            unkept.append(w.path)
        elif not os.path.isdir(w.path):  # (a directory: cp/ln into it, a name not known)
            unkept.append(w.path)
    dirs.sort(key=lambda d: d.count("/"), reverse=True)
    big = [p for p, data in kept.items() if len(data) > KEEP_LIMIT]
    return Before(
        tuple(files), tuple(dirs),
        tuple((p, d) for p, d in kept.items() if p not in big), tuple(unkept + big),
    )  # fmt: skip


def changed_since(before: Before) -> list[str]:
    """The paths not as ``before`` found them: a file or directory made since, a file whose
    bytes are others."""
    out = [f for f in before.created_files if os.path.lexists(f)]
    for path, data in before.kept:
        try:
            with open(path, "rb") as stream:
                same = stream.read(len(data) + 1) == data
        except OSError:
            same = False
        out += [] if same else [path]
    return out + [d for d in before.created_dirs if os.path.isdir(d)]


def undo_command(before: Before) -> str | None:
    """A shell command that puts the paths back as ``before`` found them (None: nothing to
    do): the files the step created removed, the files it changed given their bytes
    back, the directories it created removed once empty (deepest first)."""
    # (rm -r: cp -r made a directory there; none was there before the step)
    parts = [f"rm -rf -- {shlex.quote(f)}" for f in before.created_files]
    for path, data in before.kept:
        encoded = base64.b64encode(data).decode() or "''"
        parts.append(f"printf %s {encoded} | base64 -d > {shlex.quote(path)}")
    parts += [
        f"{{ [ ! -d {q} ] || rmdir --ignore-fail-on-non-empty -- {q}; }}"
        for q in map(shlex.quote, before.created_dirs)
    ]
    return "; ".join(parts) if parts else None
