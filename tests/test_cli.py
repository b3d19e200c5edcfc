"""The command line: outputs, exit codes, and no tracebacks."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from iplab import __version__
from iplab.cli import main
from tests.conftest import BLOG_SCENARIO, GOLDEN


def run_cli(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "iplab", *args], capture_output=True, text=True, check=False
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_render_prints_exactly_the_golden_lines() -> None:
    rc, out, err = run_cli("render", str(BLOG_SCENARIO))
    assert (rc, err) == (0, "")
    assert out == (GOLDEN / "container-networking-part2.txt").read_text()


def test_render_setup_and_teardown_parts() -> None:
    golden = (GOLDEN / "container-networking-part2.txt").read_text().splitlines(keepends=True)
    assert run_cli("render", "--setup", str(BLOG_SCENARIO))[1] == "".join(golden[:18])
    assert run_cli("render", "--teardown", str(BLOG_SCENARIO))[1] == "".join(golden[18:])


def test_version_and_help() -> None:
    rc, out, _ = run_cli("--version")
    assert (rc, out) == (0, f"iplab {__version__}\n")
    rc, out, _ = run_cli("--help")
    assert rc == 0 and "render" in out and "check" in out


def test_script_to_file_is_executable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "setup.sh"
    assert main(["render", "--format", "script", "-o", str(target), str(BLOG_SCENARIO)]) == 0
    assert target.read_text().startswith("#!/usr/bin/env bash")
    assert target.stat().st_mode & 0o111
    assert capsys.readouterr().out == ""


def test_output_dash_is_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt AH #7: ``iplab import PAGE -o -`` wrote a file named ``-`` in the working
    directory; ``-`` is standard output, as it is standard input for the input."""
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "t4.md"
    page.write_text("```\nip netns add red\n```\n", encoding="utf-8")
    assert main(["import", str(page), "-o", "-"]) == 0
    assert "action: netns add" in capsys.readouterr().out
    assert main(["render", "--format", "script", "-o", "-", str(BLOG_SCENARIO)]) == 0
    assert capsys.readouterr().out.startswith("#!/usr/bin/env bash")
    assert not (tmp_path / "-").exists()


def test_check_prints_state_after_each_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BLOG_SCENARIO)]) == 0
    out = capsys.readouterr().out
    assert "[7] sudo ip link set vethX netns ns1\n" in out
    assert "      ns1: lo (loopback, down); vethX (veth, down, peer vethY@root)\n" in out
    assert "PASS ns1 holds only lo" in out
    assert out.endswith("OK: 23 steps (18 setup, 5 teardown), 9 claims, 0 failing in the model\n")


def test_unexpected_exception_is_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import iplab.cli.author

    def boom(args: object) -> int:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(iplab.cli.author, "cmd_render", boom)
    monkeypatch.delenv("IPLAB_DEBUG", raising=False)
    err = io.StringIO()
    assert main(["render", str(BLOG_SCENARIO)], stderr=err) == 70
    assert "internal error: RuntimeError: kaboom" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_unknown_option_exits_2() -> None:
    rc, _, err = run_cli("render", "--nope", str(BLOG_SCENARIO))
    assert rc == 2 and "unrecognized arguments" in err and "Traceback" not in err


def test_every_command_is_listed_and_the_heavy_ones_load_only_when_named() -> None:
    rc, out, _ = run_cli("--help")
    assert rc == 0
    for command in ("render", "check", "up", "run", "down", "ls", "audit", "verify", "status",
                    "import", "graph", "scenarios"):  # fmt: skip
        assert f"    {command}" in out
    heavy = (
        "('iplab.graph', 'iplab.importer.convert', 'iplab.lab', 'iplab.cli.session', "
        "'iplab.cli.live', 'iplab.cli.graph', 'iplab.cli.audit', 'iplab.cli.completion')"
    )
    probe = (
        "import sys; from iplab.cli import main; main(['render', '--setup', sys.argv[1]]); "
        f"print(sorted(m for m in {heavy} if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, str(BLOG_SCENARIO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.splitlines()[-1] == "[]"
    # the whole command line, --help included, is built without any command family
    helped = (
        "import sys; from iplab.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {heavy} + ('iplab.cli.author',) if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", helped], capture_output=True, text=True, check=True
    )
    assert proc.stdout.splitlines()[-1] == "[]"
    assert run_cli("graph", "--help")[0] == 0
    assert run_cli("import", "--help")[0] == 0


