"""Containers made by hand (hunt W): shells opened inside a namespace, a second terminal's
``nsenter -t $PID``, ``ip netns attach NAME $PID``, and a page's notes between commands.

* ``ip netns exec router /bin/bash`` (and ``bash --rcfile <(...)``, ``env PS1=.. bash``,
  ``su -``, ``$SHELL``) was not read as opening a shell: the lines typed in it became
  steps of the root namespace (``sysctl -w net.ipv4.ip_forward=1`` set the host's).
* ``nsenter -t $CPID -n -p`` in "Terminal 2" was not read as a shell either: the route
  typed in it was a step of the root namespace.
* ``ip netns attach ctr $CPID`` made ``ctr`` unknown to the model, and ``--prefix`` then
  refused the lab naming the first step it could not read, not the one that makes ctr.
* ``back on the host:`` was a raw step ("this host does not have back").

The inputs are the hunt's own files (tests/fixtures/containers-by-hand).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import ipgrammar, scenario, verify
from iplab.cli import main
from iplab.importer import elsewhere
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.names import ROOT
from iplab.plan import Plan, build, expected_state
from iplab.render import Command
from iplab.steps import NetnsAdd, NetnsDel, Raw

PAGES = Path(__file__).parent / "fixtures" / "containers-by-hand"


def _import(name: str, text: str | None = None) -> tuple[list[Command], ImportResult]:
    """The commands the import of the page runs, and what it said."""
    page = (PAGES / name).read_text(encoding="utf-8") if text is None else text
    result = import_text(page, detect_kind(name, page), name)
    plan = build(scenario.load_text(result.yaml, "page.yaml"))
    return [pc.command for pc in plan.commands], result


def _outside(steps: list[Command], ns: str) -> list[str]:
    """The commands that run anywhere but in ``ns``."""
    return [
        s.text for s in steps if not isinstance(s.op, NetnsAdd | NetnsDel) and s.op.in_ns() != ns
    ]


def test_lines_typed_in_a_bin_bash_shell_run_in_its_namespace() -> None:
    """Hunt W: after ``ip netns exec router /bin/bash`` the ``[root@router ~]#`` lines
    (``sysctl -w net.ipv4.ip_forward=1``) were raw steps of the root namespace."""
    steps, result = _import("w4c-router-binbash.md")
    assert _outside(steps, "router") == []
    assert any("ip_forward=1" in s.text for s in steps)
    steps, _ = _import("w4b-binbash.md")  # (ip addr add ... dev vb, vb being in blue)
    assert _outside(steps, "blue") == [
        "ip link add vb type veth peer name vr",
        "ip link set vb netns blue",
    ]
    assert "cannot undo" not in "\n".join(result.warnings)


@pytest.mark.parametrize(
    "opening",
    [
        "/bin/bash",
        "/usr/bin/zsh -l",
        "bash --rcfile ~/.nsrc",
        "bash --norc -i",
        "env PS1='[root@router ~]# ' bash",
        "/usr/bin/env bash",
        "su -",
        "su - root",
        "sudo -i",
        "$SHELL",
        '"$SHELL" -l',
    ],
)
def test_every_spelling_of_a_shell_keeps_its_lines_in_the_namespace(opening: str) -> None:
    """Hunt W: ``--rcfile F``, ``env PS1=.. bash``, ``su -`` and ``$SHELL`` were missed
    as /bin/bash was (the page, with its shell written another way)."""
    page = (PAGES / "w4c-router-binbash.md").read_text(encoding="utf-8")
    steps, _ = _import("w4c.md", page.replace("/bin/bash\n", f"{opening}\n", 1))
    assert _outside(steps, "router") == []


@pytest.mark.parametrize(
    ("argv", "shell"),
    [
        (["bash", "--rcfile", None], "bash"),  # (<(echo ...): no value iplab knows)
        (["busybox", "sh"], "sh"),
        (["bash", "-c", "ip a"], None),
        (["bash", "-ic", "ip a"], None),
        (["bash", "lab.sh"], None),
        (["su", "-c", "id"], None),
        (["env"], None),
        (["hostname"], None),
        (["bash", None], None),
    ],
)
def test_what_opens_a_shell(argv: list[str | None], shell: str | None) -> None:
    assert elsewhere.opened_shell(argv) == shell


def test_an_rcfile_shell_s_lines_run_in_its_namespace_up_to_exit() -> None:
    """Hunt W: ``ip netns exec blue bash --rcfile <(echo "PS1=...")``: its lines ran in
    the root namespace, and the ``exit`` bash prints after it was "neither a command nor
    the output of one"."""
    steps, result = _import("w4-workshop-interactive-shell.md")
    blue = [s.text for s in steps if s.op.in_ns() == "blue"]
    assert "ip netns exec blue ip addr add 10.11.0.2/24 dev veth-b" in blue
    assert not [s for s in steps if isinstance(s.op, Raw)]
    assert not [w for w in result.warnings if "'exit'" in w]


