"""Plan a scenario: apply the prefix, decide sudo, check it in the model, render it all.

Nothing is run here. :func:`build` either returns a complete :class:`Plan`
(every command rendered, every step checked against the model, the undo of
every state-changing command computed) or raises before anything could run.

Why this module is long: a plan is checked, rendered and told what the run waits for (a
reborn name, an IPv6 probe's addresses) in one pass over the model's replay.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path

from iplab import batchfiles, ipgrammar, memo
from iplab.bareaddr import bare_addresses
from iplab.claims import Owned, check_claims
from iplab.editors import opens_editor
from iplab.errors import Location, UsageError
from iplab.forwarding import unforwarding_routers
from iplab.inet import interface
from iplab.inverse import Undo
from iplab.iptopts import port_refusal
from iplab.jobs import signalled_netns, unscoped_signal
from iplab.lodown import loopback_down
from iplab.model import Judge, ModelError, lab_addresses, plain_address
from iplab.names import ROOT
from iplab.netnsfiles import check_netns_files
from iplab.outershell import fixes, outer_shell_write, outer_shell_writes
from iplab.pids import (
    in_a_network_of_its_own,
    job_named,
    literal_pid,
    names_the_hosts_netns,
    netns_path_named,
    printed_by,
    proc_pid,
)
from iplab.prefix import kernel_named_said, with_prefix
from iplab.recipes import recipe_run
from iplab.records import Record, frozen
from iplab.render import Command, ReadsBackAs, Renderer, renderer, template_hashes
from iplab.scenario import Scenario, SudoPolicy, loaded
from iplab.scenario import read as read_scenario
from iplab.state import Replayed, State, after, created_objects, replay
from iplab.steps import (
    AddrAdd,
    AddrDel,
    AddrFlush,
    LinkDel,
    NetnsDel,
    NetnsDelAll,
    NetnsExec,
    Op,
    Probe,
    Raw,
    RouteDel,
    RouteFlush,
    Step,
    needs_privilege,
)
from iplab.sysctl import device_writes_in, sysctl_path, writes_in
from iplab.words import (
    background_job,
    each_run,
    placeholder,
    removes_through_a_variable,
    writes_through_a_variable,
)
from iplab.wrappers import program_name


@frozen(hot=True)
class PlannedUndo(Record):
    """An inverse (op and guard) and whether its text carries ``sudo ``. It is rendered
    only when it runs: most never do, and a large lab has thousands."""

    undo: Undo
    sudo: bool


@frozen(hot=True)
class PlannedCommand(Record):
    command: Command
    #: what undoes this command, in the order to run it
    undo: tuple[PlannedUndo, ...]
    #: a ``may_fail`` step the kernel would refuse, and why: the run skips it
    skip: str | None = None
    #: (namespace, link) names this command makes again that a namespace deleted before it
    #: took with it (a veth's peer): the kernel destroys them a moment after the deletion
    #: returns, so the run waits until they are gone (see :class:`Reborn`)
    waits_for: tuple[tuple[str, str], ...] = ()
    #: an IPv6 probe: the namespaces (its own, and the one holding its target) the run waits
    #: for, until Duplicate Address Detection holds none of their addresses back, as the
    #: seconds between a reader's lines would have (see :func:`dad_spaces`)
    settles: tuple[str, ...] = ()


@frozen
class Plan(Record):
    scenario: Scenario
    prefix: str
    setup: tuple[PlannedCommand, ...]
    teardown: tuple[PlannedCommand, ...]
    owned: Owned
    #: the --templates directories it was rendered with
    templates: tuple[Path, ...] = ()
    #: what the model objects to without refusing (it cannot be sure, or ``render``)
    warnings: tuple[ModelError, ...] = ()
    #: built for a text job: the model's certain objections are among the warnings
    lenient: bool = False
    #: the ``--var`` pairs of the scenario file it was loaded from (None: built otherwise)
    var_pairs: tuple[str, ...] | None = None
    #: the kind of each root link the lab owns, as the model has it after the setup (the
    #: lab record learns them when ``up --no-verify`` has no state of its own: #14, the
    #: model's replay after the batch cost star-500's up 30 ms)
    root_kinds: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)
    #: (namespace, link) names that a namespace the setup deleted takes with it outside
    #: itself (a veth's peer) and no later setup step made again: the kernel destroys them
    #: a moment after the setup ends, and ``up``'s verification waits for that
    #: (:class:`Reborn`; CI: ``ip netns del n2`` last, n1's end of their veth still read)
    released: tuple[tuple[str, str], ...] = ()

    @property
    def commands(self) -> tuple[PlannedCommand, ...]:
        return self.setup + self.teardown

    def part(self, which: str) -> tuple[PlannedCommand, ...]:
        return {"setup": self.setup, "teardown": self.teardown, "all": self.commands}[which]


def decide_sudo(policy: SudoPolicy, step_sudo: bool | None, op: Op) -> bool:
    """``sudo `` in the text: the step's own choice, else the scenario's policy."""
    if step_sudo is not None:
        return step_sudo
    if policy == "always":
        return True
    if policy == "auto":
        return needs_privilege(op)
    return False


# -- the prefix ----------------------------------------------------------------------------------


def owned_by(scenario: Scenario) -> Owned:
    netns, links = created_objects(step.op for step in scenario.steps)
    return Owned(
        frozenset(netns),
        frozenset(name for _, name in links),
        frozenset(name for ns, name in links if ns == ROOT),
    )


def _object(error: ModelError, judge: Judge | None) -> None:
    """A check's objection: raised (``check``, ``up``: nothing runs), or given to the
    judge (a text job's warning)."""
    if judge is None:
        raise error
    judge.object(error)


def check_removals(scenario: Scenario, judge: Judge | None = None) -> None:
    """A recursive ``rm`` through a variable no step sets (``rm -rf ${OUT}/*``, a
    Makefile's recipe on a page) would delete from ``/`` as root: refused; so is a file
    written through one (``cat > $WORK/dnsmasq.conf``: into ``/``)."""
    known: set[str] = set()
    for step in scenario.steps:
        known.update(name for name, _ in step.variables)
        op = step.op
        if not isinstance(op, Raw | NetnsExec):
            continue
        for text in (op.command, op.undo or ""):
            for said in _through_unset(text, frozenset(known)):
                error = ModelError(
                    said, step.loc, "set the variable in a step before it, or write the path out"
                )
                _object(error, judge)
        if isinstance(op, Raw):
            known.update(op.sets)


def _through_unset(text: str, known: frozenset[str]) -> list[str]:
    """What ``text`` does as root through a variable no step sets (or to ``/`` itself)."""
    out: list[str] = []
    if (removed := removes_through_a_variable(text, known)) is not None:
        path, name = removed
        out.append(
            f"runs rm on {path}: the host's root"
            if name == "/"
            else f"runs rm on {path}: {_empty(name)} and this deletes from /"
        )
    if (written := writes_through_a_variable(text, known)) is not None:
        path, name = written
        rest = path[path.index("/") :]
        out.append(f"writes {path}: {_empty(name)} and this writes {rest} as root")
    return out


def _empty(name: str) -> str:
    """Why the variable a path starts with is empty: no step sets ``$NAME``, or bash runs
    ``$(NAME)`` (a Makefile's variable) as a command (hunt N)."""
    if name.startswith("$("):
        command = name[2:-1].strip()
        return (
            f"{name} is make's variable syntax, which bash runs as a command {command!r};"
            " its output is empty"
        )
    return f"no step sets ${name}; unset, it is empty"


#: a placeholder of several words: ``<new namespace name>``, ``<command to run against that
#: namespace>`` (hunt Q: Scott Lowe's blog; not a redirection: ``ip a > out.txt``, ``cat <
#: file``, ``sort <in.txt 2>err``: its angle brackets hug words, the last with a letter)
def _texts(op: Op) -> list[str]:
    """The text a step's command is written in: its line, a raw command and its undo, the
    command run in a namespace."""
    texts = [op.text or ""]
    if isinstance(op, Raw):
        texts += [op.command, op.undo or ""]
    elif isinstance(op, NetnsExec):
        texts.append(op.command)
    return texts


def check_placeholders(scenario: Scenario, judge: Judge | None = None) -> None:
    """A line that holds a placeholder a worksheet leaves for the reader (``ip netns add
    <your-name>-ns``, ``10.0.0.X/24``, ``{{ns}}``): refused before anything runs. As
    written, bash reads ``<your-name>`` as redirections (hunt U: the run failed at step
    10 of a worksheet, and ``check`` named ``a`` and ``-c`` as missing programs)."""
    for step in scenario.steps:
        op = step.op
        if step.may_fail:  # a student's session shows it fail: ip refuses it here too
            continue
        found = next((p for p in map(placeholder, _texts(op)) if p is not None), None)
        if found is None:
            continue
        error = ModelError(
            f"holds {found}, a placeholder the page leaves for the reader to fill in",
            step.loc,
            "write the value in its place (a name, an address), or a variable of the"
            " scenario ({{ name }}, given with --var name=VALUE)",
        )
        _object(error, judge)


def check_signals(scenario: Scenario, judge: Judge | None = None) -> None:
    """A line that signals processes iplab cannot limit to the lab (``pkill -u bob x``, ``kill
    48213``, ``kill $(lsof -t -i :80)``, ``sleep 1; pkill nc``): refused. Run as written it
    reaches the host's processes that match (hunt Q: a decoy server of the host was killed
    by ``pkill --full``, ``kill $(pgrep -f ...)``, ``pgrep ... | xargs kill``). Not ``kill
    $(ip netns pids NS)`` of a namespace the lab makes: it signals the lab's processes only
    (hunt AF #9)."""
    ours = owned_by(scenario).netns
    for step in scenario.steps:
        op = step.op
        texts = (
            (op.command, op.undo or "")
            if isinstance(op, Raw)
            else ((op.command,) if isinstance(op, NetnsExec) else ())
        )
        for text in texts:
            found = unscoped_signal(text, netns=isinstance(op, NetnsExec))
            if found is None or signalled_netns(text) in ours:
                continue
            error = ModelError(
                f"runs {found}: it signals processes of the host, not only the lab's",
                step.loc,
                "write it as iplab limits it to the lab: kill %N (a job of the tutorial),"
                " pkill [-f] [-x] PATTERN, killall NAME, kill $(pgrep [-f] PATTERN), or"
                " pgrep [-f] PATTERN | xargs kill, on a line of its own",
            )
            _object(error, judge)


def check_pids(scenario: Scenario, judge: Judge | None = None, warns: Judge | None = None) -> None:
    """A pid written out where a command takes one (``ip netns attach web 13391``, ``ip
    netns identify 51234``, ``nsenter -t 7001``, ``stat /proc/19120/ns/net``): refused
    before anything runs. It is the author's process; here another one, or none (hunt W:
    the attach named a stranger's namespace and the lab made its links in it; the identify
    failed). The step whose output on the page shows it is said (hunt CG). A path of
    /proc that names it is a warning (to ``warns``): the step only fails, or reads another
    process's file."""
    started: list[str] = []  # (the jobs the steps start, in order: %1 is the first)
    steps = scenario.steps
    for k, step in enumerate(steps):
        op = step.op
        _check_hosts_netns(step, judge)
        _check_job_named(step, started, judge)
        text = op.command if isinstance(op, Raw) else op.text or ""
        if step.background or background_job(text):
            started.append(text)
        texts = _texts(op)
        pid = next((p for p in map(literal_pid, texts) if p is not None), None)
        read = pid is None  # (only a file of /proc read: it fails, or reads another's)
        pid = pid or next((p for p in map(proc_pid, texts) if p is not None), None)
        if pid is None:
            continue
        by = _printed_by(pid, steps[:k])  # (the steps before this one, with their output)
        field = by.loc.field or "a step before it" if by else ""
        said = f" (what {field}, {_said(by)}, printed there)" if by else ""
        error = ModelError(
            f"names the process {pid}, a pid of the author's session{said}: here it is"
            " another process, or none",
            step.loc,
            f"write $$ where the page has {pid}, as {field} does ($$: the shell that runs the step)"
            if by and "$$" in _said(by)
            else "name the tutorial's job (%1, or $! right after the command run with &), or"
            " the process's namespace by its name",
            certain=not read,
        )
        _object(error, warns if read and warns is not None else judge)


def _printed_by(pid: str, seen: Sequence[Step]) -> Step | None:
    """The last step of ``seen`` whose output on the page (the author's session) shows
    ``pid``: ``ip netns pids ns1`` printing 4711, ``ls -l /proc/$$/ns/net`` 19120."""
    return next((s for s in reversed(seen) if s.output and printed_by(pid, s.output)), None)


def _said(step: Step) -> str:
    """A step's command as the page wrote it."""
    op = step.op
    return op.command if isinstance(op, Raw) and not op.text else op.text or ""


def check_editors(scenario: Scenario, judge: Judge | None = None) -> None:
    """A step that opens an editor (``sudoedit /etc/sysctl.conf``, ``crontab -e``): refused
    before anything runs. It waits for a person at a terminal; a run has neither, and would
    wait until the step's time limit, then roll back (hunt BJ #2)."""
    for step in scenario.steps:
        op = step.op
        texts = [op.command, op.undo or ""] if isinstance(op, Raw) else _texts(op)[1:]
        editor = next((e for e in map(opens_editor, texts) if e is not None), None)
        if editor is None:
            continue
        error = ModelError(
            f"opens an editor ({editor}) for a person at a terminal: a run has none, and"
            " the step would wait until its time limit",
            step.loc,
            "write what the file should hold with a command (printf 'LINE\\n' | tee -a"
            " FILE), or drop the step",
        )
        _object(error, judge)


def check_recipes(scenario: Scenario, prefix: str, judge: Judge | None = None) -> None:
    """A line that runs another tool's recipe (``make up``, ``make -C topo wire``, ``just
    up``, ``vagrant provision``, ``ansible-playbook site.yml``, ``docker compose up``): the
    commands it runs are in a file iplab does not read, never checked, journaled nor undone.
    Under ``--prefix`` refused before anything runs: the names it makes keep theirs, and may
    be another's (hunt AD: ``sudo make up`` made hDmk1 under ``--prefix hDp``, and down left
    it); without, a warning (a tutorial that builds a tool with ``make`` first still runs,
    and what the recipe changes of the host stops the run: :mod:`iplab.sentinel`)."""
    for step in scenario.steps:
        op = step.op
        texts = (op.command, op.undo or "") if isinstance(op, Raw) else _texts(op)[1:]
        found = next((r for r in map(recipe_run, texts) if r is not None), None)
        if found is None:
            continue
        kept = f"; under --prefix {prefix} the names it makes keep theirs" if prefix else ""
        error = ModelError(
            f"runs {found.what}'s recipe ({found.command}): iplab cannot see the commands"
            f" it runs, so it can neither check, rename (--prefix), journal nor undo them"
            f"{kept}; {found.way}",
            step.loc,
            "take the line out of the scenario; a build the lab needs is run before the lab",
            certain=bool(prefix),
        )
        _object(error, judge)


def _check_hosts_netns(step: Step, judge: Judge | None) -> None:
    """A step that names the host's own network namespace (``ip netns attach host 1``,
    ``$$``, ``ln -s /proc/1/ns/net /var/run/netns/host``): refused before anything runs,
    as ``nsenter -t 1`` is (hunt AF #1: ``ip -n host link set eth0 promisc on`` then
    changed the host's eth0, and the links the lab made "in" it stayed after ``down``)."""
    _check_netns_path(step, judge)
    found = next((f for f in map(names_the_hosts_netns, _texts(step.op)) if f), None)
    if found is None:
        return
    error = ModelError(
        f"runs {found}: it names the host's own network namespace, and the steps that use"
        " the name change the host's links, addresses and routes, which down does not undo",
        step.loc,
        "make the lab a namespace of its own (ip netns add NAME), or name the namespace of"
        " a process the tutorial starts (unshare -n sleep infinity &, then ip netns attach"
        " NAME $!)",
    )
    _object(error, judge)


def _check_job_named(step: Step, started: Sequence[str], judge: Judge | None) -> None:
    """A step that takes a job's namespace (``ip netns attach here $!``, ``ip link set X
    netns %1``, ``nsenter -t %1 -n``) where that job runs in the host's own namespace
    (``sleep 1000 &``): refused before anything runs, as ``ip netns attach here $$`` is
    (hunt AF #13: ``ip -n here link set lo down`` then set the host's lo down)."""
    for text in _texts(step.op):
        number = job_named(text)
        if number is None or not 1 <= number <= len(started):
            continue
        job = started[number - 1]
        if in_a_network_of_its_own(job):
            continue
        error = ModelError(
            f"runs {text}: job %{number} ({job}) runs in the host's own network namespace,"
            " so this names the host's namespace, and the steps that use it change the"
            " host's links, addresses and routes, which down does not undo",
            step.loc,
            "start the job in a namespace of its own (unshare -n sleep infinity &), or make"
            " the lab a namespace with ip netns add NAME",
        )
        _object(error, judge)
        return


def _check_netns_path(step: Step, judge: Judge | None) -> None:
    """A step that names a namespace by a path (``ip -n ../../proc/1/ns/net``, ``ip netns
    exec /proc/1/ns/net``, ``--netns=``, ``ip link set X netns /proc/1/ns/net``): refused
    before anything runs (hunt AG #1: ip opened the path, the host's own namespace, and
    ``ip -n ../../proc/1/ns/net link set eth0 alias pwned`` changed the host's eth0)."""
    found = next((f for f in map(netns_path_named, _texts(step.op)) if f), None)
    if found is None:
        return
    command, name = found
    error = ModelError(
        f"runs {command}: the namespace name {name!r} is a path, which ip opens as a file:"
        " it may be the host's own network namespace or another lab's, and the step would"
        " change it (ip netns exec refuses such a name: Invalid netns name)",
        step.loc,
        "name a namespace of the lab by its name under /run/netns (ip netns add NAME, then"
        " ip -n NAME ...), with no '/' in it",
    )
    _object(error, judge)


def check_batches(
    scenario: Scenario, prefix: str, owned: Owned, judge: Judge | None = None
) -> None:
    """A batch file's lines (``ip -batch FILE``, ``tc -b FILE``) run as written: one that
    makes, renames or deletes a namespace or a link is refused (nothing renames, journals
    or undoes it: hunt R, ``down`` left what lab.ipb made, and with ``--prefix`` the
    teardown's ``ip netns del alpha`` reached the host's alpha); with ``--prefix``, so is
    one that names anything but the lab's objects by their prefixed names. A batch iplab
    cannot read the model refuses (:func:`iplab.model._batch_lines`)."""
    ours = owned.netns | owned.links
    for step in scenario.steps:
        op = step.op
        if not isinstance(op, Raw | NetnsExec):
            continue
        where = f"ip netns exec {op.ns} " if isinstance(op, NetnsExec) else ""
        texts = (op.command, op.undo or "") if isinstance(op, Raw) else (op.command,)
        for batch in (b for text in texts if text for b in batchfiles.batches(where + text)):
            for number, line in batch.lines or ():
                said = f"runs {batch.said}: {batch.source} line {number} ({line})"
                if (what := batchfiles.makes(line)) is not None:
                    said += f" {what}, which iplab would neither rename, journal nor undo"
                elif prefix and (names := batchfiles.named(line)) is None:
                    said += f" runs as written with --prefix {prefix}, and iplab cannot tell"
                    said += " which objects it names"
                elif prefix and (other := [n for n in names or () if n not in ours]):
                    said += f" names {other[0]}, no object of the lab's with --prefix"
                    said += f" {prefix}: the file runs as written, never renamed"
                else:
                    continue
                hint = (
                    "write the file's lines as steps of the scenario, or in an"
                    f" `{batch.said.split(' -', 1)[0]} -batch - <<EOF` here-document,"
                    " which iplab reads line by line, renames and journals"
                )
                _object(ModelError(said, step.loc, hint), judge)
                break


def check_refused(scenario: Scenario, judge: Judge) -> None:
    """A raw step whose line ip refuses on any host (``ip ns add blue``, ``ip link set veth0
    -up`` with an en dash from a page: hunt BW): said before anything runs, with the line meant when
    one word makes it one ip reads. One the page lets fail (bash goes on past it) is a
    warning: it changes nothing, and what it was to change is not there (the run passed
    with veth0 down, and ``check`` said nothing); any other is refused, the run would stop
    at it and roll the lab back."""
    for step in scenario.steps:
        op = step.op
        if not isinstance(op, Raw | NetnsExec):
            continue
        line = op.text or op.command
        said, program = ipgrammar.refusal(line), "ip"
        if said is None and (said := _iptables_refusal(line)) is not None:
            program = "iptables"
        if said is None:
            continue
        hint = (
            "a port is an option of the protocol's match: write -p tcp (or -p udp) before it"
            if program == "iptables"
            else ipgrammar.refusal_hint(line, said, "a typo? write the line as ip reads it")
        )
        judge.object(
            ModelError(
                f"{program} refuses {line!r} on any host ({said}): "
                + (
                    "it changes nothing, and the run goes past it as bash does"
                    if step.may_fail
                    else "the run would stop at it"
                ),
                step.loc,
                hint,
                certain=not step.may_fail,
            )
        )


def _iptables_refusal(line: str) -> str | None:
    """What iptables says of a line of ``line`` it refuses whatever the host holds (a port
    with no protocol before it: :func:`iplab.iptopts.port_refusal`), or None."""
    for argv in each_run(line):
        iptables = bool(argv) and program_name(argv[0]) in ("iptables", "ip6tables")
        if iptables and (said := port_refusal(argv[1:])) is not None:
            return said
    return None


def check_probes(scenario: Scenario, judge: Judge | None = None) -> None:
    """A probe may only target an address of the lab: no traffic leaves the lab."""
    allowed = lab_addresses(step.op for step in scenario.steps)
    for step in scenario.steps:
        if isinstance(step.op, Probe) and plain_address(step.op.target) not in allowed:
            error = ModelError(
                f"probe target {step.op.target} is not an address of this lab",
                step.loc.at("target"),
                "a probe may only reach addresses the scenario assigns with 'addr add'",
            )
            _object(error, judge)


# -- building --------------------------------------------------------------------------------------


def build(
    scenario: Scenario,
    prefix: str = "",
    template_dirs: Sequence[Path] = (),
    strict_claims: bool = True,
    lenient: bool = False,
) -> Plan:
    """Everything checked and rendered, or an error before anything runs.

    What the model objects to raises when it is certain; otherwise (and always when
    ``lenient``, for ``render``, a text job) it is kept in ``Plan.warnings``.
    """
    judge = Judge(strict=not lenient, prefix=prefix)
    check_refused(scenario, judge)  # (before the prefix: the line meant is the page's)
    refused = [_refused_line(step) for step in scenario.steps]  # (as written: hunt DT #3)
    for step, said in kernel_named_said(scenario, prefix):  # (hunt DH #3)
        judge.warnings.append(ModelError(said, step.loc, certain=False))
    scenario = with_prefix(scenario, prefix)
    if not scenario.setup and not lenient:  # (hunt BD #7: check said OK, up "0 changes")
        judge.warnings.append(
            ModelError(
                "the setup has no steps: iplab up and iplab run make nothing",
                Location(scenario.path, None, "setup"),
                "write the lab's steps under 'setup:'",
                certain=False,
            )
        )
    judge.warnings.extend(bare_addresses(scenario))  # (hunt CE #1: a /32 not meant)
    check_probes(scenario, judge if lenient else None)
    check_removals(scenario, judge if lenient else None)
    check_placeholders(scenario, judge if lenient else None)
    check_signals(scenario, judge if lenient else None)
    check_pids(scenario, judge if lenient else None, judge)
    check_editors(scenario, judge if lenient else None)
    check_netns_files(scenario.steps, judge)  # (hunt CJ #2: no mkdir -p /etc/netns/NS)
    judge.warnings.extend(outer_shell_writes(scenario.steps))  # (hunt DU: > the host's key)
    check_recipes(scenario, prefix, judge if lenient or not prefix else None)
    owned = owned_by(scenario)
    check_batches(scenario, prefix, owned, judge if lenient else None)
    render = renderer(tuple(template_dirs), template_check() if template_dirs else None)
    planned: list[PlannedCommand] = []
    reborn = Reborn()
    steps = scenario.steps
    n_setup = len(scenario.setup)
    early = _EarlyDeviceWrites(judge)
    root_kinds: dict[str, str] = {}
    released: tuple[tuple[str, str], ...] = ()
    for sim, state in replay(steps, judge=judge):
        early.step(sim.step, state)
        if (lo_down := loopback_down(sim.step, state)) is not None:  # (hunt DN)
            judge.object(lo_down)
        waits = reborn.made(sim.step.op, state)
        if sim.refused is not None and not isinstance(sim.step.op, _CLEANUPS):
            judge.warnings.append(_skipped(sim.step, sim.refused))  # (hunt AF #12)
        for result in check_claims(sim.step.expect, state, owned):
            if result.ok:
                continue
            error = ModelError(
                f"claim cannot hold: {result}", result.claim.loc,
                "the model of the steps before it says otherwise",
                certain=state.opaque == 0,
            )  # fmt: skip
            if strict_claims:
                judge.object(error)
        planned.append(
            _planned(
                render,
                scenario.sudo,
                sim,
                waits,
                dad_spaces(sim.step.op, state),
                refused=refused[sim.number - 1] if sim.number <= len(refused) else None,
            )
        )
        if sim.number == n_setup:
            _twice_given(scenario.setup, state, judge)
            judge.warnings.extend(unforwarding_routers(state, scenario.setup))  # (hunt DL)
            there = state.namespaces[ROOT].links
            root_kinds = {n: there[n].kind for n in owned.in_root() if n in there}
            released = tuple(sorted(p for p in reborn.pending if p[0] in state.namespaces))
        if sim.number < len(steps):  # (the state is still the one before the next step)
            reborn.deleting(steps[sim.number].op, state)
    if judge.adopted:
        netns = {ns for ns, name in judge.adopted if not name}
        root = {name for ns, name in judge.adopted if name and ns == ROOT}
        owned = dataclasses.replace(
            owned,
            netns=owned.netns | netns,
            links=owned.links | root,
            root_links=owned.in_root() | root,
            adopted=frozenset(netns | root),
        )
    return Plan(
        scenario, prefix, tuple(planned[:n_setup]), tuple(planned[n_setup:]), owned,
        tuple(template_dirs), tuple(judge.warnings), lenient, root_kinds=root_kinds,
        released=released,
    )  # fmt: skip


class _EarlyDeviceWrites:
    """A device's sysctl written before the lab makes the device (``echo 1 >
    /proc/sys/net/ipv4/conf/veth1/proxy_arp`` as a page's first line, veth1 made at its
    third: hunt CE #2): the kernel has no such file yet, and the run fails there. Said when
    the device's namespace is one the model knows whole and has no link of that name, or
    once a later step makes the link where the write looked for it."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        #: (step, namespace, device, key) of writes to a device the model did not see yet
        self.waiting: list[tuple[Step, str, str, str]] = []

    def step(self, step: Step, state: State) -> None:
        for item in list(self.waiting):
            _, ns, dev, _ = item
            link = state.link(ns, dev)
            if link is not None:
                self.waiting.remove(item)
                made = f"{step.loc.field} makes it" if step.loc.field else "a later step makes it"
                self._say(item, made, state.certain(link))
        op = step.op
        if not isinstance(op, Raw | NetnsExec) or op.undo is not None or step.may_fail:
            return
        for inner, dev, key in device_writes_in(op.command):
            ns = inner or op.in_ns() or ROOT
            space = state.ns(ns)
            if space is None or state.link(ns, dev) is not None:
                continue
            if ns != ROOT and state.certain(space):  # a namespace of the lab's: it has none
                self._say((step, ns, dev, key), "no step before it makes it", True)
            elif ns == ROOT and (holder := _moved_out(state, dev)) is not None:
                self._moved(step, op.command, holder, dev, key, state)
            else:  # (the root namespace: perhaps the host's; said if the lab makes it later)
                self.waiting.append((step, ns, dev, key))

    def _moved(  # noqa: PLR0917 - the write, and where its link went
        self, step: Step, command: str, holder: str, dev: str, key: str, state: State
    ) -> None:
        """A write in the root namespace of a device's key whose link a step moved out of
        it (hunt DZ #4: ``ip netns exec r1 echo 1 > /proc/sys/net/ipv6/conf/r1_r2/seg6_enabled``,
        r1_r2 moved into r1: the outer shell's redirection opens the root's file, which does
        not exist, and the run failed at the line). The link's name is the lab's (free on
        the host: the preflight checks it), so the root surely has none: refused before
        anything runs, with the line that writes it in ``holder``."""
        path = sysctl_path(key)
        outer = outer_shell_write(command)
        if outer is not None and outer[0] == holder:
            opener = "the tee after `|`" if outer[2] == "| tee" else f"the redirection `{outer[2]}`"
            how = (
                f"{opener} is the outer shell's, run in the root namespace: `ip netns exec"
                f" {holder}` runs only the command before it in {holder}"
            )
        else:
            how = "the line runs in the root namespace"
        value = next((v for _ns, k, v in writes_in(command) if k == key), "1")
        self.judge.object(
            ModelError(
                f"`{command}` writes {path} in the root namespace ({how}), which has no link"
                f" {dev}: a step"
                f" before moved it into namespace {holder}, so there is no"
                f" {path.rsplit('/', 1)[0]} there and the line fails; {holder}'s key is meant",
                step.loc,
                f"write it in {holder}: {fixes(holder, path, value)}",
                certain=state.certain(state.link(holder, dev)),
            )
        )

    def _say(self, write: tuple[Step, str, str, str], made: str, certain: bool) -> None:
        step, ns, dev, key = write
        where = "the root namespace" if ns == ROOT else f"namespace {ns}"
        shown = sysctl_path(key) if "/" in key else key
        self.judge.object(
            ModelError(
                f"writes {shown} while link {dev} does not exist in {where} ({made}): the"
                f" kernel has no {sysctl_path(key).rsplit('/', 1)[0]} before the link is made,"
                " and the write fails",
                step.loc,
                f"move this line after the step that makes {dev}",
                certain=certain,
            )
        )


def _moved_out(state: State, dev: str) -> str | None:
    """The namespace a link ``dev`` a step moved out of the root namespace is in now (the
    lab's name: :attr:`iplab.state.State.left_root`); None: none such."""
    if dev not in state.left_root or state.link(ROOT, dev) is not None:
        return None
    return next(
        (
            name
            for name, space in state.namespaces.items()
            if name != ROOT and dev in space.links and space.links[dev].kind != "loopback"
        ),
        None,
    )


#: deletions a script makes first in case a run before left them (``ip link del x
#: 2>/dev/null || true``): skipped when there is nothing to delete, as bash goes on
_CLEANUPS = (LinkDel, NetnsDel, AddrDel, AddrFlush, RouteDel, RouteFlush)


def _skipped(step: Step, why: str) -> ModelError:
    """The warning for a step the author allows to fail that the run skips: the kernel
    would refuse it (``ip link set eth0 promisc on && echo ...`` in a lab with no eth0:
    hunt AF #12, said only in check's listing, and a dry run showed it as run)."""
    return ModelError(
        f"not run: the author allows it to fail, and the kernel would refuse it: {why}",
        step.loc,
        "the run skips it; write it out of the scenario, or make what it needs first",
        certain=False,
    )


def _twice_given(setup: Sequence[Step], state: State, judge: Judge) -> None:
    """A warning for each address the setup gives two links of one segment (hunt V: the
    same IPv6 address on both ends of a veth; :mod:`iplab.segments`), at the step that
    gave it the second time."""
    from iplab.segments import twice_given

    for address, links in twice_given(state):
        given = [s.loc for s in setup if isinstance(s.op, AddrAdd) and _ip(s.op.address) == address]
        judge.object(
            ModelError(
                f"address {address} is given to {' and '.join(links)}, which are on one"
                " layer-2 segment (a veth's two ends, or ports of one bridge): IPv6's"
                " Duplicate Address Detection fails on one of them (the address stays"
                " dadfailed, unusable), and IPv4's ARP gets two answers",
                given[-1] if given else None,
                "give each link an address of its own",
                certain=False,
            )
        )


def _ip(address: str) -> str:
    try:
        return str(interface(address).ip)
    except ValueError:
        return address


def template_check() -> ReadsBackAs:
    """The check of a user's templates: the line grammar, imported when templates are given."""
    from iplab.lineparse import reads_back_as

    return reads_back_as


def load(
    path_or_name: str,
    var_pairs: Iterable[str] = (),
    prefix: str = "",
    template_dirs: Sequence[Path] = (),
    strict_claims: bool = True,
    *,
    lenient: bool = False,
) -> Plan:
    """The one way from a scenario file (or a bundled scenario's name) to a :class:`Plan`:
    load it, its variables overridden by ``NAME=VALUE`` pairs (``--var``), and :func:`build`
    (``lenient``: the model's objections are warnings, for text jobs such as render)."""
    path, text = read_scenario(path_or_name)
    pairs = tuple(var_pairs)
    entry = _memo_key(
        str(path), text, pairs, prefix, template_dirs, strict_claims=strict_claims, lenient=lenient
    )
    kept = memo.get("plans", entry) if entry else None
    if isinstance(kept, Plan):
        return kept
    scenario = loaded(str(path), text, pairs)
    plan = build(scenario, prefix, template_dirs, strict_claims, lenient=lenient)
    plan = dataclasses.replace(plan, var_pairs=pairs)
    if entry and not _reads_batch_files(plan):  # (a batch file's lines: judged as they are)
        memo.put("plans", entry, plan)
    return plan


def _reads_batch_files(plan: Plan) -> bool:
    """A step runs ``tc -b FILE`` (or ``ip``'s, ``bridge``'s): the plan judged the file's
    lines as they were, so it is not kept for a later run (:mod:`iplab.batchfiles`)."""
    for planned in (*plan.setup, *plan.teardown):
        op = planned.command.op
        if isinstance(op, Raw | NetnsExec) and batchfiles.batches(op.command):
            return True
    return False


def _memo_key(
    path: str, text: str, pairs: tuple[str, ...], prefix: str, template_dirs: Sequence[Path],
    *, strict_claims: bool, lenient: bool,
) -> str | None:  # fmt: skip
    """The plan's key in :mod:`iplab.memo`: everything :func:`build` depends on (None:
    a template directory cannot be read, and the renderer will say why)."""
    try:
        templates = tuple(sorted(template_hashes(template_dirs).items()))
    except UsageError:
        return None
    sha = hashlib.sha256(text.encode()).hexdigest()
    dirs = tuple(str(d) for d in template_dirs)
    return memo.key("plan", path, sha, pairs, prefix, dirs, templates, strict_claims, lenient)


def dad_spaces(op: Op, state: State) -> tuple[str, ...]:
    """The namespaces an IPv6 probe waits for before it pings: its own (an address still
    tentative there: ``ping6: connect: Cannot assign requested address``) and those the
    model says hold its target (tentative there: no answer). None for any other step: a
    lab without IPv6 probes never waits nor reads."""
    if not isinstance(op, Probe) or ":" not in op.target:
        return ()
    try:
        target = ip_address(op.target)
    except ValueError:
        return (op.ns,)
    holders = {
        ns
        for ns, space in state.namespaces.items()
        for link in space.links.values()
        for address in link.addresses
        if _is(address, target)
    }
    return tuple(sorted(holders | {op.ns}))


def _is(address: str, target: IPv4Address | IPv6Address) -> bool:
    try:
        return interface(address).ip == target
    except ValueError:
        return False


def _planned(
    render: Renderer, policy: SudoPolicy, sim: Replayed, waits: tuple[tuple[str, str], ...],
    settles: tuple[str, ...] = (),
    *,
    refused: str | None = None,
) -> PlannedCommand:  # fmt: skip
    """``refused``: why the run skips the step, said of its line as written before the
    prefix (:func:`_refused_line`)."""
    step = sim.step
    command = render.command(
        step.op, decide_sudo(policy, step.sudo, step.op), step=step, number=sim.number
    )
    undo = tuple(PlannedUndo(u, decide_sudo(policy, None, u.op)) for u in sim.undo)
    return PlannedCommand(command, undo, sim.refused or refused, waits, settles)


def _refused_line(step: Step) -> str | None:
    """Why the run skips a raw step the author lets fail whose line ip refuses on any host
    (:func:`check_refused`), judged on the line as written: with ``--prefix`` its names
    could make it one ip reads (``ip -n y link set b up``: ip reads ``b`` as ``broadcast``
    and refuses "up" as an address; ``... set dtx1b up``, run, set the link up, hunt DT #3).
    None: another step."""
    op = step.op
    if not step.may_fail or not isinstance(op, Raw | NetnsExec):
        return None
    line = op.text or op.command
    said = ipgrammar.refusal(line)
    return None if said is None else f"ip refuses {line!r} on any host ({said})"


class Reborn:
    """The links a deleted namespace takes with it outside itself (a veth's peer in the
    root namespace), and the later steps that make one of those names again.

    ``ip netns del`` returns before the kernel destroys the namespace's links; their peers
    go with them a moment later. A step that makes ``veth0`` again right after deleting
    the namespace that held its peer (a tutorial that starts over) would meet the old
    ``veth0`` still there ("File exists"), in a batch more often than not."""

    def __init__(self) -> None:
        self.pending: set[tuple[str, str]] = set()

    def deleting(self, op: Op, state: State) -> None:
        """Before ``op`` (the state still the one before it): what it will take along."""
        if isinstance(op, NetnsDel):
            names = {op.name}
        elif isinstance(op, NetnsDelAll):
            names = {n for n in state.namespaces if n != ROOT}
        else:
            return
        for name in names & state.namespaces.keys():
            for link in state.namespaces[name].links.values():
                if link.peer is not None and link.peer_ns not in (None, *names):
                    self.pending.add((str(link.peer_ns), link.peer))

    def made(self, op: Op, state: State) -> tuple[tuple[str, str], ...]:
        """After ``op``: the pending names it made again (the run waits for the old ones)."""
        if not self.pending or isinstance(op, NetnsDel | NetnsDelAll | LinkDel):
            return ()
        again = tuple(
            sorted(
                (ns, link)
                for ns, link in self.pending
                if ns in state.namespaces and link in state.namespaces[ns].links
            )
        )
        self.pending.difference_update(again)
        return again


def modelled(scenario: Scenario, prefix: str = "") -> tuple[Scenario, Owned]:
    """The scenario renamed, and what it owns, with no line rendered: all ``verify`` needs
    (rendering a large lab costs more than reading it back)."""
    scenario = with_prefix(scenario, prefix)
    check_probes(scenario)
    return scenario, owned_by(scenario)


def expected_state(plan: Plan, upto: int | None = None, without: Iterable[int] = ()) -> State:
    """The model's state after step ``upto`` (1-based, setup then teardown); default: the setup.
    ``without``: the numbers of steps that ``may_fail`` and failed (they changed nothing)."""
    count = len(plan.setup) if upto is None else upto
    failed = set(without)
    steps = [s for n, s in enumerate(plan.scenario.steps[:count], 1) if n not in failed]
    return after(steps, None, Judge(strict=False))
