"""What a page shows a command printing, read for what it says of the command: a ping
that reached nothing is a probe that must fail, a ping outside the lab an observing
``netns exec``, a line shown failing (iproute2's and ping's own words) a step that may
fail, a line shown failing and run again on the next line read once; and a line ip itself
refuses (a typo the page goes past), which may fail as bash goes on after it; and a ping
the model knows has no route at its line (hunt DO), a probe that must fail.

Why this module is long: each thing a page shows or a script implies of a command's
outcome is read here, against the same drafts and the model's state after them (kept as
the drafts are read, :class:`_Running`), so that one pass decides each command's reading.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from iplab import ipgrammar
from iplab.errors import Location, ScenarioError
from iplab.importer.assembly import Draft
from iplab.importer.prose import CLIENT_FAILURE_SHOWN, ERROR_SHOWN
from iplab.model import (
    Judge,
    apply,
    connected_routes,
    effects_of,
    lab_addresses,
    plain_address,
)
from iplab.names import ROOT, route_network
from iplab.programs import programs
from iplab.render import renderer
from iplab.state import State, after, created_objects, replay
from iplab.steps import (
    LinkDel,
    NetnsDel,
    NetnsDelAll,
    NetnsExec,
    Op,
    Probe,
    Raw,
    Step,
    is_observation,
)


def probes_to_exec(
    drafts: Sequence[Draft], stops: Callable[[int], bool] | None = None
) -> tuple[list[Draft], list[str]]:
    """A probe may only target an address the lab assigns: others stay ``netns exec`` steps.
    ``stops``: whether a script's shell stops at a failing command on a line (``set -e``):
    a line ip refuses there is no step that may fail, the script ends at it."""
    allowed = lab_addresses(d.op for d in drafts)
    running = _Running()
    out: list[Draft] = []
    warnings: list[str] = []
    for k, written in enumerate(drafts):
        d = written
        retried = k + 1 < len(drafts) and _unsudo(drafts[k + 1].cmd.text) == _unsudo(d.cmd.text)
        if retried and ERROR_SHOWN.search("\n".join(_output(d))):
            # ip netns add x ("Operation not permitted"), then sudo ip netns add x (or the
            # same line again): the retry is the command; as root the first would succeed
            # and the retry fail
            warnings.append(
                f"line {d.cmd.line}: the page shows {d.cmd.text!r} fail, then runs it again"
                " on the next line: read once, there"
            )
            continue
        if ERROR_SHOWN.search("\n".join(_output(d))) and (again := _retry_of(drafts, k)):
            # ip l a vx1 ... dev tun0 ("Invalid argument"), then ip l a vx1 ... dev veth-u:
            # the author's fixed retry makes the name (hunt Z: "created twice" refused it)
            warnings.append(
                f"line {d.cmd.line}: the page shows {d.cmd.text!r} fail, then makes"
                f" {again[1]} again at line {again[0].cmd.line} (the author's fixed retry):"
                " read there, not twice"
            )
            continue
        if (
            ERROR_SHOWN.search("\n".join(_output(d)))
            and not _exists(d)
            and (at := _shown_again(out, d)) >= 0
        ):
            # the vlan line in a block, then "it gave me an error on my box:" and the same
            # line with "Error: Unknown device type." under it (hunt AK #6): the page shows
            # what the line above did; read once, there, and it may fail here too ("File
            # exists" is what running it again gives: a cell run twice, said below)
            out[at] = replace(out[at], cmd=replace(out[at].cmd, may_fail=True))
            warnings.append(
                f"line {d.cmd.line}: the page shows {d.cmd.text!r} (line {out[at].cmd.line})"
                " fail: read once, at its first line, which may fail here too"
            )
            continue
        if again := _made_again(out, d):
            # ip link add veth0 ... ("File exists") after veth0 went into ns1: here it would
            # make veth0 in the root again (hunt AE: a lab the page never had, left behind)
            earlier, name = again
            warnings.append(
                f"line {d.cmd.line}: the page shows {d.cmd.text!r} fail ({_exists(d)}), but"
                f" here it would succeed ({name}, made at line {earlier.cmd.line}, is not"
                " where this line makes it by then) and make what the page never had: the"
                " author's failed attempt, not a step"
            )
            continue
        failing = _fails(_output(d)) or _said_failing(d, allowed, warnings)
        if isinstance(d.op, Probe) and failing:  # the page shows (or says) it failing
            d = replace(d, op=replace(d.op, reachable=False))
        elif (
            isinstance(d.op, Probe)
            and d.op.reachable
            and not _output(d)
            and plain_address(d.op.target) in allowed
            and not (stops is not None and stops(d.cmd.line))
            and running.unroutable(out, d.op)
        ):
            # ping 10.5.2.1 before the default routes (hunt DO: a course's router lab pings
            # across first, to show it fails, then adds the routes and pings again): ping
            # says "Network is unreachable" at once, bash goes on, and the run said FAILED
            probe = d.op
            d = replace(d, op=replace(probe, reachable=False))
            warnings.append(
                f"line {d.cmd.line}: {probe.ns} has no route to {probe.target} at this line"
                ' (ping says "connect: Network is unreachable" and bash goes on): read as a'
                " probe that must fail"
            )
        if isinstance(d.op, Probe) and plain_address(d.op.target) not in allowed:
            # the page shows it fail: a step that may fail; a link-local address the lab
            # does not assign is the one the author's kernel gave the peer (hunt BK: fe80::
            # ...%veth00, from the author's random MAC address: here no one has it)
            kernels = _link_local(d.op.target)
            failing = failing or kernels
            op: Op = NetnsExec(
                ns=d.op.ns, command=renderer().text(d.op).split(" ", 4)[4], observes=True
            )
            if d.op.text is not None:  # (timeout 3 ip netns exec NS ping ...: the line as
                # written, the wrapper in it; it became "exec NS ping ...", an internal error)
                op = Raw(command=d.op.text, observes=True)
            out.append(replace(d, op=op, cmd=replace(d.cmd, may_fail=d.cmd.may_fail or failing)))
            warnings.append(
                f"line {d.cmd.line}: ping target {d.op.target} is not an address the input assigns"
                " with 'ip addr add'; kept as 'netns exec', not a probe"
                + (
                    "; a link-local address the kernel gives a link from its MAC address,"
                    " which is another on every host (the page's is the author's): it may"
                    " fail here"
                    if kernels
                    else "; the page shows it fail: it may fail here too"
                    if failing
                    else ""
                )
            )
        elif _a_ping(d) and failing:  # ping 8.8.8.8 before the NAT: it fails
            out.append(replace(d, cmd=replace(d.cmd, may_fail=True)))
        elif (
            isinstance(d.op, Raw | NetnsExec)
            and (said := ipgrammar.refusal(d.cmd.text))
            and stops is not None
            and stops(d.cmd.line)
        ):
            # (hunt CL #2: 'set -euo pipefail', then 'ip neigh add ... nud PERMANENT': the
            # script ends there, as the run would; check says so, the line's to be fixed)
            out.append(d)
            warnings.append(
                f"line {d.cmd.line}: ip refuses {d.cmd.text!r} ({said}), and the script"
                f" stops there (set -e): {ipgrammar.refusal_hint(d.cmd.text, said)}"
            )
        elif isinstance(d.op, Raw | NetnsExec) and (said := ipgrammar.refusal(d.cmd.text)):
            # ip link set vblue-br mastr lab0 (hunt L: "ip just prints an error, keep going"):
            # ip refuses it whatever the host holds; bash prints the error and goes on
            out.append(replace(d, cmd=replace(d.cmd, may_fail=True)))
            warnings.append(
                f"line {d.cmd.line}: ip refuses {d.cmd.text!r} ({said}): "
                + (
                    hint
                    if (hint := ipgrammar.refusal_hint(d.cmd.text, said)).endswith("?")
                    else hint + ";"
                )
                + " it may fail here too, as bash goes on after it"
            )
        elif ERROR_SHOWN.search(shown := "\n".join(_output(d))) or (
            isinstance(d.op, Raw | NetnsExec) and CLIENT_FAILURE_SHOWN.search(shown)
        ):
            # ip route get 8.8.8.8 with "RTNETLINK answers: No route to host" under it, a typo
            # fixed on the next line (dev vet0, "Cannot find device"): a command the page shows
            # failing changed nothing there; it may fail here too (the model passes over it)
            out.append(replace(d, cmd=replace(d.cmd, may_fail=True)))
            warnings.append(
                f"line {d.cmd.line}: the page shows {d.cmd.text!r} fail; it may fail here too"
            )
        else:
            out.append(d)
    return out, warnings


#: the page runs a command only where a program is there (``Or, if mtr is installed, a short
#: report:``, ``If you have tcpdump available``, ``(needs iperf3)``): the program's name
_ONLY_IF = re.compile(
    r"\bif\s+(?:you\s+have\s+)?`?([\w.+-]+)`?\s+(?:is\s+)?(?:installed|available)\b"
    r"|\(\s*(?:needs|requires)\s+`?([\w.+-]+)`?\s*\)",
    re.IGNORECASE,
)


def optional_tools(drafts: Sequence[Draft]) -> tuple[list[Draft], list[str]]:
    """A command the page runs only if its program is installed (``Or, if mtr is installed,
    a short report:``): a step that may fail, so that a host without the program runs the
    rest of the lab (check says up and run go on without it). Hunt BK: the page's optional
    ``mtr`` made up and run refuse the whole lab until mtr was installed."""
    out: list[Draft] = []
    warnings: list[str] = []
    for d in drafts:
        said = " ".join(" ".join(filter(None, (d.title, d.prose))).split()[-40:])
        found = _ONLY_IF.search(said)
        program = next((name for name in found.groups() if name), "") if found else ""
        if found is None or not program or d.cmd.may_fail or program not in programs(d.cmd.text):
            out.append(d)
            continue
        out.append(replace(d, cmd=replace(d.cmd, may_fail=True)))
        warnings.append(
            f"line {d.cmd.line}: the page runs {d.cmd.text!r} only {found[0].strip('()')!r}:"
            " a step that may fail (where it is not, the lab goes on without it)"
        )
    return out, warnings


def _link_local(target: str) -> bool:
    """``fe80::c8a1:5cff:fe3e:77b2%veth00``: an IPv6 link-local address (its zone aside)."""
    try:
        return ipaddress.ip_address(target.split("%", 1)[0]).is_link_local
    except ValueError:
        return False


def _retry_of(drafts: Sequence[Draft], k: int) -> tuple[Draft, str] | None:
    """The later step that makes again a name step ``k`` makes, no step between them
    deleting it, and that name; None when there is none."""
    made = _made(drafts[k].op)
    for later in drafts[k + 1 :]:
        if _deleted(later.op) & made:
            return None
        if again := _made(later.op) & made:
            return later, sorted(again)[0][1]
    return None


def _shown_again(before: Sequence[Draft], d: Draft) -> int:
    """The index in ``before`` of the same command as ``d`` (sudo aside), no step between
    them deleting what it makes; -1: none."""
    made = _made(d.op)
    read = getattr(d.op, "dev", None) if is_observation(d.op) else None
    for k in range(len(before) - 1, -1, -1):
        if made and _deleted(before[k].op) & made:
            return -1
        if read and not is_observation(before[k].op) and read in before[k].cmd.text.split():
            # (hunt EN, a README: ``ip link show veth1`` shown, veth1 moved into vnet, the
            # same line again with ``Device "veth1" does not exist.``: the page shows the
            # move's effect, a step of its own that may fail; not the first line again)
            return -1
        if _unsudo(before[k].cmd.text) == _unsudo(d.cmd.text):
            return k
    return -1


_NOWHERE = Location("")
#: what ip prints when a name it would make is taken
_EXISTS = re.compile(r"^.*\b(?:File exists|already exists)\b.*$", re.M)


def _exists(d: Draft) -> str:
    """The line of a step's output that says a name was taken ("" when none does)."""
    found = _EXISTS.search("\n".join(_output(d)))
    return found[0].strip() if found else ""


