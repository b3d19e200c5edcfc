"""Hunt AG (a false-positive read of the rules): lines that only read the host's link, or
build a tool before the lab, refused as if they changed the host."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import Plan, build
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-8"


def _plan(name: str, prefix: str = "") -> Plan:
    text = (HUNT / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    return build(scenario.load_text(result.yaml, "page.yaml"), prefix=prefix)


@pytest.mark.parametrize("prefix", ["", "hG"])
@pytest.mark.parametrize("name", ["ag08-show-uplink.md", "ag03-readers.sh"])
def test_a_typed_show_of_the_hosts_link_is_read_not_refused(name: str, prefix: str) -> None:
    """Hunt AG #5: ``ip addr show eth0`` (``ip link show eth0``, ``ip -s link show eth0``,
    ``ip -br a show dev eth0``: every NAT tutorial finds its uplink so) was refused by the
    model: "link eth0 does not exist in the root namespace at this step". A show of a link
    no step makes in the root namespace reads the host's: it runs, as written."""
    plan = _plan(name, prefix)
    shown = [pc.command.body for pc in plan.commands if "show" in pc.command.body]
    assert "ip addr show eth0" in shown or "ip -s link show eth0" in shown
