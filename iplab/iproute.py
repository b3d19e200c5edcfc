"""Read what the kernel holds: iproute2's JSON output parsed into a typed State.

Parsing is pure (:func:`parse_links`, :func:`parse_netns_list`; the State is assembled by
:func:`iplab.peers.build_state`, as for the netlink reader)
and tolerant: fields that other iproute2 versions add are ignored, fields they
leave out become None, and anything malformed raises :class:`ParseError`
naming the offending part, never a crash.

Reading (:func:`read_state`) costs one process, whatever the number of
namespaces: a small bash script that prints ``ip -j netns list``, the root
namespace's ``ip -j -d addr show`` (links with their details and addresses),
and the same for each namespace through ``ip -n NS``, between markers, so each
part is attributed to its namespace even when one of them vanishes mid-read.

A veth's peer is resolved through ``link_index`` / ``link_netnsid`` and the
namespace ids, never through names like ``vethY@if19``. Namespaces number
their interfaces independently, so two pairs in fresh namespaces often have
the same indexes; when the indexes alone are ambiguous, the namespace ids
seen from inside each namespace (``ip -n NS netns list-id``) decide.

Why this module is long: the ``ip -j`` reader whole: each JSON document parsed defensively,
and the one-process read script that produces them; both change together with iproute2's
output.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import field
from typing import Any, Protocol

from iplab import ipkind, vxlan
from iplab.errors import ParseError
from iplab.names import ROOT
from iplab.peers import RawLink, RootPart, build_state, in_part, settings_of
from iplab.records import mutable
from iplab.state import State

INTERRUPTED = "Dump was interrupted and may be inconsistent"
#: the largest ifindex, nsid, mtu or prefix length the kernel uses (a signed 32-bit int)
_INT_MAX = 2**31 - 1
MARK = "@@iplab "
#: reads of a part that iproute2 says a change interrupted (a busy host: links coming and
#: going all the time); the pause between them grows to half a second (about 15 s in all)
RETRIES = 36


def _field(entry: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        text = repr(value) if len(repr(value)) < 120 else repr(value)[:117] + "..."
        raise ParseError(f"{where}: field {key!r} is {type(value).__name__} {text}")
    if isinstance(value, int) and not -1 <= value <= _INT_MAX:
        bits = value.bit_length()
        text = str(value) if bits < 64 else f"a {bits}-bit number"
        raise ParseError(f"{where}: field {key!r} is out of range: {text}")
    return value


def _kind(entry: dict[str, Any], where: str) -> str:
    info = entry.get("linkinfo")
    if info is not None:
        if not isinstance(info, dict):
            raise ParseError(f"{where}: field 'linkinfo' is {type(info).__name__}")
        kind = _field(info, "info_kind", str, where)
        if kind:
            return str(kind)
    link_type = _field(entry, "link_type", str, where)
    flags = entry.get("flags")
    if link_type == "loopback" or (isinstance(flags, list) and "LOOPBACK" in flags):
        return "loopback"
    return str(link_type) if link_type else "unknown"


def _mode(entry: dict[str, Any], where: str) -> str | None:
    """A macvlan's (macvtap's) mode: ``linkinfo.info_data.mode``; None for another kind."""
    info = entry.get("linkinfo")
    if not isinstance(info, dict) or info.get("info_kind") not in ("macvlan", "macvtap"):
        return None
    data = info.get("info_data")
    return _field(data, "mode", str, where) if isinstance(data, dict) else None


def _vxlan(entry: dict[str, Any]) -> dict[str, str]:
    """A vxlan's id, remote... (:func:`iplab.vxlan.from_info_data`); {} for another kind."""
    info = entry.get("linkinfo")
    if not isinstance(info, dict) or info.get("info_kind") != "vxlan":
        return {}
    data = info.get("info_data")
    return vxlan.from_info_data(data) if isinstance(data, dict) else {}


