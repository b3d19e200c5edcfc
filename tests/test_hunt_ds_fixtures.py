"""Hunt DS's scripts (tests/fixtures/scripts-ds/, sources in its README): each imports, and
the model follows it; the ones that worked before the hunt's fixes keep working. What each
did and does now is in the README; the fixes have tests of their own
(tests/test_hunt_ds_brace_groups.py, tests/test_hunt_ds_argument_loop.py,
tests/test_hunt_ds_beside_scripts.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES

DS = FIXTURES / "scripts-ds"

#: file -> (the arguments it is run with, typed steps, raw steps)
EXPECTED = {
    "ds01-brace-group-quiet-clean-slate.sh": (None, 22, 0),
    "ds02-argument-loop-new-host.sh": (["center", "-f"], 2, 2),  # (usage(): no step, hunt DT)
    "ds03-virtopology/README.md": (None, 34, 0),
    "ds04-condeval/create-network.sh": (None, 12, 0),
    "ds05-veth-peer-netns-set-up-dev.sh": (None, 6, 1),
    "ds06-delete-first-ifconfig-in-netns.sh": (None, 27, 0),
    "ds07-router-ping-source-address.sh": (None, 18, 0),
    "ds08-router-pings-then-deletes.sh": (None, 25, 0),
    "ds09-rename-inside-netns-ls-run-netns.sh": (None, 16, 1),
    "ds10-route-the-address-made-bridge-vlan.sh": (None, 38, 1),
}


def test_every_script_of_the_family_is_listed() -> None:
    found = {p.relative_to(DS).as_posix() for p in DS.rglob("*.sh")} | {
        "ds03-virtopology/README.md"
    }
    helpers = {
        "ds03-virtopology/newHost.sh",
        "ds03-virtopology/hostToHost.sh",
        "ds03-virtopology/execNS.sh",
        "ds04-condeval/clear-network.sh",
    }
    assert found - helpers == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_script_imports_and_the_model_follows_it(name: str) -> None:
    imports_as_expected(DS / name, *EXPECTED[name])


def imports_as_expected(path: Path, arguments: list[str] | None, typed: int, raw: int) -> None:
    """A script of a family's fixtures imports with ``arguments`` (None: as run without),
    into ``typed`` typed and ``raw`` raw steps, and the model follows it (hunt DY's too)."""
    text = path.read_text(encoding="utf-8")
    kind = detect_kind(path.name, text)
    result = import_text(text, kind, path.name, base=path.parent, arguments=arguments)
    assert result.model_error is None, result.model_error
    assert (result.typed, result.raw) == (typed, raw), result.warnings
