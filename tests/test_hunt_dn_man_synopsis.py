"""Hunt DN #1: a slide deck saved as text (suhu.dlinkddns.com, "Lab 1") that types ``man
ip-netns`` and shows what man printed: the ``SYNOPSIS`` heading, then the commands'
grammar, indented, each line its own block (``ip netns { list }``, ``ip netns identify
PID``, ``ip netns exec NETNSNAME command ...``, ``ip netns monitor``), and later ``man
ip-link``'s (``ip link add [ link DEVICE ] [ name ] NAME``, ``[ txqueuelen PACKETS ]``).

Before, each grammar line was a step: ``ip netns { list }`` run (ip refuses it), ``ip netns
exec NETNSNAME command ...`` (a namespace no one made), ``ip netns monitor`` (it waits
for Ctrl-C), and ``[ txqueuelen PACKETS ]`` a raw step of its own. Now the indented lines
under a man page's ``SYNOPSIS`` are what man printed: shown, not steps, said in one warning
each; the page's own commands after them (``sudo ip netns add h1``) are read."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.synopsis import grammar_line
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dn" / "dn07-suhu-slides-man-synopsis-h1-h2.txt"


def _imported(text: str, name: str) -> tuple[list[str], scenario.Scenario]:
    result = import_text(text, detect_kind(name, text), name)
    return list(result.warnings), scenario.load_text(result.yaml, "page.yaml")


def test_grammar_lines() -> None:
    assert grammar_line("ip netns { list }")
    assert grammar_line("ip [ OPTIONS ] netns  { COMMAND | help }")
    assert grammar_line("ip netns exec NETNSNAME command ...")
    assert grammar_line("[ txqueuelen PACKETS ]")
    assert grammar_line("TYPE := [ bridge | bond ] can | dummy")
    assert not grammar_line("ip netns add h1")
    assert not grammar_line("ip link set veth0 up")
    assert not grammar_line("{ ip link add a type dummy; }")  # (a brace group)
    assert not grammar_line("[ -d /run/netns ] && ip netns list")  # (a test)


def test_man_synopsis_is_what_man_printed() -> None:
    warnings, loaded = _imported(PAGE.read_text(encoding="utf-8"), PAGE.name)
    commands = [
        getattr(step.op, "command", None) or getattr(step.op, "line", None) for step in loaded.steps
    ]
    assert [step.op.action for step in loaded.steps] == ["netns add", "netns add", "netns list"]
    assert [getattr(step.op, "name", None) for step in loaded.steps[:2]] == ["h1", "h2"]
    assert not any("NETNSNAME" in str(c) or "PACKETS" in str(c) for c in commands)
    said = [w for w in warnings if "SYNOPSIS" in w]
    assert said and all("shown, not a step" in w for w in said)
    assert any(w.startswith("line 34: 'ip netns { list }'") for w in said)


def test_synopsis_heading_in_markdown_needs_grammar() -> None:
    # a README's "SYNOPSIS" over a block of real commands: read as ever
    page = "# lab\n\nSYNOPSIS\n\n    sudo ip netns add a\n    sudo ip netns add b\n"
    _, loaded = _imported(page, "lab.md")
    assert [getattr(step.op, "name", None) for step in loaded.steps] == ["a", "b"]
