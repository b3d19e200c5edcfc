"""Loading scenarios: structure, variables, loops, conditions, spellings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.errors import ScenarioError
from iplab.plan import build
from iplab.steps import LinkAdd, LinkSet, NetnsAdd, Raw
from tests.conftest import BLOG_SCENARIO, GOLDEN
from tests.goldens import assert_golden

Write = Callable[..., Path]


def lines(path: Path, **kwargs: object) -> list[str]:
    plan = build(scenario.load(str(path), dict(kwargs)))
    return export.text(plan).splitlines()


def test_spellings_render_as_tutorials_write_them() -> None:
    plan = build(scenario.load(str(Path(__file__).parent / "scenarios" / "spellings.yaml")))
    assert_golden(export.text(plan), GOLDEN / "spellings.txt")


def test_blog_scenario_steps_carry_titles_and_prose() -> None:
    sc = scenario.load(str(BLOG_SCENARIO))
    titled = [s for s in sc.setup if s.title]
    assert titled[0].title == "Create a network namespace"
    assert titled[0].prose and "ip-netns" in titled[0].prose
    assert sc.teardown[0].title == "Before you jump, let's clean up the setup"


def test_bundled_scenario_found_by_name() -> None:
    assert scenario.load("container-networking-part2").name == "container-networking-part2"
    assert scenario.load("container-networking-part2.yaml").name == "container-networking-part2"


def test_missing_file_names_the_bundled_ones(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file") as info:
        scenario.load(str(tmp_path / "nope.yaml"))
    assert "container-networking-part2" in str(info.value)


def test_loop_with_vars_makes_n_namespaces(write_scenario: Write) -> None:
    path = write_scenario(
        """
name: n
vars: {n: 3}
setup:
  - loop: "{{ range(1, n + 1) | list }}"
    loop_var: i
    action: netns add
    name: "ns{{ i }}"
"""
    )
    assert lines(path) == ["ip netns add ns1", "ip netns add ns2", "ip netns add ns3"]
    assert lines(path, n=1) == ["ip netns add ns1"]


def test_block_loop_and_when(write_scenario: Write) -> None:
    path = write_scenario(
        """
name: n
vars: {n: 2, with_bridge: false}
setup:
  - when: with_bridge
    action: link add
    name: br0
    type: bridge
  - loop: [a, b]
    steps:
      - action: netns add
        name: "ns{{ item }}"
      - action: link add
        name: "v{{ item }}"
        netns: "ns{{ item }}"
        type: veth
        peer: "p{{ item }}"
"""
    )
    assert lines(path) == [
        "ip netns add nsa",
        "ip link add va netns nsa type veth peer name pa",
        "ip netns add nsb",
        "ip link add vb netns nsb type veth peer name pb",
    ]
    assert lines(path, with_bridge=True)[0] == "ip link add br0 type bridge"


def test_vars_refer_to_earlier_vars_and_keep_types(write_scenario: Write) -> None:
    path = write_scenario(
        """
name: n
vars:
  base: 10
  count: "{{ base + 2 }}"
  name: "ns{{ count }}"
setup:
  - action: netns add
    name: "{{ name }}"
  - action: probe
    in: "{{ name }}"
    target: 10.0.0.1
    count: "{{ count }}"
  - action: link add
    name: d0
    type: dummy
    netns: "{{ name }}"
  - action: addr add
    in: "{{ name }}"
    address: 10.0.0.1/24
    dev: d0
"""
    )
    assert lines(path)[0] == "ip netns add ns12"
    assert lines(path)[1] == "ip netns exec ns12 ping -c 12 10.0.0.1"


def test_var_override_from_command_line() -> None:
    assert scenario.parse_var_overrides(["n=5", "name=x", "flag=true"]) == {
        "n": 5,
        "name": "x",
        "flag": True,
    }
    with pytest.raises(ScenarioError, match="NAME=VALUE"):
        scenario.parse_var_overrides(["oops"])


def test_a_var_the_scenario_neither_declares_nor_uses_is_refused() -> None:
    """``--var N=20`` for ``n`` rendered the 3 points of the default, without a word; a
    variable the scenario uses without a default (``{{ who }}``) is given with --var."""
    with pytest.raises(ScenarioError, match=r"--var N: the scenario has no variable N \(its"
                       r" variables: n, subnet\)"):  # fmt: skip
        scenario.load("star", {"N": 20})
    text = "name: x\nsetup:\n  - action: netns add\n    name: '{{ who }}'\n"
    assert scenario.load_text(text, "x.yaml", {"who": "red"}).setup[0].op.refs() == [
        ("netns", "red")
    ]


def test_jinja_is_sandboxed(write_scenario: Write) -> None:
    path = write_scenario(
        """
