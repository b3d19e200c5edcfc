"""A newcomer's first hour with iplab (hunt BN): the README's commands, and the slips a
student makes with them (an output file that is the input, a page given where a scenario
goes, a hand-written scenario with a mistake, a mistyped command or scenario name)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

import iplab.cli
from tests import kernel

HERE = Path(__file__).parent / "fixtures" / "first-hour"
PAGE = HERE / "my-first-lab.md"


def _iplab(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = iplab.cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_import_into_the_page_itself_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``iplab import lab.md -o lab.md`` replaced the tutorial with its scenario (exit 0,
    the page gone); now refused before anything is written, saying what to write instead."""
    page = tmp_path / "my-first-lab.md"
    shutil.copy(PAGE, page)
    rc, _, err = _iplab(capsys, "import", str(page), "-o", str(page))
    assert rc == 2
    assert page.read_bytes() == PAGE.read_bytes()
    assert f"-o {page}: that is the file iplab reads" in err
    assert f"-o {tmp_path / 'my-first-lab.yaml'}" in err
    link = tmp_path / "link.md"  # the same page by another name
    link.symlink_to(page)
    assert _iplab(capsys, "import", str(link), "-o", str(page))[0] == 2
    assert page.read_bytes() == PAGE.read_bytes()


def test_render_into_the_scenario_itself_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``iplab render lab.yaml --format script -o lab.yaml`` replaced the scenario with a
    script; now refused, the scenario kept; another file is written as before."""
    lab = tmp_path / "lab.yaml"
    rc, _, _ = _iplab(capsys, "import", str(PAGE), "-o", str(lab))
    assert rc == 0
    before = lab.read_bytes()
    rc, _, err = _iplab(capsys, "render", str(lab), "--format", "script", "-o", str(lab))
    assert rc == 2 and "that is the file iplab reads" in err
    assert lab.read_bytes() == before
    script = tmp_path / "lab.sh"
    assert _iplab(capsys, "render", str(lab), "--format", "script", "-o", str(script))[0] == 0
    assert "sudo ip netns add red" in script.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["run", "up", "render", "check", "verify", "graph"])
@pytest.mark.parametrize(
    ("page", "what"),
    [("my-first-lab.md", "a Markdown page"), ("first-lab.sh", "a shell script")],
)
def test_a_page_given_for_a_scenario_says_import_it(
    command: str, page: str, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``iplab run lab.md`` said what YAML made of the page ("lab.md:3: missing required
    field 'name'": a sentence ending in ':' read as a key; a script: "a scenario must be a
    YAML mapping"); now it says what the file is and the import that makes a scenario."""
    path = str(HERE / page)
    stem = Path(page).stem
    rc, out, err = _iplab(capsys, command, path)
    assert rc == 2 and out == ""
    assert err == (
        f"iplab: error: {path}: {what}, not a scenario (make one of it first: iplab import"
        f" {path} -o {stem}.yaml, then use {stem}.yaml)\n"
    )


def test_a_scenario_named_as_a_page_keeps_its_own_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A scenario with a typo (``nmae:``) in a file named .md is a scenario: its error names
    the line and field as before, not "a Markdown page"."""
    rc, _, err = _iplab(capsys, "check", str(HERE / "scenario-with-a-typo.md"))
    assert rc == 2
    assert "scenario-with-a-typo.md:4: setup[0].nmae: missing required field 'name'" in err
    assert "Markdown" not in err


@pytest.mark.parametrize(
    ("fixture", "word"),
    [("line-with-a-typo.yaml", "10.0.0.300/24"), ("line-prefix-33.yaml", "10.0.1.1/33")],
)
def test_a_line_with_an_address_typo_says_ips_refusal(
    fixture: str, word: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``line: ip -n red addr add 10.0.0.300/24 dev v-red`` was "a form of ip iplab's
    grammar does not type (keep it as 'action: raw' with 'command:')": advice that makes a
    step run to fail. Now the line, field and ip's own refusal are said."""
    rc, _, err = _iplab(capsys, "check", str(HERE / fixture))
    assert rc == 2
    assert ":6: setup[3].line: ip refuses " in err
    assert f'Error: any valid prefix is expected rather than "{word}".' in err
    assert "keep it as 'action: raw'" not in err


def test_ip_refuses_an_address_past_ipv4_whatever_the_host() -> None:
    """What ip 6.1 says of each (seen on the kernel); spellings ip takes and iplab does not
    read (a leading zero is octal, a missing part is 0) are not said to be refused."""
    from iplab import ipgrammar

    expected = "any valid prefix is expected rather than"
    said = {
        "ip addr add 10.0.0.256/24 dev v": f'{expected} "10.0.0.256/24"',
        "ip route add 10.0.0.0/33 dev v": f'{expected} "10.0.0.0/33"',
        "ip route add 10.1.0.0/24 via 10.0.0.256": (
            'inet address is expected rather than "10.0.0.256"'
        ),
    }
    for line, words in said.items():
        assert ipgrammar.refusal(line) == f"Error: {words}."
    for line in ("ip addr add 010.0.0.1/24 dev v", "ip addr add 1.2.3/24 dev v"):
        assert ipgrammar.refusal(line) is None


