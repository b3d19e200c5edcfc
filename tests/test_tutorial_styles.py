"""How real people write tutorials, as hunt D found them (2026-11-29): prompts their shell
themes draw, a shell opened in a namespace whose prompt says so, output that starts as a
command would, ``${N:-default}``, a bare ``wait``. Each case failed before its fix: a
command lost, run in the wrong namespace, or run when it was output."""

from __future__ import annotations

import subprocess

import pytest

from iplab import export, scenario
from iplab.batch import argv_line
from iplab.importer.convert import ImportResult, import_text
from iplab.importer.reader import ShellVars, strip_prompt
from iplab.plan import build
from iplab.steps import NetnsAdd, NetnsExec, Probe, Raw
from iplab.words import reads_only


def _where_each_runs(result: ImportResult) -> list[str | None]:
    """The namespace each step of the imported scenario runs in (None: the root)."""
    return [s.op.in_ns() for s in scenario.load_text(result.yaml, "p.yaml").steps]


def _texts(result: ImportResult) -> list[str]:
    plan = build(scenario.load_text(result.yaml, f"{result.name}.yaml"))
    return [pc.command.text for pc in [*plan.setup, *plan.teardown]]


@pytest.mark.parametrize(
    "prompt",
    [
        "➜  ~ ",  # oh-my-zsh (robbyrussell)
        "➜  lab git:(main) ✗ ",
        "% ",  # zsh's own
        "\u276f ",  # pure, starship (a heavy right angle)
        "alice@MacBook-Pro ~ % ",  # macOS zsh
        "(venv) $ ",
        "(base) alice@box:~$ ",  # conda
        "[ns1] root@box:~# ",  # a PS1 that shows the namespace
    ],
)
def test_a_prompt_a_shell_theme_draws_is_a_prompt(prompt: str) -> None:
    assert strip_prompt(f"{prompt}sudo ip netns add red") == "sudo ip netns add red"
    page = f"# Lab\n\n```\n{prompt}sudo ip netns add red\n{prompt}ip -br link\nlo UNKNOWN\n```\n"
    result = import_text(page, "markdown", "p.md")
    assert _texts(result) == ["sudo ip netns add red", "ip -br link"]


def test_not_a_prompt() -> None:
    assert strip_prompt("[ -f x ] && ip a") is None
    assert strip_prompt("%Cpu(s): 0.3 us") is None


INNER = """\
# From inside

```
alice@laptop:~$ sudo ip netns add inner
alice@laptop:~$ sudo ip netns exec inner bash
[inner] root@laptop:~# ip link set lo up
[inner] root@laptop:~# ip -br addr
lo               UNKNOWN        127.0.0.1/8 ::1/128
[inner] root@laptop:~# exit
alice@laptop:~$ sudo ip netns add outer
```
"""


@pytest.mark.parametrize("exit_line", [True, False], ids=["exit", "no exit"])
def test_a_shell_opened_in_a_namespace_ends_at_exit_or_at_the_prompt_it_was_opened_from(
    exit_line: bool,
) -> None:
    """Before: the tagged prompt was not one, the inner lines were dropped and every later
    command (the cleanup too) was run inside the namespace."""
    page = INNER if exit_line else INNER.replace("[inner] root@laptop:~# exit\n", "")
    result = import_text(page, "markdown", "p.md")
    steps = scenario.load_text(result.yaml, "p.yaml").steps
    inside = [s.op for s in steps if s.op.in_ns() == "inner"]
    assert len(inside) == 2
    assert not any(isinstance(s.op, NetnsExec) and s.op.ns == "inner" for s in steps[-1:])
    assert _texts(result)[-1] == "sudo ip netns add outer"


