"""Hunt AD: labs kept in other tools' files (Makefiles, justfiles, CI workflows, Ansible,
tox). A pasted ``sudo make up`` ran the Makefile's recipe, which iplab never sees (SAFETY);
``make -n`` output of a recursive make kept make's own lines; a cleanup ending with ``rm
-f *.pcap`` was read as setup; a justfile under its other names, a tox.ini and a workflow
with a tab in a block scalar were imported as shell; the ``ip netns del`` extra-names
warning counted ``2>/dev/null`` and ``|| true`` as names."""

from __future__ import annotations

import re

import pytest

from iplab import export, scenario
from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.recipes import recipe_run
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "other-tools"


def _read(name: str) -> str:
    return (HUNT / name).read_text(encoding="utf-8")


def test_a_pasted_make_up_is_refused_before_anything_runs() -> None:
    """Hunt AD #1 (SAFETY): ``sudo make up`` in a session ran the Makefile's recipe under
    ``--prefix hDp``: it made hDmk1 (not hDphDmk1), verify said 0 namespaces and down ran 0
    undo commands, leaving it. Now a run under ``--prefix`` refuses the line, naming it and
    the way out (``make -n up | iplab import -``); without ``--prefix`` the import, check
    and run warn of it (by design, after merging: a tutorial that builds a tool with
    ``make`` first still runs, and what a recipe changes of the host stops the run, see
    tests/test_sentinel_kernel.py)."""
    result = import_text(_read("session-up.txt"), "session", "session-up.txt")
    assert result.model_error is None
    said = [w for w in result.model_warnings if "runs a Makefile's recipe (make up)" in w]
    assert len(said) == 1 and said[0].startswith("setup[0] (line 1: sudo make up): ")
    assert "make -n up | iplab import -" in said[0]
    loaded = scenario.load_text(result.yaml, "su.yaml")
    with pytest.raises(ModelError, match=r"su\.yaml:\d+: setup\[0\]: runs a Makefile's") as got:
        build(loaded, prefix="hDp")
    assert "under --prefix hDp the names it makes keep theirs" in str(got.value)
    plan = build(loaded, prefix="")
    assert [str(w) for w in plan.warnings if "runs a Makefile's recipe" in str(w)]


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("make up", "make up"),
        ("sudo make -C sub unwire", "make -C sub unwire"),
        ("$(MAKE) -C topo wire", "make -C topo wire"),
        ("timeout 60 make lab", "make lab"),
        ("ip netns exec red make up", "make up"),
        ("bash -c 'cd lab && make up'", "make up"),
        ("just up", "just up"),
        ("vagrant provision", "vagrant provision"),
        ("sudo ansible-playbook -i hosts site.yml", "ansible-playbook -i hosts site.yml"),
        ("docker compose -f lab.yml up -d", "docker compose -f lab.yml up -d"),
        ("docker-compose up", "docker-compose up"),
    ],
)
def test_each_tools_recipe_run_is_found(line: str, said: str) -> None:
    """Hunt AD #1: the tools whose recipes run commands iplab cannot see."""
    found = recipe_run(line)
    assert found is not None and found.command == said


@pytest.mark.parametrize(
    "line",
    [
        "make -n up",
        "make -nC sub up",
        "make --dry-run up",
        "just --dry-run up",
        "ansible-playbook --check site.yml",
        "vagrant status",
        "docker compose config",
        "echo make up",
        "ip netns add make",
        "grep make Makefile",
    ],
)
def test_a_line_that_only_prints_or_names_make_is_no_recipe_run(line: str) -> None:
    """Hunt AD #1: a dry run, or ``make`` as a word of another command, runs no recipe."""
    assert recipe_run(line) is None


def test_a_recursive_make_n_output_is_read_without_makes_own_lines() -> None:
    """Hunt AD #3: ``make -n fresh`` of a recipe calling ``$(MAKE) -C topo wire``: make's
    ``make[1]: Entering/Leaving directory`` lines became raw steps, and ``make -C topo
    wire`` a raw step beside the topo commands it prints (run, the sub-make ran topo's
    recipe for real, then iplab the same lines again). Now make's lines are left out, and
    the sub-make's line too, with a warning; the commands it printed are the steps."""
    text = _read("make-fresh.txt")
    result = import_text(text, "shell", "make-fresh.txt")
    kept = [line for line in text.splitlines() if not line.startswith("make")]
    assert list(result.lines) == kept
    assert result.warnings == (
        "line 4: 'make -C topo wire' is a sub-make: make -n printed the commands it runs after"
        " it, which are read; the line itself is not a step (run, it would run them too)",
    )
    assert result.model_error is None


