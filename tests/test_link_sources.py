"""Hunt P #2: a cleanup that reads the host's link names some other way than ``ip link``
(a glob of /sys/class/net, /proc/net/dev, ``find /sys/class/net``, ``ifconfig -a``...)
and hands them to ``ip link del`` ran unrefused ("iplab cannot undo" only) and deleted the
host's own vethzz; ``for l in /sys/class/net/veth*; do ip link del $(basename $l); done``
became one raw step with the glob in it. The inputs are the hunt's own scripts
(tests/fixtures/safety/p2-*)."""

from __future__ import annotations

import pytest

from iplab import linklisting, scenario
from iplab.errors import ScenarioError
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.steps import LinkDel, Raw
from tests.conftest import FIXTURES, assert_refused

SAFETY = FIXTURES / "safety"


def test_a_loop_over_a_glob_of_sys_class_net_is_read_per_link_of_the_lab() -> None:
    """Hunt P: ``for l in /sys/class/net/veth*`` ran once as ``ip link del $(basename
    /sys/class/net/veth*)``, which deleted the host's vethzz; now one ``link del`` a link
    of the lab's in the root namespace that the glob matches (veth1 went to ns1)."""
    page = SAFETY / "p2-a1-glob-loop.sh"
    imported = import_text(page.read_text(encoding="utf-8"), "shell", page.name)
    plan = build(scenario.load_text(imported.yaml, "a1.yaml"))
    ops = [c.command.op for c in plan.teardown]
    assert all(not isinstance(op, Raw) for op in ops), imported.yaml
    assert [op.dev for op in ops if isinstance(op, LinkDel)] == ["veth0", "vethbr"]


def test_a_loop_over_another_glob_is_skipped_not_run_once() -> None:
    """A glob whose files only the host knows: never one command with the glob in it."""
    text = "ip netns add n1\nfor f in /etc/lab/*.conf; do ip link del $(basename $f .conf); done\n"
    imported = import_text(text, "shell", "g.sh")
    assert "*.conf" not in imported.yaml.split("steps:", 1)[-1].split("# ---", 1)[0]
    assert "only the host knows" in imported.yaml


@pytest.mark.parametrize("page", ["p2-a2-proc-net-dev.sh", "p2-a3-find-sys-class-net.sh"])
def test_a_cleanup_reading_link_names_elsewhere_is_refused(page: str) -> None:
    """Hunt P: ``cat /proc/net/dev | ... | xargs -n1 ip link del`` and ``find
    /sys/class/net -name 'veth*' ... | xargs`` deleted the host's links; the model said
    OK. Now refused before anything runs, at the file and line."""
    path = SAFETY / page
    imported = import_text(path.read_text(encoding="utf-8"), "shell", path.name)
    with pytest.raises(ScenarioError, match="every link of the namespace") as caught:
        build(scenario.load_text(imported.yaml, "a.yaml"))
    assert str(caught.value).startswith("a.yaml:"), str(caught.value)


@pytest.mark.parametrize(
    "command",
    [
        "for l in /sys/class/net/veth*; do ip link del $(basename $l); done",
        "ip link del $(basename /sys/class/net/veth*)",
        "while read n rest; do ip link del ${n%:}; done < /proc/net/dev",
        "awk -F: '/veth/ {print $1}' /proc/net/dev | xargs -n1 ip link del",
        "ifconfig -a | grep -o '^veth[0-9]*' | xargs -n1 ip link del",
        "netstat -i | awk '/veth/ {print $1}' | xargs -n1 ip link del",
        "nmcli -t -f DEVICE d | grep veth | xargs -n1 ip link del",
        "ls -d /sys/class/net/veth* | xargs -n1 basename | xargs -n1 ip link del",
        "for c in /proc/sys/net/ipv4/conf/veth*; do ip link del ${c##*/}; done",
        "find /sys/devices/virtual/net -maxdepth 1 -name 'veth*' | xargs -n1 basename"
        " | xargs -n1 ip link del",
        "xargs -a /proc/net/dev ip link del",
    ],
)
def test_a_raw_command_handing_on_link_names_read_any_way_is_refused(command: str) -> None:
    assert linklisting.lists_every_link(command) is not None
    assert_refused(command, "every link of the namespace")


@pytest.mark.parametrize(
    "command",
    [
        "cat /proc/net/dev",
        "cat /sys/class/net/veth0/address",
        "ls /sys/class/net | wc -l",
        "netstat -tlnp | grep 80",
        "ifconfig veth0 | grep inet",
    ],
)
def test_reading_alone_is_not_refused(command: str) -> None:
    assert linklisting.lists_every_link(command) is None
