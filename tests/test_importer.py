"""``iplab import``: tutorial or script -> scenario YAML that renders the same lines back."""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
from pathlib import Path

import pytest
import yaml

from iplab import export, scenario
from iplab.cli.parser import build_parser
from iplab.errors import UsageError
from iplab.importer.assembly import (
    Draft,
    announces_cleanup,
    choose_sudo,
    first_sentence,
    split_teardown,
    title_and_prose,
)
from iplab.importer.convert import ImportResult, detect_kind, import_text, scenario_name
from iplab.importer.markdown import read_markdown
from iplab.importer.parts import plain
from iplab.importer.reader import (
    Cmd,
    Kind,
    Note,
    ShellVars,
    continues,
    join_continuation,
    read_shell,
    strip_comment,
    strip_prompt,
)
from iplab.lineparse import LineError, classify, op_fields, parse_line, reads_back
from iplab.plan import Plan, PlannedCommand, build, decide_sudo, expected_state
from iplab.render import renderer
from iplab.steps import (
    AddrAdd,
    AddrShow,
    LinkAdd,
    LinkSet,
    LinkShow,
    NetnsAdd,
    NetnsDel,
    NetnsExec,
    NetnsList,
    Op,
    Probe,
    Raw,
    Show,
)
from iplab.words import ip_netns, reads_only
from tests.conftest import BLOG, FIXTURES, GOLDEN, REPO
from tests.corpus import imported_lines
from tests.goldens import assert_golden

IMPORT = FIXTURES / "import"
SPELLINGS = Path(__file__).resolve().parent / "scenarios" / "spellings.yaml"


def imported(path: Path) -> ImportResult:
    """Import a fixture, naming it by its path relative to the repository (stable goldens);
    lines with the script's variables print expanded (the format these goldens were made in)."""
    text = path.read_text(encoding="utf-8")
    rel = str(path.relative_to(REPO))
    return import_text(text, detect_kind(rel, text), rel, variables="expand")


def rendered_lines(result: ImportResult) -> list[str]:
    """What the written scenario renders, step by step (without the model's verdict)."""
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    return [renderer().command(s.op, decide_sudo(sc.sudo, s.sudo, s.op)).text for s in sc.steps]


def steps_of(result: ImportResult) -> tuple[scenario.Scenario, list[dict[str, object]]]:
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    return sc, [
        {"title": s.title, "prose": s.prose, "output": s.output, "sudo": s.sudo} for s in sc.steps
    ]


# -- the line parser: every spelling -------------------------------------------------------------

_SPELLING_STEPS = scenario.load(str(SPELLINGS)).steps
_SPELLING_LINES = (GOLDEN / "spellings.txt").read_text(encoding="utf-8").splitlines()


def _as_imported(op: Op) -> Op:
    """What the importer can know of a spelling step's op: not its 'undo', and 'show'
    as written (``ip link show master br1`` prints 'show' either way)."""
    if isinstance(op, NetnsExec):
        return dataclasses.replace(op, undo=None)
    if isinstance(op, LinkShow) and op.master and not op.show_kw:
        return dataclasses.replace(op, show_kw=True)
    return op


@pytest.mark.parametrize(
    ("line", "index"), [(line, i) for i, line in enumerate(_SPELLING_LINES)], ids=_SPELLING_LINES
)
def test_every_spelling_reads_as_the_op_the_spellings_scenario_writes(
    line: str, index: int
) -> None:
    parsed = classify(line)
    written = _as_imported(_SPELLING_STEPS[index].op)
    if isinstance(written, Raw) and parsed.typed:
        # a raw step of the spellings scenario that the grammar now reads: kept as written
        assert parsed.op.text == line
        assert reads_back(parsed.op) is None
    else:
        assert parsed.op == written
    assert parsed.typed == (not isinstance(parsed.op, Raw))
    assert parsed.sudo == line.startswith("sudo ")
    assert renderer().command(parsed.op, parsed.sudo).text == line


def test_spellings_golden_has_one_raw_line_and_the_rest_typed() -> None:
    raw = [line for line in _SPELLING_LINES if parse_line(line) is None]
    assert raw == ["echo $HOME | cat"]
    shown = parse_line("bridge link show")
    assert shown == Show(text="bridge link show")


@pytest.mark.parametrize(
    "line",
    [
        "ip link set v1 mtu 40",  # below the minimum MTU
        "ip link add averyverylongname type dummy",  # 16 characters, IFNAMSIZ is 15
        "ip link add v1 type vxlan id 42",  # a kind iplab does not model
        "ip route add via 10.0.0.1",  # no destination
        "ip route add default via gateway",  # not an address
        "ip -x link",  # an option ip does not know
        "ip netns exec ns1 sh -c 'echo 1 > /x'",  # shell syntax: only a raw step may hold it
        "iptables -F",
        "ip link set v1 up;",
        "ip link add name",  # the name is missing
        "ip netns add a b",  # a word too many
        "ip link foo",
        "ip link set v1",  # nothing to set
        "ip addr flush to 10.0.0.0/8",  # every link's, the host's too
        "ip addr add 10.0.0.1/24 v1",  # no 'dev': a second address
        "ip route add default via 10.0.0.1 via 10.0.0.2",
        'ip netns exec "ns 1" ip link',
        "ip -all netns exec ip link set lo up",  # a command in every namespace of the host
        "ip -b cmds.txt",  # -b is -batch
    ],
)
def test_a_line_that_does_not_read_as_a_command_is_not_typed(line: str) -> None:
    assert parse_line(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "ip  link set v1 up",  # two spaces: the template writes one
        "ip -br -n ns1 link",  # the template writes -n first
        'ip netns add "ns1"',  # quotes the template would not write
        "ip link set v1 netns ns1 up",  # a move and more in one line
        "ip link set v1 mtu 01400",
        "ip l add d0 type dummy",
        "ip link add v1 type veth",  # the kernel names the peer
        "ip addr add 10.0.0.1 dev v1",  # a /32
        "ip link show type veth",
        "ip neigh show",
        "sudo -E ip link",  # sudo's own options: kept in the text
        "ip netns identify",
        "ip route get 10.0.0.1",
    ],
)
def test_the_grammar_types_what_no_field_form_spells(line: str) -> None:
    op = parse_line(line)
    assert op is not None and op.text == line
    assert op_fields(op) == {"line": line}
    assert renderer().command(op, False).text == line


def test_link_add_writes_its_options_in_the_templates_order() -> None:
    op = parse_line("ip link add d0 up master br0 type dummy")
    assert op == LinkAdd(name="d0", type="dummy", up=True, master="br0")
    other = parse_line("ip link add d0 master br0 up type dummy")
    assert other == dataclasses.replace(op, text="ip link add d0 master br0 up type dummy")


def test_a_probe_is_ping_with_a_count_inside_a_namespace() -> None:
    assert parse_line("ip netns exec ns1 ping -c 3 -W 2 10.0.0.2") == Probe(
        ns="ns1", target="10.0.0.2", count=3, wait=2
    )
    # no count: a probe its step stops (hunt BL; it was netns exec, judging nothing)
    assert parse_line("ip netns exec ns1 ping 10.0.0.2") == Probe(
        ns="ns1", target="10.0.0.2", count=None
    )
    assert parse_line("sudo ip netns exec h1 ping -c 1 10.2.0.2") == Probe(
        ns="h1", target="10.2.0.2"
    )


@pytest.mark.parametrize(
    ("line", "op"),
    [
        (
            "ip netns exec ns1 ping -c 1 example.org",
            NetnsExec(ns="ns1", command="ping -c 1 example.org", observes=True),
        ),
        (
            "ip netns exec ns1 sysctl -w net.ipv4.ip_forward=1",
            NetnsExec(ns="ns1", command="sysctl -w net.ipv4.ip_forward=1"),
        ),
    ],
)
def test_other_commands_inside_a_namespace_are_netns_exec(line: str, op: Op) -> None:
    assert parse_line(line) == op


@pytest.mark.parametrize(
    "line",
    [
        "ip netns exec n1 ip a a 10.3.0.1/24 dev v1",
        "ip netns exec n1 ip l s v1 up",
        "ip netns exec c1 ip addr add 10.88.0.10/24 dev eth0 broadcast +",
        "ip netns exec n1 ip link set dev v1 address 02:00:00:00:00:01",
        "ip netns exec n1 ip link set v1 name eth0",
        "ip netns exec n1 ip link set v1 netns 1",  # to the root namespace (pid 1's)
        "ip netns exec n1 ip neigh",  # a Show: what ip -n n1 neigh is
    ],
)
def test_an_ip_line_inside_a_namespace_the_grammar_reads_is_typed_as_it_is_with_ip_n(
    line: str,
) -> None:
    """What ``ip netns exec NS ip ...`` changes is what ``ip -n NS ...`` changes: the model
    follows it (it was a command the model took for one that changes nothing)."""
    op = parse_line(line)
    assert not isinstance(op, NetnsExec) and op is not None
    assert (op.text, getattr(op, "ns", None)) == (line, line.split()[3])


@pytest.mark.parametrize(
    ("line", "shell", "observes"),
    [
        ("echo a | cat", True, True),  # readers joined by the shell only read
        ("echo a > /tmp/x", True, False),
        ("echo $HOME", True, True),  # a variable's value, printed
        ("echo $HOME > /tmp/x", True, False),
        ("sysctl $SETTING", True, False),  # a value that may say -w
        ("ip a | awk '{print $2}'", True, True),  # an awk program that only prints
        ("ip a | awk '{print > \"/tmp/x\"}'", True, False),
        ("ip a | grep '|'", True, True),  # a quoted word, not a pipe
        ("true; true", True, True),
        ("true && true", True, True),
        ("iptables -F", False, False),
        ("sysctl -w net.ipv4.ip_forward=1", False, False),
    ],
)
def test_raw_steps_need_bash_only_for_shell_syntax(line: str, shell: bool, observes: bool) -> None:
    parsed = classify(line)
    assert (parsed.typed, parsed.op) == (
        False, Raw(command=line, shell=shell, observes=observes)
    )  # fmt: skip


def test_sudo_is_the_steps_and_sudo_with_options_stays_in_the_text() -> None:
    plain_sudo = classify("sudo iptables -F")
    assert (plain_sudo.op, plain_sudo.sudo) == (Raw(command="iptables -F"), True)
    with_options = classify("sudo -E iptables -F")
    assert (with_options.op, with_options.sudo) == (Raw(command="sudo -E iptables -F"), False)
    assert renderer().command(with_options.op, False).text == "sudo -E iptables -F"


