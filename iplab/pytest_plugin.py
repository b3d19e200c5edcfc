"""A pytest plugin: throwaway labs for tests of network software.

Installed with iplab (entry point ``pytest11``), it adds two ways to get a lab,
both inactive until a test asks for them::

    def test_reach(iplab_lab):                       # a factory: one lab per call
        lab = iplab_lab("two-hosts.yaml")
        assert lab.exec("a", "ping", "-c1", "-W2", "10.0.0.2").ok

    @pytest.mark.iplab("two-hosts.yaml", scope="module")
    def test_reach_again(lab):                       # the marker's lab, shared by the module
        ...

A relative scenario path is read next to the test file first; a bare name may
also be a bundled scenario. Each lab gets a prefix of its own (``--iplab-prefix``,
default ``il``, then 4 hex digits of a hash of the test's node id and of the
session), so tests of parallel sessions (pytest-xdist) never share a name. On
teardown the lab is taken down from its journal and the test fails if anything
of it remains; its directory in the state directory goes too (its name is not
used again). Without root and without ``sudo -n`` the tests are skipped, with
the reason. Every audit record of a lab carries the test's node id (``test``).

A session killed midway (SIGKILL) leaves its labs' journals: ``iplab down LAB``
removes one, and the next session that brings a lab up first takes down every
lab whose session is gone (each live session holds a lock on a file per lab in
``STATE_DIR/pytest/``; a lab whose lock is free belongs to no one).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from iplab.api import Lab, Scenario

HASH_DIGITS = 4
DEFAULT_PREFIX = "il"
MARKERS = "pytest"  # STATE_DIR/pytest/<lab>.json: one per lab of a live session, locked

LabFactory = Callable[..., "Lab"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("iplab", "iplab network labs")
    group.addoption(
        "--iplab-state-dir", default=None, metavar="DIR",
        help="where the labs' journals and the audit log live (default: as for the iplab command)",
    )  # fmt: skip
    group.addoption(
        "--iplab-prefix", default=None, metavar="P",
        help=f"the start of every lab's prefix (default: {DEFAULT_PREFIX}); 4 hex digits follow",
    )  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "iplab(scenario, scope='function', vars=None): bring the scenario's lab up for the "
        "test; the `lab` fixture returns it (scope: function, class, module or session)",
    )


# -- ownership: a locked file per lab of a live session ------------------------------------------


@dataclass
class _Claim:
    """This session's hold on one lab: a locked marker file, released on teardown."""

    path: Path
    fd: int

    def release(self, forget: bool) -> None:
        if forget:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        os.close(self.fd)


