"""``ip -br link | awk '/^veth/ {print $1}' | xargs -n1 ip link del``: a cleanup that finds
links by listing them, read as the links the lab made.

Hunt K: 08b-cleanup-xargs.sh's down branch ran as written; a veth pair the host had before
the lab (hKv-zzz, matching the awk pattern) was gone after ``iplab run --prefix hK8``,
though the lab's own links had been renamed hK8... The importer now reads such a listing
(``ip [-br|-o] link|addr``, ``ip -n NS link``, ``ip netns exec NS ip link``, ``ls
/sys/class/net``) as the links the tutorial made in that namespace, as it reads ``ip netns
list``; a raw command that still hands such a listing on to a changing command, or changes
``group 0`` (every link of the host), is refused before anything runs.

The inputs are the hunt's own scripts (tests/fixtures/scripts).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from iplab import linklisting, scenario
from iplab.errors import ScenarioError
from iplab.importer import listing
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.steps import LinkDel, Raw
from tests.conftest import assert_refused, raw_lab
from tests.kernel import apart

SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"

LAB = """\
ip netns add red
ip link add va type veth peer name vb netns red
ip link add vc type veth peer name vd netns red
ip link add br0 type bridge
ip link set vc master br0
ip -n red link add d0 type dummy
"""


def _plan_texts(text: str, name: str = "t.sh") -> tuple[list[str], tuple[str, ...]]:
    imported = import_text(text, "shell", name, base=SCRIPTS)
    plan = build(scenario.load_text(imported.yaml, f"{name}.yaml"), prefix="pz")
    return [pc.command.text for pc in plan.commands], imported.warnings


def _after_lab(line: str) -> tuple[list[str], tuple[str, ...]]:
    texts, warnings = _plan_texts(LAB + line + "\n")
    return texts[LAB.count("\n") :], warnings


def test_hunt_k_08b_the_xargs_cleanup_deletes_the_labs_links_only() -> None:
    """Hunt K: 08b's ``ip -br link | awk '/^hKv-/ {print $1}' | cut -d@ -f1 | xargs -r -n1
    ip link del || true`` was one raw step, run as written: it deleted the host's hKv-zzz.
    Now it is the lab's two veths, each a typed step that may fail."""
    text = (SCRIPTS / "08b-cleanup-xargs.sh").read_text(encoding="utf-8")
    imported = import_text(text, "shell", "08b-cleanup-xargs.sh")
    sc = scenario.load_text(imported.yaml, "08b.yaml")
    assert not [s for s in sc.steps if isinstance(s.op, Raw)]
    down = [s for s in sc.teardown if isinstance(s.op, LinkDel) and "hKv-" in s.op.dev]
    assert [s.op.dev for s in down if isinstance(s.op, LinkDel)] == ["hKv-red", "hKv-blue"]
    assert all(s.may_fail for s in down)
    (said,) = [w for w in imported.warnings if "lists every link" in w]
    assert said.startswith("line 22: ip -br link lists every link of the root namespace")
    assert "(hKv-red, hKv-blue)" in said
    plan = build(sc, prefix="hK8")
    texts = [pc.command.text for pc in plan.commands]
    assert texts[-5:] == [
        "ip link del hK8hKv-red",
        "ip link del hK8hKv-blue",
        "ip link del hK8hKvbr",
        "ip netns del hK8red",
        "ip netns del hK8blue",
    ]


def test_hunt_k_07_a_pattern_the_lab_has_no_link_of_in_the_root_runs_nothing() -> None:
    """Hunt K: 07-lab-updown.sh's ``ip -br link | awk '/^(l|r)[0-9]/ {print $1}' | ... |
    xargs ip link del`` would hit any host link named l1 or r2: the lab's l1, l2, r1, r2
    are in its namespaces, so in the root it deletes nothing."""
    texts, warnings = _plan_texts((SCRIPTS / "07-lab-updown.sh").read_text(), "07.sh")
    assert not any("ip -br link" in t for t in texts)
    assert any("ip -br link lists every link of the root namespace" in w for w in warnings)
    assert texts[-2:] == ["ip netns del pzleft", "ip netns del pzright"]


@pytest.mark.parametrize(
    ("line", "texts"),
    [
        ("ip -br link | awk '/^v/ {print $1}' | cut -d@ -f1 | xargs -n1 ip link del",
         ["ip link del pzva", "ip link del pzvc"]),
        ("for l in $(ip -o link | awk -F': ' '{print $2}' | cut -d@ -f1 | grep ^v); do"
         " ip link del $l; done", ["ip link del pzva", "ip link del pzvc"]),
        ("ls /sys/class/net | grep -E '^(br|vc)' | xargs -n1 ip link del",
         ["ip link del pzbr0", "ip link del pzvc"]),
        ("ip link show type bridge | awk -F': ' '/^[0-9]/ {print $2}' | xargs -r ip link del",
         ["ip link del pzbr0"]),
        ("ip link | grep -o 'v[a-d]' | while read l; do ip link set $l down; done",
         ["ip link set pzva down", "ip link set pzvc down"]),
        ("ip -n red -br link | awk '$1 !~ /^lo/ {print $1}' | cut -d@ -f1"
         " | xargs -n1 ip -n red link del",
         ["ip -n pzred link del pzvb", "ip -n pzred link del pzvd", "ip -n pzred link del pzd0"]),
        ("ip netns exec red ip -o link | awk -F': ' '/d0/ {print $2}'"
         " | xargs -I{} ip -n red link set {} up", ["ip -n pzred link set pzd0 up"]),
        ("ip -br link | awk '/^zz/ {print $1}' | xargs -r -n1 ip link del", []),
    ],
)  # fmt: skip
def test_a_listing_of_links_is_read_as_the_labs_links_there(line: str, texts: list[str]) -> None:
    """Hunt K: the listing reads the links the lab made in the namespace it lists (the
    root's, ``-n red``'s, ``ip netns exec red``'s), the filters pick among them."""
    got, warnings = _after_lab(line)
    assert got == texts
    assert any("lists every link of" in w for w in warnings)