name: n
setup:
  - action: netns add
    name: "{{ ''.__class__.__mro__[1].__subclasses__() }}"
"""
    )
    with pytest.raises(ScenarioError, match=r"setup\[0\]\.name"):
        scenario.load(str(path))


def test_expression_errors_are_located(write_scenario: Write) -> None:
    path = write_scenario(
        """
name: n
vars: {n: 0}
setup:
  - loop: "{{ range(1, 10 // n) }}"
    action: netns add
    name: "ns{{ item }}"
"""
    )
    with pytest.raises(ScenarioError) as info:
        scenario.load(str(path))
    assert str(info.value).endswith(
        "lab.yaml:5: setup[0].loop: cannot evaluate '{{ range(1, 10 // n) }}': "
        "integer division or modulo by zero (with n = 0)"
    )  # (the variable's value, not Python's name for the error)


def test_typed_ops_from_yaml(write_scenario: Write) -> None:
    path = write_scenario(
        """
name: n
setup:
  - {action: netns add, name: ns1}
  - {action: link add, name: va, type: veth, peer: vb, netns: ns1}
  - {action: link set, dev: vb, master: br0, state: up}
  - {action: raw, command: "tc qdisc show", undo: "true"}
"""
    )
    sc = scenario.load(str(path))
    assert sc.setup[0].op == NetnsAdd(name="ns1")
    assert sc.setup[1].op == LinkAdd(name="va", type="veth", peer="vb", netns="ns1")
    assert sc.setup[2].op == LinkSet(dev="vb", attrs=(("master", "br0"), ("state", "up")))
    assert sc.setup[3].op == Raw(command="tc qdisc show", undo="true")


def test_link_set_needs_an_attribute_and_moves_alone(write_scenario: Write) -> None:
    path = write_scenario("name: n\nsetup:\n  - {action: link set, dev: va}\n")
    with pytest.raises(ScenarioError, match="'link set' needs something to set"):
        scenario.load(str(path))
    path = write_scenario("name: n\nsetup:\n  - {action: link set, dev: va, netns: x, state: up}\n")
    with pytest.raises(ScenarioError, match="move a link with 'netns' in a step of its own"):
        scenario.load(str(path))


def test_title_must_be_one_line(write_scenario: Write) -> None:
    path = write_scenario(
        "name: n\nsetup:\n  - action: netns add\n    name: a\n    title: |\n      one\n      two\n"
    )
    with pytest.raises(ScenarioError, match="a title is one line"):
        scenario.load(str(path))


def test_sha256_of_the_file_is_kept(write_scenario: Write) -> None:
    import hashlib

    text = "name: n\nsetup: []\n"
    path = write_scenario(text)
    assert scenario.load(str(path)).sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_a_required_field_misspelled_is_named_with_what_was_meant(write_scenario: Write) -> None:
    """``comand:`` said only "missing required field 'command'"; ``setpu:`` said the
    scenario needs a setup (hunt G)."""
    step = write_scenario("name: t\nsetup:\n  - action: raw\n    comand: ip link\n")
    with pytest.raises(ScenarioError) as info:
        scenario.load(str(step))
    assert str(info.value).endswith(
        "lab.yaml:4: setup[0].comand: missing required field 'command'"
        " ('comand' is no field here: did you mean 'command'?)"
    )
    top = write_scenario("name: t\nsetpu:\n  - action: netns add\n    name: a\n", "top.yaml")
    with pytest.raises(ScenarioError) as info:
        scenario.load(str(top))
    assert "top.yaml:2: setpu: missing required field 'setup'" in str(info.value)


def test_a_raw_command_whose_shell_syntax_is_quoted_needs_no_shell(write_scenario: Write) -> None:
    ok = write_scenario(
        "name: t\nsetup:\n  - action: raw\n    command: ip netns exec s sh -c 'echo a; cat /x'\n"
    )
    op = scenario.load(str(ok)).steps[0].op
    assert isinstance(op, Raw) and not op.shell
    bad = write_scenario(
        "name: t\nsetup:\n  - action: raw\n    command: echo a; cat /x\n", "b.yaml"
    )
    with pytest.raises(ScenarioError, match="uses shell syntax"):
        scenario.load(str(bad))
