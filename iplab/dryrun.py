"""A dry run: what ``up`` would run, what it would refuse first, and what ``down`` would undo.

A dry run starts nothing that changes the host. It makes the checks a real run makes before
anything runs (they only read the host: :func:`iplab.lab.preflight_checks`), so that it
refuses what a real run refuses, with the same words (hunt Y: ``up --dry-run`` printed the
lines and said nothing; the real ``up`` then refused a name the host had). For ``up`` it also
shows the undo the journal would hold: what ``iplab down`` runs once the setup is done, from
the same plan (:func:`iplab.undo.destroy_plan`) as a real ``down`` of a lab whose steps all
ran.
"""

from __future__ import annotations

from iplab import undo
from iplab.context import Env
from iplab.inverse import file_writes_of, policy_write_of, sysctl_loads_of, sysctl_writes_of
from iplab.journal import Entry, Journal, UndoRecord, lab_dir
from iplab.lab import already_up, host_names, new_lab_info, preflight_checks
from iplab.plan import Plan, PlannedCommand, expected_state
from iplab.statedir import check_lab_name


def checks(env: Env, plan: Plan, lab: str, preflight: bool) -> None:
    """Raise what a real run of ``plan`` as ``lab`` would raise before anything runs."""
    check_lab_name(lab)
    journal = Journal(lab_dir(env.state_dir, lab))
    if journal.exists():
        raise already_up(lab, journal.info())
    links, netns = host_names(env, None)
    preflight_checks(env, plan, lab, (links, netns), preflight=preflight)


def shown(pc: PlannedCommand) -> str:
    """The dry run's line for a command: as it would run, or skipped, as the run skips a
    step the author allows to fail that the kernel would refuse (hunt AF #12: shown as a
    line the run would run)."""
    if pc.skip is not None:
        return f"DRY RUN: skipped, as the author allows it to fail: {pc.command.line} ({pc.skip})\n"
    return f"DRY RUN: {pc.command.line}\n"


def undo_lines(env: Env, plan: Plan, lab: str) -> list[str]:
    """The commands ``iplab down`` would run after the whole setup ran (newest first): the
    undo of each step, less what goes with a namespace the undo deletes.

    The undo of a step that writes a host setting (a sysctl, a file) is what the host holds
    when the step runs: it is read then, so it is not among these lines."""
    before_links, before_netns = env.names_before or (set(), set())
    entries = [
        Entry(
            seq=seq,
            run="dry-run",
            number=pc.command.number,
            phase="setup",
            text=pc.command.text,
            argv=pc.command.argv,
            undo=tuple(UndoRecord(u.undo.op, u.undo.guard, u.sudo) for u in pc.undo),
            op=pc.command.op,
            status="done",
            rc=0,
        )
        for seq, pc in enumerate(plan.setup, 1)
        if pc.skip is None
    ]
    info = new_lab_info(plan, lab, "dry-run", (before_links, before_netns), 0.0)
    render = undo.lab_renderer(env, info)
    chosen = undo.destroy_plan(entries, info, expected_state(plan))
    return [render.command(u.op, u.sudo).text for _, u in chosen]


def read_back_lines(plan: Plan) -> list[str]:
    """What ``iplab down`` would also put back that is read when its step runs, so not
    among :func:`undo_lines`: a chain's policy, a host sysctl, the host files a step writes
    (hunt J: the dry run of a host-NAT lab listed its ``-D`` rules alone, and said nothing
    of ``iptables -P FORWARD DROP`` or ``ip_forward``). Each: what, and the step."""
    said: list[str] = []
    for pc in plan.setup:
        op, text = pc.command.op, pc.command.line
        if pc.skip is not None or pc.undo:
            continue  # (the run reads back only a step without an undo of its own)
        if (policy := policy_write_of(op)) is not None:
            said.append(f"the policy of {policy[2]} ({policy[1]}), as before `{text}`")
            continue
        if writes := sysctl_writes_of(op):
            keys = ", ".join(key.replace("/", ".") for key, _ in writes)
            said.append(f"{keys}, as before `{text}`")
        elif (loaded := sysctl_loads_of(op)) is not None:
            said.append(f"what {', '.join(loaded)} sets when it runs, as before `{text}`")
        if (files := file_writes_of(op)) is not None:
            paths = ", ".join(dict.fromkeys(w.path for w in files.writes))
            said.append(f"{paths}, as before `{text}`")
    return said
