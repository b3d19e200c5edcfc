"""Hunt CG: the pages and scripts hunts CA and CD left (tests/fixtures/stored-pages-9,
tests/fixtures/github-scripts-5).

p5 (thachmpham's DHCP page): ``kea-dhcp4 -c <config_file>`` under "Start an IPv4 DHCP
server." and ``dhclient <network_interface>`` under "Send a DHCP request." were steps, and
the model refused the page over the placeholder; they show the commands' general form
(each placeholder filled in nowhere on the page), as a block under "Syntax:" does: shown,
not steps. The lab below them runs.

p6 (a Q&A thread): ``ip netns identify 4711`` right after ``ip netns pids ns1`` printed
4711; p7: ``stat -L -c %i /proc/19120/ns/net`` where 19120 is what ``ls -l /proc/$$/ns/net``
printed. p7's run failed there with no word from check. Both are said before the run, with
the line of the author's session that printed the pid: p6's refused as before, p7's (a file
of /proc read: it fails, or reads another process's) a warning: write $$, as that line does.

p7's ``ls -l /proc/$$/ns/net`` and ``ip netns exec ns1 sh -c 'findmnt /etc/resolv.conf'``
were listed as steps iplab cannot undo: they only read.

p8 (velog's CKA notes): ``iptables -t nat -A PREROUTING --dport 80 ...`` with no ``-p tcp``
before the port: iptables refuses it on any host (unknown option "--dport"); check said OK
and the run would have stopped there. check says iptables' words now.

mini-env-getopt-case.sh: the trap handler ``[ -n "$CLEANUP_FUNC" ] && $CLEANUP_FUNC`` with
the variable set empty was a teardown step ``[ -n "" ]``, which exits 1; the test is false,
and the handler runs nothing.
"""

from __future__ import annotations

import pytest

from iplab.importer import arith
from iplab.importer import shell as shellread
from iplab.model import ModelError
from iplab.pids import proc_pid
from iplab.plan import build
from iplab.steps import Raw
from iplab.words import reads_only
from tests.conftest import FIXTURES
from tests.pages import imported

PAGES = FIXTURES / "stored-pages-9"
P5 = PAGES / "p5-thachmpham-dhcp-kea.md"
P6 = PAGES / "p6-superunix-dnsmasq-qa.md"
P7 = PAGES / "p7-sobrelinux-pt-strace.md"
P8 = PAGES / "p8-velog-ko-cka-red-blue.md"
MINI = FIXTURES / "github-scripts-5" / "mini-env-getopt-case.sh"


def test_a_commands_general_form_under_what_it_does_is_shown_not_a_step() -> None:
    result, lab = imported(P5)
    assert result.model_error is None, result.model_error
    commands = [s.op.command for s in lab.setup if isinstance(s.op, Raw)]
    assert not [c for c in commands if "<" in c], commands
    assert (
        "line 9: '$ kea-dhcp4 -c <config_file>' is the command's general form, under 'Start an"
        " IPv4 DHCP server.' (<config_file>: filled in nowhere on the page): shown, not a step"
    ) in result.warnings
    assert any(w.startswith("line 15: '$ dhclient <network_interface>'") for w in result.warnings)
    assert "ip netns exec ns1 dhclient veth1" in result.lines  # (the lab's own, filled in)
    build(lab)


def test_a_placeholder_the_page_uses_again_is_still_the_readers_to_fill_in() -> None:
    from iplab.importer.convert import import_text

    text = (
        "Make the namespace.\n\n```\nip netns add <name>\n```\n\n"
        "Bring its loopback up.\n\n```\nip -n <name> link set lo up\n```\n"
    )
    result = import_text(text, "markdown", "page.md")
    assert not [w for w in result.warnings if "general form" in w]
    assert result.model_error is not None and "placeholder" in result.model_error
    text = "Run it:\n\n```\ndhclient <network_interface>\n```\n"  # (what to type: ':')
    result = import_text(text, "markdown", "page.md")
    assert not [w for w in result.warnings if "general form" in w]


