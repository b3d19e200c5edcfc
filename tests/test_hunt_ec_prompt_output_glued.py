"""Hunt EC #2: two stored pages whose code blocks lost their line breaks.

innerkube's "Pre-requisite Network Namespaces" (tests/fixtures/pages-ec/ec03-...) writes
``$ ip netns exec red ip link 1: lo: mtu 65536 qdisc noop state DOWN ...``: the command and
what it printed on one line, the ``<LOOPBACK>`` of ip's output lost with the page's HTML; and
``$ ip netns exec red route Kernel IP routing table Destination Gateway ...``. Each was one
step ip (or route) refuses, the output its words ("a typo?").

heiqu's VXLAN page (ec08-...) writes a root's three commands on one line, ``# ip link add
vxlan1 type vxlan ... dev eth0 # ip link set vxlan1 up # ip addr add 10.0.0.107/24 dev
vxlan1``: the first was read, the two others taken for its comment and lost with no word;
and ``# ifconfig vxlan1 vxlan1: flags=4163<UP,BROADCAST,...> mtu 1450 ...`` was one raw step
said to write the host's files ``mtu`` (ifconfig's output read as redirections).

Now what a command printed after it on its line is cut off (said), whatever printed it (ip
with or without its flags, ifconfig, route, arp), and a line of ``#`` prompts is read command by
command as a line of ``$`` prompts is."""

from __future__ import annotations

from iplab.errors import IplabError
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO
from tests.pages import family_page, rendered_lines

PAGES = REPO / "tests" / "fixtures" / "pages-ec"


def _import(page: str) -> str:
    return import_text(page, "markdown", "page.md").yaml


def _text(page: str) -> str:
    """A plain-text page (``page.txt``), where ``# ip ...`` is a root's prompt."""
    return import_text(page, detect_kind("page.txt", page), "page.txt").yaml


def _page(name: str) -> str:
    return family_page(PAGES, name)


_rendered = rendered_lines


def test_ip_output_without_its_flags_is_cut_off() -> None:
    yaml = _import(
        "Text.\n\n$ ip netns add red\n\n$ ip netns exec red ip link 1: lo: mtu 65536 qdisc"
        " noop state DOWN mode DEFAULT group default qlen 1000 link/loopback 00:00:00:00:00:00"
        " brd 00:00:00:00:00:00\n"
    )
    assert 'Command "1:" is unknown' not in yaml
    assert _rendered(yaml) == ["ip netns add red", "ip netns exec red ip link"]
    assert "cut off" in yaml


def test_route_s_table_is_cut_off() -> None:
    yaml = _import(
        "Text.\n\n$ ip netns add red\n\n$ ip netns exec red route Kernel IP routing table"
        " Destination Gateway Genmask Flags Metric Ref Use Iface\n"
    )
    assert _rendered(yaml) == ["ip netns add red", "ip netns exec red route"]


def test_arp_s_table_is_cut_off() -> None:
    yaml = _import(
        "Text.\n\n$ ip netns add red\n\n$ arp Address HWtype HWaddress Flags Mask Iface"
        " 172.17.0.21 ether 02:42:ac:11:00:15 C ens3\n"
    )
    assert _rendered(yaml) == ["ip netns add red", "arp"]
    assert "line 5: 'arp' is followed on its line by what it printed" in yaml


def test_hash_prompts_on_one_line_are_each_read() -> None:
    yaml = _text(
        "Text.\n\n# ip netns add a # ip link add v0 type veth peer name v1 # ip link set v1"
        " netns a\n"
    )
    assert _rendered(yaml) == [
        "ip netns add a",
        "ip link add v0 type veth peer name v1",
        "ip link set v1 netns a",
    ]
    assert "model: OK" in yaml


def test_a_hash_comment_after_a_command_stays_a_comment() -> None:
    yaml = _text("Text.\n\n# ip netns add a # make the namespace\n# ip netns add b\n")
    written = _rendered(yaml)
    assert "ip netns add b" in written
    assert not any(s.startswith("make the namespace") for s in written)


def test_ifconfig_output_is_no_redirection() -> None:
    yaml = _text(
        "Text.\n\n# ip netns add a\n# ifconfig vxlan1 vxlan1: flags=4163<UP,BROADCAST,RUNNING,"
        "MULTICAST> mtu 1450 inet 10.0.0.106 netmask 255.255.255.0\n"
    )
    assert "writes the host's" not in yaml
    assert not any("flags=4163" in s for s in _rendered(yaml))


def test_the_two_pages() -> None:
    ec03 = _page("ec03")
    assert 'Command "1:" is unknown' not in ec03
    ec08 = _page("ec08")
    written = _rendered(ec08)
    assert "ip link set vxlan1 up" in written
    assert "ip addr add 10.0.0.107/24 dev vxlan1" in written
    assert "writes the host's" not in ec08


def test_a_bare_ip_line_with_its_output_glued() -> None:
    """scmsi.es (ec10-...): the page's one command left, ``ip netns exec gateway ip link show
    1: lo: <LOOPBACK> mtu 65536 ...`` with no prompt, was said to give ip commands "only in
    their general form (<LOOPBACK>)": ip's flags taken for a placeholder."""
    yaml = _import(
        "Text.\n\nip netns add gateway\n\nip netns exec gateway ip link show 1: lo: <LOOPBACK>"
        " mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1\n"
    )
    assert _rendered(yaml) == ["ip netns add gateway", "ip netns exec gateway ip link show"]
    assert "line 5: 'ip netns exec gateway ip link show' is followed on its line" in yaml


def test_the_spanish_page_is_no_general_form() -> None:
    path = next(PAGES.glob("ec10-*"))
    text = path.read_text(encoding="utf-8")
    try:
        said = import_text(text, detect_kind(path.name, text), path.name).yaml
    except IplabError as e:
        said = str(e)
    assert "general form" not in said
