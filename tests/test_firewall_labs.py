"""Firewall and NAT labs inside namespaces (hunt J): a ruleset fed to ``nft -f -`` or
``iptables-restore`` by a here-document, a status shown with ``; echo $?``, a fallback
after ``||`` for a program the host may lack, a failure bash ignores before ``;``."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import ImportResult, import_text
from iplab.plan import build
from tests.conftest import FIXTURES

FIREWALL = FIXTURES / "firewall"


def _imported(name: str) -> ImportResult:
    path = FIREWALL / name
    kind = "shell" if path.suffix == ".sh" else "markdown"
    return import_text(path.read_text(encoding="utf-8"), kind, path.name)


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
