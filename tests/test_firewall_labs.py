"""Firewall and NAT labs inside namespaces (hunt J): a ruleset fed to ``nft -f -`` or
``iptables-restore`` by a here-document, a status shown with ``; echo $?``, a fallback
after ``||`` for a program the host may lack, a failure bash ignores before ``;``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iplab import scenario
from iplab.cli import main
from iplab.errors import ScenarioError
from iplab.importer.convert import ImportResult, import_text
from iplab.plan import build
from iplab.programs import fallen_back, refuse_missing
from iplab.words import reads_only
from tests.conftest import FIXTURES

FIREWALL = FIXTURES / "firewall"


def _imported(name: str) -> ImportResult:
    path = FIREWALL / name
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".sh":
        return import_text(text, "shell", path.name)
    return import_text(text, "markdown", path.name)


def _commands(result: ImportResult) -> list[str]:
    """The setup's commands as a run runs them."""
    plan = build(scenario.load_text(result.yaml, f"{result.name}.yaml"))
    return [pc.command.text for pc in plan.setup]


def test_a_ruleset_fed_to_nft_in_a_namespace_is_one_step() -> None:
    """Hunt J: ``ip netns exec gw nft -f - <<EOF`` lost ``nft -f -`` and ran each line of
    the ruleset as a command of its own (``ip netns exec gw table ip nat {``)."""
    lines = _commands(_imported("03-nftables-nat.md"))
    fed = [line for line in lines if line.endswith("| ip netns exec gw nft -f -")]
    assert len(fed) == 1, lines
    assert '"table ip nat {"' in fed[0] and "masquerade" in fed[0]
    assert not [line for line in lines if line.startswith("ip netns exec gw table")], lines
    assert "ip netns exec gw }" not in lines


def test_a_ruleset_fed_to_iptables_restore_in_a_namespace_is_one_step() -> None:
    """Hunt J: ``ip netns exec rtr iptables-restore <<'EOF'`` ran ``ip netns exec rtr
    *filter``, ``ip netns exec rtr -A FORWARD ...`` and ``ip netns exec rtr COMMIT``."""
    lines = _commands(_imported("06-portfwd-nft-restore.sh"))
    fed = [line for line in lines if line.endswith("| ip netns exec rtr iptables-restore")]
    assert len(fed) == 1, lines
    assert "'*filter'" in fed[0] and fed[0].count("COMMIT") == 1
    assert not [
        line
        for line in lines
        if line.startswith(
            ("ip netns exec rtr *", "ip netns exec rtr -A", "ip netns exec rtr COMMIT")
        )
    ], lines


def test_a_shell_fed_a_here_document_still_runs_its_lines() -> None:
    """A shell given the document (``ip netns exec NS bash -s <<EOF``) runs its lines as
    commands: each one a step inside NS, as before."""
    text = "ip netns add gw\nip netns exec gw bash -s <<EOF\nip link set lo up\nEOF\n"
    lines = _commands(import_text(text, "shell", "s.sh"))
    assert "ip -n gw link set lo up" in lines or "ip netns exec gw ip link set lo up" in lines, (
        lines
    )


def _steps(result: ImportResult) -> dict[str, bool]:
    """Each setup command, and whether its step may fail."""
    plan = build(scenario.load_text(result.yaml, f"{result.name}.yaml"))
    return {
        pc.command.text: pc.command.step is not None and pc.command.step.may_fail
        for pc in plan.setup
    }


def test_a_command_whose_status_the_page_shows_may_fail() -> None:
    """Hunt J: ``ip netns exec inside nc -z -w 2 10.2.2.20 8080; echo $?`` with the page
    showing ``1`` (the firewall blocks 8080) had to work: the run failed there and rolled
    back, where bash printed 1 and went on."""
    steps = _steps(_imported("05-router-shell-session.md"))
    assert steps["ip netns exec inside nc -z -w 2 10.2.2.20 8080"] is True
    assert steps["ip netns exec inside ping -c 1 10.2.2.20"] is False


def test_a_status_shown_in_a_loop_lets_its_command_fail() -> None:
    """The same in a script's body (a loop's): the command before ``echo $?`` may fail."""
    text = (
        "ip netns add inside\n"
        "for p in 22 8080; do\n  ip netns exec inside nc -z 10.2.2.20 $p\n  echo $?\ndone\n"
    )
    steps = _steps(import_text(text, "shell", "s.sh"))
    assert steps["ip netns exec inside nc -z 10.2.2.20 8080"] is True
    assert steps["ip netns add inside"] is False
    assert "echo $?" not in steps  # (its own shell would print 0)


def test_a_silenced_command_before_a_semicolon_may_fail() -> None:
    """Hunt J: ``sudo ip link add isp type dummy 2>/dev/null; sudo ip netns add isp`` was
    refused ("this kernel has no dummy links") where bash goes on to ``ip netns add``."""
    steps = _steps(_imported("07-masq-one-liners.md"))
    assert steps["sudo ip link add isp type dummy"] is True
    assert steps["sudo ip netns add isp"] is False
    alone = _steps(import_text("ip link add isp type dummy 2>/dev/null\n", "shell", "a.sh"))
    assert alone == {"ip link add isp type dummy": False}  # (no ; after it: as before)


