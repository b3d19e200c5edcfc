"""Hunt BU: real lab scripts from public repositories, against what bash does with them.

tests/fixtures/github-scripts-4/overlay-echo-left-out.sh (the shape of
lbernail/dockeroverlays' create-overlay.sh): its first line, ``sudo ip netns delete ovl 2>
/dev/null && "Removing ..."`` (an ``echo`` left out), was a raw step: ``iplab run`` refused
the whole script ("this host does not have Removing the overlay namespace left from before,
which ... runs"), where bash, on a host without ``ovl``, goes past the failing delete and
builds the overlay. Now the delete is a step that may fail and the sentence after ``&&``,
which runs only when the delete works, is said and left out.

tests/fixtures/github-scripts-4/main-runs-its-argument.sh (the shape of
ZENOTME/network_emulation_experiment's env1.sh): ``_main $@`` at the bottom, whose ``case
$1`` runs ``$@`` in its ``*)`` branch: ``./env.sh up``, ``./env.sh down``. iplab imported
nothing but the functions' definitions ("none of the 4 steps imported makes or changes
anything"). Now ``up`` is the setup and ``down`` the teardown, as for a bare ``$1`` at the
bottom; and so for a bare ``"$@"`` at the bottom (it was a raw step ``"$@"``).

tests/fixtures/github-scripts-4/unnamed-veth-pairs.sh (the shape of zhunzhun1988/mydocker's
testveth/test.sh): ``ip link add type veth`` twice, the kernel's veth0 and veth1 renamed
and moved. Under ``--prefix`` on a host that has a veth0, the run refuses to start (it
would move the host's veth0), and said "use --prefix P to give the lab's objects other
names" to a user who had given one: it now says --prefix does not rename them, and why.
(Hunt DH #3: --prefix now names them the lab's own; the run starts, and moves nothing of
the host's.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from iplab.plan import build
from iplab.steps import NetnsDel
from tests.conftest import FIXTURES, REPO
from tests.kernel import SKIP, apart
from tests.pages import apart_env, imported, imported_file

SCRIPTS = FIXTURES / "github-scripts-4"
OVERLAY = SCRIPTS / "overlay-echo-left-out.sh"
UNNAMED = SCRIPTS / "unnamed-veth-pairs.sh"
MAIN = SCRIPTS / "main-runs-its-argument.sh"


def _texts(commands: Any) -> list[str]:
    return [c.command.text for c in commands if c.command.text != "true"]


def _lines(lab: Path, *args: str) -> list[str]:
    return subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(lab), *args],
        capture_output=True, text=True, cwd=REPO, check=True,
    ).stdout.splitlines()  # fmt: skip


def test_a_start_clean_delete_whose_echo_was_left_out_is_a_step_that_may_fail() -> None:
    result, lab = imported(OVERLAY)
    first = lab.setup[0]
    assert isinstance(first.op, NetnsDel) and first.op.name == "ovl" and first.may_fail
    assert not any(s.op.__class__.__name__ == "Raw" and "Removing" in str(s.op) for s in lab.steps)
    said = [w for w in result.warnings if "Removing the overlay" in w]
    assert len(said) == 1 and "no command" in said[0] and "echo left out" in said[0], said
    build(lab)  # the model takes it


def test_the_start_clean_line_prints_as_the_script_wrote_it(tmp_path: Path) -> None:
    lab = imported_file(OVERLAY, tmp_path)
    page = [line for line in OVERLAY.read_text().splitlines() if line and line[0] != "#"]
    assert _lines(lab) == page
    assert _lines(lab, "--prefix", "hbu1a2")[0] == (
        'sudo ip netns delete hbu1a2ovl 2> /dev/null && "Removing the overlay namespace left'
        ' from before"'
    )


def test_main_whose_case_runs_its_argument_takes_up_and_down() -> None:
    result, lab = imported(MAIN)
    plan = build(lab)
    made, undone = _texts(plan.setup), _texts(plan.teardown)
    assert made == [
        "sudo ip link add pp0 type veth peer name pp1",
        "sudo ip netns add ppnet",
        "sudo ifconfig pp0 hw ether 0a:00:00:00:00:01",
        "sudo ip link set pp0 netns ppnet",
        "sudo ip -n ppnet link set pp0 up",
        "sudo ip link set pp1 up",
        "sudo ip -n ppnet addr add 10.77.0.1/24 dev pp0",
        "sudo ip netns exec ppnet ip link set lo up",
    ], made
    assert undone == [
        "sudo ip -n ppnet link set pp0 down",
        "sudo ip link set pp1 down",
        "sudo ip link del pp1",
        "sudo ip netns del ppnet",
    ], undone
    assert not any("makes or changes anything" in w for w in result.warnings), result.warnings


def test_main_whose_case_runs_its_argument_prints_every_line(tmp_path: Path) -> None:
    lab = imported_file(MAIN, tmp_path)
    page = [line.rstrip() for line in MAIN.read_text().splitlines()]
    printed = _lines(lab)
    assert [p for p in printed if p] == [
        line for line in page if line and not line.startswith("#")
    ], printed


def test_a_bare_all_arguments_at_the_bottom_runs_the_function_it_names(tmp_path: Path) -> None:
    page = tmp_path / "lab.sh"
    page.write_text(
        "#!/bin/bash\nup() {\n    ip netns add a\n    ip link add va type veth peer name vb"
        ' netns a\n}\ndown() {\n    ip netns del a\n}\n"$@"\n'
    )
    _, lab = imported(page)
    plan = build(lab)
    assert _texts(plan.setup) == ["ip netns add a", "ip link add va type veth peer name vb netns a"]
    assert _texts(plan.teardown) == ["ip netns del a"]
    assert not any(s.op.__class__.__name__ == "Raw" and '"$@"' in str(s.op) for s in lab.steps)


# -- against bash, on the kernel (each side in namespaces of its own) -------------------------


def _held(page: Path, where: Path, bash: str, iplab: str) -> tuple[Any, Any]:
    """What bash running ``page`` (``bash`` its arguments) left, and what ``iplab up`` (or
    ``iplab`` its verb and arguments, the lab and --prefix added) left, names unprefixed;
    each in namespaces of its own (tests.kernel.apart)."""
    prefix = f"hbu{uuid.uuid4().hex[:3]}"
    lab = imported_file(page, where)
    env = apart_env(where)
    read = f"{sys.executable} -m tests.test_hunt_bo_pages"
    ran = apart(
        f"{env}ip link set lo up\ncd {where}\nbash {page} {bash} </dev/null >bash.out 2>&1\n"
        f"cd {REPO}\n{read} {where}/bash.json\n",
        pid=True,
    )
    assert ran.returncode == 0, ran.stderr
    ran = apart(
        f"{env}ip link set lo up\ncd {where}\n"
        f"{sys.executable} -m iplab {iplab} {lab} --prefix {prefix} </dev/null >iplab.out 2>&1"
        f"\necho $? >iplab.rc\ncd {REPO}\n{read} {where}/iplab.json\n",
        pid=True,
    )
    assert ran.returncode == 0, ran.stderr
    out = (where / "iplab.out").read_text()
    assert (where / "iplab.rc").read_text().strip() == "0", out
    by_bash = json.loads((where / "bash.json").read_text())
    by_iplab = json.loads((where / "iplab.json").read_text().replace(prefix, ""))
    return by_iplab, by_bash


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_overlay_script_builds_what_bash_builds(tmp_path: Path) -> None:
    by_iplab, by_bash = _held(OVERLAY, tmp_path, "", "up")
    assert by_iplab == by_bash
    assert set(by_bash["ovl"]["links"]) == {"lo", "br0", "vxlan42", "veth1"}, by_bash


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
@pytest.mark.parametrize("verb", ["up", "run"])
def test_the_main_script_builds_and_takes_away_what_bash_does(tmp_path: Path, verb: str) -> None:
    """``up``: what ``bash env.sh up`` leaves; ``run`` (setup, the script's down, check):
    what ``bash env.sh up; bash env.sh down`` leaves, nothing of the lab."""
    bash = "up" if verb == "up" else f"up; bash {MAIN} down"
    by_iplab, by_bash = _held(MAIN, tmp_path, bash, verb)
    assert by_iplab == by_bash
    if verb == "up":
        assert by_bash["ppnet"]["links"]["pp0"]["addrs"], by_bash
    else:
        assert set(by_bash) == {"<root>", "<processes>"}, by_bash
        said = (tmp_path / "iplab.out").read_text()
        assert "== teardown (4 steps)" in said, said  # the script's down


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
@pytest.mark.parametrize("taken", [True, False], ids=["host-has-veth0", "fresh"])
def test_unnamed_veth_pairs_under_a_prefix(tmp_path: Path, taken: bool) -> None:
    """A host with its own veth0 (here: the test's namespace, which iplab takes for the
    host): the veth0 is left as it was; on a fresh host the lab runs and leaves nothing.
    Hunt DH #3 (changed by design): the run did not start where the host had a veth0 (the
    kernel's names were the lab's); --prefix now names the pairs the lab's own
    (PREFIXveth0...), so it runs there too, and moves nothing of the host's."""
    prefix = f"hbu{uuid.uuid4().hex[:3]}"
    lab = imported_file(UNNAMED, tmp_path)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    own = "ip link add veth0 type veth peer name veth1\nip link set veth0 alias mine\n"
    ran = apart(
        f"export IPLAB_STATE_DIR={state} PYTHONPATH={REPO}\n{own if taken else ''}"
        f"cd {REPO}\n{sys.executable} -m iplab run {lab} --prefix {prefix}"
        f" >{tmp_path}/run.out 2>&1\necho rc=$?\nip -o link show\nip netns list\n",
    )
    said = (tmp_path / "run.out").read_text()
    left = ran.stdout
    assert left.startswith("rc=0\n") and "nothing of the lab remains" in said, said
    assert f"the run names them {prefix}veth0, {prefix}veth1, the lab's own" in said, said
    if taken:
        assert "veth0@veth1" in left and "alias mine" in left, left  # as it was, where it was
    else:
        assert "veth" not in left, left
    assert prefix not in left, left  # no namespace nor link of the lab left
