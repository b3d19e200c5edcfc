"""Work inside a live lab: exec, shell, impairments, link faults, capture.

Every change made here goes through the lab's own journal, write-ahead, with its
inverse (so ``iplab down`` undoes it like the setup), runs through the runner
(audited), and is read back from the kernel's own JSON (``tc -j qdisc show``,
``ip -j -d addr``). Commands run only in the lab's namespaces, on the lab's links.

A change is carried by the ops the journal already knows: a ``tc`` line inside a
namespace is a ``netns exec`` op with its undo line, in the root namespace a raw
op; a link fault is an ``ip link set`` op whose inverse the model computes.

Why this module is long: each live change (exec, shell, impair, link, capture) is a
journaled change with its inverse and its read-back; they share the lab lookup, the journal
handling and the namespace checks.
"""

from __future__ import annotations

import itertools
import shlex
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iplab import iproute, tc, undo
from iplab.context import Env
from iplab.errors import IplabError, UsageError
from iplab.interrupts import Signals, fault
from iplab.inverse import inverse
from iplab.journal import Entry, Journal, LabInfo, UndoRecord, no_such_lab, open_lab
from iplab.names import ROOT, ns_label
from iplab.plurals import counted
from iplab.records import Record, frozen
from iplab.render import Command, Renderer, split
from iplab.runner import Result, Runner
from iplab.state import Link, State
from iplab.steps import LinkDel, LinkSet, NetnsDel, NetnsExec, Op, Raw
from iplab.verify import Difference

PHASE = "live"


@frozen(hot=True)
class Target(Record):
    """A link of the lab: its namespace (ROOT for the root namespace) and its name."""

    ns: str
    dev: str

    def __str__(self) -> str:
        return f"{self.ns or 'root'}:{self.dev}"


# -- names ------------------------------------------------------------------------------------


def lab_netns(info: LabInfo) -> list[str]:
    """The namespaces the lab created (those it found on the host are not its to change)."""
    return sorted(set(info.owned_netns) - set(info.preexisting_netns))


def resolve_netns(info: LabInfo, name: str) -> str:
    """A namespace of the lab, by its name or by its name before the lab's prefix."""
    mine = lab_netns(info)
    for candidate in (name, f"{info.prefix}{name}"):
        if candidate in mine:
            return candidate
    raise UsageError(
        f"{name} is not a namespace of lab {info.lab}",
        hint=f"its namespaces: {', '.join(mine) or 'none'}",
    )


def lab_links(info: LabInfo, state: State) -> list[Target]:
    """Every link of the lab: those in its namespaces, and its own in the root namespace."""
    out: list[Target] = []
    for ns in lab_netns(info):
        space = state.namespaces.get(ns)
        if space is not None:
            out.extend(Target(ns, name) for name in sorted(space.links))
    root = state.namespaces.get(ROOT)
    owned = set(info.owned_links) - set(info.preexisting_links)
    if root is not None:
        out.extend(Target(ROOT, name) for name in sorted(root.links) if name in owned)
    return out


def resolve_link(info: LabInfo, state: State, text: str) -> Target:
    """``NS:IFNAME`` (``root:IFNAME`` for the root namespace) or a name unique in the lab;
    either may leave out the lab's prefix."""
    links = lab_links(info, state)
    ns_part, sep, dev_part = text.rpartition(":")
    names = [text] if not sep else [dev_part]
    for dev in names + [f"{info.prefix}{n}" for n in names if info.prefix]:
        if sep:
            wanted = {ROOT} if ns_part in ("root", "") else {ns_part, f"{info.prefix}{ns_part}"}
            found = [t for t in links if t.dev == dev and t.ns in wanted]
        else:
            found = [t for t in links if t.dev == dev and t.dev != "lo"]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UsageError(
                f"{text} names a link in several namespaces of lab {info.lab}: "
                f"{', '.join(str(t) for t in found)}",
                hint="write it NS:IFNAME",
            )
    shown = [str(t) for t in links if t.dev != "lo"]
    raise UsageError(
        f"{text} is not a link of lab {info.lab}",
        hint=f"its links: {', '.join(shown) or 'none'}",
    )


# -- a live lab ---------------------------------------------------------------------------------


def _lab_record(env: Env, lab: str) -> LabInfo:
    return _lab_record_at(env.state_dir, lab)


