"""Hunt EJ #3: ``ip -n red link set veth-r`` (nothing after the device: a page's line cut
short, hunt EE #4) is a step that reads, and ip fails it ("Cannot find device") when
veth-r is not in red. ``check`` said nothing of it before the run, where it says "link
... does not exist in namespace red at this step" of every other link command (``ip -n
red link show veth-r``, ``ip -n red link set veth-r up``). Now it says it of this one too,
written with ``-n`` or inside ``ip netns exec``; a link that is there is not refused.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from iplab.cli import main

MADE = "ip netns add red\nip link add veth-r type veth peer name veth-b\n"


def _check(tmp_path: Path, script: str) -> tuple[int, str]:
    (tmp_path / "lab.sh").write_text("#!/bin/bash\n" + script)
    err = io.StringIO()
    main(["import", str(tmp_path / "lab.sh"), "-o", str(tmp_path / "lab.yaml")], stderr=err)
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()):
        rc = main(["check", str(tmp_path / "lab.yaml")], stderr=err)
    return rc, err.getvalue()


@pytest.mark.parametrize(
    "line", ["ip -n red link set veth-r", "ip netns exec red ip link set dev veth-r"]
)
def test_a_link_set_of_nothing_on_a_missing_link_is_refused(tmp_path: Path, line: str) -> None:
    rc, said = _check(tmp_path, f"{MADE}{line}\n")  # (veth-r is in the root, not in red)
    assert rc != 0, said
    assert "setup[2]: link veth-r is in the root namespace, not in namespace red" in said, said
    rc, said = _check(tmp_path, f"ip netns add red\n{line}\n")
    assert rc != 0, said
    assert "setup[1]: link veth-r does not exist in namespace red at this step" in said, said
    assert said.rstrip().endswith("(written at " + str(tmp_path / "lab.sh") + ":3)"), said


@pytest.mark.parametrize(
    "line", ["ip -n red link set veth-r", "ip netns exec red ip link set dev veth-r"]
)
def test_a_link_set_of_nothing_on_a_link_that_is_there_passes(tmp_path: Path, line: str) -> None:
    rc, said = _check(tmp_path, f"{MADE}ip link set veth-r netns red\n{line}\n")
    assert rc == 0, said