def _made_again(before: Sequence[Draft], d: Draft) -> tuple[Draft, str] | None:
    """The earlier step that made a name ``d`` makes, no step between them deleting it,
    and that name, when the page shows ``d`` fail because the name is taken and the model
    finds it would succeed (hunt AE: the name was moved to another namespace since); None
    otherwise (one the model refuses too stays a step that may fail, which run skips)."""
    made = _made(d.op)
    if not made or not _exists(d):
        return None
    for earlier in reversed(before):
        if _deleted(earlier.op) & made:
            return None
        if again := _made(earlier.op) & made:
            return (earlier, sorted(again)[0][1]) if _succeeds(before, d) else None
    return None


class _Running:
    """The model's state after the drafts read so far, kept as they are read (a state
    replayed from the first draft for each probe made an import of 200 pings three times
    slower); broken for good once the model cannot take a step at all."""

    def __init__(self) -> None:
        self.state = State()
        self.judge = Judge(strict=False)
        self.count = 0
        self.broken = False

    def at(self, before: Sequence[Draft]) -> State | None:
        """The state after ``before`` (the drafts kept so far: this one's first ones)."""
        if self.broken:
            return None
        steps = [Step(op=b.op, loc=_NOWHERE, may_fail=b.cmd.may_fail) for b in before[self.count :]]
        try:
            for _ in replay(steps, self.state, self.judge, undo=False):
                pass
        except ScenarioError:
            self.broken = True
            return None
        self.count = len(before)
        return self.state

    def unroutable(self, before: Sequence[Draft], probe: Probe) -> bool:
        """The probe's namespace has no route to its IPv4 target after ``before``, as the
        model knows them for sure: no address of its own, no route of its main table that
        holds the target (the kernel's for its up links' addresses, a default too), and no
        policy rule nor step of unknown effect that the model cannot follow."""
        try:
            target = ipaddress.ip_address(probe.target)
        except ValueError:
            return False
        if target.version != 4 or target.is_loopback:
            return False
        state = self.at(before)
        return state is not None and _no_route(state, probe, target)


