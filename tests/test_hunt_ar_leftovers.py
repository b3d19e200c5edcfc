"""Leftovers of earlier hunts, each as a user hits it (hunt AR; inputs under
tests/fixtures/leftovers3/): ``--prefix`` renaming free text; brace expansions it could not
rename; ``set -e``; odd names; relative files a step writes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from iplab import export, hostfiles
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from iplab.prefix import with_prefix
from iplab.render import renderer
from iplab.scenario import Scenario, load_text
from iplab.steps import Raw
from tests.conftest import REPO

HERE = Path(__file__).parent / "fixtures" / "leftovers3"
LEFTOVERS4 = Path(__file__).parent / "fixtures" / "leftovers4"


def _imported(name: str) -> Scenario:
    text = (HERE / name).read_text(encoding="utf-8")
    return load_text(import_text(text, detect_kind(name, text), name).yaml, name)


def _lines(scenario: Scenario, prefix: str) -> list[str]:
    return [renderer().text(step.op) for step in with_prefix(scenario, prefix).steps]


def _raw(line: str) -> str:
    return (
        "name: b\nsetup:\n  - {action: link add, name: veth0, type: veth, peer: veth1}\n"
        f"  - {{action: raw, shell: true, command: '{line}'}}\n"
    )


def _run_page(
    path: Path, prefix: str, tmp_path: Path, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """``iplab import`` of a fixture, then ``iplab run`` of it from ``cwd``, under ``prefix``
    and a state directory of the test's own."""
    text = path.read_text(encoding="utf-8")
    lab = tmp_path / "lab.yaml"
    lab.write_text(import_text(text, detect_kind(path.name, text), path.name).yaml)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    env = {**os.environ, "IPLAB_STATE_DIR": str(state), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "iplab", "run", str(lab), "--prefix", prefix],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False,
    )  # fmt: skip


def test_prefix_leaves_the_text_echo_prints_or_writes_alone() -> None:
    """``iplab run web.yaml --prefix P`` printed 'Creating Pveth0 and Pveth1' and wrote
    'Pep1' into the page its web server served (echo ep1 > index.html). What echo prints,
    or writes to a file no other step reads, is text: it stays as the page wrote it. The
    names in paths and keys are still renamed."""
    lines = _lines(_imported("ar1-web-page-in-a-namespace.md"), "hAR")
    assert 'echo "Creating veth0 and veth1"' in lines
    assert "echo ep1 > index.html" in lines
    assert "ip netns exec hARep1 sysctl -w net.ipv4.conf.hARveth0.forwarding=1" in lines
    assert "ip netns exec hARep1 cat /proc/sys/net/ipv4/conf/hARveth0/forwarding" in lines
    assert "ip netns exec hARep1 cat /sys/class/net/hARveth0/mtu" in lines
    assert "ip netns exec hARep1 python3 -m http.server 8000 --bind 10.50.0.1 &" in lines


def test_prefix_renames_what_echo_hands_on_as_names() -> None:
    """What echo writes to a file another step reads (ip -batch FILE), into a pipe to a
    command, or to /proc, and a printf whose words substitute a command, are names."""
    lines = _lines(_imported("ar1-words-that-are-names.sh"), "hAR")
    assert 'echo "link set hARveth0 up" > up.batch' in lines
    assert (
        "ip netns exec hARep1 sh -c 'echo 1 > /proc/sys/net/ipv4/conf/hARveth0/forwarding'" in lines
    )
    assert any(
        line.startswith("printf 'hARveth1 MAC") and "show hARveth1" in line for line in lines
    )
    assert "ip netns exec hARep2 ip link set lo up" in lines
    assert 'echo "hello from ep1" | tee index.html' in lines
    # (the file read in the same step: ip -batch reads names)
    line = 'echo "link set veth0 up" > b.batch && ip -batch b.batch'
    renamed = with_prefix(load_text(_raw(line), "b.yaml"), "hAR").setup[1].op
    assert isinstance(renamed, Raw)
    assert renamed.command == 'echo "link set hARveth0 up" > b.batch && ip -batch b.batch'