@pytest.mark.parametrize(
    ("name", "teardown"),
    [
        (
            "make-up-clean.txt",
            [
                "for i in red blue; do ip netns del $i; done",
                "ip link del br-lab",
                "rm -f *.pcap",
            ],
        ),
        (
            "make-n-no-print-directory.txt",
            ["ip netns del lab5", "make -C sub unwire", "ip link del leak0"],
        ),
    ],
)
def test_a_cleanup_with_commands_that_delete_nothing_is_the_teardown(
    name: str, teardown: list[str]
) -> None:
    """Hunt AD #2: ``make -n up clean`` ends with ``rm -f *.pcap`` (the shape of a
    ``clean:`` target): "20 setup, 0 teardown", and up built the lab and deleted it again.
    A sub-make between the deletions (``make -C sub unwire``) put ``ip netns del lab5`` in
    the setup. The teardown starts at the first deletion of the trailing block now, what
    deletes nothing (``rm``, a sub-make) among or after the deletions."""
    result = import_text(_read(name), "shell", name)
    plan = build(scenario.load_text(result.yaml, "lab.yaml"), lenient=True)
    assert export.text(plan, "teardown").splitlines() == teardown


@pytest.mark.parametrize(
    ("name", "way"),
    [
        (".justfile", "just --dry-run up | iplab import -"),
        ("lab.just", "just --justfile lab.just --dry-run up | iplab import -"),
    ],
)
def test_a_justfile_under_its_other_names_or_on_stdin_is_refused(name: str, way: str) -> None:
    """Hunt AD #4: ``.justfile`` and ``lab.just`` (and either on standard input) were read
    as shell: ``set shell := [...]``, ``up:``, ``down:`` raw steps, ``-ip netns del red`` a
    setup step, ``export NS := "red"`` dropped, exit 0. A justfile's recipes are indented
    by spaces, which the Makefile reader did not take for recipes."""
    text = _read(name)
    with pytest.raises(UsageError, match=f"^{re.escape(name)}: a justfile: .*{re.escape(way)}"):
        detect_kind(name, text)
    with pytest.raises(UsageError, match=r"^-: a justfile, by its recipe at line \d+ "):
        detect_kind("-", text)


def test_a_tox_ini_is_refused_by_its_name_and_by_its_content() -> None:
    """Hunt AD #5: tox.ini was imported as shell: ``[tox]``, ``envlist = ...``,
    ``commands_pre =``, a bare ``ip`` and ``- ip netns del tx`` became raw steps, and the
    only complaint was ``[tox]`` read as a placeholder. It is refused now as TOML is."""
    text = _read("tox.ini")
    with pytest.raises(UsageError, match=r"^tox\.ini: a tox\.ini \(tox\): not a shell script"):
        detect_kind("tox.ini", text)
    with pytest.raises(UsageError, match=r"^-: a tox\.ini \(tox\), by its section at line 2"):
        detect_kind("-", text)
    with pytest.raises(UsageError, match=r"^lab\.ini: an INI file .*not a shell script"):
        detect_kind("lab.ini", text)


def test_a_workflow_with_a_tab_inside_a_block_scalar_is_refused() -> None:
    """Hunt AD #6: a GitHub workflow whose ``run: |`` holds a ``<<-EOT`` here-document
    with tab-indented lines was read as shell (35 commands, 34 raw: ``name: netns smoke
    test``, ``on:``, ``runs-on: ubuntu-22.04``): the YAML reader gave up at any tab. A tab
    inside a block scalar is text; only a tab YAML refuses (one that indents) stops it."""
    text = _read("net-tabs.yml.txt")
    for path in ("net-tabs.yml.txt", "-"):
        with pytest.raises(UsageError, match=r"a CI workflow, by its key 'run' at line 16"):
            detect_kind(path, text)


@pytest.mark.parametrize("name", ["vars.sh", "unres.sh"])
def test_the_netns_del_warning_counts_no_shell_operator_as_a_name(name: str) -> None:
    """Hunt AD #7: ``ip netns del $NS 2>/dev/null`` was said to delete $NS only, ip
    ignoring ``2>/dev/null``; the same with ``&& echo removed``, ``|| true`` and ``$NS;``
    before ``ip link del $DEV``. The names are read in each simple command's words now."""
    result = import_text(_read(name), "shell", name)
    assert not [w for w in result.warnings if "ip netns del deletes" in w]


def test_the_netns_del_warning_still_names_what_ip_ignores() -> None:
    """Hunt AD #7: a second name is still said, once, a redirection after it left out."""
    result = import_text("ip netns del a b 2>/dev/null || true\n", "shell", "two.sh")
    assert [w for w in result.warnings if "ip netns del deletes" in w] == [
        "line 1: 'ip netns del a b': ip netns del deletes a only; ip ignores b (and exits"
        " 0): delete each with a line of its own"
    ]


def test_an_ansible_task_list_with_raw_is_refused_on_stdin() -> None:
    """Hunt AD #8: ``ansible.builtin.raw:`` (and ``raw:``) was no key that runs commands:
    a role's task list on standard input gave its YAML keys as raw steps."""
    with pytest.raises(UsageError, match=r"by its key 'ansible\.builtin\.raw' at line 5"):
        detect_kind("-", _read("tasks-main.yml"))


def test_a_make_file_with_no_rule_is_not_told_to_run_its_targets() -> None:
    """Hunt AD #8: an included config.mk (assignments only) was refused with ``make -f
    config.mk -n up down``, which has no target to run."""
    with pytest.raises(UsageError) as refused:
        detect_kind("config.mk", _read("config.mk"))
    said = str(refused.value.message)
    assert "make -f config.mk" not in said
    assert "it has no rule (a file a Makefile includes: include config.mk)" in said
