"""``iplab import`` of Jupyter notebooks (``.ipynb``) and of notebooks exported to Markdown.

The fixtures (``tests/fixtures/notebooks``) are notebooks as Jupyter writes them: a Python
kernel's, with markdown cells, ``!`` lines, a ``%%bash`` cell and outputs; a bash kernel's;
and the Python one exported with ``jupyter nbconvert --to markdown``.

The oracle: each Markdown tutorial of the corpus (and the reference blog), written as a
notebook's author writes it (its prose in markdown cells, each shell block a code cell of
``!`` lines with what it printed as the cell's output, or a ``%%bash`` cell), imports to the
commands and the steps its Markdown does.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from iplab import scenario
from iplab.cli import main
from iplab.errors import IplabError, UsageError
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.importer.fetch import fetch
from iplab.importer.markdown import front_matter, read_markdown
from iplab.importer.notebook import exported_from_notebook, read_exported, read_notebook
from iplab.importer.reader import Block, Cmd, Reader, continues, strip_prompt
from iplab.steps import NetnsAdd
from tests.conftest import FIXTURES
from tests.corpus import Response, markdown_pages, printed

NOTEBOOKS = FIXTURES / "notebooks"
MARKDOWN = markdown_pages()
PYTHON_KERNEL = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "pygments_lexer": "ipython3"},
}

VETH_LAB = [
    "ip netns add blue",
    "ip netns add red",
    "ip netns list",
    "ip link add veth-b netns blue type veth \\\n    peer name veth-r netns red",
    "sudo ip -n blue link set veth-b up",
    "ip -n red link set veth-r up",
    "ip -n blue addr add 10.0.0.1/24 dev veth-b",
    "ip -n red addr add 10.0.0.2/24 dev veth-r",
    "ip -n blue -br addr",
    "ip netns exec blue ping -c 2 10.0.0.2",
    "ip netns del blue",
    "ip netns del red",
]


# -- notebooks written as Jupyter writes them -----------------------------------------------------


def _lines(text: str) -> list[str]:
    """A cell's source as nbformat writes it: one string per line, each with its newline."""
    return text.splitlines(keepends=True)


def code_cell(source: str, outputs: str = "", result: str = "") -> dict[str, Any]:
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": _lines(source),
    }
    if outputs:
        cell["outputs"].append({"name": "stdout", "output_type": "stream", "text": _lines(outputs)})
    if result:
        cell["outputs"].append(
            {
                "data": {"text/plain": _lines(result)},
                "execution_count": None,
                "metadata": {},
                "output_type": "execute_result",
            }
        )
    return cell