def _no_route(
    state: State, probe: Probe, target: ipaddress.IPv4Address | ipaddress.IPv6Address
) -> bool:
    """:meth:`_Running.unroutable` once the state is known."""
    space = state.namespaces.get(probe.ns)
    if space is None or not state.certain(space) or not space.routes_known or space.rules:
        return False
    if any(link.unknown for link in space.links.values()):
        return False
    for link in space.links.values():
        if any(plain_address(a.partition("/")[0]) == probe.target for a in link.addresses):
            return False  # (its own address: the local table has it)
    routes = [*space.routes, *connected_routes(state, space)]
    for route in routes:
        if route.family != 4 or route.table is not None:
            continue
        network = route_network(route.to, 4)
        if network is None or target in network:
            return False
    return True


def _succeeds(before: Sequence[Draft], d: Draft) -> bool:
    """The model takes ``d`` after the steps before it (as run takes them: one that may
    fail and that the model refuses is skipped) with no objection."""
    steps = [Step(op=b.op, loc=_NOWHERE, may_fail=b.cmd.may_fail) for b in before]
    judge = Judge(strict=False)
    try:
        state = after(steps, judge=judge)
        judge.warnings.clear()
        apply(state, d.op, None, judge)
    except ScenarioError:
        return False  # (a step the model cannot take at all: said by the import's check)
    return not judge.warnings


