"""A ping with its source address (hunt V, IPv6 and policy routing): the input is the
hunt's own file (tests/fixtures/ipv6-pbr).

* ``ip netns exec left ping -6 -c 2 -I 2001:db8:aaaa::1 2001:db8:ffff::2`` became a plain
  ``netns exec`` step, not a probe: run reported "0/0 claims".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.lineparse import classify
from iplab.steps import Probe, ping_options

HERE = Path(__file__).parent / "fixtures" / "ipv6-pbr"


def test_a_ping_with_a_source_address_is_a_probe() -> None:
    """Hunt V: ``ping -6 -c 2 -I 2001:db8:aaaa::1 2001:db8:ffff::2`` (line 51) was kept as
    ``netns exec``, so the page's claim that it answers was never checked."""
    name = "08-linklocal-dad-notes.md"
    text = (HERE / name).read_text(encoding="utf-8")
    loaded = scenario.load_text(import_text(text, detect_kind(name, text), name).yaml, "08.yaml")
    probes = [s.op for s in loaded.steps if isinstance(s.op, Probe)]
    assert [(p.ns, p.target, p.options) for p in probes] == [
        ("left", "2001:db8:ffff::2", "-6 -c 2 -I 2001:db8:aaaa::1")
    ]


@pytest.mark.parametrize("source", ["veth0", "1.2.3.4;id", "$(id)"])
def test_a_ping_from_an_interface_or_a_word_stays_no_probe(source: str) -> None:
    """Only an address after ``-I`` makes a probe (a probe's options are printed as they
    are, and an interface's name is not renamed with --prefix)."""
    with pytest.raises(ValueError, match="-I: "):
        ping_options(["-c", "1", "-I", source])
    assert not isinstance(classify(f"ip netns exec a ping -c 1 -I {source} 10.0.0.1").op, Probe)
