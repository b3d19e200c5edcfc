"""A bug in iplab while it builds a lab: what it did is undone all the same.

An internal error (exit 70) in the middle of ``up`` or ``run`` left the lab on the host,
listed by ``iplab ls`` as up, until someone ran ``iplab down`` (found by a hunt, when a
half-edited checkout raised a NameError). ``IPLAB_FAULT=BUG@after-run:N`` raises there
what a bug would raise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kernel import iplab, netns_names, root_links

BLOG = "container-networking-part2"


@pytest.mark.kernel
@pytest.mark.parametrize("command", ["up", "run"])
@pytest.mark.parametrize("mode", [[], ["--per-command"]], ids=["batch", "per-command"])
def test_a_bug_midway_rolls_the_lab_back(
    command: str, mode: list[str], prefix: str, state_dir: Path
) -> None:
    result = iplab(
        command, BLOG, "--prefix", prefix, *mode,
        state=state_dir, env={"IPLAB_FAULT": "BUG@after-run:5"},
    )  # fmt: skip
    said = result.stdout + result.stderr
    assert result.returncode == 70, said
    assert "iplab: error: internal error: RuntimeError: failpoint after-run:5" in said
    assert "rolled back" in said and "the host is as it was before" in said
    assert "Traceback" not in said
    assert not [n for n in netns_names() if n.startswith(prefix)]
    assert not [x for x in root_links() if str(x["ifname"]).startswith(prefix)]
    assert "no lab is up" in iplab("ls", state=state_dir).stdout.lower()
