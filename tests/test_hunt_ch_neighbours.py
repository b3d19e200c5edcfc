"""Hunt CH: the neighbours verify compares, on pages as people write them.

- a ``nud noarp`` entry on a veth whose peer then goes down (or is moved away): the kernel
  drops it with the carrier (neigh_carrier_down keeps the permanent ones alone); the model
  kept it, and verify said a difference the page meant (``found none``);
- ``nud perm`` (ip reads ``nud`` words as nud_state_a2n does: ``perm``, ``p``, ``0x80``
  are permanent): an entry so pinned was not compared, and ``neigh flush ... nud perm``
  was taken for a flush that leaves the permanent entries, so ``up`` failed on a
  difference the page meant;
- net-tools' ``arp -s HOST HWADDR`` without ``-i`` (the old tutorials' usual form): the
  kernel pins HOST on the link its on-link route leaves by; verify said "neighbours of red
  not compared" and an entry deleted by hand passed. The model finds the link now.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from iplab import verify
from iplab.neighwords import nud_state, takes_away, writes
from iplab.plan import build, expected_state
from iplab.scenario import load
from tests.kernel import apart
from tests.pages import imported_file

FIXTURES = Path(__file__).parent / "fixtures" / "neighbours"
NOARP_PEER_DOWN = FIXTURES / "hunt-ch-noarp-peer-down.md"
NUD_PERM = FIXTURES / "hunt-ch-nud-perm.sh"
ARP_NO_DEV = FIXTURES / "hunt-ch-arp-s-no-dev.txt"


def _compared(page: Path, tmp_path: Path) -> dict[str, dict[tuple[str, str], tuple[str, str]]]:
    lab = imported_file(page, tmp_path)
    return verify.written_neighbours(expected_state(build(load(str(lab)))))


@pytest.mark.parametrize(
    ("word", "state"),
    [("perm", "permanent"), ("p", "permanent"), ("0x80", "permanent"), ("128", "permanent"),
     ("0200", "permanent"), ("0x40", "noarp"), ("noarp", "noarp"), ("r", "reachable"),
     ("f", "failed"), ("0", "none"), ("PERMANENT", "PERMANENT"), ("noa", "noa"),
     ("0x03", "0x03")],
)  # fmt: skip
def test_nud_words_as_ip_reads_them(word: str, state: str) -> None:
    assert nud_state(word) == state


def test_nud_perm_pins_and_flushes_a_permanent_entry() -> None:
    (add,) = writes("ip -n h1 neigh add 172.31.9.2 lladdr 02:31:09:00:00:02 dev eth1 nud perm")
    assert add.followed and add.state == "PERMANENT"
    (flush,) = writes("ip -n h2 neigh flush dev eth2 nud perm")
    assert takes_away(flush) == {"PERMANENT"}
    # ip refuses an upper-case state: nothing compared from it
    (refused,) = writes("ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v nud PERMANENT")
    assert not refused.followed


def test_the_model_follows_the_pages(tmp_path: Path) -> None:
    # the noarp entry went with the carrier, the permanent one stays
    assert _compared(NOARP_PEER_DOWN, tmp_path) == {
        "left": {("veth-l", "10.50.0.3"): ("02:50:00:00:00:03", "PERMANENT")}
    }
    # h1's 'nud perm' entry is compared; h2's went with its 'flush ... nud perm'
    assert _compared(NUD_PERM, tmp_path) == {
        "h1": {("eth1", "172.31.9.2"): ("02:31:09:00:00:02", "PERMANENT")}
    }


def test_a_peer_moved_away_takes_the_noarp_entries(tmp_path: Path) -> None:
    lab = tmp_path / "moved.yaml"
    lab.write_text(
        "name: moved\nsetup:\n"
        "  - line: ip netns add a\n  - line: ip netns add b\n"
        "  - line: ip link add va netns a type veth peer name vb netns a\n"
        "  - line: ip -n a link set va up\n  - line: ip -n a link set vb up\n"
        "  - action: raw\n"
        "    command: ip -n a neigh add 10.9.0.3 lladdr 02:00:00:00:00:03 dev va nud noarp\n"
        "  - action: raw\n"
        "    command: ip -n a neigh add 10.9.0.4 lladdr 02:00:00:00:00:04 dev va\n"
        "  - line: ip -n a link set vb netns b\n"
    )
    assert verify.written_neighbours(expected_state(build(load(str(lab))))) == {
        "a": {("va", "10.9.0.4"): ("02:00:00:00:00:04", "PERMANENT")}
    }


def test_arp_s_without_a_link_is_pinned_on_the_link_of_its_network(tmp_path: Path) -> None:
    lab = imported_file(ARP_NO_DEV, tmp_path)
    expected = expected_state(build(load(str(lab))))
    assert verify.written_neighbours(expected) == {
        "red": {("v-red", "192.168.77.2"): ("02:77:00:00:00:02", "PERMANENT")}
    }
    assert "not compared" not in verify.verdict(expected)
    # off every network of the namespace: the kernel refuses it, nothing compared, said
    text = lab.read_text().replace("arp -s 192.168.77.2", "arp -s 192.168.78.2")
    (tmp_path / "off.yaml").write_text(text)
    expected = expected_state(build(load(str(tmp_path / "off.yaml"))))
    assert verify.written_neighbours(expected) == {}
    assert "neighbours of red not compared" in verify.verdict(expected)


@pytest.mark.kernel
@pytest.mark.skipif(shutil.which("arp") is None, reason="net-tools' arp is not on this host")
def test_an_arp_s_entry_deleted_by_hand_is_a_difference(tmp_path: Path) -> None:
    lab = imported_file(ARP_NO_DEV, tmp_path)
    state, p = tmp_path / "state", "hch0a3"
    iplab_ = f"{sys.executable} -m iplab"
    run = apart(
        f"export PYTHONPATH={Path(__file__).parent.parent}\ncd {tmp_path}\n"
        f"{iplab_} up {lab} --prefix {p} --state-dir {state} >up.out 2>&1; echo up=$?\n"
        f"ip -n {p}red neigh del 192.168.77.2 dev {p}v-red\n"
        f"{iplab_} verify {lab} --prefix {p} --state-dir {state} >verify.out 2>&1\n"
        "echo verify=$?\n"
        f"{iplab_} down --state-dir {state}; echo down=$?\n"
        "ip netns list\n",
        timeout=120,
    )
    up = (tmp_path / "up.out").read_text()
    out = (tmp_path / "verify.out").read_text()
    assert "up=0" in run.stdout and "1 neighbour)" in up, run.stdout + run.stderr + up
    assert "verify=1" in run.stdout, run.stdout + out
    assert (
        f"{p}v-red@{p}red.neighbour 192.168.77.2: expected 02:77:00:00:00:02 PERMANENT,"
        " found none" in out
    ), out
    assert "down=0" in run.stdout and p not in run.stdout.split("down=0")[1], run.stdout


@pytest.mark.kernel
@pytest.mark.parametrize(
    ("page", "tag", "compared"),
    [(NOARP_PEER_DOWN, "hch0a1", "1 neighbour"), (NUD_PERM, "hch0a2", "1 neighbour")],
)
def test_up_and_verify_agree_with_the_kernel(
    page: Path, tag: str, compared: str, tmp_path: Path
) -> None:
    lab = imported_file(page, tmp_path)
    state = tmp_path / "state"
    iplab_ = f"{sys.executable} -m iplab"
    # verify once more after a while: the kernel drops a noarp entry when linkwatch runs
    # (within a second), after up's own verify; this checkout's iplab, from any directory
    run = apart(
        f"export PYTHONPATH={Path(__file__).parent.parent}\ncd {tmp_path}\n"
        f"{iplab_} up {lab} --prefix {tag} --state-dir {state} >up.out 2>&1; echo up=$?\n"
        "sleep 2\n"
        f"{iplab_} verify {lab} --prefix {tag} --state-dir {state} >verify.out 2>&1\n"
        "echo verify=$?\n"
        f"{iplab_} down --state-dir {state}; echo down=$?\n"
        "ip netns list\n",
        timeout=120,
    )
    up = (tmp_path / "up.out").read_text()
    out = (tmp_path / "verify.out").read_text()
    assert "up=0" in run.stdout, run.stdout + run.stderr + up
    assert "verify=0" in run.stdout, run.stdout + out
    assert f"{compared})" in out or f"{compared};" in out, out
    assert "down=0" in run.stdout and tag not in run.stdout.split("down=0")[1], run.stdout
