"""The run path without root: ``up``, ``run``, ``down``, rollback, batching, Ctrl-C and a
torn journal, driven through :class:`iplab.runner.FakeExecutor` answering with a real
capture of the blog's lab (``tests/fakehost.py``)."""

from __future__ import annotations

import io
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from iplab import lab, scenario
from iplab.context import Env, make_env
from iplab.errors import IplabError, StateWriteError, UsageError
from iplab.journal import Journal, lab_dir
from iplab.plan import Plan, build
from iplab.state import created_names
from tests.fakehost import CHANGES, COMMANDS, PREFIX, SESSION, SETUP_CHANGES, FakeHost

LAB = f"{PREFIX}blog"


def _plan() -> Plan:
    return build(scenario.load("container-networking-part2"), prefix=PREFIX)


def _env(host: FakeHost, tmp_path: Path) -> tuple[Env, io.StringIO, io.StringIO]:
    state = tmp_path / "state"
    state.mkdir(mode=0o700, exist_ok=True)
    out, err = io.StringIO(), io.StringIO()
    return make_env(state, out, err, runner=host.runner()), out, err


def _audit(env: Env) -> list[dict[str, Any]]:
    env.flush_audit()
    return [json.loads(line) for line in env.audit.path.read_text().splitlines()]


def test_the_capture_is_consistent() -> None:
    """The fake composes a failing batch line as iproute2 does: the capture holds one."""
    sample = SESSION["batch_failure"]
    assert sample["rc"] == 1
    assert sample["stderr"] == SESSION["failures"]["1"]["stderr"] + "Command failed -:2\n"
    assert _plan().owned.netns == set(SESSION["namespaces"])
    assert len(_plan().setup) == 18 and max(SETUP_CHANGES) == 18
    assert [c.command.text.removeprefix("sudo ") for c in _plan().commands] == [
        COMMANDS[n]["text"].removeprefix("sudo ") for n in sorted(COMMANDS)
    ]


@pytest.mark.parametrize("batch", [True, False], ids=["batched", "per-command"])
def test_up_then_down(tmp_path: Path, batch: bool) -> None:
    host = FakeHost()
    env, out, err = _env(host, tmp_path)
    rc = lab.up(env, _plan(), LAB, lab.Options(batch=batch))
    assert rc == 0, err.getvalue()
    assert host.at == SETUP_CHANGES[-1]
    text = out.getvalue()
    assert "verify: the kernel holds what the scenario promised" in text
    assert f"lab {LAB} is up: 14 changes journaled (undo with: iplab down {LAB})" in text
    assert text.count("    PASS ") == 8 and "FAIL" not in text  # the blog's claims hold
    assert [i.lab for i in lab.list_labs(env.state_dir)] == [LAB]
    records = _audit(env)
    changes = [r for r in records if r.get("kind") == "command"]
    assert [r["text"] for r in changes] == [COMMANDS[n]["text"] for n in SETUP_CHANGES]
    if batch:
        # a change alone between observations runs alone; runs of changes go to one batch
        via = [tuple(r["via"]) for r in changes if "via" in r]
        assert len(via) == 13 and set(via) == {("ip", "-batch", "-")}
        assert any(r.get("kind") == "batch" for r in records)
    else:
        assert all("via" not in r for r in changes)
    down_out = io.StringIO()
    env.out = down_out
    assert lab.down(env, LAB) == 0, err.getvalue()
    assert host.at == 0 and host.changes[-1] == "undo"
    # one batch deletes the two namespaces (their veths go with them) and the bridge
    assert sorted(host.undo_lines) == sorted(
        [f"netns del {PREFIX}ns1", f"netns del {PREFIX}ns2", f"link del {PREFIX}br0"]
    )
    assert f"lab {LAB} is down: 3 undo commands ran" in down_out.getvalue()
    assert lab.list_labs(env.state_dir) == []
    assert list((env.state_dir / "history").glob(f"{LAB}@*.jsonl"))
    env.out = io.StringIO()
    assert lab.down(env, LAB) == 0  # twice: already down, nothing to undo
    assert "already down" in env.out.getvalue()


def test_a_lab_that_is_up_cannot_come_up_twice(tmp_path: Path) -> None:
    host = FakeHost()
    env, _out, _err = _env(host, tmp_path)
    assert lab.up(env, _plan(), LAB) == 0
    with pytest.raises(UsageError, match=f"lab {LAB} is already up"):
        lab.up(env, _plan(), LAB)
    with pytest.raises(UsageError, match="no lab named nope is up"):
        lab.down(env, "nope")


