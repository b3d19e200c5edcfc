"""The step bound of nested loops is checked before anything is built, and only refuses
what surely passes it (a lower bound: ``when`` and ``script`` count nothing)."""

from __future__ import annotations

import time

import pytest

from iplab import expand
from iplab.errors import ScenarioError
from iplab.expand import MAX_STEPS
from iplab.scenario import load_text


def _nested(outer: str, inner: str, extra: str = "") -> str:
    return (
        f'name: x\nsetup:\n- loop: "{outer}"\n  loop_var: o\n  steps:\n'
        f'  - {{action: raw, command: "echo {{{{ o }}}} {{{{ item }}}}", loop: "{inner}"}}\n'
        + extra
    )


def test_a_nested_bomb_is_refused_before_its_first_iteration_is_built() -> None:
    start = time.process_time()
    with pytest.raises(ScenarioError, match=f"makes more than {MAX_STEPS} steps") as info:
        load_text(_nested("{{ range(10000) }}", "{{ range(10000) }}"), "b.yaml")
    assert str(info.value).startswith("b.yaml:3: setup[0].loop")
    assert time.process_time() - start < 0.5  # nothing was built (10,000 steps take ~1 s)


def test_a_large_nested_lab_still_loads() -> None:
    steps = load_text(_nested("{{ range(40) }}", "{{ range(100) }}"), "ok.yaml").steps
    assert len(steps) == 4000


def test_uneven_inner_loops_are_counted_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(expand, "MAX_STEPS", 10000)  # (hunt S: the limit is 50,000 now)
    # 3,000 + 0 + 1,000 steps: an estimate from the first iteration alone (3 x 3,000)
    # would refuse it
    steps = load_text(_nested("{{ [3000, 0, 1000] }}", "{{ range(o) }}"), "ok.yaml").steps
    assert len(steps) == 4000
    with pytest.raises(ScenarioError, match="makes more than"):
        load_text(_nested("{{ [9000, 0, 1001] }}", "{{ range(o) }}"), "b.yaml")


def test_what_the_bound_cannot_know_counts_nothing() -> None:
    """A step with ``when``, a script block, an inner loop that fails or gives no list:
    each counts 0 in the bound, then building says what it is."""
    when = _nested(
        "{{ range(2) }}",
        "{{ range(4000) }}",
    ).replace("  - {action", '  - {when: "{{ o == 0 }}", action')
    assert len(load_text(when, "ok.yaml").steps) == 4000
    deeper = (
        'name: x\nsetup:\n- loop: "{{ range(3) }}"\n  steps:\n'
        '  - steps:\n    - {action: netns add, name: "n{{ item }}"}\n'
        '  - script: "true"\n    steps:\n    - {action: raw, command: "true"}\n'
        "  - not a step\n"
    )
    with pytest.raises(ScenarioError, match="a step must be a mapping"):
        load_text(deeper, "b.yaml")
    for inner, message in (
        ("{{ nope }}", "undefined variable"),
        ("{{ 3 }}", "loop must give a list"),
    ):
        with pytest.raises(ScenarioError, match=message):
            load_text(_nested("{{ range(2) }}", inner), "b.yaml")
    odd_var = (
        'name: x\nsetup:\n- loop: "{{ range(2) }}"\n  steps:\n'
        '  - loop: "{{ range(2) }}"\n    loop_var: 3\n'
        '    steps:\n    - {action: raw, command: "true"}\n'
    )
    with pytest.raises(ScenarioError, match="loop_var must be a name"):
        load_text(odd_var, "b.yaml")


def test_the_limit_counts_each_step_once_however_deep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(expand, "MAX_STEPS", 10000)  # (hunt S: the limit is 50,000 now)
    # a block's steps were counted inside the block and again by the list holding it: a
    # nested lab of 6,000 (or exactly 10,000) steps was refused
    steps = load_text(_nested("{{ range(100) }}", "{{ range(100) }}"), "ok.yaml").steps
    assert len(steps) == expand.MAX_STEPS
    with pytest.raises(ScenarioError, match=f"makes more than {expand.MAX_STEPS} steps"):
        load_text(_nested("{{ range(101) }}", "{{ range(100) }}"), "b.yaml")
