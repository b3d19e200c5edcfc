"""The public Python API and the pytest plugin, without a kernel (no process may start)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import iplab
from iplab import pytest_plugin
from iplab.runner import Result
from tests.conftest import BLOG_SCENARIO, FIXTURES, GOLDEN, REPO

BLOG = "container-networking-part2"
#: the plugin, loaded as a checkout would (the module is imported already: no assertion rewriting)
PLUGIN = ("-p", "iplab.pytest_plugin", "-W", "ignore::pytest.PytestAssertRewriteWarning")


def test_render_is_the_command_lines_byte_for_byte() -> None:
    scenario = iplab.Scenario.load(BLOG)
    golden = (GOLDEN / f"{BLOG}.txt").read_text()
    assert scenario.render() == golden
    lines = golden.splitlines(keepends=True)
    assert scenario.render(setup=True) == "".join(lines[:18])
    assert scenario.render(setup=False) == "".join(lines[18:])
    assert scenario.render(format="script") == (GOLDEN / f"{BLOG}.sh").read_text()
    assert scenario.render(format="markdown") == (GOLDEN / f"{BLOG}.md").read_text()
    assert scenario.commands == golden.splitlines()
    assert (scenario.name, scenario.path) == (BLOG, str(BLOG_SCENARIO))


def test_a_prefix_renames_what_the_lab_creates() -> None:
    scenario = iplab.Scenario.load(BLOG_SCENARIO, prefix="t1")
    assert scenario.prefix == "t1"
    assert scenario.namespaces == {"t1ns1", "t1ns2"}
    assert scenario.links == {"t1vethX", "t1vethY", "t1vethP", "t1vethQ", "t1br0"}
    assert scenario.render(setup=False).splitlines()[0] == "sudo ip link del t1br0"
    assert scenario.with_prefix("").render() == iplab.Scenario.load(BLOG).render()


def test_vars_override_the_scenario_variables() -> None:
    star = iplab.Scenario.load("star", vars={"n": 2})
    assert star.namespaces == {"ns1", "ns2"}


def test_errors_name_the_file_the_line_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nsetup:\n  - action: netns add\n    nam: ns1\n")
    with pytest.raises(iplab.ScenarioError) as caught:
        iplab.Scenario.load(bad)
    assert str(caught.value) == (  # the line and the field the author misspelled
        f"{bad}:4: setup[0].nam: missing required field 'name'"
        " ('nam' is no field here: did you mean 'name'?)"
    )
    with pytest.raises(iplab.ScenarioError, match="the kernel allows 15"):
        iplab.Scenario.load(BLOG, prefix="a-long-prefix")
    with pytest.raises(iplab.UsageError, match="format 'pdf'"):
        iplab.Scenario.load(BLOG).render(format="pdf")  # type: ignore[arg-type]
    with pytest.raises(iplab.ScenarioError, match="no such scenario file"):
        iplab.Scenario.load("no-such-scenario")


def test_import_iplab_loads_nothing_heavy() -> None:
    code = (
        "import sys, iplab; heavy = [m for m in ('iplab.api', 'iplab.scenario', 'jinja2', 'yaml', "
        "'sh') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout == "[]\n"


def test_every_public_name_resolves() -> None:
    for name in iplab.__all__:
        assert getattr(iplab, name) is not None
    assert iplab.Difference.__module__ == "iplab.verify"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = iplab.nope  # type: ignore[attr-defined]


# -- the pytest plugin -----------------------------------------------------------------------


def test_each_lab_of_a_session_gets_a_prefix_of_its_own(tmp_path: Path) -> None:
    session = pytest_plugin._Session(tmp_path, "il")
    prefixes = [session.prefix("test_x.py::test_a") for _ in range(50)]
    assert len(set(prefixes)) == 50
    assert all(len(p) == 6 and p.startswith("il") for p in prefixes)
    other = pytest_plugin._Session(tmp_path, "il")  # another session (xdist worker, CI job)
    assert other.prefix("test_x.py::test_a") != prefixes[0]


def test_without_root_or_sudo_the_tests_are_skipped_with_one_reason(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("iplab.runner.os.geteuid", lambda: 1000)
    monkeypatch.setattr("iplab.runner.shutil.which", lambda name: f"/usr/bin/{name}")
    refused = Result(("sudo", "-n", "true"), 1, "", "sudo: a password is required\n", 0.0)
    monkeypatch.setattr("iplab.runner.ShExecutor.run", lambda self, argv, stdin=None: refused)
    pytester.makepyfile(
        """
        import pytest

        def test_one(iplab_lab):
            iplab_lab("container-networking-part2")

        @pytest.mark.iplab("container-networking-part2")
        def test_two(lab):
            pass
        """
    )
    result = pytester.runpytest_inprocess(*PLUGIN, f"--iplab-state-dir={tmp_path / 'state'}", "-rs")
    result.assert_outcomes(skipped=2)
    reason = "iplab: not running as root, and `sudo -n` does not work: sudo: a password is required"
    skips = [line for line in result.outlines if line.startswith("SKIPPED [1] ")]
    assert len(skips) == 2 and all(reason in line for line in skips), result.outlines


def test_the_lab_fixture_needs_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_unmarked(lab):
            pass

        @pytest.mark.iplab("x.yaml", scope="galaxy")
        def test_bad_scope(lab):
            pass
        """
    )
    result = pytester.runpytest_inprocess(*PLUGIN, "--strict-markers")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*iplab: the `lab` fixture needs @pytest.mark.iplab(SCENARIO)*",
            "*iplab: @pytest.mark.iplab scope 'galaxy': use one of function, class, module*",
        ]
    )


