"""Hunt CI: stored learner pages never seen before (tests/fixtures/stored-pages-10).

p1 (thachmpham's ARP page): its introduction shows ``arping <ip_address>`` under "Send an
ARP request:" and ``arp [--set/--delete] <ip_address>`` under "Modify ARP cache:". Both
were steps, and the model refused the whole page over the placeholder, its three-namespace
bridge lab with it. They show the commands' forms by their own words: the page runs arping
filled in (``ip netns exec ns1 arping -c 1 192.168.0.30``), and ``[--set/--delete]`` is a
synopsis's notation. Shown, not steps; the lab below them imports and builds.

p2 (fatlan's Turkish page): ``sudo ip netns exec ns01 ip a (sudo ip -n ns01 ip a)``, the
author's aside in parentheses, was said to use "pipes, redirections, ';', '&', '$'", none
of which it has: import names the parentheses (bash refuses the line as typed).
"""

from __future__ import annotations

from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.steps import Raw
from tests.conftest import FIXTURES
from tests.pages import imported

PAGES = FIXTURES / "stored-pages-10"
P1 = PAGES / "p1-thachmpham-arp.md"
P2 = PAGES / "p2-fatlan-tr-network-namespace.md"


def test_a_commands_form_under_a_colon_is_shown_when_its_words_say_so() -> None:
    result, lab = imported(P1)
    assert result.model_error is None, result.model_error
    commands = [s.op.command for s in lab.setup if isinstance(s.op, Raw)]
    assert not [c for c in commands if "<" in c], commands
    assert (
        "line 10: '$ arping <ip_address>' is the command's general form, under 'Send an ARP"
        " request:' (<ip_address>: the page runs it filled in): shown, not a step"
    ) in result.warnings
    assert (
        "line 16: '$ arp [--set/--delete] <ip_address>' is the command's general form, under"
        " 'Modify ARP cache:' (<ip_address>: written as a synopsis): shown, not a step"
    ) in result.warnings
    assert "ip netns exec ns1 arping -c 1 192.168.0.30" in result.lines
    assert len(lab.setup) == 27
    build(lab)


def test_what_to_type_under_a_colon_is_still_the_readers_to_fill_in() -> None:
    # the page runs no 'ip netns add' filled in, and writes no synopsis: the reader's
    text = "Make yours:\n\n```\nip netns add <name>\n```\n\nThen:\n\n```\nip link\n```\n"
    result = import_text(text, "markdown", "page.md")
    assert not [w for w in result.warnings if "general form" in w]
    assert result.model_error is not None and "placeholder" in result.model_error
    # nor does a head the page runs with no value after it ('arping' alone)
    text = "Send one:\n\n```\narping <ip>\n```\n\n```\nwhich arping\n```\n"
    result = import_text(text, "markdown", "page.md")
    assert not [w for w in result.warnings if "general form" in w]


def test_an_aside_in_parentheses_is_said_as_what_it_is() -> None:
    result, _ = imported(P2)
    said = [w for w in result.warnings if "line 32" in w]
    assert said == [
        "line 32: cannot be imported: 'ip netns exec ns01 ip a (sudo ip -n ns01 ip a)' uses"
        " shell syntax ('(' ... ')': bash reads a subshell there and refuses this line as"
        " typed)"
    ], result.warnings
