"""Hunt P #4: ``tc -b FILE`` (``tc -force -batch FILE``) whose file held ``qdisc add dev
eth0 root tbf ...`` ran unrefused ("model: OK") and shaped the host's eth0, which ``down``
left shaped; ``ip -b FILE`` and ``bridge -b FILE`` were not read either, nor a ``tc -b -``
fed by a here-document. The plan now reads a batch file's lines as they are when it is
built and judges each as the line it is; a batch it cannot read is refused, naming it.
The inputs are the hunt's own (tests/fixtures/safety/p4-*: the scripts name the batch file
by the hunt's path, which the tests point at the copy)."""

from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from iplab import scenario
from iplab.batch import batch_line, holds_fd, segments
from iplab.batchfiles import batches
from iplab.errors import ScenarioError
from iplab.importer.convert import import_text
from iplab.plan import PlannedCommand, build
from tests.conftest import FIXTURES
from tests.kernel import apart

SAFETY = FIXTURES / "safety"
BATCH = SAFETY / "p4-tc.batch"


def _script(name: str, batch: Path = BATCH) -> str:
    text = (SAFETY / name).read_text(encoding="utf-8")
    return text.replace("/tmp/hunt-P/tc.batch", str(batch))


def _build(text: str) -> None:
    imported = import_text(text, "shell", "t.sh")
    build(scenario.load_text(imported.yaml, "t.yaml"))


@pytest.mark.parametrize("name", ["p4-t10-tc-batch.sh", "p4-t14-tc-force-batch.sh"])
def test_a_tc_batch_file_is_judged_line_by_line(name: str) -> None:
    """Hunt P: the batch's ``qdisc add dev eth0`` is refused as ``tc qdisc add dev eth0``
    is, naming the file and its line."""
    with pytest.raises(ScenarioError, match="link eth0 does not exist") as caught:
        _build(_script(name))
    said = str(caught.value)
    assert said.startswith("t.yaml:") and f"{BATCH} line 1 (tc qdisc add dev eth0" in said


@pytest.mark.parametrize(
    ("batch", "line"),
    [
        ("link set eth0 down\n", "ip -b {}"),
        ("link set eth0 down\n", "ip -n n1 -force -batch {}"),  # (n1 has no eth0 either)
        ("vlan add vid 10 dev eth0\n", "bridge -b {}"),
    ],
)
def test_ip_and_bridge_batch_files_are_judged_too(tmp_path: Path, batch: str, line: str) -> None:
    path = tmp_path / "x.batch"
    path.write_text("# the lab's\n" + batch, encoding="utf-8")
    text = _script("p4-t10-tc-batch.sh").replace(f"tc -b {BATCH}", line.format(path))
    with pytest.raises(ScenarioError, match=f"{path} line 2"):
        _build(text)


def test_a_batch_of_the_labs_own_links_is_taken(tmp_path: Path) -> None:
    path = tmp_path / "ok.batch"
    path.write_text("qdisc add dev v1 root netem delay 10ms\n", encoding="utf-8")
    _build(_script("p4-t10-tc-batch.sh", path))


def test_a_batch_iplab_cannot_read_is_refused(tmp_path: Path) -> None:
    """A file that is not there when the plan is built, or standard input."""
    with pytest.raises(ScenarioError, match="does not exist now"):
        _build(_script("p4-t10-tc-batch.sh", tmp_path / "nosuch.batch"))
    assert batches("printf 'qdisc show\\n' | tc -b -")[0].lines is None


def test_a_tc_batch_fed_by_a_here_document_is_read_per_line() -> None:
    """``tc -b - <<EOF``: each line of the document is a tc command (it was one raw step,
    ``printf ... | tc -b -``, which the model did not read)."""
    head = _script("p4-t10-tc-batch.sh").rsplit("tc -b", 1)[0]
    text = head + "tc -b - <<EOF\n" + BATCH.read_text(encoding="utf-8") + "EOF\n"
    with pytest.raises(ScenarioError, match="link eth0 does not exist"):
        _build(text)


@pytest.mark.kernel
def test_up_refuses_a_tc_batch_on_the_hosts_link(tmp_path: Path) -> None:
    """Hunt P #4: in a network namespace of the test's own (iplab takes it for the host;
    it goes with the test's process), a bridge eth0 stands in for the host's uplink;
    ``up`` of the hunt's t10 refuses before anything runs, and eth0 keeps no tbf."""
    lab = tmp_path / "t10.yaml"
    lab.write_text(import_text(_script("p4-t10-tc-batch.sh"), "shell", "t10.sh").yaml, "utf-8")
    prefix = "p" + uuid.uuid4().hex[:4]
    inner = textwrap.dedent(f"""\
        ip link add eth0 type bridge || exit 98
        {sys.executable} -m iplab up {lab} --prefix {prefix} --no-verify \\
            --state-dir {tmp_path / "state"}
        echo "up=$?"
        tc qdisc show dev eth0
        """)
    result = apart(inner)
    if result.returncode == 98:
        pytest.skip("no bridge here")
    said = result.stdout + result.stderr
    assert "up=0" not in said and "up=" in said, said
    assert "tbf" not in result.stdout.split("up=", 1)[1], said


def _farm_setup() -> list[PlannedCommand]:
    text = (FIXTURES / "hostile" / "u-star30.md").read_text(encoding="utf-8")
    lab = scenario.load_text(import_text(text, "markdown", "u-star30.md").yaml, "star30.yaml")
    return list(build(lab, "hU").setup)


def test_batches_keep_no_more_descriptors_than_the_limit_allows() -> None:
    """Hunt U: under ``ulimit -n 20`` the setup of the 30-namespace farm was one batch whose
    30 ``link add ... netns boxN`` lines each left a descriptor open in ip (iproute2 6.1),
    and it failed "Too many open files". Batches are now split at the budget."""
    commands = _farm_setup()
    whole = segments(commands, True)
    split = segments(commands, True, fds=4)
    kept = [sum(holds_fd(batch_line(pc.command) or "") for pc in group) for group in split]
    assert max(kept) == 4 and sum(kept) == 30
    assert len(split) > len(whole)
    assert [pc for group in split for pc in group] == commands  # the same commands, in order
    assert holds_fd("link add hUvb1 type veth peer name hUeth0 netns hUbox1")
    assert not holds_fd("netns add hUbox1")
    assert not holds_fd("netns exec hUbox1 ip addr add 10.77.0.1/24 dev hUeth0")


def test_a_batch_out_of_descriptors_says_what_to_do() -> None:
    """Hunt U: a batch that ran out of descriptors said only "Cannot open netlink socket: Too
    many open files"; now the error says to raise ``ulimit -n`` or use --per-command."""
    from iplab.lab import StepFailed
    from iplab.runner import Result

    command = next(pc.command for pc in _farm_setup() if "master" in pc.command.text)
    stderr = "Cannot open netlink socket: Too many open files\nCommand failed -:5\n"
    failed = StepFailed(command, Result(("ip", "-batch", "-"), 1, "", stderr, 0.1), batched=True)
    assert "raise the open-files limit (`ulimit -n`) or run with --per-command" in str(failed)