def test_the_api_reference_is_up_to_date() -> None:
    from iplab import apidoc

    assert (REPO / "docs" / "api.md").read_text() == apidoc.render(), (
        "docs/api.md is stale: python3 -m iplab.apidoc > docs/api.md"
    )


def test_teardown_fails_the_test_when_something_of_the_lab_remains(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The plugin's own check after the down, with a lab whose namespace stays behind."""

    class Leaky:
        name = "leaky"

        def down(self) -> None:
            pass

        def leftovers(self) -> list[str]:
            return ["ilabcdns1"]

    monkeypatch.setattr("iplab.pytest_plugin.privilege_problem", lambda state_dir: None)
    monkeypatch.setattr("iplab.api.labs", lambda state_dir=None: [])
    monkeypatch.setattr("iplab.api.up", lambda *args, **kwargs: Leaky())
    pytester.makepyfile("def test_one(iplab_lab):\n    iplab_lab('container-networking-part2')\n")
    state = tmp_path / "state"
    result = pytester.runpytest_inprocess(*PLUGIN, f"--iplab-state-dir={state}")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*iplab: lab leaky was not taken down completely: ilabcdns1 remain*"]
    )
    # its marker stays (unlocked): the next session's sweep tries again
    [marker] = (state / "pytest").glob("*.json")
    assert marker.name.startswith("il") and marker.name.endswith("container-networking-part2.json")


def inline_scenarios() -> list[object]:
    """What hunt X's t9_api_errors.py passed to Scenario.load: a dict, then YAML text."""
    found = []
    text = (FIXTURES / "api" / "t9-inline-scenarios.txt").read_text()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "iplab.Scenario.load":
            found.append(ast.literal_eval(node.args[0]))
    return found


def test_a_scenario_written_inline_has_its_own_way_in() -> None:
    """Hunt X #4: Scenario.load of a dict raised a raw TypeError, of YAML text a
    ScenarioError quoting the whole text as a file name. Scenario.from_dict and
    Scenario.from_text take them, and load names them in a UsageError."""
    as_dict, as_text = inline_scenarios()
    assert isinstance(as_dict, dict) and isinstance(as_text, str)
    for scenario in (iplab.Scenario.from_dict(as_dict), iplab.Scenario.from_text(as_text)):
        assert (scenario.name, scenario.commands) == ("x", ["ip netns add a"])
    assert iplab.Scenario.from_text(as_text, prefix="p").commands == ["ip netns add pa"]
    with pytest.raises(iplab.UsageError, match=r"not a dict.*Scenario\.from_dict"):
        iplab.Scenario.load(as_dict)  # type: ignore[arg-type]
    with pytest.raises(iplab.UsageError, match=r"not YAML text.*Scenario\.from_text"):
        iplab.Scenario.load(as_text)
    with pytest.raises(iplab.UsageError, match="not YAML text"):
        iplab.up(as_text)
    with pytest.raises(iplab.ScenarioError, match=r"^<text>:3: setup\[0\]"):
        iplab.Scenario.from_text(as_text.replace("netns add a", "netns add"))
