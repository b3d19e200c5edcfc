"""Hunt EP: Envoy's netns_cleanup.sh (tests/fixtures/scripts-ep/ep04-envoy-original-dst/)
deletes its veth as it made it, ``ip link del "$NETNS-veth0" type veth peer name
"$NETNS-veth1"``. ip accepts the line and the kernel deletes the veth and its peer (this
kernel, ``ip link add a type veth peer name b; ip link del a type veth peer name b``: exit
0, both gone), but iplab read it as a raw step it "cannot undo", of unknown effect, and the
model did not see the links go. A peer given only its name is now read as the delete of
the link; a peer with more than its name (``netns X``, ``address ...``) is still not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from iplab.ipgrammar import read
from iplab.steps import LinkDel
from tests.conftest import REPO
from tests.kernel import SKIP, apart


@pytest.mark.parametrize(
    "line",
    [
        "ip link del v0 type veth peer name v1",
        'ip link del "v0" type veth peer name "v1"',
        "ip link delete dev v0 type veth peer v1",
    ],
)
def test_a_delete_naming_the_peer_deletes_the_link(line: str) -> None:
    op = read(line)
    assert isinstance(op, LinkDel) and op.dev == "v0", op


@pytest.mark.parametrize(
    "line",
    [
        "ip link del v0 type veth peer name v1 netns x",
        "ip link del v0 type bridge peer name v1",
    ],
)
def test_a_peer_with_more_than_its_name_is_not_read(line: str) -> None:
    assert not isinstance(read(line), LinkDel)


def test_the_model_sees_the_pair_go() -> None:
    result = import_text(
        "ip link add a0 type veth peer name a1\nip link del a0 type veth peer name a1\n"
        "ip link add a0 type veth peer name a1\n",
        "shell",
        "lab.sh",
    )
    assert result.model_error is None, result.model_error
    assert result.cannot_undo == (), result.cannot_undo
    assert result.raw == 0


def test_a_peer_in_another_namespace_fails_as_ip_fails() -> None:
    # (ip link del a0 type veth peer name a1 with a1 moved to n: "Cannot find device a1",
    # seen in a run of this hunt)
    result = import_text(
        "ip netns add n\nip link add a0 type veth peer name a1\nip link set a1 netns n\n"
        "ip link del a0 type veth peer name a1\n",
        "shell",
        "lab.sh",
    )
    assert result.model_error is not None and "a1" in result.model_error, result.model_error


def test_the_step_written_with_fields_renders_the_peer() -> None:
    from iplab import scenario
    from iplab.plan import build

    plan = build(scenario.load_text(
        "name: t\nsetup:\n  - action: link add\n    name: a0\n    type: veth\n"
        "    peer: a1\n  - action: link del\n    dev: a0\n    peer: a1\n", "t.yaml"
    ))  # fmt: skip
    assert plan.setup[1].command.text == "ip link del a0 type veth peer name a1"


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_delete_naming_a_peer_runs_as_the_model_says(tmp_path: Path) -> None:
    """Apart (its own network namespace and /run/netns): the delete that names the other
    pair's peer takes only its own pair; down undoes the other; nothing remains."""
    (tmp_path / "lab.yaml").write_text(
        "name: peers\nsetup:\n"
        "  - line: ip link add epa0 type veth peer name epa1\n"
        "  - line: ip link add epb0 type veth peer name epb1\n"
        "teardown:\n  - line: ip link del epa0 type veth peer name epb1\n"
    )
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    run = f"IPLAB_STATE_DIR={state} PYTHONPATH={REPO} {sys.executable} -m iplab"
    done = apart(
        f"cd {tmp_path}\n{run} run lab.yaml --prefix epx1 >out 2>&1\n"
        "echo rc=$?\nip -o link | grep -c epx1 || true\ncat out\n"
    )
    assert done.stdout.startswith("rc=0\n0\n"), done.stdout + done.stderr
    assert "ip link del epx1epa0 type veth peer name epx1epb1" in done.stdout, done.stdout