def markdown_cell(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": _lines(source)}


def notebook(*cells: dict[str, Any], metadata: dict[str, Any] | None = None) -> str:
    """A notebook's file, in nbformat's own layout (sorted keys, one space of indent)."""
    doc = {
        "cells": list(cells),
        "metadata": PYTHON_KERNEL if metadata is None else metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def file_line(text: str, source_line: str) -> int:
    """The line of a notebook's file that holds a line of a cell (its JSON string)."""
    quoted = json.dumps(source_line)[:-1]  # (the closing quote: after its newline, if any)
    return next(n for n, t in enumerate(text.splitlines(), 1) if t.strip().startswith(quoted))


def _import(text: str, name: str = "lab.ipynb") -> ImportResult:
    return import_text(text, "notebook", name)


def _commands(title_and_reader: tuple[str | None, Reader]) -> list[tuple[int, str]]:
    """Each command a reader found, with the line it names."""
    out: list[tuple[int, str]] = []
    for event in title_and_reader[1].events:
        if isinstance(event, Cmd):
            out.append((event.line, event.text))
        elif isinstance(event, Block):
            out += [(cmd.line, cmd.text) for cmd in event.cmds]
    return out


def _steps(yaml_text: str, *drop: str) -> Any:
    """The scenario without its source and name (and without the keys ``drop`` names, in
    each step)."""
    doc = yaml.safe_load(yaml_text)
    del doc["source"], doc["name"]

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in drop}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(doc)


def _step_list(result: ImportResult) -> list[dict[str, Any]]:
    doc = yaml.safe_load(result.yaml)
    return [*doc["setup"], *doc.get("teardown", [])]


# -- the fixtures ------------------------------------------------------------------------------


def test_the_fixtures_are_in_nbformats_own_layout() -> None:
    """(So that the line numbers the tests check are those a notebook written by Jupyter has.)"""
    for path in NOTEBOOKS.glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert json.dumps(
            json.loads(text), sort_keys=True, indent=1, ensure_ascii=False
        ) + "\n" == (text), path.name


def test_a_python_notebook_imports_its_bang_lines_and_its_bash_cell() -> None:
    path = NOTEBOOKS / "veth-lab.ipynb"
    text = path.read_text(encoding="utf-8")
    assert detect_kind(str(path), text) == "notebook"
    result = import_text(text, "notebook", "veth-lab.ipynb")
    assert list(result.lines) == VETH_LAB
    assert printed(result) == "".join(f"{line}\n" for line in VETH_LAB)  # byte for byte
    assert (result.setup, result.teardown, result.typed, result.raw) == (10, 2, 12, 0)
    assert result.model_error is None
    doc = yaml.safe_load(result.yaml)
    assert doc["title"] == "Lab 2: a veth pair between two namespaces"
    steps = _step_list(result)
    assert steps[0]["title"] == "one namespace for each end of the pair"  # the comment above
    assert steps[2]["output"] == "red\nblue"  # the cell's output: its last command's
    assert steps[5]["output"] == "[]"  # (a text/plain result)
    assert steps[8]["output"].splitlines()[1].startswith("veth-b@if2       UP")
    assert steps[9]["output"].endswith("0% packet loss, time 1013ms")
    assert [s.get("title") for s in steps][10] == "5. Clean up"
    # no Python line is a command; those that run one are said, at their line of the file
    assert "import" not in "".join(result.lines) and "subprocess" not in "".join(result.lines)
    numbered = dict(enumerate(text.splitlines(), start=1))
    said = {int(w.split()[1]): w for w in result.warnings}
    assert len(said) == 2
    assert numbered[min(said)].strip().startswith('"peers = !ip -n red -br addr')
    assert "(cell 9): 'peers = !ip -n red -br addr': Python keeps" in said[min(said)]
    assert "subprocess.run" in numbered[max(said)] and "Python code is not read" in said[max(said)]


def test_each_command_names_the_line_of_the_file_it_is_on() -> None:
    path = NOTEBOOKS / "veth-lab.ipynb"
    text = path.read_text(encoding="utf-8")
    file_lines = text.splitlines()
    found = _commands(read_notebook(text, path.name))
    # what runs: a command written over two lines is one (it prints as the two)
    assert [command for _, command in found] == [c.replace(" \\\n    ", " ") for c in VETH_LAB]
    for number, command in found:
        source_line = json.loads(file_lines[number - 1].strip().rstrip(","))
        assert source_line.lstrip("!").startswith(command.split()[0]), (number, command)
        assert command.startswith(source_line.lstrip("!").split(" \\")[0].rstrip("\n")), command


def test_its_markdown_export_imports_to_the_same_scenario() -> None:
    page = (NOTEBOOKS / "veth-lab.md").read_text(encoding="utf-8")
    assert detect_kind("veth-lab.md", page) == "markdown"
    assert exported_from_notebook(page)
    got = import_text(page, "markdown", "veth-lab.md")
    want = import_text((NOTEBOOKS / "veth-lab.ipynb").read_text(encoding="utf-8"), "notebook", "x")
    assert _steps(got.yaml) == _steps(want.yaml)
    assert printed(got) == "".join(f"{line}\n" for line in VETH_LAB)
    # the warnings name the lines of the page
    numbered = page.splitlines()
    assert [w.split(":")[0] for w in got.warnings] == [
        f"line {numbered.index('peers = !ip -n red -br addr') + 1}",
        f"line {numbered.index(next(t for t in numbered if t.startswith('subprocess'))) + 1}",
    ]
    # read as an ordinary page, it has none of these commands: the Python fences are code
    _, plain = read_markdown(page)
    assert not any(isinstance(e, Cmd | Block) for e in plain.events)


def test_a_bash_kernel_makes_every_code_cell_a_script() -> None:
    path = NOTEBOOKS / "bridge-bash-kernel.ipynb"
    text = path.read_text(encoding="utf-8")
    result = import_text(text, "notebook", path.name)
    cells = [c for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
    written = [
        line.rstrip("\n")
        for cell in cells
        for line in "".join(cell["source"]).splitlines()
    ]  # fmt: skip
    assert printed(result) == "".join(f"{line}\n" for line in written)  # the loop as written
    assert result.lines[2].startswith("for h in h1 h2 h3; do\n")
    assert (result.setup, result.teardown, result.typed, result.raw) == (17, 4, 21, 0)
    shown = next(s for s in _step_list(result) if s.get("action") == "link show")
    assert shown["output"] == "h1-br            UP\nh2-br            UP\nh3-br            UP"
    assert result.model_error is None and result.warnings == ()
    # a cell whose source is one string: its lines share the line of the file it is on
    one_string = next(n for n, t in enumerate(text.splitlines(), 1) if '"source": "ip -n h1' in t)
    lines = {command: number for number, command in _commands(read_notebook(text, "x"))}
    assert lines["ip -n h1 addr add 10.1.0.1/24 dev eth0"] == one_string
    assert lines["ip -br link show master br0"] == one_string
    # the same cells in a Python notebook are Python: nothing is a command
    python = json.loads(text)
    python["metadata"] = PYTHON_KERNEL
    with pytest.raises(UsageError, match=r"no command found \(read as notebook\)"):
        _import(json.dumps(python))


@pytest.mark.parametrize(
    "metadata",
    [
        {"kernelspec": {"language": "bash", "name": "bash"}},
        {"language_info": {"name": "bash"}},
        {"kernelspec": {"language": "sh"}, "language_info": {"name": "python"}},
    ],
)
def test_a_bash_kernel_is_known_by_its_kernelspec_or_its_language_info(
    metadata: dict[str, Any],
) -> None:
    page = notebook(
        code_cell("ip netns add red\n# a comment\nip netns del red\n"), metadata=metadata
    )
    assert _import(page).lines == ("ip netns add red", "ip netns del red")


def test_another_kernels_code_cells_are_not_read() -> None:
    page = notebook(
        markdown_cell("Run `ip netns add red` in a terminal.\n\n```bash\nip netns add red\n```\n"),
        code_cell('system("ip netns add blue")\n!ip netns add green\n'),
        metadata={"kernelspec": {"language": "R", "name": "ir"}},
    )
    result = _import(page)
    assert result.lines == ("ip netns add red",)  # (a markdown cell's own code block)
    assert result.warnings[0].startswith(
        "the notebook's kernel is 'r': its code cells are not read"
    )


# -- what is a command ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "magic",
    [
        "%%bash",
        "%%sh",
        "%%shell",
        "%%script bash",
        "%%script sh",
        "%%script /bin/bash",
        "%%script --out captured bash",
    ],
)
def test_a_shell_cell_magic_makes_the_whole_cell_a_script(magic: str) -> None:
    cell = f"{magic}\nfor ns in red blue; do\n  ip netns add $ns\ndone\nip netns del red\n"
    result = _import(notebook(code_cell("\n\n" + cell)))
    assert result.lines == ("for ns in red blue; do\n  ip netns add $ns\ndone", "ip netns del red")
    assert result.typed == 3
    options = [w for w in result.warnings if "its options are not" in w]
    assert bool(options) == ("--out" in magic)


def test_a_magic_with_options_is_read_and_said() -> None:
    page = notebook(markdown_cell("# A"), code_cell("%%bash --bg\nip netns add red\n"))
    result = _import(page)
    assert result.lines == ("ip netns add red",)
    assert result.warnings == (
        f"line {file_line(page, '%%bash')} (cell 2): %%bash --bg: read as a script; its"
        " options are not read (--bg)",
    )


def test_bang_lines_are_commands_and_nothing_else_of_python_is() -> None:
    cell = (
        "import os\n"
        "!ip netns add red\n"
        "  !!ip netns add blue\n"
        "!sudo ip link add r0 netns red type veth \\\n"
        "    peer name b0 netns blue\n"
        "!   ip -n red link set r0 up  # the red end\n"
        "if os.getuid() != 0:\n"
        '    print("!ip netns add not-a-command")\n'
        "!# runs nothing\n"
        "!\n"
        "names = !ip netns list\n"
        "more, rest = %sx ip netns list\n"
        "%sx ip -br link\n"
        "%env NS=red\n"
        'os.system("ip netns add green")\n'
    )
    page = notebook(code_cell(cell))
    result = _import(page)
    assert result.lines == (
        "ip netns add red",
        "ip netns add blue",
        "sudo ip link add r0 netns red type veth \\\n    peer name b0 netns blue",
        "ip -n red link set r0 up",
    )
    first = file_line(page, "import os")
    assert [w.split(": ", 1) for w in result.warnings] == [
        [f"line {first + 2} (cell 1)", "'!!ip netns add blue' is inside Python code: imported"
         " once, as written (Python may run it more than once, or not at all)"],
        [f"line {first + 10} (cell 1)", "'names = !ip netns list': Python keeps what it prints;"
         " not imported"],
        [f"line {first + 11} (cell 1)", "'more, rest = %sx ip netns list': Python keeps what it"
         " prints; not imported"],
        [f"line {first + 12} (cell 1)", "'%sx ip -br link': Python keeps what it prints; not"
         " imported"],
        [f"line {first + 14} (cell 1)", "Python code is not read: 'os.system(\"ip netns add"
         " green\")' (only !-lines and %%bash cells are commands)"],
    ]  # fmt: skip


def test_ipython_interpolation_of_a_name_the_cells_set_is_its_value_else_said() -> None:
    """``ns = 'red'`` then ``!ip netns add {ns}`` (and ``$ns``, ``%env NS red``): IPython
    puts red there; a name the cells do not set to a string or a number is kept, and said."""
    cell = (
        "ns = 'red'\nn = 2\n%env NS blue\n!ip netns add {ns}\n!ip netns add $ns$n\n"
        "!ip netns add {other}\n!ip netns add ${NS:-x} && echo {a,b} {1..3}\n"
    )
    page = notebook(code_cell(cell))
    result = _import(page)
    assert result.lines[0] == "ip netns add ${ns}"
    steps = scenario.load_text(result.yaml, "n.yaml").steps
    assert [s.op.name for s in steps if isinstance(s.op, NetnsAdd)] == ["red", "red2", "blue"]
    said = [w for w in result.warnings if "IPython" in w]
    line = file_line(page, "!ip netns add {other}")
    assert said == [
        f"line {line} (cell 1): {{other}}: IPython puts a Python value here; kept as written"
    ]


def test_comments_above_a_bang_line_are_its_title_unless_one_reads_as_a_command() -> None:
    cells = [
        code_cell("# Make the red namespace\n\n!ip netns add red\n"),
        code_cell("# ip netns add commented-out\n!ip netns add blue\n"),
        code_cell("# the last one: no title from Python\nx = 1\n!ip netns add green\n"),
        code_cell("# Clean up\n!ip netns del red\n!ip netns del blue\n!ip netns del green\n"),
    ]
    result = _import(notebook(*cells))
    assert result.lines[:3] == ("ip netns add red", "ip netns add blue", "ip netns add green")
    steps = _step_list(result)
    assert [s.get("title") for s in steps[:4]] == ["Make the red namespace", None, None, "Clean up"]
    assert "commented-out" not in result.yaml
    assert (result.setup, result.teardown) == (3, 3)


def test_a_comment_is_not_kept_above_a_line_that_looks_like_no_command() -> None:
    """(A block ``# ip link`` + ``mystery`` would be read as typed at a root prompt: the
    comment would be the command and the line its output.)"""
    result = _import(notebook(code_cell("# ip link show first\n!mystery --start\n")))
    assert result.lines == ("mystery --start",)


@pytest.mark.parametrize(
    ("magic", "warned"),
    [
        ("%%writefile setup.sh", "%%writefile setup.sh: the file it writes is not imported"),
        ("%%sx", "%%sx: Python keeps what it prints; not imported"),
        # hunt G: a cell magic iplab does not read is said, naming its cell (it was silent)
        ("%%html", "%%html: a cell magic iplab does not read; its 2 lines are not imported"),
        ("%%python3", "%%python3: a cell magic iplab does not read; its 2 lines are not imported"),
        (
            "%%script python3",
            "%%script python3: a cell magic iplab does not read; its 2 lines are not imported",
        ),
    ],
)
def test_other_cell_magics_are_not_commands(magic: str, warned: str | None) -> None:
    cells = [code_cell(f"{magic}\nip netns add red\n!ip netns add blue\n"), code_cell("!ip link")]
    result = _import(notebook(*cells))
    assert result.lines == ("ip link",)
    assert [w.split(": ", 1)[1] for w in result.warnings if "%%" in w][:1] == (
        [w for w in [warned] if w is not None] if warned is None else [f"{warned} (a command"
         " that uses it will not find it)" if "writefile" in warned else warned]
    )  # fmt: skip


def test_empty_cells_and_empty_outputs_are_nothing() -> None:
    printed_nothing = code_cell("!ip netns add red")
    printed_nothing["outputs"] = [
        {"name": "stdout", "output_type": "stream", "text": ""},
        {"output_type": "error", "ename": "CalledProcessError", "traceback": ["\x1b[31m..."]},
        {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}},
    ]
    cells = [
        markdown_cell(""),
        code_cell("\n\n"),
        code_cell("%%bash\n\n"),
        code_cell("%%script --bg --out x"),
        printed_nothing,
    ]
    result = _import(notebook(*cells))
    assert result.lines == ("ip netns add red",)
    assert (result.warnings, _step_list(result)[0].get("output")) == ((), None)


