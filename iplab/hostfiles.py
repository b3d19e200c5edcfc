"""Files a raw step writes on the host, and what puts them back.

``mkdir -p /etc/netns/red && echo "nameserver 1.1.1.1" > /etc/netns/red/resolv.conf``,
``echo "100 lab" | sudo tee -a /etc/iproute2/rt_tables``, ``touch /etc/netns/red/hosts``:
the kernel forgets a lab's namespaces when they are deleted, the file system does not
(the next ``ip netns exec red`` of any lab would read that resolv.conf). Right before such
a step runs (:meth:`iplab.lab.Session._read_back`), iplab looks at each path it names:
what did not exist is removed at undo (a directory only once empty), and a small file
that existed gets back the bytes it had. Only paths written as they are (no ``$``, no
glob), outside /proc, /sys, /dev and the namespaces' own directory; a relative one
(``echo hi > index.html``, ``cat > 10-mynet.conf <<EOF``) is the file of the directory the
step runs in, iplab's own (none after a ``cd`` in the step: iplab cannot tell which).

A host file is shared: another lab, or the admin, may add to it while the lab is up (hunt
V: ``down`` gave rt_tables back its bytes whole, losing a line added since; of two labs
taken down in turn, one left its line behind). So the undo is built once the step ran
(:func:`undo_command`), from what it did: the lines a step appended are removed, only
they, wherever they are now; a file it wrote otherwise gets its bytes back only while it
holds what the step left, and is left as it is, said, when someone changed it since.

Why this module is long: which paths a line writes (through its wrappers and a shell's
``-c`` script), what they held before, and the shell text that puts each back are one
reading of the same words; split, each half would parse the line again.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import shlex
from collections.abc import Sequence
from dataclasses import field
from pathlib import PurePosixPath

from iplab.records import Record, frozen
from iplab.words import JOINS, inside_netns, shell_tokens, strip_sudo
from iplab.wrappers import HOW_IT_RUNS, program_name, runs_sudo, script_of, unwrap_once

#: a file iplab keeps the bytes of, to put back (larger ones are said and left alone)
KEEP_LIMIT = 64 * 1024

_REDIRECTS = frozenset({">", ">>", "&>", "&>>", ">|"})
_APPENDS = frozenset({">>", "&>>"})
#: programs whose only effect is the files they write (and what they print)
_WRITERS = frozenset({"mkdir", "touch", "tee", "cp", "install", "ln"})
#: cp's long options that copy directories whole
_RECURSIVE = frozenset({"--recursive", "--archive"})
#: programs that only read and print (``grep -q "^101 vpn" FILE || echo ... >> FILE``)
_NARRATORS = frozenset(
    {"echo", "printf", "cat", "true", ":", "grep", "iptables-save", "ip6tables-save"}
)
#: wrappers whose command writes where it would alone: the shell's words of
#: ``ip netns exec fw bash -c "iptables-save > /tmp/fw-rules.v4"`` (hunt CC) are read too
_SAME_FILES = HOW_IT_RUNS | {"sudo", "env", "nohup", "setsid"}
#: the commands after which a relative path is another directory's
_MOVES = frozenset({"cd", "pushd", "popd"})
#: where a write is no file of the host's disk (or is the namespaces' own, followed elsewhere)
_NOT_FILES = ("/proc/", "/sys/", "/dev/", "/run/netns/", "/var/run/netns/")
_UNSAFE = frozenset("$*?[]~`{}")
#: the kernel's files a write to changes nothing (``>/dev/null``, ``>&2`` spelt as a path)
_NOWHERE = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})
#: each program's options that take a value (the next word is no path)
_VALUED = {
    "mkdir": frozenset({"-m", "--mode"}),
    "touch": frozenset({"-d", "--date", "-t", "-r", "--reference"}),
    "install": frozenset({"-m", "--mode", "-o", "--owner", "-g", "--group", "-S", "-t"}),
    "cp": frozenset({"-S", "--suffix", "-t"}),
    "ln": frozenset({"-S", "--suffix", "-t"}),
    "tee": frozenset(),
}


@frozen
class Write(Record):
    """One path a step writes: a file (``append``: added to) or a directory (``parents``:
    with the directories above it, ``mkdir -p``)."""

    path: str
    kind: str  # "file" | "dir"
    parents: bool = False
    append: bool = False
    #: a copy's sources (``cp a b DIR/``): the names it writes in ``path`` when that is a
    #: directory; empty: names iplab cannot tell (``cp -r``)
    names: tuple[str, ...] = field(default=(), compare=False)
    #: written by a capture (``tcpdump -w FILE``): what the file holds after the step is
    #: the capture's, which may still be writing it (``tcpdump ... -w FILE &``)
    capture: bool = False


@frozen
class Writes(Record):
    """What a step writes; ``complete``: every word of it is known, and writing these
    paths (and printing) is all it does."""

    writes: tuple[Write, ...]
    complete: bool
    #: it also redirects into the kernel's files (``> /proc/sys/...``, ``> /dev/tty1``),
    #: which are no host files of :attr:`writes`
    kernel: bool = False


def file_writes(command: str, cwd: str | None = None) -> Writes | None:
    """The host files a shell command writes (None: none, or it cannot be split); ``cwd``:
    where it runs (default: iplab's own directory)."""
    tokens = shell_tokens(command)
    if tokens is None:
        return None
    writes: list[Write] = []
    complete = True
    words: list[str] = []
    target: str | None = None  # the redirection whose file the next token is
    kernel = False
    # the directory a relative path is in: None once the step changes its directory (cd www
    # && echo > f), or when iplab's own is gone (deleted under it: the step's shell fails
    # on such a write, said as that step's failure, not as iplab's error)
    where = cwd or here()

    def end_command() -> None:
        nonlocal complete, where
        argv = list(strip_sudo(tuple(words)) if runs_sudo(words) else words)
        if argv and argv[0] in _MOVES:
            where = None
        argv, netns = _past_wrappers(argv)
        if argv and (script := script_of(argv)) is not None:
            inner = file_writes(script, where)
            if inner is not None and netns:  # (/etc/netns/NS/X is bound over /etc/X there)
                complete &= inner.complete and not any(_bound(w.path) for w in inner.writes)
                writes.extend(w for w in inner.writes if not _bound(w.path))
            elif inner is not None:
                complete &= inner.complete
                writes.extend(inner.writes)
            else:
                complete &= _reads_only(script)
        elif argv:
            got = _program_writes(argv, where)
            if got is None:
                got = _capture_writes(argv, where)
            if got is None:
                complete &= argv[0] in _NARRATORS
            else:
                complete &= all(w is not None for w in got)
                writes.extend(w for w in got if w is not None)
        words.clear()

    for token in tokens:
        if target is not None:
            path = _path(token, where)
            if path is not None:
                writes.append(Write(path, "file", append=target in _APPENDS))
            elif not _elsewhere(token):
                complete = False
            else:
                kernel |= token not in _NOWHERE
            target = None
        elif token in _REDIRECTS:
            target = token
        elif token in JOINS or token in ("&", "|&", "(", ")"):
            end_command()
        elif token and set(token) <= set("<>&"):
            continue  # (<, >&: no file written)
        else:
            words.append(token)
    end_command()
    return Writes(tuple(writes), complete, kernel) if writes else None


#: the files a kernel's path may be reached through, that an ordinary file is not
_KERNELS = (*_NOT_FILES, "/etc/netns/")


def only_files(writes: Writes) -> bool:
    """Whether all a step does is write ordinary files of the host's disk: ``writes`` is
    complete, redirects into no kernel file, and each path it writes, its links followed
    (``/tmp/f`` a link to ``/proc/sys/...``), is a regular file, a directory or none yet,
    outside /proc, /sys, /dev and the namespaces' own (/run/netns, /etc/netns). Such a step
    changes nothing the kernel holds of the network: the host need not be read around it
    (:mod:`iplab.sentinel`). Read right before the step runs."""
    if not writes.complete or writes.kernel:
        return False
    for w in writes.writes:
        real = os.path.realpath(w.path)
        if (real + "/").startswith(_KERNELS):
            return False
        if os.path.lexists(real) and not (os.path.isfile(real) or os.path.isdir(real)):
            return False  # (a fifo, a socket, a device: someone reads what it gets)
    return True


def file_writes_in_netns(command: str, cwd: str | None = None) -> Writes | None:
    """The host files a command run by ``ip netns exec NS`` writes (``tcpdump -w
    /tmp/cap.pcap``): as :func:`file_writes`, less the paths the namespace may have
    another file bound over (/etc/netns/NS/...)."""
    got = file_writes(command, cwd)
    if got is None:
        return None
    kept = tuple(w for w in got.writes if not _bound(w.path))
    return Writes(kept, got.complete and len(kept) == len(got.writes)) if kept else None


def _past_wrappers(argv: list[str]) -> tuple[list[str], bool]:
    """The command ``argv`` runs past ``ip netns exec NS`` and the wrappers that leave
    where it writes as it is (:data:`_SAME_FILES`); and whether it runs in a namespace."""
    netns = False
    while argv:
        ns, rest = inside_netns(argv)
        if ns is not None:
            argv, netns = rest, True
        elif program_name(argv[0]) in _SAME_FILES and (inner := unwrap_once(argv)):
            argv = inner
        else:
            break
    return argv, netns


def _bound(path: str) -> bool:
    """A path ``ip netns exec`` may bind another file over (/etc/netns/NS/...)."""
    return path == "/etc" or path.startswith("/etc/")


def _reads_only(script: str) -> bool:
    """A shell's script that writes no file iplab can tell, and only prints."""
    tokens = shell_tokens(script)
    if tokens is None:
        return False
    firsts = [tokens[0]] + [b for a, b in itertools.pairwise(tokens) if a in JOINS]
    return all(program_name(w) in _NARRATORS for w in firsts) and not (set(tokens) & _REDIRECTS)


def here() -> str | None:
    """iplab's own directory; None when it was deleted under it."""
    try:
        return os.getcwd()
    except OSError:
        return None


def _program_writes(argv: list[str], where: str | None) -> list[Write | None] | None:
    """The paths ``mkdir``, ``touch``, ``tee``, ``cp``, ``install`` or ``ln`` writes (None
    in the list: one iplab cannot name); None: another program."""
    program, args = program_name(argv[0]), argv[1:]
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
    names: tuple[str, ...] = ()
    if program in ("cp", "install", "ln"):
        if len(operands) < 2 or any(f in ("-t", "--target-directory") for f in flags):
            return [None]
        recursive = any(
            f in _RECURSIVE or (f[:2] != "--" and set(f[1:]) & set("rRa")) for f in flags
        )
        if not recursive:  # (into a directory: each source's name in it, hunt AH)
            names = tuple(PurePosixPath(src).name for src in operands[:-1])
        operands = operands[-1:]  # the destination
    parents = program == "mkdir" and any(f in ("-p", "--parents") for f in flags)
    append = program == "tee" and any(f in ("-a", "--append") for f in flags)
    kind = "dir" if program == "mkdir" else "file"
    out: list[Write | None] = []
    for operand in operands:
        path = _path(operand, where)
        out.append(Write(path, kind, parents, append, names) if path is not None else None)
    return out


#: the packet captures that save what they capture with ``-w FILE`` (``-w -``: standard
#: output), each one's short options that take a value (getopt's letters, read from
#: tcpdump 4.99's, tshark's and dumpcap's option strings), its long ones that do, and
#: the options under which it writes other files than FILE (a ring of files, FILE1...)
_CAPTURE_OPTIONS = {
    "tcpdump": ("BcCEFGijmMQrsTVwWyzZ", ("-C", "-G", "-W")),
    "tshark": ("aAbBcCdeEfFHijJKNoOrRsStTuwWXYz", ("-b",)),
    "dumpcap": ("abBcCfiNswyZ", ("-b",)),
}
_CAPTURE_LONG = frozenset(
    {
        "--buffer-size", "--interface", "--snapshot-length", "--time-stamp-type",
        "--time-stamp-precision", "--relinquish-privileges", "--count", "--print-sampling",
        "--skip", "--ring-buffer", "--autostop", "--capture-filter", "--read-filter",
        "--display-filter", "--output-file",
    }
)  # fmt: skip


def _capture_writes(argv: list[str], where: str | None) -> list[Write | None] | None:
    """The file ``tcpdump``/``tshark``/``dumpcap -w FILE`` saves its capture in (options
    read as getopt does: ``-nnw FILE``, ``-wFILE``, ``-w`` after the filter); None in the
    list: one iplab cannot name (a ring of files); None: another program, or no ``-w``."""
    program = program_name(argv[0])
    if program not in _CAPTURE_OPTIONS:
        return None
    valued, rings = _CAPTURE_OPTIONS[program]
    saved: list[str] = []
    ring = False
    args = iter(argv[1:])
    for a in args:
        if a == "--":
            break
        if a.startswith("--"):
            ring |= a.split("=", 1)[0] == "--ring-buffer"
            if a in _CAPTURE_LONG:
                next(args, None)
            continue
        if not a.startswith("-") or a == "-":
            continue
        for i, letter in enumerate(a[1:], 1):
            if letter not in valued:
                continue
            value = a[i + 1 :] or next(args, None)
            ring |= f"-{letter}" in rings
            if letter == "w" and value is not None:
                saved.append(value)
            break
    out: list[Write | None] = []
    for value in saved:
        if value == "-":
            continue  # (standard output)
        path = None if ring else _path(value, where)
        out.append(Write(path, "file", capture=True) if path is not None else None)
    return out or None


def _path(word: str, where: str | None) -> str | None:
    """A path written as it is, outside the kernel's and the namespaces' own: absolute, or
    relative to ``where`` (None: a directory iplab cannot tell)."""
    if not word.startswith("/"):
        if where is None or not word or word.startswith("-") or _UNSAFE & set(word):
            return None
        word = os.path.join(where, word)
    if _UNSAFE & set(word) or _elsewhere(word):
        return None
    normal = os.path.normpath(word)
    return None if normal == "/" or _elsewhere(normal + "/") else normal


def _elsewhere(word: str) -> bool:
    return word.startswith(_NOT_FILES) or word in ("/dev/null", "/dev/stdout", "/dev/stderr")


@frozen
class Before(Record):
    """The paths as they were before a step: what it will create, and the bytes of the
    files it may change; ``unkept``: files that existed and iplab cannot put back."""

    created_files: tuple[str, ...]
    created_dirs: tuple[str, ...]  # deepest first
    kept: tuple[tuple[str, bytes], ...]
    unkept: tuple[str, ...]
    #: the paths the step only appends to (``>>``, ``tee -a``)
    appended: tuple[str, ...] = ()
    #: the paths a capture writes (``tcpdump -w FILE``, also ``&``): what they hold once
    #: the step began is the capture's, which may still be writing them
    captured: tuple[str, ...] = ()


def look(writes: Writes) -> Before:
    """Each path of ``writes`` as the host has it now (right before the step runs)."""
    files: list[str] = []
    dirs: list[str] = []
    kept: dict[str, bytes] = {}
    unkept: list[str] = []
    for w in _into(writes.writes):
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
        elif not os.path.isdir(w.path):  # (a directory: cp -r into it, names not known;
            # a plain copy into one is read as its files: _into)
            unkept.append(w.path)
    dirs.sort(key=lambda d: d.count("/"), reverse=True)
    big = [p for p, data in kept.items() if len(data) > KEEP_LIMIT]
    overwritten = {w.path for w in writes.writes if not w.append}
    appended = {w.path for w in writes.writes if w.path not in overwritten}
    return Before(
        tuple(files), tuple(dirs),
        tuple((p, d) for p, d in kept.items() if p not in big), tuple(unkept + big),
        tuple(sorted(appended)), tuple(sorted({w.path for w in writes.writes if w.capture})),
    )  # fmt: skip


def _into(writes: tuple[Write, ...]) -> list[Write]:
    """The writes, a copy into a directory that is there now (``cp /bin/bash
    $ROOTFS/bin/``) read as the files it writes in it."""
    out: list[Write] = []
    for w in writes:
        if w.names and os.path.isdir(w.path) and not os.path.islink(w.path):
            out += [Write(os.path.join(w.path, name), "file") for name in w.names]
        else:
            out.append(w)
    return out


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


def contents(paths: list[str]) -> list[tuple[bool, bytes | None]]:
    """Whether each path is there, and the bytes it holds as far as iplab keeps them (None:
    a directory, or a file it cannot read): compared before and after an undo, what it
    put back."""
    out: list[tuple[bool, bytes | None]] = []
    for path in paths:
        try:
            with open(path, "rb") as stream:
                out.append((True, stream.read(KEEP_LIMIT + 1)))
        except OSError:
            out.append((os.path.lexists(path), None))
    return out


def written_ahead(before: Before) -> str | None:
    """The undo journaled before the step runs, in case iplab dies before it can say what
    the step did (:func:`undo_command`): the files it would create and the directories
    removed as :func:`undo_command` does; a file that existed is left as it is (what the
    step added is not known yet), said when it no longer holds the bytes it had."""
    parts = [f"rm -rf -- {shlex.quote(f)}" for f in before.created_files]
    parts += [
        _unless_same(path, data, "iplab stopped before it read what the step of the lab did")
        for path, data in before.kept
    ]
    return _joined(parts, before)


def undo_command(before: Before) -> str | None:
    """A shell command that undoes what the step did to the paths ``before`` (None:
    nothing to do), built right after it ran: a file it created is removed, a file it
    appended lines to loses those lines (only them: what was added since stays), a file
    it wrote otherwise gets its bytes back while it holds what the step wrote, and the
    directories it created are removed once empty (deepest first). A capture's file
    (``tcpdump -w FILE &``) is removed, or gets its bytes back, whatever it holds: the
    capture may still be writing it (undo stops the lab's jobs before)."""
    return _joined([part for _, part in file_undos(before) if part], before)


def file_undos(before: Before) -> list[tuple[str, str]]:
    """Each file's part of :func:`undo_command` (empty: nothing to undo), by path."""
    parts: list[tuple[str, str]] = []
    for path in before.created_files:
        if path in before.captured:  # (made by the lab's capture, which may not have
            # opened it yet, or still writes it: down stops the lab's jobs first)
            parts += [(path, f"rm -f -- {shlex.quote(path)}")]
            continue
        parts += [(path, _undo_file(path, b"", path in before.appended, created=True))]
    for path, data in before.kept:
        if path in before.captured:  # (the capture overwrote it: its bytes go back)
            parts += [(path, _put(path, data))]
            continue
        parts += [(path, _undo_file(path, data, path in before.appended, created=False))]
    return parts


def whole_undo(before: Before, parts: list[tuple[str, str]], whole: Sequence[str]) -> str:
    """:func:`undo_command` of a step that created the files ``whole``, which later steps
    of the lab add to (hunt CT): each is removed whole, first, and its own part (taking
    out the lines the step wrote, of a file no longer there) is left out; the other
    files' parts (``parts``, built when the step ran) as they were."""
    kept = [part for path, part in parts if part and path not in whole]
    done = _joined([*(f"rm -f -- {shlex.quote(p)}" for p in whole), *kept], before)
    assert done is not None
    return done


def _joined(parts: list[str], before: Before) -> str | None:
    parts += [
        f"{{ [ ! -d {q} ] || rmdir --ignore-fail-on-non-empty -- {q}; }}"
        for q in map(shlex.quote, before.created_dirs)
    ]
    return "; ".join(parts) if parts else None


def _undo_file(path: str, data: bytes, appended: bool, *, created: bool) -> str:
    """The undo of what the step did to the file at ``path``, which held ``data`` before it
    (``created``: there was none); empty: nothing to undo."""
    q = shlex.quote(path)
    if os.path.isdir(path) and not os.path.islink(path):
        return f"rm -rf -- {q}" if created else ""  # (cp -r made a tree there)
    try:
        with open(path, "rb") as stream:
            now = stream.read(KEEP_LIMIT + 1)
    except OSError:
        return ""  # (not there: the step made none, or it is gone already)
    if now == data and not created:
        return ""
    added = now[len(data) :] if now.startswith(data) else None
    if appended and added and added.endswith(b"\n") and data[-1:] in (b"", b"\n"):
        return _remove_lines(path, added, created)
    then = f"rm -f -- {q}" if created else _put(path, data)
    return _unless_same(path, now, "it was changed since the lab wrote it", then=then)


def _put(path: str, data: bytes) -> str:
    encoded = base64.b64encode(data).decode() or "''"
    return f"printf %s {encoded} | base64 -d > {shlex.quote(path)}"


def _unless_same(path: str, data: bytes, why: str, then: str = "") -> str:
    """Run ``then`` while the file at ``path`` holds ``data``; otherwise say it is left as
    it is, and ``why``."""
    q = shlex.quote(path)
    digest = hashlib.sha256(data).hexdigest()
    message = shlex.quote(f"iplab: left as it is: {path} ({why})")
    test = f'[ ! -e {q} ] || [ "$(sha256sum < {q} | cut -c1-64)" = {digest} ]'
    if not then:
        return f"{{ {test} || echo {message} >&2; }}"
    return f"if {test}; then [ ! -e {q} ] || {then}; else echo {message} >&2; fi"


#: awk: the last place where the lines of ENVIRON["IPLAB_LINES"] (k of them) follow one
#: another in the file, printed without them; exit 1 when they are not there
_UNAPPEND = (
    'BEGIN { split(ENVIRON["IPLAB_LINES"], x, "\\n") } { l[NR] = $0 } '
    "END { for (i = NR - k + 1; i >= 1; i--) { for (j = 1; j <= k && l[i + j - 1] == x[j]; j++); "
    "if (j > k) break } if (i < 1) exit 1; "
    "for (n = 1; n <= NR; n++) if (n < i || n >= i + k) print l[n] }"
)


def _remove_lines(path: str, added: bytes, created: bool) -> str:
    """Remove the lines the step appended (``added``) from the file at ``path``, where they
    are now (the last time they follow one another), leaving what others added; said when
    they are no longer there. A file the step created is removed once empty."""
    q = shlex.quote(path)
    k = added.count(b"\n")
    encoded = base64.b64encode(added).decode()
    message = shlex.quote(f"iplab: left as it is: {path} (the lines the lab added are gone)")
    gone = f" && {{ [ -s {q} ] || rm -f -- {q}; }}" if created else ""
    return (
        f'{{ [ ! -e {q} ] || {{ t="$(mktemp)" && '
        f'{{ IPLAB_LINES="$(printf %s {encoded} | base64 -d)" awk -v k={k} '
        f'{shlex.quote(_UNAPPEND)} {q} > "$t" && cat "$t" > {q}{gone}'
        f' || echo {message} >&2; }}; rm -f -- "$t"; }}; }}'
    )
