"""Hunt AF (safety) #2, #3, #4, #8: a raw step of the root namespace changed a link of the
host's (eth0, lo) through a wrapper the checks did not read: a script fed to a shell
(``echo "ip link set eth0 promisc on" | sudo sh``, ``bash <<< '...'``), ``eval``, ``su -c``,
``watch``, ``script -c``, ``xargs``/``parallel`` handed a literal name, ``ifconfig``,
``ethtool -K``, ``bridge link``, ``ip neigh replace``/``maddr``/``token``/``link
property``, ``prlimit``, and programs whose words no reading can end (``python3 -c``,
``awk``, ``perl -e``, ``at now``, ``expect -c``, ``tmux send-keys``, ``screen -X stuff``).
check said "model: OK" and ``up --dry-run`` showed each would run. Now the model reads
inside the scripts, xargs and those tools; and before anything runs, a raw step naming
any of the host's own root links (their altnames too, read from the kernel) is refused."""

from __future__ import annotations

import re

import pytest

from iplab import hostnamed, scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import Plan, build
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-7"
PROBES = (HUNT / "lines-probe.txt").read_text(encoding="utf-8").splitlines()
#: the host links of the tests: what a laptop or a VM has
HOST = frozenset({"eth0", "lo", "docker0", "wlp2s0"})
#: a prompt before a command on the hunt's pages (``[root@c7 ~]# ``, ``# ``, ``$ ``)
_PROMPT = re.compile(r"\s*(?:\[[^\]]+\]# |# |\$ )")


def _line(name: str, number: int) -> str:
    """Line ``number`` of the hunt's page ``name``, its prompt left out."""
    text = (HUNT / name).read_text(encoding="utf-8").splitlines()[number - 1]
    return _PROMPT.sub("", text, count=1)


def _plan(name: str, text: str | None = None, lenient: bool = False) -> Plan:
    text = (HUNT / name).read_text(encoding="utf-8") if text is None else text
    result = import_text(text, detect_kind(name, text), name)
    return build(scenario.load_text(result.yaml, "page.yaml"), prefix="hF", lenient=lenient)


@pytest.mark.parametrize(
    ("name", "number"),
    [("af07-interpreters.md", n) for n in (7, 8, 9, 11, 12)]
    + [("af04-ifconfig-oldschool.md", n) for n in (14, 15, 16)]
    + [("af02-fed-shell.sh", n) for n in (10, 13, 16, 18, 20)]
    + [("af03-xargs-literal.md", n) for n in (10, 11, 12, 13)]
    + [("af12-host-side-objects.md", n) for n in (13, 14, 15, 16, 17, 18)],
)
def test_a_raw_step_naming_a_host_link_is_refused_before_anything_runs(
    name: str, number: int
) -> None:
    """Hunt AF #8: ``python3 -c "...os.system('ip link set eth0 promisc on')"``, ``awk``,
    ``perl -e``, ``echo ... | at now``: no reading of the words ends, so the run compares
    each word with the host's links (and #2-#4 again, as the run sees them)."""
    line = _line(name, number)
    assert (found := hostnamed.host_link_named(line.removeprefix("sudo "), HOST)) in HOST, line
    assert found in line


@pytest.mark.parametrize(
    "line",
    [
        "expect -c 'spawn ip link set eth0 down; expect eof'",
        "tmux send-keys -t 0 'ip link set eth0 down' Enter",
        "screen -X stuff 'ip link set eth0 down\\n'",
        "at now <<< 'ip link set eth0 down'",
        "nmcli dev disconnect eth0",
        "ifdown eth0",
        "find /sys/class/net -name eth0 -exec ip link set {} down \\;",
    ],
)
def test_each_launcher_of_the_hunts_probes_is_refused(line: str) -> None:
    assert line in PROBES  # (the hunt's own probe, as written)
    assert hostnamed.host_link_named(line, HOST) == "eth0"


@pytest.mark.parametrize(
    "line",
    [
        "ping -c1 -I eth0 10.0.0.1",
        "tcpdump -ni eth0 -c 5",
        "ip -s link show eth0",
        "ethtool -k eth0",
        "iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE",
        "sysctl -w net.ipv4.conf.eth0.forwarding=1",
        "for ns in red blue; do ip netns exec $ns ip link set lo up; done",
        "ip netns exec red sh -c 'ip link set lo up'",
        "ip -n red link set lo up",
        "echo eth0 is the uplink",
        "ip link show | grep -q eth0 && echo ok",
        "python3 -c 'print(1)'",
    ],
)
def test_a_line_that_only_reads_the_host_link_or_runs_in_a_namespace_is_not_refused(
    line: str,
) -> None:
    assert hostnamed.host_link_named(line, HOST) is None


def test_the_page_is_refused_with_its_file_line_and_the_name() -> None:
    """Hunt AF #4: after ``ifconfig vb0 ... up`` (a raw step of unknown effect) the model
    only warned of ``ifconfig eth0:0 ...``, and the dry run showed it would run. Since hunt
    BF the model reads ``ifconfig vb0 10.99.0.1 netmask 255.255.255.0 up`` (a lab link's
    address), so it is sure of eth0 and refuses the page itself; the host-link check, run
    on the plan the model only warns of, refuses it too."""
    with pytest.raises(ModelError, match=r"page\.yaml:\d+: setup\[5\]: changes eth0, which no"):
        _plan("af04-ifconfig-oldschool.md")
    plan = _plan("af04-ifconfig-oldschool.md", lenient=True)
    with pytest.raises(ModelError, match=r"page\.yaml:\d+: setup\[5\]: `ifconfig eth0:0 .*"
                       r"` names eth0, a link of this host's root namespace"):  # fmt: skip
        hostnamed.refuse(plan, HOST)
    plan = _plan("af07-interpreters.md")
    with pytest.raises(ModelError, match=r"setup\[1\]: `python3 -c .*` names eth0"):
        hostnamed.refuse(plan, HOST)


def test_a_link_the_lab_makes_is_not_the_hosts() -> None:
    """The lab's own vb0 (made by a step) may be named by any raw step."""
    plan = _plan("af04-ifconfig-oldschool.md", lenient=True)
    hostnamed.refuse(plan, frozenset({"hFvb0", "hFvb1"}))  # (the lab's, --prefix hF)
