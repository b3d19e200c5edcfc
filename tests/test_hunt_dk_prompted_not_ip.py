"""Hunt DK #1: a page with no code blocks whose transcript types, at the same prompt as its
ip commands, a line that is no ip command (Skyaknt's wiki: ``[root@centos-01
network-scripts]# ll /var/run/netns/`` then what it printed, ``total 0`` and ``-r--r--r--
1 root root 0 Feb 11 16:29 Blue``): the prompted line and its output were the next step's
title and prose (``[root@centos-01 network-scripts]# ll /var/run/netns/ total 0 ...``).
Now a line typed at a prompt is a command whatever its program, read as a code block's
line is (said, as each command of such a page is), and what it printed is its output."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.steps import Raw
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-de" / "de01-skyaknt-centos01-blue-bash.md"


def _imported(text: str, name: str) -> tuple[scenario.Scenario, tuple[str, ...]]:
    result = import_text(text, detect_kind(name, text), name)
    return scenario.load_text(result.yaml, "page.yaml"), result.warnings


def test_a_prompted_listing_is_a_command_and_what_it_printed_its_output() -> None:
    loaded, warnings = _imported(PAGE.read_text(encoding="utf-8"), PAGE.name)
    listing = [
        s for s in loaded.steps if isinstance(s.op, Raw) and "/var/run/netns" in s.op.command
    ]
    assert len(listing) == 1
    assert isinstance(listing[0].op, Raw)
    assert listing[0].op.command == "ll /var/run/netns/"
    assert (listing[0].output or "").splitlines() == [
        "total 0",
        "-r--r--r-- 1 root root 0 Feb 11 16:29 Blue",
    ]
    said = " ".join(f"{s.title} {s.prose}" for s in loaded.steps)
    assert "network-scripts]#" not in said
    assert "total 0" not in said
    assert any("'ll /var/run/netns/' is read as a command" in w for w in warnings)
    # the sentence after the listing is the next step's words, as the page has them
    shown = loaded.steps[loaded.steps.index(listing[0]) + 1]  # ip netns exec Blue ip addr list
    assert "its own loopback interface" in f"{shown.title} {shown.prose}"


def test_ls_at_a_dollar_prompt_and_its_output() -> None:
    text = (
        "Namespaces\n\n"
        "$ ip netns add red\n"
        "$ ls -l /var/run/netns\n"
        "total 0\n"
        "-r--r--r-- 1 root root 0 Feb 11 16:29 red\n"
        "Now the pair.\n"
        "$ ip link add v1 type veth peer name v2\n"
    )
    loaded, _ = _imported(text, "page.md")
    listing = loaded.steps[1]
    assert isinstance(listing.op, Raw)
    assert listing.op.command == "ls -l /var/run/netns"
    assert (listing.output or "").splitlines()[0] == "total 0"
    pair = loaded.steps[-1]
    assert "ls -l" not in f"{pair.title} {pair.prose}"
    assert "Now the pair" in f"{pair.title} {pair.prose}"


def test_a_sentence_that_starts_with_a_dollar_amount_stays_prose() -> None:
    """Only a program's name after the prompt: ``$ 5 a month`` is no command."""
    text = "Namespaces\n\n$ ip netns add red\n$ 5 a month buys a VPS.\n"
    loaded, _ = _imported(text, "page.md")
    assert len(loaded.steps) == 1