def test_prefix_renames_the_names_a_brace_expansion_makes() -> None:
    """``sysctl -w net.ipv4.conf.veth{0,1}.rp_filter=0`` ran renamed (its step is the
    expansion) but printed as the page wrote it, unrenamed: the run's line said it set the
    sysctls of veth0 and veth1, which may be the host's. A block whose text cannot hold
    the renamed names prints its commands, renamed, as they run."""
    path = HERE / "ar2-braces-bridge.sh"
    text = path.read_text(encoding="utf-8")
    plan = build(
        load_text(import_text(text, detect_kind(path.name, text), path.name).yaml, path.name),
        prefix="hAR",
    )
    printed = export.text(plan).splitlines()
    assert "sysctl -w net.ipv4.conf.hARveth0.rp_filter=0 net.ipv4.conf.hARveth1.rp_filter=0" in (
        printed
    )
    assert "brctl addif hARbr0 hARveth0 hARveth1" in printed
    assert printed[:2] == ["ip netns add hARns1", "ip netns add hARns2"]
    assert not [line for line in printed if re.search(r"(?<!hAR)\b(veth|ceth|ns)[{0-9]", line)]


def test_under_set_e_a_failing_assignment_stops_the_run() -> None:
    """``set -euo pipefail`` then ``MAC=$(ip -n a link show x | awk ...)``: the step was
    let fail (may_fail), and the run went on with an empty $MAC where bash stops. Under
    set -e it may not fail; without set -e (bash goes on) it may. That pipefail is not
    kept (a step's pipeline fails as its last command does) is said."""
    path = HERE / "ar3-set-e-assignment.sh"
    text = path.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(path.name, text), path.name)
    steps = load_text(result.yaml, path.name).steps
    mac = next(s for s in steps if "MAC=" in getattr(s.op, "command", ""))
    assert not mac.may_fail
    said = next(w for w in result.warnings if "set -euo pipefail" in w)
    assert (
        said == "line 2: 'set -euo pipefail' skipped (each step runs on its own; without pipefail)"
    )
    plain = text.replace("set -euo pipefail\n", "")
    steps = load_text(import_text(plain, "shell", path.name).yaml, path.name).steps
    assert next(s for s in steps if "MAC=" in getattr(s.op, "command", "")).may_fail
    again = text.replace("set -euo pipefail\n", "set -e\nset +e\n")
    steps = load_text(import_text(again, "shell", path.name).yaml, path.name).steps
    assert next(s for s in steps if "MAC=" in getattr(s.op, "command", "")).may_fail


def test_names_with_blanks_or_shell_characters_are_said() -> None:
    """``ip netns add "red blue"`` (ip takes it) stayed a raw step with no word why, while
    ``web:1`` was said. A quoted name holding a blank or a shell character is said too."""
    path = HERE / "ar4-names-with-blanks.md"
    text = path.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(path.name, text), path.name)
    said = [w for w in result.warnings if "hold a blank or a shell character" in w]
    assert len(said) == 1
    assert said[0].startswith("lines 6, 7, 8: 'red blue', 'green;pink' hold a blank")


def test_a_relative_file_a_step_writes_is_followed() -> None:
    """``echo "hello from web" > index.html`` and ``cat > 10-mynet.conf <<EOF`` were steps
    iplab could not undo (it followed absolute paths only): the files stayed in the
    user's directory after the run said "nothing of the lab remains". A relative path is
    the file of the directory the step runs in; after a ``cd`` in the step, none."""
    here = os.getcwd()
    got = hostfiles.file_writes('echo "hello from web" > index.html')
    assert got is not None and got.complete
    assert [w.path for w in got.writes] == [os.path.join(here, "index.html")]
    got = hostfiles.file_writes("mkdir -p www && cd www && echo hi > index.html")
    assert got is not None and not got.complete
    assert [w.path for w in got.writes] == [os.path.join(here, "www")]
    assert hostfiles.file_writes("echo hi > $OUT") is None
    lines = _lines(_imported("ar5-relative-files.md"), "hAR")
    assert 'echo "hello from web" > index.html' in lines