@pytest.mark.parametrize(
    ("command", "observes"),
    [
        ("bridge link show", True),
        ("bridge fdb add 00:11:22:33:44:55 dev v1", False),
        ("sysctl net.ipv4.ip_forward", True),
        ("sysctl -w net.ipv4.ip_forward=1", False),
        ("sysctl net.ipv4.ip_forward=1", False),
        ("iptables -L -n", True),
        ("iptables -A FORWARD -j ACCEPT", False),
        ("iptables -L -Z", False),
        ("ip neigh", True),
        ("tc qdisc show dev eth0", True),
        ("tc qdisc add dev eth0 root netem delay 10ms", False),
        ("cat /proc/net/dev", True),
        ("cat /etc/hosts | tee /tmp/hosts", False),
        ("brctl show", True),
        ("brctl addbr br0", False),
        # by the verb, as iproute2 reads it: not by a word's first letters
        ("ip addr show", True),  # addr is not add
        ("ip -br a", True),  # -br is -brief, not -batch
        ("ip -f inet addr", True),  # -f is -family
        ("ip -r a", True),  # -resolve, no value
        ("ip link show dev setup0", True),  # an argument is no verb
        ("ip -all netns exec ip -br a", True),  # a reader in every namespace
        ("ip -all netns exec ip link set lo up", False),
        ("ip a a 10.0.0.1/24 dev v1", False),  # address add, abbreviated
        ("ip l s v1 up", False),  # link set: set comes before show in ip link's table
        ("ip a s", True),  # address show: ip address has no set
        ("ip r a 10.1.0.0/16 via 10.0.0.1", False),
        ("ip -b cmds.txt", False),  # -batch: the file's commands
        ("ip n", True),
        ("ip -n cap1 monitor link", True),  # what a monitor listens to is no verb
        ("ip neigh flush all", False),
        ("ip nonsense", False),  # unsure: a change
        ("tc -s qdisc", True),
        ("nft list ruleset", True),
        ("nft -f rules.nft", False),
        ("mystery --tool", False),
        ("echo 'unterminated", False),
        ("", False),
    ],
)
def test_an_observation_is_recognised_by_its_words(command: str, observes: bool) -> None:
    assert reads_only(command) is observes


def test_jinja_braces_in_a_command_survive_the_scenario_loader() -> None:
    line = "docker inspect -f '{{.State.Pid}}' c1"
    parsed = classify(line)
    # (observes: docker inspect only shows, by design since hunt AH #7's leftovers)
    assert parsed.op == Raw(command=line, observes=True)
    assert op_fields(parsed.op) == {
        "command": f"{{% raw %}}{line}{{% endraw %}}",
        "observe": True,
    }
    assert reads_back(parsed.op) is None


def test_braces_next_to_jinjas_own_endraw_are_escaped_one_by_one() -> None:
    parsed = classify("echo '{{ x }} {% endraw %}'")
    assert op_fields(parsed.op) == {
        "command": "echo '{{ '{' }}{{ '{' }} x }} {{ '{' }}% endraw %}'",
        "observe": True,  # echo only prints
    }
    assert reads_back(parsed.op) is None


def test_a_line_no_step_can_hold_is_a_line_error() -> None:
    with pytest.raises(
        LineError, match=r"^cannot be split into words as a shell would: No closing"
    ):
        classify("echo 'unterminated")
    with pytest.raises(LineError, match=r"^an empty command$"):
        classify("sudo  ")


def test_a_script_line_that_cannot_be_a_step_is_a_warning() -> None:
    result = import_text("ip netns add a\necho 'it''s\nip netns del a\n", "shell", "s.sh")
    assert result.lines == ("ip netns add a", "ip netns del a")
    assert result.warnings == (
        "line 2: cannot be imported: cannot be split into words as a shell would:"
        " No closing quotation",
    )


def test_a_ping_outside_the_lab_stays_an_observing_netns_exec() -> None:
    page = "```bash\nsudo ip netns add a\nsudo ip netns exec a ping -c 1 192.0.2.1\n```\n"
    result = import_text(page, "markdown", "page.md")
    sc = scenario.load_text(result.yaml, "page.yaml")
    assert sc.setup[1].op == NetnsExec(ns="a", command="ping -c 1 192.0.2.1", observes=True)
    assert result.warnings == (
        "line 3: ping target 192.0.2.1 is not an address the input assigns with 'ip addr add';"
        " kept as 'netns exec', not a probe",
    )
    assert (result.cannot_undo, result.model_error) == ((), None)
    assert rendered_lines(result) == list(result.lines)


def test_link_set_fields_keep_the_order_of_the_command() -> None:
    first = parse_line("ip link set v3 master br1 up")
    then = parse_line("ip link set v3 up master br1")
    assert first is not None and then is not None
    assert list(op_fields(first)) == ["dev", "master", "state"]
    assert list(op_fields(then)) == ["dev", "state", "master"]


def test_spelling_fields_are_written_only_where_they_differ() -> None:
    op = parse_line("ip link add v1 type veth peer v1p")
    assert op == LinkAdd(name="v1", type="veth", peer="v1p", peer_name_kw=False)
    assert op_fields(op) == {"name": "v1", "type": "veth", "peer": "v1p", "peer_name_kw": False}
    shown = parse_line("ip -n r a show dev r-h1")
    assert shown == AddrShow(ns="r", ns_form="-n", word="a", show_kw=True, dev_kw=True, dev="r-h1")
    assert op_fields(shown) == {
        "in": "r", "in_form": "-n", "word": "a", "show_kw": True, "dev_kw": True, "dev": "r-h1",
    }  # fmt: skip


# -- lines of text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "root_hash", "command"),
    [
        ("$ ip link", False, "ip link"),
        ("user@host:~$ sudo ip netns add ns1", False, "sudo ip netns add ns1"),
        ("root@host:/# ip link", False, "ip link"),
        ("[root@lab ~]# ip link", False, "ip link"),
        ("$", False, ""),
        ("ip link", False, None),
        ("# ip link", False, None),
        ("# ip link", True, "ip link"),
        ("# create it", True, None),
        ("$HOME/bin/x", False, None),
    ],
)
def test_prompts_are_removed(line: str, root_hash: bool, command: str | None) -> None:
    assert strip_prompt(line, root_hash) == command


@pytest.mark.parametrize(
    ("line", "stripped"),
    [
        ("ip link set v1 up   # bring it up", "ip link set v1 up"),
        ('echo "a # b" # c', 'echo "a # b"'),
        ("echo 'it # is' # c", "echo 'it # is'"),
        ("echo a#b", "echo a#b"),
        ("echo \\# x", "echo \\# x"),
        ("# all of it", ""),
    ],
)
def test_trailing_comments_are_dropped_but_not_inside_quotes(line: str, stripped: str) -> None:
    assert strip_comment(line) == stripped


def test_continuations_join_with_one_space() -> None:
    assert continues("ip link add veth0 \\")
    assert not continues("echo a\\\\")
    assert (
        join_continuation("ip link add veth0 \\", "    type veth peer name veth1")
        == "ip link add veth0 type veth peer name veth1"
    )
    assert join_continuation("ab\\", "cd") == "abcd"


def test_shell_variables_are_expanded_outside_single_quotes() -> None:
    shell = ShellVars()
    assert shell.assign('NS_EXEC="ip netns exec ns0"', 1)
    assert shell.assign("export NS=ns1", 2)
    assert shell.assign("WHO=$(whoami)", 3)
    assert not shell.assign("DEBUG=1 ip link", 4)  # a command with a variable in its environment
    assert shell.values == {"NS_EXEC": "ip netns exec ns0", "NS": "ns1", "WHO": None}
    assert shell.expand("$NS_EXEC ip link set veth0 netns $NS") == (
        "ip netns exec ns0 ip link set veth0 netns ns1",
        [],
    )
    assert shell.expand('ip link set v netns "$NS"') == ("ip link set v netns ns1", [])
    assert shell.expand('echo "in ${NS}"') == ('echo "in ns1"', [])
    assert shell.expand("echo '$NS'") == ("echo '$NS'", [])
    assert shell.expand("echo $HOME $WHO $1 $(date) ${WHO:-x} ${NS:-x}") == (
        "echo $HOME $WHO $1 $(date) ${WHO:-x} ns1",
        ["$HOME", "$WHO", "$1", "$(date)", "${WHO:-x}"],
    )
    assert shell.expand("echo \\$NS") == ("echo \\$NS", [])  # an escaped dollar stays
    assert shell.expand('$NS_EXEC "$NS_EXEC"') == ('ip netns exec ns0 "ip netns exec ns0"', [])
    assert not shell.assign("BAD='unterminated", 5)
    assert shell.why("$HOME") == "$HOME is not set in the input"
    assert shell.why("$WHO") == "$WHO is set at line 3 from something iplab cannot evaluate"
    assert shell.why("$(date)") == "$(date) is evaluated by the shell"


# -- prose ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "In similar fashion, we can create another namespace. Create a new veth pair.",
            "In similar fashion, we can create another namespace",
        ),
        ("List them", "List them"),
        ("Attach it to ns1:", "Attach it to ns1"),
        ("Is it up? Check.", "Is it up?"),
        ("word " * 30, ("word " * 20).strip() + "..."),
    ],
)
def test_a_title_is_the_first_sentence(text: str, title: str) -> None:
    assert first_sentence(text) == title


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        (
            "Only loopback interface is available in ```ns1``` namespace.",
            "Only loopback interface is available in ns1 namespace.",
        ),
        ("[ip-netns](https://man7.org/x) utility helps", "ip-netns utility helps"),
        ("Linux Namespaces [wiki][1] says", "Linux Namespaces wiki says"),
        ("![img](u.png) **bold** and *em*   and\n`code`", "bold and em and code"),
        ("a snake_case_name stays", "a snake_case_name stays"),
    ],
)
def test_markdown_inline_markup_is_removed(markdown: str, text: str) -> None:
    assert plain(markdown) == text


def _note(kind: str, text: str) -> Note:
    return Note(kind, text, 1, 1)  # type: ignore[arg-type]


def test_title_from_the_nearest_note_and_prose_from_all_of_them() -> None:
    notes = [_note("paragraph", "First words."), _note("heading", "Setup")]
    assert title_and_prose(notes) == ("Setup", "First words.")
    notes = [_note("paragraph", "Intro."), _note("paragraph", "Create it. Then look.")]
    assert title_and_prose(notes) == ("Create it", "Intro.\n\nCreate it. Then look.")
    assert title_and_prose([_note("paragraph", "List them")]) == ("List them", None)
    assert title_and_prose([_note("fence", "```text\nx\n```")]) == (None, "```text\nx\n```")
    assert title_and_prose([]) == (None, None)


