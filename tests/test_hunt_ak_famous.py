"""Hunt AK (well-known material re-typed: the man pages' EXAMPLES, LWN, the ArchWiki,
LARTC in namespaces, a gist's comments, a dev.to post, an Ubuntu Netplan page)."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.hostmanagers import reconfigures_the_host
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from tests.conftest import REPO

FAMOUS = REPO / "tests" / "fixtures" / "famous"


def _page(name: str) -> str:
    return (FAMOUS / name).read_text(encoding="utf-8")


def _built(name: str, prefix: str = "hK") -> None:
    text = _page(name)
    result = import_text(text, detect_kind(name, text), name)
    build(scenario.load_text(result.yaml, "page.yaml"), prefix=prefix)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("hunt-ak-07b-ubuntu-laptop-wifi.md", "runs systemctl reload NetworkManager"),
        ("hunt-ak-07-ubuntu-netplan-nmcli-netns.md", "runs systemctl reload NetworkManager"),
    ],
)
def test_the_host_s_network_manager_is_refused_before_anything_runs(name: str, said: str) -> None:
    """Hunt AK #1: an Ubuntu page's ``sudo systemctl reload NetworkManager``, ``sudo netplan
    apply`` and ``sudo nmcli connection modify "Wired connection 1" ipv4.dns ...`` were
    said as steps iplab cannot undo, then run on the host (only nmcli and netplan missing
    here kept the run from starting): they change the host's own configuration, which no
    undo gives back. The model refuses the first, naming file and line."""
    with pytest.raises(ModelError, match=rf"^page\.yaml:\d+: setup\[4\]: {said}"):
        _built(name)


@pytest.mark.parametrize(
    "line",
    [
        "sudo netplan apply",
        "sudo netplan try",
        "sudo rm /etc/netplan/99-lab.yaml && sudo netplan apply",
        "sudo systemctl restart systemd-networkd",
        "systemctl reload NetworkManager.service",
        'sudo nmcli connection modify "Wired connection 1" ipv4.dns "1.1.1.1"',
        "nmcli con m br0 bridge.stp no",
        "ip netns exec app nmcli c up br0",
        "nmcli networking off",
        "nmcli radio wifi off",
        "nmcli general hostname lab",
        "networkctl reload",
        "service networking restart",
    ],
)
def test_each_change_of_the_host_s_configuration_is_found(line: str) -> None:
    """Hunt AK #1: the spellings of the pages' host configuration."""
    assert reconfigures_the_host(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "nmcli device status",
        "nmcli c s",
        "nmcli con show --active",
        "nmcli -f NAME,DEVICE con show --active",
        "nmcli n",
        "nmcli radio wifi",
        "nmcli general hostname",
        "sudo nmcli device set veth-h managed no",
        "networkctl list",
        "netplan get",
        "systemctl status NetworkManager",
        "systemctl restart nginx",
    ],
)
def test_what_only_shows_or_names_a_device_is_not_the_host_s_configuration(line: str) -> None:
    """Hunt AK #1: what shows, and a device's change (left to the checks of its links)."""
    assert reconfigures_the_host(line) is None


def test_veth4_s_examples_at_a_root_prompt_are_said_not_lost() -> None:
    """Hunt AK #2: veth(4)'s EXAMPLES are written at a root prompt (``# ip link add
    <p1-name> type veth peer name <p2-name>``): the man page's reader took them for prose,
    Markdown then read ``<p1-name>`` as an HTML tag, and the three commands vanished from
    the scenario without a word. They are the command's grammar: shown, not run, and said."""
    name = "hunt-ak-01-man-pages-examples.txt"
    result = import_text(_page(name), detect_kind(name, _page(name)), name)
    said = "\n".join(result.warnings)
    assert "line 42: 'ip link add <p1-name> type veth peer name <p2-name>'" in said
    assert "line 62: 'ip link set <p2-name> netns <p2-ns>'" in said
    assert "# ip link add <p1-name> netns <p1-ns> type veth peer <p2-name> netns <p2-ns>" in (
        result.yaml
    )


def test_a_command_the_man_page_wraps_is_read_whole() -> None:
    """Hunt AK #3: ip-route(8) wraps ``ip -6 route add 2001:db8:1::/64 encap seg6 mode
    encap segs`` onto a second line (``2001:db8:42::1,2001:db8:ffff::2 dev eth1``): the
    step ran without its segments and its device (the kernel refuses it), the rest taken
    for prose. The wrapped line is the command's, with a warning."""
    name = "hunt-ak-01-man-pages-examples.txt"
    result = import_text(_page(name), detect_kind(name, _page(name)), name)
    whole = "ip -6 route add 2001:db8:1::/64 encap seg6 mode encap segs"
    assert result.lines[-1] == f"{whole} 2001:db8:42::1,2001:db8:ffff::2 dev eth1"
    assert any("wraps the command onto line 103" in w for w in result.warnings)


def test_a_networkd_file_under_its_name_is_no_command() -> None:
    """Hunt AK #4: the ArchWiki shows a systemd-networkd file in a block with no language,
    its name and a rule of dashes above ``[Match]``: read as shell, ``[Network]`` became a
    step, which the model refused as a placeholder, and the import failed. The block is
    an INI file's content: not read as commands, said."""
    name = "hunt-ak-06-archwiki-netns-networkd.md"
    result = import_text(_page(name), "markdown", name)
    assert "[Network]" not in result.lines
    assert not any("Address=" in line for line in result.lines)
    said = "\n".join(result.warnings)
    assert "line 50: the code block '/etc/systemd/network/20-veth-host.network'... is an INI" in (
        said
    )


def test_a_continued_command_with_a_trailing_comment_prints_as_the_page_wrote_it() -> None:
    """Hunt AK #5: a dev.to post's ``ip link add v-br0 \\`` then ``    type bridge   # think
    of it as a switch`` rendered as one line, ``ip link add v-br0 type bridge``, and its
    cleanup's three continued lines as one: the trailing comment (said with the step) kept
    the lines from printing as written. They print as the page wrote them, the comment
    aside, as after a one-line command."""
    name = "hunt-ak-05-devto-step-by-step.md"
    result = import_text(_page(name), "markdown", name)
    assert "ip link add v-br0 \\\n    type bridge" in result.lines
    assert (
        result.lines[-1]
        == "ip netns del ns-a && \\\n  ip netns del ns-b && \\\n  ip link del v-br0"
    )


def test_a_line_the_page_shows_failing_right_after_is_read_once_and_may_fail() -> None:
    """Hunt AK #6: the page runs ``ip link add link veth0 name veth0.10 type vlan id 10``
    in a block, then shows the same line failing ("Error: Unknown device type.", "so I
    skipped it"). Only the second copy was let fail: the run refused the first (no vlan
    here) and the model said the second's veth0.10 "already exists". Read once, at its
    first line, which may fail."""
    text = _page("hunt-ak-02-man-examples-lab.md")
    result = import_text(text, detect_kind("02.md", text), "02.md")
    lab = scenario.load_text(result.yaml, "page.yaml")
    plan = build(lab, prefix="hK")  # (the model says nothing of an "already exists")
    vlans = [pc.command for pc in plan.commands if "type vlan" in pc.command.text]
    assert len(vlans) == 1, [c.text for c in vlans]
    assert vlans[0].step is not None and vlans[0].step.may_fail
    assert any("(line 17) fail: read once" in w for w in result.warnings), result.warnings
