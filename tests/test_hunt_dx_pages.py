"""Hunt DX: unseen tutorial pages (tests/fixtures/pages-dx), read as people write them.

- dx05 (besthub, ``[root@1ll253 ~]#`` prompts, no code blocks): the page's text lost the
  line break between a command and the numbered step under it (``ip netns add ns02. List
  namespaces``, ``ip netns exec ns0 ip link set lo up3. Verify the interface ...``). The
  first was read as ``ip netns add ns02.`` with two more words (ip makes a namespace named
  ``ns02.``; the page's ``ns0`` never existed), the second as a typo ip refuses. Now the
  step's number and heading are taken off when the page numbers its steps (the item before
  it, ``1. Add a namespace named ns0``, is on the page): ``ip netns add ns0``, said.
- dx02 (laitimes, zh, ``$`` prompts, no code blocks): ``$ brctl addbr br0``, ``# or``, ``$ ip
  link add name br0 type bridge``: two ways to make the one bridge, a reader runs one. In a
  code block iplab took the second as the alternative; on a page with no code blocks both
  were steps and the model refused the lab at line 27 (br0 already exists). Now the ``#
  or`` line between two commands read from the prose is the same: the first runs, the
  second is a note, said with its line.
- dx03 (csdn, a post in prose, no code blocks): its lab is in its sentences (``first,execute
  command: ip netns add lains``, ``... command like this :ip link set veth1 netns lains``,
  ``now we login this namespace. ip netns exec nslai bash``); only ``root@...:~# route -n``
  stands on a line of its own. The import read that one line and said nothing of the
  others ("no command found" names them, but only when nothing at all was read). Now a
  page with no code blocks that had some line read says which lines hold ip commands
  inside sentences, not read, with the first of them.
- dx06 (bqtyf, no code blocks): ``ip netns exec <namespace> ip addr show`` and three more
  general forms were dropped with no word, ``ip netns list`` read: now said as forms.
- dx07 (njzxch, zh, flattened): each command glued to the Chinese sentence after it (``ip
  netns add ns1查看当前系统中所有网络命名空间:``) was lost or kept raw with the sentence in
  it; ``ip netns exec ns1 ip`` over ``link set lo up`` ran ``ip`` alone in ns1. Now the
  command is split where the Chinese begins (said, as a glued heading is), and the ip left
  with nothing after it is joined to the object and verb on the next line.
- dx09 (0573cn, zh): ``# 创建一个名为 myns 的新网络命名空间 sudo ip netns add myns``, a code
  block's comment and command on one line: "no command found". Now a comment in Chinese,
  Japanese or Korean followed by a whole ip command is read as the comment, then the
  command, said (an English comment naming a command stays a comment).
- dx10 (christina04, ja, as stored): a code block's lines run together at ``$`` prompts
  (``$ sudo ip netns add host1 $ sudo ip netns add host2 $ ip netns l host2 host1``): one raw
  step each line; ``$ ip l 1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 ...`` read as a command
  whose ``<LOOPBACK...>`` and ``> mtu`` bash takes as redirections (iplab said it "writes
  the host's ./mtu"). Now split at the prompts, what ip printed cut off, said: 9 commands.
- dx11 (tetzakaneya, ja): the author's slip (``veth1b netns ns0``, then ``ip netns exec ns1
  ip link set veth1b up``) is refused before anything runs, at line 23, saying where veth1b
  is (as before: a guard).
"""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.prose import glued_heading
from iplab.render import renderer
from iplab.steps import NetnsAdd
from tests.conftest import REPO

DX = REPO / "tests" / "fixtures" / "pages-dx"


def _texts(yaml: str) -> list[str]:
    return [renderer().text(step.op) for step in scenario.load_text(yaml, "p.yaml").steps]


def _imported(name: str) -> tuple[str, tuple[str, ...]]:
    page = DX / name
    written = page.read_text(encoding="utf-8")
    result = import_text(written, detect_kind(page.name, written), page.name)
    return result.yaml.split("\n# --- import summary")[0], result.warnings


