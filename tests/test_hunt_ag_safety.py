"""Hunt AG (an adversarial read of the rules): a namespace named by a path. ``ip -n
../../proc/1/ns/net`` opens the host's own namespace, and the steps "in" it changed the
host's eth0 (its alias, a permanent neighbour) that no undo gave back."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.cli import main
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.pids import netns_path_named
from iplab.plan import build
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-8"


def _built(name: str, prefix: str = "") -> None:
    text = (HUNT / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    build(scenario.load_text(result.yaml, "page.yaml"), prefix=prefix)


@pytest.mark.parametrize("prefix", ["", "hG"])
@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("ag13c-netns-path-unwatched.sh", "link set eth0 alias pwned"),
        ("ag13b-bypass-netns-path-pid1.sh", "link set eth0 promisc on"),
    ],
)
def test_a_namespace_named_by_a_path_is_refused_before_anything_runs(
    name: str, said: str, prefix: str
) -> None:
    """Hunt AG #1: ``ip -n ../../proc/1/ns/net link set eth0 alias pwned`` ran without
    --prefix and changed the host's eth0 (the rollback said "the host is as it was");
    with --prefix it was refused only by luck, after the dry run showed every line (#8).
    Refused now, with and without --prefix, with the page's step and why."""
    with pytest.raises(
        ModelError,
        match=rf"page\.yaml:\d+: setup\[2\]: runs ip -n \.\./\.\./proc/1/ns/net {said}: the"
        r" namespace name '\.\./\.\./proc/1/ns/net' is a path",
    ):
        _built(name, prefix)


@pytest.mark.parametrize(
    "line",
    [
        *(HUNT / "ag13c-netns-path-unwatched.sh").read_text(encoding="utf-8").splitlines()[3:],
        "ip --netns=/proc/1/ns/net link set eth0 down",
        "ip -netns ../../proc/1/ns/net addr flush dev eth0",
        "tc -n /proc/1/ns/net qdisc add dev eth0 root netem delay 1s",
        "bridge -n /proc/1/ns/net link set dev eth0 learning off",
        "sudo ip netns del ../../proc/1/ns/net",
        "ip netns exec lab1 ip -n /proc/1/ns/net link set eth0 down",
        "ip link set v0 netns /proc/1/ns/net",
        "ip -n ..  link set eth0 down",
    ],
)
def test_every_place_a_namespace_is_named_finds_the_path(line: str) -> None:
    """Hunt AG #1: ``-n``, ``-netns``, ``--netns=``, ``ip netns exec|del``, ``netns`` of a
    link, for ip, tc and bridge."""
    assert netns_path_named(line) is not None


@pytest.mark.parametrize(
    "line",
    ["ip -n lab1 link set lo up", "ip netns exec lab1 ip a", "ip link set v0 netns lab1"],
)
def test_a_namespace_named_by_its_name_is_not_a_path(line: str) -> None:
    """Hunt AG #1: the lab's own names pass."""
    assert netns_path_named(line) is None


def test_a_link_moved_to_the_root_namespace_is_moved_back_before_its_namespace_goes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt AG #4: ``ip netns exec box ip link set brx netns 1`` (and ``ip -n box ...``)
    moved a link the lab made to the root namespace; the journal's only undo was ``ip
    netns del hGbox``, and down said "could not undo everything (still there: hGbrx@root,
    hGbry@root)" every time. Down moves each back into its namespace first now."""
    name = "ag14-bypass-move-to-root.sh"
    text = (HUNT / name).read_text(encoding="utf-8")
    lab = tmp_path / "ag14.yaml"
    lab.write_text(import_text(text, detect_kind(name, text), name).yaml, encoding="utf-8")
    state = str(tmp_path / "state")
    main(["up", str(lab), "--dry-run", "--no-preflight", "--prefix", "hG", "--state-dir", state])
    out = capsys.readouterr().out
    assert (
        "would then run 3 undo commands:\n"
        "DRY RUN:   ip link set hGbry netns hGbox\n"
        "DRY RUN:   ip link set hGbrx netns hGbox\n"
        "DRY RUN:   ip netns del hGbox\n"
    ) in out, out