def test_a_pid_the_authors_session_printed_is_said_with_the_line_that_printed_it() -> None:
    _, lab = imported(P6)
    with pytest.raises(ModelError) as p6:
        build(lab)
    assert p6.value.message == (
        "names the process 4711, a pid of the author's session (what setup[15], ip netns"
        " pids ns1, printed there): here it is another process, or none"
    )
    _, lab = imported(P7)
    said = [w for w in build(lab).warnings if "19120" in w.message]  # (it only reads:
    assert [w.loc.field for w in said if w.loc] == ["setup[1]", "setup[2]"]  # a warning)
    assert said[0].message.startswith(
        "names the process 19120, a pid of the author's session (what setup[0], ls -l"
        " /proc/$$/ns/net, printed there)"
    )
    assert said[0].hint is not None and said[0].hint.startswith("write $$ where the page")
    assert proc_pid("echo the file is /proc/19120/ns/net") is None  # (only printed)
    assert proc_pid("nsenter --net=/proc/4711/ns/net ip a") == "4711"


def test_lines_that_only_read_are_not_listed_as_ones_iplab_cannot_undo() -> None:
    result, _ = imported(P7)
    assert result.cannot_undo == ("teardown[1] (line 57): rm -r /etc/netns/ns1",)
    assert reads_only("ls -l /proc/$$/ns/net")
    assert reads_only("ip netns exec ns1 sh -c 'findmnt /etc/resolv.conf'")
    assert not reads_only("ls -l /proc/$$/ns/net > /tmp/x")


def test_a_port_with_no_protocol_before_it_is_iptables_refusal_said_by_check() -> None:
    _, lab = imported(P8)
    with pytest.raises(ModelError) as refused:
        build(lab)
    assert refused.value.message == (
        "iptables refuses 'iptables -t nat -A PREROUTING --dport 80 --to-destination"
        ' 192.168.15.2:80 -j DNAT\' on any host (unknown option "--dport"): the run would'
        " stop at it"
    )
    from iplab.iptopts import port_refusal

    assert port_refusal(["-A", "INPUT", "-p", "tcp", "--dport", "80", "-j", "ACCEPT"]) is None
    assert port_refusal(["-A", "INPUT", "-p", "6", "--dport", "80", "-j", "ACCEPT"]) is None
    assert port_refusal(["-A", "INPUT", "--sport=53", "-p", "udp", "-j", "ACCEPT"]) == (
        'unknown option "--sport"'
    )


def test_a_handler_whose_test_is_false_runs_nothing() -> None:
    _, lab = imported(MINI)
    down = [s.op for s in lab.teardown]
    assert not [op for op in down if isinstance(op, Raw) and op.command.startswith("[")], down
    assert '[ -n "$CLEANUP_FUNC" ] && $CLEANUP_FUNC' in MINI.read_text()


@pytest.mark.parametrize(
    ("test", "values", "held"),
    [
        ('[ -n "$X" ]', {"X": ""}, False),
        ('[ -z "$X" ]', {"X": ""}, True),
        ("[[ -n $X ]]", {"X": ""}, False),
        ("[ -n $X ]", {"X": ""}, True),  # ([ -n ]: a test of the word -n, true)
        ("[ -n $X ]", {"X": "a b"}, None),
        ('[ -n "$X" ]', {"X": "cleanup_all"}, True),
    ],
)
def test_a_value_tested_empty_is_told_as_bash_tells_it(
    test: str, values: dict[str, str | None], held: bool | None
) -> None:
    node = shellread.statements(shellread.parse(test))[0]

    def text(n: shellread.Node) -> str | None:
        said = shellread.source(n).strip('"')
        return values.get(said[1:], said) if said.startswith("$") else said

    assert arith.condition(node, dict(values), text) is held