@pytest.mark.parametrize("magic", ["%%capture", "%%time"])
def test_a_cell_timed_or_captured_is_still_python(magic: str) -> None:
    result = _import(notebook(code_cell(f"{magic}\nimport os\n!ip netns add red\n")))
    assert result.lines == ("ip netns add red",)


def test_outputs_go_under_the_cells_last_command_colours_off() -> None:
    cells = [
        code_cell("!ip netns add red\n!ip -c -br link", outputs="\x1b[36mlo\x1b[0m  UNKNOWN\n"),
        code_cell("x = 1", outputs="printed by Python\n"),  # (no command: its output is not one)
        code_cell("!ip netns del red"),
    ]
    result = _import(notebook(*cells))
    steps = _step_list(result)
    assert [s.get("output") for s in steps] == [None, "lo  UNKNOWN", None]
    assert "printed by Python" not in result.yaml


# -- refused ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "not json at all",
            r"lab\.ipynb: not a Jupyter notebook: invalid JSON \(line 1, column 1\)",
        ),
        ('{"cells": [', r"lab\.ipynb: not a Jupyter notebook: invalid JSON \(line 1, column 12\)"),
        ("[1, 2]", r"lab\.ipynb: JSON, but not a Jupyter notebook \(it has no 'nbformat' and"),
        ('{"name": "x"}', r"lab\.ipynb: JSON, but not a Jupyter notebook"),
        ('{"cells": "x", "nbformat": 4}', r"lab\.ipynb: JSON, but not a Jupyter notebook"),
        (
            '{"nbformat": 3, "worksheets": [{"cells": []}]}',
            r"lab\.ipynb: a notebook of nbformat 3:",
        ),
        ('{"cells": [], "metadata": {}, "nbformat": 4}', r"^lab\.ipynb: a notebook with no cells$"),
        ('{"cells": ["ip link"], "nbformat": 4}', r"^lab\.ipynb: cell 1 is not a JSON object$"),
        (
            '{"cells": [{"cell_type": "code", "source": [1]}], "nbformat": 4}',
            r"^lab\.ipynb: cell 1: its source is neither text nor a list of lines$",
        ),
        ("[" * 100_000 + "]" * 100_000, r"lab\.ipynb: not a Jupyter notebook: its JSON is nested"),
    ],
    ids=["text", "cut", "list", "object", "cells", "v3", "empty", "cell", "source", "deep"],
)
def test_what_is_not_a_notebook_is_refused_naming_the_file(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _import(text)


def test_the_command_line_refuses_a_broken_notebook_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "old.ipynb").write_text('{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}')
    err = io.StringIO()
    out = tmp_path / "lab.yaml"
    assert main(["import", str(tmp_path / "old.ipynb"), "-o", str(out)], stderr=err) == 2
    assert f"iplab: error: {tmp_path / 'old.ipynb'}: a notebook of nbformat 3" in err.getvalue()
    assert "Traceback" not in err.getvalue() and not out.exists()


