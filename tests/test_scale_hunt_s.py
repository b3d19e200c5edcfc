"""Hunt S: labs written the way tutorials write large ones (seq and brace loops, xargs,
thousands of namespaces), and what iplab says about them."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import iplab.cli
from iplab import expand, lab
from iplab.importer import printed
from iplab.importer import shell as shellread
from iplab.importer.convert import import_text
from iplab.importer.reader import Kind
from iplab.render import renderer
from iplab.scenario import load, load_text
from tests.kernel import iplab as kernel_iplab
from tests.kernel import netns_names

FIXTURES = Path(__file__).parent / "fixtures" / "scale"
STAR = Path(__file__).parent.parent / "scenarios" / "star.yaml"


def _import(name: str, change: tuple[str, str] = ("", "")) -> str:
    path = FIXTURES / name
    kind: Kind = "markdown" if path.suffix == ".md" else "shell"
    text = path.read_text().replace(*change)
    result = import_text(text, kind, name, base=FIXTURES)
    assert result.model_error is None, result.model_error
    return result.yaml


def test_a_script_loops_steps_count_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hunt S #3: each step of a `script:` loop was counted twice against the step limit
    (once where it was made, once for the block holding it): a 700-namespace lab (6,302
    steps) was refused as 'more than 10000 steps'. The tutorial's 50 namespaces make 455
    steps; with a limit of 460 they load."""
    monkeypatch.setattr(expand, "MAX_STEPS", 460)
    steps = load_text(_import("s01-star-seq-50.md"), "s01.yaml").steps
    assert len(steps) == 455


