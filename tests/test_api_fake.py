"""``iplab.up`` -> ``Lab`` and the pytest plugin without root: the runner answers from
a real capture of the blog's lab (``tests/fakehost.py``), nothing runs."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

import iplab
from iplab.names import ROOT
from iplab.runner import Runner
from tests.conftest import FIXTURES
from tests.fakehost import COMMANDS, NAMESPACES, PREFIX, SETUP_CHANGES, FakeHost

BLOG = "container-networking-part2"
PLUGIN = ("-p", "iplab.pytest_plugin", "-W", "ignore::pytest.PytestAssertRewriteWarning")


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> FakeHost:
    """Every runner iplab makes (api, plugin, CLI) asks this host."""
    made = FakeHost()

    def runner() -> Runner:
        return made.runner()

    monkeypatch.setattr("iplab.context.Runner", runner)
    return made


def test_up_use_and_down_through_the_api(host: FakeHost, tmp_path: Path) -> None:
    scenario = iplab.Scenario.load(BLOG, prefix=PREFIX)
    with iplab.up(scenario, state_dir=tmp_path, audit={"test": "me"}) as lab:
        assert host.at == SETUP_CHANGES[-1]
        assert lab.name == f"{PREFIX}{BLOG}" and lab.prefix == PREFIX and lab.is_up
        assert lab.namespaces == tuple(NAMESPACES) and lab.state_dir == tmp_path
        assert set(lab.links) == {
            f"{PREFIX}{n}" for n in ("vethX", "vethY", "vethP", "vethQ", "br0")
        }
        assert "verify: the kernel holds what the scenario promised" in lab.log
        assert lab.verify() == []
        state = lab.state()
        root = state.namespaces[ROOT].links
        assert set(root) == {f"{PREFIX}vethY", f"{PREFIX}vethQ", f"{PREFIX}br0"}  # only the lab's
        veth = state.namespaces[f"{PREFIX}ns1"].links[f"{PREFIX}vethX"]
        assert (veth.kind, veth.peer, veth.peer_ns) == ("veth", f"{PREFIX}vethY", ROOT)
        assert lab.leftovers() == [*NAMESPACES, f"{PREFIX}br0", f"{PREFIX}vethQ", f"{PREFIX}vethY"]
        assert lab.netns("ns1") == f"{PREFIX}ns1" == lab.netns(f"{PREFIX}ns1")
        with pytest.raises(iplab.UsageError, match="'ns3' is not one of lab"):
            lab.netns("ns3")
        with pytest.raises(iplab.UsageError, match="name a command"):
            lab.exec("ns1")
        assert [x.name for x in iplab.labs(tmp_path)] == [lab.name]
        assert "(up)" in repr(lab)
    assert host.at == 0 and not lab.is_up
    assert "(down)" in repr(lab)
    lab.down()  # again: nothing to do
    with pytest.raises(iplab.UsageError, match="is down"):
        lab.state()
    assert iplab.labs(tmp_path) == []


def test_exec_runs_in_the_labs_namespace(host: FakeHost, tmp_path: Path) -> None:
    with iplab.up(BLOG, prefix=PREFIX, state_dir=tmp_path) as lab:
        # the command the blog runs there (its captured output), through `exec`
        argv = COMMANDS[9]["argv"]
        host.executor.responses[" ".join(argv)] = (0, COMMANDS[9]["stdout"], "")
        result = lab.exec("ns1", *argv[4:])
        assert result.ok and "lo: <LOOPBACK>" in result.stdout
        host.executor.responses[" ".join(argv)] = (1, "", "boom\n")
        with pytest.raises(iplab.LabError, match="exit 1: boom"):
            lab.exec("ns1", *argv[4:], check=True)
    assert host.at == 0


@pytest.mark.parametrize("failing", [SETUP_CHANGES[0], SETUP_CHANGES[5], SETUP_CHANGES[-1]])
def test_a_failed_up_raises_and_leaves_nothing(
    host: FakeHost, tmp_path: Path, failing: int
) -> None:
    host.fail_at = failing
    with pytest.raises(iplab.LabError, match="did not come up as the scenario promises"):
        iplab.up(BLOG, prefix=PREFIX, state_dir=tmp_path)
    assert host.at == 0 and iplab.labs(tmp_path) == []


def test_ctrl_c_during_up_raises_keyboard_interrupt_after_undoing(
    host: FakeHost, tmp_path: Path
) -> None:
    host.before = lambda n: os.kill(os.getpid(), signal.SIGINT) if n == 11 else None
    with pytest.raises(KeyboardInterrupt):
        iplab.up(BLOG, prefix=PREFIX, state_dir=tmp_path)
    assert host.at == 0 and iplab.labs(tmp_path) == []


def test_api_refuses_what_it_cannot_do(host: FakeHost, tmp_path: Path) -> None:
    scenario = iplab.Scenario.load(BLOG, prefix=PREFIX)
    with pytest.raises(iplab.UsageError, match=r"pass them to Scenario\.load"):
        iplab.up(scenario, vars={"x": 1}, state_dir=tmp_path)
    with pytest.raises(iplab.UsageError, match="lab name"):
        iplab.up(scenario, name="a/b", state_dir=tmp_path)
    assert host.changes == []


def test_the_pytest_plugin_brings_a_lab_up_and_down(
    host: FakeHost, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("iplab.pytest_plugin._Session.prefix", lambda self, nodeid: PREFIX)
    pytester.makepyfile(
        f"""
        import pytest

        def test_factory(iplab_lab):
            lab = iplab_lab("{BLOG}")
            assert lab.verify() == []
            assert lab.namespaces == {tuple(NAMESPACES)!r}

        @pytest.mark.iplab("{BLOG}")
        def test_marker(lab):
            assert lab.leftovers()[:2] == {NAMESPACES!r}

        def test_no_marker(lab):
            pass
        """
    )
    state = tmp_path / "state"
    result = pytester.runpytest_inprocess(*PLUGIN, "--iplab-state-dir", str(state))
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*the `lab` fixture needs @pytest.mark.iplab(SCENARIO)*"])
    assert host.at == 0
    assert host.changes.count("undo") == 2
    assert not list((state / "pytest").glob("*.json"))  # the claims are released


def test_the_pytest_plugin_fails_a_test_whose_lab_cannot_come_up(
    host: FakeHost, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("iplab.pytest_plugin._Session.prefix", lambda self, nodeid: PREFIX)
    host.fail_at = SETUP_CHANGES[3]
    pytester.makepyfile(
        f"""
        def test_factory(iplab_lab):
            iplab_lab("{BLOG}")
        """
    )
    result = pytester.runpytest_inprocess(*PLUGIN, "--iplab-state-dir", str(tmp_path / "s"))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*iplab: lab *did not come up*"])
    assert host.at == 0


def test_a_module_scoped_lab_is_shared_and_an_orphan_swept_first(
    host: FakeHost, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A lab left by a session that died (its marker unlocked) is taken down by the next
    session before its own lab comes up; a module-scoped marker's lab serves the module."""
    monkeypatch.setattr("iplab.pytest_plugin._Session.prefix", lambda self, nodeid: PREFIX)
    state = tmp_path / "state"
    iplab.up(BLOG, prefix=PREFIX, state_dir=state, name="deadlab")  # its session dies
    assert host.at == SETUP_CHANGES[-1]
    markers = state / "pytest"
    markers.mkdir()
    (markers / "deadlab.json").write_text('{"lab": "deadlab", "test": "gone.py::t"}')
    (markers / "garbled.json").write_text("{not json")  # a marker of a lab never up
    pytester.makepyfile(
        f"""
        import pytest

        pytestmark = pytest.mark.iplab("{BLOG}", scope="module")

        def test_one(lab):
            assert lab.verify() == []

        def test_two(lab):
            assert lab.leftovers()[:2] == {NAMESPACES!r}

        @pytest.mark.iplab("{BLOG}", scope="galaxy")
        def test_bad_scope(lab):
            pass
        """
    )
    result = pytester.runpytest_inprocess(*PLUGIN, "--iplab-state-dir", str(state))
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*scope 'galaxy': use one of function, class, module, session*"])
    assert host.changes.count("undo") == 2  # the orphan, then the module's lab
    assert host.at == 0
    assert not list(markers.glob("*.json"))
    assert iplab.labs(state) == []


def test_a_missing_scenario_fails_the_test_with_one_message(
    host: FakeHost, pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """Hunt X #5: a missing scenario printed its message twice, the second after "During
    handling of the above exception, another exception occurred" (pytest.fail was called
    inside the except block)."""
    pytester.makepyfile(test_t2=(FIXTURES / "api" / "t2-missing-scenario.txt").read_text())
    result = pytester.runpytest_inprocess(*PLUGIN, "--iplab-state-dir", str(tmp_path / "s"))
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    # The failure's own report, not the short summary: pytest repeats the message there when
    # the terminal is wide enough (CI's is; an 80-column one cuts it off).
    report = out.split("short test summary info")[0]
    assert report.count("does-not-exist.yaml: no such scenario file") == 1, out
    assert "During handling" not in out
    assert host.at == 0