def _context(env: Env, info: LabInfo, run: str) -> None:
    """The audit records' context for a command on the lab; and, before it runs, the
    certainty that its record can be written."""
    env.context.update(
        {"lab": info.lab, "run": run, "scenario": info.scenario, "sha256": info.sha256}
    )
    env.audit_ready()


def new_run_id() -> str:
    import uuid

    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@dataclass
class Live:
    """A lab that is up, held (its lock) while one live change is made."""

    env: Env
    journal: Journal
    info: LabInfo
    run: str
    render: Renderer

    def state(self) -> State:
        return iproute.read_state(self.env.runner, lab_netns(self.info))

    def line(self, template: str, **variables: Any) -> str:
        """One line rendered through a template (the run's --templates first)."""
        import jinja2

        try:
            text = self.render.env.get_template(template).render(**variables).strip()
        except jinja2.TemplateError as exc:
            raise UsageError(f"template {template}: {exc}") from None
        if not text or "\n" in text:
            raise UsageError(f"template {template} must render exactly one line, got {text!r}")
        try:
            words = split(text)
        except ValueError:
            words = ()
        dev = variables.get("dev")
        options = list(itertools.takewhile(lambda w: w.startswith("-"), words[1:]))
        objects = words[1 + len(options) : 2 + len(options)]
        if words[:1] != ("tc",) or objects != ("qdisc",) or (dev is not None and dev not in words):
            # it runs as root: a template may spell the tc line, never run something else
            raise UsageError(
                f"template {template} must render a tc qdisc command for "
                f"{dev or 'the links'}, rendered {text!r}"
            )
        return text

    def command(self, op: Op) -> Command:
        return self.render.command(op, sudo=False)

    def change(self, op: Op, before: State) -> Result:
        """Journal the op and its inverse (durably, before it runs), run it, record the outcome."""
        command = self.command(op)
        undo = [UndoRecord(u.op, u.guard, False) for u in inverse(before, op)]
        entry: Entry = self.journal.new_entry(
            self.run, number=0, phase=PHASE, text=command.text, argv=command.argv, undo=undo, op=op
        )
        self.env.out.write(f"{command.text}\n")
        self.env.out.flush()
        with Signals():  # a Ctrl-C waits for the outcome to be recorded
            self.journal.intend([entry])
            fault("before-run", 1)
            result = self.env.runner.execute(
                command.argv, command.privileged,
                meta={"step": 0, "phase": PHASE, "kind": "command", "text": command.text},
            )  # fmt: skip
            fault("after-run", 1)
            self.journal.record([(entry, "done" if result.ok else "failed", result.rc)])
        return result

    def run_read(self, argv: Sequence[str], privileged: bool, what: str) -> str:
        rc, out, err = self.env.runner.query(argv, privileged, what)
        if rc != 0:
            raise IplabError(f"{what} failed (exit {rc}): {err.strip() or out.strip()}")
        return out


@contextmanager
def live(env: Env, lab: str) -> Iterator[Live]:
    """The lab, locked, with a run id of its own for the journal and the audit log."""
    with ExitStack() as stack:
        journal = open_lab(env.state_dir, lab, stack, "change")
        if not journal.exists():
            raise no_such_lab(env.state_dir, lab)
        info = journal.info()
        run = new_run_id()
        _context(env, info, run)
        env.runner.ensure_privilege()
        # the run's templates, refused if they changed since up (they run as root)
        yield Live(env, journal, info, run, undo.lab_renderer(env, info))


def _in_ns(ns: str, argv: Sequence[str]) -> list[str]:
    return ["ip", "netns", "exec", ns, *argv] if ns else list(argv)


def need_program(program: str) -> None:
    """Refuse a command that starts ``program`` when it is not on PATH: where it is when
    only PATH lacks its directory, else its package (Debian's and Fedora's names; hunt EK:
    impair under ``PATH=/usr/bin:/bin`` said "tc is not installed (install the iproute2
    package (apt-get install iproute2))" of the tc in /usr/sbin)."""
    if shutil.which(program) is not None:
        return
    from iplab import programs

    if (folder := programs.off_path(program)) is not None:
        raise UsageError(
            f"{program} is not on PATH (it is in {folder}, which PATH lacks)",
            hint=f"add {folder} to PATH",
        )
    package = programs.package_of(program)
    raise UsageError(
        f"this host does not have {program}",
        hint=f"install it ({programs.packaged(package)})" if package else f"install {program}",
    )


