"""The one replay of the model (iplab.state): every view of "the state after step N" is it."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.model import Judge, ModelError
from iplab.plan import build, expected_state
from iplab.state import State, after, created_names, replay
from iplab.steps import LinkAdd, NetnsAdd, NetnsDel
from tests.conftest import BLOG_SCENARIO, SCENARIOS


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_view_of_a_step_s_state_is_the_replay_s(path: object) -> None:
    plan = build(scenario.load(str(path)), prefix="t7")
    steps = plan.scenario.steps
    counts = {0, 1, len(steps) // 2, len(plan.setup), len(steps)}
    replayed = {n: state.to_json() for (sim, state) in replay(steps) if (n := sim.number) in counts}
    for n in sorted(counts):
        want = State().to_json() if n == 0 else replayed[n]
        assert after(steps, n).to_json() == want
        assert expected_state(plan, n).to_json() == want
    assert expected_state(plan).to_json() == after(steps, len(plan.setup)).to_json()


def test_the_replay_yields_each_step_s_undo_from_the_state_before_it() -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    for (sim, _), planned in zip(replay(plan.scenario.steps), plan.commands, strict=True):
        assert tuple(u.op for u in sim.undo) == tuple(p.undo.op for p in planned.undo)
    first, _ = next(replay(plan.scenario.steps, undo=False))
    assert first.undo == ()


def test_the_replay_is_lazy_and_bare_ops_replay_as_steps() -> None:
    state = State()
    steps = replay([NetnsAdd(name="a"), NetnsAdd(name="b")], state, undo=False)
    assert set(state.namespaces) == {""}  # nothing applied before it is asked for
    next(steps)
    assert set(state.namespaces) == {"", "a"}
    assert after([NetnsAdd(name="a"), NetnsDel(name="a")]).to_json() == State().to_json()


def test_the_judge_decides_what_an_objection_does() -> None:
    twice = [NetnsAdd(name="a"), NetnsAdd(name="a")]
    with pytest.raises(ModelError, match="namespace a already exists"):
        after(twice)
    judge = Judge(strict=False)
    assert "a" in after(twice, judge=judge).namespaces
    assert [str(w.message) for w in judge.warnings] == ["namespace a already exists"]


def test_names_the_kernel_gives_are_the_replay_s() -> None:
    """``ip link add type veth`` twice: veth0/veth1, then veth2/veth3, as the kernel names them."""
    ops = [
        LinkAdd(name=None, type="veth"),
        LinkAdd(name=None, type="veth"),
        LinkAdd(name="x", type="dummy"),
    ]
    netns, links = created_names(ops)
    assert (netns, links) == (set(), {"veth0", "veth1", "veth2", "veth3", "x"})
