"""Hunt CB #1: lines ip refuses on any host that ``check`` let pass (tests/fixtures/typos/,
tests/fixtures/leftovers11/).

``sudo ip netns exce red ...`` (a verb two letters swapped), ``ip link set veth0 netns``
(its namespace left out) and ``ip route add default 10.0.0.1`` (its ``via`` left out) passed
``check`` with no word; the run stopped at them with ip's message. Now import and check say
ip's refusal, file and line, and the line meant where one word makes it one ip reads."""

from __future__ import annotations

from pathlib import Path

import pytest

import iplab.cli
from iplab import ipgrammar
from tests.pages import imported, written

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("line", "said", "hint"),
    [
        (
            "sudo ip netns exce red ip addr add 10.0.0.2/24 dev veth1",
            'Command "exce" is unknown, try "ip netns help"',
            "did you mean 'sudo ip netns exec red ip addr add 10.0.0.2/24 dev veth1'?",
        ),
        (
            "ip link set veth0 netns",
            'Command line is not complete. Try option "help"',
            "'netns' ends the line, and ip reads a value after it: write the value",
        ),
        (
            "sudo ip -n app route add default 10.200.1.1",
            'either "to" is duplicate, or "10.200.1.1" is a garbage',
            "did you mean 'sudo ip -n app route add default via 10.200.1.1'?",
        ),
        (
            "ip link ste veth0 up",
            'Command "ste" is unknown, try "ip link help"',
            "did you mean 'ip link set veth0 up'?",
        ),
        ("ip addr add 10.0.0.1/24 dev", 'Command line is not complete. Try option "help"', None),
        ("ip route add 10.1.0.0/16 via", 'Command line is not complete. Try option "help"', None),
    ],
)
def test_ip_refuses_these_on_any_host(line: str, said: str, hint: str | None) -> None:
    """Each said as ip 6.1 says it (run in a namespace of its own: the same words)."""
    assert ipgrammar.refusal(line) == said
    if hint is not None:
        assert ipgrammar.refusal_hint(line, said) == hint


@pytest.mark.parametrize(
    "line",
    [
        "ip route ls",  # (ls begins lst)
        "ip route chg default via 10.0.0.1 dev v0",  # (chg: ip's own short change)
        "ip addr chg 10.0.0.1/24 dev v0",
        "ip netns del red",
        "ip link del veth0",
        "ip -n red route add 10.1.0.0/16 via 10.0.0.1 mtu lock 1400",  # (a keyword not read)
        "ip route add 10.0.0.0/24 dev v0 proto static",
        "ip link add veth0 type veth peer",  # (ip takes it: the peer named by the kernel)
    ],
)
def test_lines_ip_takes_are_not_said(line: str) -> None:
    assert ipgrammar.refusal(line) is None


@pytest.mark.parametrize(
    ("page", "line", "said"),
    [
        (FIXTURES / "typos" / "t02-exce.md", 21, 'Command "exce" is unknown'),
        (FIXTURES / "typos" / "t03-netns-missing.md", 6, "Command line is not complete"),
        (FIXTURES / "typos" / "t06-route-no-via.md", 17, 'either "to" is duplicate'),
    ],
)
def test_check_says_the_refused_line(
    page: Path, line: int, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result, _ = imported(page)
    assert any(w.startswith(f"line {line}: ip refuses") and said in w for w in result.warnings)
    lab = written(result, tmp_path)
    rc = iplab.cli.main(["check", str(lab)])
    out, err = capsys.readouterr()
    assert rc == 0
    said_lines = [
        s for s in (out + err).splitlines() if s.startswith(f"iplab: warning: {lab}:") and said in s
    ]
    assert len(said_lines) == 1, out + err
    assert "ip refuses" in said_lines[0]
    assert "it changes nothing" in said_lines[0]


SET_E = FIXTURES / "leftovers11" / "setup-red-blue.sh"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (10, "Command line is not complete"),
        (13, 'Command "exce" is unknown'),
        (14, 'either "to" is duplicate'),
    ],
)
def test_a_set_e_script_stops_at_the_first(
    line: int, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The script says ``set -e``: bash stops at line 10, the first line ip refuses (hunt
    CL #2: these were warnings, 'the run goes past it as bash does', which it does not).
    Import says each, and that the script stops there; check refuses the lab at the first."""
    result, _ = imported(SET_E)
    assert any(
        w.startswith(f"line {line}: ip refuses") and said in w and "the script stops there" in w
        for w in result.warnings
    ), result.warnings
    lab = written(result, tmp_path)
    rc = iplab.cli.main(["check", str(lab)])
    out, err = capsys.readouterr()
    assert rc != 0
    errors = [s for s in (out + err).splitlines() if s.startswith(f"iplab: error: {lab}:")]
    assert len(errors) == 1 and "Command line is not complete" in errors[0], out + err
    assert "the run would stop at it" in errors[0]
