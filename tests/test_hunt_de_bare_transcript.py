"""Hunt DE #2: a wiki page copied as text, no code blocks, its commands typed at a root
prompt (``[root@centos-01 ~]# ip netns exec Blue ip addr list``) with what they printed
under them (Skyaknt's linux-tutorial): each command was read, but what it printed was the
next step's prose and title (``1: lo: mtu 65536 qdisc noop state DOWN link/loopback...``
titled ``ip link set dev lo up``). Now the lines under a command typed at a prompt, up to
a sentence, are its output; the sentences stay prose."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-de" / "de01-skyaknt-centos01-blue-bash.md"


def _loaded(text: str, name: str) -> scenario.Scenario:
    result = import_text(text, detect_kind(name, text), name)
    return scenario.load_text(result.yaml, "page.yaml")


def test_what_a_prompted_command_printed_is_its_output() -> None:
    loaded = _loaded(PAGE.read_text(encoding="utf-8"), PAGE.name)
    # netns add Blue, netns list, ll /var/run/netns/ (a step since hunt DK #1), exec ip addr
    # list, exec link set lo up, exec ifconfig
    names, listed, up, shown = loaded.steps[1], *loaded.steps[3:6]
    assert (listed.output or "").splitlines() == [
        "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN",
        "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
    ]
    assert "Blue" in (names.output or "")
    assert "1: lo" not in f"{up.title} {up.prose}"
    assert (up.title or "").startswith("Make sure to bring up that interface")
    assert (shown.output or "").splitlines()[-1] == (
        "TX errors 0 dropped 0 overruns 0 carrier 0 collisions 0"
    )


def test_a_short_heading_after_a_command_stays_prose() -> None:
    """A heading of words (``Creating a veth pair``) under a command's output is prose: a
    line is output only when it has a word no sentence has (a digit, ``:``, ``/``...) or
    is one word (``ip netns list``'s names)."""
    text = (
        "Namespaces\n\n"
        "$ ip netns add red\n"
        "$ ip netns list\n"
        "red\n"
        "Creating a veth pair\n"
        "$ ip link add v1 type veth peer name v2\n"
    )
    loaded = _loaded(text, "page.md")
    listed = loaded.steps[1]  # ip netns list
    assert (listed.output or "").splitlines() == ["red"]
    pair = loaded.steps[-1]
    assert "Creating a veth pair" in f"{pair.title} {pair.prose}"


def test_lines_under_a_command_with_no_prompt_stay_prose() -> None:
    """A page that writes its commands bare, no prompt, is no transcript: the lines under
    them are prose as before."""
    text = "Namespaces\n\nip netns add red\n1: this line is prose here\n"
    loaded = _loaded(text, "page.md")
    assert not loaded.steps[0].output
