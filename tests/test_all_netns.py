"""``ip -all netns delete``: a tutorial's "delete every namespace", scoped to the lab.

Run as written, the line deletes every namespace of the host (other labs' too). iplab
prints it as written and deletes the namespaces its model holds at that step.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from iplab import scenario
from iplab.audit import replay_script
from iplab.errors import ScenarioError
from iplab.importer.convert import import_text
from iplab.lab import limits_of
from iplab.lineparse import parse_line
from iplab.model import ModelError
from iplab.plan import build
from iplab.render import ALL_NETNS_ARGV
from iplab.steps import NetnsDelAll
from iplab.words import reaches_every_netns
from tests.conftest import REPO
from tests.kernel import apart, iplab

SCRIPT = """\
ip -all netns delete
ip netns add n1
ip netns add n2
ip link add v1 netns n1 type veth peer name v2 netns n2
ip netns del n2
# clean up
sudo ip -all netns del
"""


@pytest.mark.parametrize(
    ("line", "verb"),
    [
        ("ip -all netns delete", "delete"),
        ("ip -all netns del", "del"),
        ("ip -a netns d", "delete"),  # ip's own abbreviations
        ("ip -all netns del n1", "del"),  # with -all, ip ignores the name: every namespace
    ],
)
def test_the_line_reads_as_delete_all(line: str, verb: str) -> None:
    assert parse_line(line) == NetnsDelAll(verb=verb, text=line)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "line",
    ["ip -all netns exec ip link set lo up", "ip -all netns exec sysctl -w x.y=1"],
)
def test_other_all_forms_stay_the_authors_words(line: str) -> None:
    assert parse_line(line) is None


def _plan(prefix: str = "") -> list[tuple[str, tuple[str, ...], str | None]]:
    imported = import_text(SCRIPT, "shell", "all.sh")
    plan = build(scenario.load_text(imported.yaml, "all.yaml"), prefix=prefix)
    return [(pc.command.text, pc.command.argv, pc.command.stdin) for pc in plan.commands]


def test_it_deletes_the_namespaces_the_lab_holds_at_that_step() -> None:
    commands = _plan("pz")
    # printed as written; the first (start clean) finds nothing of the lab: it is fed nothing
    assert commands[0] == ("ip -all netns delete", ALL_NETNS_ARGV, "")
    # n2 was deleted before: only n1 is left, with its prefix; the sudo is the author's
    assert commands[-1] == ("sudo ip -all netns del", ALL_NETNS_ARGV, "netns del pzn1\n")
    assert [argv for _, argv, _ in commands[1:-1]] == [
        ("ip", "netns", "add", "pzn1"),
        ("ip", "netns", "add", "pzn2"),
        ("ip", "link", "add", "pzv1", "netns", "pzn1", "type", "veth", "peer", "name", "pzv2",
         "netns", "pzn2"),
        ("ip", "netns", "del", "pzn2"),
    ]  # fmt: skip


def test_the_import_says_it_is_scoped_and_it_is_the_teardown() -> None:
    imported = import_text(SCRIPT, "shell", "all.sh")
    assert "action: netns del all" in imported.yaml
    assert any("line 7: sudo ip -all netns del: iplab deletes the lab's own namespaces only" in w
               for w in imported.warnings)  # fmt: skip
    plan = build(scenario.load_text(imported.yaml, "all.yaml"))
    assert [pc.command.text for pc in plan.teardown] == ["sudo ip -all netns del"]
    assert "iplab cannot undo" not in imported.summary()


def test_a_scenario_may_write_the_action() -> None:
    text = textwrap.dedent("""\
        name: t
        setup:
          - {action: netns add, name: a}
        teardown:
          - {action: netns del all}
        """)
    plan = build(scenario.load_text(text, "t.yaml"))
    (down,) = plan.teardown
    assert (down.command.text, down.command.stdin) == ("ip -all netns delete", "netns del a\n")


def test_the_replay_script_feeds_what_ip_read() -> None:
    record = {"argv": list(ALL_NETNS_ARGV), "input": "netns del a\nnetns del b\n", "rc": 0}
    script = replay_script([record])
    assert script.endswith(
        "ip -force -batch - <<'IPLAB_INPUT'\nnetns del a\nnetns del b\nIPLAB_INPUT\n"
    )


def _run_apart(
    lab: Path, prefix: str, state_dir: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """``iplab run`` in a mount namespace of its own with an empty /run/netns, beside a
    namespace of this test's that is not the lab's: even if iplab ran ``ip -all netns
    delete`` as written, it could only reach what this test made there (and those
    namespaces vanish with the mount namespace). Prints what is left at the end."""
    extra = " ".join(options)
    inner = textwrap.dedent(f"""\
        set -e
        ip netns add {prefix}keep
        {sys.executable} -m iplab run {lab} --prefix {prefix} --state-dir {state_dir} {extra}
        echo "left: $(ip netns list | cut -d' ' -f1 | tr '\\n' ' ')"
        ip netns del {prefix}keep
        """)
    return apart(inner, net=False)


@pytest.mark.kernel
def test_run_deletes_the_labs_namespaces_and_leaves_the_hosts(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    lab = tmp_path / "all.yaml"
    lab.write_text(import_text(SCRIPT, "shell", "all.sh").yaml)
    result = _run_apart(lab, prefix, state_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[1/5] ip -all netns delete\n" in result.stdout  # start clean: nothing of the lab
    assert "[1/1] sudo ip -all netns del\n" in result.stdout
    assert "== nothing of the lab remains" in result.stdout
    assert f"left: {prefix}keep \n" in result.stdout
    records = iplab("audit", "--json", state=state_dir).stdout
    assert f'"input": "netns del {prefix}n1\\n"' in records


@pytest.mark.parametrize(
    "command",
    [
        "ip -all netns delete || true",
        "sudo ip -a netns d",  # ip's abbreviations
        "ip --all netns del 2>/dev/null",
        "ip -n x -all net del",  # an option with a value before it
        "ip netns exec x ip -all netns delete",  # inside a namespace: the same /run/netns
        "bash -c 'ip link; ip -all netns del'",  # a quoted script
        "echo hi; /sbin/ip -all netns delete",
    ],
)
def test_a_command_kept_as_written_that_deletes_every_namespace_is_refused(command: str) -> None:
    assert reaches_every_netns(command) == "ip -all netns delete"
    text = (
        "name: t\nsetup:\n  - {action: netns add, name: a}\n"
        f"  - action: raw\n    shell: true\n    command: {command!r}\n"
    )
    with pytest.raises(ModelError, match="every namespace of the host") as caught:
        build(scenario.load_text(text, "t.yaml"))
    assert caught.value.loc is not None
    assert (caught.value.loc.line, caught.value.loc.field) == (4, "setup[1]")


@pytest.mark.parametrize(
    "command",
    [
        "ip -all netns exec ip link set lo up",
        "sudo ip -all netns exec sysctl -w net.ipv4.ip_forward=1",
        "ip -all netns exec ip link set lo up; ip link",
    ],
)
def test_a_change_run_in_every_namespace_is_refused(command: str) -> None:
    found = reaches_every_netns(command)
    assert found is not None and found.startswith("ip -all netns exec ")
    assert "; ip link" not in found
    text = f"name: t\nsetup:\n  - action: raw\n    shell: true\n    command: {command!r}\n"
    with pytest.raises(
        ModelError, match=r"ip -all netns exec .*every namespace of the host"
    ) as caught:
        build(scenario.load_text(text, "t.yaml"))
    # the way out is the change in each of the lab's namespaces (it spoke of delete)
    said = str(caught.value)
    assert "with ip netns exec NS" in said and "delete" not in said


@pytest.mark.parametrize(
    "command",
    [
        "ip netns del a",
        "echo ip -all netns delete",  # said, not run
        "printf '%s\\n' 'ip -all netns del'",
        "ip -all link",
        "ip -a",
    ],
)
def test_other_commands_are_not_taken_for_it(command: str) -> None:
    assert not reaches_every_netns(command)


@pytest.mark.parametrize(
    ("line", "texts"),
    [
        ("ip -all netns delete || true", ["ip -all netns delete"]),
        ("sudo ip -all netns del >/dev/null 2>&1 || :", ["sudo ip -all netns del"]),
        ("ip link add b0 type bridge && ip link set b0 up",
         ["ip link add b0 type bridge", "ip link set b0 up"]),
        ("ip netns add n1 2>/dev/null && ip -n n1 link set lo up",
         ["ip netns add n1", "ip -n n1 link set lo up"]),
        ("ip netns add n1; ip netns add n2", ["ip netns add n1", "ip netns add n2"]),
        ("ip link add b0 type bridge; echo 'bridge made'", ["ip link add b0 type bridge"]),
        ("ip netns add n1 && echo ok", ["ip netns add n1"]),
    ],
)  # fmt: skip
def test_a_line_of_typed_commands_is_one_block(line: str, texts: list[str]) -> None:
    imported = import_text(line + "\n", "shell", "x.sh")
    plan = build(scenario.load_text(imported.yaml, "x.yaml"))
    assert [pc.command.text for pc in plan.commands] == texts
    assert [step.verbatim for step in plan.scenario.steps][:1] == [line]
    assert "action: raw" not in imported.yaml


@pytest.mark.parametrize(
    "line",
    [
        "ip link add b1 type bridge && ip link set b1 up || true",  # which one may fail?
        "cd /tmp && ip link add b0 type bridge",  # cd: the next command's shell
        "ip link add b0 type bridge > /tmp/log",  # a file written
        "ip link add b1 type bridge; cd /tmp",
    ],
)
def test_other_lines_stay_one_raw_step(line: str) -> None:
    imported = import_text("ip link add b0 type bridge\n" + line + "\n", "shell", "x.sh")
    assert f"command: {line}" in imported.yaml


def test_a_command_the_author_lets_fail_is_a_step_that_may_fail() -> None:
    script = (
        "ip link del b0 2>/dev/null || true\nip link add b0 type bridge\nip link set b0 up || :\n"
    )
    imported = import_text(script, "shell", "x.sh")
    plan = build(scenario.load_text(imported.yaml, "x.yaml"), prefix="pz")
    steps = [
        (pc.command.text, step.may_fail, pc.skip)
        for pc, step in zip(plan.commands, plan.scenario.steps, strict=True)
    ]
    assert steps == [
        # "start clean": the model knows b0 is not there yet, so the run skips it (run, it
        # could only reach a b0 that is not the lab's)
        ("ip link del pzb0", True, "link pzb0 does not exist in the root namespace at this step"),
        ("ip link add pzb0 type bridge", False, None),
        ("ip link set pzb0 up", True, None),  # may fail, runs
    ]
    assert "may_fail: true" in imported.yaml and "action: raw" not in imported.yaml


@pytest.mark.kernel
def test_a_step_that_may_fail_and_fails_lets_the_run_go_on(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """The kernel refuses what the model took (an ip that says "Operation not permitted"):
    the run says so, goes on, verifies the lab without that step, and undoes the rest."""
    from tests.hostile.hostile import leftovers, shim_env

    script = "ip link add b0 type bridge\nip link set b0 up || true\nip netns add n1\n"
    lab = tmp_path / "mf.yaml"
    lab.write_text(import_text(script, "shell", "mf.sh").yaml)
    env = shim_env(tmp_path, SHIM_FAIL=f"link set {prefix}b0 up")
    result = iplab("run", str(lab), "--prefix", prefix, state=state_dir, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        f"[2/3] ip link set {prefix}b0 up\n"
        "    failed, as the author allows: RTNETLINK answers: Operation not permitted (shim)\n"
        f"[3/3] ip netns add {prefix}n1\n"
    ) in result.stdout
    assert "verify: the kernel holds what the scenario promised" in result.stdout
    assert leftovers(prefix) == []
    records = iplab("audit", "--json", state=state_dir).stdout.splitlines()
    assert any(f'"text": "ip link set {prefix}b0 up"' in r and '"rc": 2' in r for r in records)


@pytest.mark.kernel
def test_the_docker_style_tutorial_runs_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """The corpus's Docker-style script (kept out of tests/test_corpus.py's runs on the
    shared host): it starts clean, wires two boxes on a bridge, pings, deletes "all"."""
    from tests.corpus import import_tutorial
    from tests.hostile.hostile import leftovers

    imported = import_tutorial(REPO / "tests/fixtures/tutorials/26-docker-style-bridge.sh")
    lab = tmp_path / "docker.yaml"
    lab.write_text(imported.yaml)
    result = _run_apart(lab, prefix, state_dir)
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert f"[ 2/26] ip link del {prefix}dock0\n    skipped, as the author allows" in said
    assert f"PASS {prefix}box1 reaches 172.26.0.3" in said
    assert "verify: the kernel holds what the scenario promised" in said
    assert "== nothing of the lab remains" in said
    assert f"left: {prefix}keep \n" in said
    assert leftovers(prefix) == []


def test_its_time_limit_grows_with_the_namespaces_it_deletes() -> None:
    """A large lab's ip -all netns delete is fed thousands of lines: like any ip -batch,
    it gets half a second a line more than the default limit."""
    text = "name: t\nsetup:\n  - loop: [1, 2, 3, 4]\n    action: netns add\n"
    text += "    name: 'n{{ item }}'\nteardown:\n  - {action: netns del all}\n"
    plan = build(scenario.load_text(text, "t.yaml"))
    (down,) = plan.teardown
    assert limits_of(down.command, 30).hard == 32.0
    assert limits_of(plan.setup[0].command, 30).hard == 30
    assert limits_of(down.command, None).hard is None  # --timeout 0: none


@pytest.mark.kernel
def test_a_namespace_the_host_had_before_the_lab_is_never_deleted(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """After a raw step of unknown effect, the model takes a namespace a later step uses
    as one that step may have made: it holds it at the ip -all netns delete. The run
    leaves it alone all the same: the host had it before the lab. (The preflight refuses
    such a scenario before anything runs, see tests/test_raw_undo.py; --no-preflight
    runs it, and the scoping at run time still spares the host's namespace.)"""
    lab = tmp_path / "adopt.yaml"
    lab.write_text(
        textwrap.dedent(f"""\
            name: adopt
            setup:
              - {{action: netns add, name: n1}}
              - {{action: raw, command: install -D /dev/null {tmp_path}/made}}
              - {{line: ip -n {prefix}keep link set lo up}}
            teardown:
              - {{action: netns del all}}
            """)
    )
    plan = build(scenario.load_text(lab.read_text(), str(lab)), prefix=prefix)
    assert plan.teardown[0].command.stdin == f"netns del {prefix}n1\nnetns del {prefix}keep\n"
    result = _run_apart(lab, prefix, state_dir, "--no-preflight")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"left: {prefix}keep \n" in result.stdout
    records = iplab("audit", "--json", state=state_dir).stdout
    assert f'"input": "netns del {prefix}n1\\n"' in records


def test_a_step_that_may_fail_is_skipped_when_the_model_is_not_sure_either() -> None:
    """After a raw step of unknown effect the model cannot be sure docker0 is not the lab's;
    run, the deletion could reach the host's docker0: the author let it fail, so it is
    skipped."""
    script = (
        "install -D /dev/null /tmp/x\nip link del docker0 2>/dev/null || true\nip netns add n1\n"
    )
    imported = import_text(script, "shell", "x.sh")
    plan = build(scenario.load_text(imported.yaml, "x.yaml"), prefix="pz")
    skips = [pc.skip for pc in plan.commands]
    assert skips[0] is None and skips[2] is None
    assert skips[1] is not None and "docker0" in skips[1]


# -- ip -all netns exec CMD (hunt O) ----------------------------------------------------------

OBSERVE = REPO / "tests/fixtures/grammar/05b-all-netns-observe.sh"


def test_a_reader_in_every_namespace_runs_in_the_labs_only() -> None:
    """Hunt O: ``ip -all netns exec ping ...`` (a CMD that only reads) was kept as a raw step
    run as written: the ping, the tcpdump ran in every namespace of the host, other labs'
    too. It is typed now, and what runs is CMD in the lab's namespaces at that step."""
    imported = import_text(OBSERVE.read_text(), "shell", OBSERVE.name)
    assert imported.yaml.count("action: netns exec all") == 3
    plan = build(scenario.load_text(imported.yaml, "05b.yaml"), prefix="pz")
    ping = next(pc.command for pc in plan.commands if "ping" in pc.command.text)
    assert ping.text == "ip -all netns exec ping -c1 -W1 127.0.0.1"  # printed as written
    assert ping.observe and ping.argv[:2] == ("bash", "-c")
    assert ping.argv[2] == (
        "printf '\\nnetns: %s\\n' pzalpha; ip netns exec pzalpha ping -c1 -W1 127.0.0.1; "
        "printf '\\nnetns: %s\\n' pzbeta; ip netns exec pzbeta ping -c1 -W1 127.0.0.1; :"
    )
    assert all("-all" not in " ".join(pc.command.argv) for pc in plan.commands)


def test_a_reader_in_every_namespace_kept_raw_is_refused() -> None:
    """Hunt O: the same line kept as a raw step (an older import's ``observe: true``) ran as
    written; it cannot be scoped there, and is refused, naming the file and line."""
    line = OBSERVE.read_text().splitlines()[4]
    text = f"name: t\nsetup:\n  - action: raw\n    command: {line}\n    observe: true\n"
    with pytest.raises(ModelError, match="every namespace of the host") as caught:
        build(scenario.load_text(text, "t.yaml"))
    assert caught.value.loc is not None and caught.value.loc.line == 3
    assert "action 'netns exec all'" in str(caught.value)


def test_a_reader_in_every_namespace_is_taken_for_it() -> None:
    """Hunt O (by design, was "not taken for it"): in a raw step, ``ip -all netns exec``
    of a reader runs in every namespace of the host as well: iplab cannot scope it there."""
    assert reaches_every_netns("ip -all netns exec ip link") == "ip -all netns exec ip link"


def test_a_scenario_may_write_the_exec_action_for_a_reader_only() -> None:
    text = "name: t\nsetup:\n  - {action: netns add, name: a}\n  - {action: netns exec all, "
    plan = build(scenario.load_text(text + "command: ip -br a}\n", "t.yaml"))
    assert plan.commands[-1].command.argv[2].endswith("ip netns exec a ip -br a; :")
    with pytest.raises(ScenarioError, match="changes something"):
        build(scenario.load_text(text + "command: ip link set lo up}\n", "t.yaml"))


@pytest.mark.kernel
def test_run_reads_in_the_labs_namespaces_and_never_in_another(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt O: beside a namespace of the test's own (not the lab's, with a link of its own
    in it), ``ip -all netns exec ip a`` and ``... ping`` run in the lab's namespaces only."""
    kept = [w for w in OBSERVE.read_text().splitlines(keepends=True) if "tcpdump" not in w]
    lab = tmp_path / "observe.yaml"
    lab.write_text(import_text("".join(kept), "shell", OBSERVE.name).yaml)
    inner = textwrap.dedent(f"""\
        set -e
        ip netns add {prefix}keep
        ip -n {prefix}keep link add {prefix}mark type veth peer name {prefix}mk2
        {sys.executable} -m iplab run {lab} --prefix {prefix} --state-dir {state_dir}
        echo "left: $(ip netns list | cut -d' ' -f1 | tr '\\n' ' ')"
        ip netns del {prefix}keep
        """)
    result = apart(inner, net=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"netns: {prefix}alpha" in result.stdout and f"netns: {prefix}beta" in result.stdout
    assert f"netns: {prefix}keep" not in result.stdout
    assert f"{prefix}mark" not in result.stdout
    assert f"left: {prefix}keep \n" in result.stdout