def test_preflight_refuses_names_the_host_has(tmp_path: Path) -> None:
    """A name of the lab that exists already (here: the host after step 15 holds the
    bridge) stops the run before anything changes."""
    host = FakeHost()
    host.at = 15
    env, _out, _err = _env(host, tmp_path)
    with pytest.raises(IplabError, match=f"not starting: {PREFIX}ns1, {PREFIX}ns2, "):
        lab.up(env, _plan(), LAB)
    assert host.changes == []
    assert lab.list_labs(env.state_dir) == []


@pytest.mark.parametrize("batch", [True, False], ids=["batched", "per-command"])
@pytest.mark.parametrize("failing", SETUP_CHANGES)
def test_a_failure_at_any_line_rolls_back(tmp_path: Path, failing: int, batch: bool) -> None:
    host = FakeHost(fail_at=failing)
    env, _out, err = _env(host, tmp_path)
    rc = lab.up(env, _plan(), LAB, lab.Options(batch=batch))
    assert rc == 1
    message = err.getvalue()
    failure = SESSION["failures"][str(failing)]["stderr"].strip().splitlines()[0]
    assert "command failed (" in message
    assert COMMANDS[failing]["text"] in message and failure in message
    exists = "File exists" in failure  # the name is someone else's: left alone
    if exists:
        op = next(pc.command.op for pc in _plan().commands if pc.command.number == failing)
        netns, links = created_names([op])
        assert f"left alone: {', '.join(sorted(netns | links))} (created by someone else" in message
    assert "rolled back" in message and "the host is as it was before" in message
    # what ran before the failure was undone; nothing of the lab is left, no lab is up
    done = SETUP_CHANGES[: SETUP_CHANGES.index(failing)]
    assert host.changes == [COMMANDS[n]["text"] for n in done] + (["undo"] if done else [])
    assert host.at == 0 and host.ours() == (set(), set())
    assert lab.list_labs(env.state_dir) == []
    history = list((env.state_dir / "history").glob(f"{LAB}@*.jsonl"))
    assert len(history) == 1
    records = [json.loads(line) for line in history[0].read_text().splitlines()]
    outcomes = {r["seq"]: r["status"] for r in records if r["type"] == "outcome"}
    assert list(outcomes.values()).count("exists" if exists else "failed") == 1
    assert sum(1 for r in records if r["type"] == "undone") == len(done) + (not exists)


@pytest.mark.parametrize("batch", [True, False], ids=["batched", "per-command"])
def test_run_rehearses_setup_and_teardown(tmp_path: Path, batch: bool) -> None:
    host = FakeHost()
    env, out, err = _env(host, tmp_path)
    rc = lab.run_all(env, _plan(), LAB, lab.Options(batch=batch))
    assert rc == 0, err.getvalue()
    text = out.getvalue()
    assert "== setup (18 steps)" in text and "== teardown (5 steps)" in text
    assert "== nothing of the lab remains" in text
    assert "OK: 23 commands" in text
    assert host.changes == [COMMANDS[n]["text"] for n in CHANGES]
    assert lab.list_labs(env.state_dir) == []


@pytest.mark.parametrize("failing", [n for n in CHANGES if n not in SETUP_CHANGES])
def test_a_teardown_failure_rolls_back_from_the_journal(tmp_path: Path, failing: int) -> None:
    host = FakeHost(fail_at=failing)
    env, _out, err = _env(host, tmp_path)
    assert lab.run_all(env, _plan(), LAB) == 1
    assert "rolled back" in err.getvalue()
    assert host.at == 0 and lab.list_labs(env.state_dir) == []


@pytest.mark.parametrize("batch", [True, False], ids=["batched", "per-command"])
@pytest.mark.parametrize("when", [1, 7, 14, 18])
def test_ctrl_c_mid_run_rolls_back(tmp_path: Path, when: int, batch: bool) -> None:
    """SIGINT while change ``when`` runs: the run stops there and undoes what it did."""
    host = FakeHost()

    def interrupt(number: int) -> None:
        if number == when:
            os.kill(os.getpid(), signal.SIGINT)

    host.before = interrupt
    env, _out, err = _env(host, tmp_path)
    rc = lab.up(env, _plan(), LAB, lab.Options(batch=batch))
    assert rc == 130
    assert "SIGINT received" in err.getvalue()
    assert "rolled back" in err.getvalue()
    assert host.at == 0 and host.changes[-1] == "undo"
    assert lab.list_labs(env.state_dir) == []


