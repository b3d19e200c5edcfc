"""Hunt CO: loops and generated commands, as people write them (tests/fixtures/loops-2).

#1 ``for ((i=0; i<${#ns[@]}; i++))`` (an array's length in a C-style loop's test) was
"a multi-line shell construct ... skipped": the page's addresses were lost, and its ping
was no probe. #2 ``ip netns add $n || break`` in a loop was one raw step a turn: the model
said ``namespace ns01 does not exist`` at each next line and ``--prefix`` refused the page.
#3 a batch file a loop writes line by line (``echo "netns add n$i" >> /tmp/lab.batch``,
then ``ip -batch /tmp/lab.batch``) was refused: the file did not exist when iplab judged it.
#4 ``seq 30 | xargs -I{} sudo ip netns add ns{}`` was one raw step --prefix refused. #5
``while read name addr; do ...; done < hosts.txt`` of a file the script wrote (``cat >
hosts.txt <<EOF``) was "a multi-line shell construct ... skipped": its three hosts were lost.

The unrolled commands are held to what bash runs: the script run by bash with ``ip`` a
function that prints its words."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

import iplab.cli
from tests.kernel import SKIP
from tests.pages import imported, ran_clean, written

LOOPS = Path(__file__).parent / "fixtures" / "loops-2"

#: a program that prints its name and words, first on bash's PATH: the script's ``ip``
#: (and what xargs runs) only says what it would run
STUB = '#!/bin/sh\nout="${0##*/}"\nfor w in "$@"; do out="$out $w"; done\necho "$out"\n'


def _bash_ran(script: Path) -> list[str]:
    """The ip commands bash runs for ``script``, none of them run."""
    with tempfile.TemporaryDirectory(prefix="hco-trace-") as where:
        stubs = Path(where)
        (stubs / "ip").write_text(STUB)
        (stubs / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
        for stub in stubs.iterdir():
            stub.chmod(0o755)
        done = subprocess.run(
            ["bash", str(script)],
            capture_output=True, text=True, check=False, timeout=60, cwd=where,
            env={**os.environ, "PATH": f"{where}:{os.environ['PATH']}"},
        )  # fmt: skip
    return [line for line in done.stdout.splitlines() if line.startswith("ip ")]


def _iplab_runs(
    page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[list[str], str]:
    """The commands ``iplab run --dry-run`` would run (the page's quotes taken off, as bash
    takes them), and what import warned."""
    result, _ = imported(page)
    lab = written(result, tmp_path)
    assert iplab.cli.main(["run", "--dry-run", str(lab), "--no-preflight"]) == 0
    out = capsys.readouterr().out
    ran = [
        line.removeprefix("DRY RUN: ").removeprefix("sudo ").replace('"', "")
        for line in out.splitlines()
        if line.startswith("DRY RUN: ") and not line.startswith(("DRY RUN:  ", "DRY RUN: `"))
    ]
    return ran, "\n".join(result.warnings)


@pytest.mark.parametrize(
    "page",
    [
        *("l01-ring.sh", "l03-heredoc.sh", "l07-mesh.sh", "l08-seqf.sh", "l11-star200.sh"),
        *("l12-ring-array.sh", "l13-while-file.sh"),
    ],
)
def test_loops_unroll_as_bash_runs_them(
    page: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ran, _ = _iplab_runs(LOOPS / page, tmp_path, capsys)
    assert [line for line in ran if line.startswith("ip ")] == _bash_ran(LOOPS / page)


def test_an_array_length_in_a_c_style_loop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """#1: the addresses the loop over ``${#ns[@]}`` gives, in order, and the ping a probe."""
    ran, warned = _iplab_runs(LOOPS / "l02-array.md", tmp_path, capsys)
    assert "cannot be imported" not in warned
    assert [line for line in ran if " addr add " in line] == [
        f"ip -n {ns} addr add 192.168.15.{i}/24 dev veth-{ns}"
        for i, ns in enumerate(("red", "green", "blue"), 1)
    ]
    result, _ = imported(LOOPS / "l02-array.md")
    assert "192.168.15.3" in result.yaml.split("probe", 1)[1]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10.0.0.$((${#ns[@]} + 1))", "10.0.0.4"),
        ("$((${#ns[*]} * 2))", "6"),
        ("$((i + ${#ns}))", "8"),  # ${#ns}: the length of ns[0], "red"
    ],
)
def test_an_array_length_in_a_lines_arithmetic(text: str, value: str) -> None:
    from iplab.importer.reader import ShellVars

    scope = ShellVars()
    scope.assign("ns=(red green blue)", 1)
    scope.assign("i=5", 2)
    assert scope.expand(text) == (value, [])


def test_or_break_in_a_loop_is_a_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """#2: each ``ip netns add $n || break`` a typed step; what a failure does said once."""
    result, _ = imported(LOOPS / "l08-seqf.sh")
    assert "raw" not in result.yaml.split("# --- import summary", 1)[0]
    said = [w for w in result.warnings if "|| break" in w]
    assert said == [
        "line 4: 'ip netns add $n || break': if the change fails, the run stops there and"
        " undoes what it did (bash would leave the loop and go on)"
    ]
    lab = written(result, tmp_path)
    assert iplab.cli.main(["check", "-q", str(lab), "--prefix", "hco"]) == 0
    assert "does not exist" not in capsys.readouterr().err


def test_a_batch_file_written_by_a_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """#3: the batch file's 800 lines, as the loop wrote them, are the lab's typed steps
    (renamed by --prefix, journaled, undone); the echo lines still write the file."""
    ran, _ = _iplab_runs(LOOPS / "l05-batch-file.sh", tmp_path, capsys)
    batch = [line for line in ran if line.startswith("ip ") and "core" not in line[:22]]
    assert len(batch) == 800
    assert batch[:2] == ["ip netns add n001", "ip netns add n002"]
    assert batch[200:203] == [
        "ip link add c001 type veth peer name e001",
        "ip link set c001 master core",
        "ip link set e001 netns n001",
    ]
    assert "ip -batch /tmp/lab.batch" not in ran


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('echo "netns add n1" >> lab.batch', ("lab.batch", True, ["netns add n1"])),
        ("echo link set a up > /tmp/b", ("/tmp/b", False, ["link set a up"])),
        ('echo "netns add x" | sudo tee -a f.b > /dev/null', ("f.b", True, ["netns add x"])),
        ("rm -f lab.batch", ("lab.batch", False, [])),
        (": > lab.batch", ("lab.batch", False, [])),
        ("echo $NS >> f", None),
        ('echo -e "a\\nb" >> f', None),
        ("echo a | tee f g", None),
        ("echo a > f > g", None),
        ("ls > f", None),
    ],
)
def test_lines_a_command_writes(text: str, written: tuple[str, bool, list[str]] | None) -> None:
    from iplab.importer.reader import _line_written

    assert _line_written(text) == written


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=SKIP or "")
@pytest.mark.parametrize(
    ("page", "spaces"),
    [("l02-array.md", 3), ("l04-xargs.md", 30), ("l08-seqf.sh", 12), ("l13-while-file.sh", 3)],
)
def test_the_loops_run_and_leave_nothing(
    page: str, spaces: int, prefix: str, tmp_path: Path
) -> None:
    """Each page's lab up under the test's prefix, verified, and nothing of it left."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = ran_clean(LOOPS / page, prefix, state, tmp_path)
    assert f"verify: the kernel holds what the scenario promised ({spaces} namespaces" in (
        done.stdout
    )


def test_seq_piped_to_xargs_is_unrolled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """#4: ``seq 30 | xargs -I{} sudo ip netns add ns{}`` (and ``xargs -P4``) was one raw
    step that --prefix refused ("a name the prefix cannot rename"); it is the 30 commands
    xargs runs, renamed by the prefix."""
    result, _ = imported(LOOPS / "l04-xargs.md")
    lab = written(result, tmp_path)
    assert iplab.cli.main(["run", "--dry-run", str(lab), "--prefix", "hco", "--no-preflight"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if " netns add " in line] == [
        f"DRY RUN: sudo ip netns add hcons{i}" for i in range(1, 31)
    ]
    assert [line for line in out if " link set lo up" in line] == [
        f"DRY RUN: sudo ip -n hcons{i} link set lo up" for i in range(1, 31)
    ]


@pytest.mark.parametrize(
    ("line", "commands"),
    [
        ("seq -f w%02g 8 10 | xargs -n1 ip netns add", ["w08", "w09", "w10"]),
        ("seq 2 | while read n; do ip netns add x$n; done", ["x1", "x2"]),
        ("seq -f 'ns%02g' 3 | xargs -I % ip netns add %", ["ns01", "ns02", "ns03"]),
    ],
)
def test_what_seq_hands_on(line: str, commands: list[str], tmp_path: Path) -> None:
    page = tmp_path / "lab.sh"
    page.write_text(f"#!/bin/bash\n{line}\n")
    result, _ = imported(page)
    assert "raw" not in result.yaml.split("# --- import summary", 1)[0], result.yaml
    assert len([c for c in _bash_ran(page) if c.startswith("ip netns add")]) == len(commands)
    for name in commands:
        assert f"name: {name}\n" in result.yaml or f"name: '{name}'\n" in result.yaml


def test_seq_with_a_separator_is_one_line_to_xargs(tmp_path: Path) -> None:
    """``seq -s ' ' 3`` prints one line: ``xargs -I{}`` gets it whole (not unrolled)."""
    page = tmp_path / "lab.sh"
    page.write_text("#!/bin/bash\nseq -s ' ' 3 | xargs -I{} ip netns add n{}\n")
    result, _ = imported(page)
    assert "name: n1\n" not in result.yaml


def test_an_append_iplab_cannot_know_leaves_the_batch_unread(tmp_path: Path) -> None:
    """What ``echo`` appends with a value known only when it runs (``$(hostname)``): the
    file's lines are not guessed; ``ip -batch`` stays one raw step."""
    page = tmp_path / "lab.sh"
    page.write_text(
        "#!/bin/bash\nrm -f lab.batch\necho 'netns add red' >> lab.batch\n"
        'echo "netns add $(hostname)" >> lab.batch\nip -batch lab.batch\n'
    )
    result, _ = imported(page)
    assert "command: ip -batch lab.batch\n" in result.yaml
    assert "name: red\n" not in result.yaml


def test_a_loop_over_a_file_the_script_wrote(tmp_path: Path) -> None:
    """#5: the loop's body once a line of hosts.txt, as with ``done <<EOF``."""
    result, _ = imported(LOOPS / "l13-while-file.sh")
    assert "cannot be imported" not in "\n".join(result.warnings)
    assert [w for w in ("h1", "h2", "h3") if f"name: {w}\n" in result.yaml] == ["h1", "h2", "h3"]
    assert "address: 10.9.0.3/24" in result.yaml


def test_a_loop_over_a_file_changed_since_is_not_guessed(tmp_path: Path) -> None:
    """A file another line changes after its here-document (``sed -i``) is not read."""
    page = tmp_path / "lab.sh"
    text = (LOOPS / "l13-while-file.sh").read_text(encoding="utf-8")
    page.write_text(text.replace("ip link add hub", "sed -i s/h1/h9/ hosts.txt\nip link add hub"))
    result, _ = imported(page)
    assert "name: h2\n" not in result.yaml
