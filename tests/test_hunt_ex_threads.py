"""Hunt EX: answers, issue threads and man pages iplab had not seen (tests/fixtures/pages-ex/).

#1 cni#907 (ex01), a question pasting a zsh session whose theme's prompt is a guillemet:
``» sudo ip netns add testing``, ``» sudo CNI_PATH=./bin cnitool add myptp ...``. No line
was read ("no command found"). Now ``»`` is a prompt, as zsh's other themes' are.

#2 jursonmo's macvlan notes (ex05) quote the kernel's ``macvlan_queue_xmit`` in a code
block with no language: ``if (vlan->mode == MACVLAN_MODE_BRIDGE) {`` was a raw step, its
``->`` a redirection that "writes the host's ./mode". Now a block whose lines are all a C
program's, two of them what only such a program writes, is said and not read, as a
Makefile's is.

#3 The same page numbers its notes and lists two commands with commas, the last one
closed by a full-width comma: ``3.   ip tuntap add   tun0  mode tun  , ip link delete
tun0\uff0c``. It was a title, lost with no word. Now a line of prose whose every comma-parted
piece is an ip command iplab types is read as those commands; the full-width comma is no
heading glued to the last one.

#4 vyos-1x#2007 (ex11) shows VyOS's configuration lines (``set interfaces virtual-ethernet
...``, ``commit``) above a ``vyos@r14#`` prompt: raw steps (bash's own set; a commit this
host has not). Now a router's configuration lines are said and shown, not run.

#5 Entware#3 (ex14): ``...`` between a reply's kernel config lines was a raw step. Now a
line of dots is said, not a command. #6 trex-core#1145 (ex13): "no command found" named
none of the page's bare ip lines (``ip -6 route add default``, which iplab does not type).
Now they are named.

#7 ip-netns(8)'s example (ex06) leaves the command to the reader in capitals: ``ip netns
exec net0 SOME_PROCESS_IN_BACKGROUND``. In a code block it was a raw step iplab cannot
undo; now it is the command's form, shown (as ``<command>`` is).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import decide_sudo
from iplab.render import renderer
from tests.conftest import REPO
from tests.kernel import SKIP
from tests.pages import page_ran_clean

PAGES = REPO / "tests" / "fixtures" / "pages-ex"


def _imported(name: str):  # type: ignore[no-untyped-def]
    path = next(PAGES.glob(name + "-*"))
    text = path.read_text(encoding="utf-8")
    return import_text(text, detect_kind(path.name, text), path.name)


def _rendered(yaml: str) -> list[str]:
    lab = scenario.load_text(yaml, "lab.yaml")
    return [renderer().command(s.op, decide_sudo(lab.sudo, s.sudo, s.op)).text for s in lab.steps]


def test_a_guillemet_prompt_is_a_prompt() -> None:
    commands = _rendered(_imported("ex01").yaml)
    assert "sudo ip netns add testing" in commands, commands
    assert "sudo CNI_PATH=./bin cnitool add myptp /var/run/netns/testing" in commands
    assert commands[-1] == "sudo ip -n testing addr", commands


def test_a_c_function_quoted_in_a_page_is_no_command() -> None:
    result = _imported("ex05")
    commands = _rendered(result.yaml)
    assert not any("MACVLAN" in c or "->" in c for c in commands), commands
    assert any(
        w.startswith("line 21: the code block 'if (vlan->mode == MACVLAN_MODE_BRIDGE) {'")
        and "a program in C" in w
        for w in result.warnings
    ), result.warnings
    assert not any("writes the host's" in s for s in result.host_changes), result.host_changes


@pytest.mark.parametrize(
    "block",
    [
        "setup() {\n  ip netns add a\n}\nsetup\n",
        "for ((i = 0; i < 3; i++)); do\n  ip netns add n$i\ndone\n",
        "ip netns add a; ip netns add b\nip -n a link set lo up;\n",
    ],
)
def test_a_shell_block_with_braces_and_semicolons_stays_shell(block: str) -> None:
    text = f"# lab\n\n```\n{block}```\n"
    result = import_text(text, "markdown", "page.md")
    assert "ip netns add a" in result.yaml or "netns add" in result.yaml, result.yaml
    assert not any("a program in C" in w for w in result.warnings), result.warnings


def test_commands_listed_with_commas_are_each_read() -> None:
    result = _imported("ex05")
    commands = _rendered(result.yaml)
    assert commands == ["ip tuntap add   tun0  mode tun", "ip link delete tun0"], commands
    assert not any("glued to the heading" in w for w in result.warnings), result.warnings


def test_a_sentence_with_a_comma_after_an_ip_command_stays_prose() -> None:
    text = (
        "# lab\n\n```\nip netns add a\n```\n\n"
        "ip netns add b, then ip netns add c when you need it.\n"
    )
    commands = _rendered(import_text(text, "markdown", "page.md").yaml)
    assert commands == ["ip netns add a"], commands


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_listed_tun_runs_clean_under_its_prefix(state_dir: Path, tmp_path: Path) -> None:
    """ex05 as a user runs it: the tun device made, verified, deleted by the page's own
    ``ip link delete``, nothing left of the prefix."""
    page = next(PAGES.glob("ex05-*"))
    prefix = "exxk01"
    out = page_ran_clean(page, prefix, "exx", state_dir, tmp_path)
    assert "ip tuntap add   exxk01tun0  mode tun" in out, out


def test_a_router_s_configuration_lines_are_shown_not_run() -> None:
    """#4 vyos-1x#2007 (ex11): VyOS's ``set interfaces virtual-ethernet veth10 peer-name
    'veth100'`` lines and ``commit``, above a ``vyos@r14#`` prompt, were raw steps iplab
    cannot undo (bash's own set, and a commit this host has not): each is said, not run."""
    result = _imported("ex11")
    commands = _rendered(result.yaml)
    assert commands == ["sudo ip netns exec ns01 ip link show"], commands
    said = [w for w in result.warnings if "a router's configuration command" in w]
    assert [w.split(":")[0] for w in said] == [f"line {n}" for n in (8, 9, 10, 11, 12)], said
    assert not any("has no prompt" in w for w in result.warnings), result.warnings


def test_bash_s_own_set_stays_a_command() -> None:
    text = (
        "# r\n\n```\nset interfaces ethernet eth1 address 10.0.0.1/24\ncommit\n```\n\n"
        "```bash\nset -x\nip netns add a\ncommit\n```\n"
    )
    result = import_text(text, "markdown", "page.md")
    assert _rendered(result.yaml) == ["ip netns add a", "commit"], result.yaml
    assert any("line 9: 'set -x' skipped" in w for w in result.warnings), result.warnings
    said = [w for w in result.warnings if "a router's configuration command" in w]
    assert [w.split(":")[0] for w in said] == ["line 4", "line 5"], said


def test_dots_that_leave_lines_out_are_no_step() -> None:
    """#5 Entware#3 (ex14): a reply's ``CONFIG_NAMESPACES=y``, ``...``, ``CONFIG_NET_NS=y``:
    the dots were a raw step iplab cannot undo. Now said, not a command."""
    result = _imported("ex14")
    commands = _rendered(result.yaml)
    assert "..." not in commands, commands
    assert commands[-2] == "ip netns exec test_ns ifconfig test_v0  10.1.1.10/24 up", commands
    assert "line 41: '...' marks lines the page leaves out: not a command" in result.warnings


def test_ip_lines_no_command_found_names_them() -> None:
    """#6 trex-core#1145 (ex13): "change: ip -6 route add default to: ip -6 route replace
    default", bare lines ip refuses as written: "no command found" named no line. Now the
    ip lines of their own the import left as prose are named."""
    path = next(PAGES.glob("ex13-*"))
    text = path.read_text(encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        import_text(text, detect_kind(path.name, text), path.name)
    said = str(caught.value)
    assert "lines 9, 13 hold ip lines iplab does not type ('ip -6 route add default'" in said


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_expected_behaviour_runs_clean_under_its_prefix(
    state_dir: Path, tmp_path: Path
) -> None:
    """ex14 as a user runs it: the namespace, the pair, ifconfig's address inside, the
    page's check; undone from the journal (no cleanup on the page), nothing left."""
    page = next(PAGES.glob("ex14-*"))
    out = page_ran_clean(page, "exxk02", "exx", state_dir, tmp_path)
    assert "ip netns exec exxk02test_ns ifconfig exxk02test_v0  10.1.1.10/24 up" in out, out


@pytest.mark.parametrize(
    ("line", "slot"),
    [
        ("ip netns exec net0 SOME_PROCESS_IN_BACKGROUND", "SOME_PROCESS_IN_BACKGROUND"),
        ("sudo ip netns exec red COMMAND", "COMMAND"),
        ("ip netns exec red YOUR_CMD -v", "YOUR_CMD"),
    ],
)
def test_a_man_page_s_capital_command_slot_is_no_step(line: str, slot: str) -> None:
    """#7 ip-netns(8)'s example (ex06), ``ip netns exec net0 SOME_PROCESS_IN_BACKGROUND``,
    in a code block: a raw step iplab cannot undo. Now the command's form, shown."""
    text = f"# m\n\n```\nip netns add net0\n{line}\nip netns del net0\n```\n"
    result = import_text(text, "markdown", "page.md")
    assert not any(slot in c for c in _rendered(result.yaml)), result.yaml
    assert any(f"({slot} is left to the reader)" in w for w in result.warnings), result.warnings


@pytest.mark.parametrize(
    "line", ["ip netns exec red $CMD", "ip netns exec red ip link", "ip netns exec red LOG=1"]
)
def test_a_variable_or_a_program_after_netns_exec_is_no_slot(line: str) -> None:
    text = f"# m\n\n```\nip netns add red\n{line}\n```\n"
    result = import_text(text, "markdown", "page.md")
    assert not any("left to the reader" in w for w in result.warnings), result.warnings
