"""Labs written in teaching formats (hunt G): notebooks, slides, Org notes, recordings,
expect scripts, a README's troubleshooting hints.

The inputs are the hunt's own files (tests/fixtures/teaching).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from iplab.errors import UsageError
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.importer.formats import not_a_script

TEACHING = Path(__file__).parent / "fixtures" / "teaching"


def _import(name: str) -> ImportResult:
    text = (TEACHING / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


def test_a_script_sudo_bash_cell_is_read_with_sudo() -> None:
    """Hunt G: a notebook cell ``%%script sudo bash`` (eight ``ip`` lines making the veth
    pairs) was dropped with no warning: the program was taken to be ``sudo``, no shell; the
    model then said ``link vr does not exist``. It is a bash cell run with sudo."""
    result = _import("01-netns-python.ipynb")
    assert "sudo ip link add vr type veth peer name vr-br" in result.lines
    assert "sudo ip link set vb-br up" in result.lines
    assert sum(line.startswith("sudo ip link set v") for line in result.lines) == 6
    assert any("(cell 8): %%script sudo bash: read as a bash cell run with sudo" in w
               for w in result.warnings)  # fmt: skip
    assert result.model_error is None


def test_a_cell_magic_iplab_does_not_read_is_said() -> None:
    """Hunt G: a cell of a magic iplab does not read was left out silently; it is said,
    naming the cell."""
    text = (TEACHING / "01-netns-python.ipynb").read_text(encoding="utf-8")
    result = import_text(text.replace("%%script sudo bash", "%%script sudo python3"), "notebook",
                         "01.ipynb")  # fmt: skip
    assert any("(cell 8): %%script sudo python3: a cell magic iplab does not read; its 8 lines"
               in w for w in result.warnings)  # fmt: skip


def test_an_asciinema_recording_not_named_cast_is_known_by_its_header() -> None:
    """Hunt G: a recording saved without ``.cast`` was read as a shell script (356 raw
    steps, one per keystroke event); it is refused as a ``.cast`` file is, with the way
    out."""
    with pytest.raises(UsageError, match=r"^16-netns-demo-cast-noext: a terminal recording"
                       r" \(asciinema\), by its header line: .*asciinema cat FILE"):  # fmt: skip
        _import("16-netns-demo-cast-noext")


@pytest.mark.parametrize("name", ["10-netns-notes-org.txt", "10b-NOTES", "11b-notes-modeline.txt"])
def test_an_org_page_without_a_keyword_line_is_known(name: str) -> None:
    """Hunt G: Org notes whose first line is no ``#+KEYWORD:`` (a blank line, ``* Setup``,
    Emacs's ``# -*- mode: org -*-``) were read as a script: ``* Setup`` a raw step, the
    ``#+begin_src`` line a title. They are read as a ``.org`` page is: the lines of their
    source blocks, and not the ping's output in the example block under it."""
    text = (TEACHING / name).read_text(encoding="utf-8")
    assert detect_kind(name, text) == "org"
    result = _import(name)
    assert result.lines[0] == "sudo ip netns add o1"
    assert "sudo ip netns exec o1 ping -c1 10.9.9.2" in result.lines
    assert result.lines[-1] == "sudo ip netns del o1 && sudo ip netns del o2"
    assert len(result.lines) == 11 and result.raw == 0
    assert not any("PING" in line or "bytes from" in line for line in result.lines)


def test_an_expect_script_is_refused_with_or_without_its_shebang() -> None:
    """Hunt G: an expect script without ``#!`` was 21 raw steps (``spawn sudo bash``,
    ``send -- "ip netns add ex1\\r"``); ``.exp`` is refused as ``.py`` is, and the one
    with ``#!/usr/bin/expect`` is "an expect program" (it said "a expect program")."""
    with pytest.raises(UsageError, match=r"^18-netns-lab\.exp: an expect program: not a"):
        _import("18-netns-lab.exp")
    text = (TEACHING / "19-netns-lab-shebang.exp").read_text(encoding="utf-8")
    assert (not_a_script("lab", text) or "").startswith(
        "lab: an expect program (its #! line): not a shell script"
    )


def test_a_cells_failure_is_not_pinned_on_its_last_command() -> None:
    """Hunt G: a ``%%bash`` cell ran ``ip link add fe2v`` twice, then ``ip link del fe2v``;
    its output, ``RTNETLINK answers: File exists`` (the second add's), was given to the last
    line, which was made a teardown step that may fail, and the failing add was refused. A
    cell's output is the cell's: with no way to tell which command failed, it is given to
    none, said."""
    result = _import("23-nb-shown-failure.ipynb")
    steps = yaml.safe_load(result.yaml)
    deleted = [s for s in steps["teardown"] if s["action"] == "link del"]
    assert deleted == [{"action": "link del", "dev": "fe2v"}]  # (no may_fail, no output)
    assert not any("'sudo ip link del fe2v' fail" in w for w in result.warnings)
    assert any(
        "(cell 3): the cell prints a failure ('RTNETLINK answers: File exists') and runs 3"
        " commands; iplab cannot tell which failed" in w
        for w in result.warnings
    )
    # the one-command cell's failure is still its command's
    assert "line 26: the page shows 'sudo ip netns add fe2' fail; it may fail here too" in (
        result.warnings
    )


