"""The programs a lab's commands start, and the preflight that looks for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import IplabError
from iplab.plan import Plan, build
from iplab.programs import programs, refuse_missing
from tests.kernel import iplab, netns_names


@pytest.mark.parametrize(
    ("command", "started"),
    [
        ("sudo ip netns exec m1 ovs-vsctl add-br ovsbr0", ["ovs-vsctl"]),
        ("sudo -E ip -n sa addr add 10.0.0.1/24 dev sa0", ["ip"]),
        ("ip netns exec s python3 -m http.server 8080 > /dev/null 2>&1 &", ["python3"]),
        ("echo 1 | sudo tee /proc/sys/net/ipv4/ip_forward", ["tee"]),
        ("for i in 1 2; do ip netns add n$i; done", ["ip"]),
        ('bash -c "brctl addbr b0 && brctl show"', ["bash", "brctl", "brctl"]),
        ("timeout 5 tcpdump -i any -c 3", ["tcpdump"]),
        ("A=1 B=2 iperf3 -c 10.0.0.1", ["iperf3"]),
        ("sudo -u bob nsenter --net=/run/netns/x -- ping -c1 10.0.0.1", ["ping"]),
        ("env -i PATH=/bin socat - TCP:10.0.0.1:80", ["socat"]),
        ("if ip link show br0; then ip link del br0; fi", ["ip", "ip"]),
        ("ip link del x 2>/dev/null || true", ["ip"]),
        ("cat <<EOF > /tmp/x", ["cat"]),
        ("$TOOL add", []),
        ("kill %1; wait %1", []),
        ("case $1 in up) ip netns add a;; esac", ["ip"]),
        ("(cd /tmp && nc -l 9000)", ["nc"]),
        ("ip l s up dev 'unclosed", []),
    ],
)
def test_the_programs_a_command_starts(command: str, started: list[str]) -> None:
    assert programs(command) == started


def _plan(lines: list[str]) -> Plan:
    steps = "".join(f"  - action: raw\n    command: '{line}'\n" for line in lines)
    return build(scenario.load_text(f"name: p\nsetup:\n{steps}", "p.yaml"))


def test_a_lab_that_runs_a_program_the_host_lacks_is_refused_with_every_one_named() -> None:
    plan = _plan(
        ["ip netns add n0", "iplab-no-such-tool-1 x", "ip -n n0 link", "iplab-no-such-tool-2"]
    )
    with pytest.raises(IplabError) as caught:
        refuse_missing(plan)
    said = str(caught.value)
    assert said.startswith("p.yaml:5: setup[1]: not starting: this host does not have")
    assert "iplab-no-such-tool-1, which `iplab-no-such-tool-1 x` runs (line 5)" in said
    assert "iplab-no-such-tool-2, which `iplab-no-such-tool-2` runs (line 9)" in said
    assert "--no-preflight" in said


def test_a_known_programs_package_is_named_and_what_a_tutorial_installs_is_not_looked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda p: None if p == "brctl" else real(p))
    with pytest.raises(
        IplabError, match=r"brctl \(package bridge-utils\), which `brctl addbr b0` runs"
    ):
        refuse_missing(_plan(["brctl addbr b0"]))
    refuse_missing(_plan(["apt-get install -y bridge-utils", "brctl addbr b0"]))
    typed = build(scenario.load_text("name: t\nsetup:\n  - line: brctl addbr b0\n", "t.yaml"))
    assert type(typed.setup[0].command.op).__name__ != "Raw"  # the op says its tool
    with pytest.raises(
        IplabError, match=r"t\.yaml:3: setup\[0\]: .* brctl \(package bridge-utils\)"
    ):
        refuse_missing(typed)


@pytest.mark.kernel
def test_up_refuses_before_anything_runs_and_no_preflight_runs_and_rolls_back(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    lab = tmp_path / "tools.yaml"
    lab.write_text(
        "name: tools\nsetup:\n  - action: netns add\n    name: t0\n"
        "  - action: netns exec\n    in: t0\n    command: iplab-no-such-tool --version\n"
    )
    refused = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert refused.returncode == 1, refused.stderr
    assert "not starting: this host does not have iplab-no-such-tool" in refused.stderr
    assert [n for n in netns_names() if n.startswith(prefix)] == []  # nothing ran
    forced = iplab("up", str(lab), "--prefix", prefix, "--no-preflight", state=state_dir)
    assert forced.returncode == 1
    assert "rolled back" in forced.stderr, forced.stderr
    assert [n for n in netns_names() if n.startswith(prefix)] == []


def test_check_says_which_programs_this_host_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from iplab.cli import main

    lab = tmp_path / "tools.yaml"
    lab.write_text("name: tools\nsetup:\n  - action: raw\n    command: iplab-no-such-tool -V\n")
    assert main(["check", str(lab)]) == 0
    err = capsys.readouterr().err
    assert err == (
        "iplab: note: this host does not have iplab-no-such-tool, which `iplab-no-such-tool -V`"
        " runs: up and run refuse the lab until it is installed\n"
    )


def test_a_tool_only_a_step_the_author_lets_fail_runs_is_a_note() -> None:
    """``traceroute -n X || true`` on a host without traceroute refused the whole lab, and
    said the run would roll back (it would not: the step may fail)."""
    text = (
        "name: p\nsetup:\n  - action: raw\n    command: iplab-no-such-tool-3 x\n"
        "    may_fail: true\n"
    )
    plan = build(scenario.load_text(text, "p.yaml"))
    notes = refuse_missing(plan)
    assert notes == [
        "this host does not have iplab-no-such-tool-3, which `iplab-no-such-tool-3 x` runs;"
        " the author lets that step fail"
    ]
    # the same tool where a step must work: refused, named at that step
    text += "  - action: raw\n    command: iplab-no-such-tool-3 y\n"
    with pytest.raises(IplabError, match=r"p\.yaml:6: setup\[1\]: .*`iplab-no-such-tool-3 y`"):
        refuse_missing(build(scenario.load_text(text, "p.yaml")))


FIXTURES = Path(__file__).parent / "fixtures"


def test_a_mistyped_program_is_said_with_what_it_may_have_meant() -> None:
    """Hunt AS's page (p15): ``sudo ipnetns add http2`` and ``pythohn3 -m http.server``
    were said missing, to be installed; they are slips of ``ip netns`` and python3."""
    from iplab.importer.convert import import_text

    page = FIXTURES / "stored-pages" / "as-p15-typos.md"
    result = import_text(page.read_text(), "markdown", page.name)
    plan = build(scenario.load_text(result.yaml, "p15.yaml"))
    with pytest.raises(IplabError) as refused:
        refuse_missing(plan)
    said = f"{refused.value} {refused.value.hint}"
    assert "ipnetns (ip netns mistyped?)" in said
    assert "pythohn3 (python3 mistyped?)" in said
    assert "correct what is mistyped" in said
    assert "install what is missing" not in said


@pytest.mark.parametrize(
    ("program", "meant"),
    [
        ("ipaddr", "ip addr"),
        ("bridgefdb", "bridge fdb"),
        ("tcqdisc", "tc qdisc"),
        ("iperf3", None),  # (another program than iperf: no slip of it)
        ("ping6", None),
        ("ip6tables", None),
        ("ipset", None),
        ("ovs-vsctl", None),
    ],
)
def test_what_is_a_slip_and_what_is_another_program(program: str, meant: str | None) -> None:
    from iplab.programs import typo_of

    assert typo_of(program) == meant
