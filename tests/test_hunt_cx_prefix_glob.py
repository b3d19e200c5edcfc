"""Hunt CX: ``--prefix`` renamed a glob of the author's files.

bird-tcpao-start-stop-case.sh (tests/fixtures/github-scripts-7, a BIRD test bed's start/stop
script) names its routers' namespaces peer-a and peer-b and copies each router's files
(peer-a.conf, its keys: the repository's, named after the router) with ``cp peer-a*
"/tmp/bird_lab/peer-a"``. Run with ``--prefix``, the glob became ``hcxb02peer-a*``, which
matches no file: "cp: cannot stat 'hcxb02peer-a*'", the run failed and rolled back. A word
the shell matches against the files of the working directory names files, not a namespace
or a link, and is left as written; ``/tmp/bird_lab/peer-a`` (made by the lab's ``mkdir``,
named in the same lines) and ``/sys/class/net/veth0*`` (the kernel's names) are renamed
as before.

The glob ran without a shell, too: ``cp`` was handed ``peer-a*`` itself ("cannot stat
'peer-a*'"), where bash hands it the files. A raw step with a word bash matches against
files runs in a shell now (lineparse._globs); a word in quotes does not make it one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.lineparse import classify
from iplab.prefix import _rename_words, with_prefix
from iplab.steps import Raw
from tests.conftest import FIXTURES
from tests.kernel import SKIP
from tests.pages import imported, ran_clean

BIRD = FIXTURES / "github-scripts-7" / "bird-tcpao-start-stop-case.sh"


def test_a_glob_of_the_working_directory_keeps_the_author_s_name() -> None:
    _, lab = imported(BIRD)
    ran = [s.op.command for s in with_prefix(lab, "hcxb02").steps if isinstance(s.op, Raw)]
    assert 'cp peer-a* "/tmp/bird_lab/hcxb02peer-a"' in ran, ran
    assert 'cp peer-b* "/tmp/bird_lab/hcxb02peer-b"' in ran, ran
    assert 'mkdir -p "/tmp/bird_lab/hcxb02peer-a"' in ran, ran


def test_a_raw_step_with_a_glob_runs_in_a_shell() -> None:
    _, lab = imported(BIRD)
    copies = [s.op for s in lab.steps if isinstance(s.op, Raw) and s.op.command.startswith("cp ")]
    assert [(op.command.split()[1], op.shell) for op in copies] == [
        ("peer-a*", True),
        ("peer-b*", True),
        ("root-ca.pem", False),
    ]
    assert not classify("grep 'veth*' /tmp/x").op.shell  # type: ignore[attr-defined]


def test_the_kernel_s_names_under_a_glob_are_still_renamed() -> None:
    netns, links = {"peer-a": "hXpeer-a"}, {"veth0": "hXveth0"}
    assert _rename_words("ls /sys/class/net/veth0*", netns, links) == ("ls /sys/class/net/hXveth0*")
    assert _rename_words("ip link del veth0", netns, links) == "ip link del hXveth0"
    assert _rename_words("cp peer-a* /tmp/x/peer-a", netns, links) == ("cp peer-a* /tmp/x/hXpeer-a")


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_bird_script_runs_with_a_prefix_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    for name in ("peer-a.conf", "peer-b.conf", "root-ca.pem"):
        (tmp_path / name).write_text("# the router's\n", encoding="utf-8")
    before = Path("/tmp/bird_lab").exists()
    done = ran_clean(BIRD, prefix, state_dir, tmp_path)
    assert f'cp peer-a* "/tmp/bird_lab/{prefix}peer-a"' in done.stdout, done.stdout[-3000:]
    assert Path("/tmp/bird_lab").exists() == before