@pytest.mark.parametrize(
    ("notes", "cleanup"),
    [
        ([_note("heading", "Cleanup"), _note("paragraph", "Remove all.")], True),
        ([_note("heading", "Tear down")], True),
        ([_note("comment", "teardown")], True),
        ([_note("paragraph", "Before you jump, let's clean up the setup")], True),
        ([_note("paragraph", "We clean up later."), _note("paragraph", "Now a bridge.")], False),
        ([_note("heading", "Delete everything")], True),
        ([_note("heading", "Deleting a link")], False),
    ],
)
def test_a_cleanup_is_announced_by_a_heading_a_comment_or_the_nearest_paragraph(
    notes: list[Note], cleanup: bool
) -> None:
    assert announces_cleanup(notes) is cleanup


def _drafts(*lines: str, cleanup_at: int | None = None) -> list[Draft]:
    out = []
    for i, line in enumerate(lines):
        parsed = classify(line)
        out.append(Draft(Cmd(line, i + 1, parsed), parsed.op, cleanup=i == cleanup_at))
    return out


def test_teardown_is_the_announced_cleanup_else_the_trailing_deletions() -> None:
    lab = ("ip netns add a", "ip link add d0 type dummy", "ip link del d0", "ip netns del a")
    assert split_teardown(_drafts(*lab)) == 2
    assert split_teardown(_drafts(*lab, cleanup_at=1)) == 1
    assert split_teardown(_drafts(*lab, "ip netns list")) == 2  # observations go along
    assert split_teardown(_drafts("ip netns add a", "ip link show", "ip netns del a")) == 2
    assert split_teardown(_drafts("ip netns del a", "ip netns del b")) == 2  # no setup left
    assert split_teardown(_drafts("ip netns add a", "ip link show")) == 2
    assert split_teardown(_drafts(*lab, cleanup_at=0)) == 2  # a cleanup first is no teardown


def test_sudo_policy_agrees_with_the_most_lines() -> None:
    add, show, listing = NetnsAdd(name="a"), LinkShow(), NetnsList()
    assert choose_sudo([(add, True), (listing, False)]) == "auto"
    assert choose_sudo([(add, False), (listing, False)]) == "never"
    assert choose_sudo([(add, True), (listing, True), (show, True)]) == "always"
    assert choose_sudo([(add, True), (listing, True), (show, False)]) == "auto"  # a tie


# -- whole documents -------------------------------------------------------------------------------


BLOG_TITLES = [
    "Create a network namespaces",
    "List them",
    "Only loopback interface is available in ns1 namespace",
    "Now, let's create a veth pair",
    None,
    None,
    "Attach one end of the veth pair to ns1 namespace",
    "This ensures processes in the default/root namespace could not see vethX interface",
    "And processes in ns1 namespace could not see vethY interface",
    "In similar fashion, we can create another namespace",
    None,
    None,
    None,
    None,
    "Bridge connects two LAN segments together",
    None,
    None,
    None,
    "Before you jump, let's clean up the setup",
    None,
    None,
    None,
    None,
]


def test_the_blog_imports_to_its_23_lines_18_setup_5_teardown() -> None:
    result = imported(BLOG)
    golden = (GOLDEN / "container-networking-part2.txt").read_text(encoding="utf-8")
    plan = build(scenario.load_text(result.yaml, "blog.yaml"))
    assert export.text(plan) == golden
    assert "".join(f"{line}\n" for line in result.lines) == golden
    assert (len(plan.setup), len(plan.teardown)) == (18, 5)
    assert (result.setup, result.teardown, result.typed, result.raw) == (18, 5, 23, 0)
    assert (result.sudo, result.warnings, result.cannot_undo) == ("auto", (), ())
    assert result.model_error is None
    assert_golden(result.yaml, GOLDEN / "import" / "container-networking-part2.yaml")


def test_the_blog_keeps_its_prose_and_printed_output_not_as_commands() -> None:
    sc, steps = steps_of(imported(BLOG))
    assert (sc.name, sc.title, sc.sudo) == (
        "container-networking-part2",
        "Container Networking: Part Two",
        "auto",
    )
    assert sc.description is not None
    assert sc.description.startswith("This is the second part of the series Container Networking.")
    assert [s["title"] for s in steps] == BLOG_TITLES
    assert all(s["sudo"] is None for s in steps)  # sudo: auto says it all
    assert steps[1]["output"] == "ns1"
    assert steps[2]["output"] == (
        "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"
    )
    assert str(steps[7]["output"]).splitlines()[4].startswith("18: vethY@if19: ")
    assert str(steps[8]["output"]).count("\n") == 3
    assert [i for i, s in enumerate(steps) if s["output"]] == [1, 2, 7, 8]
    assert steps[14]["prose"] == (
        "Now the last part is to connect these two namespaces with a Bridge.\n\n"
        "Bridge connects two LAN segments together. We will create a new bridge and attach "
        "vethY and vethQ to this bridge."
    )


def test_the_blogs_markdown_export_shows_the_output_it_printed() -> None:
    plan = build(scenario.load_text(imported(BLOG).yaml, "blog.yaml"))
    page = export.markdown(plan)
    assert "```bash\nip netns list\n```\n\n```text\nns1\n```\n" in page
    assert "### Only loopback interface is available in ns1 namespace\n" in page


BRIDGE_LAB_LINES = [
    "ip netns add ns0",
    "ip netns add ns1",
    "ip link add name br0 type bridge",
    "ip link set dev br0 up",
    "ip link add veth0 netns ns0 type veth peer name veth0br",
    "ip link set veth0br master br0 up",
    "ip netns exec ns0 ip link set lo up",
    "ip netns exec ns0 ip addr add 10.0.0.1/24 dev veth0",
    "ip netns exec ns0 ip link set veth0 up",
    "ip link add veth1 type veth peer veth1br",
    "ip link set veth1 netns ns1",
    "ip link set veth1br master br0",
    "ip link set veth1br up",
    "ip -n ns1 link set lo up",
    "ip -n ns1 address add 10.0.0.2/24 dev veth1",
    "ip -n ns1 link set veth1 up",
    "ip netns exec ns0 ip route add default via 10.0.0.254",
    "ip -n ns1 route add 10.9.0.0/16 via 10.0.0.254 dev veth1",
    "ip netns exec ns0 sysctl -w net.ipv4.ip_forward=1",
    "iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -j MASQUERADE",
    "ip link set veth0br mtu $MTU",
    "ip netns exec ns0 ping -c 1 -W 1 10.0.0.2",
    "ip -n ns1 -br link",
    "ip link delete br0",
    "ip netns delete ns0",
    "ip netns delete ns1",
]


def test_a_script_with_variables_continuations_and_comments() -> None:
    result = imported(IMPORT / "bridge-lab.sh")
    assert list(result.lines) == BRIDGE_LAB_LINES
    plan = build(scenario.load_text(result.yaml, "bridge-lab.yaml"))
    assert export.text(plan) == "".join(f"{line}\n" for line in BRIDGE_LAB_LINES)
    assert (result.setup, result.teardown, result.typed, result.raw) == (23, 3, 24, 2)
    assert result.sudo == "never"
    assert result.variables == (("NS_EXEC", 7), ("NS", 8), ("PEER", 9))
    assert result.warnings == (
        "line 5: 'set -euo pipefail' skipped (each step runs on its own; without pipefail)",
        "line 43: cannot resolve $MTU ($MTU is not set in the input); kept as a raw command",
    )
    # the sysctl runs in ns0, which the script makes (deleting ns0 undoes it); the rule's
    # words say what deletes it
    assert result.cannot_undo == ("setup[20] (line 43): ip link set veth0br mtu $MTU",)
    assert "    undo: iptables -t nat -D POSTROUTING -s 10.0.0.0/24 -j MASQUERADE\n" in result.yaml
    assert result.model_error is None
    assert_golden(result.yaml, GOLDEN / "import" / "bridge-lab.yaml")


def test_a_scripts_comments_become_titles_and_its_header_the_scenario_title() -> None:
    sc, steps = steps_of(imported(IMPORT / "bridge-lab.sh"))
    assert sc.title == "Two namespaces on one bridge, written the long way"
    assert sc.description is None
    titled = {i: s["title"] for i, s in enumerate(steps) if s["title"]}
    assert titled == {
        0: "Create the namespaces",
        2: "A bridge in the root namespace",
        4: "The first pair starts life inside ns0",
        5: "a port of the bridge, and up",  # the line's own comment, nothing above it
        9: "The second pair is moved by hand",
        16: "Routes through a gateway that is not there yet",
        18: "What iplab cannot undo by itself",
        20: "MTU is never set here",
        21: "Check it",
        23: "Clean up",
    }
    assert steps[0]["prose"] == (
        "Each namespace holds one end of a veth pair; the other ends are ports of br0."
    )
    assert steps[2]["prose"] == "A bridge in the root namespace. It comes up at once."
    assert isinstance(sc.setup[21].op, Probe)


def test_a_comment_after_a_command_is_said_with_its_step_and_takes_no_title() -> None:
    """Hunt N: ``ip netns del x   # only removes the name`` lost the author's words; they
    are the step's title when nothing above gives one, its prose when something does, and
    a comment after a line that made no step is not carried to the next one."""
    text = (
        "ip netns add green\n"
        "# make the lab\n"
        "ip netns add red   # the first one\n"
        "NS=blue  # the second\n"
        "ip netns add $NS\n"
        "ip netns exec red ip link set lo up   # bring up 'lo' # twice\n"
        "ip netns del red # clean up\n"
    )
    data = yaml.safe_load(import_text(text, "shell", "c.sh").yaml)
    steps = data["setup"][1:]
    assert steps[0]["title"] == "make the lab" and steps[0]["prose"] == "the first one"
    assert "title" not in steps[1] and "prose" not in steps[1]
    assert steps[2]["title"] == "bring up 'lo' # twice"
    assert data["teardown"][0]["title"] == "clean up"