def test_a_shell_whose_prompt_does_not_change_ends_at_exit_only() -> None:
    page = (
        "```\nroot@box:~# ip netns add inner\nroot@box:~# ip netns exec inner bash\n"
        "root@box:~# ip link set lo up\nroot@box:~# ip -br link\nlo UP\n"
        "root@box:~# exit\nroot@box:~# ip netns add outer\n```\n"
    )
    assert _where_each_runs(import_text(page, "markdown", "p.md")) == [
        None, "inner", "inner", None
    ]  # fmt: skip


def test_what_ip_and_brctl_print_under_them_is_output_not_a_command() -> None:
    page = (
        "```bash\nip -V\nip utility, iproute2-6.1.0, libbpf 1.1.0\n```\n\n```bash\n"
        "ip netns add a\nip netns exec a brctl show\n"
        "bridge name\tbridge id\t\tSTP enabled\tinterfaces\nip netns del a\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert _texts(result) == ["ip -V", "ip netns add a", "ip netns exec a brctl show",
                              "ip netns del a"]  # fmt: skip
    steps = scenario.load_text(result.yaml, "p.yaml").steps
    assert steps[0].output == "ip utility, iproute2-6.1.0, libbpf 1.1.0"
    assert isinstance(steps[0].op, Raw) and steps[0].op.observes  # ip -V changes nothing


SCRIPT = """\
plug() {
  local plen=${3:-24}
  ip netns add $1
  ip -n $1 link add v0 type veth peer name v1
  ip -n $1 addr add 10.0.0.$2/$plen dev v0
}
plug a 1
plug b 2 16
NS=${NS:-c}
ip netns add $NS
"""


def test_defaults_in_parameter_expansions_are_what_bash_gives() -> None:
    """Before: ``${3:-24}`` was left to the shell, empty, and ``addr add 10.0.0.1/``
    failed."""
    result = import_text(SCRIPT, "shell", "s.sh", variables="expand")
    texts = _texts(result)
    assert "ip -n a addr add 10.0.0.1/24 dev v0" in texts
    assert "ip -n b addr add 10.0.0.2/16 dev v0" in texts
    assert texts[-1] == "ip netns add c"
    assert not result.warnings


def test_a_warning_in_a_function_names_its_line_and_the_call() -> None:
    script = "f() {\n  local p=$UNSET\n  ip addr add 10.0.0.1/$p dev x\n}\nf\n"
    result = import_text(script, "shell", "s.sh")
    assert any(w.startswith("line 3 (in f, called at line 5): cannot resolve $p ($p is set"
                            " at line 2") for w in result.warnings), result.warnings  # fmt: skip


def test_an_empty_word_never_joins_a_batch_where_it_would_be_lost() -> None:
    assert argv_line(("ip", "link", "set", "dev", "x", "alias", "")) is None
    assert argv_line(("ip", "-n", "a", "link", "set", "x", "up")) == "netns exec a ip link set x up"


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ("wait", True),
        ("ip -V", True),
        ("bridge -V", True),
        ("ip -n a -V", False),
        ("ip netns exec a ethtool -k v0 | grep checksumming", True),
        ("ethtool v0", True),
        ("ethtool -K v0 tx off", False),
        ("ethtool -s v0 speed 10", False),
    ],
)
def test_what_only_reads(command: str, reads: bool) -> None:
    assert reads_only(command) is reads


LIST_PAGE = """\
# Lab

1. Namespaces:

        sudo ip netns add l1

2. Addresses, then bring the links up:
    sudo ip -n l1 link set lo up
    sudo ip -n l1 addr add 10.3.3.1/24 dev lo

3. `ip netns exec` is fine for one command. Syntax: `ip link set DEV up`.

4. Clean up: `sudo ip netns del l1`
"""


def test_commands_a_list_item_holds_outside_a_code_block_are_read_with_a_warning() -> None:
    """Lines indented too little to be a code block, and a command after a label: before,
    prose, dropped without a word (the run said OK with 2 of 5 commands)."""
    result = import_text(LIST_PAGE, "markdown", "p.md")
    assert _texts(result) == [
        "sudo ip netns add l1",
        "sudo ip -n l1 link set lo up",
        "sudo ip -n l1 addr add 10.3.3.1/24 dev lo",
        "sudo ip netns del l1",
    ]
    said = "\n".join(result.warnings)
    assert (
        "line 8: not in a code block; 'sudo ip -n l1 link set lo up' is read as a command" in said
    )
    assert "line 13: not in a code block; 'sudo ip netns del l1'" in said


