"""Hunt DG: scripts that take their names or counts from their arguments (``NS=$1``,
``N=${1:-3}``, ``ip netns add "$1"``, ``case "$1" in up) ... down) ...``, ``"$@"`` under
``if [[ "${BASH_SOURCE[0]}" == "$0" ]]``). ``iplab import`` read every script as run
without arguments: the lab was raw (``ip netns add $1``, "may reach any object") or lost,
and there was no way to give them. ``iplab import SCRIPT --arg red --arg 10.0.0.1`` now
reads the script as ``./SCRIPT red 10.0.0.1`` runs it: ``$1``, ``$#``, ``$@``, ``${2:-x}``
and ``shift`` as bash has them; without ``--arg`` the summary names the line that reads
the argument and how to give it (tests/fixtures/hunt-dg/, saved as found).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.export import script
from iplab.importer.convert import ImportResult, import_text
from iplab.plan import build
from iplab.scenario import Scenario
from tests import kernel
from tests.conftest import FIXTURES, REPO

PAGES = FIXTURES / "hunt-dg"


def _imported(text: str, *arguments: str, given: bool = True) -> tuple[ImportResult, Scenario]:
    result = import_text(text, "shell", "lab.sh", arguments=list(arguments) if given else None)
    return result, scenario.load_text(result.yaml, "lab.yaml")


def _page(name: str, *arguments: str, given: bool = True) -> tuple[ImportResult, Scenario]:
    return _imported((PAGES / name).read_text(encoding="utf-8"), *arguments, given=given)


def _commands(sc: Scenario, part: str = "setup") -> list[str]:
    plan = build(sc)
    return [pc.command.text for pc in (plan.setup if part == "setup" else plan.teardown)]


# -- the exuuwen/study namespace.sh: ./namespace.sh NSNAME IP --------------------------------


def test_namespace_sh_given_its_arguments_is_typed_whole() -> None:
    result, sc = _page("namespace.sh", "red", "10.0.0.1")
    assert not [w for w in result.warnings if "cannot resolve" in w], result.warnings
    assert result.raw == 0 and result.model_error is None, result.summary()
    assert _commands(sc) == [
        "ip netns add red",
        "ip link add name red type veth peer name eth0 netns red",
        "ip link set red up",
        "ip netns exec red ip link set eth0 up",
        'ip netns exec red ip addr add "10.0.0.1/24" dev eth0',
        "ip netns exec red ip link set lo up",
    ]
    assert "read as run with arguments: red 10.0.0.1" in result.summary()


def test_namespace_sh_without_arguments_names_the_line_and_the_option() -> None:
    result, _ = _page("namespace.sh", given=False)
    said = "\n".join(result.warnings)
    assert "line 11: cannot resolve $1 ($1 is an argument the script is run with" in said
    assert "give it with iplab import SCRIPT --arg V1" in said
    # ip=$2 at line 9, used at line 15: the line that reads the argument is named
    assert "line 15: cannot resolve $ip (line 9 reads $2:" in said, said
    assert "--arg V1 --arg V2" in said


def test_the_usage_check_on_the_count_says_to_give_the_arguments() -> None:
    text = '#!/bin/bash\n[ $# -lt 1 ] && { echo "usage: $0 NS"; exit 1; }\nip netns add "$1"\n'
    result, _ = _imported(text, given=False)
    assert (
        "line 2: the check tests the script's arguments, and iplab reads it run with none:"
        " give them with iplab import SCRIPT --arg V1 --arg V2..."
    ) in result.warnings, result.warnings
    result, sc = _imported(text, "red")
    assert _commands(sc) == ['ip netns add "red"'], result.warnings


# -- the PingGuoLiZiJvZi/service_decouple router/env.sh: ./env.sh setup, ./env.sh cleanup -----


@pytest.mark.parametrize("given", [(), ("setup",), ("cleanup",), ("test",)])
def test_the_guarded_dispatch_is_setup_and_cleanup_whatever_is_given(given: tuple[str]) -> None:
    """``if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then "$@"; fi``: it was skipped ("an 'if'
    block whose condition iplab cannot evaluate"): no lab. The script is run, so its body
    runs: the argument names the function, setup the setup and cleanup the teardown."""
    result, sc = _page("router-env.sh", *given, given=bool(given))
    assert result.model_error is None and result.setup == 25 and result.teardown == 3
    assert "sudo ip netns add ns1" in _commands(sc)  # (after the definitions' 'true')
    assert _commands(sc, "teardown") == [f"sudo ip netns delete ns{n}" for n in (1, 2, 3)]
    assert not [w for w in result.warnings if "if' block" in w], result.warnings


# -- the reading, as bash reads a script run with arguments ----------------------------------


def test_defaults_count_and_shift_are_bashs() -> None:
    text = (
        "#!/bin/bash\n"
        "BR=${1:-br0}\n"
        "shift\n"
        'for ns in "$@"; do\n  ip netns add $ns\ndone\n'
        "ip link add $BR type bridge\n"
        'echo "$# namespaces"\n'
        'ip netns add "${1}-x"\n'
    )
    result, sc = _imported(text, "brx", "red", "blue")
    assert _commands(sc) == [
        "ip netns add red",
        "ip netns add blue",
        "ip link add brx type bridge",
        'ip netns add "red-x"',
    ], result.summary()
    assert "title: 2 namespaces" in result.yaml  # (echo "$# namespaces": after the shift)
    assert not [w for w in result.warnings if "shift" in w or "cannot" in w], result.warnings
    # too few given: the default, as bash gives it
    _, sc = _imported("#!/bin/bash\nip netns add ${1:-red}\nip netns add ${2:-blue}\n", "x")
    assert _commands(sc) == ["ip netns add x", "ip netns add blue"]


def test_a_count_from_the_arguments_unrolls_the_loop() -> None:
    text = "#!/bin/bash\nN=$1\nfor i in $(seq 1 $N); do\n  ip netns add ns$i\ndone\n"
    _, sc = _imported(text, "3")
    assert _commands(sc) == [f"ip netns add ns{i}" for i in (1, 2, 3)]


@pytest.mark.parametrize("given", ["up", "down", "restart", ""])
def test_a_case_on_the_argument_keeps_its_up_and_down(given: str) -> None:
    """The user gives ``up`` or ``down`` (or anything): the up branch is the setup and the
    down branch the teardown, as without arguments; ``$2`` is the name given."""
    text = (
        '#!/bin/bash\ncase "$1" in\n  up)\n    ip netns add "$2"\n    ;;\n'
        '  down)\n    ip netns del "$2"\n    ;;\nesac\n'
    )
    result, sc = _imported(text, given, "red")
    assert _commands(sc) == ['ip netns add "red"'], result.summary()
    assert _commands(sc, "teardown") == ['ip netns del "red"']


def test_a_printed_script_runs_the_lines_that_read_arguments_as_read() -> None:
    """A printed script has no arguments: ``ip netns add "$1"`` would add ``""``. The line
    is printed as the script writes it, and run as read (a case half's way)."""
    _, sc = _imported('#!/bin/bash\nNS=$1\nip netns add $NS\nip netns add "$1-b"\n', "red")
    printed = script(build(sc))
    assert "NS=red\nip netns add $NS\n" in printed
    assert '# ip netns add "$1-b"\nip netns add "red-b"\n' in printed


def test_main_given_the_arguments_is_called_with_them() -> None:
    text = '#!/bin/bash\nmain() {\n  ip netns add "$1"\n}\nmain "$@"\n'
    result, sc = _imported(text, "red")
    assert _commands(sc)[-1:] == ['ip netns add "red"']
    assert not [w for w in result.warnings if "called with none" in w], result.warnings


def test_arguments_are_a_scripts_only() -> None:
    with pytest.raises(UsageError, match=r"arguments \(red\) are a shell script's"):
        import_text("```\nip netns add red\n```\n", "markdown", "page.md", arguments=["red"])


def test_the_option_in_order_and_one_that_starts_with_a_dash(tmp_path: Path) -> None:
    script = tmp_path / "lab.sh"
    script.write_text('#!/bin/bash\nip netns add "$1"\nip netns add "$2"\n')
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "import", str(script), "--arg", "b1", "-o",
         str(tmp_path / "lab.yaml"), "--arg=-x"],
        capture_output=True, text=True, cwd=REPO, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert "read as run with arguments: b1 -x" in done.stderr, done.stderr
    help_text = subprocess.run(
        [sys.executable, "-m", "iplab", "import", "--help"],
        capture_output=True, text=True, cwd=REPO, check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ).stdout  # fmt: skip
    assert "--arg VALUE" in help_text


# -- the kernel: given its arguments, the script comes up, verifies, and goes ----------------


@pytest.fixture
def dg_prefix() -> Iterator[str]:
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    value = f"dgx{uuid.uuid4().hex[:4]}"
    yield value
    kernel.cleanup_prefix(value, family="dgx")


@pytest.mark.kernel
@pytest.mark.skipif(kernel.SKIP is not None, reason=str(kernel.SKIP))
def test_namespace_sh_given_its_arguments_runs_and_leaves_nothing(
    tmp_path: Path, dg_prefix: str
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "IPLAB_STATE_DIR": str(tmp_path / "state")}
    (tmp_path / "state").mkdir(mode=0o700)
    lab = tmp_path / "lab.yaml"
    subprocess.run(
        [sys.executable, "-m", "iplab", "import", str(PAGES / "namespace.sh"),
         "--arg", "red", "--arg", "10.0.0.1", "-o", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=True, env=env,
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "run", str(lab), "--prefix", dg_prefix],
        capture_output=True, text=True, cwd=tmp_path, check=False, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert f"ip netns add {dg_prefix}red" in done.stdout
    assert "verify: the kernel holds what the scenario promised (1 namespace, 3 links)" in (
        done.stdout
    )
    assert "nothing of the lab remains" in done.stdout
    assert kernel.cleanup_prefix(dg_prefix, family="dgx") == []


def test_a_scripts_own_options_are_given_as_they_are_typed(tmp_path: Path) -> None:
    """``--arg -n --arg blue``: argparse refused it ("expected one argument"); the value
    is now the script's, and its ``while [ $# -gt 0 ]; do case "$1" in -n) NS=$2; shift 2``
    loop reads it as bash does."""
    script = tmp_path / "lab.sh"
    script.write_text(
        '#!/bin/bash\nNS=red\nCOUNT=1\nwhile [ $# -gt 0 ]; do\n  case "$1" in\n'
        '    -n) NS="$2"; shift 2 ;;\n    -c) COUNT="$2"; shift 2 ;;\n'
        '    *) echo "unknown $1"; exit 1 ;;\n  esac\ndone\n'
        "for i in $(seq 1 $COUNT); do\n  ip netns add $NS$i\ndone\n"
    )
    lab = tmp_path / "lab.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "import", str(script), "--arg", "-n", "--arg", "blue",
         "--arg", "-c", "--arg", "2", "-o", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "read as run with arguments: -n blue -c 2" in done.stderr
    assert _commands(scenario.load(str(lab))) == ["ip netns add blue1", "ip netns add blue2"]