def made_or_deleted_before(drafts: Sequence[Draft], k: int, said: str) -> str:
    """Which earlier step made the name step ``k`` makes (the model said ``already
    exists``), or deleted the one it deletes or runs in (``does not exist``), in words to
    add to the model's message; "" when none did (hunt AE #7: an asker's commands, then the
    fixed ones; a cleanup, then the one the author offers instead)."""
    d, verb = drafts[k], "made" if "already exists" in said else "deleted"
    if verb == "made":
        wanted = _made(d.op)
    elif "does not exist" in said:
        wanted = _deleted(d.op) | ({("", ns)} if (ns := d.op.in_ns()) else set())
    else:
        return ""
    for earlier in reversed(drafts[:k]):
        gone = _deleted(earlier.op) & wanted
        if verb == "made" and gone:
            return ""
        every = isinstance(earlier.op, NetnsDelAll) and any(not ns for ns, _ in wanted)
        if (_made(earlier.op) if verb == "made" else gone) & wanted or (
            verb == "deleted" and every
        ):
            return (
                f" ({verb} by {earlier.cmd.said_at()}: {earlier.cmd.text}; the page may hold two"
                " versions of the lab, a first attempt and a fixed one or an alternative: keep one)"
            )
    return ""


def _made(op: Op) -> set[tuple[str, str]]:
    """(namespace, name) of the namespaces (namespace "") and links ``op`` makes."""
    netns, links = created_objects([op], auto=False)
    return {("", name) for name in netns} | links


