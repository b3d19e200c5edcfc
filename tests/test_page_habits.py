"""Habits of pages found by a hunt on answers, non-English blogs and root shells.

* A sentence that names a command a code block of the page runs (``bring them up with
  `ip -n a addr add ...` ``) ran it twice: the model refused the page (the address
  exists), or the typeset copy in the sentence failed (``ping \u2013c 1``).
* ``sudo\u3000ip`` with an ideographic space (U+3000, Japanese and Chinese input methods)
  was a raw step nobody could undo.
* ``doas ip ...`` and ``pkexec ip ...`` were raw steps; after ``exit`` of a shell opened
  in a namespace, ``doas`` lines were taken for the output of ``exit`` and dropped.
"""

from __future__ import annotations

from iplab import export, scenario
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.steps import AddrAdd, LinkSet, NetnsAdd, NetnsExec, Probe


def _steps(page: str) -> tuple[list[object], tuple[str, ...]]:
    result = import_text(page, "markdown", "page.md")
    sc = scenario.load_text(result.yaml, "page.yaml")
    return [s.op for s in sc.steps], result.warnings


def test_a_sentence_naming_a_line_of_a_code_block_does_not_run_it_twice() -> None:
    page = (
        "# Answer\n\nMake them:\n\n```\n$ sudo ip netns add a\n$ sudo ip link add v type veth"
        " peer name w\n$ sudo ip link set v netns a\n```\n\nThen give it an address with"
        " `ip -n a addr add 10.1.1.1/24 dev v`.\n\n```\n"
        "$ sudo ip -n a addr add 10.1.1.1/24 dev v\n```\n"
    )
    ops, warnings = _steps(page)
    assert ops.count(AddrAdd(ns="a", ns_form="-n", address="10.1.1.1/24", dev="v")) == 1
    assert (
        "line 11: 'ip -n a addr add 10.1.1.1/24 dev v' in the prose is a line of a code block"
        " too; read there, not twice"
    ) in warnings
    assert not any("the prose names a change" in w for w in warnings)


def test_a_typeset_copy_in_a_sentence_is_the_block_s_line() -> None:
    page = (
        "# Test\n\n```bash\nsudo ip netns add links\nsudo ip netns exec links ping \u2013c 1"
        " 127.0.0.1\n```\n\nTest: `sudo ip netns exec links ping \u2013c 1 127.0.0.1`\n"
    )
    ops, _ = _steps(page)
    assert len(ops) == 2  # the namespace, and the block's ping (its dash typed back)
    assert isinstance(ops[1], NetnsExec | Probe)


def test_a_sentence_alone_still_runs_its_command() -> None:
    ops, _ = _steps("# Lab\n\nThen run `ip netns add solo`.\n\n```\nip netns add other\n```\n")
    assert NetnsAdd(name="solo") in ops


def test_an_ideographic_space_is_a_space() -> None:
    page = (
        "# 準備\n\n```bash\nsudo\u3000ip netns add ns2\n"
        "sudo ip -n ns2 link set lo up\u3000# 有効化\n```\n"
    )
    ops, warnings = _steps(page)
    assert ops[0] == NetnsAdd(name="ns2")
    assert isinstance(ops[1], LinkSet) and ops[1].get("state") == "up"
    assert any("(U+3000) as ' '" in w for w in warnings)


def test_doas_and_pkexec_run_as_sudo_and_print_as_written() -> None:
    page = (
        "# Root\n\n```bash\ndoas ip netns add u1\nip netns exec u1 bash\nip link set lo up\nexit\n"
        "doas ip -n u1 link add v type veth peer name w\npkexec --user root ip netns add u2\n"
        "doas -u alice ip netns add u3\n```\n"
    )
    result = import_text(page, "markdown", "page.md")
    sc = scenario.load_text(result.yaml, "page.yaml")
    ops = [s.op for s in sc.steps]
    assert NetnsAdd(name="u1") in ops and NetnsAdd(name="u2") in ops
    assert "line 8: doas read as sudo (run as root); printed as written" in result.warnings
    assert NetnsAdd(name="u3") not in ops  # another user: not read as root, kept as written
    printed = export.text(build(sc, lenient=True))
    assert "doas ip -n u1 link add v type veth peer name w\n" in printed
    assert "pkexec --user root ip netns add u2\n" in printed