# -- how a notebook is known, and line numbers ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        ("lab.ipynb", "ip link\n", "notebook"),
        ("lab.IPYNB", "{}", "notebook"),
        ("saved.json", notebook(code_cell("!ip link")), "notebook"),
        ("download", '\ufeff{\n "metadata": {},\n "cells": []}', "notebook"),
        ("data", '{"name": "cells"}', "shell"),  # (named .json: refused, test_other_formats)
        ("lab3.md", (NOTEBOOKS / "veth-lab.md").read_text(encoding="utf-8"), "markdown"),
    ],
)
def test_a_notebook_is_known_by_its_extension_or_its_first_key(
    path: str, text: str, kind: str
) -> None:
    assert detect_kind(path, text) == kind


def test_the_command_line_reads_a_notebook_by_extension_or_when_told(tmp_path: Path) -> None:
    ipynb = notebook(markdown_cell("# Red"), code_cell("!ip netns add red"))
    (tmp_path / "lab.ipynb").write_text(ipynb)
    (tmp_path / "lab.txt").write_text(ipynb)
    (tmp_path / "export.txt").write_text("# Red\n\n```python\n!ip netns add red\n```\n")
    for argv in (["lab.ipynb"], ["lab.txt"], ["--format", "notebook", "export.txt"]):
        out = tmp_path / "out.yaml"
        err = io.StringIO()
        rc = main(["import", *argv[:-1], str(tmp_path / argv[-1]), "-o", str(out)], stderr=err)
        assert rc == 0, err.getvalue()
        assert "title: Red\n" in out.read_text()
        assert "action: netns add\n    name: red\n" in out.read_text(), argv