def _deleted(op: Op) -> set[tuple[str, str]]:
    """(namespace, name) of the namespaces (namespace "") and links ``op`` deletes."""
    here = op.in_ns() or ROOT
    if isinstance(op, NetnsDel):
        return {("", op.name)}
    if isinstance(op, LinkDel):
        return {(here, op.dev)}
    said = effects_of(op) if isinstance(op, Raw | NetnsExec) else None
    gone = said.deletes if said is not None else ()
    return {("", e.name) if e.what == "netns" else (e.ns or here, e.name) for e in gone}


#: what ping prints when nothing came back (``100% packet loss``, ``connect: Network is
#: unreachable``, ``Destination Host Unreachable``, ``0 received``), or an ICMP error came
#: back instead (``From 10.1.0.1 icmp_seq=1 Packet filtered``, ``Time to live exceeded``:
#: hunt B, a page showing only that line), or the author's own verdict in place of the
#: output (``不通``, "does not get through", ``不可达``: hunt BC, a macvlan page's pings to
#: the parent's namespace were probes that must work, and the run said FAILED)
_NO_REPLY = re.compile(
    r"\b100(?:\.0+)?% packet loss|\bunreachable\b|\b0 (?:packets )?received\b"
    r"|\bno route to host\b|\bprohibited\b|^connect: "
    r"|^From \S+(?: \([^)\s]*\))? icmp_seq=\d+ "
    r"|^\W*(?:ping\s*)?(?:不通|不可达|无法连通)\W*$",
    re.I | re.M,
)


def _output(d: Draft) -> Sequence[str]:
    """What the page shows the command print: its own output, or that of the one line
    that is all its block (``sudo ip netns add $NS``, kept as written with its variables:
    hunt G, its ``File exists`` was not seen, the literal line's was)."""
    if d.cmd.output or d.block is None or len(d.block.cmds) != 1:
        return d.cmd.output
    return d.block.output


def _said_failing(d: Draft, allowed: Collection[str], warnings: list[str]) -> bool:
    """The page says this ping fails (``This ping should fail:``, ``# FAILS: lo is down``)
    and shows nothing it printed (what it shows wins), said in ``warnings``. (Hunt AO: an
    exercise's ping before the fix was a probe that must succeed: the run said FAILED
    where the page was right, or rolled the lab back.)"""
    if not d.said_fails or _output(d):
        return False
    if isinstance(d.op, Probe):
        probe = plain_address(d.op.target) in allowed
    elif _a_ping(d) and not _JOINED.search(d.cmd.text):  # (ping ... || echo: its own)
        probe = False
    else:
        return False
    warnings.append(
        f"line {d.cmd.line}: the page says {d.cmd.text!r} fails ({d.said_fails!r}): read as"
        + (" a probe that must fail" if probe else " a step that may fail")
    )
    return True


#: a line that joins commands with ``||`` or ``&&``: it says itself what a failure does
_JOINED = re.compile(r"\|\||&&")


def _unsudo(text: str) -> str:
    return " ".join(text.split()).removeprefix("sudo ")


def _a_ping(d: Draft) -> bool:
    """A ping kept as the author's command (a target outside the lab, in the root)."""
    words = d.cmd.text.split()
    return isinstance(d.op, Raw | NetnsExec) and any(w in ("ping", "ping6") for w in words[:8])


def _fails(output: Sequence[str]) -> bool:
    """What a ping printed says it reached nothing (and no reply came back)."""
    text = "\n".join(output)
    return bool(_NO_REPLY.search(text)) and " bytes from " not in text