def test_a_crash_leaves_a_torn_journal_that_down_undoes(tmp_path: Path) -> None:
    """iplab dies while change 11 runs (its intent written, no outcome: maybe done), and
    its last journal write is torn: ``down`` reads the host and undoes everything."""
    host = FakeHost()

    def die(number: int) -> None:
        if number == 11:
            raise SystemExit("killed")  # as SIGKILL would: nothing after this runs

    host.before = die
    env, _out, _err = _env(host, tmp_path)
    with pytest.raises(SystemExit):
        lab.up(env, _plan(), LAB, lab.Options(batch=False))
    journal = lab_dir(env.state_dir, LAB) / "journal.jsonl"
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    assert records[-1]["type"] == "intent" and records[-1]["number"] == 11
    with journal.open("a") as f:
        f.write('{"type": "outcome", "seq": 9')  # the write the crash cut
    host.before = None
    host.at = 10  # the crash came after the host made nothing of change 11
    out = io.StringIO()
    env.out = out
    assert lab.down(env, LAB) == 0, env.err
    assert host.at == 0 and "is down" in out.getvalue()


def test_status_of_the_captured_lab(tmp_path: Path) -> None:
    from iplab import iproute
    from iplab.status import format_state

    host = FakeHost()
    host.at = SETUP_CHANGES[-1]
    state = iproute.read_state(host.runner(), SESSION["namespaces"])
    text = format_state(state, root_links=_plan().owned.in_root())
    lines = text.splitlines()
    assert lines[0] == "root namespace"
    assert any(
        line.split()[:3] == [f"{PREFIX}br0", "bridge", "up"]
        and f"ports {PREFIX}vethQ, {PREFIX}vethY" in line
        for line in lines
    )
    assert any(
        line.split()[:2] == [f"{PREFIX}vethY", "veth"]
        and f"peer {PREFIX}vethX@{PREFIX}ns1" in line
        and f"master {PREFIX}br0" in line
        for line in lines
    )
    assert f"namespace {PREFIX}ns1 (nsid 0)" in lines
    assert "lo" not in [line.split()[0] for line in lines if line.startswith("  ")][:1]


def test_a_part_of_a_batch_the_journal_cannot_take_never_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch is fed to ip in parts, each once its intents are in the journal: when the
    journal refuses a part's intents, ip never gets those lines, and what ran is undone."""
    monkeypatch.setattr("iplab.context.FEED_FIRST", 2)  # the blog's batches, in parts
    monkeypatch.setattr("iplab.context.FEED_MOST", 2)
    host = FakeHost()
    env, _out, err = _env(host, tmp_path)
    real = Journal.intend
    intended: list[int] = []

    def intend(self: Journal, entries: Any) -> None:
        if len(intended) == 3:  # the third part of a batch (the first change runs alone)
            raise StateWriteError("cannot write the journal: No space left on device")
        real(self, entries)
        intended.append(len(entries))

    monkeypatch.setattr(Journal, "intend", intend)
    assert lab.up(env, _plan(), LAB) != 0
    assert "No space left on device" in err.getvalue() and "rolled back" in err.getvalue()
    assert intended == [1, 2, 2]
    ran = host.changes[: host.changes.index("undo")]
    assert len(ran) == 5  # every line that ran had its intent; the lines after never ran
    assert ran == [COMMANDS[n]["text"] for n in SETUP_CHANGES[:5]]
    assert host.at == 0 and host.ours() == (set(), set())
    assert lab.list_labs(env.state_dir) == []


def test_a_prefix_is_refused_for_a_name_only_a_step_iplab_cannot_read_makes(
    tmp_path: Path,
) -> None:
    """``sh -c "ip netns add x1"``, then ``ip -n x1 ...``: the raw step runs as written, so
    with --prefix x1 would be made on the host under its own name. Refused before
    anything runs, naming the step; said with ``creates:``, the name is renamed instead."""
    from iplab.model import ModelError

    steps = '  - action: raw\n    command: sh -c "ip netns add x1"\n'
    use = "  - line: ip -n x1 link set lo up\n"
    plan = build(scenario.load_text(f"name: p\nsetup:\n{steps}{use}", "p.yaml"), prefix="pz")
    host = FakeHost()
    env, _out, _err = _env(host, tmp_path)
    with pytest.raises(ModelError) as caught:
        lab.up(env, plan, "pzp")
    said = str(caught.value)
    assert said.startswith("p.yaml:3: setup[0]: with --prefix pz, x1 would keep its name")
    assert '`sh -c "ip netns add x1"` (a step iplab cannot read)' in said
    assert host.changes == [] and lab.list_labs(env.state_dir) == []
    declared = f"name: p\nsetup:\n{steps}    creates: [{{netns: x1}}]\n{use}"
    plan = build(scenario.load_text(declared, "p.yaml"), prefix="pz")
    assert not plan.owned.adopted and "pzx1" in plan.owned.netns


