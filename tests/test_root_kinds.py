"""The kinds of the root links a lab owns, kept in its plan (#14).

``up --no-verify`` has no model state of its own to tell the lab record what each root link
it made is (``LabInfo.kinds``: ``down`` leaves alone a link someone deleted and made again
since); it replayed the whole model after the batch for that, 30 ms of star-500's run. The
plan keeps them from the build's own replay (``Plan.root_kinds``): they must be what the
replay of the setup a verification makes (``expected_state``) says, for every scenario the
repository has that builds, and such an ``up`` replays nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import IplabError
from iplab.importer.convert import detect_kind, import_text
from iplab.names import ROOT
from iplab.plan import Plan, build, expected_state
from tests.kernel import REPO

#: the bundled scenarios, and the tutorials of tests/fixtures/tutorials as imported
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
PAGES = sorted((REPO / "tests" / "fixtures" / "tutorials").glob("*"))


def _plan(path: Path, tmp: Path) -> Plan | None:
    try:
        if path.suffix != ".yaml":
            text = path.read_text()
            written = tmp / f"{path.stem}.yaml"
            written.write_text(import_text(text, detect_kind(path.name, text), path.name).yaml)
            path = written
        return build(scenario.load(str(path), {}), prefix="iprk")
    except IplabError:
        return None  # (a page the model refuses)


def test_the_kept_kinds_are_the_replays(tmp_path: Path) -> None:
    compared = 0
    kinds_seen: set[str] = set()
    for path in [*SCENARIOS, *PAGES]:
        plan = _plan(path, tmp_path)
        if plan is None or not plan.setup:
            continue
        root = expected_state(plan).namespaces[ROOT].links
        owned = plan.owned.in_root()
        assert plan.root_kinds == {n: root[n].kind for n in owned if n in root}, path
        compared += 1
        kinds_seen.update(plan.root_kinds.values())
    assert compared >= 20, compared  # (the repository's scenarios and pages build)
    assert {"bridge", "veth"} <= kinds_seen, kinds_seen


#: runs ``iplab`` in a process, noting each replay of the model after the setup
REPLAYS = textwrap.dedent(
    """
    import sys
    from iplab import ahead, plan
    replay = plan.expected_state

    def replayed(*args, **kwargs):
        print("@@ replay", file=sys.stderr)
        return replay(*args, **kwargs)

    plan.expected_state = ahead.expected_state = replayed
    from iplab.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def _driven(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", REPLAYS, *args],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
        env={**os.environ, "IPLAB_STATE_DIR": str(state)},
    )  # fmt: skip


@pytest.mark.kernel
def test_up_no_verify_replays_nothing_and_records_the_kinds(prefix: str, state_dir: Path) -> None:
    up = _driven(state_dir, "up", "star-500", "--var", "n=4", "--prefix", prefix, "--no-verify")
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        assert "@@ replay" not in up.stderr
        info = json.loads((state_dir / "labs" / f"{prefix}star-500" / "lab.json").read_text())
        assert info["kinds"] == {
            f"link {prefix}br0": "bridge",
            **{f"link {prefix}p{n}": "veth" for n in range(1, 5)},
        }
    finally:
        down = _driven(state_dir, "down", f"{prefix}star-500")
    assert down.returncode == 0, down.stdout + down.stderr
