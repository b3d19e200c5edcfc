"""Hunt EP: Envoy's netns_cleanup.sh (tests/fixtures/scripts-ep/ep04-envoy-original-dst/)
deletes its veth as it made it, ``ip link del "$NETNS-veth0" type veth peer name
"$NETNS-veth1"``. ip accepts the line and the kernel deletes the veth and its peer (this
kernel, ``ip link add a type veth peer name b; ip link del a type veth peer name b``: exit
0, both gone), but iplab read it as a raw step it "cannot undo", of unknown effect, and the
model did not see the links go. A peer given only its name is now read as the delete of
the link; a peer with more than its name (``netns X``, ``address ...``) is still not."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from iplab.ipgrammar import read
from iplab.steps import LinkDel


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