CONSOLE_LAB_LINES = [
    "sudo ip netns add h1",
    "sudo ip netns add h2",
    "sudo ip netns add r",
    "ip netns",
    "sudo ip link add eth0 netns h1 type veth peer name r-h1 netns r",
    "sudo ip link add eth0 netns h2 type veth peer name r-h2 netns r",
    "sudo ip -n h1 addr add 10.1.0.2/24 dev eth0",
    "sudo ip -n h1 link set eth0 up",
    "sudo ip -n h2 addr add 10.2.0.2/24 dev eth0",
    "sudo ip -n h2 link set eth0 up",
    "sudo ip -n r address add 10.1.0.1/24 dev r-h1",
    "sudo ip -n r address add 10.2.0.1/24 dev r-h2",
    "sudo ip -n r link set r-h1 up",
    "sudo ip -n r link set r-h2 up",
    "sudo ip -n h1 route add default via 10.1.0.1",
    "sudo ip -n h2 route add default via 10.2.0.1",
    "sudo ip netns exec r sysctl -w net.ipv4.ip_forward=1",
    "ip netns exec h1 ping -c 1 10.2.0.2",
    "sudo ip -n r a show dev r-h1",
    "sudo ip netns delete h1",
    "sudo ip netns delete h2",
    "sudo ip netns del r",
]


def test_a_page_with_prompts_printed_output_and_a_teardown_heading() -> None:
    result = imported(IMPORT / "console-lab.md")
    assert list(result.lines) == CONSOLE_LAB_LINES
    plan = build(scenario.load_text(result.yaml, "console-lab.yaml"))
    assert export.text(plan) == "".join(f"{line}\n" for line in CONSOLE_LAB_LINES)
    assert (result.setup, result.teardown, result.typed, result.raw) == (19, 3, 22, 0)
    assert (result.sudo, result.warnings, result.model_error) == ("auto", (), None)
    assert result.cannot_undo == ()  # its sysctl runs in r, which the page makes
    assert_golden(result.yaml, GOLDEN / "import" / "console-lab.yaml")


def test_a_pages_outputs_sudo_exceptions_and_ignored_blocks() -> None:
    sc, steps = steps_of(imported(IMPORT / "console-lab.md"))
    assert (sc.title, sc.description) == (
        "Routing between two namespaces",
        "A router namespace between two hosts, each in its own namespace. "
        "Every command runs with sudo, except those that only look.",
    )
    assert steps[3]["output"] == "r\nh2\nh1"
    assert steps[16]["output"] == "net.ipv4.ip_forward = 1"  # a ```text block after the command
    assert steps[17]["sudo"] is False  # the root prompt: no sudo where auto would write it
    assert [i for i, s in enumerate(steps) if s["sudo"] is not None] == [17]
    assert steps[18]["output"] == (
        "2: r-h1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group "
        "default qlen 1000\n    inet 10.1.0.1/24 scope global r-h1"
    )
    assert (
        steps[19]["title"]
        == "Deleting a namespace deletes the veth ends inside it, and their peers"
    )
    assert steps[19]["prose"] == (
        'The router\'s table, for reference:\n\n```json\n{"dst": "10.1.0.0/24", "dev": "r-h1"}\n```'
    )


def test_a_script_the_model_rejects_is_still_written_with_the_error() -> None:
    result = imported(IMPORT / "leftovers.sh")
    assert (result.setup, result.teardown) == (4, 3)  # the trailing deletions
    assert result.model_error == (
        "teardown[1] (line 6: ip link del d1): link d1 does not exist in the root namespace "
        "at this step"
    )
    assert rendered_lines(result) == (IMPORT / "leftovers.sh").read_text().splitlines()
    assert result.yaml.endswith(f"# model: {result.model_error}\n")
    assert_golden(result.yaml, GOLDEN / "import" / "leftovers.yaml")


# -- smaller pages and scripts ---------------------------------------------------------------------


def _undo_texts(planned: PlannedCommand) -> list[str]:
    return [renderer().command(u.undo.op, False).text for u in planned.undo]


def test_addr_replace_adds_the_address_and_its_undo_deletes_it() -> None:
    """Hunt X: ``ip addr replace ADDR dev X`` was read as ``addr del`` ("rpa has no
    address 10.99.0.1/30 at this step")."""
    result = imported(IMPORT / "addr-replace.sh")
    assert result.model_error is None
    assert result.typed == 6
    lines = (IMPORT / "addr-replace.sh").read_text().splitlines()
    assert rendered_lines(result) == [x for x in lines if x.startswith("ip ")]
    plan = build(scenario.load_text(result.yaml, "addr-replace.yaml"))
    assert _undo_texts(plan.setup[2]) == ["ip addr del 10.99.0.1/30 dev rpa"]
    assert _undo_texts(plan.setup[4]) == ["ip -n rp1 addr del 10.99.0.2/30 dev rpb"]


def _flush_step(plan: Plan, action: str) -> PlannedCommand:
    [step] = [c for c in plan.setup if c.command.op.action == action]
    return step


def test_addr_flush_empties_the_link_before_the_address_is_added_again() -> None:
    """Hunt W: ``ip -n knobs addr flush dev k0`` then the same address added again was
    refused ("k0 already has address 192.168.77.1/24")."""
    result = imported(IMPORT / "link-knobs.sh")
    assert result.model_error is None
    plan = build(scenario.load_text(result.yaml, "link-knobs.yaml"))
    flush = _flush_step(plan, "addr flush")
    assert flush.command.text == "sudo ip -n knobs addr flush dev k0"
    assert _undo_texts(flush) == [
        "ip -n knobs addr add 192.168.77.1/24 dev k0",
        "ip -n knobs addr add 192.168.78.1/24 dev k0",
    ]
    k0 = expected_state(plan).link("knobs", "k0")
    assert k0 is not None and k0.addresses == ["192.168.77.1/24"]


def test_tuntap_add_with_its_name_last_creates_the_link() -> None:
    """Hunt W: ``ip -n mv tuntap add mode tap tap0`` (the name after the mode) was a raw
    step of unknown effect; ``dev tap1 mode tap`` and ``tap2 mode tap`` were known."""
    result = imported(IMPORT / "tuntap-forms.sh")
    assert result.model_error is None
    plan = build(scenario.load_text(result.yaml, "tuntap-forms.yaml"))
    assert sorted(expected_state(plan).namespaces["mv"].links) == [
        *("d0", "d1", "lo", "tap0", "tap1", "tap2"),
    ]
    assert _undo_texts(plan.setup[1]) == ["ip -n mv link del tap0"]


def test_route_flush_empties_the_table_before_the_route_is_added_again() -> None:
    """Hunt W: ``ip -n src route flush table 200`` then the route added again was refused
    ("a route to 10.88.0.0/16 already exists")."""
    result = imported(IMPORT / "route-flush-session.txt")
    assert result.model_error is None
    plan = build(scenario.load_text(result.yaml, "route-flush-session.yaml"))
    flush = _flush_step(plan, "route flush")
    assert flush.command.text == "ip -n src route flush table 200"
    assert _undo_texts(flush) == ["ip -n src route add 10.88.0.0/16 via 10.77.0.1 table 200"]
    routes = expected_state(plan).namespaces["src"].routes
    assert [(r.to, r.table) for r in routes] == [("10.88.0.0/16", "200")]


def test_an_unknown_program_after_a_silent_command_is_a_command() -> None:
    page = "```bash\nip netns add ns1\nmytool --setup ns1\nip netns list\nns1\nmytool --x\n```\n"
    result = import_text(page, "markdown", "page.md")
    assert result.lines == ("ip netns add ns1", "mytool --setup ns1", "ip netns list")
    _, steps = steps_of(result)
    assert steps[2]["output"] == "ns1\nmytool --x"


def test_a_block_without_language_holding_output_belongs_to_the_command_before() -> None:
    page = "```bash\nip netns list\n```\n\n```\nns1\nns2\n```\n"
    _, steps = steps_of(import_text(page, "markdown", "page.md"))
    assert steps[0]["output"] == "ns1\nns2"


def test_variables_hold_across_the_blocks_of_a_page_and_unknown_ones_stay_raw() -> None:
    page = (
        "```bash\nNS=ns1\nsudo ip netns add $NS\n```\n\nMove it:\n\n"
        "```bash\nsudo ip link add v0 type veth peer name v1\nsudo ip link set v0 netns $NS\n"
        "sudo ip link set v1 netns $OTHER\n```\n"
    )
    result = import_text(page, "markdown", "page.md", variables="expand")
    assert result.lines == (
        "sudo ip netns add ns1",
        "sudo ip link add v0 type veth peer name v1",
        "sudo ip link set v0 netns ns1",
        "sudo ip link set v1 netns $OTHER",
    )
    assert (result.typed, result.raw, result.variables) == (3, 1, (("NS", 2),))
    assert result.warnings == (
        "line 11: cannot resolve $OTHER ($OTHER is not set in the input); kept as a raw command",
    )
    assert result.cannot_undo == ("setup[3] (line 11): sudo ip link set v1 netns $OTHER",)


def test_a_loop_is_one_block_printed_as_written_and_a_file_heredoc_runs() -> None:
    """A here-document that writes a file (``cat > F <<'EOF'``) was a note, never run (hunt
    N: the next step read the file and failed); it is a step printed as written, run as one
    line that feeds the same document to the same command."""
    script = (
        "ip netns add a\n"
        "for i in 1 2; do\n  ip netns add ns$i\ndone\n"
        "cat > /tmp/x <<'EOF'\nhello )\nEOF\n"
        "ip netns del a\n"
    )
    result = import_text(script, "shell", "s.sh")
    assert result.lines == (
        "ip netns add a",
        "for i in 1 2; do\n  ip netns add ns$i\ndone",
        "cat > /tmp/x <<'EOF'\nhello )\nEOF",
        "ip netns del a",
    )
    assert result.warnings == ()
    sc = scenario.load_text(result.yaml, "s.yaml")
    assert [s.op for s in sc.steps] == [
        NetnsAdd(name="a"),
        NetnsAdd(name="ns1"),
        NetnsAdd(name="ns2"),
        Raw(command="printf '%s\\n' 'hello )' | cat > /tmp/x", shell=True),
        NetnsDel(name="a"),
    ]
    assert [s.joined for s in sc.steps] == [False, False, True, False, False]
    assert export.text(build(sc)) == "".join(f"{line}\n" for line in result.lines)


def test_a_one_line_loop_is_a_block_of_typed_steps() -> None:
    result = import_text("for i in 1 2; do ip netns add ns$i; done\n", "shell", "s.sh")
    sc = scenario.load_text(result.yaml, "s.yaml")
    assert sc.setup[0].verbatim == "for i in 1 2; do ip netns add ns$i; done"
    assert [s.op for s in sc.setup] == [NetnsAdd(name="ns1"), NetnsAdd(name="ns2")]
    assert result.warnings == ()
    assert (result.typed, result.raw) == (2, 0)


