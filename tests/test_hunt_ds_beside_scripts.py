"""Hunt DS: a lab made of the repository's own scripts (tests/fixtures/scripts-ds/
ds03-virtopology/, virtopology: its README's star topology runs ``./newHost.sh center``
and ``./hostToHost.sh point1 192.168.0.2 center 192.168.0.1``, and hostToHost.sh runs each
of its commands through ``./execNS.sh "$name_a" \\; ip link add ...``).

Imported, each such line was a raw step iplab could not undo; the model read
``./execNS.sh point1 \\; ip link set center-point1 netns center`` as a command of the root
namespace, and a run refused the lab for lack of ./newHost.sh on the host. Now a script
beside the input that a line runs (``./NAME``, a shell's script) is read as bash runs it: a
process of its own, with the line's arguments and none of the caller's variables, its
functions its own; the line renders as written and runs the commands the script runs. A
page (Markdown) reads the scripts beside it too. ``[[ -z $a || -z $b ]]`` (hostToHost.sh's
check of its arguments) is evaluated, as bash reads ``||`` and ``&&`` in a test."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.kernel import SKIP, netns_names
from tests.pages import ran_clean

DS03 = FIXTURES / "scripts-ds" / "ds03-virtopology"


def _inner(text: str) -> list[str]:
    """The action of each step (a block's steps, in order)."""
    return [str(s["action"]) for s in _steps(text)]


def _named(text: str) -> list[str]:
    """The name each typed step acts on (``line: ip netns add "blue"``: blue)."""
    out: list[str] = []
    for step in _steps(text):
        if step["action"] != "raw":
            said = str(step.get("name") or step.get("line", "")).split() or [""]
            out.append(said[-1].strip('"'))
    return out


def test_the_star_topology_is_read_through_the_repository_s_scripts() -> None:
    page = DS03 / "README.md"
    result = import_text(page.read_text(), "markdown", page.name, base=DS03)
    assert result.raw == 0 and result.model_error is None, result
    assert result.typed == 34, result.typed
    assert result.lines[:2] == ("./newHost.sh center", "./newHost.sh point1"), result.lines
    assert result.lines[5] == "./hostToHost.sh point1 192.168.0.2 center 192.168.0.1"
    steps = yaml.safe_load(result.yaml)["setup"]
    linked = steps[5]["steps"]
    assert [(s["action"], s.get("in") or s["line"].split()[3]) for s in linked] == [
        ("link add", "point1"), ("link set", "point1"), ("addr add", "point1"),
        ("link set", "point1"), ("addr add", "center"), ("link set", "center"),
    ], linked  # fmt: skip
    assert linked[0]["name"] == "point1-center" and linked[0]["peer"] == "center-point1"
    assert not any("cannot evaluate" in w or "nested if" in w for w in result.warnings), (
        result.warnings
    )


def _lab(tmp_path: Path, helper: str, caller: str) -> tuple[str, ...]:
    (tmp_path / "helper.sh").write_text(helper)
    result = import_text(caller, "shell", "lab.sh", base=tmp_path)
    assert result.model_error is None, result.model_error
    return tuple(_inner(result.yaml))


def test_a_script_beside_the_input_runs_with_its_arguments(tmp_path: Path) -> None:
    helper = '#!/bin/bash\nip netns add "$1"\nip -n "$1" link set lo up\n'
    got = _lab(tmp_path, helper, "#!/bin/bash\n./helper.sh red\n./helper.sh blue\n")
    assert got == ("netns add", "link set", "netns add", "link set"), got


def test_the_script_sees_none_of_the_caller_s_variables_nor_gives_its_own(
    tmp_path: Path,
) -> None:
    helper = '#!/bin/sh\nip netns add "${X:-blue}"\nY=green\n'
    caller = '#!/bin/bash\nX=red\nY=pink\n./helper.sh\nip netns add "$Y"\n'
    (tmp_path / "helper.sh").write_text(helper)
    result = import_text(caller, "shell", "lab.sh", base=tmp_path)
    assert _named(result.yaml) == ["blue", "pink"], result.yaml


def _steps(text: str) -> list[dict[str, object]]:
    return [i for s in yaml.safe_load(text)["setup"] for i in s.get("steps", [s])]


def test_a_script_of_another_language_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "helper.sh").write_text("#!/usr/bin/python3\nprint('ip netns add red')\n")
    result = import_text("#!/bin/bash\n./helper.sh\n", "shell", "lab.sh", base=tmp_path)
    assert result.raw == 1, result