def test_a_code_block_in_a_details_element_is_read() -> None:
    page = (
        "# Lab\n\n```bash\nsudo ip netns add d1\n```\n\n<details open>\n<summary>Check</summary>"
        "\n\n<pre>\n$ sudo ip netns exec d1 ip -br link\nlo DOWN\n</pre>\n\n</details>\n"
        "\n<pre>\n$ ping -c 1 $PEER\n</pre>\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert _texts(result) == [
        "sudo ip netns add d1", "sudo ip netns exec d1 ip -br link", "ping -c 1 $PEER"
    ]  # fmt: skip
    steps = scenario.load_text(result.yaml, "p.yaml").steps
    assert steps[1].output == "lo DOWN"
    assert any(w.startswith("line 18: cannot resolve $PEER") for w in result.warnings)


@pytest.mark.parametrize(
    "heading", ["Nettoyage", "Limpieza", "Aufräumen", "Уборка", "清理", "後片付け", "정리"]
)
def test_a_cleanup_heading_in_the_language_of_the_page_marks_the_teardown(heading: str) -> None:
    """The heading, not only the deletions at the end, says where the teardown starts: a
    ``sysctl`` put back before the deletions was a setup step (hunt C, in Russian)."""
    page = (
        "# Lab\n\n```bash\nip netns add a\nip netns exec a sysctl -w net.ipv4.ip_forward=1\n```"
        f"\n\n## {heading}\n\n```bash\nip netns exec a sysctl -w net.ipv4.ip_forward=0\n"
        "ip netns del a\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert (result.setup, result.teardown) == (2, 2)


NESTED = """\
```console
$ sudo ip netns add o1
$ sudo ip netns add o2
$ sudo ip netns exec o1 bash
root@box:~# ip link set lo up
root@box:~# ip netns exec o2 bash
root@box:~# ip link set lo up
root@box:~# exit
root@box:~# ip link add dm type bridge
root@box:~# exit
$ ip -n o2 -br link
```
"""


def test_a_shell_opened_in_a_namespaces_shell_is_left_by_its_own_exit() -> None:
    """Before: the inner shell was a step that did nothing, its ``lo up`` ran in o1, and
    the bridge typed in o1 after the inner ``exit`` was made in the root namespace."""
    result = import_text(NESTED, "markdown", "p.md")
    steps = scenario.load_text(result.yaml, "p.yaml").steps
    assert [(type(s.op).__name__, s.op.in_ns()) for s in steps] == [
        ("NetnsAdd", None), ("NetnsAdd", None), ("LinkSet", "o1"), ("LinkSet", "o2"),
        ("LinkAdd", "o1"), ("LinkShow", "o2"),
    ]  # fmt: skip
    printed = export.text(build(scenario.load_text(result.yaml, "p.yaml")))
    assert printed == "".join(f"{line.split(' ', 1)[1]}\n" for line in NESTED.splitlines()[1:-1])


def test_prompts_that_say_the_namespace_come_back_to_the_outer_shell() -> None:
    page = (
        "```console\nroot@box:~# ip netns exec p1 bash\n[p1] root@box:~# ip link set lo up\n"
        "[p1] root@box:~# ip netns exec p2 bash\n[p2] root@box:~# ip -br link\nlo DOWN\n"
        "[p2] root@box:~# exit\n[p1] root@box:~# ip -br addr\nroot@box:~# ip -br link\n```\n"
    )
    assert _where_each_runs(import_text(page, "markdown", "p.md")) == ["p1", "p2", "p1", None]


@pytest.mark.parametrize(
    "text",
    [
        "${V%X*}",
        "${V%%X*}",
        "${V#*X}",
        "${V##*X}",
        "${V%.*}",
        "${V##*.}",
        "${V/b/Q}",
        "${V//b/Q}",
        "${V/X*/Z}",
        "${V//[0-9]/N}",
        "${V:1:2}",
        "${V: -3}",
        "${V:2}",
        "${#V}",
        "${V^^}",
        "${V^}",
        "${V,,}",
        "${V:-d}",
        "${U:-d}",
        "${U-d}",
        "${V:+p}",
        "${U:+p}",
        "${U:-${V}x}",
        "${U:-${W:-deep}}",
        "${V:?need}",
    ],
)
@pytest.mark.parametrize("value", ["hEs1", "aXbXc", "10.0.0.1", "veth-br0", ""])
def test_parameter_expansions_are_what_bash_prints(text: str, value: str) -> None:
    shell = ShellVars()
    shell.values["V"] = value
    said, unresolved = shell.expand(text)
    if unresolved:  # (only ${V:?} of an empty V: bash stops the script there)
        assert text == "${V:?need}" and not value
        return
    bash = subprocess.run(
        ["bash", "-c", f'V={value!r}; printf %s "{text}"'],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert said == bash.stdout


def test_a_default_that_assigns_is_read_and_a_colon_runs_nothing() -> None:
    """``: ${BASE:=hEs}`` gave an internal error (KeyError: 'BASE'), hunt E."""
    result = import_text(": ${BASE:=lab}\nip netns add ${BASE}1\n", "shell", "s.sh")
    assert result.lines == ("ip netns add ${BASE}1",)  # printed as written
    assert _texts(result) == ["ip netns add lab1"]
    steps = scenario.load_text(result.yaml, "s.yaml").steps
    assert [s.op for s in steps] == [NetnsAdd(name="lab1")]


def test_commands_after_a_label_or_a_verb_on_a_page_without_code_blocks() -> None:
    page = (
        "# Lab\n\n1. Create them: `sudo ip netns add l3`\n2. Then `sudo ip netns add l4`\n\n"
        "Run `ip -n l3 link set lo up` to bring loopback up.\n\n"
        "Clean up: `sudo ip netns del l3` and `sudo ip netns del l4`.\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert _texts(result) == [
        "sudo ip netns add l3", "sudo ip netns add l4", "sudo ip netns del l3",
        "sudo ip netns del l4",
    ]  # fmt: skip
    assert (result.setup, result.teardown) == (2, 2)


def test_a_line_with_a_run_time_value_in_a_labs_namespace_is_undone_with_it() -> None:
    """``ip -n a neigh add ... lladdr $MAC`` and ``ip netns exec a bash -c 'ip link set $IF
    up'`` change only a namespace the lab makes: deleting it undoes them; the summary said
    iplab could not undo them."""
    script = (
        "ip netns add a\nip -n a link add v0 type veth peer name v1\n"
        "MAC=$(ip -n a -br link show v1 | awk '{print $3}')\n"
        "ip -n a neigh add 10.0.0.9 lladdr $MAC dev v0\n"
        "ip netns exec a bash <<'EOF'\nIF=$(ip -br link | head -1)\nip link set $IF up\nEOF\n"
        "ip -n $NS link add x type dummy\n"
    )
    result = import_text(script, "shell", "s.sh")
    assert [c.split(": ", 1)[1] for c in result.cannot_undo] == ["ip -n $NS link add x type dummy"]


def test_an_alias_the_page_defines_runs_its_command() -> None:
    """``alias nsx="sudo ip netns exec"`` then ``nsx a ip -br link``: the second line was
    lost and preflight said 'this host does not have nsx' (hunt E)."""
    page = (
        '```bash\nalias nsx="sudo ip netns exec"\nsudo ip netns add a\n'
        "nsx a ip link set lo up\nnsx a ip -br link\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert result.lines == tuple(page.split("\n")[1:5])
    assert _texts(result)[1:] == [
        "sudo ip netns add a", "sudo ip netns exec a ip link set lo up",
        "sudo ip netns exec a ip -br link",
    ]  # fmt: skip
    script = export.script(build(scenario.load_text(result.yaml, "p.yaml")))
    assert "\nshopt -s expand_aliases" in script


def test_a_program_run_in_a_namespace_without_arguments_opens_no_shell() -> None:
    """``ip netns exec a hostname`` was read as opening a shell in ``a``: its output was
    dropped and every later line ran inside ``a`` (hunt F)."""
    page = (
        "```\nip netns add a\n```\n\n```\nip netns exec a hostname\nip netns exec a arp\n"
        "ip netns del a\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert _texts(result) == [
        "ip netns add a", "ip netns exec a hostname", "ip netns exec a arp", "ip netns del a"
    ]  # fmt: skip


def test_a_function_defined_and_called_in_one_block_runs_its_calls() -> None:
    page = (
        "```bash\nmkns() {\n  ip netns add $1\n  ip -n $1 link set lo up\n}\nmkns a\nmkns b\n```\n"
    )
    assert _texts(import_text(page, "markdown", "p.md")) == [  # (hunt DT #2: no `true` first)
        "ip netns add a", "ip -n a link set lo up", "ip netns add b", "ip -n b link set lo up"
    ]  # fmt: skip


def test_a_counter_a_loops_body_moves_counts_on_in_the_next_round() -> None:
    """``i=$((i+1))`` in a ``for`` body: every round had i=2 (hunt F)."""
    loop = "i=2\nfor c in a b c; do\n  ip -n $c addr add 10.9.0.$i/24 dev lo\n  i=$((i+1))\ndone\n"
    result = import_text("ip netns add a\nip netns add b\nip netns add c\n" + loop, "shell", "s")
    assert _texts(result)[3:] == [
        f"ip -n {c} addr add 10.9.0.{n}/24 dev lo" for c, n in zip("abc", (2, 3, 4), strict=True)
    ]
    printed = export.script(build(scenario.load_text(result.yaml, "s.yaml")))
    assert "\n" + loop in printed  # i=2 as the script had it before the loop, not after


def test_a_shell_never_left_ends_at_the_next_heading_with_a_warning() -> None:
    page = (
        "## In the namespace\n\n```\n$ sudo nsenter --net=/var/run/netns/a bash\n"
        "$ ip link set lo up\n```\n\n## On the host\n\n"
        "```\n$ sudo ip link add b0 type bridge\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert _where_each_runs(result) == ["a", None]
    assert any(
        "never left with exit; read as left before this heading" in w for w in result.warnings
    )


@pytest.mark.parametrize(
    ("printed", "reachable"),
    [
        ("connect: Network is unreachable", False),
        ("2 packets transmitted, 0 received, 100% packet loss, time 1ms", False),
        ("From 10.0.1.1 icmp_seq=1 Destination Host Unreachable", False),
        ("64 bytes from 10.0.2.2: icmp_seq=1 ttl=63 time=0.1 ms", True),
    ],
)
def test_a_ping_the_page_shows_failing_is_a_probe_that_must_fail(
    printed: str, reachable: bool
) -> None:
    page = (
        "```\n$ ip netns add h1\n$ ip -n h1 addr add 10.0.1.2/24 dev lo\n"
        f"$ ip netns exec h1 ping -c 2 10.0.1.2\n{printed}\n```\n"
    )
    probe = scenario.load_text(import_text(page, "markdown", "p.md").yaml, "p.yaml").steps[2].op
    assert isinstance(probe, Probe) and probe.reachable is reachable


def test_a_quoted_word_the_shell_expands_nothing_in_is_text() -> None:
    assert reads_only('echo "> Network devices"')
    assert reads_only('echo -e "\\n> Route table"')
    assert not reads_only('echo "$(rm -f x)"')