def _addresses(entry: dict[str, Any], where: str) -> tuple[list[str], dict[str, str]]:
    """The link's addresses, and those Duplicate Address Detection holds back (``"tentative":
    true``, ``"dadfailed": true``)."""
    info = entry.get("addr_info")
    if info is None:
        return [], {}
    if not isinstance(info, list):
        raise ParseError(f"{where}: field 'addr_info' is {type(info).__name__}, not a list")
    out = []
    dad: dict[str, str] = {}
    for item in info:
        if not isinstance(item, dict):
            raise ParseError(f"{where}: an addr_info entry is {type(item).__name__}")
        local = _field(item, "local", str, where)
        prefix = _field(item, "prefixlen", int, where)
        if local is not None and prefix is None:
            raise ParseError(f"{where}: address {local!r} has no 'prefixlen'")
        if local is None:
            continue
        out.append(f"{local}/{prefix}")
        for flag in ("dadfailed", "tentative"):  # (a failed address is tentative too)
            if item.get(flag) is True:
                dad[f"{local}/{prefix}"] = flag
                break
    return out, dad


def parse_links(data: Any, ns: str = ROOT) -> list[RawLink]:
    """Parse the JSON of ``ip -j [-d] link`` or ``ip -j [-d] addr`` (one namespace)."""
    label = "the root namespace" if ns == ROOT else f"namespace {ns}"
    if not isinstance(data, list):
        raise ParseError(f"{label}: expected a JSON list of links, found {type(data).__name__}")
    out: list[RawLink] = []
    seen_names: set[str] = set()
    seen_indexes: set[int] = set()
    for i, entry in enumerate(data):
        where = f"{label}, link #{i + 1}"
        if not isinstance(entry, dict):
            raise ParseError(f"{where}: expected an object, found {type(entry).__name__} {entry!r}")
        if not entry:  # ip prints {} for an address-only entry with no link info
            continue
        name = _field(entry, "ifname", str, where)
        ifindex = _field(entry, "ifindex", int, where)
        if name is None or ifindex is None:
            raise ParseError(f"{where}: no 'ifname' or 'ifindex' in {_short(entry)}")
        where = f"{label}, link {name}"
        if name in seen_names or ifindex in seen_indexes:
            again = f"name {name!r}" if name in seen_names else f"ifindex {ifindex}"
            raise ParseError(f"{where}: two links with the {again} in one namespace")
        seen_names.add(name)
        seen_indexes.add(ifindex)
        flags = _field(entry, "flags", list, where) or []
        if not all(isinstance(f, str) for f in flags):
            raise ParseError(f"{where}: field 'flags' holds a non-string: {flags!r}")
        link_field = _field(entry, "link", str, where)
        addresses, dad = _addresses(entry, where)
        out.append(
            RawLink(
                name=name,
                ifindex=ifindex,
                kind=_kind(entry, where),
                up="UP" in flags,
                operstate=_field(entry, "operstate", str, where),
                qdisc=_field(entry, "qdisc", str, where),
                mtu=_field(entry, "mtu", int, where),
                mac=_field(entry, "address", str, where),
                master=_field(entry, "master", str, where),
                link_index=_field(entry, "link_index", int, where),
                link_netnsid=_field(entry, "link_netnsid", int, where),
                link_name=link_field if link_field and link_field != "NONE" else None,
                addresses=addresses,
                dad=dad,
                altnames=[
                    a for a in _field(entry, "altnames", list, where) or [] if isinstance(a, str)
                ],
                settings=settings_of(
                    flags,
                    _field(entry, "txqlen", int, where),
                    _field(entry, "ifalias", str, where),
                    _mode(entry, where),
                    _vxlan(entry),
                ),
            )
        )
    return out


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) < 120 else text[:117] + "..."


def parse_netns_list(data: Any) -> dict[str, int | None]:
    """``ip -j netns list`` -> {name: nsid as seen from here, or None}."""
    if data is None:  # old iproute2 prints nothing at all when there is no namespace
        return {}
    if not isinstance(data, list):
        raise ParseError(f"ip -j netns list: expected a list, found {type(data).__name__}")
    out: dict[str, int | None] = {}
    for entry in data:
        if not isinstance(entry, dict):
            raise ParseError(f"ip -j netns list: entry {_short(entry)} is not an object")
        name = _field(entry, "name", str, "ip -j netns list")
        if name is None:
            raise ParseError(f"ip -j netns list: entry {_short(entry)} has no name")
        out[name] = _field(entry, "id", int, f"ip -j netns list, {name}")
    return out


