"""Hunt M: ``--prefix`` renamed words that are no names: what ``echo`` says, and a word
joined to another by ``@``."""

from __future__ import annotations

from pathlib import Path

from iplab import plan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"


def _lines(name: str) -> list[str]:
    lab = plan.load(str(FIXTURES / name), prefix="hM", lenient=True)
    return [pc.command.text for pc in lab.commands]


def test_what_echo_says_is_not_renamed() -> None:
    """Hunt M: ``iplab run 20.yaml --prefix hM``: ``echo "hello from blue to red"`` wrote
    ``hello from hMblue to hMred`` into the file. Words in a name's place are renamed
    (the namespace, the sysfs path); what echo says is not."""
    lines = _lines("m20.yaml")
    (said,) = [line for line in lines if "echo" in line]
    assert said.startswith('ip netns exec hMblue sh -c \'echo "hello from blue to red" >')
    assert "ip netns exec hMred sh -c 'cat /sys/class/net/hMred/address >" in "\n".join(lines)


def test_a_word_joined_by_at_is_not_renamed() -> None:
    """Hunt M: ``ip link add vr type veth peer name vr-peer@red`` became ``vr-peer@hMred``
    (``red`` renamed inside the ``@`` token, ``vr`` not). The token is left whole."""
    lines = _lines("m08b.yaml")
    assert "ip link add vr type veth peer name vr-peer@red" in lines, lines
    assert not any("@hM" in line for line in lines), lines
