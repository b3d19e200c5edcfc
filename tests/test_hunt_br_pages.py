"""Hunt BR: learner pages never seen before, from the stored pages corpus
(tests/fixtures/stored-pages-7/).

#1 hana_shin's qiita page (br-p06) opens with the author's environment, ``cat
   /etc/redhat-release`` on CentOS 7.4: on any other distribution the file is missing,
   cat exits 1, and the run stopped at its first step and rolled back, where the reader's
   shell goes on to the lab. Reading the host's release file is a step that may fail.
#2 syntaxbug's page (br-p01) makes its three veth pairs with ``ip link add type veth``:
   the kernel names them veth0..veth5. Where a veth0 the lab did not make was already
   there, ``iplab run --prefix P`` refused (rightly) but said "use --prefix P to give the
   lab's objects other names": the user had, and no prefix renamed a name the kernel
   chooses. It now says which names the kernel chooses, on which line, and what helps
   (hunt DH #3: --prefix now names them the lab's own, so it helps, and runs).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.steps import Raw
from tests.conftest import FIXTURES
from tests.kernel import SKIP, apart
from tests.pages import imported, written

PAGES = FIXTURES / "stored-pages-7"
UNNAMED = PAGES / "br-p01-three-ns-unnamed-veth-bridge.md"
CENTOS = PAGES / "br-p06-qiita-hana-shin-centos.md"


def test_the_authors_release_file_shown_may_fail() -> None:
    _, lab = imported(CENTOS)
    shown = [
        (s.op.command, s.may_fail)
        for s in lab.setup
        if isinstance(s.op, Raw) and "release" in s.op.command
    ]
    assert shown == [("cat /etc/redhat-release", True)]


@pytest.mark.parametrize(
    ("line", "lenient"),
    [
        ("cat /etc/redhat-release", True),
        ("sudo cat /etc/os-release", True),
        ("cat /etc/centos-release", True),
        ("cat /etc/issue", True),
        ("cat /etc/debian_version", True),
        ("cat /etc/lsb-release", True),
        # a file of the lab, or a change: these must work
        ("cat /etc/netns/red/resolv.conf", False),
        ("cat /etc/redhat-release > /tmp/x", False),
        ("cat /proc/sys/net/ipv4/ip_forward", False),
    ],
)
def test_which_cat_lines_are_the_authors_environment(line: str, lenient: bool) -> None:
    from iplab.importer.reader import _lenient

    assert _lenient(line) is lenient


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_centos_page_runs_on_this_host(tmp_path: Path) -> None:
    """In a network namespace of its own (the page's ``ip -all netns delete`` then reaches
    only what the test made): the run goes past the missing release file, builds the lab,
    and leaves nothing."""
    result, _ = imported(CENTOS)
    lab = written(result, tmp_path)
    done = apart(
        f"ip link set lo up\n"
        f"IPLAB_STATE_DIR={tmp_path}/state python3 -m iplab run {lab} --prefix hbrc06\n"
        f"echo rc=$?\n"
        f"ip -br link | grep -c hbrc06 || true\n"
    )
    assert "rc=0" in done.stdout, done.stdout + done.stderr
    assert "nothing of the lab remains" in done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("0"), done.stdout


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_a_kernel_named_veth_taken_is_said_so(tmp_path: Path) -> None:
    """A veth0 pair not the lab's (made by the test, in a network namespace of its own)
    is there before the page's ``ip link add type veth``. Without --prefix (a dry run: it
    changes nothing) iplab does not start, and says the kernel names them and that --prefix
    helps. Hunt DH #3 (changed by design): with --prefix the run names the pairs the lab's
    own (hbrc01veth0...), so it runs, and the test's veth0 is left as it was."""
    result, _ = imported(UNNAMED)
    lab = written(result, tmp_path)
    done = apart(
        f"ip link set lo up\n"
        f"ip link add veth0 type veth peer name veth1\nip link set veth0 alias mine\n"
        f"export IPLAB_STATE_DIR={tmp_path}/state\n"
        f"python3 -m iplab up {lab} --dry-run >/dev/null\necho dry=$?\n"
        f"python3 -m iplab run {lab} --prefix hbrc01 2>/dev/null | tail -3\necho rc=$?\n"
        f"ip -br link | grep -c hbrc01 || true\nip -o link show veth0\n"
    )
    said = done.stderr
    assert "not starting: veth0, veth1 already exist" in said, said
    assert "use --prefix P" not in said, said
    assert "the kernel names veth0, veth1 (ip link add type veth, lab.yaml:24)" in said, said
    assert "run with --prefix P, which names them the lab's own" in said, said
    assert "dry=1\n" in done.stdout, done.stdout
    assert "nothing of the lab remains" in done.stdout and "rc=0\n" in done.stdout, done.stdout
    assert "\n0\n" in done.stdout, done.stdout  # (nothing of hbrc01 left)
    assert "veth0@veth1" in done.stdout and "alias mine" in done.stdout, done.stdout