#: the variables the arithmetic cases below see (``u`` is set from something unknown)
ARITH_VARS: dict[str, str | None] = {"i": "3", "j": "-2", "n": "010", "u": None, "s": "eth0"}
ARITH_CASES = [
    "$((i+10))", "$(( i * 2 + j ))", "$(( (i + 1) * (j - 1) ))", "$((-7 / 2))", "$((-7 % 2))",
    "$((7 % -2))", "$((i ** 3))", "$((1 << 10 >> 2))", "$((i & 6 | 8 ^ 1))", "$((~i))",
    "$((!i))", "$((i < j))", "$((i >= 3 && j != 0 || 0))", "$((0x1f + 017 + 2#101 + 36#z))",
    "$(($i + ${j}))", "$((n + 1))", "$((9223372036854775807 + 1))", "$((-i))", "$((i - -2))",
    "$((3 ** 41))", "$((7 ** 30 * j))",
]  # fmt: skip
ARITH_UNKNOWN = [
    "$((u + 1))", "$((s + 1))", "$((missing + 1))", "$((i / 0))", "$((i % 0))", "$((i++))",
    "$((x = 2))", "$((i ? 1 : 2))", "$((${#s}))", "$((${i:-1}))", "$((2 ** -1))",
    "$((1 << 64))", "$((1 << -1))",
]  # fmt: skip