@pytest.mark.parametrize(
    ("line", "above", "split"),
    [
        (
            "ip netns add ns02. List namespaces",
            "1. Add a namespace named ns0",
            ("ip netns add ns0", "2. List namespaces"),
        ),
        (
            "ip netns exec ns0 ip link set lo up3. Verify the interface is up",
            "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:002. Bring the loopback up",
            ("ip netns exec ns0 ip link set lo up", "3. Verify the interface is up"),
        ),
        # no step 1 above: no numbered steps on the page, the words stay
        ("ip netns add ns02. List namespaces", "Add a namespace named ns0", None),
        # a sentence's full stop after a name, no heading after it
        ("ip link set veth2. then up", "1. Create the pair", None),
        # an address's last number is no step's
        ("ping -c 1 10.0.0.2. Check it", "1. Ping", None),
    ],
)
def test_a_numbered_step_glued_to_a_command(
    line: str, above: str, split: tuple[str, str] | None
) -> None:
    assert glued_heading(line, above) == split


def test_dx05_the_numbered_steps_glued_to_its_commands_are_taken_off() -> None:
    yaml, warnings = _imported("dx05-besthub-root-qll253-glued-step-numbers.md")
    ops = [s.op for s in scenario.load_text(yaml, "p.yaml").steps]
    assert NetnsAdd(name="ns0") in ops
    assert not any(isinstance(op, NetnsAdd) and op.name != "ns0" for op in ops)
    said = [w for w in warnings if "glued to the heading after it" in w]
    assert any(w.startswith("line 19:") and "'2. List namespaces'" in w for w in said)
    assert any(w.startswith("line 30:") for w in said)
    assert not any("ip refuses" in w for w in warnings)


def test_dx02_a_hash_or_between_two_commands_of_the_prose_offers_the_second() -> None:
    yaml, warnings = _imported("dx02-laitimes-zh-brctl-or-alternative-root-veths.md")
    made = [t for t in _texts(yaml) if "br0" in t and ("addbr" in t or " add " in t)]
    assert made == ["brctl addbr br0"]
    said = [w for w in warnings if w.startswith("line 27:")]
    assert any("follows '# or' (line 26)" in w and "not run" in w for w in said)


def test_a_hash_or_in_the_prose_keeps_a_second_command_that_only_shows() -> None:
    page = "Show it\n\n$ ip link show br0\n# or\n$ bridge link\n$ ip link add x type dummy\n"
    result = import_text(page, "markdown", "p.md")
    assert _texts(result.yaml) == ["ip link show br0", "bridge link", "ip link add x type dummy"]


@pytest.mark.parametrize("said", ["#or", "# or:", "# 或者 or"])
def test_a_hash_or_in_the_prose_however_written(said: str) -> None:
    page = f"Make the bridge\n\n$ brctl addbr br0\n{said}\n$ ip link add name br0 type bridge\n"
    result = import_text(page, "markdown", "p.md")
    texts = _texts(result.yaml)
    assert texts[0] == "brctl addbr br0"
    if said != "# 或者 or":  # (words before the or: no offer of another way)
        assert texts == ["brctl addbr br0"]


def test_dx03_the_ip_commands_inside_its_sentences_are_said() -> None:
    _, warnings = _imported("dx03-csdn-prose-inline-commands-ns-name-mismatch.txt")
    said = [w for w in warnings if "inside sentences" in w]
    assert len(said) == 1
    assert said[0].startswith("lines 5, 6, 7, 10 hold ip commands inside sentences")
    assert "'ip netns add lains' (line 5)" in said[0]


def test_a_page_with_code_blocks_is_not_told_of_its_sentences() -> None:
    page = "Run `ip netns add a` first, then ip link add v type veth peer name w.\n\n"
    page += "```\nip netns add a\n```\n"
    result = import_text(page, "markdown", "p.md")
    assert not any("inside sentences" in w for w in result.warnings)