def parse_nsid_list(data: Any, where: str) -> dict[int, str]:
    """``ip -j netns list-id`` inside a namespace -> {nsid: name} ("" for the unnamed root)."""
    if data is None:
        return {}
    if not isinstance(data, list):
        raise ParseError(f"{where}: netns list-id: expected a list, found {type(data).__name__}")
    out: dict[int, str] = {}
    for entry in data:
        if not isinstance(entry, dict):
            raise ParseError(f"{where}: netns list-id entry {_short(entry)} is not an object")
        nsid = _field(entry, "nsid", int, where)
        name = _field(entry, "name", str, where)
        if nsid is not None and name:
            # an id with no name is the root *or* a namespace without a name (a
            # container's): never read as the root
            out[nsid] = name
    return out


def loads(text: str, what: str) -> Any:
    """One JSON document; empty output means "nothing" (None)."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        snippet = text[max(0, exc.pos - 30) : exc.pos + 30].replace("\n", " ")
        raise ParseError(
            f"{what}: invalid JSON at line {exc.lineno}: {exc.msg} near {snippet!r}"
        ) from None
    except RecursionError:
        raise ParseError(f"{what}: JSON nested too deeply to be iproute2's") from None
    except ValueError as exc:  # a number longer than int's 4300 digits
        raise ParseError(f"{what}: unreadable JSON: {str(exc).split(';')[0]}") from None


# -- reading the live kernel --------------------------------------------------------------------


class Shell(Protocol):
    """What reading needs from the runner: run one argv, get rc, stdout, stderr."""

    def query(self, argv: Sequence[str], privileged: bool, what: str) -> tuple[int, str, str]: ...


# Each command's output is followed by an "err" section: its exit status and its stderr,
# kept apart so that a message printed in the middle of a dump never breaks its JSON.
_RUN = r"""
E=$(mktemp) || exit 1
trap 'rm -f "$E"' EXIT
run() {
  printf '%s%s %s\n' "$M" "$1" "$2"; shift 2
  if "$@" 2>"$E"; then s=0; else s=$?; fi
  printf '\n%serr %s\n' "$M" "$s"
  if [ -s "$E" ]; then cat "$E"; fi  # (a builtin test: no process when stderr was empty)
}
"""

_READ_SCRIPT = (
    _RUN
    + r"""
if [ "$1" = "--root" ]; then
  shift
  run netns - ip -j netns list
  run root - ip -j -d addr show
fi
if [ "$1" = "--all" ]; then set -- $(ip netns list 2>/dev/null | cut -d' ' -f1); fi
for ns in "$@"; do run ns "$ns" ip -n "$ns" -j -d addr show; done
"""
)

_IDS_SCRIPT = (
    _RUN
    + r"""
