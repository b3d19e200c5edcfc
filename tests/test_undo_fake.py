"""``down`` on a damaged state directory, without root: a journal with bad lines, a lost
or garbled lab record, a forged undo record, templates moved or changed, a kernel slow to
let go. The host is the real capture of the blog's lab (``tests/fakehost.py``)."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest

from iplab import lab, scenario, undo
from iplab.context import Env, make_env
from iplab.errors import UsageError
from iplab.inverse import Guard
from iplab.journal import UndoRecord, lab_dir, open_lab
from iplab.plan import Plan, build
from iplab.steps import LinkSet, NetnsDel
from tests.conftest import REPO
from tests.fakehost import PREFIX, SETUP_CHANGES, FakeHost

LAB = f"{PREFIX}blog"


def _plan(templates: tuple[Path, ...] = ()) -> Plan:
    return build(
        scenario.load("container-networking-part2"), prefix=PREFIX, template_dirs=templates
    )


def _up(tmp_path: Path, templates: tuple[Path, ...] = ()) -> tuple[FakeHost, Env, Path]:
    host = FakeHost()
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    env = make_env(state, io.StringIO(), io.StringIO(), runner=host.runner())
    assert lab.up(env, _plan(templates), LAB) == 0, env.err
    assert host.at == SETUP_CHANGES[-1]
    env.out, env.err = io.StringIO(), io.StringIO()
    return host, env, lab_dir(state, LAB)


def _err(env: Env) -> str:
    stream = env.err
    inner = getattr(stream, "stream", stream)
    assert isinstance(inner, io.StringIO)
    return inner.getvalue()


def _out(env: Env) -> str:
    assert isinstance(env.out, io.StringIO)
    return env.out.getvalue()


def test_bad_journal_lines_are_named_and_skipped(tmp_path: Path) -> None:
    host, env, where = _up(tmp_path)
    journal = where / "journal.jsonl"
    good = len(journal.read_text().splitlines())
    with journal.open("ab") as f:
        f.write(b"not json\n[1, 2]\n\xff\xfe\n")
        f.write(
            b'{"type": "gossip", "seq": 1}\n{"type": "outcome", "seq": 999, "status": "done"}\n'
        )
        f.write(b'{"type": "outcome", "seq": 1, "status": "perhaps"}\n')
    assert lab.down(env, LAB) == 0
    err = _err(env)
    for n, what in (
        (good + 1, "not JSON"), (good + 2, "a JSON list, not a record"),
        (good + 3, "bytes that are not UTF-8"), (good + 4, "unknown record type 'gossip'"),
        (good + 5, "seq 999 has no intent before it"), (good + 6, "status 'perhaps' is not one of"),
    ):  # fmt: skip
        assert f"{journal}:{n}: {what}" in err, err
    assert host.at == 0 and "is down" in _out(env)


@pytest.mark.parametrize("damage", ["deleted", "garbled", "a list"])
def test_a_lost_lab_record_is_rebuilt_from_the_journal(tmp_path: Path, damage: str) -> None:
    host, env, where = _up(tmp_path)
    record = where / "lab.json"
    if damage == "deleted":
        record.unlink()
    else:
        record.write_text("{not json" if damage == "garbled" else "[1]")
    assert lab.down(env, LAB) == 0, _err(env)
    assert f"{record} is " in _err(env) and "the lab is rebuilt from its journal" in _err(env)
    assert host.at == 0


def test_a_forged_undo_record_is_refused_and_the_journal_kept(tmp_path: Path) -> None:
    """An intent whose undo deletes a namespace the intent did not create (someone edited
    the journal): refused, named, the rest undone, the journal kept for a person."""
    host, env, where = _up(tmp_path)
    victim = "somebodys-namespace"
    with ExitStack() as stack:
        journal = open_lab(env.state_dir, LAB, stack)
        forged = journal.new_entry(
            journal.info().run, number=5, phase="setup", text=f"ip link set {PREFIX}vethX up",
            argv=["ip", "link", "set", f"{PREFIX}vethX", "up"],
            undo=[UndoRecord(NetnsDel(name=victim), Guard("always"), False),
                  UndoRecord(LinkSet(dev="eth0", attrs=(("state", "down"),)), Guard("always"))],
            op=LinkSet(dev=f"{PREFIX}vethX", attrs=(("state", "up"),)),
        )  # fmt: skip
        journal.intend([forged])
        journal.record([(forged, "done", 0)])
    assert lab.down(env, LAB) == 1
    err = _err(env)
    assert f"refusing `ip netns del {victim}`: namespace {victim} is not something" in err
    # (the fast undo only deletes: the forged `ip link set eth0 down` is never due)
    assert f"the journal is kept in {where}" in err
    assert host.at == 0 and victim not in " ".join(host.undo_lines)
    assert "eth0" not in " ".join(host.undo_lines)
    assert (where / "journal.jsonl").exists()


def test_exact_undo_refuses_a_forged_record_too(tmp_path: Path) -> None:
    host, env, _where = _up(tmp_path)
    with ExitStack() as stack:
        journal = open_lab(env.state_dir, LAB, stack)
        forged = journal.new_entry(
            journal.info().run, number=20, phase="setup", text="ip netns add x",
            argv=["ip", "netns", "add", "x"], op=None,
            undo=[UndoRecord(NetnsDel(name="x-not-ours"), Guard("always"), False)],
        )  # fmt: skip
        journal.intend([forged])
        journal.record([(forged, "done", 0)])
    assert lab.down(env, LAB, exact=True) == 1
    assert "refusing `ip netns del x-not-ours`" in _err(env)
    assert host.at == 0


def test_undo_uses_the_runs_templates_or_says_why_not(tmp_path: Path) -> None:
    mine = tmp_path / "templates"
    shutil.copytree(REPO / "templates", mine)
    host, env, where = _up(tmp_path, (mine,))
    info = json.loads((where / "lab.json").read_text())
    assert info["templates"] == [str(mine)] and info["template_hashes"]
    # a changed template is never run as root
    (mine / "netns-del.j2").write_text((mine / "netns-del.j2").read_text() + " ")
    with pytest.raises(UsageError, match=r"netns-del\.j2 changed since the lab came up"):
        lab.down(env, LAB)
    # moved away: the bundled ones
    shutil.rmtree(mine)
    assert lab.down(env, LAB) == 0, _err(env)
    assert "undo commands use the bundled templates" in _err(env)
    assert host.at == 0


def test_relative_template_directories_fall_back_to_the_bundled_ones(tmp_path: Path) -> None:
    host, env, where = _up(tmp_path)
    info = json.loads((where / "lab.json").read_text())
    info["templates"] = ["templates"]
    (where / "lab.json").write_text(json.dumps(info))
    assert lab.down(env, LAB) == 0
    assert "relative to where it came up" in _err(env)
    assert host.at == 0


def test_down_waits_for_the_kernel_to_let_go(tmp_path: Path) -> None:
    host, env, _where = _up(tmp_path)
    host.linger = 3  # three reads still see the lab's links after the undo
    assert lab.down(env, LAB) == 0, _err(env)
    records = [json.loads(x) for x in env.audit.path.read_text().splitlines()]
    waits = [r["text"] for r in records if r.get("kind") == "wait"]
    assert len(waits) == 1 and waits[0].endswith(": all gone")


def test_down_gives_up_waiting_and_keeps_the_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(undo, "SETTLE_SECONDS", 0.2)
    host, env, where = _up(tmp_path)
    host.linger = 10**6  # the kernel never lets go
    assert lab.down(env, LAB) == 1
    assert "could not undo everything (still there:" in _err(env)
    assert (where / "journal.jsonl").exists()
    host.linger, host._lingering = 0, None
    env.err = io.StringIO()
    assert lab.down(env, LAB) == 0  # the next down finds it gone
