"""``for ns in $(ip netns list)``, ``ip netns | xargs ...``, ``ip netns list | while read``:
a tutorial's "for every namespace", read as the namespaces the tutorial made.

Run as written, such a line lists every namespace of the host and acts on each: a
cleanup written so deletes other labs' namespaces too. The importer reads the listing as
the lab's own namespaces at that line (the line printed as the author wrote it); a
scenario that keeps such a line as a raw command is refused by the model.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.importer import listing
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.words import lists_every_netns
from tests.conftest import assert_refused, raw_lab
from tests.test_all_netns import _run_apart

LAB = """\
ip netns add red
ip netns add blue
ip netns add green
ip link add v0 netns red type veth peer name v1 netns blue
ip netns del green
"""


def _teardown(line: str, lab: str = LAB) -> tuple[list[str], tuple[str, ...]]:
    """The texts the plan runs for ``line`` (after the lab's setup), and the import's
    warnings."""
    imported = import_text(lab + line + "\n", "shell", "t.sh")
    plan = build(scenario.load_text(imported.yaml, "t.yaml"), prefix="pz")
    last = plan.commands[lab.count("\n") :]
    return [pc.command.text for pc in last], imported.warnings


@pytest.mark.parametrize(
    "line",
    [
        "for ns in $(ip netns list); do ip netns del $ns; done",
        "for ns in $(ip netns list | awk '{print $1}'); do ip netns del $ns; done",
        "for ns in `ip netns`; do ip netns del $ns; done",
        "for ns in $(ls /var/run/netns); do ip netns del $ns; done",
        "for ns in $(sudo ip netns ls | cut -d ' ' -f1); do ip netns del $ns; done",
        "ip netns | xargs -n1 ip netns del",
        "ip netns list | awk '{print $1}' | xargs -I{} ip netns del {}",
        "ip netns list | cut -d' ' -f1 | xargs -r -n 1 ip netns del",
        "ls /run/netns | xargs -L1 ip netns del",
        "ip netns list | while read ns _; do ip netns del $ns; done",
        "ip netns | while read -r ns rest; do\n  ip netns del $ns\ndone",
    ],
)
def test_a_cleanup_over_the_listing_deletes_the_labs_namespaces_only(line: str) -> None:
    texts, warnings = _teardown(line)
    # green was deleted before the line: red and blue are left, in the order they were made
    assert texts == ["ip netns del pzred", "ip netns del pzblue"]
    (said,) = [w for w in warnings if "lists every namespace of the host" in w]
    assert "the namespaces the tutorial made (red, blue)" in said
    assert said.startswith(f"line {LAB.count(chr(10)) + 1}: ")


def test_the_line_is_printed_as_the_author_wrote_it() -> None:
    line = "ip netns list | awk '{print $1}' | xargs -I{} ip netns del {}"
    imported = import_text(LAB + line + "\n", "shell", "t.sh")
    plan = build(scenario.load_text(imported.yaml, "t.yaml"))
    assert export.export(plan, "text", "all") == LAB + line + "\n"


@pytest.mark.parametrize(
    ("line", "texts"),
    [
        ("for ns in $(ip netns | grep blu); do ip netns del $ns; done", ["ip netns del pzblue"]),
        ("for ns in $(ip netns | grep -v blue); do ip netns del $ns; done", ["ip netns del pzred"]),
        ("for ns in $(ip netns | sort); do ip netns del $ns; done",
         ["ip netns del pzblue", "ip netns del pzred"]),
        ("for ns in $(ip netns | head -n 1); do ip netns del $ns; done", ["ip netns del pzred"]),
        ("ip netns | xargs ip netns del", ["ip netns del pzred pzblue"]),  # one command, as xargs
        ("ip netns | xargs -n1 ip -n", []),  # ip -n red: not a change iplab types...
    ],
)  # fmt: skip
def test_filters_after_the_listing_pick_among_the_labs_namespaces(
    line: str, texts: list[str]
) -> None:
    got, _ = _teardown(line)
    if texts:
        assert got == texts
    else:
        assert got == ["ip -n pzred", "ip -n pzblue"]


def test_a_loop_over_the_listing_runs_its_body_for_each() -> None:
    line = "for ns in $(ip netns list); do ip -n $ns link set lo up; done"
    texts, _ = _teardown(line)
    assert texts == ["ip -n pzred link set lo up", "ip -n pzblue link set lo up"]


def test_before_any_namespace_the_listing_is_empty() -> None:
    imported = import_text("ip netns | xargs -n1 ip netns del\nip netns add red\n", "shell", "t.sh")
    assert any("(none at this point)" in w for w in imported.warnings)
    plan = build(scenario.load_text(imported.yaml, "t.yaml"))
    assert [pc.command.text for pc in plan.commands] == ["ip netns add red"]


@pytest.mark.parametrize(
    "command",
    [
        "ip netns | xargs -n1 ip netns delete",
        "for ns in $(ip netns list); do ip netns del $ns; done",
        "ls /var/run/netns | while read n; do ip netns del $n; done",
        "ip netns | sed 's/ .*//' | xargs -n1 ip netns del",
    ],
)
def test_a_raw_command_that_hands_on_the_listing_is_refused(command: str) -> None:
    assert lists_every_netns(command) is not None
    assert_refused(command, "every namespace of the host")


@pytest.mark.parametrize(
    "command",
    [
        "ip netns list",
        "ip netns list | wc -l",  # hands the names on, but only to a reader: harmless
        "ip netns list || true",
        "ip netns exec a ip link | grep x",
        "ls /tmp | xargs echo",
    ],
)
def test_other_commands_are_not_refused(command: str) -> None:
    text = raw_lab(command)
    build(scenario.load_text(text, "t.yaml"))


@pytest.mark.parametrize(
    ("argv", "names", "expected"),
    [
        (["grep", "-E", "r.d|blue"], ["red", "blue", "x"], ["red", "blue"]),
        (["grep", "r.d|blue"], ["red", "blue", "r.d|blue"], ["r.d|blue"]),  # basic: | is plain
        (["grep", "-F", "r.d"], ["red", "r.d"], ["r.d"]),
        (["grep", "-w", "ns"], ["ns", "ns1"], ["ns"]),
        (["grep", "-i", "RED"], ["red"], ["red"]),
        (["egrep", "^(a|b)"], ["a1", "b1", "c1"], ["a1", "b1"]),
        (["tail", "-1"], ["a", "b"], ["b"]),
        (["tac"], ["a", "b"], ["b", "a"]),
        (["sort", "-r"], ["a", "c", "b"], ["c", "b", "a"]),
        (["sed", "s/ .*//"], ["a"], None),  # unknown: the line is read as before
        (["grep", "-q", "x"], ["x"], None),
        (["grep", "x", "file"], ["x"], None),
    ],
)
def test_filters(argv: list[str], names: list[str], expected: list[str] | None) -> None:
    assert listing.filtered(names, argv) == expected


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["xargs", "-n1", "ip", "netns", "del"], [["ip", "netns", "del", "a"],
                                                   ["ip", "netns", "del", "b"]]),
        (["xargs", "-I", "%", "ip", "-n", "%", "link"], [["ip", "-n", "a", "link"],
                                                          ["ip", "-n", "b", "link"]]),
        (["xargs", "-P4", "-i", "ip", "netns", "del", "{}"], [["ip", "netns", "del", "a"],
                                                                ["ip", "netns", "del", "b"]]),
        (["xargs"], [["echo", "a", "b"]]),
        (["xargs", "-0", "rm"], None),
        (["echo"], None),
    ],
)  # fmt: skip
def test_xargs(argv: list[str], expected: list[list[str]] | None) -> None:
    assert listing.xargs_commands(argv, ["a", "b"]) == expected


@pytest.mark.kernel
def test_run_of_a_listing_cleanup_leaves_the_hosts_namespace(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Run, the tutorial's "delete every namespace" deletes the lab's; a namespace the host
    had (the test's own, in a mount namespace of the test's) is still there."""
    lab = tmp_path / "listing.yaml"
    script = textwrap.dedent("""\
        ip netns add n1
        ip netns add n2
        # clean up
        ip netns list | awk '{print $1}' | xargs -n1 ip netns delete
        """)
    lab.write_text(import_text(script, "shell", "listing.sh").yaml)
    result = _run_apart(lab, prefix, state_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ip netns delete {prefix}n1" in result.stdout
    assert "== nothing of the lab remains" in result.stdout
    assert f"left: {prefix}keep \n" in result.stdout
