"""Hunt M (hostile conditions, round 2) without the kernel: the state directory and the
cache under ``umask 000``, world-writable directories above them, a home that does not
exist."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from iplab import lab, memo, scenario, statedir
from iplab.cli import main
from iplab.context import Env, make_env
from iplab.errors import IplabError
from iplab.plan import build
from tests.fakehost import PREFIX, FakeHost

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"
ROOT = Path(__file__).resolve().parent.parent


def _iplab(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    return main(list(argv), stderr=err), err.getvalue()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


_UNDER_UMASK_000 = """
import os, sys
os.umask(0)
from iplab import memo, plan, statedir
statedir.ensure_dir(statedir.Path(sys.argv[1]))
plan.load(sys.argv[2], prefix="hM")
memo.flush()
"""


def test_directories_made_under_umask_000_are_writable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    """Hunt M: under ``umask 000`` the state directory's parents (u0, u0/a, u0/a/b) came
    out drwxrwxrwx (anyone could swap the state directory), and the cache's
    ``XDG_CACHE_HOME/iplab`` 0777, so that iplab then silently never used its cache. Each
    directory iplab makes is 0755 (parents) or 0700 whatever the umask; the cache works."""
    state = tmp_path / "u0" / "a" / "b" / "state"
    cache = tmp_path / "cache-u0"
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(cache))
    env.pop("IPLAB_NO_CACHE", None)
    script = [sys.executable, "-c", _UNDER_UMASK_000, str(state), str(FIXTURES / "m01.yaml")]
    done = subprocess.run(script, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "note" not in done.stderr, done.stderr
    for folder in (tmp_path / "u0", tmp_path / "u0" / "a", state.parent, cache):
        assert _mode(folder) & 0o022 == 0, f"{folder} {_mode(folder):04o}"
    assert _mode(state) == 0o700 and _mode(cache / "iplab") == 0o700
    assert list((cache / "iplab" / "plans").glob("*.pickle")), "the cache was not used"


def test_a_world_writable_directory_above_the_state_directory_is_refused(
    tmp_path: Path,
) -> None:
    """Hunt M: with u0 world-writable, anyone could rename the state directory's parent
    away and make their own; ``ls`` then said "no lab is up" and ``up`` wrote a new state
    directory inside theirs. The path up to / is checked as sshd checks ~/.ssh's: the
    refusal names the directory and how to fix it; a sticky one (as /tmp) is fine."""
    state = tmp_path / "u0" / "a" / "b" / "state"
    state.mkdir(parents=True)
    (tmp_path / "u0").chmod(0o777)
    rc, said = _iplab("ls", "--state-dir", str(state))
    assert rc == 2, said
    assert f"{tmp_path / 'u0'}, a directory above {state}" in said, said
    assert "writable by group or others (mode 0777)" in said, said
    assert f"chmod go-w {tmp_path / 'u0'}" in said and said.count("\n") == 1, said
    (tmp_path / "u0").chmod(0o1777)
    rc, said = _iplab("ls", "--state-dir", str(state))
    assert rc == 0, said


def test_a_cache_under_a_world_writable_directory_is_skipped_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt M: a cache directory others could write was skipped without a word, for
    good. It is still skipped, and one line says why and what to fix."""
    shared = tmp_path / "cache-u0"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    monkeypatch.delenv("IPLAB_NO_CACHE", raising=False)
    assert memo.directory("plans") is None
    assert memo.directory("plans") is None
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no cache this time" in err, err
    assert f"chmod go-w {shared}" in err, err


def test_a_home_that_does_not_exist_gets_no_cache_and_is_not_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt M: ``HOME=/nonexistent iplab up`` made /nonexistent/.cache/iplab/... as root.
    A home that does not exist means no cache, and nothing is made."""
    home = tmp_path / "nonexistent"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("IPLAB_NO_CACHE", raising=False)
    assert memo.directory("plans") is None
    assert not home.exists()


def test_a_lab_that_is_not_up_names_the_state_directory_looked_in(tmp_path: Path) -> None:
    """Hunt M: ``IPLAB_STATE_DIR=.../state-other iplab down hM01-longnames`` said "no lab
    named hM01-longnames is up", though it was, from another state directory (sudo may
    drop IPLAB_STATE_DIR). The message names the directory it looked in."""
    other = tmp_path / "state-other"
    rc, said = _iplab("down", "hM01-longnames", "--state-dir", str(other))
    assert rc == 2, said
    assert f"no lab named hM01-longnames is up in the state directory {other}" in said, said
    assert "--state-dir" in said.split(other.name, 1)[1], said


def _env_at(host: FakeHost, state: Path) -> Env:
    state.mkdir(mode=0o700, exist_ok=True)
    return make_env(state, io.StringIO(), io.StringIO(), runner=host.runner())


def test_names_another_state_directory_made_are_not_called_not_iplabs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hunt M: ``up`` from another state directory said the lab's names "already exist on
    this host and iplab did not create them", but iplab did, from another state
    directory. It names that lab when it is the default state directory's, and says the
    lab may be up from another state directory when all its namespaces are there."""
    plan = build(scenario.load("container-networking-part2"), prefix=PREFIX)
    host = FakeHost()
    first = tmp_path / "state"
    assert lab.up(_env_at(host, first), plan, f"{PREFIX}blog") == 0
    with pytest.raises(IplabError) as caught:
        lab.up(_env_at(host, tmp_path / "state-other"), plan, f"{PREFIX}blog")
    said = str(caught.value)
    assert "iplab did not create them" not in said, said
    assert f"{PREFIX}blog may be up from another state directory" in said, said
    monkeypatch.setattr(statedir, "resolve", lambda _given: first)
    with pytest.raises(IplabError) as caught:
        lab.up(_env_at(host, tmp_path / "state-third"), plan, f"{PREFIX}blog")
    assert f"lab {PREFIX}blog of the state directory {first} made them" in str(caught.value)