def test_without_the_script_the_line_stays_raw(tmp_path: Path) -> None:
    result = import_text("#!/bin/bash\n./helper.sh red\n", "shell", "lab.sh", base=tmp_path)
    assert result.raw == 1 and result.typed == 0, result


def test_or_and_and_in_a_test_are_evaluated() -> None:
    text = (
        "#!/bin/bash\na=x\nb=\n"
        "if [[ -z $a || -z $b ]]; then ip netns add one; fi\n"
        "if [[ -n $a && -n $b ]]; then ip netns add two; fi\n"
    )
    result = import_text(text, "shell", "lab.sh")
    assert not any("cannot evaluate" in w for w in result.warnings), result.warnings
    assert _named(result.yaml) == ["one"], result.yaml


def test_the_clean_slate_script_beside_the_lab_is_read() -> None:
    """tests/fixtures/scripts-ds/ds04-condeval/: create-network.sh starts with
    ``./clear-network.sh`` (``sudo ip netns del ns1``, ``... ns2``): a raw step iplab could
    not undo, and up refused the lab, "this host does not have ./clear-network.sh". Read,
    its deletes of names the script makes after them are a clean slate: steps that may
    fail, as on lines of their own."""
    folder = FIXTURES / "scripts-ds" / "ds04-condeval"
    script = folder / "create-network.sh"
    result = import_text(script.read_text(), "shell", script.name, base=folder)
    assert result.raw == 0 and result.model_error is None, result
    first = _steps(result.yaml)[:2]
    assert [(s["action"], s.get("may_fail")) for s in first] == [
        ("netns del", True),
        ("netns del", True),
    ], first
    assert any("deletes ns1, ns2 before it makes them" in w for w in result.warnings)


def test_bash_script_and_sudo_script_are_read_too(tmp_path: Path) -> None:
    helper = '#!/bin/bash\nip netns add "$1"\n'
    (tmp_path / "helper.sh").write_text(helper)
    caller = "#!/bin/bash\nbash helper.sh red\nsudo ./helper.sh blue\n"
    result = import_text(caller, "shell", "lab.sh", base=tmp_path)
    assert result.raw == 0, result
    assert _named(result.yaml) == ["red", "blue"], result.yaml
    first, second = _steps(result.yaml)
    assert first.get("sudo") is False and "sudo" not in second, result.yaml  # (with sudo)


def test_a_script_the_input_writes_is_read_as_written(tmp_path: Path) -> None:
    (tmp_path / "helper.sh").write_text('#!/bin/bash\nip netns add "on-disk"\n')
    caller = "#!/bin/bash\ncat > helper.sh <<EOF\nip netns add written\nEOF\nbash helper.sh\n"
    result = import_text(caller, "shell", "lab.sh", base=tmp_path)
    assert "written" in _named(result.yaml) and "on-disk" not in _named(result.yaml), result.yaml


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_star_topology_runs_and_leaves_nothing(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    done = ran_clean(DS03 / "README.md", prefix, state_dir, tmp_path)
    assert "verify: the kernel holds what the scenario promised (5 namespaces" in done.stdout, (
        done.stdout[-3000:]
    )
    assert not any(n.startswith(prefix) for n in netns_names())


def test_the_script_ends_at_its_exit(tmp_path: Path) -> None:
    helper = '#!/bin/bash\nip netns add "$1"\nexit 0\nip netns add never\n'
    got = _lab(tmp_path, helper, "#!/bin/bash\n./helper.sh red\n./helper.sh blue\n")
    assert got == ("netns add", "netns add"), got