for ns in "$@"; do run ns "$ns" ip -n "$ns" -j netns list-id; done
"""
)


def _script(body: str, args: Iterable[str]) -> list[str]:
    return ["bash", "-c", f"M='{MARK}'\n{body}", "iplab-read", *args]


def read_script(body: str, args: Iterable[str]) -> list[str]:
    """A bash reader whose ``body`` calls ``run KIND NAME CMD...`` for each command: its
    output marked, for :func:`outputs` (one process, whatever the number of commands)."""
    return _script(_RUN + body, args)


def read_in_each(shell: Shell, body: str, namespaces: Sequence[str], what: str) -> str:
    """Run a read script's ``body`` over ``namespaces`` (ROOT given to it as ``-``) in one
    bash process, audited as "read WHAT with ip -j: NS..."; its marked output (for
    :func:`outputs`). ``what``: what it reads (``routes``), which a failure names too."""
    args = ["-" if ns == ROOT else ns for ns in namespaces]
    said = f"read {what} with ip -j:" + "".join(f" {'root' if a == '-' else a}" for a in args)
    rc, out, err = shell.query(read_script(body, args), True, said)
    if rc != 0:
        raise ParseError(f"reading the {what} failed (exit {rc}): {err.strip() or out[-200:]}")
    return out


def json_sections(
    text: str, kinds: Collection[str], what: str
) -> Iterator[tuple[str, str, list[Any]]]:
    """(kind, namespace, entries) of each command of ``kinds`` a read script ran: the JSON
    list it printed (ROOT for ``-``). A namespace that could not be entered (deleted
    meanwhile) is passed over; any other failure, or output that is not JSON, is a
    ParseError naming ``what`` (``ip -j neigh show``) and the namespace."""
    for kind, name, body, status, err in outputs(text):
        if kind not in kinds:
            continue
        if status != 0:
            if "Cannot open network namespace" in err or "No such file" in err:
                continue
            raise ParseError(f"{what} ({name}): exit {status}: {err.strip()}")
        try:
            entries = json.loads(body or "[]")
        except json.JSONDecodeError as exc:
            raise ParseError(f"{what} ({name}): not JSON: {exc}") from None
        yield kind, ROOT if name == "-" else name, entries if isinstance(entries, list) else []


def split_sections(text: str) -> list[tuple[str, str, str]]:
    """Split marked output into (kind, name, body) sections."""
    sections: list[tuple[str, str, list[str]]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith(MARK):
            words = line[len(MARK) :].split(maxsplit=1)
            kind = words[0] if words else ""
            name = words[1].strip() if len(words) > 1 else ""
            sections.append((kind, name, []))
        elif sections:
            sections[-1][2].append(line)
    return [(kind, name, "".join(body)) for kind, name, body in sections]


@mutable
class Read:
    """One run of the read script, parsed."""

    #: the root's ids of the namespaces (None: the list was not read)
    root_ids: dict[str, int | None] | None = None
    links: dict[str, list[RawLink]] = field(default_factory=dict)
    vanished: set[str] = field(default_factory=set)
    #: entries of /run/netns that are no namespace (a file a crash or a failed ``ip netns
    #: add`` left behind: ``ip netns list`` shows it, nothing can enter it); not read
    stale: set[str] = field(default_factory=set)
    #: sections iproute2 said were interrupted ("netns", "root" or a namespace): read them again
    interrupted: set[str] = field(default_factory=set)


def outputs(text: str) -> list[tuple[str, str, str, int, str]]:
    """(kind, name, stdout, exit status, stderr) of each command of a read script."""
    out: list[tuple[str, str, str, int, str]] = []
    pending: tuple[str, str, str] | None = None
    for kind, name, body in split_sections(text):
        if kind == "err" and pending is not None:
            status = int(name) if name.lstrip("-").isdigit() else 1
            out.append((*pending, status, body))
            pending = None
        elif kind != "err":
            if pending is not None:  # the script was cut short: no status for it
                out.append((*pending, 1, "no exit status (the read was cut short)"))
            pending = (kind, name, body)
    if pending is not None:
        out.append((*pending, 1, "no exit status (the read was cut short)"))
    return out


#: what ``ip -n NAME`` says when /run/netns/NAME is not a namespace (setns: EINVAL)
STALE_ENTRY = "setting the network namespace"


def parse_read(text: str) -> Read:
    """Parse the read script's output."""
    read = Read()
    for kind, name, body, status, err in outputs(text):
        if INTERRUPTED in err or INTERRUPTED in body:
            read.interrupted.add(name if kind == "ns" else kind)
            continue
        if status != 0:
            if kind == "ns" and "Cannot open network namespace" in err:
                read.vanished.add(name)
                continue
            if kind == "ns" and STALE_ENTRY in err:
                read.stale.add(name)  # one broken entry does not stop a read of the host
                continue
            first = err.strip().splitlines()[0] if err.strip() else f"exit status {status}"
            where = f"namespace {name}" if kind == "ns" else f"the {kind} read"
            if (why := ipkind.said_of_failure(err)) is not None:  # (hunt EK: busybox's ip)
                raise ipkind.NotIproute2(f"{where}: {why}")
            raise ParseError(f"{where}: ip failed: {first}")
        if kind == "netns":
            read.root_ids = parse_netns_list(_ip_json(body, "ip -j netns list"))
        elif kind == "root":
            read.links[ROOT] = parse_links(_ip_json(body, "the root namespace"), ROOT)
        elif kind == "ns":
            read.links[name] = parse_links(_ip_json(body, f"namespace {name}"), name)
    return read


def _ip_json(text: str, what: str) -> Any:
    """:func:`loads` of what ``ip -j`` printed; text where JSON belongs is an iproute2
    older than that command's JSON output (hunt EK: iproute2-ss180129 takes ``-j`` and
    prints ``ns1 (id: 0)`` for ``ip -j netns list``), said as such."""
    if (why := ipkind.text_for_json(text)) is not None:
        raise ParseError(f"{what}: {why}")  # (read_with_ip names the ip)
    return loads(text, what)


