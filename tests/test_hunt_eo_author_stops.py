"""Hunt EO #2: a script's "stop at the first failure" written on each line, read as the
author meant it: the command runs; its failure stops the run (and iplab's rollback stands for
the script's cleanup).

rlite's integration test 0024 (tests/fixtures/pages-eo/eo02-rlite-0024-or-abort-cleanup.sh,
https://github.com/rlite/rlite/blob/169c7abcb54bc886e1a1527529330bccd9d46c38/tests/
integration/0024-two-network-namespaces.sh) ends each line with ``|| abort``, ``abort() {
cleanup; exit 1; }``, ``cleanup()`` killing rinaperf, resetting rlite and deleting the two
namespaces. Each of its 28 lines was one raw step that called ``abort`` (a function the
step's shell does not have): ``ip netns add green`` never reached the model, --prefix could
not rename what it made, and iplab could undo none of it. The same stops, written in shapes
found in many lab scripts (``ip netns add "$1" || return 1`` in a function, ``setup ||
exit 1`` for a function of the script, ``sysctl -w ... || exit 1`` at the top), were "a check
of the author's; not run" (the lab's steps lost) or raw steps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from tests import kernel
from tests.conftest import REPO
from tests.kernel import SKIP
from tests.pages import imported, run, written

PAGE = REPO / "tests" / "fixtures" / "pages-eo" / "eo02-rlite-0024-or-abort-cleanup.sh"


def _script(text: str) -> tuple[str, list[str]]:
    result = import_text(text, "shell", "lab.sh")
    return result.yaml.split("\n# --- import summary")[0], list(result.warnings)


def test_each_line_s_or_abort_is_a_step_that_stops_the_run() -> None:
    result, _ = imported(PAGE)
    yaml = result.yaml.split("\n# --- import summary")[0]
    assert "name: green" in yaml and "name: red" in yaml  # ip netns add green || abort
    assert "name: veth.green" in yaml and "peer: veth.red" in yaml  # ip link add ... || abort
    steps = [ln for ln in yaml.splitlines() if "line:" in ln or "command:" in ln]
    assert not [ln for ln in steps if "|| abort" in ln], steps
    assert not any("calls abort" in w for w in result.warnings), result.warnings


def test_return_in_a_function_is_its_stop() -> None:
    yaml, _ = _script(
        '#!/bin/bash\nmk() {\n    ip netns add "$1" || return 1\n'
        '    ip netns exec "$1" ip link set lo up || return 1\n}\nmk a\n'
    )
    assert 'line: ip netns add "a"' in yaml, yaml
    steps = [ln for ln in yaml.splitlines() if "line:" in ln or "command:" in ln]
    assert not [ln for ln in steps if "|| return" in ln], steps


def test_a_cleanup_run_as_another_user_is_read_past_sudos_option_value() -> None:
    """``sudo -u root ip netns del a`` in the abort's cleanup: its program is ip (the
    value of ``-u`` skipped, as sudo reads it), so the cleanup deletes what the lab made
    and ``|| abort`` is the author's stop; read as the program ``root`` before, the lines
    were raw steps calling a function their shell does not have."""
    yaml, _ = _script(
        "#!/bin/bash\ncleanup() {\n    sudo -u root ip netns del a\n}\n"
        "abort() {\n    cleanup\n    exit 1\n}\n"
        "ip netns add a || abort\nip link add va netns a type veth peer name vb || abort\n"
    )
    assert "action: netns add" in yaml and "name: va" in yaml, yaml
    steps = [ln for ln in yaml.splitlines() if "line:" in ln or "command:" in ln]
    assert not [ln for ln in steps if "|| abort" in ln], steps


def test_a_function_or_exit_runs_the_function() -> None:
    yaml, warnings = _script(
        "#!/bin/bash\nsetup() {\n    ip netns add a\n    ip link add va type veth peer name vb\n}\n"
        "setup || exit 1\n"
    )
    assert "action: netns add" in yaml and "name: va" in yaml and "peer: vb" in yaml, yaml
    assert not any("a check of the author's" in w for w in warnings), warnings


def test_a_sysctl_or_exit_is_a_step() -> None:
    yaml, warnings = _script("#!/bin/bash\nsysctl -w net.ipv4.ip_forward=1 || exit 1\n")
    assert "net.ipv4.ip_forward" in yaml, (yaml, warnings)
    assert not any("a check of the author's" in w for w in warnings), warnings


@pytest.fixture
def eox_prefix() -> Iterator[str]:
    """This hunt's own prefix for its kernel objects, cleaned up afterwards."""
    if SKIP:
        pytest.skip(SKIP)
    value = f"eox{uuid.uuid4().hex[:3]}"
    try:
        yield value
    finally:
        kernel.cleanup_prefix(value, "eox")


#: a lab whose second step fails where it runs, as a real one may (a key this kernel does not
#: have): the author's ``|| return 1``, ``|| exit 1`` stop the script there
FAILING = """#!/bin/bash
mk() {
    ip netns add "$1" || return 1
    ip netns exec "$1" ip link set lo up || return 1
}
setup() {
    mk a || return 1
    ip netns exec a sysctl -w net.ipv4.eox_no_such_key=1 || return 1
}
setup || exit 1
ip netns add b
"""


@pytest.mark.kernel
def test_the_first_failure_stops_the_run_and_it_is_undone(eox_prefix: str, tmp_path: Path) -> None:
    result = import_text(FAILING, "shell", "lab.sh")
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = run(written(result, tmp_path), eox_prefix, state, tmp_path, timeout=90)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out[-3000:]
    assert f'ip netns add "{eox_prefix}a"' in out, out[-3000:]  # (mk a ran)
    assert "eox_no_such_key" in out, out[-3000:]  # (the step that failed, named)
    assert f"{eox_prefix}b" not in out, out[-3000:]  # (the run stopped there)
    assert "rolled back" in out, out[-3000:]
    assert kernel.cleanup_prefix(eox_prefix, "eox") == [], out[-3000:]  # (rolled back)
