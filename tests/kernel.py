"""Fixtures for tests that touch the real kernel.

Every object such a test creates starts with its own unique prefix
(``ipt`` + 4 hex digits, leaving 8 characters for a name within IFNAMSIZ),
and a finalizer deletes what carries that prefix, even when the test fails.
Nothing else on the host is ever changed or deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
TEST_PREFIX_FAMILY = "ipt"


def can_use_kernel() -> str | None:
    """Why kernel tests cannot run here, or None when they can."""
    if shutil.which("ip") is None:
        return "iproute2's ip is not installed"
    if os.geteuid() != 0:
        probe = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
        if probe.returncode != 0:
            return "not root and sudo -n is not available"
    return None


SKIP = can_use_kernel()


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    argv = ["ip", *args] if os.geteuid() == 0 else ["sudo", "-n", "ip", *args]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def netns_names() -> set[str]:
    out = _ip("-j", "netns", "list").stdout
    return {n["name"] for n in json.loads(out)} if out.strip() else set()


def root_links() -> list[dict[str, Any]]:
    out = _ip("-j", "-d", "link", "show").stdout
    return list(json.loads(out)) if out.strip() else []


def cleanup_prefix(prefix: str, family: str = TEST_PREFIX_FAMILY) -> list[str]:
    """Delete the namespaces and root links whose names start with ``prefix`` (of the
    tests' ``family``, or a hunt's own: ``hax``)."""
    assert prefix.startswith(family) and len(prefix) >= 6, prefix
    removed = []
    for name in sorted(netns_names()):
        if name.startswith(prefix):
            _ip("netns", "del", name)
            removed.append(name)
    for _attempt in range(50):
        left = [
            str(link["ifname"]) for link in root_links() if str(link["ifname"]).startswith(prefix)
        ]
        if not left:
            break
        for name in left:
            _ip("link", "del", name)
            removed.append(name)
        time.sleep(0.1)
    return removed


@dataclass(frozen=True)
class Snapshot:
    """What the host holds of one test's prefix, for before/after comparisons."""

    netns: frozenset[str]
    links: frozenset[tuple[str, str, bool, str]]


def snapshot(prefix: str) -> Snapshot:
    """The namespaces and root-namespace links whose names start with ``prefix`` (the
    test's own): other sessions create and delete objects on this host all the time, so
    a test compares only what it could have made, never the whole host."""
    assert prefix.startswith(TEST_PREFIX_FAMILY) and len(prefix) >= 6, prefix
    links = set()
    for link in root_links():
        name = str(link["ifname"])
        if not name.startswith(prefix):
            continue
        info = link.get("linkinfo") or {}
        kind = str(info.get("info_kind", link.get("link_type", "")))
        flags = link.get("flags") or []
        links.add((name, kind, "UP" in flags, str(link.get("master", ""))))
    return Snapshot(frozenset(n for n in netns_names() if n.startswith(prefix)), frozenset(links))


@pytest.fixture
def prefix() -> Iterator[str]:
    """A unique prefix for this test's kernel objects, cleaned up afterwards."""
    if SKIP:
        pytest.skip(SKIP)
    value = f"{TEST_PREFIX_FAMILY}{uuid.uuid4().hex[:4]}"
    yield value
    cleanup_prefix(value)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    path = tmp_path / "state"
    path.mkdir(mode=0o700)
    return path


def iplab(
    *args: str, state: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the iplab CLI in a process of its own (as a user would)."""
    full_env = {**os.environ, "IPLAB_STATE_DIR": str(state)}
    full_env.pop("IPLAB_FAULT", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "iplab", *args],
        capture_output=True, text=True, env=full_env, cwd=REPO, timeout=timeout, check=False,
    )  # fmt: skip


def apart(
    script: str, net: bool = True, timeout: float = 120, pid: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run a bash ``script`` in a mount namespace of its own, with an empty tmpfs on
    /run/netns, and (``net``) a network namespace of its own, which iplab then takes for
    the host: the namespaces, links and sysctls it changes are the test's, never the
    host's (an ``ip -all netns delete`` reaches only what the script made). With ``pid``,
    a pid namespace of its own too (its own /proc): pid 1 is the script's shell, and every
    process iplab could see or stop is the test's (a lab that names /proc/1/ns/net)."""
    Path("/run/netns").mkdir(exist_ok=True)
    inner = "mount -t tmpfs iplab-test /run/netns || exit 97\n" + script
    pids = ["--pid", "--fork", "--mount-proc"] if pid else []
    argv = ["unshare", *(["--net"] if net else []), "--mount", "--propagation", "private",
            *pids, "bash", "-c", inner]  # fmt: skip
    # a session of its own: past the time limit, every process the script started is
    # killed, not only unshare (a script left behind would run on, on the shared host);
    # a TMPDIR of its own, removed after it (a script's ``mktemp -d`` state directory, and
    # iplab's own temporary files, were left in /tmp)
    with (
        tempfile.TemporaryDirectory(prefix="iplab-apart-") as tmp,
        subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
            start_new_session=True, env={**os.environ, "TMPDIR": tmp},
        ) as proc,
    ):  # fmt: skip
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


@pytest.fixture
def own_sleep() -> Iterator[int]:
    """A number of seconds no other test sleeps: a ``sleep N`` is then this test's own
    process (:func:`sleepers` finds it); one left is killed in the finalizer, even when
    the test fails."""
    seconds = random.randint(100000, 999999)
    yield seconds
    for pid in sleepers(seconds):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def sleepers(seconds: int) -> list[int]:
    """The pids of a test's own ``sleep SECONDS`` (a number no other test uses; a zombie
    has no command line: not one)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes() == (
                f"sleep\0{seconds}\0".encode()
            ):
                found.append(int(entry.name))
        except OSError:
            continue
    return found
