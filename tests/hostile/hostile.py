"""Helpers of the hostile suite: a misbehaving ``ip`` on PATH, iplab in a process of its own
that a test can signal or kill, and the figures each test prints.

Every kernel object a test makes carries its prefix (tests/kernel.py); what is compared
is only those objects, so the suite passes on a host where other work runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.kernel import REPO, netns_names, root_links

REAL_IP = shutil.which("ip") or "/sbin/ip"

#: a bash ``ip`` that misbehaves as the environment says, and is the real ip otherwise:
#: SHIM_HANG=WORDS hangs (as a stuck process) when its arguments contain WORDS;
#: SHIM_BATCH_DELAY=S waits S seconds before an ``ip -batch``;
#: SHIM_LIE=WORDS runs the real command, then exits 1 all the same (a lying ip);
#: SHIM_FLAKY=N fails every N-th state-changing call without running it (a flaky ip);
#: SHIM_FAIL=WORDS fails without running (an undo that cannot work);
#: SHIM_TAKE=WORDS runs the same command first, as someone else racing for the name.
SHIM = r"""#!/bin/bash
args=" $* "
if [[ -n "$SHIM_HANG" && "$args" == *" $SHIM_HANG "* ]]; then exec sleep 600; fi
if [[ -n "$SHIM_FAIL" && "$args" == *" $SHIM_FAIL "* ]]; then
  echo "RTNETLINK answers: Operation not permitted (shim)" >&2; exit 2
fi
if [[ -n "$SHIM_TAKE" && "$args" == *" $SHIM_TAKE "* ]]; then "@REAL@" "$@"; fi
if [[ -n "$SHIM_BATCH_DELAY" && "$args" == *" -batch "* ]]; then sleep "$SHIM_BATCH_DELAY"; fi
if [[ -n "$SHIM_FLAKY" && "$args" =~ \ (add|del|set)\  && "$args" != *" -j "* ]]; then
  n=$(( $(cat "$SHIM_STATE" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$SHIM_STATE"
  if (( n % SHIM_FLAKY == 0 )); then echo "RTNETLINK answers: Resource busy (shim)" >&2; exit 2; fi
fi
if [[ -n "$SHIM_LIE" && "$args" == *" $SHIM_LIE "* ]]; then
  "@REAL@" "$@"; echo "ip: lying about it (shim)" >&2; exit 1
fi
exec "@REAL@" "$@"
"""

#: a small lab: 3 namespaces, a bridge, veths with one end moved (9 state changes)
SMALL_LAB = """name: small
setup:
  - {action: link add, name: br0, type: bridge}
  - loop: [1, 2, 3]
    loop_var: i
    steps:
      - {action: netns add, name: "ns{{ i }}"}
      - {action: link add, name: "v{{ i }}", type: veth, peer: "p{{ i }}", peer_netns: "ns{{ i }}"}
      - {action: link set, dev: "v{{ i }}", master: br0}
"""


def shim_dir(tmp_path: Path) -> Path:
    """A directory holding the misbehaving ``ip``, to put first on PATH."""
    bin_dir = tmp_path / "shim"
    bin_dir.mkdir(exist_ok=True)
    ip = bin_dir / "ip"
    ip.write_text(SHIM.replace("@REAL@", REAL_IP))
    ip.chmod(0o755)
    return bin_dir


def shim_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    return {
        "PATH": f"{shim_dir(tmp_path)}:{os.environ['PATH']}",
        "SHIM_STATE": str(tmp_path / "shim.count"),
        **settings,
    }


def start(
    *args: str, state: Path, env: dict[str, str] | None = None, cwd: Path = REPO
) -> subprocess.Popen[str]:
    """iplab in a process of its own, to be signalled or killed while it runs."""
    full = {**os.environ, "IPLAB_STATE_DIR": str(state)}
    full.pop("IPLAB_FAULT", None)
    full.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "iplab", *args], env=full, cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def leftovers(prefix: str) -> list[str]:
    """This test's objects still on the host: namespaces and root-namespace links."""
    netns = sorted(n for n in netns_names() if n.startswith(prefix))
    links = sorted(str(k["ifname"]) for k in root_links() if str(k["ifname"]).startswith(prefix))
    return netns + links


def figure(text: str) -> None:
    """One figure of the suite, printed (pytest -s shows it; the report collects them)."""
    line = f"HOSTILE: {text}"
    print(line)
    path = os.environ.get("HOSTILE_FIGURES")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def no_threads(monkeypatch: pytest.MonkeyPatch, after: int = 0, memory: bool = False) -> None:
    """Thread.start (sh's threads and iplab's time limits) fails after ``after`` starts, as
    in a pids cgroup at its limit ("can't start new thread") or under ``ulimit -v``."""
    real = threading.Thread.start
    count = [0]

    def start(self: threading.Thread) -> None:
        count[0] += 1
        if count[0] > after:
            raise MemoryError() if memory else RuntimeError("can't start new thread")
        real(self)

    monkeypatch.setattr(threading.Thread, "start", start)
