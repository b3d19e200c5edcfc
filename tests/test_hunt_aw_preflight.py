"""Hunt AW: a program started by its path is looked for, unless an earlier step made it.

``tests/fixtures/github-scripts/frr-zebra-after-chmod.sh`` (after a public FRR/GoBGP lab
script): ``sudo chmod 755 /var/run/frr-r1 ...`` and ``cat > r1/bgp.yaml <<'EOF'`` come
before ``ip netns exec r1 /usr/lib/frr/zebra``. Any chmod or written file let every
program by path after it go unlooked for, so on a host without FRR the preflight named
nothing and the run started, to fail at zebra and roll back. Now a step that names what it
makes (``chmod``, ``cp``, ``ln``, ``install``, ``tee``, a redirection) excuses only the files
and folders it names.
"""

from __future__ import annotations

import os

import pytest

from iplab import programs, scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import Plan, build
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts" / "frr-zebra-after-chmod.sh"


def _plan(text: str, name: str = "lab.sh") -> Plan:
    result = import_text(text, detect_kind(name, text), name)
    return build(scenario.load_text(result.yaml, "lab.yaml"))


@pytest.mark.skipif(os.path.exists("/usr/lib/frr/zebra"), reason="this host has FRR")
def test_zebra_by_its_path_is_looked_for_after_an_unrelated_chmod_and_file() -> None:
    lacking = programs.missing(_plan(SCRIPT.read_text(encoding="utf-8")))
    assert "/usr/lib/frr/zebra" in lacking
    assert "ip netns exec r1 /usr/lib/frr/zebra" in lacking["/usr/lib/frr/zebra"].text
    said = programs.said(lacking)
    assert "/usr/lib/frr/zebra (package frr)" in said


@pytest.mark.parametrize(
    "maker",
    [
        "sudo cp build/zebra /usr/lib/frr/",
        "sudo install -m 755 build/zebra /usr/lib/frr/zebra",
        "sudo ln -s /opt/frr/zebra /usr/lib/frr/zebra",
        "sudo chmod +x /usr/lib/frr/zebra",
        "echo '#!/bin/sh' | sudo tee /usr/lib/frr/zebra",
        "cat > /usr/lib/frr/zebra <<'EOF'\n#!/bin/sh\nEOF",
    ],
)
def test_a_program_a_step_names_as_what_it_makes_is_not_looked_for(maker: str) -> None:
    text = f"sudo ip netns add r1\n{maker}\nsudo ip netns exec r1 /usr/lib/frr/zebra -d\n"
    assert "/usr/lib/frr/zebra" not in programs.missing(_plan(text))


def test_a_relative_script_chmod_made_runnable_is_not_looked_for() -> None:
    text = "cat > run.sh <<'EOF'\nip netns add r1\nEOF\nchmod +x run.sh\n./run.sh\n"
    assert "./run.sh" not in programs.missing(_plan(text))
