"""Labs wrapped in another format, and what such a format's lines did read as shell (hunt N).

The inputs are the hunt's own files (tests/fixtures/wrapped).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.errors import IplabError, UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import Plan, build
from iplab.programs import programs, refuse_missing
from iplab.steps import AddrAdd, LinkSet, NetnsDel, Op, Raw
from iplab.words import removes_through_a_variable, writes_through_a_variable

WRAPPED = Path(__file__).parent / "fixtures" / "wrapped"


def _text(name: str) -> str:
    return (WRAPPED / name).read_text(encoding="utf-8")


def test_rm_through_a_make_variable_read_as_shell_is_refused() -> None:
    """Hunt N: ``rm -rf $(OUT)/hN-no-such-dir`` passed the model (``${OUT}`` is refused):
    bash runs a command ``OUT``, which fails, and the path is ``/hN-no-such-dir``
    (``rm -rf $(OUT)/*``: ``/*``)."""
    result = import_text(_text("rm2.sh"), "shell", "rm2.sh")
    assert result.model_error is not None
    assert "runs rm on $(OUT)/hN-no-such-dir: $(OUT) is make's variable syntax" in (
        result.model_error
    )
    assert "deletes from /" in result.model_error
    assert removes_through_a_variable("rm -rf $(OUT)/*", frozenset()) == ("$(OUT)/*", "$(OUT)")
    assert removes_through_a_variable('sudo rm -rf "$(OUT)"', frozenset()) == ("$(OUT)", "$(OUT)")
    assert removes_through_a_variable("rm -rf $(pwd)/build", frozenset()) is None
    assert removes_through_a_variable("rm -rf $(mktemp -d)/x", frozenset()) is None


def test_a_file_written_through_a_make_variable_is_refused() -> None:
    """Hunt N: Makefile.clean read as a script (``> $(OUT)/links.txt``, ``rm -rf
    $(OUT)/*``) said model OK; both write or delete from / as root."""
    result = import_text(_text("Makefile.clean"), "shell", "Makefile.clean")
    assert result.model_error is not None
    assert "writes $(OUT)/links.txt" in result.model_error
    assert "writes /links.txt as root" in result.model_error
    command = "ip netns exec mkA ip -br link > $(OUT)/links.txt"
    assert writes_through_a_variable(command, frozenset()) == ("$(OUT)/links.txt", "$(OUT)")
    assert writes_through_a_variable("cat >> ${DIR}/hosts", frozenset()) == ("$DIR/hosts", "DIR")


@pytest.mark.parametrize(
    ("command", "started"),
    [
        ("rm -rf $(OUT)/*", ["rm", "OUT"]),
        ("ip netns exec mkA ip -br link > $(OUT)/links.txt", ["ip", "OUT"]),
        ('echo "$(date)" > /tmp/x', ["date"]),
    ],
)
def test_a_command_substitution_is_one_word_for_the_preflight(
    command: str, started: list[str]
) -> None:
    """Hunt N: the preflight named ``/*`` and ``/links.txt`` as programs this host lacks
    (shlex split ``$(OUT)/*`` at its parentheses)."""
    assert programs(command) == started


def _plan(lines: list[str]) -> Plan:
    steps = "".join(f"  - action: raw\n    command: '{line}'\n    shell: true\n" for line in lines)
    return build(scenario.load_text(f"name: p\nsetup:\n{steps}", "p.yaml"))


def test_the_preflight_promises_no_rollback_for_a_missing_program_in_a_substitution() -> None:
    """Hunt N: "--no-preflight starts anyway: that step fails, and the run rolls back" was
    said of ``OUT`` in ``$(OUT)``: missing, its output is empty and bash runs the step."""
    with pytest.raises(IplabError) as caught:
        refuse_missing(_plan(["ls -l $(iplab-no-such-tool-3)/x"]))
    said = str(caught.value)
    assert "does not have iplab-no-such-tool-3, which" in said
    assert "does not have /x" not in said and ", /x" not in said
    assert "rolls back" not in said
    assert "command substitution" in said


def _imported(name: str) -> scenario.Scenario:
    text = _text(name)
    result = import_text(text, detect_kind(name, text), name)
    return scenario.load_text(result.yaml, f"{name}.yaml")


def test_a_namespace_shell_s_paren_prompt_is_a_prompt() -> None:
    """Hunt N: after ``ip netns exec tA bash``, the ``(tA)# `` lines (PS1='(tA)# ') were read
    as its output: ``ip link set lo up`` and ``exit`` were lost, so the host's ``ip netns
    del tA`` ran inside tA; in the tmux session tA's address and link-up were lost too
    (the run's ping failed)."""
    short = _imported("prompt-paren.txt")
    assert [type(s.op) for s in short.teardown] == [NetnsDel]  # (on the host)
    assert ("lo", "tA") in [(op.dev, op.ns) for op in _ops(short) if isinstance(op, LinkSet)]
    tmux = _imported("tmux-session.txt")
    added = [(op.address, op.ns) for op in _ops(tmux) if isinstance(op, AddrAdd)]
    assert ("10.44.0.1/24", "tA") in added
    assert ("ta0", "tA") in [(op.dev, op.ns) for op in _ops(tmux) if isinstance(op, LinkSet)]
    assert [type(s.op) for s in tmux.teardown] == [NetnsDel, NetnsDel]


def _ops(sc: scenario.Scenario) -> list[Op]:
    return [s.op for s in sc.steps]


def test_ip_by_its_full_path_is_typed_and_printed_as_written() -> None:
    """Hunt N: ``/usr/sbin/ip link add ...`` and ``sudo /sbin/ip link set ...`` (and ``make
    -n`` of a Makefile with ``IP ?= /sbin/ip``) were raw steps: false warnings, steps
    iplab could not undo, verify compared nothing."""
    short = _imported("fullpath.sh")
    assert not any(isinstance(op, Raw) for op in _ops(short))
    assert [op.text for op in _ops(short)][1:] == [
        "/usr/sbin/ip link add v0 type veth peer name v1",
        "/sbin/ip link set v1 netns a",
    ]
    text = _text("Makefile.netlab.make-n.txt")
    result = import_text(text, "shell", "stdin")
    assert result.model_error is None and not result.cannot_undo
    made = scenario.load_text(result.yaml, "mklab.yaml")
    assert not any(isinstance(op, Raw) for op in _ops(made))
    assert "/sbin/ip -n red addr add 10.10.0.1/24 dev veth-r" in export.text(build(made))


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Dockerfile.netlab", "Dockerfile.netlab: a Dockerfile: not a shell script"),
        ("Makefile.lab", "Makefile.lab: a Makefile: not a shell script"),
        ("lab-make.txt", "lab-make.txt: a Makefile, by its rule at line 9 ('up:')"),
        ("lab-image.txt", "lab-image.txt: a Dockerfile, by its first instruction at line 1:"),
        ("stdin", "stdin: an Ansible playbook, by its key 'command' at line 11"),
        ("labsetup.txt", "labsetup.txt: a Python program, by its line 1: 'import subprocess, os'"),
    ],
)
def test_a_renamed_or_piped_wrapper_file_is_refused_by_its_content(name: str, said: str) -> None:
    """Hunt N: Dockerfile.netlab, Vagrantfile.lab, Makefile.lab (no .PHONY), ``cat site.yml
    | iplab import -`` and a Python program named .txt were imported as scripts, model OK
    (FROM/RUN raw steps, ``NS1 = red``, ``all: up``, 30 raw YAML lines, ``import
    subprocess, os`` would run ImageMagick's import)."""
    stored = {
        "lab-make.txt": "Makefile.lab",
        "lab-image.txt": "Dockerfile.netlab",
        "lab-vm.txt": "Vagrantfile.lab",
        "stdin": "site.yml",
    }.get(name, name)
    with pytest.raises(UsageError) as caught:
        detect_kind(name, _text(stored))
    assert str(caught.value).startswith(said)


@pytest.mark.parametrize("name", ["Vagrantfile.lab", "lab-vm.txt"])
def test_a_renamed_vagrantfile_is_read_for_its_provisioners_shell(name: str) -> None:
    """Hunt N refused Vagrantfile.lab and lab-vm.txt (its Ruby read as a script's raw steps);
    hunt EI reads the shell of its ``inline: <<-SHELL`` document, and that alone (its
    netns lab: 14 ip lines), said with its lines."""
    text = _text("Vagrantfile.lab")
    assert detect_kind(name, text) == "shell"
    result = import_text(text, "shell", name)
    assert result.warnings[0].startswith(
        f"{name} is a Vagrantfile: the shell of its provisioners is read (lines 8-23)"
    )
    ops = _ops(scenario.load_text(result.yaml, "vm.yaml"))
    assert sum(not isinstance(op, Raw) for op in ops) == 14
    assert [op.command for op in ops if isinstance(op, Raw)] == [
        "apt-get update",
        "apt-get install -y iproute2 bridge-utils",
    ]


def test_a_makefile_s_way_out_names_the_file() -> None:
    """Hunt N: the refusal of Makefile.netlab said ``make -n up down | ...``, which reads
    ``Makefile``; it needs ``-f Makefile.netlab``."""
    with pytest.raises(UsageError, match=r"make -f Makefile\.netlab -n up down \| iplab"):
        detect_kind("Makefile.netlab", _text("Makefile.netlab"))


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("README-make.md", ["line 5: the code block 'NS1=hostA'... is a Makefile"]),
        ("README-ci.md", ["line 57: the code block 'up:'... is a Makefile"]),
        (
            "README-untagged.md",
            [
                "line 5: the code block 'jobs:'... is a CI workflow (its key 'run' at line 11)",
                "line 24: the code block 'FROM alpine:3.19'... is a Dockerfile",
                "line 33: the code block 'services:'... is a compose file",
            ],
        ),
        ("ansible-notes.md", ["line 5: the code block '- hosts: all'... is an Ansible playbook"]),
        ("df-only.md", ["line 5: the code block 'FROM alpine:3.19'... is a Dockerfile"]),
        ("netlab-py.md", ["line 6: the code block 'import os'... is a Python program"]),
    ],
)
def test_a_code_block_with_no_language_is_read_by_its_content(name: str, said: list[str]) -> None:
    """Hunt N: a Makefile in a fence with no language was read as shell (``up:`` a raw
    command, ``$(NS1)`` a command substitution, ``down:`` swallowed as output, model OK);
    a workflow's ``run: |`` body was imported and ``- name: Teardown`` was a command; a
    playbook's ``shell: |`` kept and its ``command:`` lost; a Dockerfile and a compose file
    dropped with no word; a page of only a Dockerfile refused with no word of what it is.
    Each is now read as a block marked with its language is, and said."""
    text = _text(name)
    warnings: Sequence[str] = ()
    try:
        warnings = import_text(text, detect_kind(name, text), name).warnings
        refusal = ""
    except UsageError as error:
        refusal = str(error)
    for each in said:
        assert any(w.startswith(each) for w in warnings) or f"; {each}" in refusal
    if name == "README-ci.md":  # the commands typed by hand are still read
        sc = _imported(name)
        assert len(sc.steps) == 5 and not any(isinstance(op, Raw) for op in _ops(sc))


def test_a_refusal_for_no_command_says_a_few_of_the_lines_left_out() -> None:
    """Hunt N: netlab-py.md was refused in one line of ~1,500 characters listing every
    ignored line: now its first warnings, and how many more."""
    with pytest.raises(UsageError) as caught:
        import_text(_text("netlab-py-calls.md"), "markdown", "netlab-py-calls.md")
    said = str(caught.value)
    assert said.startswith("netlab-py-calls.md: no command found (read as markdown); line 7:")
    assert said.endswith("; and 4 more left out") and len(said) < 600


def test_a_page_s_host_labels_over_tab_indented_commands_are_no_makefile() -> None:
    """Hunt P: a code block with no language, ``host:`` and ``blue:`` each above the
    commands typed there, tab-indented, was refused as a Makefile (its "rule at line 6
    ('host:')"), every command lost, and the way out said ``make -n up down``. Nothing in
    it is make's own (no ``$(VAR)``, ``.PHONY``, ``X = y``, ``@``/``-`` recipe prefix):
    the labels are said and skipped, the five commands imported (and the model sees
    veth1 in blue)."""
    name = "hunt-p-labels-untagged.md"
    text = _text(name)
    result = import_text(text, detect_kind(name, text), name)
    assert not any("Makefile" in w for w in result.warnings)
    assert [w.split(":")[0] for w in result.warnings if "the page's label" in w] == [
        "line 6",
        "line 10",
    ]
    ops = _ops(scenario.load_text(result.yaml, "x.yaml"))
    assert len(ops) == 5 and not any(isinstance(op, Raw) for op in ops)
    assert isinstance(ops[3], AddrAdd) and ops[3].dev == "veth1"


@pytest.mark.parametrize(
    "block",
    [
        "up:\n\t@ip netns add a\n",  # a recipe's @
        "down:\n\t-ip netns del a\n",  # a recipe's -
        "NS = a\nup:\n\tip netns add a\n",  # X = y
        "NS=a\nup:\n\tip netns add $(NS)\n",  # $(NS) of a variable assigned here
        "all: up\nup:\n\tip netns add a\n",  # a rule needing another
        ".PHONY: up\nup:\n\tip netns add a\n",
    ],
)
def test_a_page_s_makefile_is_known_by_what_only_make_reads(block: str) -> None:
    """Hunt P: a page's block is a Makefile only by something make alone reads (a rule and
    its tab-indented lines are also how a page labels each host's commands)."""
    text = f"# lab\n\n```\n{block}```\n"
    try:
        said = " ".join(import_text(text, "markdown", "lab.md").warnings)
    except UsageError as error:
        said = str(error)
    assert "the code block" in said and "is a Makefile" in said