def test_a_page_the_server_says_is_a_notebook_is_read_as_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer = Response(notebook(code_cell("!ip link")).encode(), "application/x-ipynb+json")
    monkeypatch.setattr(urllib.request, "urlopen", lambda *_, **__: answer)
    assert fetch("https://hub.example.org/user/lab/files/lab").kind == "notebook"


def test_lines_are_counted_through_the_cells_when_the_file_cannot_be_matched() -> None:
    """A key given twice: the strings of the file are not the notebook's, one for one."""
    cells = [markdown_cell("# T\n\nText."), code_cell("x = 1\n!ip netns add red\n")]
    text = notebook(*cells).replace('"nbformat": 4,', '"nbformat": 4,\n "nbformat": 4,')
    result = read_notebook(text, "twice.ipynb")
    assert _commands(result) == [(5, "ip netns add red")]  # (3 markdown lines, then line 2)
    once = notebook(*cells)
    assert _commands(read_notebook(once, "once.ipynb")) == [
        (file_line(once, "!ip netns add red"), "ip netns add red")
    ]


# -- exported to Markdown ---------------------------------------------------------------------


def test_an_ordinary_page_with_python_blocks_is_an_ordinary_page() -> None:
    page = (
        "# Scripted\n\n"
        "```python\nimport os\nos.system('ip netns add py')\n"
        "x = 1 if os.getuid() != 0 else 2\n```\n\n"
        "```bash\nip netns add red\n```\n"
    )
    assert not exported_from_notebook(page)
    assert import_text(page, "markdown", "page.md").lines == ("ip netns add red",)


