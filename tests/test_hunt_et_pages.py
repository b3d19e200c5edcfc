"""Hunt ET: tutorials iplab had not seen (tests/fixtures/pages-et/, stored excerpts).

#1 fadingcoder's policy-routing page (et05), a pasted root session: a title and a sentence,
``# ip -V``, ``ip utility, iproute2-5.15.0``, then ``# ip rule list``, ``# ip rule add from
10.20.30.40 table 100``... Every ``# `` line was taken for a comment and the import failed,
"no command found": the block was a root shell's only when its first line was a prompt iplab
types, and ``ip -V``'s printed line looked like a command typed without one. Now the page's
title and sentences above the first command are skipped, and a first ``# `` line iplab keeps
as written counts.

#2 53bits' routing notes (et03): ``$ ip -ts monitor`` (a monitor: run beside the next
lines) was typed as a show with ``background: true``, which the model refuses: the import
wrote a scenario it could not load (``setup[3].background``). Now a line run beside the
next ones is kept as written.

#3 lxr's vxlan.txt (et07), copied with its line numbers (``4The VXLAN protocol is ...``):
no line read as a sentence, so the file was a shell script, each line of prose a raw step
(23 of them, ``1Virtual eXtensible Local Area Networking documentation``). Now a line
number before a capitalised word is no part of the sentence: the file is a page.

#4 jishuzhan's ip netns page in Chinese (et01): the title ``ip addr show 输出详解`` ("the
output explained") was a step, ``ip addr show`` of a link named so. Now an ip line of the
prose with a word in Chinese, Japanese or Korean letters is a title, not a command.

#5 simplified.guide's ``ip rule add`` page (et04) writes what ``ip rule show`` printed on the
prompt's line: ``$ ip rule show 0: from all lookup local 32766: from all lookup main ...``,
one step ip refuses. Now ip rule's printed rules are cut off the line, as ip's links are.

#6 0x1b's post (et11): ``$ sudo ip -n asdf l     # shorthand for `ip netns exec asdf ip
l```: the code span in the comment made the line part of a sentence; the step was lost with
no word. Now a span in a command's comment is no sentence's.

#7 domus's bridge VLAN notes (et06), a page with no code blocks: ``sudo bridge vlan del vid
1 dev eno8`` under the ip line it follows was read as a sentence (four plain words in a
row) and lost with no word, and ``for vid in 10 20 ...; do`` / ``  sudo bridge vlan add vid
$vid dev eno8`` / ``done`` too. Now bridge's lines are read as ip's are, and a loop over
lines of their own whose commands are ip's or bridge's is read as a code block's (its lines
rendered as the page indents them).

#8 53bits' ``sudo ip -6 route add blackhole 2001:41c0::/32`` and simplified.guide's ``sudo ip
rule add from 192.0.2.10/32 table 100 priority 1000`` change the host's own routing (its
table, its policy rules), outside any namespace of the lab: the import said nothing of
them, as it says the host's sysctls and packet filter. Now each is listed with its line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO
from tests.kernel import SKIP
from tests.pages import family_page, page_ran_clean, rendered_lines

PAGES = REPO / "tests" / "fixtures" / "pages-et"


def _page(name: str) -> str:
    return family_page(PAGES, name)


_rendered = rendered_lines


def test_root_session_under_a_title_reads_its_prompts() -> None:
    commands = _rendered(_page("et05"))
    assert commands[:2] == ["ip -V", "ip rule list"]
    assert "ip rule add from 10.20.30.40 table 100" in commands
    assert "iptables -t mangle -A PREROUTING -i lan0 -j MARK --set-mark 0x3" in commands
    assert "ip rule add from 10.20.30.0/24 table 100 pref 10" in commands
    assert not any(c.startswith("ip utility") for c in commands)  # (what ip -V printed)


def test_root_session_written_as_a_block_of_its_own() -> None:
    text = (
        "Verify iproute2\n# ip -V\nip utility, iproute2-5.15.0\nViewing rules\n"
        "# ip rule list\n0: from all lookup local\n# ip rule add from 10.1.2.3 table 100\n"
    )
    yaml = import_text(text, detect_kind("page.txt", text), "page.txt").yaml
    assert _rendered(yaml) == ["ip -V", "ip rule list", "ip rule add from 10.1.2.3 table 100"]


@pytest.mark.parametrize(
    "line", ["ip -ts monitor", "ip monitor", "bridge monitor", "ip netns exec red ip monitor"]
)
def test_a_monitor_run_beside_loads(line: str) -> None:
    text = f"Watch it:\n\n```\n$ sudo ip netns add red\n$ sudo {line}\n$ ip -br link\n```\n"
    yaml = import_text(text, "markdown", "page.md").yaml
    lab = scenario.load_text(yaml, "lab.yaml")  # (refused before: setup[1].background)
    assert lab.steps[1].background
    assert _rendered(yaml)[1] == f"sudo {line}"


def test_the_53bits_page_loads() -> None:
    yaml = _page("et03")
    lab = scenario.load_text(yaml, "lab.yaml")
    assert [s.background for s in lab.steps].count(True) == 1
    assert "ip -ts monitor" in _rendered(yaml)


def test_line_numbered_text_is_a_page() -> None:
    path = next(PAGES.glob("et07-*"))
    text = path.read_text(encoding="utf-8")
    assert detect_kind(path.name, text) == "markdown"
    lines = text.splitlines()[1:]  # (without the line that names the source)
    assert detect_kind("vxlan.txt", "\n".join(lines)) == "markdown"
    assert detect_kind("notes", "4The protocol is one.\n5It runs over UDP.\n") == "markdown"


def test_cjk_title_after_an_ip_command_is_no_step() -> None:
    commands = _rendered(_page("et01"))
    assert "ip addr show 输出详解" not in commands
    assert commands[-2:] == [
        "sudo ip netns exec red ip addr show",
        "sudo ip netns exec blue ip addr show",
    ]
    text = "# 在 red 中执行\nip netns exec red ip link 命令\n\nsudo ip netns add red\n"
    result = import_text(text, "markdown", "page.md")
    assert _rendered(result.yaml) == ["sudo ip netns add red"]
    assert any(  # (said, with its line: nothing lost with no word)
        w.startswith("line 2: 'ip netns exec red ip link 命令' is an ip command followed by")
        for w in result.warnings
    ), result.warnings


def test_ip_rule_output_glued_to_its_prompt_is_cut_off() -> None:
    commands = _rendered(_page("et04"))
    assert commands.count("ip rule show") == 2  # (not ``ip rule show 0: from all ...``)
    assert "sudo ip rule add from 192.0.2.10/32 table 100 priority 1000" in commands
    text = "```\n$ ip rule list 0: from all lookup local 32766: not from all lookup main\n```\n"
    assert _rendered(import_text(text, "markdown", "page.md").yaml) == ["ip rule list"]


def test_a_comment_quoting_a_command_keeps_its_line() -> None:
    commands = _rendered(_page("et11"))
    assert commands == ["ip l", "sudo ip netns add asdf", "sudo ip -n asdf l"]


def test_bridge_lines_and_a_loop_in_the_prose_are_read(tmp_path: Path) -> None:
    commands = _rendered(_page("et06"))
    assert "sudo bridge vlan del vid 1 dev eno8" in commands
    assert "sudo bridge vlan add vid 100 dev eno8 pvid untagged" in commands
    assert "sudo bridge vlan add vid 120 dev br-mgmt self" in commands  # (the loop's)
    lab = tmp_path / "lab.yaml"  # (the model refuses it: the host's br-mgmt, eno8)
    lab.write_text(_page("et06"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    page = next(PAGES.glob("et06-*")).read_text(encoding="utf-8")
    loop = page[page.index("for vid in") : page.index("done\n") + 5]
    assert loop in done.stdout  # (its lines as the page indents them)


#: a page with no code blocks, as domus writes its notes, of a lab in a namespace
_LOOP_PAGE = """Namespaces on a bridge

