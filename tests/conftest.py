from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BLOG = FIXTURES / "reference" / "container-networking-part2.md"
BLOG_SCENARIO = SCENARIOS / "container-networking-part2.yaml"


pytest_plugins = ["tests.kernel", "pytester"]

# The tests send themselves Ctrl-C and expect iplab to handle it; started as a script's
# background job, pytest inherits SIGINT ignored, which iplab now keeps ignoring (hunt Y #8)
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True, scope="session")
def no_process_exit_in_pytest() -> Iterator[None]:
    """iplab's process ends by ``os._exit`` (iplab.cli.exit_process): run in pytest's own
    process (``runpy`` of ``python -m iplab``), it would end the test session with status
    0 and no summary, a CI that looks green (hunt CQ saw it). Here it raises SystemExit
    with its code; tests/test_process_exit.py runs the real one in a process of its own."""
    from iplab import cli

    def exit_process(rc: int) -> NoReturn:
        raise SystemExit(rc)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "exit_process", exit_process)
        yield


@pytest.fixture(autouse=True, scope="session")
def private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled templates go to the test session's own cache, not to the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache-home")))
        yield


@pytest.fixture(autouse=True, scope="session")
def private_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """iplab's state directory, for a test (and the iplab it starts) that names none, is
    the test session's own, not the host's /var/lib/iplab: a lab taken down leaves its
    lock there, and the tests' labs, each named for once, left one a run (a session run
    with IPLAB_STATE_DIR set keeps it)."""
    with pytest.MonkeyPatch.context() as patch:
        if "IPLAB_STATE_DIR" not in os.environ:
            patch.setenv("IPLAB_STATE_DIR", str(tmp_path_factory.mktemp("state")))
        yield


@pytest.fixture(autouse=True)
def no_real_processes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside tests marked ``kernel`` (or ``processes``: harmless local programs that test
    the real executor itself), starting a real process through iplab is an error.

    pytest-subprocess cannot catch this (``sh`` forks by itself), so the seam is
    iplab's own: the one executor that starts processes refuses to.
    """
    if request.node.get_closest_marker("kernel") or request.node.get_closest_marker("processes"):
        return

    def refuse(self: object, argv: object, stdin: object = None, **kwargs: object) -> object:
        raise AssertionError(f"a unit test tried to run a real process: {argv!r}")

    monkeypatch.setattr("iplab.runner.ShExecutor.run", refuse)
    monkeypatch.setattr("iplab.runner.ShExecutor.interactive", refuse)


@pytest.fixture
def write_scenario(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a scenario text to a file and return its path."""

    def write(text: str, name: str = "lab.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def raw_lab(command: str) -> str:
    """A scenario of one raw step running ``command`` in a shell (for the model's refusals)."""
    return f"name: t\nsetup:\n  - action: raw\n    shell: true\n    command: {command!r}\n"


def assert_refused(command: str, match: str) -> None:
    """The model refuses a raw step running ``command``, saying ``match``, at its step."""
    from iplab import scenario
    from iplab.model import ModelError
    from iplab.plan import build

    with pytest.raises(ModelError, match=match) as caught:
        build(scenario.load_text(raw_lab(command), "t.yaml"))
    assert caught.value.loc is not None and caught.value.loc.field == "setup[0]"