#: from this many namespaces on, a lab is read over netlink (as root, on the real kernel).
#: Measured (bench/read_state.py): netlink is the faster at every size, the root alone
#: included (no process to start: 2 namespaces 3x, 500 namespaces 15x faster), so the
#: ip -j reader serves as the reference, for the whole host, without root, and when the
#: kernel cannot read namespaces by id.
NETLINK_FROM = 0
#: ``IPLAB_READER``: ``ip`` or ``netlink`` forces a reader (tests, benchmarks); default ``auto``
READER_VARIABLE = "IPLAB_READER"


def _real(shell: Shell) -> bool:
    """iplab runs as root on the real kernel (not a fake runner, not through sudo)."""
    from iplab.runner import Runner, ShExecutor

    return isinstance(shell, Runner) and shell.is_root and isinstance(shell.executor, ShExecutor)


def choose_reader(shell: Shell, namespaces: Collection[str] | None) -> str:
    """``netlink`` or ``ip``: netlink for a large enough set of namespaces, when iplab runs
    as root on the real kernel (a fake runner, or sudo, means the ``ip -j`` reader)."""
    wanted = os.environ.get(READER_VARIABLE, "auto")
    if wanted == "ip" or namespaces is None:  # every namespace: never number foreign ones
        return "ip"
    if not _real(shell):
        return "ip"
    if wanted == "netlink":
        return "netlink"
    return "netlink" if len(set(namespaces) - {ROOT}) >= NETLINK_FROM else "ip"


def read_state(
    shell: Shell,
    namespaces: Iterable[str] | None = None,
    roots: Collection[str] | None = None,
    part: RootPart | None = None,
) -> State:
    """The live state of the root namespace and of ``namespaces`` (None: every namespace).

    Namespaces that do not exist are simply absent from the result. A part that
    iproute2 says was interrupted by a change is read again (alone, after a short
    pause); a state with a part missing is never returned. Large labs are read
    over netlink (:mod:`iplab.netlink`, no process at all), small ones and the
    whole host with ``ip -j``; both give the same State.

    ``roots``: the root links whose veth peers the caller needs named when they live
    outside ``namespaces`` (None: all). The netlink reader leaves the others unnamed
    (:func:`iplab.netlink.read`: naming them asks every namespace of the host); the ``ip
    -j`` reader, which lists every namespace's id anyway, names them all.

    ``part``: the root links the caller looks at (:class:`iplab.netlink.RootPart`; None:
    every one). The netlink reader asks the kernel for those alone; the ``ip -j`` reader
    reads the root whole and keeps those (:func:`root_part`): both give the same State.
    """
    if roots is None and part is None:  # (as before: tests/test_ahead.py wraps begin_read)
        return begin_read(shell, namespaces, ahead=False)()
    return begin_read(shell, namespaces, roots, part, ahead=False)()


def begin_read(
    shell: Shell,
    namespaces: Iterable[str] | None = None,
    roots: Collection[str] | None = None,
    part: RootPart | None = None,
    *,
    ahead: bool = True,
) -> Callable[[], State]:
    """A read of the state begun now, and the call that ends it: what :func:`read_state`
    gives. With ``ahead``, the netlink reader's dumps run in a thread while the caller goes
    on (#14: an ``up`` writes its batch's audit and journal records while the kernel, which
    a fresh lab keeps busy, answers them); the ending call waits for them, and audits the
    read in the caller's thread, as every read is. The ``ip -j`` reader, a process, runs
    when the read ends."""
    wanted = None if namespaces is None else sorted(set(namespaces) - {ROOT})
    if wanted is None or choose_reader(shell, wanted) != "netlink":
        return lambda: root_part(read_with_ip(shell, wanted), part)
    from iplab import netlink
    from iplab.runner import Runner

    assert isinstance(shell, Runner)
    outcome: list[tuple[State, netlink.Reading] | BaseException] = []
    took: list[float] = []  # the read's own time (not the time until it was asked for)

    def dumps() -> None:
        start = time.perf_counter()
        try:
            outcome.append(netlink.read_state(wanted, roots, part))
        except BaseException as exc:  # the caller's, when the read ends
            outcome.append(exc)
        took.append(time.perf_counter() - start)

    worker = None
    if ahead:
        worker = threading.Thread(target=dumps, name="iplab-read", daemon=True)
        try:
            worker.start()
        except (RuntimeError, MemoryError):  # no thread to be had: read when it ends
            worker = None

    def end() -> State:
        if worker is None:
            dumps()
        else:
            worker.join()
        meta: dict[str, object] = {
            "kind": "read", "reader": "netlink", "namespaces": wanted,
            "text": f"read state with netlink: the root and {len(wanted)} namespaces",
        }  # fmt: skip
        got = outcome[0]
        if isinstance(got, netlink.Unsupported):
            shell.note({**meta, "fallback": "ip"}, took[0], 1, str(got))
            return root_part(read_with_ip(shell, wanted), part)
        if isinstance(got, ParseError):
            shell.note(meta, took[0], 1, str(got))
            raise got
        if isinstance(got, BaseException):
            raise got
        state, reading = got
        extra: dict[str, object] = {"numbered": reading.numbered} if reading.numbered else {}
        if reading.asked:  # ids asked of namespaces outside the lab, to name veths' peers
            extra["asked"] = reading.asked
        if reading.root_links is not None:  # the root links read, by name (a part)
            extra["root_links"] = reading.root_links
        shell.note({**meta, **extra, "dumps": reading.dumps}, took[0])
        return state

    return end