def _claim(directory: Path, lab: str, nodeid: str) -> _Claim:
    """Create ``<lab>.json`` already locked (written aside, then renamed into place), so a
    sweeping session never sees a marker nobody holds yet."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = directory / f".{lab}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp"
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    record = {"lab": lab, "test": nodeid, "pid": os.getpid(), "time": time.time()}
    os.write(fd, json.dumps(record).encode())
    path = directory / f"{lab}.json"
    os.replace(tmp, path)
    return _Claim(path, fd)


def orphans(state_dir: Path) -> Iterator[tuple[str, str]]:
    """(lab, test node id) of each marker nobody holds: its session is gone.

    The marker stays locked by this generator while the caller handles it, and is
    removed when the caller goes on to the next one (or stops)."""
    directory = state_dir / MARKERS
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.json")):
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live session holds it
            if os.fstat(fd).st_nlink == 0:
                continue  # another sweeper removed it meanwhile
            try:
                record = json.loads(os.pread(fd, 4096, 0) or b"{}")
            except ValueError:
                record = {}
            lab = str(record.get("lab") or path.stem)
            yield lab, str(record.get("test", "?"))
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        finally:
            os.close(fd)


def sweep(state_dir: Path) -> list[str]:
    """Take down the labs of sessions that died (a SIGKILL, a power cut); their names."""
    from iplab import api
    from iplab.api import LabError

    up = {lab.name: lab for lab in api.labs(state_dir)}
    swept = []
    for name, nodeid in orphans(state_dir):
        lab = up.get(name)
        if lab is None:
            continue  # it never came up, or was taken down by hand
        lab._env.context.update({"test": nodeid, "sweep": True})
        try:
            lab.down()
        except LabError:
            continue  # leave it for `iplab down`; the next sweep tries again
        swept.append(name)
    return swept


# -- the session -----------------------------------------------------------------------------


def privilege_problem(state_dir: Path) -> str | None:
    """Why labs cannot run here (no ip, or neither root nor ``sudo -n``), or None."""
    import io

    from iplab.context import make_env
    from iplab.errors import PrivilegeError

    if shutil.which("ip") is None:
        return "iproute2's ip is not installed"
    env = make_env(state_dir, io.StringIO(), io.StringIO())  # `sudo -n true` is audited
    try:
        env.runner.ensure_privilege()
    except PrivilegeError as exc:
        return str(exc)
    return None


@dataclass
class _Session:
    state_dir: Path
    family: str
    salt: str = field(default_factory=lambda: uuid.uuid4().hex)
    checked: bool = False
    problem: str | None = None
    prefixes: set[str] = field(default_factory=set)

    def ready(self) -> None:
        """Skip when labs cannot run; the first time, take down the labs of dead sessions."""
        if not self.checked:
            self.checked = True
            self.problem = privilege_problem(self.state_dir)
            if self.problem is None:
                sweep(self.state_dir)
        if self.problem is not None:
            pytest.skip(f"iplab: {self.problem}")

    def prefix(self, nodeid: str) -> str:
        for count in range(1000):
            digest = hashlib.sha256(f"{self.salt}:{nodeid}:{count}".encode()).hexdigest()
            prefix = f"{self.family}{digest[:HASH_DIGITS]}"
            if prefix not in self.prefixes:
                self.prefixes.add(prefix)
                return prefix
        raise AssertionError("no free prefix")  # pragma: no cover - 65536 per family


_SESSION = pytest.StashKey[_Session]()


def _session(config: pytest.Config) -> _Session:
    if _SESSION not in config.stash:
        from iplab import statedir

        given = config.getoption("iplab_state_dir")
        family = config.getoption("iplab_prefix") or DEFAULT_PREFIX
        config.stash[_SESSION] = _Session(statedir.resolve(given), family)
    return config.stash[_SESSION]


def _scenario_path(node: pytest.Item | pytest.Collector, scenario: str | os.PathLike[str]) -> str:
    """A relative path is read next to the test file when it exists there."""
    text = os.fspath(scenario)
    here = Path(str(node.path)).parent if node.path is not None else None
    if here is not None and not Path(text).is_absolute() and (here / text).is_file():
        return str(here / text)
    return text


def _start(
    request: pytest.FixtureRequest,
    owner: pytest.Item | pytest.Collector,
    scenario: str | os.PathLike[str] | Scenario,
    vars: Mapping[str, Any] | None,
) -> tuple[Lab, Callable[[], None]]:
    """Bring a lab up for ``owner`` (a test, or a module...); and its finalizer."""
    from iplab import api, journal, statedir
    from iplab.errors import IplabError

    session = _session(request.config)
    session.ready()
    prefix = session.prefix(owner.nodeid)
    problem: BaseException | None = None
    try:
        if isinstance(scenario, api.Scenario):
            sc = scenario.with_prefix(prefix)
        else:
            sc = api.Scenario.load(_scenario_path(request.node, scenario), vars, prefix)
        name = f"{prefix}{sc.name}"
        statedir.ensure_dir(session.state_dir)
        claim = _claim(session.state_dir / MARKERS, name, owner.nodeid)
        try:
            lab = api.up(sc, state_dir=session.state_dir, audit={"test": owner.nodeid})
        except BaseException:
            claim.release(forget=True)  # api.up undid what it did
            raise
    except (IplabError, api.LabError) as exc:
        problem = exc
    if problem is not None:  # failed outside the except: the message once, not chained to it
        session.prefixes.discard(prefix)
        pytest.fail(f"iplab: {problem}", pytrace=False)

    def finish() -> None:
        problem = ""
        try:
            lab.down()
        except api.LabError as exc:
            problem = str(exc)
        left = lab.leftovers()
        if not problem and not left:  # (its name is this session's: its lock-only directory goes)
            journal.forget(session.state_dir, lab.name)
        claim.release(forget=not problem and not left)
        session.prefixes.discard(prefix)
        if problem or left:
            pytest.fail(
                f"iplab: lab {lab.name} was not taken down completely"
                + (f": {', '.join(left)} remain" if left else "")
                + (f"\n{problem}" if problem else "")
                + f"\n(run `iplab down {lab.name} --state-dir {session.state_dir}` to retry)",
                pytrace=False,
            )

    return lab, finish


@pytest.fixture
def iplab_lab(request: pytest.FixtureRequest) -> Iterator[LabFactory]:
    """A factory of labs: ``iplab_lab(scenario, vars=None)`` brings a lab up and returns
    its :class:`iplab.Lab`; every lab it made is taken down after the test."""
    finishers: list[Callable[[], None]] = []

    def make(
        scenario: str | os.PathLike[str] | Scenario, vars: Mapping[str, Any] | None = None
    ) -> Lab:
        lab, finish = _start(request, request.node, scenario, vars)
        finishers.append(finish)
        return lab

    yield make
    failures: list[BaseException] = []
    for finish in reversed(finishers):
        try:
            finish()
        except BaseException as exc:  # take the others down before reporting
            failures.append(exc)
    if failures:
        raise failures[0]


_SCOPES: dict[str, type[pytest.Item] | type[pytest.Collector] | None] = {
    "function": None,
    "class": pytest.Class,
    "module": pytest.Module,
    "session": pytest.Session,
}
_SHARED = pytest.StashKey[dict[tuple[str, str], "Lab"]]()


@pytest.fixture
def lab(request: pytest.FixtureRequest) -> Iterator[Lab]:
    """The lab of the test's ``@pytest.mark.iplab(scenario, scope=..., vars=...)`` marker.

    With ``scope`` wider than ``function``, the tests of that class, module or
    session with the same marker share one lab, taken down when the scope ends."""
    marker = request.node.get_closest_marker("iplab")
    if marker is None or not marker.args:
        pytest.fail("iplab: the `lab` fixture needs @pytest.mark.iplab(SCENARIO)", pytrace=False)
    scenario = marker.args[0]
    scope = marker.kwargs.get("scope", "function")
    vars = marker.kwargs.get("vars")
    if scope not in _SCOPES:
        pytest.fail(
            f"iplab: @pytest.mark.iplab scope {scope!r}: use one of {', '.join(_SCOPES)}",
            pytrace=False,
        )
    kind = _SCOPES[scope]
    if kind is None:
        made, finish = _start(request, request.node, scenario, vars)
        yield made
        finish()
        return
    owner = request.node.getparent(kind) or request.session
    shared = request.config.stash.setdefault(_SHARED, {})
    key = (owner.nodeid, json.dumps([os.fspath(scenario), vars], sort_keys=True, default=str))
    if key not in shared:
        made, finish = _start(request, owner, scenario, vars)
        shared[key] = made

        def finish_shared() -> None:
            del shared[key]
            finish()

        owner.addfinalizer(finish_shared)
    made = shared[key]
    made._env.context["test"] = request.node.nodeid  # what this test runs carries its own id
    yield made
