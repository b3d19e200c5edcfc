"""Hunt BS #1: a block's ``# Output:`` comment and the commented lines after it are what
the command above prints, not the next command's prose (tests/fixtures/leftovers9/)."""

from __future__ import annotations

from typing import Any

import yaml

from tests import pages
from tests.conftest import FIXTURES

HERE = FIXTURES / "leftovers9"


def _steps(name: str) -> list[dict[str, Any]]:
    result, _ = pages.imported(HERE / name)
    data = yaml.safe_load(result.yaml)
    return [*data["setup"], *data.get("teardown", [])]


def _step(steps: list[dict[str, Any]], **fields: object) -> dict[str, Any]:
    return next(s for s in steps if all(s.get(k) == v for k, v in fields.items()))


def test_output_comments_belong_to_the_command_above() -> None:
    """bk-p01: ``# Output:`` under ``ip netns list``, ``# Expected output:`` under a ping and
    ``# Expected tcpdump output:`` two lines under the capture were the next step's prose."""
    steps = _steps("bk-p01-ns-lab-iperf.md")
    assert _step(steps, action="netns list")["output"] == "ns2 (id: 1)\nns1 (id: 0)"
    veth = _step(steps, action="link add", name="veth1")
    assert veth["prose"] == "A veth pair behaves like a cable: in at one end, out at the other."
    ping = next(s for s in steps if s.get("action") == "probe")
    assert ping["output"].splitlines() == [
        "PING 192.168.100.2 (192.168.100.2) 56(84) bytes of data.",
        *(
            f"64 bytes from 192.168.100.2: icmp_seq={n} ttl=64 time={t} ms"
            for n, t in ((1, "0.061"), (2, "0.048"), (3, "0.052"))
        ),
    ]
    route = _step(steps, action="route show")
    assert "prose" not in route
    capture = next(s for s in steps if "tcpdump" in s.get("command", ""))
    assert capture["output"].splitlines()[0].startswith("listening on veth2, link-type EN10MB")
    assert len(capture["output"].splitlines()) == 3
    iperf = _step(steps, action="netns exec", command="iperf3 -s -D")
    assert "prose" not in iperf
    assert not any("output" in s.get("prose", "").lower() for s in steps)


def test_the_page_prints_back_as_written() -> None:
    """The output taken off the prose changes no command line."""
    result, _ = pages.imported(HERE / "bk-p01-ns-lab-iperf.md")
    page = (HERE / "bk-p01-ns-lab-iperf.md").read_text(encoding="utf-8").splitlines()
    assert all(any(p.startswith(line) for p in page) for line in result.lines)
    assert len(result.lines) == 23