def test_the_parser_offers_the_formats_the_stages_know() -> None:
    """The parser names them without importing the stages; they must not drift apart."""
    from iplab.cli.parser import GRAPH_FORMATS
    from iplab.graph import FORMATS

    assert GRAPH_FORMATS == FORMATS


def test_a_process_of_its_own_runs_without_the_collector_and_callers_keep_theirs() -> None:
    """iplab as a process switches the cyclic collector off (see cli._collector_off);
    a caller that passes argv (a test, a program using iplab) keeps its own."""
    probe = (
        "import gc, sys; from iplab.cli import main; "
        "main(['scenarios']); kept = gc.isenabled(); "
        "sys.argv = ['iplab', 'scenarios']; main(); "
        "print(kept, gc.isenabled(), len(gc.get_objects()) < gc.get_freeze_count())"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[-1] == "True False True"


def test_import_reads_a_tutorial_of_a_tutorials_size_and_no_more(tmp_path: Path) -> None:
    """``iplab import /dev/zero`` read until the kernel killed it (24 GB); text a scenario
    cannot hold, or binary data, is refused at once, naming the file."""
    big = tmp_path / "big.sh"
    big.write_text("ip netns add a\n" * 80_000)  # 1.2 MB of commands
    binary = tmp_path / "bin.sh"
    binary.write_bytes(b"ip netns add a\n\0\n")
    for source, said in (
        ("/dev/zero", "iplab: error: /dev/zero: over 8 MiB: not a tutorial iplab reads\n"),
        (str(big), f"iplab: error: {big}: 1200000 characters: more than a scenario may hold"),
        (str(binary), f"iplab: error: {binary}: binary data, not text\n"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "iplab", "import", source, "-o", str(tmp_path / "o.yaml")],
            capture_output=True, text=True, check=False, timeout=60,
            preexec_fn=_memory_at_most_1g,  # without the bound, the test's own safety
        )  # fmt: skip
        assert (proc.returncode, proc.stderr.startswith(said)) == (2, True), proc.stderr


def _memory_at_most_1g() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_a_warning_said_again_and_again_is_said_once_with_its_count() -> None:
    """A star of 1,030 around one bridge: the port limit for each of 7 ports beyond it."""
    rc, _out, err = run_cli("render", "star-500", "--var", "n=1030")
    lines = err.splitlines()
    assert rc == 0 and len(lines) == 1, err
    assert lines[0].endswith("1023 ports, the kernel's limit (spread the ports over several"
                             " bridges) (7 times)")  # fmt: skip


def test_an_empty_prefix_is_refused_not_read_as_none() -> None:
    """``--prefix ''`` made the lab under its own names on the host (hunt G)."""
    rc, out, err = run_cli("up", str(BLOG_SCENARIO), "--prefix", "", "--dry-run")
    assert rc == 2 and out == ""
    assert "--prefix '': an empty prefix renames nothing; leave it out" in err


def test_up_and_run_say_what_iplab_cannot_undo_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt Y: ``modprobe``, ``sysctl --system`` and ``ethtool -K eth0`` ran without a word
    past the import's summary; ``up`` and ``run`` (and their dry runs) now say them first."""
    from iplab.importer.convert import import_text

    page = Path(__file__).parent / "fixtures" / "hostconfig" / "nat-persist.sh"
    lab = tmp_path / "nat.yaml"
    lab.write_text(import_text(page.read_text(), "shell", page.name).yaml)
    for command in ("up", "run"):
        main([command, str(lab), "--dry-run", "--state-dir", str(tmp_path / "state")])
        err = capsys.readouterr().err
        # (hunt AF #4: ethtool -K eth0 changes a link of the host's: the model warns of it
        # first, and the run is refused before anything runs, after the list below)
        assert "iplab: warning: iplab cannot undo " in err, err
        err = err[err.index("iplab: warning: iplab cannot undo ") :]
        said = [line.split(": ", 2)[-1] for line in err.split("\n")[1:]]
        assert err.split("\n")[1].startswith(f"  {lab}:")  # the file, line and step
        assert "sudo modprobe br_netfilter" in said and "sudo sysctl --system" in said
        assert any("ethtool -K eth0" in line for line in said)
        assert not any("ip netns add" in line for line in said)  # undone: not said
    main(["up", str(BLOG_SCENARIO), "--dry-run", "--state-dir", str(tmp_path / "state")])
    assert "cannot undo" not in capsys.readouterr().err  # the blog's lab: all undone