def test_nothing_runs_when_its_audit_record_cannot_be_written(tmp_path: Path) -> None:
    """The audit log replaced by a directory (or a read-only state directory): ``up`` ran
    its first command, then failed writing its record, and left its lab listed as up;
    ``exec`` ran the user's command unaudited. Both are refused before anything runs."""
    from iplab import live

    host = FakeHost()
    env, _out, _err = _env(host, tmp_path)
    env.audit.path.mkdir()
    with pytest.raises(StateWriteError, match=r"audit\.jsonl"):
        lab.up(env, _plan(), LAB)
    assert host.changes == [] and lab.list_labs(env.state_dir) == []
    env.audit.path.rmdir()
    assert lab.up(env, _plan(), LAB) == 0
    env.flush_audit()
    env.audit.path.rename(tmp_path / "kept.jsonl")
    env.audit.path.mkdir()
    calls = len(host.executor.calls)
    with pytest.raises(StateWriteError, match=r"audit\.jsonl"):
        live.exec_in(env, LAB, f"{PREFIX}ns1", ["ip", "-br", "link"])
    assert len(host.executor.calls) == calls  # the command was never started


def test_preflight_names_the_lab_that_made_what_the_host_has(tmp_path: Path) -> None:
    """The same prefix, another --lab name: the names are the first lab's, which iplab made
    (it said iplab did not create them)."""
    host = FakeHost()
    env, _out, _err = _env(host, tmp_path)
    assert lab.up(env, _plan(), LAB) == 0
    env, _out, _err = _env(host, tmp_path)
    with pytest.raises(IplabError) as caught:
        lab.up(env, _plan(), "other")
    said = str(caught.value)
    assert f"already exist on this host; lab {LAB} (up) made them" in said
    assert f"`iplab down {LAB}` first" in said


@pytest.mark.parametrize(
    "command",
    ["ip netns add 实验", "ip netns add x2 || echo there", "sudo ip link add v9 type dummy && true",
     "ip netns exec n ip link set v1 name eth0 || true", "brctl addbr b9 2>/dev/null"],
)  # fmt: skip
def test_a_prefix_is_refused_for_a_step_iplab_cannot_read_that_makes_names(
    tmp_path: Path, command: str
) -> None:
    """Never used again, such a name was made on the host under its own, and the run said
    nothing of the lab remained while it did."""
    from iplab.model import ModelError

    text = f"name: p\nsetup:\n  - action: raw\n    command: '{command}'\n    shell: true\n"
    plan = build(scenario.load_text(text, "p.yaml"), prefix="pz")
    host = FakeHost()
    env, _out, _err = _env(host, tmp_path)
    with pytest.raises(ModelError, match="would make a namespace or a link under a name"):
        lab.up(env, plan, "pzp")
    assert host.changes == []


def test_a_failed_batch_line_is_audited_as_it_failed(tmp_path: Path) -> None:
    """A batch's records say what ip said of each line: those before the failed one
    succeeded, the failed one with its status and error, the lines after it none."""
    failing = SETUP_CHANGES[3]
    host = FakeHost(fail_at=failing)
    env, _out, _err = _env(host, tmp_path)
    assert lab.up(env, _plan(), LAB, lab.Options(batch=True)) == 1
    records = [r for r in _audit(env) if r.get("kind") == "command" and r.get("phase") == "setup"]
    texts = [r["text"] for r in records]
    assert texts == [COMMANDS[n]["text"] for n in SETUP_CHANGES[:4]]
    assert [r["rc"] for r in records] == [0, 0, 0, 1]
    assert records[-1]["via"] == ["ip", "-batch", "-"]
    assert all(r["stderr"] == "" for r in records[:-1])
    failure = SESSION["failures"][str(failing)]["stderr"].strip().splitlines()[0]
    assert failure in records[-1]["stderr"]
