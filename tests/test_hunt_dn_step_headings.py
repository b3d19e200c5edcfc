"""Hunt DN #4: oneuptime's "Replicating Docker Bridge Networking Manually" as stored: no code
blocks left, each block's last line glued to the next heading, a numbered step's (``ip link
set docker0 upStep 2: Create a Network Namespace (Container)``, ``ip netns add
container1Step 3: Create veth Pair and Connect to Bridge``, ``ip netns exec container1 ip
route add default via 172.17.0.1Step 5: Enable NAT for Internet Access``), and its host
changes written as bare lines (``sysctl -w net.ipv4.ip_forward=1``, ``iptables -t nat -A
POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE``).

Before, the glued lines were lost with no word (``ip netns add container1`` among them:
the model refused the page at the next line, "namespace container1 does not exist"), or
read with the heading's words as the route's arguments; the sysctl and iptables lines were
dropped with no word, the host's NAT never said. Now "Step N: ..." headings are split off
as others are, and on a page with no code blocks a bare sysctl or iptables line is read as
its ip lines are: the host's changes are said before anything runs (``run``: "the lab
changes the host itself", each at its line). Not run here: it changes the host."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.prose import glued_heading
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dn" / "dn10-oneuptime-docker0-by-hand-host-nat.md"


def test_numbered_step_headings_are_split_off() -> None:
    assert glued_heading(
        "ip link set docker0 upStep 2: Create a Network Namespace (Container)"
    ) == (
        "ip link set docker0 up",
        "Step 2: Create a Network Namespace (Container)",
    )
    assert glued_heading(
        "ip netns add container1Step 3: Create veth Pair and Connect to Bridge"
    ) == (
        "ip netns add container1",
        "Step 3: Create veth Pair and Connect to Bridge",
    )
    assert glued_heading("iptables -A FORWARD -j ACCEPTStep 6: Test Connectivity") == (
        "iptables -A FORWARD -j ACCEPT",
        "Step 6: Test Connectivity",
    )
    assert glued_heading("ip link add myBridge type bridge") is None
    assert glued_heading("ip netns add blueStep 2") is None  # (a heading needs its words)


def test_the_page_is_read_whole_and_its_host_changes_said() -> None:
    text = PAGE.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(PAGE.name, text), PAGE.name)
    loaded = scenario.load_text(result.yaml, "page.yaml")
    lines = [step.loc.line or 0 for step in loaded.steps]
    actions = [step.op.action for step in loaded.steps]
    assert "netns add" in actions
    routes = [s for s in loaded.steps if s.op.action == "route add"]
    assert len(routes) == 1 and "Step" not in str(routes[0].op)
    commands = " ".join(str(getattr(s.op, "command", "")) for s in loaded.steps)
    assert "MASQUERADE" in commands
    assert lines == sorted(lines)
    assert "RELATED,ESTABLISHED -j ACCEPT" in commands  # (``ACCEPTStep 6: Test ...``)
    # said before anything runs, each at its line (run: "the lab changes the host itself")
    assert "line 29: sysctl -w net.ipv4.ip_forward=1: writes the host's sysctl" in result.yaml
    assert "line 31: iptables -t nat -A POSTROUTING" in result.yaml
    assert "changes the host's packet filter" in result.yaml
