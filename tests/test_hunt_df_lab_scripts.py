"""Hunt DF: public repositories' lab scripts (``tests/fixtures/hunt-df/``), as iplab reads
and runs them; what each showed, kept so.

* ``abbreviated-verbs-root-route.sh``: every verb abbreviated (``ip net a``, ``ip l s``,
  ``ip net e NS ip r a``), a ``$veth-peer`` name, a host route on the lab's root end:
  typed throughout, run and undone from the journal (the script has no cleanup).
* ``ns-exec-sh-heredoc.sh``: ``ip netns exec NS sh << NS_EXEC_HEREDOC``: the
  here-document's lines are steps in that namespace.
* ``ip-in-a-variable-case-setup.sh``: ``IP=/usr/bin/ip`` and ``$IP`` everywhere, even
  after ``ip netns exec``; ``function name {`` without parentheses; a case on ``$1``.
* ``abbreviated-peer-no-name-doubled-address.sh``: ``veth peer Y`` without ``name``,
  ``ip -n NS l set lo up``, the second namespace's end given the third's address too.
* ``netns-before-dev-ifconfig-up.sh``: ``ip link set netns NS DEV`` (the namespace written
  first) and ``ifconfig X up`` in a namespace.
* ``all-netns-del-in-clean.sh``: ``ip -all netns del || true`` in a clean(): scoped to the
  lab, said; the add branch calls a function with ``"$2"``, a raw step the host cannot
  run, refused before anything runs.
* ``Makefile-kernel-route-deleted-root-route``: a Makefile is refused, saying how to get
  its commands (``make -n``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES, REPO
from tests.pages import imported, ran_clean, written

PAGES = FIXTURES / "hunt-df"


@pytest.mark.parametrize(
    ("script", "setup", "teardown"),
    [
        ("abbreviated-verbs-root-route.sh", 9, 0),
        ("ns-exec-sh-heredoc.sh", 8, 1),
        ("ip-in-a-variable-case-setup.sh", 15, 3),
        ("abbreviated-peer-no-name-doubled-address.sh", 31, 0),
        ("netns-before-dev-ifconfig-up.sh", 15, 0),
    ],
)
def test_each_script_is_read_whole_and_checks_out(script: str, setup: int, teardown: int) -> None:
    result, _lab = imported(PAGES / script)
    assert (result.setup, result.teardown) == (setup, teardown), result.summary()
    assert result.model_error is None and not result.cannot_undo, result.summary()
    assert "raw with effects" not in result.summary() or result.raw_effects == 0


def test_the_heredoc_lines_run_in_the_namespace() -> None:
    _result, lab = imported(PAGES / "ns-exec-sh-heredoc.sh")
    ins = [(s.op.action, getattr(s.op, "ns", None)) for s in lab.steps][5:7]
    assert ins == [("addr add", "pocns"), ("link set", "pocns")], ins


def test_ip_all_netns_del_is_scoped_and_the_function_call_refused(tmp_path: Path) -> None:
    result, _lab = imported(PAGES / "all-netns-del-in-clean.sh")
    assert "ip -all netns del: iplab deletes the lab's own namespaces only" in result.summary()
    lab = written(result, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "run", str(lab), "--dry-run", "--prefix", "dfxdry"],
        capture_output=True, text=True, cwd=REPO, check=False,
        env={"IPLAB_STATE_DIR": str(tmp_path / "state"), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    )  # fmt: skip
    assert done.returncode != 0, done.stdout + done.stderr
    # (since hunt DO add_ns "$2" is read, add_ns reading no argument: what refuses the run
    # is then the names its $(ns_num) gives, which --prefix cannot rename)
    assert "what it changes is named only when it runs" in done.stderr, done.stderr


def test_a_makefile_says_how_to_get_its_commands() -> None:
    path = PAGES / "Makefile-kernel-route-deleted-root-route"
    text = path.read_text(encoding="utf-8")
    with pytest.raises(UsageError, match=r"make -f Makefile-kernel-route-deleted-root-route -n"):
        import_text(text, detect_kind(path.name, text), path.name)


@pytest.mark.kernel
@pytest.mark.parametrize(
    "script",
    [
        "ns-exec-sh-heredoc.sh",
        "abbreviated-verbs-root-route.sh",
        "veth-loop-if-absent-arith-string.sh",
    ],
)
def test_the_lab_runs_and_leaves_nothing(
    script: str, prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    ran_clean(PAGES / script, prefix, state_dir, tmp_path)