def root_part(state: State, part: RootPart | None) -> State:
    """``state`` with only the root links of ``part`` (None: all): what the netlink reader
    reads of the root for it (:func:`iplab.netlink.in_part`, and the root ends of the
    namespaces' veths)."""
    if part is None or ROOT not in state.namespaces:
        return state
    space = state.namespaces[ROOT]
    ends = {
        x.peer for ns, x in state.links() if ns != ROOT and x.peer is not None and x.peer_ns == ROOT
    }
    space.links = {n: x for n, x in space.links.items() if in_part(part, n, x.master) or n in ends}
    state.unnamed = {n: x for n, x in state.unnamed.items() if n in space.links}
    return state


def live_unnamed(shell: Shell, state: State, names: Collection[str]) -> set[str]:
    """Of the root's veths ``names``, those whose peer lives in a namespace without a
    name (``State.unnamed``; a container's): no deletion of a lab's namespace destroys
    them. The others' namespace is being destroyed (deleted a moment ago), or iplab cannot
    tell (not root, a fake runner, a kernel that cannot dump by id): they go, or may go,
    by themselves. Asked over netlink, no process (:func:`iplab.netlink.live_peers`),
    audited as every read is."""
    asked = {}
    for name in sorted(names):
        link = state.link(ROOT, name)
        if name in state.unnamed and link is not None and link.ifindex is not None:
            asked[name] = (*state.unnamed[name], link.ifindex)
    if not asked or not _real(shell):
        return set()
    from iplab import netlink
    from iplab.runner import Runner

    assert isinstance(shell, Runner)
    start = time.perf_counter()
    meta: dict[str, object] = {  # (no namespace it reads has a name: "namespaces" empty,
        # as every netlink read's record has the field)
        "kind": "read", "reader": "netlink", "namespaces": [], "asked": len(asked),
        "text": f"asked whether the namespaces of {len(asked)} veth peers without a name live",
    }  # fmt: skip
    try:
        live = netlink.live_peers(asked)
    except (netlink.Unsupported, OSError, ParseError) as exc:  # cannot tell: they may go
        shell.note(meta, time.perf_counter() - start, 1, str(exc))
        return set()
    shell.note({**meta, "live": sorted(live)}, time.perf_counter() - start)
    return live


