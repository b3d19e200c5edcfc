"""Fuzzing: hostile scenario YAML and ``ip -j`` output never crash iplab (only its own
errors) and never take more than a second of CPU, each example."""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iplab.errors import IplabError, ParseError
from iplab.iproute import loads, parse_links, parse_netns_list, parse_read
from iplab.names import ROOT
from iplab.peers import build_state
from iplab.plan import build
from iplab.scenario import load_text

BUDGET = 1.0  # CPU seconds per example
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: pieces of scenarios, of Jinja, of YAML and of bombs, glued at random
PIECES = [
    "name: x\n", "setup:\n", "teardown:\n", "vars:\n", "  n: 3\n", "  s: '{{ n }}'\n",
    "- action: netns add\n", "- action: raw\n", "- action: link add\n", "  type: veth\n",
    "  name: ", "  peer: ", "  command: ", "  loop: ", "  when: ", "  steps:\n", "  - ",
    "ns1", "v0", "'{{ i }}'", "\"{{ range(1, n + 1) | list }}\"", "\"{{ 10 ** 99999 }}\"",
    "\"{{ 'a' * 99999 }}\"", "\"{{ 1 | fmt('{:>99999}') }}\"", "\"{{ cycler.__init__ }}\"",
    "\"{% for i in range(9) %}x{% endfor %}\"", "'{{ undefined }}'", "&a ", "*a", "<<: *a\n",
    "[", "]", "{", "}", ", ", ": ", "\n", "  ", "- ", "#", "'", "\"", "!!python/object ",
    "9" * 50, "-1", "true", "null", "~", "\t", "\\", "{{", "}}", "{%", "%}", "|", ">",
]  # fmt: skip


def _within_budget(func: Any, *args: Any) -> Any:
    start = time.process_time()
    try:
        return func(*args)
    finally:
        spent = time.process_time() - start
        assert spent < BUDGET, f"{spent:.2f}s of CPU"


def _load_and_plan(text: str) -> None:
    message = "ok"
    try:
        scenario = load_text(text, "fuzz.yaml")
        build(scenario, "", [])
    except IplabError as exc:
        message = str(exc)
    assert message, "an error without a message"


@FUZZ
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_glued_scenario_text_never_crashes(pieces: list[str]) -> None:
    _within_budget(_load_and_plan, "".join(pieces))


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
    st.sampled_from(["ns1", "v0", "br0", "{{ n }}", "{{ i * 2 }}", "{{ range(3) }}",
                     "{{ 'x' * 70000 }}", "{{ 2 ** 5000 }}", "ip link add x type dummy",
                     "10.0.0.1/24", "up", "veth", "bridge", "{{ nope }}"]),
    st.text(max_size=20),
)  # fmt: skip
KEYS = st.sampled_from(["action", "name", "peer", "type", "dev", "command", "loop", "when",
                        "steps", "netns", "master", "address", "state", "expect", "x"])  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(KEYS, children, max_size=5)
    ),
    max_leaves=25,
)
ACTIONS = st.sampled_from(["netns add", "link add", "link set", "addr add", "raw", "probe"])
STEP = st.fixed_dictionaries({"action": ACTIONS}, optional={"name": VALUES, "type": VALUES,
                             "peer": VALUES, "dev": VALUES, "command": VALUES, "loop": VALUES,
                             "when": VALUES, "address": VALUES, "netns": VALUES})  # fmt: skip


@FUZZ
@given(st.lists(STEP, max_size=6), st.dictionaries(st.sampled_from(["n", "i", "s"]), VALUES))
def test_structured_scenarios_never_crash(steps: list[dict[str, Any]], variables: Any) -> None:
    doc = {"name": "fuzz", "vars": variables, "setup": steps}
    _within_budget(_load_and_plan, yaml.safe_dump(doc))


LINK_KEYS = st.sampled_from(["ifname", "ifindex", "flags", "mtu", "operstate", "address",
                             "linkinfo", "info_kind", "link_type", "master", "link_index",
                             "link_netnsid", "addr_info", "local", "prefixlen", "link", "name",
                             "id", "nsid"])  # fmt: skip
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40),
              st.sampled_from(["lo", "veth", "UP", "LOOPBACK", "x", "10.0.0.1", "loopback"]),
              st.sampled_from([1, 2, 3, 30])),
    lambda children: st.one_of(st.lists(children, max_size=6),
                               st.dictionaries(LINK_KEYS, children, max_size=8)),
    max_leaves=30,
)  # fmt: skip


def _parse_all(text: str) -> None:
    message = "ok"
    try:
        data = loads(text, "fuzz")
        links = {"ns1": parse_links(data, "ns1"), ROOT: parse_links(data, ROOT)}
        build_state(links, {"ns1": 0})
        build_state(links, {"ns1": 0}, {"ns1": {0: "ns1"}})
    except ParseError as exc:
        message = str(exc)
    assert message, "an error without a message"
    with contextlib.suppress(ParseError):
        parse_netns_list(loads(text, "fuzz"))


@FUZZ
@given(JSON)
def test_arbitrary_ip_json_never_crashes(data: object) -> None:
    _within_budget(_parse_all, json.dumps(data))


@FUZZ
@given(st.lists(st.sampled_from(['[', ']', '{', '}', ',', ':', '"ifname"', '"ifindex"', '1',
                                 '9' * 5000, '"x"', '-', '1e999', 'null', '[' * 500, ']' * 500,
                                 '"link_netnsid"', '"link_index"', '"linkinfo"']),
                max_size=30))  # fmt: skip
def test_glued_ip_json_text_never_crashes(pieces: list[str]) -> None:
    _within_budget(_parse_all, "".join(pieces))


@FUZZ
@given(st.lists(st.sampled_from(["@@iplab root -\n", "@@iplab netns -\n", "@@iplab ns a\n",
                                 "@@iplab err 0\n", "@@iplab err 1\n", "[" * 2000, "9" * 5000,
                                 '[{"ifname":"x","ifindex":1},{"ifname":"x","ifindex":2}]\n',
                                 '[{"name":"a","id":1}]\n', "garbage\n", "[]\n"]),
                max_size=12))  # fmt: skip
def test_arbitrary_read_output_never_crashes(parts: list[str]) -> None:
    def parse() -> None:
        try:
            read = parse_read("".join(parts))
            build_state(read.links, read.root_ids or {})
        except ParseError:
            pass

    _within_budget(parse)