# -- exec / shell -------------------------------------------------------------------------------


def exec_in(env: Env, lab: str, ns: str, argv: Sequence[str]) -> int:
    """Run one command inside a namespace of the lab; its exit status is iplab's."""
    if not argv:
        raise UsageError("no command given", hint=f"iplab exec {lab} {ns} -- CMD ...")
    info = _lab_record(env, lab)
    where = resolve_netns(info, ns)
    _context(env, info, new_run_id())
    full = _in_ns(where, argv)
    result = env.runner.interactive(
        full, True, meta={"kind": "exec", "text": shlex.join(full), "phase": PHASE}
    )
    return shell_status(result.rc)


def shell_status(rc: int) -> int:
    """A process's exit status as the shell says it: 128 + N when signal N ended it (a
    closed pipe: 141, kill: 143), where its negative return code exited iplab with 256 - N
    (hunt AX: ``iplab exec LAB ns -- ip -br link | head -1`` exited 243)."""
    return 128 - rc if rc < 0 else rc


def shell(env: Env, lab: str, ns: str, program: str = "bash") -> int:
    """An interactive shell inside a namespace of the lab, its prompt naming both."""
    info = _lab_record(env, lab)
    where = resolve_netns(info, ns)
    _context(env, info, new_run_id())
    need_program(program)
    prompt = f"[iplab {lab} {where}] \\w\\$ "
    full = _in_ns(where, ["env", f"PS1={prompt}", f"IPLAB_LAB={lab}", f"IPLAB_NETNS={where}",
                          program, "--norc", "-i"])  # fmt: skip
    env.err.write(f"iplab: a shell in {where} (lab {lab}); `exit` leaves it\n")
    result = env.runner.interactive(
        full, True, meta={"kind": "shell", "text": shlex.join(full), "phase": PHASE}
    )
    return shell_status(result.rc)


# -- impairments ------------------------------------------------------------------------------


def read_qdiscs(lv: Live, ns: str) -> dict[str, tc.Qdisc]:
    """The root qdisc of every link of one namespace of the lab."""
    argv = split(lv.line("tc-show.j2", dev=None))
    out = lv.run_read(_in_ns(ns, argv), bool(ns), f"tc qdiscs of {ns_label(ns)}")
    return tc.root_qdiscs(tc.parse_qdiscs(iproute.loads(out, "tc -j qdisc show")))


def _tc_op(ns: str, line: str, undo_line: str) -> Op:
    if ns:
        return NetnsExec(ns=ns, command=line, undo=undo_line)
    return Raw(command=line, undo=undo_line)


def _impair_line(lv: Live, dev: str, imp: tc.Impairment) -> str:
    template, variables = imp.template()
    return lv.line(template, dev=dev, **variables)


def impair(
    env: Env, lab: str, link: str, wanted: tc.Impairment | None, dry_run: bool = False
) -> int:
    """Set (or with None, clear) the impairment of a link of the lab, journaled and read back."""
    need_program("tc")
    with live(env, lab) as lv:
        state = lv.state()
        target = resolve_link(lv.info, state, link)
        current = read_qdiscs(lv, target.ns).get(target.dev)
        if current is not None and not current.default and current.impairment() is None:
            raise IplabError(
                f"{target} has a {current.kind} qdisc that iplab did not set: not replacing it",
                hint=f"remove it first (tc qdisc del dev {target.dev} root)",
            )
        before = current.impairment() if current is not None and not current.default else None
        clear_line = lv.line("tc-clear.j2", dev=target.dev)
        undo_line = _impair_line(lv, target.dev, before) if before else clear_line
        if wanted is None:
            if before is None:
                env.out.write(f"{target}: no impairment to clear\n")
                return 0
            line = clear_line
        else:
            line = _impair_line(lv, target.dev, wanted)
        op = _tc_op(target.ns, line, undo_line)
        if dry_run:
            env.out.write(f"DRY RUN: {lv.command(op).text}\n")
            return 0
        result = lv.change(op, state)
        if not result.ok:
            detail = result.stderr.strip() or result.stdout.strip() or f"exit {result.rc}"
            if tc.UNKNOWN_KIND in detail:
                raise IplabError(
                    f"the kernel has no {(wanted or before or tc.Impairment()).kind} qdisc "
                    f"({detail.splitlines()[0]})",
                    hint="load it (modprobe sch_netem), or use a kernel built with "
                    "CONFIG_NET_SCH_NETEM; a --rate alone needs only tbf",
                )  # fmt: skip
            raise IplabError(f"{target}: tc failed: {detail}")
        seen = read_qdiscs(lv, target.ns).get(target.dev)
        problems = tc.differences(wanted, seen, str(target))
        for p in problems:
            env.out.write(f"    DIFF {p}\n")
        if problems:
            env.out.write(f"verify: {counted(len(problems), 'difference')} from what was asked\n")
            return 1
        now = wanted.describe() if wanted else "no impairment"
        env.out.write(f"verify: tc holds {now} on {target} (undone by: iplab down {lab})\n")
        return 0


