"""Hunt AG (a false-positive read of the rules): lines that only read the host's link, or
build a tool before the lab, refused as if they changed the host."""

from __future__ import annotations

import pytest

from iplab import hostnamed, scenario
from iplab.hostnamed import host_link_named
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import Plan, build
from iplab.recipes import recipe_run
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-8"


def _plan(name: str, prefix: str = "") -> Plan:
    text = (HUNT / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    return build(scenario.load_text(result.yaml, "page.yaml"), prefix=prefix)


@pytest.mark.parametrize("prefix", ["", "hG"])
@pytest.mark.parametrize("name", ["ag08-show-uplink.md", "ag03-readers.sh"])
def test_a_typed_show_of_the_hosts_link_is_read_not_refused(name: str, prefix: str) -> None:
    """Hunt AG #5: ``ip addr show eth0`` (``ip link show eth0``, ``ip -s link show eth0``,
    ``ip -br a show dev eth0``: every NAT tutorial finds its uplink so) was refused by the
    model: "link eth0 does not exist in the root namespace at this step". A show of a link
    no step makes in the root namespace reads the host's: it runs, as written."""
    plan = _plan(name, prefix)
    shown = [pc.command.body for pc in plan.commands if "show" in pc.command.body]
    assert "ip addr show eth0" in shown or "ip -s link show eth0" in shown


def _page_line(name: str, start: str) -> str:
    text = (HUNT / name).read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith(start))


def test_a_capture_to_a_file_of_the_hosts_link_is_not_refused() -> None:
    """Hunt AG #6: ``tcpdump -i eth0 -c 5 -w FILE icmp &`` was refused under --prefix: "names
    eth0, a link of this host's root namespace ... it may change the host's own link".
    Writing a capture file does not change the link: the page's plan passes the host-link
    rule, with eth0 among the host's links."""
    line = _page_line("ag17-capture-uplink.md", "$ sudo tcpdump").removeprefix("$ ")
    assert host_link_named(line, {"eth0"}) is None
    hostnamed.refuse(_plan("ag17-capture-uplink.md", "hG"), ["eth0", "lo"])


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("tshark -i eth0 -w /tmp/x.pcapng -a duration:5", None),
        ("dumpcap -i eth0 -w /tmp/x.pcapng", None),
        ("tcpdump -ni eth0 -C 10 -W 3 -w /tmp/x.pcap", None),
        ("tcpdump -i eth0 -w /tmp/x.pcap -z ./postrotate", "eth0"),
        ("tcpdump -I -i eth0 -w /tmp/x.pcap", "eth0"),
    ],
)
def test_a_capture_only_reads_the_link_unless_it_runs_a_command_or_changes_its_mode(
    line: str, named: str | None
) -> None:
    """Hunt AG #6: tcpdump, tshark, dumpcap with any options read the link; ``-z CMD`` runs
    a command, ``-I`` puts the link in monitor mode: still found."""
    assert host_link_named(line, {"eth0"}) == named


def test_building_the_tool_before_the_lab_is_no_recipe_run() -> None:
    """Hunt AG #7: ``cd iperf && ./configure && make -j4 && cd ..`` was refused under
    --prefix: "runs a Makefile's recipe (make -j4) ... the names it makes keep theirs".
    A make with no target builds the tool the lab uses, no lab."""
    line = _page_line("ag06-make-build.md", "$ cd iperf").removeprefix("$ ")
    assert recipe_run(line) is None


@pytest.mark.parametrize(
    ("line", "recipe"),
    [
        ("make", False),
        ("sudo make install", False),
        ("make -j 4 all", False),
        ("make -C src PREFIX=/usr check test", False),
        ("make up", True),
        ("make down", True),
        ("make clean", True),
        ("make lab", True),
        ("make -j4 up", True),
        ("make -f lab.mk", True),
        ("make $TARGET", True),
    ],
)
def test_only_build_targets_make_a_build(line: str, recipe: bool) -> None:
    """Hunt AG #7: no target or only build targets (all, install, check, test, -jN) is a
    build; any other target, a named makefile, or a target in a variable stays a recipe
    run (refused under --prefix)."""
    assert (recipe_run(line) is not None) is recipe