def test_a_cells_failure_that_names_its_command_is_that_commands() -> None:
    """Hunt G: the failure of a cell of several commands goes to the one it names
    (``Cannot create namespace file "/run/netns/fe2"``: the only line holding ``fe2``)."""
    text = (TEACHING / "23-nb-shown-failure.ipynb").read_text(encoding="utf-8")
    doc = json.loads(text)
    doc["cells"][2]["source"][0] = "%%bash\n"
    doc["cells"][2]["source"][1] = "sudo ip netns add fe2\n"
    doc["cells"][2]["outputs"][0]["text"] = doc["cells"][1]["outputs"][0]["text"]
    result = import_text(json.dumps(doc, indent=1), "notebook", "23.ipynb")
    assert "line 44: the page shows 'sudo ip netns add fe2' fail; it may fail here too" in (
        result.warnings
    )
    assert not any("cannot tell which failed" in w for w in result.warnings)
    steps = yaml.safe_load(result.yaml)
    assert [s.get("output") for s in steps["setup"] + steps["teardown"]].count(None) == 4


def test_a_password_piped_to_sudo_s_is_read_as_sudo() -> None:
    """Hunt G: Colab's ``!echo $PW | sudo -S ip netns add $NS1`` was one raw step, not
    ``ip netns add``: the model did not know the namespace, and ``--prefix`` renamed it
    everywhere but there. It is read as ``sudo ip netns add pya``, printed as written."""
    result = _import("21-colab-python-vars.ipynb")
    first = yaml.safe_load(result.yaml)["setup"][:2]
    assert [(s["script"], s["steps"]) for s in first] == [
        ("echo $PW | sudo -S ip netns add $NS1", [{"action": "netns add", "name": "pya"}]),
        ("echo $PW | sudo -S ip netns add $NS2", [{"action": "netns add", "name": "pyb"}]),
    ]
    assert any("sudo -S (a password on its input) read as 'sudo ip netns add $NS1'" in w
               for w in result.warnings)  # fmt: skip


def test_a_failure_shown_under_a_line_with_a_variable_is_seen() -> None:
    """Hunt G: ``sudo ip netns add $NS`` run twice, ``File exists`` under the second, was
    refused by the model (``namespace fe3 already exists``): the output of a line kept
    with its variables was not read for a failure, that of the literal line was."""
    result = _import("24-file-exists-var.md")
    assert result.model_error is None
    second = yaml.safe_load(result.yaml)["setup"][1]
    assert second["steps"] == [{"action": "netns add", "name": "fe3", "may_fail": True}]
    assert "line 6: the page shows 'sudo ip netns add fe3' fail; it may fail here too" in (
        result.warnings
    )


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("04-netns-md-shows-command.ipynb", ["line 37 (cell 3)", "line 155 (cell 12)"]),
        ("03-netns-python-fixed.ipynb", ["line 146 (cell 11)"]),
    ],
)
def test_a_command_a_markdown_cell_shows_is_not_run(name: str, shown: list[str]) -> None:
    """Hunt G: a command shown in a notebook's markdown cell (``$ sudo ip netns add red``
    indented, a fenced ``$ sudo ip netns exec red ping ...``) ran as well as the code cell
    that runs it: ``netns add red`` twice (the model refused the second), the ping twice.
    A markdown cell's code is shown, not run; said."""
    result = _import(name)
    assert result.lines.count("sudo ip netns add red") == 1
    assert result.lines.count("sudo ip netns exec red ping -c 2 10.11.0.2") == 1
    said = [w.split(": ", 1)[0] for w in result.warnings if "shown in a markdown cell" in w]
    assert said == shown
    assert result.model_error is None


def test_a_troubleshooting_hint_is_not_a_step() -> None:
    """Hunt G: a README's ``<details>`` Troubleshooting ("If you get `RTNETLINK answers:
    File exists`, run the cleanup first:" over ``sudo ip link del ghbr``) became a teardown
    step, deleting the bridge before the cleanup did (the model refused it). A remedy the
    page gives if something fails is shown, not a step; said."""
    result = _import("17-README.md")
    assert result.lines.count("sudo ip link del ghbr") == 1
    assert result.model_error is None
    assert any(w.startswith("line 57: 'sudo ip link del ghbr' is a remedy the page gives if")
               for w in result.warnings)  # fmt: skip
