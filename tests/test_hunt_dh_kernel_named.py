"""Hunt DH #3: veths the kernel names (``ip link add type veth``: the peer veth0, the link
veth1, the first free numbers) under ``--prefix``.

Before, --prefix left them the kernel's names (veth0, veth1) and every later line that
names them (``ip link set veth0 netns red``) unrenamed: two labs could not be up at once,
a host's own veth0 refused the run (though --prefix was given), and a veth0 made between
the check and the run was another's, moved or deleted by the lab's later lines. Now the
run names each such link as the model names it, with the prefix (``ip link add Pveth1 type
veth peer name Pveth0``), says so once a line, and renames the lines that use them; without
--prefix nothing changes (the page's line, the kernel's names)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab import scenario
from iplab.plan import build
from iplab.prefix import with_prefix
from iplab.steps import LinkAdd, LinkSet
from tests.conftest import REPO
from tests.kernel import SKIP, apart

LAB = """\
name: unnamed
setup:
  - line: ip netns add red
  - line: ip link add type veth
  - line: ip link set veth0 netns red
  - line: ip link set veth1 up
"""

LOOPED = """\
name: looped
setup:
  - script: |-
      for i in 1 2; do
        ip link add type veth
      done
    steps:
      - line: ip link add type veth
      - line: ip link add type veth
  - line: ip link set veth2 up
"""


def _lab(text: str, tmp_path: Path) -> scenario.Scenario:
    path = tmp_path / "lab.yaml"
    path.write_text(text)
    return scenario.load(str(path))


def test_the_kernel_s_names_are_given_under_a_prefix(tmp_path: Path) -> None:
    lab = with_prefix(_lab(LAB, tmp_path), "dhx5")
    add = lab.setup[1].op
    assert isinstance(add, LinkAdd) and (add.name, add.peer) == ("dhx5veth1", "dhx5veth0")
    moved = lab.setup[2].op
    assert isinstance(moved, LinkSet) and moved.dev == "dhx5veth0"
    texts = [pc.command.text for pc in build(_lab(LAB, tmp_path), prefix="dhx5").commands]
    assert texts[1] == "ip link add dhx5veth1 type veth peer name dhx5veth0"
    assert texts[2] == "ip link set dhx5veth0 netns dhx5red"


def test_without_a_prefix_the_line_is_the_page_s(tmp_path: Path) -> None:
    plan = build(_lab(LAB, tmp_path))
    assert [pc.command.text for pc in plan.commands][1] == "ip link add type veth"
    assert not [w for w in plan.warnings if "kernel would name" in str(w)]


def test_it_is_said_at_the_line(tmp_path: Path) -> None:
    plan = build(_lab(LAB, tmp_path), prefix="dhx5")
    said = [str(w) for w in plan.warnings if "kernel would name" in str(w)]
    assert len(said) == 1 and "setup[1]" in said[0], said
    assert "the kernel would name veth0, veth1 here (ip link add type veth)" in said[0]
    assert "the run names them dhx5veth0, dhx5veth1, the lab's own" in said[0]


def test_a_block_that_makes_them_prints_its_commands(tmp_path: Path) -> None:
    lab = with_prefix(_lab(LOOPED, tmp_path), "dhx5")
    assert lab.setup[0].verbatim is None and not lab.setup[1].joined
    adds = [s.op for s in lab.setup[:2]]
    assert [(a.name, a.peer) for a in adds if isinstance(a, LinkAdd)] == [
        ("dhx5veth1", "dhx5veth0"),
        ("dhx5veth3", "dhx5veth2"),
    ]
    assert isinstance(lab.setup[2].op, LinkSet) and lab.setup[2].op.dev == "dhx5veth2"


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_two_labs_with_kernel_named_pairs_are_up_at_once(tmp_path: Path) -> None:
    """Apart (a network namespace and a /run/netns of its own), with a veth0 of the host's
    there first: two labs, each ``ip link add type veth``, up at once, then down; the
    host's veth0 is as it was."""
    (tmp_path / "lab.yaml").write_text(LAB)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    run = f"IPLAB_STATE_DIR={state} PYTHONPATH={REPO} {sys.executable} -m iplab"
    done = apart(
        "ip link set lo up\nip link add veth0 type veth peer name veth1\n"
        "ip link set veth0 alias mine\n"
        f"cd {tmp_path}\n"
        f"{run} up lab.yaml --prefix dhx6a --lab dhx6a >/dev/null 2>&1; echo a=$?\n"
        f"{run} up lab.yaml --prefix dhx6b --lab dhx6b >/dev/null 2>&1; echo b=$?\n"
        "ip -n dhx6ared -br link | grep -c dhx6aveth0\n"
        "ip -n dhx6bred -br link | grep -c dhx6bveth0\n"
        f"{run} down dhx6a >/dev/null 2>&1; echo downa=$?\n"
        f"{run} down dhx6b >/dev/null 2>&1; echo downb=$?\n"
        "ip -o link | grep -c dhx6 || true\nip netns list | grep -c dhx6 || true\n"
        "ip -o link show veth0\n"
    )
    out = done.stdout
    assert out.startswith("a=0\nb=0\n1\n1\ndowna=0\ndownb=0\n0\n0\n"), out + done.stderr
    assert "veth0@veth1" in out and "alias mine" in out, out
