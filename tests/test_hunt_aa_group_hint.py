"""Hunt AA #5: the refusal of ``ip link set group 0 mtu 1500`` (every link of the host in
group 0) hinted ``ip link del veth0``, a deletion for a command that sets an MTU."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-5"


def test_the_hint_for_a_groups_links_fits_the_verb() -> None:
    """Hunt AA #5 (t2-reset-group-mtu.sh, the line of an earlier t2-reset.sh): the hint
    is the same change on one link of the lab's, ``ip link set veth0 mtu 1500``."""
    name = "t2-reset-group-mtu.sh"
    text = (HUNT / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    with pytest.raises(ModelError) as raised:
        build(scenario.load_text(result.yaml, "page.yaml"))
    said = f"{raised.value} {getattr(raised.value, 'hint', '')}"
    assert "runs ip link set group 0 mtu 1500 in the root namespace" in said
    assert "name the lab's links instead: ip link set veth0 mtu 1500" in said
    assert "ip link del veth0" not in said