@pytest.mark.parametrize("expression", ARITH_CASES)
def test_arithmetic_expansion_is_what_bash_computes(expression: str) -> None:
    """bash itself is the oracle: the same expression, the same variables."""
    from iplab.importer.arith import arithmetic

    assignments = "".join(f"{k}={v}; " for k, v in ARITH_VARS.items() if v is not None)
    bash = subprocess.run(
        ["bash", "-c", f"{assignments}echo {expression}"], capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert bash.returncode == 0, bash.stderr
    assert arithmetic(expression + "/24 rest", ARITH_VARS) == (expression, int(bash.stdout))


@pytest.mark.parametrize("expression", ARITH_UNKNOWN)
def test_arithmetic_that_needs_more_than_the_script_gives_is_unresolved(
    expression: str,
) -> None:
    from iplab.importer.arith import arithmetic

    assert arithmetic(expression, ARITH_VARS) == (expression, None)
    assert arithmetic("$(date +%s)", ARITH_VARS) is None  # a command, not arithmetic


def test_a_loop_with_arithmetic_is_typed_steps_with_their_values() -> None:
    script = (
        "for i in 1 2 3; do\n"
        "  ip netns add h$i\n"
        "  ip -n h$i addr add 192.168.50.$((i + 10))/24 dev lo\n"
        "done\n"
    )
    result = import_text(script, "shell", "s.sh")
    assert result.warnings == ()
    sc = scenario.load_text(result.yaml, "s.yaml")
    assert [s.op.address for s in sc.setup if isinstance(s.op, AddrAdd)] == [
        "192.168.50.11/24", "192.168.50.12/24", "192.168.50.13/24",
    ]  # fmt: skip
    assert (result.typed, result.raw) == (6, 0)
    assert export.text(build(sc)) == script  # printed as written


COUNTED_LOOPS = [
    "for ((i = 1; i <= 3; i++)); do\n  ip netns add h$i\ndone\n",
    "for ((i=0, j=10; i < 4; i += 2, j--)); do ip netns add n$i-$j; done\n",
    "i=0\nwhile [ $i -lt 3 ]; do\n  ip netns add w$i\n  i=$((i+1))\ndone\n",
    "n=5\nuntil [[ $n -le 2 ]]; do\n  ip netns add u$n\n  let n--\ndone\n",
    "k=1\nwhile (( k < 40 )); do ip netns add k$k; ((k *= 3)); done\n",
    'NS=a\nwhile [ "$NS" != "aaa" ]; do ip netns add $NS; NS=${NS}a; done\n',
]


def bash_runs(script: str) -> list[str]:
    """The oracle: the ``ip`` lines bash runs for ``script`` (``ip`` a function that prints
    its line)."""
    bash = subprocess.run(
        ["bash", "-c", 'ip() { echo "ip $*"; }\n' + script], capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert bash.returncode == 0 and bash.stdout, bash.stderr
    return bash.stdout.splitlines()


def imports_as_bash_runs(script: str) -> ImportResult:
    """Import ``script`` (values expanded), which must raise no warning and render the
    commands bash runs for it (:func:`bash_runs`, the oracle)."""
    result = import_text(script, "shell", "s.sh", variables="expand")
    assert result.warnings == ()
    assert rendered_lines(result) == bash_runs(script)
    return result


@pytest.mark.parametrize("script", COUNTED_LOOPS)
def test_a_counted_loop_imports_as_the_commands_bash_runs(script: str) -> None:
    """bash is the oracle: the same script, with ``ip`` a function that prints its line."""
    assert imports_as_bash_runs(script).raw == 0


ARRAYS = [
    'NS=(red green blue)\nfor ns in "${NS[@]}"; do ip netns add $ns; done\n',
    "NS=(red green)\nfor ns in ${NS[*]}; do ip netns add x$ns; done\nip netns add ${NS[1]}\n",
    "declare -A IP\nIP[r]=10.1.0.1\nIP[s]=10.1.0.2\nip netns add r\n"
    "ip -n r addr add ${IP[r]}/24 dev lo\n",
    "H=(h1 h2 h3)\ni=2\nip netns add ${H[i]}-${#H[@]}\nip netns add ${H[i-1]}\n",
    "local_nets=(10.2.0.0/24 10.3.0.0/24)\nip netns add n\n"
    'for net in "${local_nets[@]}"; do ip -n n route add $net dev lo; done\n',
]


@pytest.mark.parametrize("script", ARRAYS)
def test_arrays_import_as_the_commands_bash_runs(script: str) -> None:
    """bash is the oracle, as for the counted loops."""
    result = imports_as_bash_runs(script)
    assert result.raw == 0, result.yaml


def test_an_associative_array_is_read_in_the_order_written() -> None:
    """bash walks an associative array in its hash table's order (here b, then a); iplab
    in the order the script wrote it: the same commands, in an order a reader expects."""
    script = (
        'declare -A IP=([a]=10.0.0.1 [b]=10.0.0.2)\nfor k in "${!IP[@]}"; do\n'
        "  ip netns add $k\n  ip -n $k addr add ${IP[$k]}/24 dev lo\ndone\n"
    )
    result = import_text(script, "shell", "s.sh", variables="expand")
    assert rendered_lines(result) == [
        "ip netns add a", "ip -n a addr add 10.0.0.1/24 dev lo",
        "ip netns add b", "ip -n b addr add 10.0.0.2/24 dev lo",
    ]  # fmt: skip
    assert sorted(rendered_lines(result)) == sorted(bash_runs(script))
    assert result.raw == 0


@pytest.mark.parametrize(
    "script",
    [
        'NS=(a $(hostname))\nfor ns in "${NS[@]}"; do ip netns add $ns; done\n',
        'declare -A IP=([a]=$X)\nip netns add "${IP[a]}"\n',
    ],
)
def test_an_array_iplab_cannot_evaluate_is_not_guessed(script: str) -> None:
    result = import_text(script + "ip netns add z\n", "shell", "s.sh")
    assert "ip netns add a\n" not in "".join(f"{line}\n" for line in rendered_lines(result))
    assert result.warnings, result.yaml


@pytest.mark.parametrize(
    "script",
    [
        "while [ $i -lt 3 ]; do ip netns add w$i; done\n",  # i never set
        "for ((;;)); do ip netns add x; done\n",  # forever
        "while true; do ip netns add y; sleep 1; done\n",
    ],
)
def test_a_loop_iplab_cannot_run_is_skipped_and_never_a_title(script: str) -> None:
    result = import_text(script + "ip netns add z\n", "shell", "s.sh")
    assert any("cannot be imported; skipped" in w for w in result.warnings), result.warnings
    sc = scenario.load_text(result.yaml, "s.yaml")
    assert [s.op for s in sc.setup] == [NetnsAdd(name="z")]
    assert sc.title is None or "done" not in sc.title


@pytest.mark.parametrize(
    ("command", "undo"),
    [
        ("iptables -A INPUT -s 10.9.9.9 -j DROP", "iptables -D INPUT -s 10.9.9.9 -j DROP"),
        ("iptables -I FORWARD 2 -i br0 -j ACCEPT", "iptables -D FORWARD -i br0 -j ACCEPT"),
        ("iptables -t nat --append POSTROUTING -j MASQUERADE",
         "iptables -t nat -D POSTROUTING -j MASQUERADE"),
        ("ip6tables -N LAB", "ip6tables -X LAB"),
        ("iptables -P FORWARD ACCEPT", None),  # the policy before is not in the words
        ("iptables -F", None),
        ("iptables -N", None),
        ("iptables -N LAB extra", None),
        ("iptables -A INPUT -j DROP && iptables -A OUTPUT -j DROP", None),  # shell syntax
        ("iptables -A INPUT -j DROP -D INPUT", None),  # two commands in one: not guessed
        ("iptables -L -n", None),
        ("nft add table inet lab", "nft delete table inet lab"),
        ("nft add rule inet lab c accept", None),  # deleted with its table
        ("iptables -A 'INPUT", None),  # cannot be split
    ],
)  # fmt: skip
def test_an_iptables_rule_gets_the_undo_its_words_say(command: str, undo: str | None) -> None:
    from iplab.words import known_undo

    assert known_undo(command) == undo


@pytest.mark.parametrize(
    ("command", "scoped"),
    [
        ("sysctl -w net.ipv4.ip_forward=1", True),
        ("sysctl net.ipv6.conf.all.forwarding=1", True),
        ("sysctl -w kernel.pid_max=100000", False),  # not per namespace
        ("sysctl -p /etc/sysctl.d/lab.conf", False),
        ("sysctl -a", False),
        ("iptables -t nat -A POSTROUTING -j MASQUERADE", True),
        ("tc qdisc add dev eth0 root netem delay 10ms", True),
        ("touch /tmp/x", False),
        ("echo 1 > /proc/sys/net/ipv4/ip_forward", True),  # a net.* sysctl: the namespace's
        ("sh -c 'echo 1 | tee /proc/sys/net/ipv4/ip_forward'", True),
        ("echo 9 > /proc/sys/kernel/pid_max", False),  # not per namespace
        ("echo 1 > /tmp/x", False),
        ("'unclosed", False),
        ("", False),
    ],
)
def test_a_command_whose_changes_stay_in_its_namespace(command: str, scoped: bool) -> None:
    from iplab.sysctl import in_netns_only

    assert in_netns_only(command) is scoped


def test_a_change_inside_a_namespace_the_script_makes_needs_no_undo_of_its_own() -> None:
    script = (
        "ip netns add n1\n"
        "ip netns exec n1 sysctl -w net.ipv4.ip_forward=1\n"
        "ip netns exec n2 sysctl -w net.ipv4.ip_forward=1\n"  # n2: not the script's
        "ip netns exec n1 touch /tmp/x\n"  # a host file: put back as a root one's (hunt CL #1)
        "iptables -A FORWARD -i br0 -j ACCEPT\n"
    )
    result = import_text(script, "shell", "s.sh")
    assert result.cannot_undo == (
        "setup[2] (line 3): ip netns exec n2 sysctl -w net.ipv4.ip_forward=1",
    )
    sc = scenario.load_text(result.yaml, "s.yaml")
    assert sc.setup[-1].op == Raw(
        command="iptables -A FORWARD -i br0 -j ACCEPT", undo="iptables -D FORWARD -i br0 -j ACCEPT"
    )


FUNCTION_SCRIPT = """\
create_host() {
    local name=$1
    local addr=${2}
    ip netns add "$name"
    ip -n "$name" addr add "$addr" dev lo
}
add_all() {
    for host in "$@"; do
        create_host "$host" "10.0.$#.1/24"
    done
}
create_host red 10.0.0.1/24
add_all blue green
ip netns add $name-after
"""


def test_a_function_the_script_defines_runs_its_body_where_it_is_called() -> None:
    """bash is the oracle: the same script, with ``ip`` a function that prints its line."""
    bash = subprocess.run(
        ["bash", "-c", 'ip() { echo "ip $*"; }\n' + FUNCTION_SCRIPT],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bash.returncode == 0, bash.stderr
    result = import_text(FUNCTION_SCRIPT, "shell", "s.sh", variables="expand")
    # the last line uses $name outside the function: unset there (local), as in bash
    assert result.warnings == (
        "line 14: cannot resolve $name ($name is not set in the input); kept as a raw command",
    )
    sc = scenario.load_text(result.yaml, "s.yaml")
    ran = [s for s in sc.steps if s.op != Raw(command="true", observes=True)]
    printed = [renderer().command(s.op, False).text for s in ran]
    assert printed[:-1] == bash.stdout.splitlines()[:-1]
    assert printed[-1] == "ip netns add $name-after"  # (bash printed "-after": $name unset)
    # the definitions print as written, at the start of the next block's text, and run
    # nothing: no step of their own (hunt DT #2: each was a `true` step)
    definitions = FUNCTION_SCRIPT.split("\ncreate_host red", maxsplit=1)[0]
    assert not [s for s in sc.steps if s.op == Raw(command="true", observes=True)]
    assert (sc.steps[0].verbatim or "").startswith(definitions.replace("\n\n", "\n") + "\n")
    assert export.text(build(sc, lenient=True)) == FUNCTION_SCRIPT.replace("\n\n", "\n")


def test_a_function_written_with_the_function_keyword() -> None:
    result = import_text("function mk {\n  ip netns add $1\n}\nmk a1\n", "shell", "s.sh")
    assert result.warnings == ()
    sc = scenario.load_text(result.yaml, "s.yaml")
    # (hunt DT #2: the definition was a `true` step; its text now starts the call's block)
    assert [s.op for s in sc.steps] == [NetnsAdd(name="a1")]
    assert [s.verbatim for s in sc.steps] == ["function mk {\n  ip netns add $1\n}\nmk a1"]


DECLARATIONS = [
    # one declaration, several names: as bash sets each
    "mk() {\n  local name=$1 addr=$2\n  local unused\n  ip netns add $name$unused\n"
    "  ip -n $name addr add $addr/24 dev lo\n}\nmk red 10.0.0.1\nmk blue 10.0.0.2\n",
    "A=red B=blue\nip netns add $A\nip netns add $B\n",
    "export NS=n1 ADDR=10.9.0.1\nip -n $NS addr add $ADDR/24 dev lo\n",
    'declare -r X=ns-x Y="ns-y"\nip netns add $X\nip netns add $Y\n',
]


@pytest.mark.parametrize("script", DECLARATIONS)
def test_a_declaration_of_several_names_imports_as_bash_reads_it(script: str) -> None:
    """``local name=$1 ip=$2`` in a function: each name bound, so its commands are typed
    (before, the line was taken for a command, and every use of the names stayed raw)."""
    result = import_text(script, "shell", "s.sh", variables="expand")
    assert result.warnings == ()
    sc = scenario.load_text(result.yaml, "s.yaml")
    ran = [s for s in sc.steps if s.op != Raw(command="true", observes=True)]
    assert [renderer().command(s.op, False).text for s in ran] == bash_runs(script)
    assert not any(isinstance(s.op, Raw) for s in ran)


BRANCHES = [
    'MODE=bridge\nif [ "$MODE" = bridge ]; then\n  ip link add br0 type bridge\n'
    'elif [ "$MODE" = veth ]; then\n  ip link add v0 type veth\nelse\n  echo none\nfi\n',
    'MODE=veth\nif [ "$MODE" = bridge ]; then\n  ip link add br0 type bridge\n'
    'elif [ "$MODE" = veth ]; then\n  ip link add v0 type veth\nelse\n  echo none\nfi\n',
    "N=3\nif [ $N -gt 2 ]; then ip netns add big; else ip netns add small; fi\n",
    "for i in 1 2 3 4; do\n  if [ $i -le 2 ]; then ip netns add a$i; else ip netns add b$i; fi\n"
    "done\n",
    'KIND=ovs-br\ncase "$KIND" in\n  linux|br) ip link add br0 type bridge ;;\n'
    "  ovs*) ip netns add ovs\n        ip netns add ovs2 ;;\n  *) echo none ;;\nesac\n",
    "for t in veth bridge x; do\n  case $t in\n    veth) ip link add v-$t type veth ;;\n"
    "    bridge) ip link add b-$t type bridge ;;\n  esac\ndone\n",
]


@pytest.mark.parametrize("script", BRANCHES)
def test_an_if_or_a_case_iplab_can_evaluate_imports_the_branch_bash_takes(script: str) -> None:
    imports_as_bash_runs(script)


def test_an_if_on_what_iplab_cannot_know_is_still_skipped() -> None:
    script = 'if [ "$1" = up ]; then\n  ip netns add a\nfi\ncase $(hostname) in\n'
    script += "  h1) ip netns add b ;;\nesac\nip netns add c\n"
    result = import_text(script, "shell", "s.sh")
    assert result.warnings[0].startswith("lines 1-3: an 'if' block whose condition iplab")
    assert "lines 4-6: a multi-line case whose branch iplab cannot choose" in result.warnings[1]
    assert rendered_lines(result) == ["ip netns add c"]


LAB_SCRIPT = """\
make() { ip netns add a; }
case "$1" in
  "start"|up) make ;;
  restart) echo later ;;
  down)
    ip netns del a ;;
  *) echo "usage: $0 up|down" ;;
esac
"""


def test_a_lab_scripts_case_on_its_argument_is_its_setup_and_its_teardown() -> None:
    """``./lab.sh up`` and ``./lab.sh down``: the user runs one branch at a time; iplab
    runs the up branch as the setup and the down branch as the teardown. The case is cut
    where ``down)`` starts: each line printed once, in order."""
    result = import_text(LAB_SCRIPT, "shell", "lab.sh")
    assert result.warnings == ()
    sc = scenario.load_text(result.yaml, "lab.yaml")
    assert [s.op for s in sc.setup] == [Raw(command="true", observes=True), NetnsAdd(name="a")]
    assert [s.op for s in sc.teardown] == [NetnsDel(name="a")]
    head, tail = LAB_SCRIPT.split('case "$1" in\n')[1].split("  down)\n")
    assert sc.setup[1].verbatim == 'case "$1" in\n' + head.rstrip("\n")
    assert sc.teardown[0].verbatim == "  down)\n" + tail.rstrip("\n")
    assert export.text(build(sc)) == LAB_SCRIPT


@pytest.mark.parametrize(
    "script",
    [
        'case "$1" in\n  up) ip netns add a ;;\n  status) ip -br a ;;\nesac\n',  # no down
    ],
)
def test_a_case_on_an_argument_that_is_not_up_then_down_is_skipped(script: str) -> None:
    result = import_text(script + "ip netns add z\n", "shell", "lab.sh")
    said = result.warnings[0]
    assert "a multi-line case whose branch iplab cannot choose is not imported" in said
    assert result.lines == ("ip netns add z",)


def test_a_case_on_an_argument_whose_down_branch_comes_first_is_read() -> None:
    """Hunt AB #6 changed this: a down branch before the up branch was skipped (a
    parameter of the test above); now the case is the setup and its down branch the
    teardown."""
    script = 'case "$1" in\n  down) ip netns del a ;;\n  up) ip netns add a ;;\nesac\n'
    result = import_text(script + "ip netns add z\n", "shell", "lab.sh")
    assert result.warnings == ()
    assert result.lines == (script.rstrip("\n"), "ip netns add z")
    assert (result.setup, result.teardown) == (2, 1)


def test_a_case_on_an_argument_whose_up_and_down_share_a_line_is_read() -> None:
    """This session changed this (a parameter of the skip test above): a case whose up and
    down branches share a line, as public lab scripts write it, is read as one whose down
    branch comes first (tests/test_case_on_one_line.py)."""
    script = 'case "$1" in\n  up) ip netns add a ;; down) ip netns del a ;;\nesac\n'
    result = import_text(script + "ip netns add z\n", "shell", "lab.sh")
    assert result.warnings == ()
    assert result.lines == (script.rstrip("\n"), "ip netns add z")
    assert (result.setup, result.teardown) == (2, 1)


def test_a_pause_for_the_reader_is_a_note_never_a_step() -> None:
    """``read -p "Press Enter"`` would wait for input no one gives: a run would hang."""
    script = 'ip netns add a\nread -p "Press Enter to clean up"\n# clean up\nip netns del a\n'
    result = import_text(script, "shell", "s.sh")
    assert result.warnings == (
        "line 2: 'read -p \"Press Enter to clean up\"' waits for the reader (Enter): iplab"
        " runs on without waiting; printed as written",
    )
    sc = scenario.load_text(result.yaml, "s.yaml")
    pause = Raw(command="true", observes=True)  # printed as written, runs nothing
    assert [s.op for s in sc.steps] == [NetnsAdd(name="a"), pause, NetnsDel(name="a")]
    assert sc.steps[1].verbatim == 'read -p "Press Enter to clean up"'
    assert export.text(build(sc)) == script.replace("# clean up\n", "")
    looped = import_text("for n in a b; do\n  ip netns add $n\n  read x\ndone\n", "shell", "l.sh")
    assert looped.warnings == (  # said once, not once a round of the loop
        "line 3: 'read x' waits for the reader (Enter): iplab runs on without waiting;"
        " printed as written",
    )
    assert rendered_lines(looped) == ["ip netns add a", "ip netns add b"]


def test_a_trap_is_printed_and_a_recursion_stops() -> None:
    script = "loop() {\n  ip netns add x\n  loop\n}\ntrap 'ip netns del x' USR1\nloop\n"
    result = import_text(script, "shell", "s.sh")
    assert result.warnings[0].startswith("line 5: a trap's handler is not run")
    assert "line 6: loop calls itself deeper than 16; skipped" in result.warnings
    sc = scenario.load_text(result.yaml, "s.yaml")
    assert sum(1 for s in sc.steps if s.op == NetnsAdd(name="x")) == 16
    assert not sc.teardown  # a handler of USR1 runs only when someone sends it


def test_jinja_braces_in_prose_and_commands_come_back_unchanged() -> None:
    page = "Run {{ this }} as is:\n\n```bash\ndocker inspect -f '{{.State.Pid}}' c1\n```\n"
    result = import_text(page, "markdown", "page.md")
    sc = scenario.load_text(result.yaml, "page.yaml")
    assert sc.setup[0].title == "Run {{ this }} as is"
    assert rendered_lines(result) == ["docker inspect -f '{{.State.Pid}}' c1"]


def test_front_matter_title_wins_and_a_comment_inside_a_block_titles_its_command() -> None:
    page = (
        "---\ntitle: From front matter\n---\n# Heading one\n\nIntro.\n\n"
        "```sh\n# make the namespace\nip netns add a\n```\n"
    )
    sc, steps = steps_of(import_text(page, "markdown", "page.md"))
    assert sc.title == "From front matter"
    assert steps[0]["title"] == "make the namespace"
    assert steps[0]["prose"] == "Intro."  # the comment is the title, not repeated


def test_a_page_without_front_matter_takes_its_first_level_one_heading() -> None:
    title, reader = read_markdown("## Not this\n\n# This one\n\n```bash\nip link\n```\n")
    assert title == "This one"
    assert [type(e).__name__ for e in reader.events] == ["Note", "Cmd"]


def test_markdown_structure_html_comments_setext_headings_and_list_items() -> None:
    page = (
        "Intro\n=====\n\n<!-- a note\nip netns add hidden\n-->\n\n"
        "1. Make the namespace:\n   ```bash\n   ip netns add a\n   ```\n"
        "2. Look at it\n\n> Quoted `ip` text.\n\n```bash\nip netns list\n```\n"
    )
    result = import_text(page, "markdown", "page.md")
    assert result.lines == ("ip netns add a", "ip netns list")
    _, steps = steps_of(result)
    assert [(s["title"], s["prose"]) for s in steps] == [
        ("Make the namespace", None),
        ("Quoted ip text", "Look at it"),
    ]
    title, reader = read_markdown(page)
    assert title == "Intro"  # a setext heading of level one is the title, as <h1> is
    assert not any(isinstance(e, Note) and e.kind == "heading" for e in reader.events)
    title, reader = read_markdown(f"# Title\n\n{page}")
    assert title == "Title"  # the first one
    assert reader.events[0] == Note("heading", "Intro", 3, 3)


@pytest.mark.parametrize(
    "front",
    ["---\ntitle: [unclosed\n---\n", "---\nno end of front matter\n", "---\n- a list\n---\n"],
)
def test_front_matter_without_a_usable_title_is_ignored(front: str) -> None:
    title, _ = read_markdown(f"{front}\n```bash\nip link\n```\n")
    assert title is None


def test_consecutive_comment_lines_are_one_note() -> None:
    script = "ip netns add a\n# Bring the loopback up.\n# It starts down.\nip -n a link set lo up\n"
    _, steps = steps_of(import_text(script, "shell", "s.sh"))
    assert (steps[1]["title"], steps[1]["prose"]) == (
        "Bring the loopback up",
        "Bring the loopback up. It starts down.",
    )


def test_an_opening_comment_right_above_a_command_is_its_title() -> None:
    sc, steps = steps_of(import_text("# Make a namespace\nip netns add a\n", "shell", "s.sh"))
    assert (sc.title, steps[0]["title"]) == (None, "Make a namespace")


def test_printed_lines_before_any_command_are_a_warning() -> None:
    page = "```console\nns1\n\n$ ip netns list\n\nns1\n\n$\n```\n"
    result = import_text(page, "markdown", "page.md")
    assert result.warnings == ("line 2: 'ns1' is neither a command nor the output of one; ignored",)
    _, steps = steps_of(result)
    assert steps[0]["output"] == "ns1"


def test_a_no_language_block_that_starts_with_a_variable_command() -> None:
    page = (
        '```bash\nNS_EXEC="ip netns exec a"\nsudo ip netns add a\n```\n\n'
        "```\n$NS_EXEC ip link\n1: lo: <LOOPBACK>\n\n```\n"
    )
    result = import_text(page, "markdown", "page.md", variables="expand")
    assert result.lines == ("sudo ip netns add a", "ip netns exec a ip link")
    _, steps = steps_of(result)
    assert steps[1]["output"] == "1: lo: <LOOPBACK>"
    assert steps[1]["sudo"] is False


def test_prose_languages_are_not_commands() -> None:
    page = '```json\n{"ip": 1}\n```\n\n```text\nip netns add x\n```\n\n```bash\nip link\n```\n'
    result = import_text(page, "markdown", "page.md")
    assert result.lines == ("ip link",)


def test_shell_script_lines_are_all_commands_and_the_shebang_is_dropped() -> None:
    reader = read_shell("#!/bin/sh\nip link\nns1\n")
    assert [e.text for e in reader.events if isinstance(e, Cmd)] == ["ip link", "ns1"]


def test_nothing_to_import_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^page\.md: no command found \(read as markdown\)$"):
        import_text("# Title\n\nJust prose.\n", "markdown", "page.md")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("docs/container-networking-part2.md", "container-networking-part2"),
        ("My Lab (v2).md", "My-Lab-v2"),
        ("123.sh", "imported"),
        ("-x.sh", "x"),
        ("a" * 80 + ".sh", "a" * 64),
    ],
)
def test_the_scenario_name_comes_from_the_file_name(path: str, name: str) -> None:
    assert scenario_name(path) == name


def test_a_given_name_must_be_valid() -> None:
    assert import_text("ip link\n", "shell", "x.sh", name="mine").name == "mine"
    with pytest.raises(UsageError, match="--name: scenario name 'a b' contains a shell"):
        import_text("ip link\n", "shell", "x.sh", name="a b")


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        ("t.md", "ip link", "markdown"),
        ("t.sh", "```bash", "shell"),
        ("t.txt", "text\n```bash\nip link\n```", "markdown"),
        ("t", "ip link\n", "shell"),
    ],
)
def test_the_format_is_detected_by_extension_then_content(path: str, text: str, kind: str) -> None:
    assert detect_kind(path, text) == kind


