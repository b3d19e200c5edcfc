"""Hunt BW: pages with the author's slips in their commands (tests/fixtures/typos/).

A line ip refuses on any host (``sudo ip ns add blue``, ``sudo ip link set veth0 -up``
pasted with an en dash) was said once, by ``iplab import``; ``check`` and ``run`` said
nothing of it (the run went past it and ended "OK" with veth0 down), and ``run --prefix``
said that ``ip ns add blue`` "makes blue as written". Now each says ip's refusal, the file
and line, and the line meant when one word makes it one ip reads."""

from __future__ import annotations

from pathlib import Path

import pytest

import iplab.cli
from iplab import ipgrammar
from tests.pages import imported, written

TYPOS = Path(__file__).parent / "fixtures" / "typos"


def _iplab(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = iplab.cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize(
    ("line", "meant"),
    [
        ("sudo ip ns add blue", "sudo ip netns add blue"),
        ("sudo ip link set veth0 -up", "sudo ip link set veth0 up"),
        ("ip link set vblue-br mastr lab0", "ip link set vblue-br master lab0"),
        ("ip lnk add a type veth", "ip link add a type veth"),
        ("ip -n red addr 192.168.15.1 dev v", None),  # (add forgotten: no one word says it)
        ("ip link set veth0 zzzz", None),
    ],
)
def test_the_line_meant_when_one_word_makes_it(line: str, meant: str | None) -> None:
    said = ipgrammar.refusal(line)
    assert said is not None
    assert ipgrammar.meant(line, said) == meant


@pytest.mark.parametrize(
    ("page", "said"),
    [
        ("t01-ns-add.md", "line 7: ip refuses 'sudo ip ns add blue' (Object \"ns\" is unknown"),
        ("t09-curly.md", "line 9: ip refuses 'sudo ip link set veth0 -up' (either"),
    ],
)
def test_import_says_the_line_meant(page: str, said: str) -> None:
    result, _ = imported(TYPOS / page)
    warning = next(w for w in result.warnings if w.startswith(said))
    meant = "'sudo ip netns add blue'" if "ns add" in said else "'sudo ip link set veth0 up'"
    assert f"did you mean {meant}?" in warning


def test_check_says_a_refused_line_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """t09: an en dash before up read as ``-up``, which ip refuses: check said "OK" with no
    warning, and the run ended OK with veth0 down."""
    result, _ = imported(TYPOS / "t09-curly.md")
    lab = written(result, tmp_path)
    rc, out, err = _iplab(capsys, "check", str(lab))
    assert rc == 0
    text = out + err
    assert f"{lab}:18: setup[3]: ip refuses 'ip link set veth0 -up' on any host" in text
    assert "it changes nothing" in text
    assert "did you mean 'ip link set veth0 up'?" in text


def test_run_with_a_prefix_names_the_slip_not_the_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """t01: ``run --prefix P`` refused, saying ``sudo ip ns add blue`` (a step iplab cannot
    read) makes blue as written; ip makes nothing of it: the slip is what to fix."""
    result, _ = imported(TYPOS / "t01-ns-add.md")
    lab = written(result, tmp_path)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    monkeypatch.setenv("IPLAB_STATE_DIR", str(state))
    rc, _, err = _iplab(capsys, "run", str(lab), "--prefix", "hbw0b1", "--dry-run")
    assert rc == 2
    assert f"{lab}:12: setup[1]: with --prefix hbw0b1, blue would keep its name" in err
    assert 'ip refuses on any host (Object "ns" is unknown' in err
    assert "did you mean `sudo ip netns add blue`?" in err
    assert "as written" not in err.splitlines()[-1]
