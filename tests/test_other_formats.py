"""Labs written in other formats (hunt O) and shell prompts a page kept (hunt P).

* A README's ```` ```make ```` block was read as shell: its recipe ``rm -rf ${OUT}/*``
  (make's variable, which bash reads as empty) passed import, check and a dry run, and
  ``iplab run`` would have deleted from ``/`` as root (seen with ``ls``).
* A Makefile, a workflow, a Python program... read as a script made every line a raw step
  (``.PHONY: up``, ``name: netns lab``, ``import os``), refused only by the preflight, which
  named ``up:`` a missing program. They are refused at import, with the way out
  (``make -n up down | iplab import -``); ``-`` is standard input.
* A page that took the ``$ `` prompts off but kept bash's ``> `` continuation prompts ran
  ``ip link add a type veth > peer name b``: a file named ``peer`` was left, and the
  rollback said the host was as before.

The inputs are the hunts' own files (tests/fixtures/formats).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.cli.parser import build_parser
from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.steps import LinkAdd, NetnsExec, Raw
from iplab.words import removes_through_a_variable, writes_through_a_variable
from tests.kernel import iplab, netns_names

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def _import(name: str) -> scenario.Scenario:
    text = (FORMATS / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    return scenario.load_text(result.yaml, f"{name}.yaml")


def test_a_make_block_on_a_page_is_not_shell() -> None:
    text = (FORMATS / "make-fence.md").read_text(encoding="utf-8")
    with pytest.raises(UsageError, match="no command found"):
        import_text(text, "markdown", "make-fence.md")


@pytest.mark.parametrize(
    ("command", "found"),
    [
        ("rm -rf ${OUT}/*", ("${OUT}/*", "OUT")),
        ("sudo rm -r -f $DIR", ("$DIR", "DIR")),
        ("cd /tmp && rm --recursive $WORK/x", ("$WORK/x", "WORK")),
        ("rm -rf /", ("/", "/")),
        ("rm -rf /*", ("/*", "/")),
        ("rm -rf $HOME/lab", None),  # set in every login shell
        ("rm -rf $KNOWN/x", None),  # set by a step before it
        ("rm -f $OUT/x", None),  # one file, not a tree
        ("rm -rf /tmp/lab", None),
        ("ls -d ${OUT}/*", None),
    ],
)
def test_a_recursive_rm_through_an_unset_variable_is_found(
    command: str, found: tuple[str, str] | None
) -> None:
    assert removes_through_a_variable(command, frozenset({"KNOWN"})) == found


def test_the_model_refuses_it_unless_a_step_sets_the_variable(tmp_path: Path) -> None:
    unset = "name: lab\nsetup:\n  - action: raw\n    command: rm -rf ${OUT}/*\n    shell: true\n"
    with pytest.raises(ModelError, match=r"runs rm on \$\{OUT\}/\*: no step sets \$OUT"):
        build(scenario.load_text(unset, "lab.yaml"))
    lenient = build(scenario.load_text(unset, "lab.yaml"), lenient=True)
    assert any("no step sets $OUT" in str(w) for w in lenient.warnings)
    set_first = (
        "name: lab\nsetup:\n  - action: raw\n    command: OUT=$(mktemp -d)\n    shell: true\n"
        "    sets: [OUT]\n  - action: raw\n    command: rm -rf ${OUT}/*\n    shell: true\n"
    )
    assert len(build(scenario.load_text(set_first, "lab.yaml")).setup) == 2


@pytest.mark.parametrize(
    ("command", "found"),
    [
        ("cat > $WORK/dnsmasq.conf", ("$WORK/dnsmasq.conf", "WORK")),
        ('printf x | sudo tee -a "${CONF}/lab.conf"', ("$CONF/lab.conf", "CONF")),
        ("cat >> ${DIR}/hosts", ("$DIR/hosts", "DIR")),
        ("echo hi > $KNOWN/x", None),  # set by a step before it
        ("echo hi > $HOME/.labrc", None),  # set in every login shell
        ("ip a > $OUT", None),  # no path after it: bash refuses the redirection
        ("cmd 2>&1 > /tmp/log", None),
    ],
)
def test_a_file_written_through_an_unset_variable_is_found(
    command: str, found: tuple[str, str] | None
) -> None:
    assert writes_through_a_variable(command, frozenset({"KNOWN"})) == found


def test_a_here_document_runs_with_the_script_s_values_and_an_unset_one_is_refused() -> None:
    """Hunt Y: ``WORK=/tmp/...`` then ``cat > $WORK/dnsmasq.conf <<EOF``: the fed line ran
    with ``$WORK`` unset (bash -c has none of the script's variables) and wrote
    ``/dnsmasq.conf``. It runs with the value now (and prints as written); a file written
    through a variable no step sets is refused."""
    from iplab.importer.convert import import_text

    page = Path(__file__).parent / "fixtures" / "hostconfig" / "scratch-dir-heredoc.sh"
    result = import_text(page.read_text(), "shell", page.name)
    plan = build(scenario.load_text(result.yaml, "lab.yaml"))
    fed = [pc.command for pc in plan.setup if "dnsmasq.conf" in pc.command.text]
    assert fed[0].text.endswith("| cat > /tmp/huntY/work/dnsmasq.conf")  # what runs
    assert "cat > $WORK/dnsmasq.conf <<EOF\n" in export.text(plan)  # what prints
    unset = "name: lab\nsetup:\n  - action: raw\n    command: cat > $WORK/x.conf\n    shell: true\n"
    with pytest.raises(ModelError, match=r"writes \$WORK/x.conf: no step sets \$WORK"):
        build(scenario.load_text(unset, "lab.yaml"))


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Makefile", "a Makefile: not a shell script or a page, not read; print the commands"
         " its targets run and import those: make -n up down | iplab import - --name lab"),
        ("netlab.yml", "YAML (a workflow, a playbook, a compose file)"),
        ("lab.py", "a Python program"),
        ("data.json", "JSON"),
    ],
)  # fmt: skip
def test_a_file_in_another_format_is_refused_with_the_way_out(name: str, said: str) -> None:
    stored = FORMATS / name.replace(".py", "_py.txt")  # (a fixture, not this project's code)
    text = stored.read_text(encoding="utf-8") if stored.exists() else '{"name": "cells"}'
    with pytest.raises(UsageError, match="^" + f"{name}: {said}".replace("(", r"\(")
                       .replace(")", r"\)").replace("|", r"\|").replace(".", r"\.")):  # fmt: skip
        detect_kind(name, text)


@pytest.mark.parametrize(
    ("first", "kind"),
    [("#!/usr/bin/env python3", None), ("#!/usr/bin/make -f", None),
     ("#!/bin/bash", "shell"), ("#!/usr/bin/env bash", "shell"), ("#!/bin/sh -e", "shell")],
)  # fmt: skip
def test_an_interpreter_s_line_says_what_the_file_is(first: str, kind: str | None) -> None:
    text = f"{first}\nip netns add a\n"
    if kind is None:
        with pytest.raises(UsageError, match="not a shell script"):
            detect_kind("lab", text)
    else:
        assert detect_kind("lab", text) == kind


def test_standard_input_is_read_as_a_file_would_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = "sudo ip netns add hored\nsudo ip netns add hoblue\nsudo ip netns del hored\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(made.encode())))
    out = tmp_path / "made.yaml"
    args = build_parser().parse_args(["import", "-", "--name", "made", "-o", str(out)])
    assert args.handler(args) == 0
    text = out.read_text()
    assert "from stdin;" in text and "source: stdin" in text
    assert len(scenario.load_text(text, "made.yaml").steps) == 3


def test_continuation_prompts_a_page_kept_are_taken_off() -> None:
    sc = _import("ps2-kept.md")
    ops = [s.op for s in sc.steps]
    assert not any(isinstance(op, Raw) for op in ops)
    veth = next(op for op in ops if isinstance(op, LinkAdd))
    assert veth.peer == "hpc1"
    scripts = [op.command for op in ops if isinstance(op, NetnsExec)]
    assert not any("> " in c for c in scripts)


@pytest.mark.kernel
def test_a_run_says_what_a_step_it_cannot_follow_left(
    tmp_path: Path, prefix: str, state_dir: Path
) -> None:
    """Hunt O: ``make up`` / ``make down`` (a Makefile whose ``down`` forgets a namespace):
    the run said nothing of the lab remained. It now says what is new on the host since it
    began (said, not deleted: it cannot know the namespace is the lab's)."""
    script = tmp_path / "up.sh"
    script.write_text(f"ip netns add {prefix}a\nip netns add {prefix}b\n")
    down = tmp_path / "down.sh"
    down.write_text(f"ip netns del {prefix}a\n")
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        f"name: mk\nsetup:\n  - action: raw\n    command: bash {script}\n"
        f"teardown:\n  - action: raw\n    command: bash {down}\n"
    )
    run = iplab("run", str(lab), state=state_dir)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    said_new = [line for line in run.stdout.splitlines() if "new on this host" in line]
    assert len(said_new) == 1, said  # (other work on the host may add its own names)
    names = said_new[0].split("began: ", 1)[1].split(";")[0].split(", ")
    assert f"{prefix}b" in names and f"{prefix}a" not in names
    assert "a step iplab cannot follow" in said_new[0]
    assert f"(setup[0]: bash {script} and 1 more)" in said
    assert f"{prefix}b" in netns_names()  # left, as said (the prefix fixture removes it)
