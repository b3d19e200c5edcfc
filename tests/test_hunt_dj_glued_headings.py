"""Hunt DJ #1: a page saved as text where each code block's last line is glued to the
heading after it, their line break lost (oneuptime's pages as stored: ``sudo ip netns exec
myns ip link set veth1 upAdding a Default Route in the Namespace``, ``ip netns
listVerify the Namespace Was Created``).

Before, such a line was prose with no word (the ``up`` lost: the model then refused the
page's default route, "gateway 10.0.0.1 is not in the subnet of any up link", a step the
page never got wrong), or a command with the heading's words as its arguments (``ip netns
exec ns1 ip addr show loBring Up the Loopback Interface``: run, ip fails on it). Now the
command is read up to the glued word, the heading is the next step's title, and import
says so, naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.cli import main
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.prose import glued_heading
from tests.conftest import REPO
from tests.pages import imported, written

PAGES = REPO / "tests" / "fixtures" / "hunt-dj"
IPV4 = PAGES / "dj01-oneuptime-ipv4-stack-host-veth0-bash.md"
DMZ = PAGES / "dj02-oneuptime-ns1-ns2-dmz-route-no-link.md"


def _imported(text: str, name: str) -> tuple[list[str], scenario.Scenario]:
    result = import_text(text, detect_kind(name, text), name)
    return list(result.warnings), scenario.load_text(result.yaml, "page.yaml")


def _rendered(page: Path, where: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    result, _ = imported(page)
    capsys.readouterr()
    assert main(["render", str(written(result, where))]) == 0
    return capsys.readouterr().out.splitlines()


def test_the_split_of_a_line_glued_to_a_heading() -> None:
    said = glued_heading("sudo ip netns exec myns ip link set veth1 upAdding a Default Route")
    assert said == ("sudo ip netns exec myns ip link set veth1 up", "Adding a Default Route")
    assert glued_heading("ip netns listVerify the Namespace Was Created") == (
        "ip netns list",
        "Verify the Namespace Was Created",
    )
    assert glued_heading("ip route showTesting Connectivity") == (
        "ip route show",
        "Testing Connectivity",
    )
    assert glued_heading("sudo ip netns exec myns ip link show") is None
    # a name written in camel case, the words after it ip's: no heading
    assert glued_heading("ip link add myBridge type bridge") is None
    assert glued_heading("ip netns add blueNet") is None
    assert glued_heading("Linux gives you the primitives to build exactly that.") is None


def test_the_lost_link_up_is_read_and_the_route_is_no_longer_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _rendered(IPV4, tmp_path, capsys)
    up = lines.index("sudo ip netns exec myns ip link set veth1 up")
    assert lines[up + 1] == "sudo ip netns exec myns ip route add default via 10.0.0.1"
    assert "sudo ip netns exec myns ip route show" in lines
    warnings, loaded = _imported(IPV4.read_text(encoding="utf-8"), IPV4.name)
    assert not any("not in the subnet of any up link" in w for w in warnings)
    # (titled by the comment under the heading, as the page with its line breaks is)
    assert loaded.steps[up + 1].title == "Route traffic out via the host (10.0.0.1)"
    assert any(
        w.startswith("line 32: 'sudo ip netns exec myns ip link set veth1 up' is glued to")
        and "'Adding a Default Route in the Namespace'" in w
        for w in warnings
    ), warnings


def test_no_heading_is_left_in_a_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _rendered(DMZ, tmp_path, capsys)
    _, loaded = _imported(DMZ.read_text(encoding="utf-8"), DMZ.name)
    assert "ip netns exec ns1 ip addr show lo" in lines
    assert not [line for line in lines if any(w[:1].isupper() for w in line.split())]
    assert lines.count("ip netns list") == 2  # (each glued to the heading after it)
    assert lines.count("ip netns exec ns1 ip link list") == 1
    assert not any("Bring Up" in f"{step.title} {step.prose}" for step in loaded.steps[:9])


def test_the_heading_titles_the_command_under_it() -> None:
    text = (
        "Namespaces\n\nsudo ip netns add redBringing Up the Loopback\n"
        "sudo ip -n red link set lo up\n"
    )
    _, loaded = _imported(text, "page.md")
    assert [step.title for step in loaded.steps][1] == "Bringing Up the Loopback"