def test_an_exported_page_leaves_python_out_and_keeps_its_other_blocks() -> None:
    page = (
        "# Exported\n\n"
        "```python\n!ip netns add red\n```\n\n"
        "```python\nprint('hello')\n```\n\n"
        "    hello\n\n"
        "```bash\nip netns add blue\n```\n\n"
        "    what a bash block printed\n\n"
        "```ipython3\n%%sh\nip netns add green\n```\n\n"
        "```{python}\n!ip link\n```\n\n"
        "    1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n"
    )
    assert exported_from_notebook(page)
    result = import_text(page, "markdown", "page.md")
    assert result.lines == (
        "ip netns add red",
        "ip netns add blue",
        "ip netns add green",
        "ip link",
    )
    steps = _step_list(result)
    assert [s.get("output") for s in steps] == [
        None,
        "what a bash block printed",
        None,
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536",
    ]
    assert "hello" not in result.yaml and "print(" not in result.yaml


def test_an_exported_page_keeps_its_front_matter_title() -> None:
    page = "---\ntitle: From jupytext\njupyter:\n  kernelspec: {name: python3}\n---\n\n"
    page += "```python\n!ip netns add red\n```\n"
    title, reader = read_exported(page)
    assert title == "From jupytext"
    assert _commands((title, reader)) == [(8, "ip netns add red")]


