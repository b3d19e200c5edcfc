"""A scenario written by hand (hunt AX; inputs under tests/fixtures/by-hand/): a value YAML
reads as a number or true/false, in a field that takes text, is the text the author wrote."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

import iplab.cli
from iplab.errors import ScenarioError
from iplab.scenario import load_text
from tests import kernel

HERE = Path(__file__).parent / "fixtures" / "by-hand"


def _iplab(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = iplab.cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_a_name_yaml_reads_as_a_number_is_printed_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``name: 0700`` (YAML 1.1: octal, the number 448) and ``peer: 1_0`` (the number 10)
    rendered, checked and ran ``ip link add 448 type bridge`` and ``... peer name 10``:
    a line the file does not hold, on a link the author never named. The text is the
    author's: ``0700`` and ``1_0``; a variable (``vni: 010``) stays YAML's number."""
    rc, out, err = _iplab(capsys, "render", str(HERE / "a01-numbers-as-names.yaml"))
    assert (rc, err) == (0, "")
    assert out.splitlines() == [
        "ip link add br010 type bridge",
        "ip link add 0700 type bridge",
        "ip link add v1_0 type veth peer name 1_0",
        "ip addr add 10.0.0.1/24 dev 0700",
        "echo 8",
        "ip link set br010 mtu 1500",
    ]


def test_yes_no_and_on_are_said_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    """``sudo: yes`` was 'sudo: must be a string, found true/false True' (the author wrote
    no true); ``state: on`` the same. Each is now said as written against its choices, and
    ``name: no`` is the namespace no."""
    fixture = HERE / "a02-yes-no-on.yaml"
    rc, _out, err = _iplab(capsys, "check", "-q", str(fixture))
    assert rc == 2
    assert err == (
        f"iplab: error: {fixture}:3: sudo: must be one of 'auto', 'always', 'never', found 'yes'\n"
    )
    text = fixture.read_text(encoding="utf-8").replace("sudo: yes", "sudo: always")
    fixed = fixture.parent / "unused"  # never written: the text is loaded in memory
    with pytest.raises(ScenarioError) as raised:
        load_text(text, str(fixed))
    assert str(raised.value).endswith("setup[2].state: must be one of 'up', 'down', found 'on'")
    scenario = load_text(text.replace("state: on", "state: up"), str(fixed))
    assert [step.op.name for step in scenario.steps[:1]] == ["no"]  # type: ignore[attr-defined]


@pytest.mark.kernel
def test_the_link_made_is_the_one_written(tmp_path: Path) -> None:
    """``iplab run`` of the same file made the bridge 448 and the veth end 10 on the host
    (renamed by --prefix, as 448 and 10 were); it makes 0700 and 1_0, and leaves nothing."""
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    prefix = f"hax{uuid.uuid4().hex[:3]}"
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    try:
        run = kernel.iplab(
            "run", str(HERE / "a01-numbers-as-names.yaml"), "--prefix", prefix, state=state
        )
        assert run.returncode == 0, run.stderr
        assert f"ip link add {prefix}0700 type bridge" in run.stdout
        assert f"ip link add {prefix}v1_0 type veth peer name {prefix}1_0" in run.stdout
        assert "== nothing of the lab remains" in run.stdout
    finally:
        assert kernel.cleanup_prefix(prefix, "hax") == []  # iplab left nothing
