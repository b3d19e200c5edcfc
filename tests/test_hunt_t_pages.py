"""Real tutorials of hunt T (a university handout, a man page, DigitalOcean's highlight
marks, a pingall loop): what a page mentions stays prose, what it runs is read as bash
would run it.

The inputs are the hunt's own files (tests/fixtures/plaintext, tests/fixtures/famous).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from iplab import nsids
from iplab.errors import UsageError
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.scenario import load_text
from iplab.steps import LinkAdd, LinkSet, Raw
from iplab.undoable import Item, cannot_undo

HERE = Path(__file__).parent / "fixtures"
TEXT = HERE / "plaintext"
FAMOUS = HERE / "famous"


def _import(path: Path, text: str | None = None) -> ImportResult:
    text = path.read_text(encoding="utf-8") if text is None else text
    return import_text(text, detect_kind(path.name, text), path.name)


def test_a_command_in_the_second_line_of_a_question_is_prose() -> None:
    """Hunt T: a handout's ``Q3. ... Explain`` / ``what you see with `sudo ip netns exec r1
    tcpdump -ni vA-r`.`` was read as a command (tcpdump started as step 21; with ``ip addr
    flush`` in the backquotes, a setup step): a wrapped sentence's second line looked like
    an instruction. It stays prose, whatever the backquotes hold."""
    path = TEXT / "hunt-t-08-uni-handout.txt"
    result = _import(path)
    assert not any("tcpdump" in line for line in result.lines)
    assert not any("line 52" in w for w in result.warnings)
    assert "what you see with sudo" in result.yaml
    flushed = path.read_text(encoding="utf-8").replace(
        "r1 tcpdump -ni vA-r", "a ip addr flush dev lo"
    )
    assert not any("flush" in line for line in _import(path, flushed).lines)
    # the handout's own command lines are still read
    assert "sudo ip netns exec hostA ping -c 3 10.0.2.10" in result.lines


def test_a_check_and_its_echo_in_a_loop_stay_one_step_that_may_fail() -> None:
    """Hunt T: ``ping -c1 -W1 $ip >/dev/null && echo "h1 -> $ip ok"`` in a loop kept only
    the ping (its ``>/dev/null`` and its echo silently dropped), and the address that did
    not answer stopped the run and rolled it back, where bash goes on (the left of ``&&``
    never stops a script, even under ``set -e``). Each pass is the && list as written, a
    step that may fail: bash prints the words when the ping works."""
    result = _import(FAMOUS / "hunt-t-14-pingall-and-echo.sh")
    steps = list(load_text(result.yaml, "page.yaml").steps)
    checks = [s for s in steps if isinstance(s.op, Raw)]
    assert [s.op.command for s in checks if isinstance(s.op, Raw)] == [
        f'ip netns exec h1 ping -c1 -W1 10.0.0.{n} >/dev/null && echo "h1 -> 10.0.0.{n} ok"'
        for n in (2, 3)
    ]
    assert all(s.may_fail for s in checks)
    assert result.model_error is None


def test_a_check_and_its_echo_on_a_line_may_fail() -> None:
    """Hunt T: outside a loop, ``CMD >/dev/null && echo ok`` was one raw step that stopped
    the run when CMD failed (bash goes on). It may fail now; a change followed by an echo
    stays typed, may fail, and the import says the echo is not printed."""
    text = (
        "ip netns add h1\n"
        "ip netns exec h1 ping -c1 -W1 10.0.0.3 >/dev/null && echo ok\n"
        "ip -n h1 link add d0 type dummy && echo made\n"
    )
    result = import_text(text, "shell", "t.sh")
    steps = list(load_text(result.yaml, "page.yaml").steps)
    assert [s.may_fail for s in steps if s.phase == "setup"] == [False, True, True]
    assert isinstance(steps[1].op, Raw) and steps[1].op.command.endswith("&& echo ok")
    assert isinstance(steps[2].op, LinkAdd)
    assert (
        "line 3: 'echo made' after && is not printed by the run; if the command before it"
        " fails, the run says so and goes on, as bash does"
    ) in result.warnings


def test_a_man_page_s_synopsis_is_grammar_and_its_examples_are_commands() -> None:
    """Hunt T: ``man ip-netns | col -b`` read as Markdown imported its SYNOPSIS lines as
    steps (``ip netns [ list ]`` raw, ``ip netns add NETNSNAME`` a namespace of that name,
    then "namespace NETNSNAME already exists"), and each example's description as the
    command's output. The SYNOPSIS is shown, not run (said); the EXAMPLES are the commands,
    each titled by its description."""
    result = _import(TEXT / "hunt-t-05-ip-netns-man.txt")
    assert result.model_error is None
    assert result.lines == (
        "ip netns list",
        "ip netns add vpn",
        "ip netns exec vpn ip link set lo up",
        "ip netns set vpn 12",
        "ip link add veth-vpn type veth peer name veth-vpn-br netns vpn",
        "ip -n vpn addr add 10.99.0.2/30 dev veth-vpn-br",
        "ip netns del vpn",
    )
    assert (
        "line 7: the man page's SYNOPSIS ('ip [ OPTIONS ] netns  { COMMAND | help }'...) is"
        " the commands' grammar: shown, not run"
    ) in result.warnings
    steps = list(load_text(result.yaml, "page.yaml").steps)
    assert steps[1].title == "Creates a network namespace and names it vpn"
    assert all(s.output is None for s in steps)


def test_a_man_page_s_example_in_grammar_is_shown_not_run() -> None:
    """Hunt T: an EXAMPLES line with a metavariable (``ip netns attach NETNSNAME PID``) is a
    command's grammar: shown, not run, said."""
    path = TEXT / "hunt-t-05-ip-netns-man.txt"
    text = path.read_text(encoding="utf-8").replace(
        "       ip netns add vpn\n", "       ip netns attach NETNSNAME PID\n"
    )
    result = _import(path, text)
    assert not any("NETNSNAME" in line for line in result.lines)
    assert (
        "line 41: 'ip netns attach NETNSNAME PID' is a command's grammar ('NETNSNAME' is for"
        " the reader to fill in): shown, not run"
    ) in result.warnings


def test_digitalocean_s_highlight_marks_and_captions_are_no_shell() -> None:
    """Hunt T: DigitalOcean's ``<^>left<^>`` (a value the reader may change, highlighted)
    made every line a raw step bash reads as redirections (11 raw, "iplab cannot undo 11
    step(s)"), and ``[label Create the pair]`` a command. The marks are taken off (said),
    the caption dropped: every step typed."""
    result = _import(FAMOUS / "hunt-t-17-digitalocean-highlights.md")
    assert result.raw == 0 and not result.cannot_undo and result.model_error is None
    assert "sudo ip netns add left" in result.lines
    assert not any("<^>" in line or "[label" in line for line in result.lines)
    assert (
        "lines 8-9: DigitalOcean's highlight marks (<^>...<^>) taken off; the values the"
        " page highlights for you to choose are used as written: 'left', 'right'"
    ) in result.warnings


def test_digitalocean_s_output_caption_is_not_output() -> None:
    """Hunt T: ``[secondary_label Output]``, DigitalOcean's caption above a block of
    output, was kept as the output's first line. It is dropped."""
    result = _import(FAMOUS / "hunt-t-01-digitalocean.md")
    assert "secondary_label" not in result.yaml
    assert "64 bytes from 10.200.1.2" in result.yaml  # (the output itself stays)


def test_a_loop_on_a_handout_s_line_is_read_as_in_a_code_block() -> None:
    """Hunt T: ``for ns in hostA r1 hostB; do sudo ip -n $ns l s lo up; done`` on a
    plain-text handout vanished (the next step's title; never run), with no warning, where
    each of its 26 other command lines was read. It is read as a code block's loop is, said
    as the other lines are."""
    result = _import(TEXT / "hunt-t-08-uni-handout.txt")
    loop = "for ns in hostA r1 hostB; do sudo ip -n $ns l s lo up; done"
    assert loop in result.lines
    assert f"line 39: not in a code block; {loop!r} is read as a command" in result.warnings
    steps = list(load_text(result.yaml, "page.yaml").steps)
    up = [s.op for s in steps if isinstance(s.op, LinkSet) and s.op.dev == "lo"]
    assert [op.ns for op in up] == ["hostA", "r1", "hostB"]


class _Ids:
    """A host whose root namespace uses nsid 12 (for namespace other) and 1 (no name)."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def query(self, argv: Sequence[str], privileged: bool, what: str) -> tuple[int, str, str]:
        self.asked.append(list(argv))
        return 0, '[{"nsid":1},{"nsid":12,"name":"other"}]', ""


def test_a_fixed_nsid_the_host_uses_is_refused() -> None:
    """Hunt T: ``ip netns set vpn 12`` with id 12 taken on the host failed halfway through
    the run. It is refused before the run, reading the ids in use only when a step fixes
    one (``auto`` fixes none)."""
    result = _import(TEXT / "hunt-t-16-ip-netns-man-examples.txt")
    plan = build(load_text(result.yaml, "page.yaml"), prefix="hT")
    host = _Ids()
    with pytest.raises(ModelError, match=r"nsid 12 is already used on this host \(by namespace"):
        nsids.refuse_taken((pc.command for pc in plan.commands), host)
    assert host.asked == [["ip", "-j", "netns", "list-id"]]
    free = build(load_text(result.yaml.replace("vpn 12", "vpn 7"), "page.yaml"), prefix="hT")
    nsids.refuse_taken((pc.command for pc in free.commands), host)
    quiet = _Ids()
    nsids.refuse_taken(
        (
            pc.command
            for pc in build(
                load_text(result.yaml.replace("vpn 12", "vpn auto"), "page.yaml")
            ).commands
        ),
        quiet,
    )
    assert quiet.asked == []


def test_ifconfig_on_a_lab_link_goes_with_the_link() -> None:
    """Hunt T: LWN's ``ifconfig veth0 10.1.1.2/24 up`` (veth0 the lab's own link) was said
    to change what "stays on the host after the lab is down": the address and the state
    go with the link the lab deletes."""
    result = _import(FAMOUS / "hunt-t-03-lwn-namespaces.txt")
    assert any(line.startswith("ifconfig veth0 ") for line in result.lines)
    assert not result.cannot_undo
    plan = build(load_text(result.yaml, "page.yaml"), prefix="hT")
    items = [Item(pc.command.op, False, pc.command.text) for pc in plan.setup]
    assert list(cannot_undo(items)) == []


def test_a_transcript_s_commands_inside_sentences_are_pointed_at() -> None:
    """Hunt T: a video's transcript (``[01:02] next addresses, ip -n red addr add ...``)
    gave only "no command found (read as markdown)". The error says which lines hold ip
    commands inside sentences, and what to do."""
    with pytest.raises(UsageError) as said:
        _import(TEXT / "hunt-t-09-youtube-transcript.txt")
    assert (
        "; lines 7, 8, 9, 10, 11, 12, ... hold ip commands inside sentences (a transcript?):"
        " write each on a line of its own, or in a code block, and import that"
    ) in str(said.value)


def test_a_numbered_comment_s_title_is_its_words_not_its_number() -> None:
    """Hunt T: a CNI README's comment ``# 3. IPAM: host-local hands out 10.22.0.2, the
    gateway is .1`` made the step's title '3'. The title is its words; the comment, number
    and all, stays the step's prose."""
    result = _import(FAMOUS / "hunt-t-07-cni-bridge-readme.md")
    steps = list(load_text(result.yaml, "page.yaml").steps)
    titles = [s.title for s in steps if s.title]
    assert "IPAM: host-local hands out 10.22.0.2, the gateway is .1" in titles
    assert "3" not in titles
    assert any(s.prose and s.prose.startswith("3. IPAM") for s in steps)
