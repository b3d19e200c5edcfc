"""Hunt CJ: stored learner pages never seen before (tests/fixtures/stored-pages-11).

p2 (taku84's Japanese three-router page): ``# yum install frr``, alone in its block at
the root prompt, was taken for the author's comment and put in the next step's prose, with
no word: the page's line was lost, while ``$ sudo yum install frr`` is a step. A package
manager is a program at a ``# `` prompt whether this host has it or not (as it is in a
block of root prompts already: roothash.INSTALLERS), so the block is a root shell's and its
line the command typed there; ``# apt is the package manager`` stays a comment, said.

p3 (johannst's namespaces notes): ``echo 'nameserver 9.9.9.9' > /etc/netns/apple/resolv.conf``
right after ``ip netns add apple``, with no ``mkdir -p /etc/netns/apple``: check said OK and
the run failed there ("No such file or directory") and rolled back. ip netns add makes no
such directory: check, up and import say so now (netnsfiles.check_netns_files). The page's
``ip link set dev eth0 netns apple`` is refused, as the host's link is no lab's.

p7 (deepakk's source routing page): a block typed at bash's root prompt ``/# `` (PS1='\\w\\$ '
in /) was prose, its ``echo "1 admin" >> /etc/iproute2/rt_tables`` and ``ip rule add from
19.86.100.176/24 table admin`` lost with no word. It is a session now: its lines are steps,
the rest their output. (The page is refused as a whole: it routes over the host's eth0.)
"""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.steps import Raw
from tests.conftest import FIXTURES
from tests.pages import imported

PAGES = FIXTURES / "stored-pages-11"
P2 = PAGES / "p2-taku84-ja-three-routers.md"
P3 = PAGES / "p3-johannst-netns-dns.md"
P7 = PAGES / "p7-deepakk-source-routing.md"


def test_an_install_alone_at_a_root_prompt_is_the_pages_command() -> None:
    result, lab = imported(P2)
    assert result.model_error is None, result.model_error
    first = lab.setup[0].op
    assert isinstance(first, Raw) and first.command == "yum install frr", first
    assert "yum install frr" in result.lines
    assert not any("yum" in (s.prose or "") for s in lab.setup)
    # the rest of the page as before: its script's 43 lines, its two pings
    assert len(lab.setup) == 44


def test_a_sentence_about_a_package_manager_stays_a_comment() -> None:
    text = "# T\n\n```\n# apt is the package manager\n# ip netns add a\n```\n"
    result = import_text(text, "markdown", "page.md")
    assert list(result.lines) == ["ip netns add a"]
    assert any("'# apt is the package manager' may be a command" in w for w in result.warnings)


def _page_lines(*wanted: str) -> str:
    """The lines of p3's blocks that start with one of ``wanted``, as a reader types them."""
    lines = P3.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.startswith(wanted))


def _warnings(text: str, prefix: str = "") -> list[str]:
    result = import_text(f"# DNS\n\n```\n{text}\n```\n", "markdown", "page.md")
    plan = build(scenario.load_text(result.yaml, "page.yaml"), prefix)
    return [str(w) for w in plan.warnings]


def test_a_namespace_resolv_conf_written_with_no_directory_is_said() -> None:
    text = _page_lines("ip netns add apple", "echo 'nameserver", "ip netns exec apple cat")
    assert text.count("\n") == 2, text
    said = [w for w in _warnings(text) if "/etc/netns/apple" in w]
    assert said == [
        "page.yaml:10: setup[1]: writes /etc/netns/apple/resolv.conf, but no step before it"
        " makes /etc/netns/apple (ip netns add does not): the write fails, No such file or"
        " directory (make the directory first: mkdir -p /etc/netns/apple)"
    ], said
    # under a prefix, the directory of the namespace the run makes
    assert any("mkdir -p /etc/netns/hcj0aapple" in w for w in _warnings(text, "hcj0a"))
    # made before, or on the same line: nothing said
    made = text.replace("echo", "mkdir -p /etc/netns/apple\necho", 1)
    assert not [w for w in _warnings(made) if "/etc/netns" in w]
    same = text.replace("echo", "mkdir -p /etc/netns/apple && echo", 1)
    assert not [w for w in _warnings(same) if "/etc/netns" in w]
    # a namespace the lab does not make is not its business
    other = text.replace("/etc/netns/apple/", "/etc/netns/pear/")
    assert not [w for w in _warnings(other) if "/etc/netns" in w]


def test_moving_the_hosts_eth0_into_a_namespace_is_refused() -> None:
    text = _page_lines("ip netns add apple", "ip link set dev eth0 netns apple")
    result = import_text(f"# x\n\n```\n{text}\n```\n", "markdown", "page.md")
    with pytest.raises(ModelError, match="a link the host has, such as eth0, is not the lab's"):
        build(scenario.load_text(result.yaml, "page.yaml"))


def test_a_block_at_bashs_root_prompt_in_slash_is_a_session() -> None:
    result, _ = imported(P7)
    assert list(result.lines) == [
        "ip rule show",
        "ip route show table 100",
        "ip rule show",
        'echo "1 admin" >> /etc/iproute2/rt_tables',
        "ip rule add from 19.86.100.176/24 table admin",
        "ip rule show",
        'echo "1 admin" >> /etc/iproute2/rt_tables',
        "ip route add 172.16.40.0/24 dev eth0 src 172.16.40.176 table admin",
        "ip route add default via 172.16.40.1 dev eth0 table admin",
        "ip rule add from 172.16.40.176/32 table admin",
        "ip rule add to 172.16.40.176/32 table admin",
        "ip route flush cache",
    ], result.lines
    assert result.model_error is not None and "link eth0 does not exist" in result.model_error
    # a path or a comment with a # in it is still no prompt
    text = "```\n~/lab# ip netns add a\n/etc/x#y\n```\n"
    assert list(import_text(text, "markdown", "page.md").lines) == ["ip netns add a"]