@pytest.mark.parametrize(
    "line",
    [
        # the filters leave what is not a name (veth's "va@vb"): bash would fail, iplab refuses
        "ip -br link | awk '/^v/ {print $1}' | xargs -n1 ip link del",
        # json, and jq: lines iplab does not write
        "ip -j link | jq -r '.[].ifname' | grep ^v | xargs -n1 ip link del",
        # a listing of a namespace the lab does not have
        "ip -n blue -br link | awk '{print $1}' | xargs -n1 ip -n blue link del",
    ],
)
def test_a_listing_iplab_cannot_scope_is_refused_naming_file_and_line(line: str) -> None:
    """Hunt K: what iplab cannot read as the lab's links stays raw, and the model refuses
    it before anything runs, at its file and line."""
    imported = import_text(LAB + line + "\n", "shell", "t.sh")
    with pytest.raises(ScenarioError, match="every link of the namespace") as caught:
        build(scenario.load_text(imported.yaml, "t.yaml"))
    assert str(caught.value).startswith("t.yaml:"), str(caught.value)


@pytest.mark.parametrize(
    "command",
    [
        "ip -br link | awk '/^hKv-/ {print $1}' | cut -d@ -f1 | xargs -r -n1 ip link del || true",
        "for l in $(ls /sys/class/net); do ip link del $l; done",
        "ip -o link | awk -F': ' '{print $2}' | while read l; do ip link del $l; done",
        "ip a | grep -o 'veth[0-9a-z]*' | xargs -n1 sudo ip link delete",
        "ip netns exec red ip link | awk '{print $2}' | xargs -n1 ip link del",
        "sudo ip -n red -br link | cut -d@ -f1 | xargs -n1 ip link set down dev",
        "bash -c 'ip link | cut -d: -f2 | xargs -n1 ip link del'",
        "x=`ip -o link show type veth | cut -d: -f2`; ip link del $x",
    ],
)
def test_a_raw_command_that_hands_on_a_listing_of_links_is_refused(command: str) -> None:
    assert linklisting.lists_every_link(command) is not None
    assert_refused(command, "every link of the namespace")


@pytest.mark.parametrize(
    "command",
    ["ip link del group 0", "sudo ip link delete group default", "ip link set group 0 down"],
)
def test_a_change_of_every_link_of_a_group_is_refused(command: str) -> None:
    assert_refused(command, "every link of the host in that group")


@pytest.mark.parametrize(
    "command",
    [
        "ip -br link",
        "ip link | grep veth",
        "ip -br link | grep -q vx || ip link add vx type dummy",  # a check: no names go on
        "ip link show dev vx | xargs echo",  # one link, named
        "n=$(ip link | grep -c veth); echo $n",
        "ip -br addr show | awk '{print $1}' | sort",
    ],
)
def test_other_commands_are_not_refused(command: str) -> None:
    assert linklisting.lists_every_link(command) is None
    build(scenario.load_text(raw_lab(command), "t.yaml"))


@pytest.mark.parametrize(
    ("argv", "lines", "expected"),
    [
        (["awk", "/^v/ {print $1}"], ["va@vb UP", "lo UNKNOWN"], ["va@vb"]),
        (["awk", "!/^v/"], ["va UP", "lo UNKNOWN"], ["lo UNKNOWN"]),
        (["awk", "-F", ": ", "{print $2}"], ["1: lo: <LOOPBACK>"], ["lo"]),
        (["awk", "-F:", "$2 ~ /v/ {print $NF}"], ["1: va: x", "2: lo: y"], [" x"]),
        (["awk", "/[[:digit:]]$/"], ["a1", "b"], ["a1"]),
        (["awk", "{print $1; exit}"], ["a"], None),
        (["cut", "-d@", "-f1"], ["va@vb", "br0"], ["va", "br0"]),
        (["cut", "-f", "1-2"], ["a"], None),
        (["grep", "-o", "v[a-z]"], ["va@vb x"], ["va", "vb"]),
    ],
)
def test_filters_on_the_lines_of_a_listing(
    argv: list[str], lines: list[str], expected: list[str] | None
) -> None:
    assert listing.filtered(lines, argv) == expected


@pytest.mark.kernel
def test_hunt_k_08b_a_link_the_host_had_survives_the_labs_cleanup(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt K: a veth pair that existed before the run, named as the awk pattern of 08b's
    cleanup matches (hKv-...), is still there after ``iplab run --prefix`` of 08b (in a
    network namespace of the test's own, which iplab takes for the host)."""
    text = (SCRIPTS / "08b-cleanup-xargs.sh").read_text(encoding="utf-8")
    lab = tmp_path / "08b.yaml"
    lab.write_text(import_text(text, "shell", "08b-cleanup-xargs.sh").yaml)
    mine = f"hKv-{prefix}"
    inner = textwrap.dedent(f"""\
        set -e
        ip link set lo up
        ip link add {mine}a type veth peer name {mine}b
        {sys.executable} -m iplab run {lab} --prefix {prefix} --state-dir {state_dir}
        echo "left: $(ip -br link | awk '/^hKv-/ {{print $1}}' | cut -d@ -f1 | sort | tr '\\n' ' ')"
        """)
    result = apart(inner)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ip link del {prefix}hKv-red" in result.stdout
    assert f"left: {mine}a {mine}b \n" in result.stdout, result.stdout + result.stderr
