"""A host sysctl a raw step writes, and what puts it back.

``sysctl -w net.ipv4.ip_forward=1``, ``echo 1 > /proc/sys/net/ipv4/ip_forward`` or
``echo 1 | sudo tee /proc/sys/...`` in the root namespace: iplab reads the host's value
right before the step runs (:meth:`iplab.lab.Session._read_back`), and the undo puts it
back only while it is still the value written (someone else's later change is theirs).
``sysctl -p [FILE]`` writes what its file says: the file is read right before the step too.

Why this module is long: it reads every way a line writes a sysctl (``sysctl -w``, ``-p``,
``echo >``, ``| tee``, after ``ip netns exec``) and what the kernel changes with it, in one
place the model, the undo and verify all ask.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from iplab.words import (
    QUIETING,
    bare_words,
    inside_netns,
    netns_scoped,
    plain_words,
    shell_script,
    shell_tokens,
)
from iplab.wrappers import program_name, runs_sudo

_SYSCTL_KEY = re.compile(r"[A-Za-z0-9_.:/-]+")
_SYSCTL_QUIET = frozenset({"-w", "--write", "-q", "--quiet", "-e", "--ignore"})
#: sysctl's write, quiet and ignore options written together (``-qw``, ``-wq``, ``-we``)
_SYSCTL_QUIET_TOGETHER = re.compile(r"-[wqe]{2,3}")


def _quiet(arg: str) -> bool:
    """``arg`` is one of sysctl's options that change no key (write, quiet, ignore), alone
    or written together as scripts write them (``sysctl -qw``: hunt DL)."""
    return arg in _SYSCTL_QUIET or _SYSCTL_QUIET_TOGETHER.fullmatch(arg) is not None


#: ``|| true`` (``|| :``, ``|| /bin/true``) at the end of a line: its failure let pass
_LET_FAIL = re.compile(r"\s*\|\|\s*(?:true|:|/bin/true|/usr/bin/true)\s*$")


def let_fail_writes(command: str) -> list[tuple[str, str]] | None:
    """:func:`sysctl_writes` of a write whose failure the line lets pass (``sysctl -w KEY=V
    >/dev/null || true``, ``echo V > /proc/sys/KEY || :``); None for any other line. In
    the root, such a line ran as a raw step iplab could not undo and was not said as a
    change of the host's (helper EY's test run changed this host's forwarding so). What it
    writes, when it works, is read back and put back as the plain write's is; the model
    does not judge it (the author lets it fail: hunt DZ)."""
    if _LET_FAIL.search(command) is None:
        return None
    return sysctl_writes(_LET_FAIL.sub("", command))


def sysctl_writes(command: str) -> list[tuple[str, str]] | None:
    """The (key, value) pairs ``sysctl [-w] [-q] KEY=VALUE...`` or ``echo VALUE >
    /proc/sys/KEY`` writes, keys as written (``net.ipv4.ip_forward``,
    ``net/ipv4/ip_forward``); None for anything else (a read, ``-p FILE``, other shell
    syntax, a value with spaces). Its output thrown away (``2>/dev/null``, ``> /dev/null
    2>&1``) it is the same write (hunt DO: a raw step of unknown effect, no undo)."""
    argv = bare_words(plain_words(QUIETING.sub("", command)))
    if argv is None:
        return _proc_sys_write(command)
    if not argv or program_name(argv[0]) != "sysctl":
        return None
    pairs = []
    for arg in argv[1:]:
        if _quiet(arg):
            continue
        key, eq, value = arg.partition("=")
        if not eq or not _SYSCTL_KEY.fullmatch(key) or not value or any(c.isspace() for c in value):
            return None
        pairs.append((key, value))
    return pairs or None


def sysctl_loads(command: str) -> tuple[str, ...] | None:
    """The files ``sysctl -p [FILE...]`` (``--load[=FILE]``) loads, /etc/sysctl.conf when it
    names none; None for anything else (``--system`` too: the order of its directories is
    systemd's, not read here). Which keys such a line writes only the files say, read right
    before it runs (:func:`sysctl_file_writes`)."""
    argv = bare_words(plain_words(command))
    if not argv or program_name(argv[0]) != "sysctl":
        return None
    files: list[str] = []
    load = False
    for arg in argv[1:]:
        if arg in ("-p", "--load"):
            load = True
        elif arg.startswith("--load="):
            load = True
            files.append(arg.partition("=")[2])
        elif arg.startswith("-p") and not arg.startswith("--"):
            load = True
            files.append(arg[2:])
        elif _quiet(arg):
            continue
        elif arg.startswith("-") or not load:
            return None
        else:
            files.append(arg)
    if not load or any(not f for f in files):
        return None
    return tuple(files) or ("/etc/sysctl.conf",)


def sysctl_file_settings(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The (key, value) pairs a sysctl.conf(5) file sets, as ``sysctl -p`` reads it (``key =
    value`` lines, ``#`` and ``;`` comments, a leading ``-``: an error ignored; the last of a
    key wins), and the keys it sets that are left out of them: a key with a glob or a value
    with spaces (``net.ipv4.tcp_rmem = 4096 87380 6291456``), whose undo could not tell
    whether the value is still the one written (said: iplab will not put them back)."""
    pairs: dict[str, str] = {}
    unkept: dict[str, None] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        key, eq, value = line.partition("=")
        key, value = key.strip().removeprefix("-").strip(), value.strip()
        if not eq or not key or not value:
            continue
        if not _SYSCTL_KEY.fullmatch(key) or any(c.isspace() for c in value):
            unkept[key] = None
            continue
        pairs.pop(key, None)
        pairs[key] = value
    return list(pairs.items()), [key for key in unkept if key not in pairs]


def sysctl_file_writes(text: str) -> list[tuple[str, str]]:
    """The pairs of :func:`sysctl_file_settings`."""
    return sysctl_file_settings(text)[0]


def sysctl_file_unkept(text: str) -> list[str]:
    """The keys :func:`sysctl_file_settings` leaves out."""
    return sysctl_file_settings(text)[1]


#: a value ``echo`` writes as it is (no expansion, no glob): 1, fq_codel, 10.0.0.1
_PROC_SYS_VALUE = re.compile(r"[\w.:,/+][\w.:,/+-]*")


def _proc_sys_write(command: str) -> list[tuple[str, str]] | None:
    """``echo 1 > /proc/sys/net/ipv4/ip_forward`` (``>>``, ``printf 1``), ``echo 1 | [sudo]
    tee [-a] /proc/sys/... [> /dev/null]``: the key (its path under /proc/sys) and the
    value; after ``ip netns exec NS`` too: the outer shell opens the file, in the namespace
    the line runs in, not NS (:mod:`iplab.outershell`, hunt DU)."""
    tokens = shell_tokens(command)
    if not tokens:
        return None
    tokens = past_netns_exec(tokens)[1]
    if len(tokens) < 4 or tokens[0] not in ("echo", "printf"):
        return None
    value, rest = tokens[1], tokens[2:]
    if rest[0] in (">", ">>") and len(rest) == 2:
        path = rest[1]
    elif rest[0] == "|":
        rest = rest[2:] if rest[1:2] and program_name(rest[1]) == "sudo" else rest[1:]
        if not rest or program_name(rest[0]) != "tee":
            return None
        rest = rest[2:] if rest[1:2] in (["-a"], ["--append"]) else rest[1:]
        if not rest or rest[1:] not in ([], [">", "/dev/null"]):
            return None
        path = rest[0]
    else:
        return None
    key = path.removeprefix("/proc/sys/")
    if (
        key == path
        or not _SYSCTL_KEY.fullmatch(key)
        or ".." in key.split("/")
        or not _PROC_SYS_VALUE.fullmatch(value)
    ):
        return None
    return [(key, value)]


def past_netns_exec(tokens: list[str]) -> tuple[str | None, list[str]]:
    """A line's words past its ``[sudo] ip netns exec NS [sudo]``, and NS (None: it has
    none; the words as they are). NS runs the first simple command alone: a redirection or
    a pipe after it is the outer shell's."""
    ns, inner = inside_netns(tokens[1:] if runs_sudo(tokens) else tokens)
    return (None, tokens) if ns is None else (ns, inner[1:] if runs_sudo(inner) else inner)


def sysctl_path(key: str) -> str:
    """Where the kernel shows a sysctl: ``net.ipv4.ip_forward`` -> /proc/sys/net/ipv4/ip_forward
    (a key written with slashes is the path already: its dots are a name's, ``eth0.1``)."""
    return "/proc/sys/" + (key if "/" in key else key.replace(".", "/"))


#: the tables under net/ whose third word names a device (``net.ipv4.conf.veth0.forwarding``)
_PER_DEVICE = frozenset({("net", "ipv4", "conf"), ("net", "ipv6", "conf"),
                         ("net", "ipv4", "neigh"), ("net", "ipv6", "neigh")})  # fmt: skip
#: sysctls that are one value under two names: writing either sets what both show
_SAME = {"net/ipv4/conf/all/forwarding": "net/ipv4/ip_forward"}
#: keys the kernel lets write but not read (``net.ipv4.route.flush=1`` flushes the route
#: cache; a read of it says "Permission denied"): nothing to read back
_WRITE_ONLY = frozenset({"net/ipv4/route/flush", "net/ipv6/route/flush"})
#: keys a write of another changes too (the kernel's ``inet_forward_change``,
#: ``addrconf_fixup_forwarding``, ``addrconf_disable_ipv6``): IPv6's ``conf.all`` key sets
#: its ``conf.default`` twin at each write; IPv4's forwarding, when its value changes,
#: sets ``conf.default.forwarding`` to it and ``conf.all.accept_redirects`` to its negation
_V6_TWINS = {
    f"net/ipv6/conf/all/{key}": f"net/ipv6/conf/default/{key}"
    for key in ("forwarding", "disable_ipv6", "ignore_routes_with_linkdown")
}
_V4_FORWARDING = "net/ipv4/ip_forward"
#: the marker of a value not compared (:func:`apply_writes`: what a write may have changed)
UNKNOWN = -1


def followed_key(key: str) -> str | None:
    """The path under /proc/sys of a key verify reads back after a write (``net.ipv4.ip_forward``
    -> ``net/ipv4/ip_forward``): a key of the namespace it is written in (``net.``) that
    names no device (``conf.all``, ``conf.default`` do not: a device's keys go with it,
    and come back as the defaults when a link of that name is made again). None: not
    followed (``kernel.*``, ``net.ipv4.conf.veth0.rp_filter``)."""
    path = sysctl_path(key).removeprefix("/proc/sys/")
    parts = path.split("/")
    if parts[0] != "net" or len(parts) < 3:
        return None
    if tuple(parts[:3]) in _PER_DEVICE and (len(parts) < 5 or parts[3] not in ("all", "default")):
        return None
    if path in _WRITE_ONLY:
        return None
    return _SAME.get(path, path)


def writes_in(command: str) -> list[tuple[str | None, str, str]]:
    """Every write of a line :func:`sysctl_writes` reads (through ``bash -c '...'`` too),
    in order: (the namespace the line's own words name for it, the key as written, the
    value); the namespace: ``ip netns exec r sh -c 'echo 1 > /proc/sys/...'`` writes in r,
    not where the line runs (None: where it runs)."""
    script = shell_script(command)
    if script is not None:
        ns = inside_netns(shell_tokens(command) or command.split())[0]
        return [(inner or ns, key, value) for inner, key, value in writes_in(script)]
    return [(None, key, value) for key, value in sysctl_writes(command) or ()]


def key_path(key: str) -> str:
    """A key's path under /proc/sys (``net.ipv4.ip_forward`` -> ``net/ipv4/ip_forward``)."""
    return sysctl_path(key).removeprefix("/proc/sys/")


def followed_writes_in(command: str) -> list[tuple[str | None, str, str]]:
    """The writes of :func:`writes_in` whose keys are followed (:func:`followed_key`):
    (the namespace the line's own words name for them, path, value with its blanks made
    single spaces), in order."""
    return [
        (ns, path, " ".join(value.split()))
        for ns, key, value in writes_in(command)
        if (path := followed_key(key)) is not None
    ]


def device_writes_in(command: str) -> list[tuple[str | None, str, str]]:
    """The writes of a line (through ``bash -c '...'`` too) to a device's keys (``echo 1 >
    /proc/sys/net/ipv4/conf/veth1/proxy_arp``): (the namespace the line's own words name,
    as :func:`writes_in` says it, the device, the key as written). ``all``, ``default``
    and a key whose device the dots cannot tell (``conf.eth0.100.rp_filter``) are not
    among them."""
    out: list[tuple[str | None, str, str]] = []
    for ns, key, _ in writes_in(command):
        parts = key_path(key).split("/")
        device = tuple(parts[:3]) in _PER_DEVICE and len(parts) == 5
        if device and parts[3] not in ("all", "default"):
            out.append((ns, parts[3], key))
    return out


#: a sysctl key a line names (``net.ipv4.ip_forward``, ``/proc/sys/net/ipv4/ip_forward``)
_MENTIONED = re.compile(r"(?<![\w.-])net[./][A-Za-z0-9_.:/-]+")
#: a ``sysctl`` run
_SYSCTL_RUN = re.compile(r"(?:^|[\s;|&(/'\"`])sysctl(?=\s)")
#: an option of sysctl's that loads files: ``-p [FILE]``, ``-qp``, ``-pFILE``, ``-f``
_LOAD_OPTION = re.compile(r"-[A-Za-z]*[pf]\S*")


def loads_files(words: Sequence[str]) -> bool:
    """Whether sysctl's words (after its name) load files (``-p [FILE]``, ``-qp``,
    ``--load``, ``--system``): it writes what they say, no key of it on the line (hunt BY:
    ``ip netns exec r sysctl -p r.conf`` was taken for a read)."""
    return any(
        w == "--system" or w.startswith("--load") or _LOAD_OPTION.fullmatch(w) for w in words
    )


def _named_in_write(command: str) -> list[str] | None:
    """The keys (as written, each time named) a line that writes sysctls names, followed
    or not; [] for a line that writes none (a read: ``sysctl net.ipv4.ip_forward``, ``cat
    /proc/sys/...``); None: any key (``sysctl -p``, ``--system``: the files say which)."""
    run = _SYSCTL_RUN.search(command)
    if run is None and not ("/proc/sys/" in command and (">" in command or "tee" in command)):
        return []
    if run is not None and loads_files(command[run.end() :].split()):
        return None
    if run is not None and "=" not in command and "/proc/sys/" not in command:
        return []  # (a read: sysctl net.ipv4.ip_forward)
    return [key.rstrip(".:/-") for key in _MENTIONED.findall(command)]


def unfollowed(command: str) -> frozenset[str] | None:
    """The followed paths (:func:`followed_key`) a line may write that
    :func:`followed_writes_in` does not read (``sysctl -qw``, ``echo 0 | ip netns exec r tee
    /proc/sys/...``, ``sysctl -w ... > /dev/null``, a ``sudo`` inside): the model no longer
    knows their value. None: any key (``sysctl -p``, ``--system``: the files say which)."""
    keys = _named_in_write(command)
    if keys is None:
        return None
    named = [path for path in map(followed_key, keys) if path is not None]
    read = [path for _ns, path, _value in followed_writes_in(command)]
    return frozenset(path for path in named if named.count(path) > read.count(path))


#: what :attr:`iplab.state.Namespace.sysctls_named` holds once a step loaded sysctl files
#: there (``sysctl -p r.conf``): any key
ANY_KEY = "*"


#: the keys a new namespace copies from another at its making (the kernel's
#: ``devinet_init_net`` and ``addrconf_init_net``): each family's ``conf/all`` and
#: ``conf/default`` tables, IPv4's ``ip_forward`` among them (``conf/all/forwarding``)
_COPIED = re.compile(r"net/ipv[46]/conf/(?:all|default)/[^/]+|net/ipv4/ip_forward")
#: ``net.core.devconf_inherit_init_net`` as the kernel has it unless someone wrote it
INHERIT_DEFAULT = 0


def copied_keys(named: set[str]) -> set[str]:
    """Of the keys steps wrote in the root namespace (:attr:`iplab.state.Namespace.sysctls_named`),
    those a namespace made after them copies (:data:`ANY_KEY` too: files loaded)."""
    return {key for key in named if key == ANY_KEY or _COPIED.fullmatch(key)}


def copied_from_root(family: int, inherit: int | None = INHERIT_DEFAULT) -> bool:
    """Whether a namespace ``ip netns add`` makes in the root namespace starts with the
    root's ``conf/all``, ``conf/default`` (and ``ip_forward``) of ``family``, as the kernel's
    ``net.core.devconf_inherit_init_net`` (``inherit``) says: 0 (its default) and 1 copy
    them from the kernel's first namespace (init_net), IPv4's at 0 and both at 1; 3 from
    the namespace of the process that makes it; 2 copies nothing (the compiled defaults);
    IPv6's start at the defaults at 0 (``addrconf_init_net``). ``inherit`` None: the root
    namespace iplab runs in is not the kernel's first (the key is there only: a container,
    a namespace of ``unshare --net``), so that a copy from init_net is not of the lab's root
    (checked on this kernel, 6.18: such a root's ``ip_forward=1`` left the new namespace's
    at the host's 0)."""
    if inherit is None:
        return False
    return inherit in (0, 1, 3) if family == 4 else inherit in (1, 3)


def unread_keys(command: str) -> frozenset[str] | None:
    """The keys (paths under /proc/sys, followed or not: a device's too) a line may write
    that :func:`writes_in` does not read, as :func:`unfollowed` tells them; None: any key."""
    keys = _named_in_write(command)
    if keys is None:
        return None
    named = [key_path(key) for key in keys]
    read = [key_path(key) for _ns, key, _value in writes_in(command)]
    return frozenset(path for path in named if named.count(path) > read.count(path))


def forget_writes(sysctls: dict[str, tuple[str, int]], paths: frozenset[str] | None) -> None:
    """The values of these paths (None: all), and of the keys the kernel changes with them
    (:func:`apply_writes`), no longer compared: a line wrote them in a way not read."""
    gone = set(sysctls) if paths is None else set(paths)
    for path in list(gone):
        if path in _V6_TWINS:
            gone.add(_V6_TWINS[path])
        if path == _V4_FORWARDING:
            gone |= {"net/ipv4/conf/default/forwarding", "net/ipv4/conf/all/accept_redirects"}
    for path in gone & set(sysctls):
        sysctls[path] = (sysctls[path][0], UNKNOWN)


def apply_writes(
    sysctls: dict[str, tuple[str, int]], writes: list[tuple[str, str]], opaque: int
) -> None:
    """What the model keeps of a namespace's followed sysctls after these writes (path,
    value): each value with ``opaque`` (:attr:`iplab.state.Namespace.sysctls`), and the
    keys written before that the kernel changes with them (:data:`_V6_TWINS`, IPv4's
    forwarding): their new value, or :data:`UNKNOWN` (not compared) when it hangs on a
    value the model does not know (IPv4's forwarding before its first write here)."""
    for path, value in writes:
        twin = _V6_TWINS.get(path)
        if twin is not None and twin in sysctls:
            sysctls[twin] = (value, opaque)
        if path == _V4_FORWARDING:
            before = sysctls.get(path)
            if before is None or before[1] != opaque or _number(before[0]) is None:
                changed: bool | None = None
            else:
                changed = _number(before[0]) != _number(value)
            on = _number(value)
            for key, now in (
                ("net/ipv4/conf/default/forwarding", str(on)),
                ("net/ipv4/conf/all/accept_redirects", "0" if on else "1"),
            ):
                if key in sysctls and changed is not False:
                    sysctls[key] = (now, opaque if changed and on is not None else UNKNOWN)
        sysctls[path] = (value, opaque)


def _number(word: str) -> int | None:
    """A number as the kernel reads an integer sysctl's word (``proc_get_long``: base 0,
    ``0x1`` and ``01`` are 1; a leading ``-``); None: not one."""
    digits = word.removeprefix("-")
    if digits[:2].lower() == "0x":
        base, digits = 16, digits[2:]
    elif digits[:1] == "0" and len(digits) > 1:
        base, digits = 8, digits[1:]
    else:
        base = 10
    if not digits.isalnum() or not digits.isascii():
        return None
    try:
        n = int(digits, base)
    except ValueError:
        return None
    return -n if word.startswith("-") else n


def same_value(written: str, shown: str) -> bool:
    """Whether the kernel shows a value as written: the same words, or the same numbers
    as it reads them (``0x2`` shows as 2, ``"1024 65000"`` with a tab between)."""
    if written.split() == shown.split():
        return True
    pairs = list(zip(written.split(), shown.split(), strict=False))
    return len(written.split()) == len(shown.split()) and all(
        (n := _number(w)) is not None and n == _number(s) for w, s in pairs
    )


def sysctl_undo(writes: list[tuple[str, str]], before: dict[str, str]) -> str:
    """A shell command that puts back each value ``before`` (read right before the write),
    only where the value is still the one written: a change made since by someone else
    (another lab, the host) is theirs, left alone."""
    return "; ".join(
        f'test "$(cat {sysctl_path(key)})" != {shlex.quote(value)}'
        f" || printf '%s\\n' {shlex.quote(before[key])} > {sysctl_path(key)}"
        for key, value in writes
        if key in before
    )


def in_netns_only(command: str) -> bool:
    """:func:`iplab.words.netns_scoped`, or a write of ``net.*`` sysctls (``echo 1 >
    /proc/sys/net/ipv4/ip_forward``, through ``sh -c '...'`` too): run in a namespace,
    every change stays there, and deleting the namespace undoes it."""
    script = shell_script(command)
    if script is not None:
        return in_netns_only(script)
    if writes := sysctl_writes(command):
        return all(key.startswith(("net.", "net/")) for key, _ in writes)
    return netns_scoped(command)
