"""Hunt EE #4: ``ip link set DEV`` with nothing after it was a step "iplab cannot undo".

tests/fixtures/pages-dx/dx02-laitimes-zh-brctl-or-alternative-root-veths.md ends with
``$ ip link set veth1`` (the page's line cut short). ip 6.1 sends the kernel no change for
it: it exits 0 when the device exists, and fails with "Cannot find device" when it does
not (checked on this host's iproute2-6.1.0 in a namespace of its own). iplab listed it
among the steps it cannot undo, and said nothing of what it is. Now it is a step that
reads (nothing to undo), and the import says it sets nothing and may be cut short."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.steps import Raw
from iplab.words import reads_only, sets_nothing
from tests.conftest import FIXTURES

DX02 = FIXTURES / "pages-dx" / "dx02-laitimes-zh-brctl-or-alternative-root-veths.md"


def test_dx02_last_line_is_said_and_reads() -> None:
    result = import_text(DX02.read_text(encoding="utf-8"), "markdown", DX02.name)
    assert not any("ip link set veth1" in line for line in result.cannot_undo), result.cannot_undo
    assert any(
        w.startswith("line 59: 'ip link set veth1' sets nothing after the device")
        for w in result.warnings
    ), result.warnings
    last = scenario.load_text(result.yaml, "lab.yaml").steps[-1].op
    assert isinstance(last, Raw) and last.command == "ip link set veth1" and last.observes


@pytest.mark.parametrize(
    ("line", "dev"),
    [
        ("ip link set veth1", "veth1"),
        ("ip link set dev veth1", "veth1"),
        ("ip -n red l s veth1", "veth1"),
        ("sudo ip link set eth0", "eth0"),
        ("ip link set veth1 up", None),
        ("ip link set dev", None),
        ("ip link show veth1", None),
        ("ip addr add 10.0.0.1/24 dev veth1", None),
    ],
)
def test_which_lines_set_nothing(line: str, dev: str | None) -> None:
    assert sets_nothing(line) == dev
    if dev is not None and not line.startswith("sudo"):
        assert reads_only(line)
