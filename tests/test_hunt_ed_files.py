"""Labs kept in files that are no shell script (hunt ED, tests/fixtures/files-ed/): what a
user who points ``iplab import`` at one is told.

- A Makefile whose recipes are indented by spaces (zaman-555/DevOps_Project-3: ``enaIp:``
  then five spaces): make stops at its line 15, ``*** missing separator``, and the way out
  said ``make -n enaIp`` without that line, which is where the user's next step fails; it
  named such a line only after a tab-indented one. Piped in (``cat Makefile | iplab import
  -``), the same Makefile was read as a shell script: ``$(BLUE_NAMESPACE)`` a command
  substitution, eleven steps that name nothing. Now refused as a Makefile, naming line 15.
- A Vagrantfile (ShubhamTatvamasi/srsRAN-demo) was refused saying "copy the shell commands it
  runs into a .sh file" without saying where they are: the refusal now names the lines of
  its shell provisioners (the ``inline: <<-SHELL`` document's lines, an ``inline: "..."``
  string's line).
"""

from __future__ import annotations

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind
from tests.conftest import FIXTURES

HERE = FIXTURES / "files-ed"
SPACED = HERE / "zaman-devops3" / "Makefile"
VAGRANT = HERE / "srsran-demo" / "Vagrantfile"


def _said(name: str, text: str) -> str:
    with pytest.raises(UsageError) as caught:
        detect_kind(name, text)
    return str(caught.value)


def test_a_recipe_indented_by_spaces_right_under_its_rule_is_named() -> None:
    said = _said("Makefile", SPACED.read_text(encoding="utf-8"))
    assert "line 15 is indented with spaces, not a tab" in said, said


def test_a_makefile_with_space_indented_recipes_piped_in_is_refused_as_one() -> None:
    said = _said("-", SPACED.read_text(encoding="utf-8"))
    assert "a Makefile" in said, said
    assert "line 15 is indented with spaces, not a tab" in said, said


@pytest.mark.parametrize(
    "text",
    [
        "up:\n    ip netns add a\n\tip netns add b\n",
        "NS = a\nup:\n  ip netns add $(NS)\ndown:\n\tip netns del $(NS)\n",
    ],
)
def test_the_first_recipe_line_indented_by_spaces_is_named(text: str) -> None:
    said = _said("Makefile", text)
    assert "line 2 is indented with spaces" in said or "line 3 is indented" in said, said


def test_a_page_s_labels_above_space_indented_commands_stay_a_script() -> None:
    """A label and its indented commands, no tab anywhere: no Makefile (hunt P's rule)."""
    assert detect_kind("-", "host:\n    ip netns add a\n    ip link add v0 type veth\n") == "shell"


def test_a_vagrantfile_s_refusal_names_its_shell_provisioners_lines() -> None:
    said = _said(VAGRANT.name, VAGRANT.read_text(encoding="utf-8"))
    assert "commands are at lines 15-16, 20" in said, said


MADE = HERE / "xdp-env-setup" / "make-n-all-clean.txt"


def test_the_makefile_s_way_out_imports_its_guarded_steps() -> None:
    """The way out iplab names for the xdp-env-setup Makefile (``make -n all clean |
    iplab import -``, its output kept in make-n-all-clean.txt) gave "no command found":
    each recipe is ``if [ -z "$(ip netns list | grep NS)" ]; then ... ip netns add NS;
    else echo "... already exists"; fi``, a guard written with a test of a check's output,
    "an 'if' block whose condition iplab cannot evaluate". ``[ -z "$(CHECK)" ]`` is read
    as ``! CHECK``, ``[ ! -z "$(CHECK)" ]`` and ``[ -n "$(CHECK)" ]`` as ``CHECK``."""
    from iplab.importer.convert import import_text

    result = import_text(MADE.read_text(encoding="utf-8"), "shell", "stdin")
    assert (result.setup, result.teardown, result.raw) == (7, 2, 0), result.warnings
    assert result.model_error is None, result.model_error
