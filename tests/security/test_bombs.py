"""Resource bombs: each refused with a clear message, in well under a second of CPU,
before anything runs (``iplab check`` loads, expands and models; nothing runs)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from iplab.errors import ScenarioError
from iplab.scenario import load, load_text

from .conftest import assert_one_line_error, iplab

#: CPU seconds a refusal may take (the machine is shared: CPU time, not wall time)
BUDGET = 1.0


def _alias_bomb(levels: int = 9) -> str:
    lines = ["name: x", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join(f"*a{i - 1}" for _ in range(9))
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\nsetup: []\n"


def _raw(expr: str) -> str:
    return f'name: x\nsetup:\n- action: raw\n  command: "echo {expr}"\n'


BOMBS = {
    "yaml alias bomb": (_alias_bomb(), "YAML aliases (*name) are not allowed"),
    "merge key alias": ("name: x\nb: &b {x: 1}\nc:\n  <<: *b\nsetup: []\n", "aliases"),
    "string repeat": (_raw("{{ 'a' * 10**9 }}"), "repeating 1 items 1000000000 times"),
    "list repeat": (_raw("{{ [1] * 10**9 }}"), "at most 65536"),
    "fmt width": (_raw("{{ 1 | fmt('{:>2000000000}') }}"), "format width or precision"),
    "format width": (_raw("{{ '{:>2000000000}'.format(1) }}"), "format width or precision"),
    "percent width": (_raw("{{ '%2000000000s' % 1 }}"), "format width or precision"),
    "format filter": (_raw("{{ '%2000000000s' | format(1) }}"), "format width or precision"),
    "center": (_raw("{{ 'a' | center(2000000000) }}"), "an argument of 2000000000"),
    "ljust": (_raw("{{ 'a'.ljust(2000000000) }}"), "an argument of 2000000000"),
    "replace": (_raw("{{ ('a' * 60000) | replace('a', 'aaaaaaaaaa') }}"), "replacement"),
    "power": ('name: x\nvars: {n: "{{ 10 ** 1000000000 }}"}\nsetup: []\n', "more than 4096 bits"),
    "product": ('name: x\nvars: {n: "{{ (2 ** 4000) * (2 ** 4000) }}"}\nsetup: []\n', "bits"),
    "nested range in a value": (
        _raw("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
        "loops and macros inside a value are not allowed",
    ),
    "big range": ('name: x\nsetup:\n- {action: netns add, name: "n{{ item }}", '
                  'loop: "{{ range(100000) }}"}\n', "at most"),
    "nested step loops": (
        'name: x\nsetup:\n- loop: "{{ range(10000) }}"\n  steps:\n'
        '  - {action: raw, command: "echo {{ item }}", loop: "{{ range(10000) }}"}\n',
        "more than",
    ),
    "many outputs": (
        'name: x\nvars: {s: "{{ \'a\' * 60000 }}"}\nsetup:\n- action: raw\n  command: "echo '
        + "{{ s }}" * 2000 + '"\n',
        "renders more than 65536 characters",
    ),
    "deep flow nesting": ("name: x\nsetup: " + "[" * 10000 + "]" * 10000 + "\n", "nested more"),
    "deep block nesting": (
        "name: x\nsetup:\n" + "".join(" " * i + "-\n" for i in range(200)), "nested more than 64"
    ),
    "huge integer literal": ("name: x\nvars: {n: " + "9" * 5000 + "}\nsetup: []\n", "too long"),
    "large file": ("name: x\n#" + "x" * (2 << 20) + "\nsetup: []\n", "at most 1048576 bytes"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(BOMBS))
def test_bomb_is_refused_quickly(name: str) -> None:
    text, message = BOMBS[name]
    start = time.process_time()
    with pytest.raises(ScenarioError) as info:
        load_text(text, "bomb.yaml")
    spent = time.process_time() - start
    assert message in str(info.value)
    assert str(info.value).startswith("bomb.yaml")
    assert len(str(info.value)) < 400  # one readable line, not the bomb echoed back
    assert spent < BUDGET, f"{name}: {spent:.2f}s of CPU"


def test_a_large_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as f:
        f.truncate(50 << 20)  # 50 MB
    start = time.process_time()
    with pytest.raises(ScenarioError, match="larger than 1048576 bytes"):
        load(str(path))
    assert time.process_time() - start < BUDGET


@pytest.mark.parametrize("command", ["check", "up", "render"])
def test_the_cli_refuses_a_bomb_with_one_line_and_runs_nothing(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMBS["string repeat"][0])
    state = tmp_path / "state"
    extra = ["--state-dir", str(state)] if command == "up" else []
    rc, _, err = iplab(command, str(path), *extra, capsys=capsys)
    assert_one_line_error(rc, err, "bomb.yaml:4: setup[0].command", "repeating")
    assert rc == 2
    assert not state.exists()  # no lab, no journal, no audit record: nothing ran


def test_a_lab_of_ordinary_size_is_not_refused() -> None:
    """The control: the bundled 500-namespace star loads (the limits leave room)."""
    from iplab.scenario import load as load_scenario

    assert len(load_scenario("star-500").setup) > 1000
