"""Impairments: values, exact tc lines, lines parsed back, and `tc -j qdisc show` read."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iplab import tc
from iplab.errors import Location
from iplab.render import renderer, split
from tests.conftest import FIXTURES

TC = FIXTURES / "tc"


def texts(found: Iterable[object]) -> list[str]:
    return [str(d) for d in found]


def load(name: str) -> list[tc.Qdisc]:
    return tc.parse_qdiscs(json.loads((TC / name).read_text()), dev="x")


def line(imp: tc.Impairment, dev: str = "vethX") -> str:
    template, variables = imp.template()
    return renderer().env.get_template(template).render(dev=dev, **variables)


def test_values_are_typed() -> None:
    imp = tc.impairment({"delay": "50ms", "jitter": "5ms", "loss": "1%", "rate": "10mbit",
                         "duplicate": "0.5%", "corrupt": "0.1%"})  # fmt: skip
    assert imp == tc.Impairment(delay=0.05, jitter=0.005, loss=0.01, rate=10_000_000,
                                duplicate=0.005, corrupt=0.001)  # fmt: skip
    assert imp.kind == "netem"
    assert tc.parse_time("200us") == pytest.approx(0.0002)
    assert tc.parse_time("1s") == 1.0
    assert tc.parse_rate("1mbps") == 8_000_000  # tc's bps are bytes per second
    assert tc.parse_rate("512kbit") == 512_000


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"delay": "50"}, "'50' is not a time: write it with a unit"),
        ({"loss": "1"}, "'1' is not a percentage"),
        ({"loss": "101%"}, "'101%' is not a percentage from 0% to 100%"),
        ({"rate": "fast"}, "'fast' is not a rate"),
        ({"jitter": "5ms"}, "a jitter needs a delay"),
        ({"latency": "5ms"}, "unknown impairment 'latency'"),
        ({}, "no impairment given"),
    ],
)
def test_bad_values_say_what_to_write(values: dict[str, str], message: str) -> None:
    with pytest.raises(tc.ImpairmentError) as info:
        tc.impairment(values, Location("lab.yaml", 12, "setup[3].impair"))
    assert message in str(info.value)
    assert str(info.value).startswith("lab.yaml:12: setup[3].impair")


def test_exact_lines() -> None:
    imp = tc.impairment({"delay": "50ms", "jitter": "5ms", "loss": "1%", "rate": "10mbit"})
    assert line(imp) == "tc qdisc replace dev vethX root netem delay 50ms 5ms loss 1% rate 10mbit"
    assert line(tc.impairment({"duplicate": "2%", "corrupt": "0.1%"})) == (
        "tc qdisc replace dev vethX root netem duplicate 2% corrupt 0.1%"
    )
    # a rate alone: a token bucket, at least one frame deep, queueing at most 50 ms
    assert line(tc.impairment({"rate": "10mbit"})) == (
        "tc qdisc replace dev vethX root tbf rate 10mbit burst 12500 latency 50ms"
    )
    assert line(tc.impairment({"rate": "16kbit"})) == (
        "tc qdisc replace dev vethX root tbf rate 16kbit burst 1600 latency 50ms"
    )
    assert renderer().env.get_template("tc-clear.j2").render(dev="a b") == (
        "tc qdisc del dev 'a b' root"
    )


values = st.fixed_dictionaries(
    {},
    optional={
        "delay": st.integers(1, 5000).map(lambda n: f"{n}ms"),
        "loss": st.sampled_from(["1%", "0.5%", "25%", "100%"]),
        "rate": st.sampled_from(["10mbit", "512kbit", "1gbit", "1500bit"]),
        "duplicate": st.sampled_from(["1%", "0.1%"]),
        "corrupt": st.sampled_from(["2%", "0.01%"]),
    },
).filter(bool)


@given(values)
def test_a_rendered_line_parses_back_to_the_same_impairment(raw: dict[str, str]) -> None:
    imp = tc.impairment(raw)
    assert tc.parse_line(split(line(imp))) == ("vethX", imp)


def test_parse_line_knows_a_clear_and_ignores_other_lines() -> None:
    assert tc.parse_line(split("tc qdisc del dev vethX root")) == ("vethX", None)
    assert tc.parse_line(split("tc qdisc add dev vethX root netem slot 10ms")) is None
    assert tc.parse_line(split("tc filter add dev vethX")) is None
    assert tc.parse_line(split("ping -c 1 10.0.0.2")) is None


def test_read_back_tbf_captured() -> None:
    everything = load("tbf-10mbit-all.json")
    roots = tc.root_qdiscs(everything)
    assert set(roots) == {"ipt16a", "ipt16b"}
    assert roots["ipt16b"].default and roots["ipt16b"].impairment() is None
    assert roots["ipt16a"].impairment() == tc.Impairment(rate=10_000_000)
    (one,) = load("tbf-16kbit-dev.json")
    assert one.dev == "x"  # `tc -j qdisc show dev X` leaves the name out
    assert texts(tc.differences(tc.impairment({"rate": "16kbit"}), one, "ns1:x")) == []
    assert texts(tc.differences(tc.impairment({"rate": "10mbit"}), one, "ns1:x")) == [
        "ns1:x.rate: expected 10mbit, found 16kbit"
    ]


def test_read_back_netem_published() -> None:
    netem = next(q for q in load("netem-htb-leaf.json") if q.kind == "netem")
    assert not netem.root and netem.parent == "1:10"
    assert netem.impairment() == tc.Impairment(delay=0.05, jitter=0.01, loss=0.01)
    assert (
        texts(
            tc.differences(
                tc.impairment({"delay": "50ms", "jitter": "10ms", "loss": "1%"}), netem, "x"
            )
        )
        == []
    )
    with_rate = next(q for q in load("netem-prio-rate.json") if q.kind == "netem")
    assert with_rate.impairment() == tc.Impairment(delay=0.1, loss=0.2, rate=100_000_000)
    (loss,) = load("netem-loss.json")
    assert loss.impairment() == tc.Impairment(loss=0.06)
    assert texts(tc.differences(tc.impairment({"delay": "50ms", "loss": "6%"}), loss, "x")) == [
        "x.delay: expected 50ms, found none"
    ]


def test_differences_of_kinds_and_of_nothing() -> None:
    (noqueue,) = load("noqueue-dev.json")
    (htb,) = load("htb-dev.json")
    (tbf,) = load("tbf-16kbit-dev.json")
    assert texts(tc.differences(None, noqueue, "x")) == []
    assert texts(tc.differences(None, htb, "x")) == []  # not ours to judge
    assert texts(tc.differences(None, tbf, "x")) == [
        "x.qdisc: expected none, found tbf rate 16kbit"
    ]
    assert texts(tc.differences(tc.impairment({"delay": "5ms"}), noqueue, "x")) == [
        "x.qdisc: expected netem delay 5ms, found none"
    ]
    assert htb.impairment() is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "tbf"}, "expected a JSON list"),
        ([{"handle": "0:"}], "entry 0 has no kind"),
        ([{"kind": "netem", "options": []}], "options is not an object"),
    ],
)
def test_malformed_output_is_a_parse_error(data: object, message: str) -> None:
    from iplab.errors import ParseError

    with pytest.raises(ParseError, match=message):
        tc.parse_qdiscs(data)


def test_malformed_values_are_parse_errors() -> None:
    from iplab.errors import ParseError

    (q,) = tc.parse_qdiscs([{"kind": "netem", "options": {"delay": {"delay": "soon"}}}])
    with pytest.raises(ParseError, match="delay is not a number"):
        q.impairment()
    (q,) = tc.parse_qdiscs([{"kind": "netem", "options": {"rate": 5}}])
    with pytest.raises(ParseError, match="rate is not an object"):
        q.impairment()
