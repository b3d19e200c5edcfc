"""Hunt EI #5 (hunt DY's leftover): a script names a helper beside it by its own folder
(``DIR=$(dirname "$0")``, ``$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)``,
``current_dir=$(dirname $(realpath $0))``) or runs one in a namespace (``ip netns exec NS
./helper.sh func``). Neither was read: the step stayed raw, said only as "$DIR is what line
2 prints when the lab runs" (not so: the lab's shell has no ``$0`` of the script's), or not
said at all; shu1r0's srv6 lab (tests/fixtures/scripts-dy/dy06-srv6) ran its
``../functions.sh enable_seg6`` in each namespace so.

Now a helper beside the input, called under the script's own folder or run in a namespace
with ``ip netns exec``, is read as ``./helper.sh`` is (its commands in that namespace); a
line iplab still keeps raw that runs a file under the script's own folder says so, once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.steps import LinkSet, NetnsAdd, Raw
from tests import kernel
from tests.conftest import FIXTURES
from tests.kernel import SKIP
from tests.pages import imported_file, run

DY06 = FIXTURES / "scripts-dy" / "dy06-srv6" / "simple" / "2hosts_1router.sh"
HELPER = '#!/bin/bash\nup_lo() { ip link set lo up; }\n"$@"\n'


def _lab(folder: Path, script: str) -> tuple[list[object], tuple[str, ...]]:
    (folder / "helper.sh").write_text(HELPER, encoding="utf-8")
    (folder / "lab.sh").write_text(script, encoding="utf-8")
    result = import_text(script, "shell", str(folder / "lab.sh"), base=folder)
    return [s.op for s in scenario.load_text(result.yaml, "lab.yaml").steps], result.warnings


def test_a_helper_run_in_a_namespace_is_read_there(tmp_path: Path) -> None:
    ops, _ = _lab(tmp_path, "#!/bin/bash\nip netns add a\nip netns exec a ./helper.sh up_lo\n")
    assert ops == [
        NetnsAdd(name="a"),
        LinkSet(ns="a", ns_form="exec", dev="lo", attrs=(("state", "up"),)),
    ]


@pytest.mark.parametrize(
    "folder",
    [
        'DIR=$(dirname "$0")',
        'DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
        "DIR=$(dirname $(realpath $0))",
        "me=$(realpath $0)\nDIR=$(dirname $me)",
    ],
)
def test_a_helper_named_under_the_script_s_own_folder_is_read(tmp_path: Path, folder: str) -> None:
    script = f"#!/bin/bash\n{folder}\nip netns add a\nip netns exec a $DIR/helper.sh up_lo\n"
    ops, warnings = _lab(tmp_path, script)
    assert ops[-1] == LinkSet(ns="a", ns_form="exec", dev="lo", attrs=(("state", "up"),))
    assert not any(isinstance(op, Raw) and "helper.sh" in op.command for op in ops)
    assert any(
        "$DIR is the script's own folder" in w and "helper.sh read from beside" in w
        for w in warnings
    )


def test_a_helper_not_beside_the_input_is_said_not_read(tmp_path: Path) -> None:
    script = (
        '#!/bin/bash\nDIR=$(dirname "$0")\nip netns add a\nip netns exec a $DIR/gone.sh up_lo\n'
    )
    _, warnings = _lab(tmp_path, script)
    assert any("gone.sh is not beside the input, its commands are not read" in w for w in warnings)


def test_the_srv6_lab_says_its_helper_is_not_read() -> None:
    text = DY06.read_text(encoding="utf-8")
    result = import_text(text, "shell", str(DY06), base=DY06.parent, arguments=["-c"])
    said = [w for w in result.warnings if "runs ../functions.sh" in w]
    assert len(said) == 1
    assert (
        "runs ../functions.sh, a script beside the input ($current_dir: the script's own"
        " folder, line 11)" in said[0]
    )
    assert "its commands are not read" in said[0]
    assert not any("is what line 11 prints when the lab runs" in w for w in result.warnings)
    assert (
        "line 55 (in create_net, called at line 72): $current_dir is the script's own folder"
        " (line 11), which the lab's shell does not have (its $0 is not the script): kept as a"
        " raw command, which runs with another value"
    ) in result.warnings


@pytest.fixture
def eix_prefix() -> Iterator[str]:
    """This hunt's own prefix for its kernel objects, cleaned up afterwards."""
    if SKIP:
        pytest.skip(SKIP)
    value = f"eix{uuid.uuid4().hex[:4]}"
    try:
        yield value
    finally:
        kernel.cleanup_prefix(value, "eix")


@pytest.mark.kernel
def test_the_helper_s_commands_run_in_the_lab_s_namespace(eix_prefix: str, tmp_path: Path) -> None:
    (tmp_path / "helper.sh").write_text(
        '#!/bin/bash\nlo_up() { ip addr add 10.9.0.1/8 dev lo; ip link set lo up; }\n"$@"\n',
        encoding="utf-8",
    )
    lab = tmp_path / "lab.sh"
    lab.write_text(
        '#!/bin/bash\nDIR=$(dirname "$0")\nip netns add a\nip netns exec a $DIR/helper.sh lo_up\n',
        encoding="utf-8",
    )
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = run(imported_file(lab, tmp_path), eix_prefix, state, tmp_path, "--verbose", timeout=60)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert f"ip netns exec {eix_prefix}a ip addr add 10.9.0.1/8 dev lo" in done.stdout
    assert "nothing of the lab remains" in done.stdout, done.stdout[-3000:]
    assert kernel.cleanup_prefix(eix_prefix, "eix") == []  # (iplab left nothing)