# -- the oracle: each Markdown tutorial, written as a notebook ------------------------------------


class _Writer:
    """A Markdown tutorial as a notebook's author writes it: prose in markdown cells; each
    block of commands a code cell, of ``!`` lines (``bang``: a new cell after each output,
    which is the cell's) or a ``%%bash`` cell (``magic``, and any block of shell syntax
    that spans lines); a block the page prints under a cell, that cell's output."""

    def __init__(self, markdown: str, style: str) -> None:
        self.lines = markdown.splitlines()
        self.style = style
        self.cells: list[dict[str, Any]] = []
        self.gap = False  # prose between the last code cell and here
        _, reader = read_markdown(markdown)
        #: the page's line of each command the Markdown reader finds
        self.starts: dict[int, str] = {}
        for event in reader.events:
            if isinstance(event, Cmd):
                self.starts[event.line] = "cmd"
            elif isinstance(event, Block):
                self.starts.update(dict.fromkeys(range(event.line, event.end + 1), "block"))

    def write(self) -> str:
        title, start = front_matter(self.lines)
        text = "\n" * start + "\n".join(self.lines[start:])
        cursor = start
        for token in MarkdownIt("commonmark").parse(text):
            if token.type not in ("fence", "code_block") or token.map is None:
                continue
            first, end = token.map
            self._prose(self.lines[cursor:first])
            cursor = end
            base = first + 2 if token.type == "fence" else first + 1
            body = token.content.splitlines()
            kinds = {self.starts.get(n) for n in range(base, base + len(body))} - {None}
            if not kinds:
                self._printed(self.lines[first:end], body)
            elif self.style == "magic" or "block" in kinds:
                self.cells.append(code_cell("%%bash\n" + "\n".join(body)))
                self.gap = False
            else:
                self._bang(body, base)
        self._prose(self.lines[cursor:])
        metadata = dict(PYTHON_KERNEL, title=title) if title else PYTHON_KERNEL
        return notebook(*self.cells, metadata=metadata)

    def _prose(self, lines: list[str]) -> None:
        if any(line.strip() for line in lines):
            self.cells.append(markdown_cell("\n".join(lines)))
            self.gap = True

    def _printed(self, written: list[str], body: list[str]) -> None:
        """A block of no command: the output of the cell just before, else prose."""
        last = self.cells[-1] if self.cells else None
        if (
            last is not None
            and last["cell_type"] == "code"
            and not self.gap
            and not last["outputs"]
        ):
            last["outputs"] = code_cell("", outputs="\n".join(body) + "\n")["outputs"]
        else:
            self._prose(written)

    def _bang(self, body: list[str], base: int) -> None:
        source: list[str] = []
        output: list[str] = []

        def cell() -> None:
            if source:
                self.cells.append(code_cell("\n".join(source), outputs="\n".join(output)))
                self.gap = False
            source.clear()
            output.clear()

        j = 0
        while j < len(body):
            text, number = body[j], base + j
            j += 1
            if self.starts.get(number) == "cmd":
                if output:
                    cell()
                command = strip_prompt(text, root_hash=True)
                command = text.strip() if command is None else command
                source.append(f"!{command}")
                while continues(command) and j < len(body):
                    command = re.sub(r"^> ", "", body[j])
                    source.append(command)
                    j += 1
            elif text.strip().startswith("#"):
                if output:
                    cell()
                source.append(text.strip())
            elif text.strip() or output:
                output.append(text)
        cell()


#: pages whose commands a notebook cannot say as the page does
NOT_AS_A_NOTEBOOK = {
    "34-shells-in-namespaces.md": "a shell it opens in a namespace ends where the prompt"
    " returns to the one it was opened from; a notebook's cells have no prompts",
}