def test_a_lab_past_the_limit_is_written_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt S #3: a lab past the limit ended the import with exit 2 and an error naming
    's01-star-seq-1000.yaml:17', a file never written. As the docs say of a scenario the
    model rejects: the file is written, the summary says why, exit 1."""
    monkeypatch.setattr(expand, "MAX_STEPS", 300)
    out = tmp_path / "lab.yaml"
    argv = ["import", str(FIXTURES / "s01-star-seq-50.md"), "-o", str(out)]
    assert iplab.cli.main(argv, stderr=io.StringIO()) == 1
    said = capsys.readouterr().err
    assert "of the scenario written, setup[2].steps[298]: makes more than 300 steps" in said
    assert "iplab will not load it" in said
    assert "s01-star-seq-50.yaml:17" not in said
    assert out.read_text().startswith("# Imported by `iplab import`")


def _per_namespace(name: str, size: str) -> int:
    """Steps the tutorial ``name`` makes for each namespace more (its size: ``size``)."""
    small = _import(name, (size, "N=60"))
    large = _import(name, (size, "N=61"))
    return len(load_text(large, "a.yaml").steps) - len(load_text(small, "a.yaml").steps)


def test_the_limits_hold_the_labs_the_project_promises() -> None:
    """Hunt S #3: the limit (10,000 steps) refused a star of 5,000 namespaces written as a
    loop (scenarios/star.yaml: 7 steps a namespace) or imported from a tutorial's loop (9
    a namespace), while bench/scale.py and the README promise labs of 5,000."""
    star = len(load(str(STAR), {"n": 4}).steps) - len(load(str(STAR), {"n": 3}).steps)
    tutorial = _per_namespace("s01-star-seq-50.md", "N=50")
    assert (star, tutorial) == (7, 9)
    assert 5000 * max(star, tutorial) <= expand.MAX_STEPS
    assert expand.MAX_ITERATIONS >= expand.MAX_STEPS  # (a loop of one step each)


#: words as tutorials write them, each compared with what bash makes of it
BRACE_WORDS = (
    *("{01..12}", "{008..010}", "{10..08}", "{03..1}", "{1..10..3}", "{1..10..-3}"),
    *("{10..1..3}", "{1..5..0}", "{-3..3}", "{-01..2}", "{-3..03}", "{a..e}", "{e..a..2}"),
    *("{red,blue}", "x{1..3}y", "a{b,{c,d}}e", "{x}{a,b}", "{x{a,b}}", "{a}", "{}"),
    *("a{,b}", "ns{1..3}-{a,b}", "{1..3}{", "{1..a}", "{ab..c}", "{00..2}", "{1..-2}"),
    *("{a,b}{1..2}", "'{1,2}'", '"{1,2}"', "a\\{1,2}"),
)


@pytest.mark.parametrize("word", BRACE_WORDS)
def test_brace_expansion_is_bashs(word: str) -> None:
    """Hunt S #1, #2: {01..12} lost its padding (node1, not node01), and {1..10..3},
    {a..e}, {red,blue} and a prefix or suffix were taken as one literal word. Each word
    is expanded as bash expands it (quotes then removed as bash does)."""
    bash = subprocess.run(
        ["bash", "-c", f"printf '[%s]' {word}"], capture_output=True, text=True, check=True
    ).stdout
    ours = "".join(f"[{w}]" for v in shellread.brace_expand(word) for w in shlex.split(v))
    assert ours == bash


def _as_bash_runs(script: str) -> list[str]:
    """The ip commands bash runs for ``script`` (ip made a function that prints them)."""
    shown = subprocess.run(
        ["bash", "-c", 'ip() { echo "ip $*"; }\n' + script],
        capture_output=True,
        text=True,
        check=True,
    )
    return shown.stdout.splitlines()


def _as_iplab_runs(yaml: str) -> list[str]:
    steps = load_text(yaml, "lab.yaml").steps
    return [renderer().command(s.op, sudo=False).text for s in steps]


def test_brace_loops_and_words_run_what_bash_runs() -> None:
    """Hunt S #1, #2: s07b made node1..node12 (bash: node01..node12), edge8, core9;
    `for i in {1..9..4}` ran once as 'ip netns add odd{1..9..4}'; `ip netns add
    spare{1..3}` outside a loop stayed literal (bash gives ip three names)."""
    script = (FIXTURES / "s07b-padded-braces.sh").read_text()
    assert _as_iplab_runs(_import("s07b-padded-braces.sh")) == _as_bash_runs(script)


def test_a_brace_iplab_cannot_follow_is_said_and_kept() -> None:
    """Hunt S #2: where iplab cannot follow bash ({Z..a} runs over symbols), it says so
    and keeps the line as written, never a different command."""
    text = "ip netns add q{Z..a}\n"
    result = import_text(text, "shell", "q.sh")
    assert any("{Z..a} runs over characters that are not letters" in w for w in result.warnings)
    assert _as_iplab_runs(result.yaml) == ["ip netns add q{Z..a}"]


@pytest.mark.parametrize(
    ("page", "said", "why"),
    [
        # (hunt Y #1: s04c's next line, a change inside the namespaces w% that xargs
        # hands it, is now refused first, by check, before --prefix is read)
        (
            "s04c-xargs-only.md",
            "xargs -n1 -P8 -I % ip netns exec w% ip link set lo up",
            "--prefix cannot rename it",
        ),
        (
            "s04d-xargs-leftover.md",
            "xargs -P 8 -I{} ip netns add",
            "a name the prefix cannot rename",
        ),
    ],
)
def test_names_made_through_xargs_are_refused_under_prefix(
    page: str, said: str, why: str, tmp_path: Path
) -> None:
    """Hunt S #4 (SAFETY): `seq 1 80 | sudo xargs -P 8 -I{} ip netns add w{}` would run
    unrenamed under --prefix (w1..w80 the host's own names, outside the prefix), while a
    raw `ip link add v$n ...` was refused: a wrapper (xargs, parallel, env, timeout...)
    hid the ip command from the check."""
    lab = tmp_path / "lab.yaml"
    lab.write_text(_import_any(page))
    run = subprocess.run(
        [sys.executable, "-m", "iplab", "run", str(lab), "--prefix", "hS", "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "IPLAB_STATE_DIR": str(tmp_path / "state")},
    )
    assert run.returncode != 0, run.stdout
    assert said in run.stderr
    assert why in run.stderr
    assert "DRY RUN" not in run.stdout


@pytest.mark.parametrize(
    "line",
    [
        "parallel ip netns add w{} ::: 1 2 3",
        "env LC_ALL=C ip link add v1 type dummy",
        "timeout 5 ip netns add x",
        "nice -n 5 ip netns add x",
        "nohup ip netns add x",
        "stdbuf -oL ip link add d0 type dummy",
        "sudo -u root ip netns add x",
        "echo a b | sudo nice xargs -n1 ip netns add ",
    ],
)
def test_each_wrapper_is_looked_past(line: str) -> None:
    """Hunt S #4: the wrappers a tutorial puts before ip."""
    assert lab._adds_names(line)
    assert not lab._adds_names(line.replace(" add ", " show ").replace("::: 1 2 3", ""))


def _import_any(page: str) -> str:
    """A page imported as it is (its model may reject it: what a run then says is tested)."""
    result = import_text((FIXTURES / page).read_text(), "markdown", page, base=FIXTURES)
    return result.yaml


@pytest.mark.kernel
def test_a_run_does_not_say_nothing_remains_when_names_are_left(
    tmp_path: Path, prefix: str, state_dir: Path
) -> None:
    """Hunt S #4: a run of s04d (names made through xargs, the page's `ip -all netns del`
    then scoped to the lab's own, which iplab did not see made) said "== nothing of the lab
    remains" while the xargs namespaces were still on the host. (The page's names carry
    this test's prefix: hSw -> PREFIXw.)"""
    lab = tmp_path / "lab.yaml"
    lab.write_text(_import_any("s04d-xargs-leftover.md").replace("hSw", f"{prefix}w"))
    run = kernel_iplab("run", str(lab), state=state_dir)
    said = run.stdout + run.stderr
    assert "nothing of the lab remains" not in said
    assert "new on this host since the run began" in said
    assert "nothing iplab followed remains" in run.stdout
    assert {f"{prefix}w{i}" for i in range(1, 6)} <= netns_names()  # (the fixture removes them)


SEQ_ARGS = (
    *("-w 1 12", "-w 8 10", "-w 1 4 10", "-w 10 -4 1", "-w -5 5", "-f %02g 1 3"),
    *("-f n%03g 1 3", "-f %.1f 1 3", "-f%03g 1 2", "-s , 7 9", "-s ' ' 7 9", "-w -s , 1 10"),
    *("-ws, 1 3", "0 2 10", "5 -1 1", "3 1", "5"),
)


@pytest.mark.parametrize("args", SEQ_ARGS)
def test_seq_options_are_read_as_seq_prints(args: str) -> None:
    """Hunt S #7: `for i in $(seq -w 1 120)`, `seq -f "%02g"`, `seq -s ' '` were "cannot
    tell what the loop iterates over" (the loop became prose, the model said OK). The
    words are those bash gets from seq itself."""
    bash = subprocess.run(
        ["bash", "-c", f"for w in $(seq {args}); do printf '[%s]' \"$w\"; done"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = printed.seq_values(f"seq {args}")
    assert words is not None
    assert "".join(f"[{w}]" for w in words) == bash


def test_a_script_of_seq_and_brace_loops_runs_what_bash_runs() -> None:
    """Hunt S #1, #2, #7: s07-ranges.sh (seq with a step, counting down, {1..10..3},
    {03..1}, for ((...)), while let, seq -f and seq -s): each ip command as bash runs it."""
    script = (FIXTURES / "s07-ranges.sh").read_text()
    assert _as_iplab_runs(_import("s07-ranges.sh")) == _as_bash_runs(script)
