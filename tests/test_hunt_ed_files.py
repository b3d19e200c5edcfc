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
- A workflow or a playbook named ``.yml`` was refused as "YAML" and nothing more (piped in:
  "key 'run' at line 9"): the refusal names the lines of its commands, and a template
  (``{{b_name}}``) in them.
- What ``make -n all clean`` prints of the xdp-env-setup Makefile (the way out named) gave
  "no command found": ``if [ -z "$(ip netns list | grep NS)" ]; then ...`` guards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind
from tests.conftest import FIXTURES
from tests.pages import script_ran_clean

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


def test_a_vagrantfile_s_import_names_its_shell_provisioners_lines() -> None:
    # (hunt EI: the shell of its inline documents and strings is read now, not refused)
    from iplab.importer.convert import import_text

    text = VAGRANT.read_text(encoding="utf-8")
    assert detect_kind(VAGRANT.name, text) == "shell"
    said = import_text(text, "shell", VAGRANT.name).warnings[0]
    assert "the shell of its provisioners is read (lines 15-16, 20)" in said, said


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


@pytest.mark.kernel
def test_the_makefile_s_way_out_runs_clean(tmp_path: Path) -> None:
    """Run under its prefix, the guarded lab is made, verified and taken down."""
    out = script_ran_clean(MADE.read_text(encoding="utf-8"), "edxmk1", "edx", tmp_path)
    assert "ip netns add edxmk1lab-ns" in out, out


WORKFLOW = """name: test
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: netns
        run: |
          sudo ip netns add ns1
          sudo ip link add veth0 type veth peer name veth1 netns ns1

      - run: sudo ip netns exec ns1 ip link set veth1 up
"""
PLAYBOOK = """---
- hosts: [localhost]
  tasks:
    - name: Create bridge in namespace
      command: "ip netns exec {{b_name}} brctl addbr {{b_name}}_br"
    - shell:
        cmd: ip netns exec {{b_name}} ip link set {{b_name}}_br up
"""


@pytest.mark.parametrize("name", ["ci.yml", "-", "netns.yaml"])
def test_a_workflow_s_refusal_names_the_lines_its_commands_are_on(name: str) -> None:
    """By its name (``ci.yml``) the refusal said only "YAML": by its content (piped in),
    "key 'run' at line 9". Now, either way, what it is and the lines of its commands."""
    said = _said(name, WORKFLOW)
    assert ("a CI workflow" if name == "-" else "YAML (a workflow") in said, said
    assert "commands are at lines 10-11, 13" in said, said


def test_a_playbook_s_refusal_names_its_lines_and_its_variables() -> None:
    said = _said("site.yml", PLAYBOOK)
    assert "commands are at lines 5, 7" in said, said
    assert "{{b_name}}" in said, said
