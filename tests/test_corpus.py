"""The corpus of tutorials in other authors' styles: each imports to its golden scenario and
prints back exactly its own command lines; on the kernel, each that stays inside its own
namespaces passes ``iplab run`` and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import (
    GOLDEN_CORPUS,
    NOT_RUN,
    dropped,
    first_missing_line,
    first_stray_line,
    import_tutorial,
    printed,
    tutorials,
)
from tests.goldens import assert_golden
from tests.kernel import iplab, netns_names, root_links

TUTORIALS = tutorials()
IDS = [p.name for p in TUTORIALS]

#: what a tutorial still waits for, from the helpers working on issue 10 and 11 in parallel
#: (strict: once it passes, the entry must go)
WAITS_FOR_GRAMMAR = "i10a: the ip grammar (abbreviations, renames, brctl, spacing) and open model"
WAITS_FOR_RUN = "i11: iplab run undoes from the journal when the tutorial has no cleanup"
WAITS_FOR_STOP = "i11: stop_after (the author's Ctrl-C) for ping without -c, tcpdump, ip monitor"
PENDING_IMPORT: dict[str, str] = {}
_GRAMMAR = (
    *("04-terse-notes.md", "05-rename-to-eth0.sh", "06-brctl-old-school.md"),
    *("16-vlan-bridge.md", "20-spacing.sh", "22-nameless-veth.md"),
)
PENDING_RUN = {
    **dict.fromkeys((n for n in IDS if n != "24-cleanup-at-the-end.sh"), WAITS_FOR_RUN),
    **dict.fromkeys(_GRAMMAR, WAITS_FOR_GRAMMAR),
    **dict.fromkeys(("03-router-between-subnets.md", "18-capture.md"), WAITS_FOR_STOP),
}


def _pending(paths: list[Path], table: dict[str, str]) -> list[object]:
    return [
        pytest.param(p, id=p.name, marks=pytest.mark.xfail(reason=table[p.name], strict=True))
        if p.name in table
        else pytest.param(p, id=p.name)
        for p in paths
    ]


def test_the_corpus_has_at_least_twenty_tutorials_of_both_kinds() -> None:
    assert len(TUTORIALS) >= 20
    assert {p.suffix for p in TUTORIALS} == {".md", ".sh"}


@pytest.mark.parametrize("path", _pending(TUTORIALS, PENDING_IMPORT))
def test_a_tutorial_imports_to_its_golden_scenario_and_prints_its_own_lines(path: Path) -> None:
    result = import_tutorial(path)
    assert_golden(result.yaml, GOLDEN_CORPUS / f"{path.stem}.yaml")
    text = printed(result)
    assert_golden(text, GOLDEN_CORPUS / f"{path.stem}.txt")
    assert first_stray_line(path, text) is None
    assert first_missing_line(path, text) is None
    assert dropped(result) == []
    assert "".join(f"{line}\n" for line in result.lines) == text


@pytest.mark.kernel
@pytest.mark.parametrize(
    "path", _pending([p for p in TUTORIALS if p.name not in NOT_RUN], PENDING_RUN)
)
def test_a_tutorial_runs_on_the_kernel_and_leaves_nothing(
    path: Path, prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    result = import_tutorial(path)
    scenario = tmp_path / f"{result.name}.yaml"
    scenario.write_text(result.yaml, encoding="utf-8")
    if PENDING_RUN.get(path.name) == WAITS_FOR_STOP:
        pytest.fail("a command the author stopped with Ctrl-C would run until the timeout")
    run = iplab("run", str(scenario), "--prefix", prefix, state=state_dir, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert [n for n in netns_names() if n.startswith(prefix)] == []
    assert [str(x["ifname"]) for x in root_links() if str(x["ifname"]).startswith(prefix)] == []
