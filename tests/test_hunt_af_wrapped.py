"""Hunt AF #13: an ip line behind a wrapper that only changes how it runs (``timeout 5``,
``stdbuf -oL``, ``nice -n 10``) was an opaque raw step."""

from __future__ import annotations

from typing import Any

import yaml

from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.scenario import load_text
from iplab.steps import LinkSet, Probe
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-7"


def _imported(name: str) -> ImportResult:
    text = (HUNT / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


def _steps(result: ImportResult) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in yaml.safe_load(result.yaml)["setup"]:
        found += block.get("steps", [block] if "action" in block else [])
    return found


def test_an_ip_line_behind_timeout_stdbuf_or_nice_is_typed_as_written() -> None:
    """Hunt AF #13 (af11-legit-wrappers.sh lines 13-15, 21): ``timeout 5 ip link set br0
    mtu 1400``, ``stdbuf -oL ip ...``, ``nice -n 10 ip ...`` and ``timeout 5 ip netns exec
    c1 ping -c 2 10.22.0.2`` were opaque raw steps: verify compared nothing they made and
    the import listed them as steps iplab cannot undo. They are typed now (a link set, a
    probe), each line kept as written."""
    result = _imported("af11-legit-wrappers.sh")
    lines = {
        "timeout 5 ip link set br0 mtu 1400": "link set",
        "stdbuf -oL ip link set dev h1 mtu 1400": "link set",
        "nice -n 10 ip link set dev h2 mtu 1400": "link set",
        "timeout 5 ip netns exec c1 ping -c 2 10.22.0.2": "probe",
    }
    typed = {s["line"]: s["action"] for s in _steps(result) if s.get("line") in lines}
    assert typed == lines
    assert not [c for c in result.cannot_undo if any(line in c for line in lines)]
    assert result.model_error is None
    ops = [s.op for s in load_text(result.yaml, "af11.yaml").setup]
    wrapped = [op for op in ops if isinstance(op, LinkSet) and op.text in lines]
    assert [(op.dev, op.attrs) for op in wrapped] == [
        ("br0", (("mtu", "1400"),)),
        ("h1", (("mtu", "1400"),)),
        ("h2", (("mtu", "1400"),)),
    ]
    probes = [op for op in ops if isinstance(op, Probe)]
    assert [(p.ns, p.target, p.count, p.text) for p in probes] == [
        ("c1", "10.22.0.2", 2, "timeout 5 ip netns exec c1 ping -c 2 10.22.0.2")
    ]


def test_a_wrapped_ping_of_an_address_the_page_does_not_assign_is_kept_as_written() -> None:
    """Found reading the fix above: ``timeout 3 ip netns exec NS ping ... 127.0.0.1`` (a
    target no ``ip addr add`` assigns) is kept as a command, not a probe; the probe's line
    was cut at its fourth space (``ip netns exec NS exec NS ping ...``) and the import
    stopped on an internal error. The line is kept as written, wrapper and all."""
    text = "ip netns add zw1\ntimeout 3 ip netns exec zw1 ping -c1 -W1 127.0.0.1\n"
    result = import_text(text, detect_kind("w.sh", text), "w.sh")
    steps = _steps(result)
    assert steps[1] == {
        "action": "raw",
        "command": "timeout 3 ip netns exec zw1 ping -c1 -W1 127.0.0.1",
        "observe": True,
    }
    assert result.model_error is None