def test_dx06_its_general_forms_are_said() -> None:
    _, warnings = _imported("dx06-bqtyf-placeholders-glued-headings.md")
    said = [w for w in warnings if "general form" in w]
    assert said == [
        "lines 13, 14, 18, 19, 21 give ip commands only in their general form (<namespace>), not"
        " read: nothing to run until the reader fills them in"
    ]
    assert not any("inside sentences" in w for w in warnings)


def test_dx07_commands_glued_to_chinese_and_split_over_two_lines_are_read() -> None:
    yaml, warnings = _imported("dx07-njzxch-zh-glued-chinese-split-command.txt")
    texts = _texts(yaml)
    assert texts[:3] == ["ip netns add ns1", "ip netns list", "ip netns del ns1"]
    assert "ip netns exec ns1 ip link set lo up" in texts
    assert "ip netns exec ns1 ip addr add 192.168.100.2/24 dev veth1" in texts
    assert not any("not ASCII" in w for w in warnings)
    assert any(
        w.startswith("lines 11-12: 'ip netns exec ns1 ip' then 'link set lo up'") for w in warnings
    )
    assert not any("inside sentences" in w for w in warnings)  # (``ip netns 命令``: a tool named)


def test_dx09_a_command_glued_to_the_comment_over_it_is_read() -> None:
    yaml, warnings = _imported("dx09-0573cn-zh-command-glued-into-comment.md")
    assert _texts(yaml) == ["ip netns add myns"]  # (its sudo: the run's)
    assert any(w.startswith("line 31:") and "'sudo ip netns add myns'" in w for w in warnings)


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("# 创建一个名为 myns 的新网络命名空间 sudo ip netns add myns", "sudo ip netns add myns"),
        ("# ネームスペースを作る ip netns add ns1", "ip netns add ns1"),
        ("# Create it with ip netns add ns1", None),  # (an English comment names it)
        ("# 创建 ip netns", None),  # (a tool named, no command)
    ],
)
def test_a_command_after_a_comment_in_another_script(line: str, command: str | None) -> None:
    from iplab.importer.parts import command_after_comment

    assert command_after_comment(line) == command


def test_dx10_commands_run_together_at_prompts_are_read_one_by_one() -> None:
    yaml, warnings = _imported("dx10-christina04-ja-prompts-flattened-on-one-line.md")
    texts = _texts(yaml)
    assert texts[:2] == ["ip netns add host1", "ip netns add host2"]
    assert "ip link add name host2 type veth peer name br-host2" in texts
    assert texts[-1] == "ip l"
    assert not any("writes the host" in w for w in warnings)
    said = [w for w in warnings if "at '$' prompts on one line" in w]
    assert [w.split(":")[0] for w in said] == ["line 14", "line 16", "line 26", "line 28"]
    assert "(what ip printed after it cut off: not run)" in said[-1]


def test_a_dollar_inside_a_command_is_no_prompt() -> None:
    result = import_text("Run it\n\n$ ip netns add a\n", "markdown", "p.md")
    assert not any("prompts on one line" in w for w in result.warnings)


def test_dx11_the_authors_slip_is_refused_at_its_line() -> None:
    result = import_text(
        (DX / "dx11-tetzakaneya-ja-author-typo-ns0-bash-ping.md").read_text(encoding="utf-8"),
        "markdown",
        "dx11.md",
    )
    assert result.model_error is not None
    assert "line 23" in result.model_error
    assert "link veth1b is in namespace ns0, not in namespace ns1" in result.model_error


def test_a_title_naming_the_tool_in_japanese_is_no_command() -> None:
    assert glued_heading("ip netnsコマンドの使い方(ネットワークの実験の幅が広がるなぁ~)") is None
    assert glued_heading("ip netns list删除命名空间:") == ("ip netns list", "删除命名空间:")