@pytest.mark.parametrize("style", ["bang", "magic"])
@pytest.mark.parametrize(
    "path", [p for p in MARKDOWN if p.name not in NOT_AS_A_NOTEBOOK], ids=lambda p: p.name
)
def test_a_tutorial_as_a_notebook_imports_to_the_commands_of_its_markdown(
    path: Path, style: str
) -> None:
    markdown = path.read_text(encoding="utf-8")
    ipynb = _Writer(markdown, style).write()
    assert detect_kind("page.ipynb", ipynb) == detect_kind("page", ipynb) == "notebook"
    want = import_text(markdown, "markdown", path.name, base=path.parent)
    got = import_text(ipynb, "notebook", "page.ipynb", base=path.parent)
    assert got.lines == want.lines
    assert printed(got) == printed(want)
    assert (got.setup, got.teardown, got.typed, got.raw) == (
        want.setup, want.teardown, want.typed, want.raw
    )  # fmt: skip
    assert _steps(got.yaml) == _steps(want.yaml)
    assert got.model_error == want.model_error


def test_the_oracle_writes_bang_lines_outputs_and_bash_cells() -> None:
    written = [json.loads(_Writer(p.read_text(encoding="utf-8"), "bang").write()) for p in MARKDOWN]
    sources = ["".join(c["source"]) for nb in written for c in nb["cells"]]
    assert any(s.startswith("!sudo ip ") for s in sources)
    assert any(s.startswith("%%bash\n") for s in sources)  # (a loop, a session)
    assert any(c.get("outputs") for nb in written for c in nb["cells"])


# -- whatever a notebook holds ----------------------------------------------------------------


_CELLS = [
    markdown_cell("# Title"),
    markdown_cell("## Step\n\nText with `ip netns add x`."),
    markdown_cell("```bash\nip netns add a\n```"),
    code_cell("!ip netns add b"),
    code_cell("!sudo ip link add v0 type veth peer name v1 \\\n  netns b"),
    code_cell("%%bash\nfor i in 1 2; do\n  ip netns add n$i\ndone"),
    code_cell("%%bash\nip netns exec b bash\nip link\nexit"),
    code_cell("x = !ip netns\n%sx ip link\n!{x}"),
    code_cell("!ip -n b link", outputs="1: lo: <LOOPBACK>\n", result="['x']"),
    code_cell("%%writefile x\n!ip netns add c"),
    code_cell("!"),
    code_cell(""),
    {"cell_type": "raw", "metadata": {}, "source": "ip netns add raw"},
    {"cell_type": "code", "source": ["!ip netns add ", "d\n!ip", " link"], "outputs": [3, {}]},
    {"cell_type": "unknown"},
]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(_CELLS), min_size=1, max_size=12), st.booleans())
def test_any_notebook_imports_or_is_refused_with_a_message(
    cells: list[dict[str, Any]], bash: bool
) -> None:
    metadata = {"kernelspec": {"language": "bash"}} if bash else None
    with contextlib.suppress(IplabError):  # refused, with a message: what a user sees
        _import(notebook(*cells, metadata=metadata))


def test_a_bang_line_inside_a_python_string_is_the_strings_text() -> None:
    """``s = \"\"\"`` / ``!ip netns add x`` / ``\"\"\"``: IPython leaves the line in the string;
    iplab ran it, on a notebook and on an ordinary page's Python block (hunt E)."""
    cell = (
        "s = \"\"\"\n!ip netns add in-a-string\n\"\"\"\n!ip netns add real\nt = '''x\n!ip l\n'''\n"
    )
    assert _import(notebook(code_cell(cell))).lines == ("ip netns add real",)
    page = f"# Lab\n\n```bash\nip netns add a\n```\n\n```python\n{cell}```\n"
    assert import_text(page, "markdown", "p.md").lines == ("ip netns add a", "ip netns add real")


def test_an_ipython_console_transcript_runs_its_input_lines_only() -> None:
    page = (
        "# Lab\n\n```ipython\nIn [1]: !ip netns add c1\n\nIn [2]: x = !ip netns list\n\n"
        "In [3]: !ip -n c1 -br link\nlo               DOWN\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert result.lines == ("ip netns add c1", "ip -n c1 -br link")


def test_a_line_magic_that_times_a_bang_line_runs_it() -> None:
    result = _import(notebook(code_cell("%time !ip netns add t1\n%timeit -n1 x = 1\n")))
    assert result.lines == ("ip netns add t1",)
