"""IPv6 and policy-routing pages of hunt V: routing tables named in rt_tables, and the host
file a lab appends a table's name to.

The inputs are the hunt's own files (tests/fixtures/ipv6-pbr). No test writes the host's
/etc/iproute2/rt_tables: the files written are under the test's temporary directory.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from iplab import hostfiles, prefix
from iplab.errors import ScenarioError
from iplab.hostfiles import file_writes
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.inverse import Guard
from iplab.journal import Journal, UndoRecord
from iplab.prefix import with_prefix
from iplab.render import renderer
from iplab.scenario import load_text
from iplab.steps import Raw
from tests.kernel import iplab

HERE = Path(__file__).parent / "fixtures" / "ipv6-pbr"


def _import(path: Path) -> ImportResult:
    text = path.read_text(encoding="utf-8")
    return import_text(text, detect_kind(path.name, text), path.name)


def test_a_table_named_only_if_missing_is_put_back_not_said_as_cannot_undo() -> None:
    """Hunt V: ``grep -q "^101 vpn" /etc/iproute2/rt_tables || echo "101 vpn" >>
    /etc/iproute2/rt_tables`` was listed by the import and the dry run as a step iplab
    cannot undo, while the same dry run ended "and put back ... /etc/iproute2/rt_tables":
    grep was not known to only read. ``ip route flush cache`` was listed too, though it
    changes nothing that needs undoing."""
    result = _import(HERE / "07-root-pbr-gist.sh")
    assert not result.cannot_undo, result.cannot_undo
    assert "cannot undo" not in result.summary()
    line = 'grep -q "^101 vpn" /etc/iproute2/rt_tables || echo "101 vpn" >> /etc/iproute2/rt_tables'
    writes = file_writes(line)
    assert writes is not None and writes.complete


def _renamed_lines(path: Path, prefix: str) -> list[str]:
    scenario = load_text(_import(path).yaml, path.name + ".yaml")
    render = renderer()
    return [render.text(step.op) for step in with_prefix(scenario, prefix).steps]


def test_prefix_leaves_a_routing_table_named_as_a_namespace_alone() -> None:
    """Hunt V: with ``--prefix hV`` the StackExchange answer was refused ("the line '...
    table hVisp2' does not read as the renamed command"): its namespace isp2 and its
    routing table isp2 share a name, and the table's name was renamed in ``table isp2``,
    ``lookup isp2`` and in the line it writes to rt_tables. A table is no namespace: its
    name stays, the namespace's is renamed."""
    lines = _renamed_lines(HERE / "02-pbr-stackexchange.md", "hV")
    assert 'echo "100 isp2" >> /etc/iproute2/rt_tables' in lines
    assert "ip -n hVgw rule add from 10.0.1.0/24 table isp2 priority 1000" in lines
    assert "ip -n hVgw route add default via 198.51.100.1 dev hVveth-isp2 table isp2" in lines
    assert "ip -n hVisp2 addr add 198.51.100.1/30 dev hVup0" in lines
    gist = _renamed_lines(HERE / "07-root-pbr-gist.sh", "hV")
    assert (
        'grep -q "^101 vpn" /etc/iproute2/rt_tables || echo "101 vpn" >> /etc/iproute2/rt_tables'
        in gist
    )
    assert "ip rule add from 172.31.255.1 lookup vpn prio 101" in gist
    assert "ip route add default via 172.31.255.2 dev hVv-host table vpn" in gist
    assert "ip netns add hVvpn" in gist


def test_prefix_refusal_says_which_name_clashed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hunt V: the refusal said only "a name is also a word of the command"; it now names
    the name and what it is (here a namespace named lo, whose link lo was renamed too).
    Since hunt EG such a line is renamed where ip reads the namespace (``ip -n hVlo link set
    lo up``); the refusal is left for a line none of whose renamings reads back."""
    text = "name: lo\nsetup:\n  - line: ip netns add lo\n  - line: ip -n lo link set lo up\n"
    scenario = load_text(text, "lo.yaml")
    assert with_prefix(scenario, "hV").steps[1].op.text == "ip -n hVlo link set lo up"
    monkeypatch.setattr(prefix, "_MOST_SPANS", 0)
    with pytest.raises(ScenarioError, match="'lo' is a namespace of the lab and also another"):
        with_prefix(scenario, "hV")


def _step(line: str) -> str | None:
    """Run a line that writes host files as up does: looked at before, undo built after."""
    writes = file_writes(line)
    assert writes is not None and writes.complete
    before = hostfiles.look(writes)
    subprocess.run(["bash", "-c", line], check=True)
    return hostfiles.undo_command(before)


def _undo(undo: str | None) -> str:
    if undo is None:
        return ""
    done = subprocess.run(["bash", "-c", undo], capture_output=True, text=True, check=True)
    return done.stderr


def _hunt_line(tables: Path) -> str:
    """The line of the hunt's script that names its table, writing ``tables`` instead."""
    script = (HERE / "03-hostfile-clobber.sh").read_text(encoding="utf-8")
    line = next(x for x in script.splitlines() if x.startswith("echo"))
    return line.replace("/tmp/hunt-V/fake_rt_tables", str(tables))


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_undo_removes_only_the_lines_the_lab_appended(tmp_path: Path, order: str) -> None:
    """Hunt V (SAFETY): ``echo "200 lab" >> rt_tables``: ``down`` put back the bytes the
    file had before ``up``, losing "300 someone-else" added by hand since; of two labs
    that append the same line, taken down in turn, the second put back the first's line.
    Now each removes the lines it appended, only them, in either order."""
    tables = tmp_path / "rt_tables"
    tables.write_text("255\tlocal\n254\tmain\n")
    undos = {"a": _step(_hunt_line(tables)), "b": _step(_hunt_line(tables))}
    with tables.open("a") as stream:
        stream.write("300 someone-else\n")
    for lab in order:
        assert _undo(undos[lab]) == ""
    assert tables.read_text() == "255\tlocal\n254\tmain\n300 someone-else\n"


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_a_line_appended_only_if_missing_is_removed_by_the_lab_that_added_it(
    tmp_path: Path, order: str
) -> None:
    """Hunt V: ``grep -q "^101 vpn" FILE || echo "101 vpn" >> FILE`` in two labs: the
    second appends nothing, and taking it down first must not take the first's line."""
    tables = tmp_path / "rt_tables"
    tables.write_text("255\tlocal\n")
    script = (HERE / "07-root-pbr-gist.sh").read_text(encoding="utf-8")
    line = next(x for x in script.splitlines() if x.startswith("grep"))
    line = line.replace("/etc/iproute2/rt_tables", str(tables))
    undos = {"a": _step(line), "b": _step(line)}
    assert undos["b"] is None
    first, second = order[0], order[1]
    _undo(undos[first])
    assert tables.read_text() == ("255\tlocal\n101 vpn\n" if first == "b" else "255\tlocal\n")
    _undo(undos[second])
    assert tables.read_text() == "255\tlocal\n"


def test_a_file_written_whole_and_changed_since_is_left_and_said(tmp_path: Path) -> None:
    """Hunt V: a file a step writes whole (``>``) gets its bytes back only while it holds
    what the step wrote (as a sysctl is put back only while it holds the value written);
    changed since, it is left as it is, and the undo says so."""
    tables = tmp_path / "rt_tables"
    tables.write_text("255\tlocal\n")
    undo = _step(f"echo '200 lab' > {tables}")
    tables.write_text("200 lab\n300 someone-else\n")
    said = _undo(undo)
    assert tables.read_text() == "200 lab\n300 someone-else\n"
    assert f"iplab: left as it is: {tables} (it was changed since the lab wrote it)" in said
    tables.write_text("200 lab\n")
    assert _undo(undo) == "" and tables.read_text() == "255\tlocal\n"


def test_the_journal_keeps_the_undo_known_once_the_step_ran(tmp_path: Path) -> None:
    """Hunt V: the undo of a host file is known once its step ran (the lines it appended):
    journaled then in place of the one written ahead, and read back so by ``down``."""
    (tmp_path / "lab").mkdir(mode=0o700)
    journal = Journal(tmp_path / "lab")
    ahead = UndoRecord(Raw(command="true", shell=True), Guard("always"))
    entry = journal.new_entry("r", number=1, phase="setup", text="x", argv=["x"], undo=[ahead])
    journal.intend([entry])
    after = UndoRecord(Raw(command="sed -i /200/d /tmp/t", shell=True), Guard("always"), True)
    journal.amend(entry, [after])
    journal.record([(entry, "done", 0)])
    (read,) = Journal(tmp_path / "lab").entries()
    assert read.undo == (after,) and read.status == "done"


@pytest.mark.kernel
def test_down_keeps_a_line_added_to_rt_tables_since_up(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt V (SAFETY), the hunt's script run: two labs append "200 lab", someone adds
    "300 someone-else", both go down: the file is as before but for that line."""
    tables = tmp_path / "fake_rt_tables"
    tables.write_text("255\tlocal\n254\tmain\n")
    script = (HERE / "03-hostfile-clobber.sh").read_text(encoding="utf-8")
    lab = tmp_path / "pbr.yaml"
    text = script.replace("/tmp/hunt-V/fake_rt_tables", str(tables))
    lab.write_text(import_text(text, "shell", "pbr.sh").yaml)
    for which in ("a", "b"):
        up = iplab("up", str(lab), "--prefix", prefix + which, state=state_dir)
        assert up.returncode == 0, up.stdout + up.stderr
    assert tables.read_text() == "255\tlocal\n254\tmain\n200 lab\n200 lab\n"
    with tables.open("a") as stream:
        stream.write("300 someone-else\n")
    for which in ("a", "b"):
        down = iplab("down", f"{prefix}{which}pbr", state=state_dir)
        assert down.returncode == 0, down.stdout + down.stderr
    assert tables.read_text() == "255\tlocal\n254\tmain\n300 someone-else\n"
