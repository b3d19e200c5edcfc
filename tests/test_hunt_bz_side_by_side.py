"""Hunt BZ: labs side by side, after #14 (``up`` reads the lab back in a thread while it
writes its batch's records). A class runs several labs on one host at once: one lab's
``up`` (its read begun ahead) while another goes ``down`` and a third ``verify``s, each with
its own prefix and state directory. Looped for ~12 minutes by hand (star-500 n=60 and n=30
churning, container-networking-part2, a router page, SIGINT right after a batch, SIGKILL
during the verification): no false DIFF, every audit chain intact, nothing left. This
keeps a short version of that loop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kernel import REPO, iplab, snapshot

PAGE = REPO / "tests" / "fixtures" / "side-by-side" / "dual-stack-router-class.md"


def _start(*args: str, state: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "IPLAB_STATE_DIR": str(state)}
    env.pop("IPLAB_FAULT", None)
    return subprocess.Popen(
        [sys.executable, "-m", "iplab", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO,
    )  # fmt: skip


def _done(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=120)
    return proc.returncode, out


@pytest.mark.kernel
def test_an_up_beside_a_down_and_a_verify(prefix: str, tmp_path: Path) -> None:
    states = {k: tmp_path / k for k in "abc"}
    for path in states.values():
        path.mkdir(mode=0o700)
    lab = tmp_path / "router.yaml"
    assert iplab("import", str(PAGE), "-o", str(lab), state=states["a"]).returncode == 0
    router = (str(lab), "--prefix", f"{prefix}r")
    star = ("star-500", "--var", "n=20", "--prefix", f"{prefix}s")
    cnp = ("container-networking-part2", "--prefix", f"{prefix}c")
    try:
        assert iplab("up", *cnp, state=states["c"]).returncode == 0
        for _ in range(3):
            assert iplab("up", *star, state=states["b"]).returncode == 0
            ups = _start("up", *router, state=states["a"])
            downs = _start("down", f"{prefix}sstar-500", state=states["b"])
            verifies = _start("verify", *cnp, state=states["c"])
            for proc in (ups, downs, verifies):
                rc, out = _done(proc)
                assert rc == 0, out
                assert "DIFF" not in out and "Traceback" not in out, out
            assert (
                iplab("down", f"{prefix}rdual-stack-router-class", state=states["a"]).returncode
                == 0
            )
        assert (
            iplab("down", f"{prefix}ccontainer-networking-part2", state=states["c"]).returncode == 0
        )
        for path in states.values():
            if (path / "audit.jsonl").exists():
                checked = iplab("audit", "verify", state=path)
                assert checked.returncode == 0, checked.stdout + checked.stderr
        reads = [
            json.loads(line)
            for line in (states["a"] / "audit.jsonl").read_text().splitlines()
            if '"kind":"read"' in line.replace(" ", "")
        ]
        ahead = [r for r in reads if len(r.get("namespaces") or []) == 3]
        assert len(ahead) == 3  # each up's read begun ahead is audited, once
        assert len({r["run"] for r in ahead}) == 3
        left = snapshot(prefix)
        assert not left.netns and not left.links
    finally:
        for args, path in (
            (f"{prefix}rdual-stack-router-class", states["a"]),
            (f"{prefix}sstar-500", states["b"]),
            (f"{prefix}ccontainer-networking-part2", states["c"]),
        ):
            iplab("down", args, state=path)
