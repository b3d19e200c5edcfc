"""Hunt BG #1: ``sysctl -p [FILE]`` on the host is put back by down.

A routing page (tests/fixtures/stored-pages-5/bg-p02-forwarding-sysctl.md) makes forwarding
permanent with ``sudo sysctl -p``, a masquerading guide loads its own file with ``sudo sysctl
-p /etc/sysctl.d/99-ip-forward.conf``: import listed the step as one iplab cannot undo, and a
run left every sysctl the file set on the host after the lab was down. The file is read right
before the step runs, and the undo puts back each key it sets, as ``sysctl -w`` is."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from iplab.inverse import sysctl_loads_of
from iplab.steps import Raw
from iplab.sysctl import sysctl_file_unkept, sysctl_file_writes, sysctl_loads
from tests.conftest import REPO
from tests.kernel import SKIP, apart
from tests.pages import imported

PAGES = REPO / "tests" / "fixtures" / "stored-pages-5"


@pytest.mark.parametrize(
    ("line", "files"),
    [
        ("sysctl -p", ("/etc/sysctl.conf",)),
        ("sysctl -p /etc/sysctl.d/99-ip-forward.conf", ("/etc/sysctl.d/99-ip-forward.conf",)),
        ("sysctl -q -p a.conf b.conf", ("a.conf", "b.conf")),
        ("sysctl --load=a.conf", ("a.conf",)),
        ("sysctl -pa.conf", ("a.conf",)),
        ("sysctl --system", None),
        ("sysctl -a", None),
        ("sysctl net.ipv4.ip_forward", None),
        ("sysctl -w net.ipv4.ip_forward=1", None),
        ("sysctl -p $F", None),
    ],
)
def test_the_files_a_load_reads(line: str, files: tuple[str, ...] | None) -> None:
    assert sysctl_loads(line) == files


def test_a_files_settings_as_sysctl_reads_them() -> None:
    text = (
        "# comment\n; another\n\nnet.ipv4.ip_forward = 1\n-net.ipv6.conf.all.forwarding=1\n"
        "net.ipv4.tcp_rmem = 4096 87380 6291456\nnet.ipv4.conf.*.rp_filter = 2\n"
        "net.ipv4.ip_forward = 0\nno equals sign\n"
    )
    assert sysctl_file_writes(text) == [
        ("net.ipv6.conf.all.forwarding", "1"),
        ("net.ipv4.ip_forward", "0"),
    ]
    # what it leaves out is said when the step runs (iplab will not put those back)
    assert sysctl_file_unkept(text) == ["net.ipv4.tcp_rmem", "net.ipv4.conf.*.rp_filter"]


def test_a_step_with_an_undo_of_its_own_is_not_read_back() -> None:
    assert sysctl_loads_of(Raw(command="sysctl -p", undo="true")) is None
    assert sysctl_loads_of(Raw(command="sysctl -p")) == ("/etc/sysctl.conf",)


def test_the_page_imports_with_no_step_it_cannot_undo() -> None:
    result, _ = imported(PAGES / "bg-p02-forwarding-sysctl.md")
    assert "cannot undo" not in result.summary(), result.summary()


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_down_puts_back_what_the_file_set(tmp_path: Path) -> None:
    """In a network namespace of its own (its ip_forward is the test's): up loads the file,
    down puts ip_forward back."""
    conf = tmp_path / "99-ip-forward.conf"
    conf.write_text("# the page's setting\nnet.ipv4.ip_forward = 1\n", encoding="utf-8")
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        f"name: load\nsetup:\n  - action: netns add\n    name: ns1\n"
        f"  - action: raw\n    command: sysctl -p {conf}\n",
        encoding="utf-8",
    )
    result = _up_and_down(lab, tmp_path, "hbg5c1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "before=0" in result.stdout
    assert "during=1" in result.stdout
    assert "after=0" in result.stdout, result.stdout + result.stderr


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_a_file_named_relatively_is_read_where_the_step_runs(tmp_path: Path) -> None:
    """``cd conf`` then ``sysctl -p 99-ip-forward.conf``: the step runs in conf (a cd
    carries), and the file iplab reads before it is that one, not one of iplab's own
    directory (there none: nothing would have been put back)."""
    (tmp_path / "conf").mkdir()
    conf = tmp_path / "conf" / "99-ip-forward.conf"
    conf.write_text("net.ipv4.ip_forward = 1\n", encoding="utf-8")
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "name: load\nsetup:\n  - action: netns add\n    name: ns1\n"
        "  - action: raw\n    shell: true\n    command: cd conf\n"
        "  - action: raw\n    command: sysctl -p 99-ip-forward.conf\n",
        encoding="utf-8",
    )
    result = _up_and_down(lab, tmp_path, "hbg5c2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "during=1" in result.stdout, result.stdout + result.stderr
    assert "after=0" in result.stdout, result.stdout + result.stderr
    assert "cannot read" not in result.stderr


def _up_and_down(lab: Path, tmp_path: Path, prefix: str) -> subprocess.CompletedProcess[str]:
    """In a network namespace of its own, from ``tmp_path``: ip_forward before, during the
    lab (``up``) and after ``down``, said as before=, during=, after=."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    return apart(
        f"export IPLAB_STATE_DIR={state}\ncd {tmp_path}\n"
        "echo before=$(cat /proc/sys/net/ipv4/ip_forward)\n"
        f"python3 -m iplab up {lab} --prefix {prefix} || exit 3\n"
        "echo during=$(cat /proc/sys/net/ipv4/ip_forward)\n"
        f"python3 -m iplab down {prefix}load || exit 4\n"
        "echo after=$(cat /proc/sys/net/ipv4/ip_forward)\n"
    )