# -- the command line ------------------------------------------------------------------------------


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["import", *argv])


def test_import_writes_the_scenario_and_prints_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "blog.yaml"
    args = _args(str(BLOG), "-o", str(out))
    assert args.handler(args) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "imported 23 lines into scenario 'container-networking-part2': 23 commands (18 setup,"
        " 5 teardown;"
    )
    assert captured.err.endswith("model: OK\n")
    assert scenario.load(str(out)).name == "container-networking-part2"


def test_import_to_stdout_with_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    args = _args(str(IMPORT / "bridge-lab.sh"), "--name", "left")
    assert args.handler(args) == 0
    out = capsys.readouterr()
    script = IMPORT / "bridge-lab.sh"
    assert out.out == import_text(script.read_text(), "shell", str(script), name="left").yaml
    assert "\nname: left\n" in out.out
    assert out.err.startswith(
        "imported 27 lines into scenario 'left': 26 commands (23 setup, 3 teardown;"
    )


def test_the_format_option_overrides_the_detection(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    # (a command that makes something: since hunt EG a lone ping of an address no step
    # makes, 10.0.0.1 as 8.8.8.8, is "no lab here" as a script too;
    # tests/test_hunt_eg_question_only.py)
    notes.write_text("brctl addbr br0\n", encoding="utf-8")
    args = _args(str(notes), "--format", "markdown")  # a page without code blocks
    # (since hunt DP, tests/test_hunt_dp_bare_commands.py: the line that looks like a
    # command, not read, is named after it)
    with pytest.raises(
        UsageError,
        match=r"notes\.txt: no command found \(read as markdown\); line 1: the page has no"
        r" code blocks; 'brctl addbr br0' looks like a command",
    ):
        args.handler(args)
    args = _args(str(notes))
    assert args.handler(args) == 0


def test_import_exits_1_when_the_model_rejects_but_writes_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "left.yaml"
    args = _args(str(IMPORT / "leftovers.sh"), "-o", str(out))
    assert args.handler(args) == 1
    assert "model: teardown[1] (line 6: ip link del d1)" in capsys.readouterr().err
    assert out.read_text().startswith("# Imported by `iplab import`")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.md", r"missing\.md: no such file$"),
        (lambda d: d, r": is a directory, not a file$"),
    ],
)
def test_import_errors_are_one_line_usage_errors(
    tmp_path: Path, make: object, message: str
) -> None:
    assert callable(make)
    args = _args(str(make(tmp_path)))
    with pytest.raises(UsageError, match=message) as caught:
        args.handler(args)
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_utf8_is_read_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Changed by design (tests/test_legacy_encoding.py): refused as "not UTF-8 text"
    before; read as Windows-1252 now, said, and its odd word said as ever."""
    binary = tmp_path / "lab.sh"
    binary.write_bytes(b"ip link\xff\n")
    args = _args(str(binary))
    args.handler(args)
    err = capsys.readouterr().err
    assert "lab.sh: not UTF-8: read as windows-1252" in err, err
    assert "'linkÿ' not ASCII" in err and "did you mean 'ip link'?" in err, err


def test_an_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    args = _args(str(BLOG), "-o", str(tmp_path / "no" / "such" / "dir.yaml"))
    with pytest.raises(UsageError, match=r"^cannot write .*dir\.yaml: No such file or directory$"):
        args.handler(args)


@pytest.mark.parametrize("spelling", ["ip link set veth1 name eth0", "ip l s dev veth1 name eth0"])
def test_a_rename_inside_a_namespace_is_typed_and_followed(spelling: str) -> None:
    # renaming a moved veth end to eth0 is how tutorials make a namespace look like a
    # container; as a netns exec command the model lost the link and down could not undo it
    line = f"ip netns exec ns1 {spelling}"
    op = parse_line(line)
    assert isinstance(op, LinkSet) and (op.ns, op.dev, op.get("name")) == ("ns1", "veth1", "eth0")
    script = f"ip netns add ns1\nip netns exec ns1 ip link add veth1 type dummy\n{line}\n"
    result = import_text(script, "shell", "rename.sh")
    assert "cannot undo" not in result.yaml
    plan = build(scenario.load_text(result.yaml, "rename.yaml"))
    assert export.export(plan, "text", "setup") == script
    [renamed] = [pc for pc in plan.setup if pc.command.text == line]
    assert [u.undo.op.get("name") for u in renamed.undo if isinstance(u.undo.op, LinkSet)] == [
        "veth1"
    ]


def test_what_ip_changes_inside_a_namespace_the_input_makes_is_undone_with_it() -> None:
    """``ip -n NS route replace``, ``ip -netns NS neigh add``, ``ip netns set NS ID``:
    deleting NS undoes them; the same in the root namespace, or in one the input did not
    make, is refused before anything runs (``route replace`` is typed: the model sees it;
    it was said to be beyond undo while it was a raw step)."""
    script = (
        "ip netns add n1\n"
        "ip -n n1 link set lo up\n"
        "ip -n n1 route replace 10.1.0.0/16 dev lo\n"
        "ip -netns n1 neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 dev lo\n"
        "ip -n n1 route del 10.1.0.0/16\n"
        "ip netns set n1 7\n"
    )
    result = import_text(script, "shell", "s.sh")
    assert result.cannot_undo == ()
    assert "model: OK" in result.summary()
    for line, said in (
        ("ip route replace 10.2.0.0/16 dev lo", "lo of the root namespace is the host's own"),
        ("ip -n other route replace 10.3.0.0/16 dev lo", "namespace other does not exist"),
    ):
        other = import_text(script + line + "\n", "shell", "s.sh")
        assert f"model: setup[6] (line 7: {line}): {said}" in other.summary()


@pytest.mark.parametrize(
    ("command", "ns"),
    [("ip -n a route", "a"), ("ip -4 -netns b neigh", "b"), ("ip --netns c link", "c"),
     ("bridge -n d fdb show", "d"), ("ip netns set e 3", "e"), ("ip route", None),
     ("ip -batch x", None), ("ip netns exec f ip link", None), ("ping -n 1", None)],
)  # fmt: skip
def test_the_namespace_an_ip_command_names_by_its_own_option(command: str, ns: str | None) -> None:
    assert ip_netns(command) == ns


@pytest.mark.parametrize(
    "kind", ["markdown", "rst"]
)  # a page without code blocks, a command in backticks with blanks inside them
def test_a_bare_paragraphs_command_with_blanks_inside_its_backticks(kind: Kind) -> None:
    page = "Run this:\n\n`   ip netns add a`\n\nand `ip netns bogus verb` too.\n"
    result = import_text(page, kind, f"bare.{kind}")  # was an internal error (LineError)
    assert result.lines == ("ip netns add a",)


def test_a_command_commented_out_atop_a_script_block_is_no_root_prompt() -> None:
    """``# ip netns del blue`` atop a block of commands: a comment (the block was read as
    typed at a root prompt, and its commands as that line's output); a root transcript
    whose printed lines look like a command (``bridge name ...``) stays one."""
    page = (
        "# Lab\n\n```bash\n# ip netns del blue\nip netns add blue\nip netns add green\n```\n\n"
        "```\n# brctl show\nbridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
        "# ip netns add red\n```\n"
    )
    lines, _ = imported_lines(page, "markdown", "page.md")
    assert lines == [
        "ip netns add blue", "ip netns add green", "brctl show", "ip netns add red",
    ]  # fmt: skip


def test_a_loop_beside_other_commands_on_one_line_is_read() -> None:
    """``for ...; done; ip netns add router`` (a gist's one-liner): the loop's commands and
    the rest, typed (it was one raw step: run as written, --prefix could not rename what
    it made)."""
    text = (
        "for i in {1..2}; do ip netns add lan$i; done; ip netns add router\n"
        "for i in 1 2; do ip -n lan$i link set lo up; done && echo ok\n"
    )
    lines, result = imported_lines(text, "shell", "gist.sh", prefix="p1")
    assert lines == [
        "ip netns add p1lan1", "ip netns add p1lan2", "ip netns add p1router",
        "ip -n p1lan1 link set lo up", "ip -n p1lan2 link set lo up",
    ]  # fmt: skip
    assert not result.warnings


def test_a_loop_over_the_lines_of_a_here_document_runs_once_a_line() -> None:
    """``while read -r ns addr; do ...; done <<EOF`` (a table in the script): each line's
    words in the names, the last name the rest of the line; a ``read`` iplab cannot follow
    (its own IFS) is skipped, saying why (it was kept as a note, said to be a file)."""
    text = (
        "while read -r ns addr; do\n  ip netns add $ns\n  ip -n $ns addr add $addr dev lo\n"
        "done <<HOSTS\nhostA 10.10.1.2/24\nhostB   10.10.2.2/24  \nHOSTS\n"
        "while IFS=, read -r a b; do ip netns add $a; done <<EOF\nx,y\nEOF\n"
    )
    lines, result = imported_lines(text, "shell", "table.sh")
    assert lines == [
        "ip netns add hostA", "ip -n hostA addr add 10.10.1.2/24 dev lo",
        "ip netns add hostB", "ip -n hostB addr add 10.10.2.2/24 dev lo",
    ]  # fmt: skip
    assert list(result.warnings) == [
        "lines 8-10: a loop over the lines of a here-document is read only as"
        " `while read [-r] NAME...`; skipped (write the values out: for ns in a b)"
    ]


def test_a_page_s_shell_block_reads_functions_trap_make_and_scripts_as_commands() -> None:
    """After a line that prints (``echo hi``), ``cleanup() {``, ``trap``, ``make up`` and
    ``./lab.sh`` were taken for its output and dropped without a word."""
    page = (
        "# Trap\n\n```bash\necho hi\ncleanup() {\n    ip netns del tp-a\n}\n"
        "trap cleanup EXIT\nip netns add tp-a\nsudo make up\n./lab.sh\n```\n"
    )
    result = import_text(page, "markdown", "trap.md")
    plan = build(scenario.load_text(result.yaml, "trap.yaml"))
    assert export.text(plan, "all") == (
        "echo hi\ncleanup() {\n    ip netns del tp-a\n}\ntrap cleanup EXIT\n"
        "ip netns add tp-a\nsudo make up\n./lab.sh\n"
    )  # the trap's handler, run when the script ends, is the teardown: no line of its own
    assert [s.op for s in plan.scenario.teardown] == [NetnsDel(name="tp-a")]


def test_ip_batch_fed_by_a_here_document_runs_each_of_its_lines() -> None:
    """``ip -batch - <<EOF`` was kept as a note ('write the file in a raw step'), and the
    namespaces it makes were missing to every step after it."""
    text = (
        "ip -batch - <<EOF\nnetns add bt-a\n\n# the other one\nnetns add bt-b\nEOF\n"
        "ip -n bt-a -force -b - <<EOF\nlink set lo up\nEOF\n"
    )
    lines, result = imported_lines(text, "shell", "batch.sh")
    assert lines == ["ip netns add bt-a", "ip netns add bt-b", "ip -n bt-a link set lo up"]
    assert not result.warnings and result.model_error is None


def test_a_line_that_sets_a_variable_then_runs_a_command_keeps_both() -> None:
    """Hunt Z: ``X=$(echo 5); ip netns add ns3`` was taken for one assignment (of ``$(echo
    5); ip netns add ns3``) and vanished, with no warning; so did ``PID=$(pgrep nginx) &&
    ip netns attach web $PID``. Each statement is read now: a step that sets the variable,
    then the command; the line prints as written."""
    page = IMPORT.parent / "scripts" / "set-then-run.sh"
    result = import_text(page.read_text(), "shell", page.name)
    assert result.lines == ("ip netns add ns1", "X=$(echo 5); ip netns add ns3", "ip netns add ns2")
    plan = build(scenario.load_text(result.yaml, "s.yaml"))
    made = [pc.command.op for pc in plan.setup if isinstance(pc.command.op, NetnsAdd)]
    assert [op.name for op in made] == ["ns1", "ns3", "ns2"]
    both = import_text("A=1; B=2\nip netns add n$A$B\n", "shell", "ab.sh")
    assert "name: n12" in both.yaml  # (only assignments: both set, no step)


def test_a_sudo_line_after_printed_output_is_a_command() -> None:
    """Hunt Y: ``sudo nmcli con add type bridge-slave ifname eth0 master br0`` after a
    command's output was taken for more of that output: the host change vanished from the
    scenario without a word. A line that starts with sudo and a program is a command."""
    page = IMPORT.parent / "hostconfig" / "nmcli-bridge.md"
    result = import_text(page.read_text(), "markdown", page.name)
    assert "sudo nmcli con add type bridge-slave ifname eth0 master br0" in result.lines
    assert 'sudo nmcli con down "Wired connection 1"' in result.lines
    assert "nmcli con add type bridge-slave" in " ".join(result.cannot_undo)


def test_a_shell_in_a_namespace_fed_a_here_string_keeps_it() -> None:
    """Hunt Z: ``ip netns exec h sh -c 'cat > /tmp/h3.html' <<< "<b>hi</b>"`` was read as
    the script's own commands, without what the line feeds them: the run said OK and the
    file was empty. The line is kept whole."""
    page = IMPORT.parent / "scripts" / "here-string-in-a-namespace.md"
    data = yaml.safe_load(import_text(page.read_text(), "markdown", page.name).yaml)
    commands = [s.get("command") for s in data["setup"]]
    assert "ip netns exec h sh -c 'cat > /tmp/h3.html' <<< \"<b>hi</b>\"" in commands
