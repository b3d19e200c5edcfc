"""Hunt EI #1: on a page WITH code blocks, a line typed at a prompt in the prose (``$ sudo
sysctl -w ...``, ``vagrant@server1:~$ traceroute client1`` in a paragraph or a list item)
was read only when it was an ``ip`` line; every other program's was prose, with no word,
while the same line on a page without code blocks was a step. The Vagrant notes of
tests/fixtures/hunt-ea/ea01-... lost their VM's transcript into one step's title and prose
(``vagrant@server1:~$ ssh-copy-id ... vagrant@server1:~$ ssh -i...``).

A prompt is the page's own mark of a line typed: such a line is read as a code block's line
is (whose shell its prompt says it is typed in; what it printed under it is its output),
with the warning a prose line read gets; a line at a prompt that is no command iplab reads
is kept as prose, said once per paragraph; ``^D`` at a prompt leaves the shell open."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.steps import LinkSet, NetnsAdd, Op, Raw
from tests.conftest import FIXTURES

EA01 = FIXTURES / "hunt-ea" / "ea01-vagrant-servers-ssh-ctrl-d.md"


def _imported(page: str) -> tuple[list[Op], tuple[str, ...], str]:
    result = import_text(page, "markdown", "p.md")
    ops = [s.op for s in scenario.load_text(result.yaml, "p.yaml").steps]
    return ops, result.warnings, result.yaml


def test_a_prompted_line_of_any_program_in_the_prose_is_a_step_beside_code_blocks() -> None:
    page = (
        "# Lab\n\nCreate them:\n\n```\nsudo ip netns add red\n```\n\n"
        "Then enable forwarding:\n\n$ sudo sysctl -w net.ipv4.ip_forward=1\n\n"
        "- $ sudo iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -j MASQUERADE\n"
        "- $ sudo ip netns exec red ip link set lo up\n\nCheck it:\n\n"
        "$ ls /var/run/netns\n"
    )
    ops, warnings, _ = _imported(page)
    assert [type(op) for op in ops] == [NetnsAdd, Raw, Raw, LinkSet, Raw]
    commands = [op.command for op in ops if isinstance(op, Raw)]
    assert commands == [
        "sysctl -w net.ipv4.ip_forward=1",
        "iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -j MASQUERADE",
        "ls /var/run/netns",
    ]
    assert (
        "line 11: not in a code block; 'sudo sysctl -w net.ipv4.ip_forward=1' is read as a command"
        in warnings
    )


def test_what_a_prompted_prose_line_printed_is_its_output_not_prose() -> None:
    page = (
        "# Lab\n\n```\nsudo ip netns add red\n```\n\nList them:\n\n"
        "$ sudo ls /var/run/netns\nred\n\nDone.\n"
    )
    _, warnings, text = _imported(page)
    assert "    command: ls /var/run/netns\n    observe: true\n    output: red\n" in text
    assert warnings == (
        "line 9: not in a code block; 'sudo ls /var/run/netns' is read as a command",
    )


def test_the_vagrant_notes_transcript_is_read_in_its_vm_not_glued_into_a_title() -> None:
    result = import_text(EA01.read_text(encoding="utf-8"), "markdown", str(EA01))
    in_vm = next(w for w in result.warnings if "are typed in a virtual machine" in w)
    assert in_vm.startswith("lines 8, 16, 20, 25-26, 29-30, 40-41 are typed in a virtual")
    assert "vagrant@server1:~$ ssh-copy-id" not in result.yaml  # (no title of glued prompts)
    assert not any("Connection to client1 closed." in w for w in result.warnings)
    ops = [s.op for s in scenario.load_text(result.yaml, "ea01.yaml").steps]
    assert [op.command for op in ops if isinstance(op, Raw)] == [
        "vagrant up",
        'vagrant ssh Server_1 -c "ip -j addr"',
        "vagrant halt",
    ]


def test_a_prompted_line_that_is_no_command_is_said_once() -> None:
    page = (
        "# Lab\n\n```\nsudo ip netns add red\n```\n\nThe price:\n\n$ 5 a month\n"
        "$ 10 a year\n\nroot@h:~#\n"
    )
    ops, warnings, _ = _imported(page)
    assert ops == [NetnsAdd(name="red")]
    said = [w for w in warnings if "at a prompt in the prose" in w]
    assert said == [
        "lines 9, 10: '$ 5 a month', '$ 10 a year': at a prompt in the prose, but no command"
        " iplab reads: kept as prose, not run (put it in a code block as a command if the"
        " tutorial runs it)"
    ]


def test_the_end_of_input_key_at_a_prompt_in_the_prose_leaves_the_vm() -> None:
    page = (
        "# Lab\n\n```\n$ vagrant ssh\n```\n\nIn the VM:\n\n"
        "vagrant@vm:~$ sudo ip netns add vm1\nvagrant@vm:~$ ^D\n\n"
        "```\n$ sudo ip netns add h1\n```\n"
    )
    ops, warnings, _ = _imported(page)
    assert ops == [NetnsAdd(name="h1")]
    assert not any("no exit shown" in w for w in warnings)