# -- link faults -------------------------------------------------------------------------------


def set_link(env: Env, lab: str, link: str, up: bool) -> int:
    """``ip link set X down|up`` on a link of the lab, journaled with its inverse."""
    with live(env, lab) as lv:
        state = lv.state()
        target = resolve_link(lv.info, state, link)
        op = LinkSet(ns=target.ns or None, dev=target.dev,
                     attrs=(("state", "up" if up else "down"),))  # fmt: skip
        result = lv.change(op, state)
        if not result.ok:
            detail = result.stderr.strip() or f"exit {result.rc}"
            raise IplabError(f"{target}: ip link set failed: {detail}")
        seen = lv.state().link(target.ns, target.dev)
        if seen is None or seen.up != up:
            env.out.write(f"verify: {target} is not {'up' if up else 'down'} in the kernel\n")
            return 1
        env.out.write(f"verify: {target} is {'up' if up else 'down'}\n")
        return 0


# -- capture ------------------------------------------------------------------------------------


def capture(
    env: Env, lab: str, link: str, *, write: Path | None, count: int | None,
    duration: float | None, extra: Sequence[str] = (),
) -> int:  # fmt: skip
    """tcpdump on a link of the lab, in the link's namespace (audited)."""
    need_program("tcpdump")
    info = _lab_record(env, lab)
    env.runner.ensure_privilege()
    state = iproute.read_state(env.runner, lab_netns(info))
    target = resolve_link(info, state, link)
    _context(env, info, new_run_id())
    argv = ["tcpdump", "-n", "-i", target.dev, "-U", "-Z", "root"]
    if write is not None:
        argv += ["-w", str(write)]
    if count is not None:
        argv += ["-c", str(count)]
    argv += list(extra)
    if duration is not None:
        argv = ["timeout", "-s", "INT", f"{duration:g}", *argv]
    full = _in_ns(target.ns, argv)
    result = env.runner.interactive(
        full, True, meta={"kind": "capture", "text": shlex.join(full), "phase": PHASE}
    )
    # the time limit ending the capture is its normal end (timeout says 124)
    return 0 if duration is not None and result.rc == 124 else shell_status(result.rc)


# -- what is applied (from the journal) and what the kernel holds -----------------------------


@frozen
class Applied(Record):
    """What the journal says a lab's live changes left: impairments and links set down."""

    impairments: dict[Target, tc.Impairment]
    down: list[Target]

    def to_json(self) -> dict[str, Any]:
        items = sorted(self.impairments.items(), key=lambda kv: str(kv[0]))
        return {
            "impairments": [
                {"netns": t.ns or None, "link": t.dev, **imp.to_json()} for t, imp in items
            ],
            "links_down": [{"netns": t.ns or None, "link": t.dev} for t in self.down],
        }

    def summary(self) -> str:
        items = sorted(self.impairments.items(), key=lambda kv: str(kv[0]))
        parts = [f"{t} {imp.describe()}" for t, imp in items]
        parts += [f"{t} down" for t in sorted(self.down, key=str)]
        return "; ".join(parts)