def test_a_second_terminal_s_nsenter_shell_never_runs_on_the_host() -> None:
    """Hunt W: ``nsenter -t $CPID -n -p`` ("Terminal 2") was a raw step, and the route
    typed in it a step of the root namespace."""
    steps, result = _import("w7-unshare-pid-mountproc.md")
    assert not [s for s in steps if "10.45.0.0/24" in s.text]
    assert not [s for s in steps if s.text.startswith("nsenter -t $CPID -n -p")]
    assert any(
        "line 28: nsenter -t $CPID -n -p opens a shell in the network namespace of process" in w
        for w in result.warnings
    )


def test_a_namespace_attached_to_a_substituted_pid_is_made_by_that_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt W: ``ip netns attach ctr $CPID`` (CPID from ``$(pgrep ...)``) said nothing of
    ctr, and ``up --prefix hW`` refused the lab: ctr would keep its name."""
    steps, _ = _import("w7-unshare-pid-mountproc.md")
    attach = next(s for s in steps if s.text == "ip netns attach ctr $CPID")
    assert isinstance(attach.op, Raw)
    assert [(e.what, e.name) for e in attach.op.creates] == [("netns", "ctr")]
    lab, state = PAGES / "w7.yaml", tmp_path / "state"  # (the hunt's import, no creates:)
    rc = main(["up", str(lab), "--dry-run", "--prefix", "hW", "--state-dir", str(state)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "DRY RUN: ip netns attach hWctr $CPID\n" in out


def test_the_prefix_refusal_names_the_step_that_makes_the_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt W: the refusal said ``setup[0]`` (``unshare ... bash &``, line 8) "makes" ctr;
    the step that does is setup[8], line 47 (here made one iplab cannot read, with the
    pid substituted in the line itself)."""
    text = (PAGES / "w7.yaml").read_text(encoding="utf-8")
    lab = tmp_path / "w7.yaml"
    lab.write_text(text.replace("attach ctr $CPID", "attach ctr $(pgrep -P $CPID)"))
    state = tmp_path / "state"
    rc = main(["up", str(lab), "--dry-run", "--prefix", "hW", "--state-dir", str(state)])
    err = capsys.readouterr().err
    assert rc != 0
    assert "w7.yaml:47: setup[8]: with --prefix hW, ctr would keep its name" in err
    assert "`ip netns attach ctr $(pgrep -P $CPID)`" in err
    assert "Traceback" not in err


def test_a_note_s_label_is_never_a_command() -> None:
    """Hunt W: in notes read as a script, ``back on the host:`` became a raw step (the
    preflight: "this host does not have back"), and ``enter it for real (own shell):``
    was skipped as one that "uses shell syntax"."""
    steps, result = _import("w8-nsenter-net-shell.txt")
    assert not [s for s in steps if "back" in s.text or "enter it" in s.text]
    assert not [w for w in result.warnings if "uses shell syntax" in w]
    assert "back on the host" in result.yaml  # (the prose of the step after it)


def _model_of(name: str) -> tuple[Plan, ImportResult]:
    """The plan the import of the page makes, and what the import said."""
    page = (PAGES / name).read_text(encoding="utf-8")
    result = import_text(page, detect_kind(name, page), name)
    return build(scenario.load_text(result.yaml, "page.yaml")), result