A namespace and its bridge
sudo ip netns add sw
sudo ip -n sw link add br0 type bridge
Its ports
for p in p1 p2; do
  sudo ip -n sw link add $p type veth peer name $p-peer
  sudo ip -n sw link set $p master br0
done
sudo bridge -n sw link show
"""


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_loop_page_runs_clean_under_its_prefix(state_dir: Path, tmp_path: Path) -> None:
    """Run as a user runs it: the loop's lines and the bridge line run, verified, undone,
    nothing left (what carries the hunt's prefix is deleted, and must be nothing). (This
    host's kernel has no bridge VLAN filtering, so the page's loop is of ip lines.)"""
    page = tmp_path / "ports.md"
    page.write_text(_LOOP_PAGE, encoding="utf-8")
    prefix = "etxk01"
    out = page_ran_clean(page, prefix, "etx", state_dir, tmp_path)
    assert "ip -n etxk01sw link set etxk01p2 master etxk01br0" in out, out
    assert "bridge -n etxk01sw link show" in out, out


def test_the_host_s_rules_and_blackhole_routes_are_said() -> None:
    said = import_text(
        (PAGES / next(p.name for p in PAGES.glob("et03-*"))).read_text(encoding="utf-8"),
        "session",
        "et03.txt",
    ).host_changes
    assert any("blackhole route to the host's routing table" in s for s in said), said
    text = "```\n$ sudo ip rule add from 192.0.2.10/32 table 100 priority 1000\n```\n"
    said = import_text(text, "markdown", "page.md").host_changes
    assert said == (
        "line 2: sudo ip rule add from 192.0.2.10/32 table 100 priority 1000: changes the"
        " host's routing policy (an ip rule of the root namespace's)",
    )
    inside = "```\n$ sudo ip netns add a\n$ sudo ip -n a rule add from 10.0.0.1 table 100\n```\n"
    assert import_text(inside, "markdown", "page.md").host_changes == ()
