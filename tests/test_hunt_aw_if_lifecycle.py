"""Hunt AW: a lab script's up and down as an ``if``/``elif`` on its argument.

``tests/fixtures/github-scripts/build-clean-if-elif.sh`` (after a public napt lab):
``BUILD="build"``, ``CLEAN="clean"``, ``if [ "$BUILD" = "$1" ]; then ...; elif [ "$CLEAN"
= "$1" ]; then ...; else echo help; fi``. The import said "no command found": the whole
script was one if whose condition iplab cannot evaluate. It is read as ``case "$1" in
build) ...;; clean) ...;; esac`` is: the build branch the setup, the clean branch the
teardown, each printed as written.

The clean branch's last line, ``ip link del dev veth0``, deletes a veth whose peer went
with ``ip netns del rtr`` the line before: the kernel refuses it. The model said "link
veth0 does not exist in the root namespace at this step (no step before makes it ...)",
of a link the setup made; it says now that it went with its peer, deleted with namespace
rtr.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from tests import pages
from tests.conftest import FIXTURES

SCRIPT = FIXTURES / "github-scripts" / "build-clean-if-elif.sh"
LAST = "\tsudo ip link del dev veth0\n"


def test_the_build_branch_is_the_setup_and_the_clean_branch_the_teardown() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    result = import_text(text, detect_kind("napt.sh", text), "napt.sh")
    assert (result.setup, result.teardown) == (14, 3), result.summary()
    assert result.model_error is not None
    assert result.model_error.endswith(
        "link veth0 does not exist in the root namespace at this step: it went with its"
        " peer rt-veth0 (deleted with namespace rtr)"
    )


def test_each_branch_prints_as_written() -> None:
    text = SCRIPT.read_text(encoding="utf-8").replace(LAST, "")
    result = import_text(text, detect_kind("napt.sh", text), "napt.sh")
    assert result.model_error is None, result.model_error
    build(scenario.load_text(result.yaml, "napt.yaml"))
    printed = "\n".join(result.lines)
    start = text.index("\nif [") + 1
    assert printed == text[start:].rstrip("\n").replace("\n\nelif", "\nelif")


@pytest.mark.parametrize(
    ("test", "read"),
    [
        ('[ "$1" = start ]', True),
        ("[[ $1 == up ]]", True),
        ('[ "$1" = build ] && true', False),
        ('[ "$1" != build ]', False),
        ('[ "$2" = build ]', True),  # (an argument all the same)
        ('[ "$MODE" = build ]', False),
    ],
)
def test_which_tests_are_the_scripts_argument(test: str, read: bool) -> None:
    text = f'if {test}; then\n  ip netns add a\nelif [ "$1" = stop ]; then\n  ip netns del a\nfi\n'
    try:
        result = import_text(text, detect_kind("x.sh", text), "x.sh")
    except UsageError:  # ("no command found": not read)
        assert not read
        return
    assert (result.teardown == 1) is read


@pytest.mark.kernel
def test_the_lab_runs_and_leaves_nothing(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    script = tmp_path / "napt.sh"
    script.write_text(SCRIPT.read_text(encoding="utf-8").replace(LAST, ""), encoding="utf-8")
    ran = pages.ran_clean(script, prefix, state_dir, tmp_path)
    assert "== teardown (2 steps)" in ran.stdout