def bearing(record: dict[str, Any]) -> bool:
    """Whether a journal intent can bear on :func:`applied` (a tc line, a live ``link
    set``, a link moved, renamed or deleted, a namespace deleted):
    ``Journal.entries(only=bearing)`` decodes just those."""
    op = record.get("op")
    action = op.get("action") if isinstance(op, dict) else None
    if action in (NetnsExec.action, Raw.action, LinkDel.action, NetnsDel.action):
        return True
    if action != LinkSet.action or not isinstance(op, dict):
        return False
    attrs = op.get("attrs")
    moves = isinstance(attrs, list) and any(
        isinstance(a, list) and a[:1] in (["netns"], ["name"]) for a in attrs
    )
    return moves or record.get("phase") == PHASE


def applied(entries: Sequence[Entry]) -> Applied:
    """Replay the journal: the impairments its tc lines left (scenario steps included), and
    the links its live ``link set`` commands left down. A record follows its link's rename;
    a link moved to another namespace, or deleted, loses it, as the kernel drops its qdisc
    (hunt L: ``tc qdisc add dev veth-c root tbf ...`` then ``ip link set veth-c netns ctr``:
    verify expected the tbf in the root namespace)."""
    impairments: dict[Target, tc.Impairment | None] = {}
    links: dict[Target, bool] = {}
    for entry in entries:
        if entry.status != "done" or entry.op is None:
            continue
        op = entry.op
        if isinstance(op, NetnsExec | Raw):
            ns = op.ns if isinstance(op, NetnsExec) else ROOT
            try:
                parsed = tc.parse_line(split(op.command))
            except ValueError:
                parsed = None
            if parsed is not None:
                impairments[Target(ns, parsed[0])] = parsed[1]
        elif isinstance(op, LinkDel | NetnsDel | LinkSet):
            for records in (impairments, links):
                _follow(records, op)
            if isinstance(op, LinkSet) and entry.phase == PHASE and op.has("state"):
                links[Target(op.ns or ROOT, op.dev)] = op.get("state") == "up"
    return Applied(
        {t: i for t, i in impairments.items() if i is not None},
        [t for t, up in links.items() if not up],
    )


def _follow(records: dict[Target, Any], op: LinkDel | NetnsDel | LinkSet) -> None:
    """The records of a link renamed (moved along), moved or deleted (gone), or of every
    link of a namespace deleted (gone)."""
    if isinstance(op, NetnsDel):
        for target in [t for t in records if t.ns == op.name]:
            del records[target]
        return
    target = Target(op.ns or ROOT, op.dev)
    if target not in records:
        return
    value = records.pop(target)
    if isinstance(op, LinkSet) and not op.has("netns") and op.get("name"):
        records[Target(target.ns, op.get("name") or op.dev)] = value
    elif isinstance(op, LinkSet) and not op.has("netns") and not op.has("name"):
        records[target] = value


def _may_be_impaired(link: Link | None) -> bool:
    return link is not None and (link.qdisc is None or link.qdisc in tc.IMPAIRING)


def observed_impairments(
    runner: Runner, info: LabInfo, state: State | None = None
) -> dict[Target, tc.Qdisc]:
    """The root qdiscs iplab sets (netem, tbf) on the lab's links, read from the kernel."""
    if shutil.which("tc") is None:
        return {}
    state = state or iproute.read_state(runner, lab_netns(info))
    wanted = set(lab_links(info, state))
    out: dict[Target, tc.Qdisc] = {}
    # the state read says each link's root qdisc (the kernel's IFLA_QDISC, `ip -j`'s
    # "qdisc"): tc runs only where a lab link's is one iplab sets, or is not known (a lab of
    # 500 namespaces would otherwise start 501 processes)
    held = {t.ns for t in wanted if _may_be_impaired(state.link(t.ns, t.dev))}
    for ns in [n for n in [ROOT, *lab_netns(info)] if n in held]:
        if ns not in state.namespaces:
            continue
        argv = _in_ns(ns, ["tc", "-j", "qdisc", "show"])
        rc, text, _err = runner.query(argv, bool(ns), f"tc qdiscs of {ns_label(ns)}")
        if rc != 0:
            continue
        for dev, q in tc.root_qdiscs(tc.parse_qdiscs(iproute.loads(text, "tc"))).items():
            target = Target(ns, dev)
            if target in wanted and q.kind in tc.IMPAIRING and not q.default:
                out[target] = q
    return out


