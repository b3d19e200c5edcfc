"""Neighbours on the kernel: the model's rules of what takes a lasting entry away are the
kernel's (each case's lines run for real, apart, and the entries left compared with what
the model says verify compares), and a page's static ARP is verified by ``up``, its entry
deleted by hand a difference, in --json too (iplab/neighbours.py)."""

from __future__ import annotations

import ipaddress
import json
import shutil
import sys
from pathlib import Path

import pytest

from iplab import verify
from iplab.plan import build, expected_state
from iplab.scenario import load_text
from tests.kernel import apart
from tests.pages import imported_file

PAGE = Path(__file__).parent / "fixtures" / "neighbours" / "static-arp.md"

#: the lab of each case: a veth between a and b, lasting entries on a's end, then the event
_BASE = [
    "ip link add va netns {a} type veth peer name vb netns {b}",
    "ip -n {a} addr add 10.9.0.1/24 dev va",
    "ip -n {a} link set va up",
    "ip -n {a} neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev va",
    "ip -n {a} neigh add 10.9.0.3 lladdr 02:00:00:00:00:03 dev va nud noarp",
    "ip -n {a} -6 neigh add fe80::2 lladdr 02:00:00:00:00:05 dev va",
]
CASES = {
    "none": [],
    "down": ["ip -n {a} link set va down"],
    "down-up": ["ip -n {a} link set va down", "ip -n {a} link set va up"],
    "peer-down": ["ip -n {b} link set vb up", "ip -n {b} link set vb down"],
    "address": ["ip -n {a} link set va address 02:00:00:00:00:99"],
    "last-ipv4-gone": ["ip -n {a} addr del 10.9.0.1/24 dev va"],
    "flush": ["ip -n {a} neigh flush dev va"],
    "flush-all": ["ip -n {a} neigh flush dev va nud all"],
    "flush-noarp": ["ip -n {a} neigh flush dev va nud noarp"],
    "flush-both": ["ip -n {a} neigh flush dev va nud all nud noarp"],
    "flush-not-both": ["ip -n {a} neigh flush dev va nud noarp nud all"],
    "delete": ["ip -n {a} neigh del 10.9.0.2 dev va"],
    "moved": ["ip -n {a} link set va netns {b}"],
    # net-tools' way (old tutorials): a permanent entry, unless temp (not compared)
    "arp": [
        "ip netns exec {a} arp -s 10.9.0.4 02:00:00:00:00:04 -i va",
        "ip netns exec {a} arp -s 10.9.0.5 02:00:00:00:00:05 temp -i va",
        "ip netns exec {a} arp -d 10.9.0.2 -i va",
    ],
}
if shutil.which("arp") is None:  # (net-tools: not on every host)
    del CASES["arp"]


def _lines(case: str, a: str, b: str) -> list[str]:
    return [line.format(a=a, b=b) for line in _BASE + CASES[case]]


def _model(case: str) -> set[tuple[str, str, str]]:
    """(namespace, link, address) of each entry verify compares after the case's lines."""
    steps = "".join(
        f"  - line: {line}\n"
        if " neigh " not in line
        else f"  - action: raw\n    command: {line}\n"
        for line in _lines(case, "a", "b")
    )
    spaces = "  - action: netns add\n    name: a\n  - action: netns add\n    name: b\n"
    text = f"name: n\nsetup:\n{spaces}{steps}"
    expected = expected_state(build(load_text(text, "n.yaml")))
    return {
        (ns, dev, address)
        for ns, entries in verify.written_neighbours(expected).items()
        for dev, address in entries
    }


@pytest.mark.kernel
def test_the_model_takes_entries_away_when_the_kernel_does() -> None:
    script = reads = ""
    for i, case in enumerate(CASES):
        a, b = f"c{i}a", f"c{i}b"
        script += f"ip netns add {a}; ip netns add {b}\n"
        script += "".join(f"{line} || echo FAILED {case}: {line}\n" for line in _lines(case, a, b))
        reads += (
            f'for ns in {a} {b}; do echo "{case} $ns $(ip -n $ns -j neigh show nud all)"; done\n'
        )
    # read once the kernel has acted on a carrier lost (a veth whose peer goes down: its
    # noarp entries go; linkwatch does it within a second when both ends have one ifindex)
    run = apart(script + "sleep 2\n" + reads, timeout=60)
    assert "FAILED" not in run.stdout + run.stderr, run.stdout + run.stderr
    kernel: dict[str, set[tuple[str, str, str]]] = {case: set() for case in CASES}
    for line in run.stdout.splitlines():
        case, ns, text = line.split(" ", 2)
        side = "a" if ns.endswith("a") else "b"
        for entry in json.loads(text):
            # (not the multicast ones the kernel makes itself, NOARP: ff02::16, ff02::2)
            multicast = ipaddress.ip_address(entry["dst"]).is_multicast
            if {"PERMANENT", "NOARP"} & set(entry.get("state", [])) and not multicast:
                kernel[case].add((side, entry["dev"], entry["dst"]))
    assert kernel["none"] == {("a", "va", "10.9.0.2"), ("a", "va", "10.9.0.3"),
                              ("a", "va", "fe80::2")}  # fmt: skip
    for case in CASES:
        assert _model(case) == kernel[case], case


@pytest.mark.kernel
def test_up_verifies_a_pages_static_arp_and_an_entry_deleted_is_a_difference(
    tmp_path: Path,
) -> None:
    lab = imported_file(PAGE, tmp_path)
    p, state = "ipnb", tmp_path / "state"
    iplab_ = f"{sys.executable} -m iplab"
    run = apart(
        f"cd {tmp_path}\n"
        f"{iplab_} up {lab} --prefix {p} --state-dir {state} >up.out 2>&1; echo up=$?\n"
        f"{iplab_} verify {lab} --prefix {p} --state-dir {state} >ok.out 2>&1; echo ok=$?\n"
        f"ip -n {p}a neigh del 10.9.0.2 dev {p}va\n"
        f"{iplab_} verify {lab} --prefix {p} --state-dir {state} >verify.out 2>&1\n"
        "echo verify=$?\n"
        f"{iplab_} verify {lab} --prefix {p} --state-dir {state} --json >json.out\n"
        "name=$(sed -n 's/.*(undo with: iplab down \\(.*\\))$/\\1/p' up.out)\n"
        f"{iplab_} down $name --state-dir {state}; echo down=$?\n"
        "ip netns list\n",
        timeout=120,
    )
    up = (tmp_path / "up.out").read_text()
    assert "up=0" in run.stdout and "ok=0" in run.stdout, run.stdout + run.stderr + up
    assert "2 neighbours; other neighbours of ipnba not compared" in up, up
    verify_out = (tmp_path / "verify.out").read_text()
    assert "verify=1" in run.stdout, run.stdout + verify_out
    assert (
        f"{p}va@{p}a.neighbour 10.9.0.2: expected 02:00:00:00:00:02 PERMANENT, found none"
        in verify_out
    ), verify_out
    found = json.loads((tmp_path / "json.out").read_text())
    assert found["expected"]["neighbours"] == 2, found
    assert [d["field"] for d in found["differences"]] == ["neighbour 10.9.0.2"], found
    assert "down=0" in run.stdout and p not in run.stdout.split("down=0")[1], run.stdout
