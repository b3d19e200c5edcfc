"""What a lab cannot undo: the steps a user should give an ``undo:`` (or say ``observe:
true`` of). The import's summary lists them, and ``up`` and ``run`` say them before anything
runs (hunt Y: ``modprobe``, ``ethtool -K eth0``, ``systemctl stop NetworkManager`` ran
without a word past the import)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence

from iplab import jobs, ovs
from iplab.inverse import file_writes_of, policy_write_of, sysctl_loads_of, sysctl_writes_of
from iplab.ipgrammar import refusal
from iplab.model import effects_of
from iplab.names import ROOT
from iplab.records import Record, frozen
from iplab.state import created_objects
from iplab.steps import NetnsAdd, NetnsExec, Op, Raw
from iplab.sysctl import in_netns_only, sysctl_file_settings, sysctl_loads
from iplab.words import (
    JOINS,
    deletes_a_rule,
    flushes_route_cache,
    inside_netns,
    ip_netns,
    link_scoped,
    plain_words,
    reads_only,
    shell_script,
    shell_tokens,
    simple_commands,
    unquieted,
    unsudoed,
    without_background,
)
from iplab.wrappers import program_name

__all__ = ["Item", "cannot_undo"]


@frozen(hot=True)
class Item(Record):
    """A step as the judgement needs it: its op, whether it runs in the background, and
    how to name it to the user."""

    op: Op
    background: bool
    label: str


def cannot_undo(items: Sequence[Item]) -> Iterable[str]:
    """The labels of the steps iplab cannot undo: a raw step that says nothing of its
    effects, unless what it changes goes with what the lab deletes (inside a namespace it
    makes, on a link it makes), is read back (a sysctl, the host files it writes), deletes,
    or is a job iplab stops."""
    made: set[str] = set()  # the namespaces the scenario makes: deleting one undoes what's in it
    if not any(isinstance(item.op, Raw | NetnsExec) for item in items):
        return  # (only a raw step can be one: a star of 500's 1,501 steps judged at once)
    # the links it makes (where they are): deleting one undoes what lives on it
    _, links = created_objects(item.op for item in items)
    for item in items:
        op = item.op
        if isinstance(op, NetnsAdd):
            made.add(op.name)
        if not isinstance(op, Raw | NetnsExec):
            continue  # (iplab's own op: undone by its inverse)
        said = effects_of(op) if isinstance(op, Raw | NetnsExec) else None
        undone = said is not None and bool(said.creates or said.renames)
        undone |= isinstance(op, Raw) and ovs.ports_added(op.command) is not None
        inside = isinstance(op, NetnsExec) and op.ns in made and in_netns_only(op.command)
        # (sysctl -p FILE in it, FILE the lab's own, net.* keys alone: hunt CE #4)
        inside |= isinstance(op, NetnsExec) and op.ns in made and _loads_net_only(op, items)
        inside |= isinstance(op, Raw) and ip_netns(op.command) in made  # ip -n NS ...
        inside |= isinstance(op, Raw) and _in_made(op.command, made)  # ip netns exec NS sh -c
        inside |= isinstance(op, Raw) and _fed_into_made(op.command, made)  # printf | nft -f -
        kept = isinstance(op, Raw | NetnsExec) and op.undo is None and not op.observes
        kept &= not (isinstance(op, Raw) and flushes_route_cache(op.command))
        # (a line ip refuses on any host changes nothing: hunt CE #4, 'ip netns exce')
        kept &= not (isinstance(op, Raw) and refusal(op.command) is not None)
        # (nor does a line that only reads: command -v ip || { echo ...; exit 127; })
        kept &= not (isinstance(op, Raw) and (reads_only(op.command) or _checks(op.command)))
        # (nor, wherever it runs, one that changes nothing lasting: ip netns exec alice
        # killall sudo, a signal the run limits to the lab's processes; ip netns exec X
        # false: hunt EU #1, said as a step iplab cannot undo)
        kept &= not (isinstance(op, NetnsExec) and _nothing_lasting(op.command))
        # a sysctl's undo is read when it runs; a deletion is not undone, as ip link del
        read_back = sysctl_writes_of(op) is not None or policy_write_of(op) is not None
        read_back |= sysctl_loads_of(op) is not None  # sysctl -p: its file, read then
        files = file_writes_of(op)  # mkdir -p /etc/netns/x && echo ... > .../resolv.conf
        read_back |= files is not None and files.complete
        deletion = isinstance(op, Raw) and deletes_a_rule(op.command)
        deletion |= said is not None and bool(said.deletes) and said.declared  # rm /run/netns/x
        dev = link_scoped(op.command) if isinstance(op, Raw | NetnsExec) else None
        on_a_link = dev is not None and (op.in_ns() or ROOT, dev) in links
        # a job stopped (kill %1, pkill -f server): as a deletion, not undone
        job = isinstance(op, Raw) and (
            _stopped_job(op.command, made) or jobs.request(op.command) is not None
        )
        # a server run in the background in a namespace the input makes: stopped at undo
        job |= isinstance(op, NetnsExec) and item.background and op.ns in made
        # (or one that puts itself there: iperf3 -s -D; undo stops what runs in the namespace)
        job |= isinstance(op, NetnsExec) and op.ns in made and jobs.daemon_server(op.command)
        # (also one fed its answer, a raw step: ip netns exec red nc -lkp 8080 <<< OK)
        job |= isinstance(op, Raw) and item.background and bool(_served_in(op.command) & made)
        # a listener, wherever it runs (nc -l 8080 &, in another terminal, in the root
        # namespace or one the lab does not make): all it leaves is its process, which down
        # stops (hunt EM #3: said a step iplab cannot undo)
        job |= _listens_only(op.command, item.background)
        if kept and not (undone or inside or read_back or deletion or on_a_link or job):
            yield item.label


#: what a script's check of the host runs (``command -v ip || { echo ...; exit 127; }``)
_CHECKING = frozenset({"echo", "printf", "true", "false", "exit", "type", "hash", "which"})


def _checks(command: str) -> bool:
    """A script's check of the host that changes nothing: ``command -v ip >/dev/null || {
    echo "install iproute2" >&2; exit 127; }`` (hunt CE #4: said as a step iplab cannot
    undo), its output to the terminal or /dev/null."""
    tokens, stages = shell_tokens(command), simple_commands(command)
    if not tokens or not stages or any("$" in t or "`" in t for t in tokens):
        return False
    for i, token in enumerate(tokens):
        after = tokens[i + 1 : i + 2]
        if token in (">", ">>", "&>") and after != ["/dev/null"]:
            return False
        if token == ">&" and after not in (["1"], ["2"]):
            return False
        if token in ("<", "<<", "<<<", "|", "|&", "&"):
            return False
    for stage in stages:
        words = [w for w in stage if w not in ("{", "}", "(", ")")]
        if words[:1] == ["command"] and words[1:2] in (["-v"], ["-V"]):
            continue
        if words and words[0] not in _CHECKING:
            return False
    return True


def _nothing_lasting(command: str) -> bool:
    """A command run in a namespace that leaves nothing behind, wherever it runs: a signal
    to the lab's jobs (``killall sudo``, ``pkill -f server``, ``kill %1``: the run limits
    it to the lab's processes, :mod:`iplab.jobs`), a check that only prints or fails
    (``false``, ``sh -c 'exit 1'``), a reader."""
    script = shell_script(command)
    if script is not None:  # (ip netns exec X sh -c 'false || echo failed')
        return _nothing_lasting(script)
    return jobs.request(command) is not None or reads_only(command) or _checks(command)


def _loads_net_only(op: NetnsExec, items: Sequence[Item]) -> bool:
    """``ip netns exec srv sysctl -p 99-routing.conf``, the file written by a step of the
    lab's before it (``cat > 99-routing.conf << 'EOF'``, imported as ``printf '%s\\n' LINE...
    | cat > FILE``) with ``net.*`` keys alone: each stays in the namespace, whose deletion
    undoes it (oneuptime's rp_filter page). The host's /etc/sysctl.conf, a file the lab
    does not write, a key of another table (``kernel.*``): not known to."""
    files = sysctl_loads(op.command)
    if not files:
        return False
    texts: dict[str, str] = {}
    for item in items:
        if item.op is op:
            break
        tokens = shell_tokens(item.op.command) if isinstance(item.op, Raw) else None
        if tokens and tokens[:2] == ["printf", "%s\\n"] and tokens[-4:-1] == ["|", "cat", ">"]:
            lines = tokens[2:-4]
            if not any(set(t) & set("|&;<>") for t in lines):
                texts[tokens[-1]] = "".join(f"{line}\n" for line in lines)
    for path in files:
        if path not in texts:
            return False
        pairs, unkept = sysctl_file_settings(texts[path])
        if unkept or not pairs or not all(k.startswith(("net.", "net/")) for k, _ in pairs):
            return False
    return True


def _in_made(command: str, made: set[str]) -> bool:
    """``ip netns exec NS bash -c 'ip link set $IF up'`` (a line typed in a namespace's
    shell), in a namespace the input makes, changing only what is in it."""
    try:
        ns, inner = inside_netns(shlex.split(command))
    except ValueError:
        return False
    return ns is not None and ns in made and in_netns_only(shlex.join(inner))


def _served_in(command: str) -> set[str]:
    """The namespaces a background job's programs run in (``ip netns exec red nc -lkp 8080
    <<< OK``, ``echo ... | ip netns exec a nc -l 80``: red, a; what prints its answer, in
    the root namespace); empty: another program of them runs in the root namespace, or the
    command cannot be split."""
    stages = [s for s in simple_commands(command) or [] if s[:1] not in (["echo"], ["printf"])]
    spaces = [inside_netns(stage)[0] for stage in stages]
    return {ns for ns in spaces if ns is not None} if stages and None not in spaces else set()


def _fed_into_made(command: str, made: set[str]) -> bool:
    """``printf '%s\\n' ... | ip netns exec NS nft -f -`` (a here-document fed to a program:
    hunt J), ``echo 1 | ip netns exec NS tee /proc/sys/net/...``: text printed into a
    command in a namespace the input makes, which changes only what is in it."""
    tokens = shell_tokens(command)
    stages = simple_commands(command)
    if not tokens or not stages or len(stages) < 2:
        return False
    operators = [t for t in tokens if t in JOINS or set(t) <= set("<>&()")]
    if set(operators) != {"|"}:  # (a redirection, ;, &&: more than text fed to a command)
        return False
    *feeders, last = stages
    last = unsudoed(last)
    if not all(stage[:1] in (["printf"], ["echo"]) for stage in feeders):
        return False
    ns, inner = inside_netns(last)
    if ns is None or ns not in made or not inner:
        return False
    fed = shlex.join(inner)  # (tee /proc/sys/net/...: a sysctl written with what it is fed)
    return in_netns_only(fed) or in_netns_only(f"echo 1 | {fed}")


#: the options of a server that write a file (iperf3 --logfile, nc -o FILE's hex dump)
_WRITES = ("-I", "--pidfile", "--logfile", "-o", "--output")
#: a socat address (or option) that only moves bytes between sockets and its terminal
_SOCKET = re.compile(r"-[a-z]+|-|(?i:stdio|stdout|stdin)|(?i:(tcp|udp|sctp)[46]?(-listen)?):\S*")


def _listens_only(command: str, background: bool) -> bool:
    """A server run in the background (``CMD &``, or ``background``: beside the next
    steps, as in another terminal) that only listens (:func:`iplab.jobs.serves`: ``nc -l
    8080``, ``iperf3 -s``, ``python3 -m http.server``, in any namespace), its output sent
    to /dev/null at most and no file of its own written: down stops its job (see
    :func:`iplab.undo.stop_jobs`), and nothing of it is left."""
    rest = without_background(command)
    if rest is None and not background:
        return False
    quiet = unquieted(command if rest is None else rest)
    argv = plain_words(quiet) if quiet is not None else None
    if not argv or any(w.startswith(_WRITES) for w in argv[1:]):
        return False
    at = next((i for i, w in enumerate(argv) if program_name(w) == "socat"), None)
    if at is not None and not all(_SOCKET.fullmatch(w) for w in argv[at + 1 :]):
        return False  # (socat TCP-LISTEN:80 OPEN:got.txt,creat: a file; EXEC:...: anything)
    return jobs.serves(shlex.join(argv))


def _stopped_job(command: str, made: set[str]) -> bool:
    """``CMD &`` whose job iplab stops at undo (see :func:`iplab.undo.stop_jobs`), and
    whose other changes are undone too: it runs in a namespace the input makes (``ip
    netns exec NS server &``), or only reads (``tcpdump -i br0 &``)."""
    rest = without_background(command)
    quiet = unquieted(rest) if rest is not None else None  # server > /dev/null 2>&1 &
    argv = plain_words(quiet) if quiet is not None else None
    if argv is None:
        return False
    if (inside := inside_netns(argv))[0] is not None and inside[0] in made:
        return True
    return reads_only(shlex.join(argv))