@pytest.mark.kernel
def test_a_run_puts_back_the_relative_files_its_steps_wrote(prefix: str, tmp_path: Path) -> None:
    """Run from a directory that holds an index.html of the user's: the run writes the
    page's index.html and 10-mynet.conf there, and leaves the user's index.html as it was
    and no 10-mynet.conf, said."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "index.html").write_text("mine\n")
    result = _run_page(HERE / "ar5-relative-files.md", prefix, tmp_path, work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["index.html"]
    assert (work / "index.html").read_text() == "mine\n"
    assert f"put back {work}/index.html; {work}/10-mynet.conf" in result.stdout
    assert "nothing of the lab remains" in result.stdout


def test_a_step_that_ends_changing_directory_is_no_warning_now() -> None:
    """``mkdir -p /tmp/hunt-ar/www && cd /tmp/hunt-ar/www`` then ``echo ep1 > index.html``:
    each step ran in a shell of its own, started in iplab's directory, and the import said
    so. The steps after a cd now run where it ended (lab.Session._moved), as in the
    tutorial's shell: nothing to say (changed by design; the run is tested below)."""
    path = HERE / "ar1-web-page-in-a-namespace.md"
    text = path.read_text(encoding="utf-8")
    warnings = import_text(text, detect_kind(path.name, text), path.name).warnings
    assert not [w for w in warnings if "directory" in w]
    script = "mkdir -p www && cd www && python3 -m http.server 8000 &\n"
    assert not [w for w in import_text(script, "shell", "s.sh").warnings if "directory" in w]


@pytest.mark.kernel
def test_the_steps_after_a_cd_run_where_it_ended(prefix: str, tmp_path: Path) -> None:
    """``mkdir -p lab-www``, ``cd lab-www``, ``echo ... > index.html``, then a server in ns1
    serving its directory: the page is written in lab-www and served from there, as the
    tutorial's shell does it (the steps ran in iplab's directory: the page was written
    beside lab-www, and the server served that directory); undone, nothing is left."""
    work = tmp_path / "work"
    work.mkdir()
    result = _run_page(LEFTOVERS4 / "cd-then-serve.md", prefix, tmp_path, work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"(the steps after it run in {work}/lab-www)" in result.stdout
    assert "\nhello from ns1\n" in result.stdout  # (the page, served from lab-www)
    assert f"put back {work}/lab-www/index.html" in result.stdout  # (written there)
    assert list(work.iterdir()) == []  # (index.html in lab-www, and lab-www, put back)
    assert "nothing of the lab remains" in result.stdout


def test_which_steps_report_where_they_end() -> None:
    """A shell step of the root namespace that changes directory reports where it ended;
    a job (its cd is its own subshell's), a step in a namespace, or one without a cd not."""
    from iplab import lab

    script = (
        "mkdir -p www && cd www\n"
        "cd /tmp\n"
        "pushd /var > /dev/null\n"
        "cd www && python3 -m http.server 8000 &\n"
        "echo hello > index.html\n"
        "sudo ip netns add a\n"
        "sudo ip netns exec a bash -c 'cd /tmp && ls'\n"
    )
    plan = build(load_text(import_text(script, "shell", "s.sh").yaml, "s.yaml"))
    moves = {c.command.text: lab._moves(c.command) for c in plan.commands}
    assert moves == {
        "mkdir -p www && cd www": True,
        "cd /tmp": True,
        "pushd /var > /dev/null": True,
        "cd www && python3 -m http.server 8000 &": False,
        "echo hello > index.html": False,
        "sudo ip netns add a": False,
        "sudo ip netns exec a bash -c 'cd /tmp && ls'": False,  # (its own shell's cd)
    }


@pytest.mark.kernel
def test_a_namespace_s_script_that_changes_directory_runs(prefix: str, tmp_path: Path) -> None:
    """``ip netns exec web bash -c "cd /proc/self && ls ns | grep -c net"``: split, its cd
    ran alone and failed (exec of "cd" failed), and the run rolled back."""
    result = _run_page(LEFTOVERS4 / "cd-inside-a-namespace.sh", prefix, tmp_path, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ls ns | grep -c net'\n1\n" in result.stdout  # (the namespace's own /proc/self)
    assert "\nlo\n" in result.stdout  # (its /sys/class/net: its lo alone)
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True)
    assert prefix not in listed.stdout
