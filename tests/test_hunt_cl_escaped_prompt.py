"""Hunt CL #3 (tests/fixtures/stored-pages-10/p3-jokeru-df-mtu.html, wiki.jokeru.ro's MTU
notes): the page's commands sit behind a '\\$' prompt its code plugin escaped (WordPress's
CodeColorer, ``[cc lang='bash']``), and import said "no command found", which is wrong.
The escaped prompt is a prompt now (reader._ESCAPED_PROMPT); the page only pings, captures
on the host's eth0 and traces to public addresses, and import says that: no lab here
(convert._no_lab)."""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

PAGE = FIXTURES / "stored-pages-10" / "p3-jokeru-df-mtu.html"


def test_the_page_is_said_as_what_it_is() -> None:
    with pytest.raises(UsageError) as caught:
        import_text(PAGE.read_text(encoding="utf-8"), "html", PAGE.name)
    said = str(caught.value)
    assert "no command found" not in said, said
    assert "no lab here (read as html): its 7 commands (lines 9, 12, 19, 22, 29, 34, 40:" in said
    assert "ping, tcpdump, tracepath" in said and "2.2.2.2, 1.1.1.1, 213.147.119.190" in said


def test_an_escaped_prompt_before_a_lab_s_commands_is_a_prompt() -> None:
    page = (
        "<html><body><h2>veth</h2><pre>[cc lang='bash']\n"
        "\\$ sudo ip netns add red\n"
        "\\$ sudo ip link add v0 netns red type veth peer name v1\n"
        "\\$ sudo ip -n red link set v0 up\n"
        "\\$ ip -n red -br link\n"
        "v0@if3  LOWERLAYERDOWN 4a:1f:00:00:00:01 &lt;NO-CARRIER,BROADCAST,MULTICAST,UP&gt;\n"
        "[/cc]</pre></body></html>\n"
    )
    result = import_text(page, "html", "escaped.html")
    assert "name: red" in result.yaml and "\\$" not in result.yaml, result.yaml
    assert "action: link show" in result.yaml and "peer: v1" in result.yaml, result.yaml
    assert "  v0@if3  LOWERLAYERDOWN" in result.yaml  # (its output, not a command)


def test_a_lab_that_pings_the_internet_is_still_a_lab() -> None:
    page = "# NAT\n\n```\n$ sudo ip netns add red\n$ sudo ip netns exec red ping -c1 8.8.8.8\n```\n"
    result = import_text(page, "markdown", "nat.md")
    assert "name: red" in result.yaml
