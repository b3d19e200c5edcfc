"""Hunt EJ #5: ``ip route flush table all`` takes the kernel's local and broadcast routes
too, and the model holds no local table. ``verify`` after such a lab agrees with the
kernel (it compares the routes the lab promises; the model takes every route of both
families with the flush, the main table's kernel routes too, and gives them back when a
link comes up): the kernel test pins it. What the model did not know was the local table
itself: ``ip route del local 10.9.0.1 table local`` (the kernel's route for an address)
was refused as "no route to 10.9.0.1", and the kernel takes it; ``ip route add local
10.9.0.1 ... table local`` was taken, and the kernel says File exists (unless a flush took
it). Both are now warnings that say the model does not hold the kernel's local table; a
local route that is no address's is refused as before. The kernel test runs in network
and mount namespaces of its own (tests/kernel.py ``apart``), prefix ``ejx5``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from iplab.cli import main
from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"
BASE = """name: l
setup:
  - line: ip netns add red
  - line: ip link add veth-r type veth peer name veth-b
  - line: ip link set veth-r netns red
  - line: ip -n red addr add 10.9.0.1/24 dev veth-r
  - line: ip -n red addr add fd00:9::1/64 dev veth-r nodad
  - line: ip -n red link set veth-r up
  - line: ip link set veth-b up
  - line: ip -n red link set lo up
"""


def _check(tmp_path: Path, extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    lab = tmp_path / "lab.yaml"
    lab.write_text(BASE + "".join(f"  - line: {line}\n" for line in extra.splitlines()))
    err = io.StringIO()
    rc = main(["check", str(lab)], stderr=err)
    return rc, err.getvalue() + capsys.readouterr().err


def test_the_kernels_local_routes_are_said_not_modelled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, said = _check(tmp_path, "ip -n red route del local 10.9.0.1 dev veth-r table local", capsys)
    assert rc == 0, said
    assert (
        "warning: " in said
        and "setup[8]: local 10.9.0.1 is the kernel's route for veth-r's address: whether it"
        " is there at this step is not known (the model does not hold the kernel's local"
        " table"
        in said
    ), said
    rc, said = _check(
        tmp_path, "ip -n red route del broadcast 10.9.0.255 dev veth-r table local", capsys
    )
    assert rc == 0 and "broadcast 10.9.0.255 is the kernel's route for 10.9.0.0/24" in said, said
    rc, said = _check(tmp_path, "ip -n red route add local 10.9.0.1 dev veth-r table local", capsys)
    assert rc == 0 and "ip says File exists unless a step took it" in said, said
    rc, said = _check(
        tmp_path, "ip -n red route del local 10.9.0.77 dev veth-r table local", capsys
    )
    assert rc != 0 and "no route to 10.9.0.77 in namespace red at this step" in said, said


@pytest.mark.kernel
def test_verify_after_a_flush_of_every_table_agrees_with_the_kernel(tmp_path: Path) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        BASE
        + "".join(
            f"  - line: {line}\n"
            for line in [
                "ip -n red route del local 10.9.0.1 dev veth-r table local",
                "ip -n red route flush table all",
                "ip -n red route add local 10.9.0.1 dev veth-r table local",
                "ip -n red route add 10.8.0.0/24 dev veth-r",
                "ip -n red link set veth-r down",
                "ip -n red link set veth-r up",
                "ip -n red route add default via 10.9.0.2",
            ]
        )
    )
    state = tmp_path / "state"
    run = apart(
        f"{IPLAB} up {lab} --prefix ejx5 --state-dir {state} >&2; echo up=$?\n"
        f"{IPLAB} verify ejx5l --state-dir {state}; echo verify=$?\n"
        "ip -n ejx5red route show table all >&2\n"
        f"{IPLAB} down ejx5l --state-dir {state} >&2; echo down=$?",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=0" in run.stdout and "verify=0" in run.stdout and "down=0" in run.stdout, said
    assert "OK: the kernel holds what the scenario promises" in run.stdout, said
