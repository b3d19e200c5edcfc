"""Plans and verify's expectations kept between runs (iplab.memo): a hit is exactly what a
fresh build gives, any change of an input is another key, and a cache that is damaged,
shared or turned off is only slower."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iplab import memo, plan, scenario
from iplab.errors import ScenarioError, UsageError
from iplab.expectation import Expectation, expectation, keep
from iplab.plan import Plan, expected_state
from iplab.render import renderer

BUNDLED = sorted(p.stem for p in scenario.bundled_dir().glob("*.yaml"))
BLOG = "container-networking-part2"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("IPLAB_NO_CACHE", raising=False)
    return home / "iplab"


def entries(directory: Path) -> list[Path]:
    memo.flush()
    return sorted(directory.glob("*.pickle")) if directory.is_dir() else []


def fresh(monkeypatch: pytest.MonkeyPatch, *args: object, **kwargs: object) -> Plan:
    with monkeypatch.context() as patch:
        patch.setenv("IPLAB_NO_CACHE", "1")
        return plan.load(*args, **kwargs)  # type: ignore[arg-type]


def no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> Plan:
        raise AssertionError("built again: the kept plan was not used")

    monkeypatch.setattr(plan, "build", refuse)


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize("lenient", [False, True])
def test_a_kept_plan_is_the_plan_a_fresh_build_gives(
    name: str, lenient: bool, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs = ["n=7"] if name.startswith("star") else []
    first = plan.load(name, pairs, "zz", lenient=lenient)
    assert len(entries(cache_home / "plans")) == 1
    no_build(monkeypatch)
    again = plan.load(name, pairs, "zz", lenient=lenient)
    assert again is not first and again == first
    assert again.warnings == first.warnings and again.var_pairs == tuple(pairs)
    monkeypatch.undo()
    assert again == fresh(monkeypatch, name, pairs, "zz", lenient=lenient)


def test_every_input_is_part_of_the_key(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "lab.yaml"
    source.write_text(
        "name: lab\nvars: {n: 1}\nsetup:\n  - action: netns add\n    name: ns{{ n }}\n"
    )
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "netns-add.j2").write_text("ip netns add {{ name | q }}\n")
    texts = set()
    for pairs, prefix, templates, strict in [
        ((), "", (), True), (("n=2",), "", (), True), (("n=2",), "p", (), True),
        (("n=2",), "p", (mine,), True), (("n=2",), "p", (mine,), False),
    ]:  # fmt: skip
        got = plan.load(str(source), pairs, prefix, templates, strict)
        texts.add(tuple(c.command.text for c in got.setup))
        assert got == fresh(monkeypatch, str(source), pairs, prefix, templates, strict)
    assert len(entries(cache_home / "plans")) == 5
    assert texts == {("ip netns add ns1",), ("ip netns add ns2",), ("ip netns add pns2",)}
    # a changed template, a changed scenario: built again, never the kept plan
    (mine / "netns-add.j2").write_text("ip  netns add {{ name | q }}\n")
    renderer.cache_clear()  # as in a new run (templates do not change while iplab runs)
    got = plan.load(str(source), ("n=2",), "p", (mine,))
    assert [c.command.text for c in got.setup] == ["ip  netns add pns2"]
    source.write_text(source.read_text().replace("ns{{ n }}", "lab{{ n }}"))
    got = plan.load(str(source), ("n=2",), "p", (mine,))
    assert [c.command.text for c in got.setup] == ["ip  netns add plab2"]
    assert len(entries(cache_home / "plans")) == 7


def test_an_error_is_never_kept(tmp_path: Path, cache_home: Path) -> None:
    source = tmp_path / "lab.yaml"
    source.write_text("name: lab\nsetup:\n  - action: netns del\n    name: nope\n")
    for _ in range(2):
        with pytest.raises(ScenarioError):
            plan.load(str(source))
    with pytest.raises(UsageError, match="no such directory"):
        plan.load(BLOG, template_dirs=[tmp_path / "missing"])
    assert entries(cache_home / "plans") == []


def test_a_damaged_entry_is_a_miss_and_is_written_again(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = plan.load(BLOG)
    (entry,) = entries(cache_home / "plans")
    for damage in (entry.read_bytes()[:40], b"", b"not a pickle"):
        entry.write_bytes(damage)
        assert plan.load(BLOG) == first
        assert entries(cache_home / "plans") == [entry] and entry.read_bytes() != damage


def test_a_directory_others_can_write_is_not_used(cache_home: Path) -> None:
    (cache_home / "plans").mkdir(parents=True)
    (cache_home / "plans").chmod(0o777)
    plan.load(BLOG)
    assert entries(cache_home / "plans") == []
    assert memo.get("plans", memo.key("plan", "anything")) is None


def test_an_entry_someone_else_wrote_is_not_read(cache_home: Path) -> None:
    plan.load(BLOG)
    (entry,) = entries(cache_home / "plans")
    entry.chmod(0o666)  # writable by others: it could hold anyone's code
    assert memo.get("plans", entry.stem) is None


def test_no_cache_when_asked(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPLAB_NO_CACHE", "1")
    plan.load(BLOG)
    assert not cache_home.exists()


def test_only_the_most_recently_used_entries_are_kept(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memo, "KEEP", 3)
    for i in range(5):
        plan.load(BLOG, prefix=f"p{i}")
        memo.flush()
        os.utime(entries(cache_home / "plans")[0])  # every entry but one used since
    assert len(entries(cache_home / "plans")) == 3


def test_no_home_directory_is_only_slower(monkeypatch: pytest.MonkeyPatch) -> None:
    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("IPLAB_NO_CACHE", raising=False)
    monkeypatch.setattr(Path, "home", homeless)
    assert memo.directory("plans") is None
    assert plan.load(BLOG) == fresh(monkeypatch, BLOG)


def test_a_full_disk_is_only_slower(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_args: object, **_kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "open", full)  # the entry cannot be created
    assert plan.load(BLOG) == fresh(monkeypatch, BLOG)
    assert entries(cache_home / "plans") == []


# -- verify's expectation ------------------------------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_up_keeps_the_expectation_verify_would_compute(
    name: str, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs = ("n=7",) if name.startswith("star") else ()
    up_plan = plan.load(name, pairs, "zz")
    keep(up_plan, expected_state(up_plan))
    assert len(entries(cache_home / "expectations")) == 1
    kept = expectation(name, pairs, "zz")
    with monkeypatch.context() as patch:
        patch.setenv("IPLAB_NO_CACHE", "1")
        computed = expectation(name, pairs, "zz")
    assert isinstance(kept, Expectation) and kept == computed
    assert len(entries(cache_home / "expectations")) == 1  # the hit wrote nothing


def test_verify_keeps_its_own_expectation_by_step(cache_home: Path) -> None:
    after_two = expectation(BLOG, (), "zz", 2)
    assert expectation(BLOG, (), "zz", 2) == after_two
    assert expectation(BLOG, (), "zz") != after_two
    assert len(entries(cache_home / "expectations")) == 2
    with pytest.raises(UsageError, match="steps 1 to"):
        expectation(BLOG, (), "zz", 999)


def test_a_lenient_plan_or_one_built_by_hand_keeps_nothing(cache_home: Path) -> None:
    lenient = plan.load(BLOG, lenient=True)
    keep(lenient, expected_state(lenient))
    by_hand = plan.build(scenario.load(BLOG))
    keep(by_hand, expected_state(by_hand))
    assert entries(cache_home / "expectations") == []


def test_a_kept_plan_is_run_without_yaml_or_jinja(cache_home: Path) -> None:
    """The point of keeping it: a later run imports neither YAML nor Jinja."""
    code = (
        "import sys\n"
        "from iplab import plan\n"
        f"plan.load({BLOG!r})\n"
        "from iplab.expectation import expectation\n"
        f"expectation({BLOG!r}, (), '')\n"
        "print(sorted(m for m in ('jinja2', 'yaml') if m in sys.modules))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent)}

    def imported() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert imported() == "['jinja2', 'yaml']"  # nothing kept yet: loaded and planned
    assert imported() == "[]"


def test_a_scenario_is_loaded_once_for_every_prefix(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another prefix is another plan, but the same loaded scenario: no YAML is read again;
    a changed file or other ``--var`` pairs are read again."""
    source = tmp_path / "lab.yaml"
    source.write_text(
        "name: lab\nvars: {n: 1}\nsetup:\n  - action: netns add\n    name: ns{{ n }}\n"
    )
    first = plan.load(str(source), ("n=2",), "p1")
    assert len(entries(cache_home / "scenarios")) == 1

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("loaded again: the kept scenario was not used")

    with monkeypatch.context() as patch:
        patch.setattr(scenario, "load_text", refuse)
        second = plan.load(str(source), ("n=2",), "p2")
    assert [c.command.text for c in second.setup] == ["ip netns add p2ns2"]
    assert second == fresh(monkeypatch, str(source), ("n=2",), "p2")
    assert first.scenario.steps[0].op != second.scenario.steps[0].op  # each its own prefix
    other = plan.load(str(source), ("n=3",), "p2")
    assert [c.command.text for c in other.setup] == ["ip netns add p2ns3"]
    source.write_text(source.read_text().replace("ns{{ n }}", "lab{{ n }}"))
    changed = plan.load(str(source), ("n=3",), "p2")
    assert [c.command.text for c in changed.setup] == ["ip netns add p2lab3"]
    assert len(entries(cache_home / "scenarios")) == 3