def check(
    expected: Applied, observed: dict[Target, tc.Qdisc], state: State | None = None
) -> list[Difference]:
    """How the kernel's qdiscs (and, given its state, the links set down) differ from what
    the journal says the lab's links have."""
    out: list[Difference] = []
    for target in sorted(set(expected.impairments) | set(observed), key=str):
        out += tc.differences(expected.impairments.get(target), observed.get(target), str(target))
    for target in expected.down if state is not None else []:
        link = state.link(target.ns, target.dev) if state is not None else None
        if link is not None and link.up:
            out.append(Difference(str(target), "state", "down (iplab link ... down)", "up"))
    return out


def by_lab(state_dir: Path) -> dict[str, Applied]:
    """For ``iplab ls``: each lab's live changes still applied, as its journal tells them."""
    from iplab.journal import labs

    return {name: applied(journal.entries(only=bearing)) for name, journal in labs(state_dir)}


def status_report(env: Env, info: LabInfo, state: State) -> tuple[dict[str, Any], str]:
    """For ``iplab status --lab``: the impairments the kernel holds on the lab's links, the
    links the journal says were set down, how the kernel differs from the journal, and
    what the lab's steps left running in the background (``server &``)."""
    observed = observed_impairments(env.runner, info, state)
    journal = Journal(env.state_dir / "labs" / info.lab)
    expected = applied(journal.entries(only=bearing))
    problems = check(expected, observed, state)
    rows = []
    for target, q in sorted(observed.items(), key=lambda kv: str(kv[0])):
        seen = q.impairment()
        assert seen is not None
        rows.append({"netns": target.ns or None, "link": target.dev, **seen.to_json()})
    data: dict[str, Any] = {
        "impairments": rows,
        "links_down": [{"netns": t.ns or None, "link": t.dev} for t in expected.down],
        "differences": [str(p) for p in problems],
        "jobs": [
            {
                "step": step,
                "pid": pid,
                "command": line,
                "log": str(journal.job_log(step)),
            }
            for step, members in journal.job_sessions()
            for pid, _started, line in undo.job_processes(members)
        ],
    }
    lines = [
        f"  {r['netns'] or 'root'}:{r['link']}  {r['qdisc']}  "
        + " ".join(f"{k} {v}" for k, v in r.items() if k in tc.FIELDS)
        for r in rows
    ]
    lines += [f"  {t} set down (iplab link {info.lab} {t} up)" for t in expected.down]
    lines += [f"  DIFF {p}" for p in problems]
    text = ("live changes\n" + "\n".join(lines) + "\n") if lines else ""
    if data["jobs"]:
        text += "running in the background (iplab down stops them)\n" + "".join(
            f"  step {j['step']}: pid {j['pid']} ({j['command'][:60]}), output in {j['log']}\n"
            for j in data["jobs"]
        )
    return data, text


def picture_lines(runner: Runner, state_dir: Path, lab: str, state: State) -> list[str]:
    """For ``iplab graph --live --lab``: a line per impaired link, and per link set down."""
    info = _lab_record_at(state_dir, lab)
    lines = []
    for target, q in sorted(
        observed_impairments(runner, info, state).items(), key=lambda kv: str(kv[0])
    ):
        seen = q.impairment()
        lines.append(f"{target}: {q.kind} {seen.describe() if seen else ''}".rstrip())
    down = applied(Journal(state_dir / "labs" / lab).entries(only=bearing)).down
    lines += [f"{t}: set down" for t in down]
    return lines


def _lab_record_at(state_dir: Path, lab: str) -> LabInfo:
    journal = Journal(state_dir / "labs" / lab)
    if not journal.exists():
        raise no_such_lab(state_dir, lab)
    return journal.info()


def live_problems(env: Env, lab: str, state: State | None = None) -> list[Difference]:
    """For ``iplab verify``: how the lab's qdiscs differ from its journal ([] when the lab
    is not up, or has no impairment at all). ``state``: already read (its namespaces)."""
    journal = Journal(env.state_dir / "labs" / lab)
    if not journal.exists():
        return []
    info = journal.info()
    if state is None or not set(lab_netns(info)) <= set(state.namespaces) | state.unread:
        state = iproute.read_state(env.runner, lab_netns(info))
    return check(
        applied(journal.entries(only=bearing)), observed_impairments(env.runner, info, state), state
    )