def read_with_ip(shell: Shell, namespaces: Iterable[str] | None = None) -> State:
    """The ``ip -j`` reader (the reference): one bash process running ``ip`` per namespace."""
    pending = ["--all"] if namespaces is None else sorted(set(namespaces) - {ROOT})
    if namespaces is None:  # (hunt AJ: /run/netns a file, and status listed the root only)
        from iplab.netlink import named_namespaces

        named_namespaces()  # a ParseError when /var/run/netns is no directory
    privileged = namespaces is None or bool(pending)
    root = True
    root_ids: dict[str, int | None] = {}
    links: dict[str, list[RawLink]] = {}
    for attempt in range(RETRIES):
        what = "read state with ip -j: " + ("the root" if root else "") + (
            " every namespace" if pending == ["--all"] else "".join(f" {n}" for n in pending)
        )  # fmt: skip
        argv = _script(_READ_SCRIPT, (["--root"] if root else []) + pending)
        rc, out, err = shell.query(argv, privileged, what.strip())
        if rc != 0:
            raise ParseError(_failed("reading the state", rc, err.strip() or out[-200:]))
        try:
            read = parse_read(out)
        except ipkind.NotIproute2:
            raise  # (it names the ip and what to do)
        except ParseError as exc:  # (hunt CY: "the netns read: ip failed: Segmentation
            # fault", of an ip on PATH that is not iproute2's, named no binary)
            raise ParseError(f"{exc} {_ip_named()}") from None
        if root and not read.interrupted & {"netns", "root"}:
            if ROOT not in read.links or read.root_ids is None:
                raise ParseError("reading the state: no output for the root namespace")
            root_ids, root = read.root_ids, False
        links.update(read.links)
        pending = sorted(read.interrupted - {"netns", "root"})  # (root stays set if it was cut)
        if not pending and not root:
            break
        time.sleep(min(0.5, 0.01 * 2**attempt) * (0.5 + random.random()))  # not in step
    else:
        raise ParseError(f"iproute2 kept saying '{INTERRUPTED}' ({RETRIES} reads); try again")
    state, ambiguous = build_state(links, root_ids)
    if ambiguous:
        state, _still = build_state(links, root_ids, _nsid_maps(shell, ambiguous))
    state.unread = set(root_ids) - set(state.namespaces)
    return state


def _ip_named() -> str:
    """Which ``ip`` a read ran, and what to do of one that fails or prints what iproute2
    does not."""
    ip = shutil.which("ip")
    if ip is None:  # (hunt EK: "(no ip on PATH)" of the ip in /usr/sbin a PATH lacked)
        from iplab.programs import off_path

        if (folder := off_path("ip")) is not None:
            return f"(ip is not on PATH: it is in {folder}, which PATH lacks; add {folder} to PATH)"
        return f"(this host has no ip: {ipkind.INSTALL})"
    return (
        f"(the ip it runs: {ip}, the first on PATH; check it with `{ip} -V`, or put"
        " iproute2's first on PATH)"
    )


def _failed(what: str, rc: int, said: str) -> str:
    """A read that failed, and for one killed (by its time limit: an ``ip`` that hangs),
    which ``ip`` it ran (hunt AJ: `reading the state failed (exit -9): @@iplab netns -`)."""
    if rc >= 0:
        return f"{what} failed (exit {rc}): {said}"
    return f"{what} failed: {said} (the ip it runs: {shutil.which('ip') or 'none on PATH'})"


def _nsid_maps(shell: Shell, namespaces: set[str]) -> dict[str, dict[int, str]]:
    names = sorted(namespaces - {ROOT})
    rc, out, err = shell.query(_script(_IDS_SCRIPT, names), True, "read namespace ids")
    if rc != 0:
        raise ParseError(_failed("reading namespace ids", rc, err.strip()))
    maps: dict[str, dict[int, str]] = {}
    for kind, name, body, status, _err in outputs(out):
        if kind == "ns" and status == 0:
            maps[name] = parse_nsid_list(_ip_json(body, f"namespace {name}"), name)
    return maps


def read_names(shell: Shell) -> tuple[set[str], set[str]]:
    """(link names in the root namespace, their altnames too, namespace names): the
    snapshot for preflight. Over netlink, of each link its names alone are decoded
    (:func:`iplab.netlink.read_names`); the ``ip -j`` reader reads the root whole."""
    if choose_reader(shell, []) == "netlink":
        from iplab import netlink
        from iplab.runner import Runner

        assert isinstance(shell, Runner)
        meta: dict[str, object] = {
            "kind": "read", "reader": "netlink", "namespaces": [],
            "text": "read the names of the root's links and of the namespaces with netlink",
        }  # fmt: skip
        start = time.perf_counter()
        said: list[str] = []
        try:
            names = netlink.read_names(said)
        except netlink.Unsupported as exc:  # (the ip -j reader, below)
            shell.note({**meta, "fallback": "ip"}, time.perf_counter() - start, 1, str(exc))
        except ParseError as exc:
            shell.note(meta, time.perf_counter() - start, 1, str(exc))
            raise
        else:
            shell.note({**meta, **({"interrupted": said[0]} if said else {})},
                       time.perf_counter() - start)  # fmt: skip
            return names
    state = read_state(shell, [])
    return set(state.namespaces[ROOT].links) | state.altnames, set(state.unread)