def test_a_missing_tool_with_a_fallback_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hunt J: ``ip netns exec fw conntrack -L -p tcp 2>/dev/null || cat
    /proc/net/nf_conntrack`` on a host without conntrack refused the lab, and said the
    step would fail; bash runs the fallback."""
    monkeypatch.setattr(shutil, "which", lambda p: None if p == "conntrack" else f"/bin/{p}")
    result = _imported("05-router-shell-session.md")
    notes = refuse_missing(build(scenario.load_text(result.yaml, "05.yaml")))
    assert len(notes) == 1 and notes[0].startswith("this host does not have conntrack")
    assert notes[0].endswith("the line goes on without it")


@pytest.mark.parametrize(
    ("command", "handled"),
    [
        ("ip netns exec fw conntrack -L 2>/dev/null || cat /proc/net/nf_conntrack",
         {"conntrack"}),
        ("command -v conntrack >/dev/null && ip netns exec fw conntrack -L", {"conntrack"}),
        ("sudo which conntrack && sudo conntrack -L", {"conntrack"}),
        ("conntrack -L && echo ok || true", {"conntrack"}),
        ("conntrack -L; ls", set()),
        ("command -v x; conntrack -L", set()),
        ("conntrack -L | grep tcp", set()),
        # hunt L: a missing stage fails the pipeline, and the || goes on
        ("ip netns exec rtr ethtool -k veth-rt | grep checksumming || true",
         {"ethtool", "grep"}),
        ("ethtool -k x | grep csum; ls", set()),
    ],
)  # fmt: skip
def test_the_programs_a_line_goes_on_without(command: str, handled: set[str]) -> None:
    assert fallen_back(command) == handled


def test_a_line_that_asks_for_its_tool_first_may_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hunt J: ``command -v conntrack && ip netns exec fw conntrack -L`` runs conntrack
    only when the host has it, and bash goes on after it either way: the preflight says
    a note, and the step may fail (it exits 1 without conntrack)."""
    line = "command -v conntrack >/dev/null && ip netns exec fw conntrack -L"
    result = import_text(f"ip netns add fw\n{line}\n", "shell", "c.sh")
    assert _steps(result) == {"ip netns add fw": False, line: True}
    monkeypatch.setattr(shutil, "which", lambda p: None if p == "conntrack" else f"/bin/{p}")
    notes = refuse_missing(build(scenario.load_text(result.yaml, "c.yaml")))
    assert len(notes) == 1 and notes[0].startswith("this host does not have conntrack")


_EXEC = """\
name: q
setup:
  - action: netns add
    name: gw
  - action: netns exec
    in: gw
    command: {command}
"""


def test_a_quoted_semicolon_is_a_word_of_a_netns_exec_command() -> None:
    """Hunt J: ``command: nft 'add table ip nat; add chain ...'`` in a netns exec step was
    refused as shell syntax, with a hint ('shell: true') that netns exec never reads; on
    import, ``ip netns exec gw nft 'add chain ... { ...; policy drop ; }'`` became a raw
    step iplab "cannot undo"."""
    command = (
        "nft 'add table ip nat; add chain ip nat postrouting { type nat hook postrouting"
        " priority srcnat; policy accept; }'"
    )
    plan = build(scenario.load_text(_EXEC.format(command=f'"{command}"'), "q.yaml"))
    assert plan.setup[-1].command.argv[-1].startswith("add table ip nat; add chain")
    with pytest.raises(ScenarioError, match="write it as a raw step with 'shell: true'"):
        scenario.load_text(_EXEC.format(command="nft list ruleset; true"), "q.yaml")
    result = _imported("03-nftables-nat.md")
    policy = "ip netns exec gw nft 'add chain inet filter forward { type filter hook forward"
    assert not [line for line in result.cannot_undo if policy in line], result.cannot_undo


def test_what_changes_only_a_labs_namespace_or_reads_is_no_leftover() -> None:
    """Hunt J: ``iptables -t nat -nvL`` (options written together), ``iptables-save``,
    ``conntrack -L`` were listed as changes iplab cannot undo, and so were ``echo 1 | ip
    netns exec r tee /proc/sys/net/...`` and a ruleset fed to ``nft -f -`` in a namespace
    the lab makes (deleting it undoes them)."""
    for name in ("07-masq-one-liners.md", "03-nftables-nat.md"):
        assert _imported(name).cannot_undo == (), name
    for line in ("iptables -t nat -nvL POSTROUTING", "iptables-save -t nat", "conntrack -L -n"):
        assert reads_only(line), line
    for line in ("iptables -vA FORWARD -j ACCEPT", "conntrack -F", "iptables-save -f /tmp/x"):
        assert not reads_only(line), line


def test_a_dry_run_says_what_down_puts_back_as_read_when_it_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt J: the dry run of a host-NAT lab said "iplab down would then run 4 undo
    commands" (the -D rules, the namespace) and nothing of the FORWARD policy, ip_forward
    and the files under /etc/netns it puts back, which the run reads when their steps run."""
    lab = FIREWALL / "04b-noflush.yaml"
    state = tmp_path / "state"
    main(
        ["up", str(lab), "--dry-run", "--no-preflight", "--prefix", "wj", "--state-dir", str(state)]
    )
    out = capsys.readouterr().out
    assert "DRY RUN: and put back what the host holds when these steps run:\n" in out, out
    assert (
        "DRY RUN:   net.ipv4.ip_forward, as before `echo 1 > /proc/sys/net/ipv4/ip_forward`\n"
        in out
    )
    assert (
        "DRY RUN:   the policy of FORWARD (filter), as before `iptables -P FORWARD DROP`\n" in out
    )
    assert "DRY RUN:   /etc/netns/wjsandbox/resolv.conf, as before `echo" in out
