"""Hunt CC: a host file written by a shell a line starts in a namespace (the firewall
page 05: ``ip netns exec fw bash -c "iptables-save > /tmp/fw-rules.v4"``) was left
behind by ``down``: iplab read no redirection inside ``bash -c``'s script."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.hostfiles import Write, file_writes
from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.kernel import REPO, apart

PAGE = FIXTURES / "firewall" / "05-router-shell-session.md"


@pytest.mark.parametrize(
    ("command", "path"),
    [
        ('ip netns exec fw bash -c "iptables-save > /tmp/fw-rules.v4"', "/tmp/fw-rules.v4"),
        ("sudo ip netns exec fw sh -c 'ip6tables-save >> /tmp/v6'", "/tmp/v6"),
        ("timeout 5 bash -lc 'echo hi > /tmp/hi'", "/tmp/hi"),
        ("ip netns exec fw tee /tmp/x", "/tmp/x"),
    ],
)
def test_a_shell_script_s_writes_are_followed(command: str, path: str) -> None:
    got = file_writes(command, "/root")
    assert got is not None and [w.path for w in got.writes] == [path], got
    assert got.complete


def test_etc_inside_a_namespace_is_not_named() -> None:
    """``ip netns exec NS`` binds /etc/netns/NS/X over /etc/X: which file a write there
    reaches is not the path's, so it is none iplab names (nor says complete)."""
    got = file_writes("ip netns exec red sh -c 'echo x > /etc/resolv.conf'", "/root")
    assert got is None
    plain = file_writes("sh -c 'echo x > /etc/hosts.lab'", "/root")
    assert plain is not None and plain.writes == (Write("/etc/hosts.lab", "file"),)


def test_the_page_s_save_is_no_step_it_cannot_undo() -> None:
    result = import_text(PAGE.read_text(encoding="utf-8"), "markdown", PAGE.name)
    assert "iptables-save > /tmp/fw-rules.v4" in result.yaml
    assert "cannot undo" not in result.summary(), result.summary()


@pytest.mark.kernel
def test_down_removes_the_saved_rules(tmp_path: Path) -> None:
    """The page up and down apart (a network namespace taken for the host, a /tmp of its
    own): the file the page saved is gone after down."""
    # the repository seen at /mnt/repo first: a checkout under /tmp (a clone the kernel
    # suite runs in) is hidden by the test's own /tmp
    page = Path("/mnt/repo") / PAGE.relative_to(REPO)
    done = apart(
        f"mount -t tmpfs hccm /mnt && mkdir /mnt/repo && mount --bind {REPO} /mnt/repo\n"
        'mount -t tmpfs hcc /tmp && mkdir -p /tmp/w "$TMPDIR"\n'
        "ip link set lo up\n"
        "export IPLAB_STATE_DIR=/tmp/w/state PYTHONPATH=/mnt/repo\ncd /tmp/w\n"
        f"python3 -m iplab import {page} -o lab.yaml >/dev/null 2>&1\n"
        "python3 -m iplab up lab.yaml --prefix hcca01 >/dev/null; echo up=$?\n"
        "echo saved=$(test -s /tmp/fw-rules.v4 && echo yes)\n"
        "python3 -m iplab down >/dev/null; echo down=$?\n"
        "echo left=$(ls /tmp/fw-rules.v4 2>/dev/null)\n",
        timeout=240,
    )
    out = done.stdout + done.stderr
    assert "up=0" in out and "saved=yes" in out and "down=0" in out, out
    assert "left=\n" in out, out
