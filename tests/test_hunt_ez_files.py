"""Labs kept in YAML under keys of the author's own (hunt EZ, tests/fixtures/hosted-ez/).

- conntrack-tools' test framework keeps each scenario's lab in ``scenarios.yaml``: ``- name:
  x``, then ``start:`` and ``stop:`` lists of ``ip netns add ...``, ``ip -net ns1 addr add
  ...`` (re-typed here: ct-scenarios.yaml). Piped in (``cat scenarios.yaml | iplab import
  -``), it was read as a shell script: ``- name: two_routers_sync``, ``start:``, ``- ip netns
  add hA`` 37 raw steps iplab cannot undo, and the model said OK. By its name, the refusal
  said "copy the shell commands it runs" and named no line: ``start`` is no key a tool
  runs (``run:``, ``script:``, ``shell:``). Now, either way, it is refused as YAML, naming
  the lines of its lists of commands (a list most of whose items start with a command's
  word, one of them a lab's: ``ip``, ``tc``, ``nft``...).
- A Containerlab topology (its nodes' ``exec:`` lists, run in each node's container), piped
  in, was read as a script too: refused now, as what it is, with its exec lines.
- ``cat <<EOF>clab.yaml | clab deploy -t clab.yaml -`` (a family of Containerlab courses,
  wjunlove123/k8s-network-learning and its like): tree-sitter-bash cannot read a
  here-document's operator right before a file's redirection and a pipe, so the script's
  document lines were raw steps (``topology:``, ``EOF``), indentation lost. The grammar
  now reads that line as bash does (``cat>clab.yaml <<EOF | ...``, the same bytes).
- JSON's lists (a dump of ``ip -j`` output, a session's cells) are data, not lists of
  commands, and stay as they were said; so does a page's one ``Steps:`` list.
"""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer import shell as shellread
from iplab.importer.convert import detect_kind
from iplab.importer.reader import Block, Cmd, Reader, read_shell
from tests.conftest import FIXTURES

SCENARIOS = FIXTURES / "hosted-ez" / "ct-scenarios.yaml"


def _said(name: str, text: str) -> str:
    with pytest.raises(UsageError) as caught:
        detect_kind(name, text)
    return str(caught.value)


@pytest.mark.parametrize("name", ["-", "scenarios.yaml"])
def test_a_test_framework_s_scenarios_file_is_yaml_and_its_command_lines_are_named(
    name: str,
) -> None:
    said = _said(name, SCENARIOS.read_text(encoding="utf-8"))
    assert "YAML (a workflow, a playbook" in said, said
    assert "commands are at lines 4-25, 27-35, 37-41, 46:" in said, said
    if name == "-":
        assert "key 'start' at line 3, a list of commands" in said, said


def test_one_list_of_steps_in_plain_text_is_not_taken_for_yaml() -> None:
    """A page written as plain text, ``Steps:`` and its items: one key, no file of a tool's."""
    text = "Steps:\n- ip netns add red\n- ip netns add blue\n"
    assert detect_kind("-", text) in ("markdown", "shell")  # (not refused)


def test_a_json_dump_s_lists_are_not_named_as_commands() -> None:
    text = '{\n  "ip -j link": [\n    "ip link add a type dummy",\n    "ip link del a"\n  ]\n}\n'
    said = _said("dump.json", text)
    assert "commands are at" not in said, said


CLAB = FIXTURES / "hosted-ez" / "clab-bridge-topology.yml"


def test_a_containerlab_topology_piped_in_is_named_with_its_exec_lines() -> None:
    """``cat lab.clab.yml | iplab import -`` read the topology as a script: ``name:``,
    ``topology:``, ``- ip link set eth0 up`` raw steps, commands that ran in each node's
    container run on the host. Now it is refused as a Containerlab topology, saying where
    its exec lines run and which lines they are."""
    said = _said("-", CLAB.read_text(encoding="utf-8"))
    assert "a Containerlab topology (its exec: lines run in each node's container)" in said
    assert "commands are at lines 9-10, 13-14, 17-19, 27-29:" in said, said


SETUP_CLAB = FIXTURES / "hosted-ez" / "setup-clab.sh"


def test_a_here_document_right_before_a_file_and_a_pipe_is_one_step() -> None:
    """``cat <<EOF>clab.yaml | clab deploy -t clab.yaml -`` (a family of Containerlab
    courses writes each topology so): the grammar could not read the operator right before
    ``>clab.yaml`` and a pipe, so each line of the document was a raw step, its indentation
    lost and ``EOF`` a command. Now it is one step that feeds the document to the same
    pipeline, and render gives the script back."""
    text = SETUP_CLAB.read_text(encoding="utf-8")
    lines = _texts(read_shell(text))
    fed = [line for line in lines if "clab deploy" in line]
    assert len(fed) == 1, lines
    assert fed[0].startswith("cat <<EOF>clab.yaml | clab deploy -t clab.yaml -\n"), fed
    assert not any(line.strip() in ("EOF", "topology:") for line in lines), lines


def _texts(reader: Reader) -> list[str]:
    """The text of each step and block the reader made."""
    return [e.text for e in reader.events if isinstance(e, Cmd | Block)]


@pytest.mark.parametrize(
    "first",
    ["cat <<EOF>f.yaml", "cat << EOF>f.yaml", "cat <<EOF > f.yaml | clab deploy -t f.yaml -"],
)
def test_the_grammar_reads_the_operator_before_a_file_as_bash_does(first: str) -> None:
    text = f"{first}\nname: x\n  nodes: y\nEOF\n"
    assert not shellread.has_error(shellread.parse(text))
    assert len(shellread._heredoc_first_lines(text)) == len(text)