def test_import_of_a_page_with_an_address_typo_warns() -> None:
    """A page whose ``ip addr add 10.0.0.300/24`` ip refuses: import kept it as a raw step
    the run failed at, with no word; now a warning says ip's refusal and the step may fail,
    as bash goes on after it."""
    from tests.pages import imported

    result, sc = imported(HERE / "address-typo.md")
    assert any('rather than "10.0.0.300/24"' in w and "line 10" in w for w in result.warnings)
    typo = next(s for s in sc.setup if "10.0.0.300" in getattr(s.op, "command", ""))
    assert typo.may_fail


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        (["rnu", "lab.yaml"], "run"),
        (["stauts"], "status"),
        (["render", "lab.yaml", "--format", "scrpt"], "script"),
        (["completion", "bsh"], "bash"),
    ],
)
def test_a_mistyped_choice_says_the_one_meant(
    argv: list[str], meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``iplab rnu`` listed the nineteen commands and not that ``run`` was meant."""
    with pytest.raises(SystemExit) as done:
        iplab.cli.main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.rstrip().endswith(f"did you mean '{meant}'?")


def test_a_mistyped_scenario_says_the_one_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``iplab run container-networking-prt2`` / ``lab.yml`` for ``lab.yaml`` listed the
    bundled scenarios only; the close name is said first (nothing said when none is)."""
    shutil.copy(HERE / "line-with-a-typo.yaml", tmp_path / "lab.yaml")
    monkeypatch.chdir(tmp_path)
    for given, meant in (
        ("container-networking-prt2", "container-networking-part2"),
        ("lab.yml", "lab.yaml"),
        (str(tmp_path / "lab.yml"), str(tmp_path / "lab.yaml")),
    ):
        rc, _, err = _iplab(capsys, "render", given)
        assert rc == 2
        assert f"{given}: no such scenario file (did you mean {meant}? bundled scenarios:" in err
    rc, _, err = _iplab(capsys, "render", "nothing-like-it.yaml")
    assert "did you mean" not in err


def test_a_field_named_as_ip_writes_it_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``peer_name: v2`` (ip's ``peer name v2``) was "setup[0]: a veth needs a 'peer' name",
    at the step, the field written not named; ``typ: veth`` was "setup[1].type: missing
    required field 'type'" at the step's line. Each now names the field written, its line,
    and the one meant."""
    lab = HERE / "veth-peer-name.yaml"
    rc, _, err = _iplab(capsys, "check", str(lab))
    assert rc == 2
    assert err == (
        f"iplab: error: {lab}:6: setup[0].peer_name: missing required field 'peer' (a veth's"
        " other end) ('peer_name' is no field here: did you mean 'peer'?)\n"
    )
    second = tmp_path / "lab.yaml"
    second.write_text(lab.read_text().replace("peer_name:", "peer:"), encoding="utf-8")
    rc, _, err = _iplab(capsys, "check", str(second))
    assert rc == 2
    assert ":9: setup[1].typ: missing required field 'type'" in err
    assert "did you mean 'type'?" in err


@pytest.mark.kernel
def test_verify_a_lab_whose_scenario_is_gone(tmp_path: Path) -> None:
    """``iplab graph LAB`` (the name ``ls`` shows, where a scenario goes) said "LAB: no such
    scenario file"; it now says the lab is up and how to draw it (``--live --lab``).
    ``iplab verify LAB`` once the scenario it came up from was moved said
    "/path/lab.yaml: no such scenario file (bundled scenarios: ...)", not which lab's file
    is gone or what to do; it now says both, and ``down LAB`` still takes the lab down."""
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    prefix = f"hbn{uuid.uuid4().hex[:3]}"
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    lab = tmp_path / "first.yaml"
    up = kernel.iplab("import", str(PAGE), "-o", str(lab), state=state)
    assert up.returncode == 0, up.stderr
    try:
        up = kernel.iplab("up", str(lab), "--prefix", prefix, state=state)
        assert up.returncode == 0, up.stderr
        graph = kernel.iplab("graph", f"{prefix}my-first-lab", state=state)
        assert graph.returncode == 2
        assert graph.stderr == (  # (was "LAB: no such scenario file (bundled scenarios: ...)")
            f"iplab: error: {prefix}my-first-lab is a lab that is up, not a scenario (iplab"
            f" graph --live --lab {prefix}my-first-lab draws it as the kernel holds it)\n"
        )
        live = kernel.iplab("graph", "--live", "--lab", f"{prefix}my-first-lab", state=state)
        assert live.returncode == 0 and f"{prefix}red" in live.stdout, live.stderr
        lab.rename(tmp_path / "moved.yaml")
        verify = kernel.iplab("verify", f"{prefix}my-first-lab", state=state)
        assert verify.returncode == 2
        assert verify.stderr == (
            f"iplab: error: lab {prefix}my-first-lab came up from {lab}, which is gone (moved or"
            " removed?): verify compares the kernel with that scenario (name the file where"
            f" it is now: `iplab verify FILE --prefix {prefix}`; `iplab down {prefix}my-first-lab`"
            " works from the journal alone)\n"
        )
        down = kernel.iplab("down", f"{prefix}my-first-lab", state=state)
        assert down.returncode == 0, down.stderr
    finally:
        assert kernel.cleanup_prefix(prefix, "hbn") == []  # iplab left nothing


def test_a_dependency_missing_is_no_bug_in_iplab(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """iplab run by a Python it was not installed for (another user's /usr/bin/python3)
    said "internal error: ModuleNotFoundError: No module named 'jinja2' ... this is a bug
    in iplab", exit 70. It now says which Python lacks which package and what to do; a
    module of iplab's own missing is still a bug."""
    from iplab import plan

    def without(name: str) -> None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(plan, "load", lambda *a, **k: without("jinja2"))
    rc, _, err = _iplab(capsys, "render", "container-networking-part2")
    assert rc == 1
    assert err.startswith("iplab: error: this Python (")
    assert "cannot import jinja2, which iplab needs" in err and "bug" not in err
    monkeypatch.setattr(plan, "load", lambda *a, **k: without("iplab.gone"))
    rc, _, err = _iplab(capsys, "render", "container-networking-part2")
    assert rc == 70 and "this is a bug in iplab" in err


@pytest.mark.parametrize(
    ("fixture", "said"),
    [
        (
            "namespace-typo.yaml",
            ":9: setup[2]: namespace redd does not exist at this step (did you mean red? else"
            " add it first with 'netns add')",
        ),
        (
            "link-typo.yaml",
            ":12: setup[3]: link vethred does not exist in namespace red at this step (did you"
            " mean veth-red?)",
        ),
    ],
)
def test_a_name_a_slip_away_says_the_one_meant(
    fixture: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``netns: redd`` for red, ``dev: vethred`` for veth-red: the model said only that
    the name does not exist; it now names the one the lab holds a slip away."""
    rc, _, err = _iplab(capsys, "check", "-q", str(HERE / fixture))
    assert rc == 2
    assert err == f"iplab: error: {HERE / fixture}{said}\n"


def test_down_help_says_what_its_timeout_does(capsys: pytest.CaptureFixture[str]) -> None:
    """``iplab down --help`` said of --timeout "past it the process is killed and the run
    rolls back", words of up and run: down rolls back no run."""
    with pytest.raises(SystemExit):
        iplab.cli.main(["down", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "the run rolls back" not in out
    assert "the time limit of each undo command" in out
    with pytest.raises(SystemExit):
        iplab.cli.main(["up", "--help"])
    assert "the run rolls back" in " ".join(capsys.readouterr().out.split())


@pytest.mark.kernel
def test_an_undo_of_the_scenarios_that_fails_is_said(tmp_path: Path) -> None:
    """A scenario's own ``undo:`` that fails (exits 1, or is killed by ``down --timeout``):
    down said "lab X is down", exit 0, and a rollback "the host is as it was before". The
    lab's namespaces still go; the failed undo is now said, with what may be left, exit 1."""
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    prefix = f"hbn{uuid.uuid4().hex[:3]}"
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    scenario = tmp_path / "undofails.yaml"
    scenario.write_text((HERE / "undo-that-fails.yaml").read_text(), encoding="utf-8")
    said = (
        "iplab: warning: 1 undo command of the scenario failed: `false` (exit 1); what its"
        " step changed may still be on the host (the lab's namespaces and links are gone)"
    )
    try:
        up = kernel.iplab("up", str(scenario), "--prefix", prefix, state=state)
        assert up.returncode == 0, up.stderr
        down = kernel.iplab("down", f"{prefix}undofails", state=state)
        assert down.returncode == 1, down.stderr
        assert f"lab {prefix}undofails is down" in down.stdout and said in down.stderr
        assert not any(n.startswith(prefix) for n in kernel.netns_names())
        ran = kernel.iplab("run", str(scenario), "--prefix", prefix, state=state)
        assert ran.returncode == 1 and said in ran.stderr, ran.stderr
        slow = tmp_path / "slow.yaml"
        slow.write_text(scenario.read_text().replace('"false"', "sleep 5"), encoding="utf-8")
        up = kernel.iplab("up", str(slow), "--prefix", prefix, state=state)
        assert up.returncode == 0, up.stderr
        down = kernel.iplab("down", f"{prefix}undofails", "--timeout", "1", state=state)
        assert down.returncode == 1
        assert "`sleep 5` (timed out after 1 s)" in down.stderr
        failing = tmp_path / "failing.yaml"  # a step after it fails: the rollback says it
        failing.write_text(
            scenario.read_text() + '  - action: raw\n    command: "false"\n', encoding="utf-8"
        )
        up = kernel.iplab("up", str(failing), "--prefix", prefix, state=state)
        assert up.returncode == 1 and said in up.stderr
        assert "the host is as it was before" not in up.stderr
    finally:
        assert kernel.cleanup_prefix(prefix, "hbn") == []  # iplab left nothing