def test_a_step_that_only_shows_leaves_the_lab_verified() -> None:
    """Hunt W #7: ``ip netns identify $$`` (a raw step: ``$$``) turned verify off for the
    whole lab ("nothing compared: the model knows none of the lab's objects"), and was
    listed as a step iplab cannot undo."""
    plan, result = _model_of("w8b-veth.txt")
    assert any(pc.command.text == "ip netns identify $$" for pc in plan.commands)
    assert verify.verdict(expected_state(plan)) == (
        "the kernel holds what the scenario promised (1 namespace, 3 links)"
    )
    assert result.cannot_undo == ()


def test_a_link_moved_into_a_job_s_namespace_leaves_the_model_s_view() -> None:
    """Hunt W #7: after ``ip link set veth-ctr netns $PID`` ($PID: the ``unshare -n sleep
    infinity &`` job) the model kept veth-ctr in the root namespace, and the step (and the
    unshare before it) turned verify off for every object of the lab."""
    plan, _ = _model_of("w1-blog-unshare-sleep.md")
    assert any(pc.command.text == "sudo ip link set veth-ctr netns %1" for pc in plan.commands)
    expected = expected_state(plan)
    root = expected.namespaces[ROOT]
    assert sorted(root.links) == ["veth-host"]
    assert (root.links["veth-host"].peer, root.links["veth-host"].peer_ns) == (None, None)
    assert verify.verdict(expected) == (
        "the kernel holds what the scenario promised (0 namespaces, 1 link)"
    )


@pytest.mark.parametrize(
    ("command", "known"),
    [
        ("sudo unshare -n sleep infinity &", True),
        ("unshare --net --fork --pid --mount-proc bash &", True),
        ("ip netns identify $$", True),
        ("ip link set dev veth-ctr netns $!", True),
        ("unshare -n ip netns add x", False),  # a name outside the new namespace
        ("unshare --net=/run/netns/x true", False),
        ("ip link set veth-ctr netns $PID", False),  # $PID may be a namespace's name
        ("ip link set veth-ctr netns %1 up", False),
    ],
)
def test_what_a_job_s_namespace_step_does_to_names(command: str, known: bool) -> None:
    """Hunt W #7: the steps of w1-blog-unshare-sleep.md and w8b-veth.txt change no name
    the model follows (or take a link out of its view); the others stay unknown."""
    assert (ipgrammar.effects(command) is not None) is known


def test_a_client_fed_through_sudo_is_no_step_iplab_cannot_undo() -> None:
    """Hunt W #8: ``echo hello | sudo ip netns exec cli nc -q1 10.77.0.1 9000`` (a client,
    in w6-http-server-ns.md) was listed as a step iplab cannot undo: the sudo of a stage
    of a pipeline hid its program."""
    page = (PAGES / "w6-http-server-ns.md").read_text(encoding="utf-8")
    result = import_text(page, "markdown", "w6-http-server-ns.md")
    assert any(
        "echo hello | sudo ip netns exec cli nc" in line for line in result.yaml.splitlines()
    )
    assert result.cannot_undo == ()


def test_the_import_says_what_check_warns_of() -> None:
    """Hunt W #8: w3-so-attach-identify.md attaches ``web`` twice (to the pid copied from
    the session, then to ``$!``): the import said "model: OK", and check warned "namespace
    web already exists". The import says the warning, with its step and line. (Hunt AH #5:
    the ``$!`` line is kept as written, a block whose step is ``setup[3].steps[0]``.)"""
    _, result = _import("w3-so-attach-identify.md")
    assert result.model_error is None
    assert result.model_warnings == (
        "setup[3].steps[0] (line 15: ip netns attach web %2): namespace web already exists"
        " (a raw step before it may have done this: say so with 'creates:', 'deletes:' or"
        " 'renames:' on that step)",
    )
    assert "\nmodel: OK, with 1 warning (iplab check says so too):\n  setup[3].steps[0] " in (
        result.summary()
    )
