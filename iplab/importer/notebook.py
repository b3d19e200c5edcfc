"""Jupyter notebooks (``.ipynb``, nbformat 4, read with the standard library's ``json``) and
Markdown pages exported from them (``jupyter nbconvert --to markdown``, jupytext), read into
the parts a Markdown page has (:class:`~iplab.importer.parts.Part`), read the same way.

What is a command. In a Python (IPython) notebook: the lines of a code cell that start
with ``!``, IPython's shell escape (``!ip netns add red``, ``!!ip link``, ``!sudo ip ...``,
indented ones too, with a warning: Python may run them more than once, or not at all), the
``!`` taken off, a line that ends in ``\\`` continued on the next as IPython does; and the
whole of a cell whose first line is a shell cell magic (``%%bash``, ``%%sh``, ``%%script
bash``, ``%%script sh``, Colab's ``%%shell``), the magic's line taken off, read as a
``bash`` block of a Markdown page (``%%script sudo bash``: each of its commands that is no
shell builtin with ``sudo`` written before it, as a root shell's script is read). In a
notebook whose kernel is bash (``kernelspec.language`` or ``language_info.name``), every
code cell is such a block.
Nothing else of a Python cell is ever a command: its Python lines are left out (a line
whose string names a command, ``sh("ip -n left addr")``, with a warning), and so are
``files = !ip netns list``, ``%sx ...`` and ``%%sx`` cells (Python keeps what they print),
``%env`` and ``%%writefile`` (each with a warning). Comment lines right above a ``!`` line
are read with it (a step's title, a "clean up"), unless one reads as a command. IPython's
``{name}`` in a ``!`` line (a Python value put in the line) is kept as written, with a
warning; ``$name`` is left to the shell reader, as any variable of a page.

A markdown cell is read as a Markdown page is (title, headings, paragraphs), but for its
code blocks: in a notebook whose code cells are read, they are shown, not run (the code
cells run the commands), with a warning when one would have been a step. A code cell's
outputs (stream text, ``text/plain`` results, colours taken off) are the output of its
last command, as an output block under a command on a page (a failure printed by a cell
of several commands: the one command it names, else none, said); the outputs of a cell
with no command, raw cells, other cell magics (``%%html``..., with a warning naming the
cell) and, in a notebook of another kernel (R, Julia), every code cell are left out.

Line numbers. Each line of a cell is numbered by the line of the ``.ipynb`` file its JSON
string is on (nbformat writes one string per source line, so that is the line itself:
``grep -n``, an editor's "go to line"); the warnings, the summary and the model's verdict
name lines as for any page, and the warnings said here name the cell too (``line 57 (cell
4)``, cells counted from 1 in the file, markdown cells included). The lines of a cell whose
source is one string share its line. Where the file cannot be matched string for string
(a key given twice), lines are counted through the cells' sources, as if they were one page.

A Markdown page exported from a notebook (it has a Python fence, ```` ```python ```` or
```` ```ipython ````, holding a ``!`` line or opening with a shell cell magic) is read with
the same rules: its Python fences are cells (one with no command is left out), and the
indented block nbconvert writes under a cell is that cell's output; every other block is
read as on any page. A page with no such fence is an ordinary Markdown page: its Python
blocks are never commands.

Refused, with a message naming the file: text that is not JSON (unless ``--format
notebook`` was said of a page that is no ``.ipynb`` and no JSON: then it is read as an
exported page), JSON that is not a notebook, a notebook of nbformat 3 or before, a notebook
without cells, a cell that is not a JSON object or whose source is neither text nor a list
of lines.

Why this module is long: the notebook and the page exported from it are read by the same
rules of what is a command (one class, :class:`_Cells`), and each needs the Markdown parts
of its text with the lines numbered as it numbers them (a cell's lines by the file's lines,
:func:`~iplab.importer.markdown.numbered_parts`); split, each half would be the other's only user.
"""

from __future__ import annotations

import bisect
import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Any

from iplab.errors import UsageError
from iplab.importer import shell as shellread
from iplab.importer.markdown import numbered_parts, page_parts
from iplab.importer.parts import Part, commands_shown, read_parts
from iplab.importer.prose import ERROR_SHOWN
from iplab.importer.reader import Reader, continues, strip_prompt
from iplab.plurals import counted
from iplab.wrappers import SUDO_VALUED

#: the fences of an exported notebook that hold its code cells
_PYTHON_LANGS = frozenset({"python", "python3", "py", "ipython", "ipython3"})
#: kernels whose every code cell is a shell script
_SHELL_KERNELS = frozenset({"bash", "sh", "shell", "zsh"})
#: cell magics that run the cell as a shell script (``%%script PROGRAM``: by its name)
_SHELL_MAGICS = frozenset({"bash", "sh", "shell"})
#: cell magics whose body is IPython code (its ``!`` lines run)
_CODE_MAGICS = frozenset({"capture", "time", "timeit", "prun", "debug"})
#: cell magics that run commands for what they print (Python keeps it)
_CAPTURE_MAGICS = frozenset({"sx", "system"})
_WRITE_MAGICS = frozenset({"writefile", "file"})
#: ``%%script``'s options that take a value
_VALUED = frozenset({"--out", "--err", "--proc"})
#: programs that run the cell's program as root (``%%script sudo bash``)
_AS_ROOT = frozenset({"sudo", "doas"})
#: what a root shell runs itself: no ``sudo`` is written before them
_BUILTINS = frozenset(
    {
        *("sudo", "cd", "echo", "printf", "export", "set", "unset", "read", "local", "declare"),
        *("readonly", "eval", "shift", "source", ".", "trap", "wait", "exit", "true", "false"),
        *("test", "[", "[[", "let", "type", "pwd", "return", "break", "continue", "sleep"),
    }
)

_CELL_MAGIC = re.compile(r"%%(\S+)[ \t]*(.*)")
_ESCAPE = re.compile(r"([ \t]*)!!?(.*)")
_ASSIGNED = re.compile(
    r"[A-Za-z_][\w.]*(?:\[[^\]]*\])?(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*(?:!|%(?:sx|system)\b)"
)
_CAPTURE = re.compile(r"%(?:sx|system)\b")
_ENV = re.compile(r"%(?:env|set_env)\b")
#: ``%env NS=red``, ``%env NS red``, ``%set_env NS red``: a variable of the environment
_ENV_SET = re.compile(r"%(?:env|set_env)\s+(?P<name>[A-Za-z_]\w*)(?:\s*=\s*|\s+)(?P<value>\S+)")
#: ``ns = "red"``, ``n = 3``: a Python name the ``!`` lines may use
_PY_LITERAL = re.compile(
    r"(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>\"[^\"\\\n]*\"|'[^'\\\n]*'|-?[0-9]+)\s*(?:#.*)?"
)
#: a line magic that runs the rest of its line (``%time !ip route``)
_TIMED = re.compile(r"^([ \t]*)%(?:time|timeit|prun)\s+(?=!)")
#: IPython's console prompts (``In [3]:``, ``   ...:``)
_IN_PROMPT = re.compile(r"In \[\d*\]: ?(.*)")
_MORE_PROMPT = re.compile(r"[ \t]*\.\.\.+: ?(.*)")
#: IPython's ``{expression}`` in a ``!`` line (not bash's ``${x}``, ``{a,b}``, ``{1..3}``)
_INTERPOLATED = re.compile(r"(?<![$\\{])\{(?!\{)([A-Za-z_][^{}\s,]*)\}")
#: a Python string that names a command a lab runs (``sh("ip ...")``, ``["ip", ...]``)
_PY_COMMAND = re.compile(
    r"""(["'])(?:sudo\s+)?(?:ip|tc|bridge|brctl|iptables|ip6tables|nft|sysctl|ping6?"""
    r"""|ovs-vsctl|ethtool|tcpdump)(?:\s|\1)"""
)
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
#: a JSON object that starts as a notebook does (nbformat writes its keys sorted)
_NOTEBOOK_START = re.compile(r'\ufeff?\s*\{\s*"(?:cells|metadata|nbformat|nbformat_minor)"\s*:')
#: a line that may be IPython's (a quick look before a page is read as an exported notebook)
_MAYBE_IPYTHON = re.compile(r"^[ \t]*(?:!|%%|In \[\d*\]:[ \t]*!)", re.M)

Numbered = list[tuple[int, str]]


def looks_like_notebook(text: str) -> bool:
    """JSON whose first key is a notebook's (``.ipynb`` saved under another name)."""
    return _NOTEBOOK_START.match(text) is not None


def exported_from_notebook(text: str) -> bool:
    """A Markdown page with a Python fence that holds a ``!`` line or opens with a shell
    cell magic: a notebook exported to Markdown."""
    if not _MAYBE_IPYTHON.search(text):
        return False
    return any(
        kind == "fence"
        and _lang(part.info) in _PYTHON_LANGS
        and _Cells().code(part.body, None, shell=False, line=part.line)  # (the cells' own rules)
        for part, kind in page_parts(text)[1]
    )


def read_exported(text: str, keep_variables: bool = True) -> tuple[str | None, Reader]:
    """A Markdown page exported from a notebook: its title and a reader holding its events."""
    title, pairs = page_parts(text)
    cells = _Cells()
    after: bool | None = None  # the part before was a Python cell (True: it gave commands)
    first = 0  # the first part of the cell before
    for part, kind in pairs:
        if part.kind == "code" and kind == "fence" and _lang(part.info) in _PYTHON_LANGS:
            first = len(cells.parts)
            after = cells.code(part.body, None, shell=False, line=part.line)
            continue
        if part.kind == "code" and kind == "code_block" and after is not None:
            if after:  # (nbconvert writes a cell's output as an indented block under it)
                cells.printed(first, part.body, None)
            after = None
            continue
        after = None
        cells.parts.append(part)
        first = len(cells.parts)
    title, reader = read_parts(cells.parts, title, keep_variables)
    reader.warnings[:0] = cells.warnings
    return title, reader


def read_notebook(text: str, source: str, keep_variables: bool = True) -> tuple[str | None, Reader]:
    """A notebook's title and a reader holding its events; a UsageError naming ``source``
    when it is not a notebook iplab reads."""
    json_text = text.lstrip("\ufeff")  # (a byte-order mark ends no line)
    doc = _load(json_text, source)
    if doc is None:  # --format notebook of a page that is no JSON: an exported notebook
        return read_exported(text, keep_variables)
    cells = _checked(doc, source)
    metadata = _object(doc.get("metadata"))
    language = _language(metadata)
    numbering = _Numbering(_source_lines(json_text, doc))
    read = _Cells()
    shell = language in _SHELL_KERNELS
    code = shell or language.startswith(("python", "ipython"))
    if not code:
        read.warnings.append(
            f"the notebook's kernel is {language!r}: its code cells are not read"
            " (only those of a Python or a bash kernel)"
        )
    for c, cell in enumerate(cells):
        lines = numbering.lines(c, cell.get("source", ""))
        kind = cell.get("cell_type")
        if kind == "markdown":
            parts = [part for part, _ in numbered_parts(lines)]
            read.parts += [read.shown(p, c + 1) if code else p for p in parts]
        elif kind == "code" and code and lines:
            first = len(read.parts)
            if read.code(lines, c + 1, shell, lines[0][0]):
                end = lines[-1][0]
                printed = [(end, line) for line in _outputs(cell.get("outputs"))]
                if printed:
                    read.printed(first, printed, c + 1)
    title = metadata.get("title")
    title = title.strip() if isinstance(title, str) and title.strip() else None
    title, reader = read_parts(read.parts, title, keep_variables)
    reader.warnings[:0] = read.warnings
    return title, reader


# -- the cells of a notebook ------------------------------------------------------------------


def _load(text: str, source: str) -> Any:
    """The JSON of a notebook; None for a page that is neither JSON nor named ``.ipynb``."""
    try:
        return json.loads(text)
    except RecursionError:
        raise UsageError(
            f"{source}: not a Jupyter notebook: its JSON is nested too deeply"
        ) from None
    except json.JSONDecodeError as exc:
        if not text.lstrip().startswith(("{", "[")) and PurePath(source).suffix != ".ipynb":
            return None
        raise UsageError(
            f"{source}: not a Jupyter notebook: invalid JSON (line {exc.lineno}, column"
            f" {exc.colno}): {exc.msg}"
        ) from None


def _checked(doc: object, source: str) -> list[dict[str, Any]]:
    """The notebook's cells, or a UsageError saying why it is not a notebook iplab reads."""
    version = doc.get("nbformat") if isinstance(doc, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version < 4:
        raise UsageError(
            f"{source}: a notebook of nbformat {version}: iplab reads nbformat 4; convert it"
            " (jupyter nbconvert --to notebook --nbformat 4) and import that"
        )
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(version, int) or not isinstance(cells, list):
        raise UsageError(
            f"{source}: JSON, but not a Jupyter notebook (it has no 'nbformat' and 'cells')"
        )
    if not cells:
        raise UsageError(f"{source}: a notebook with no cells")
    for c, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise UsageError(f"{source}: cell {c} is not a JSON object")
        text = cell.get("source", "")
        if not isinstance(text, str) and not (
            isinstance(text, list) and all(isinstance(s, str) for s in text)
        ):
            raise UsageError(f"{source}: cell {c}: its source is neither text nor a list of lines")
    return cells


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _language(metadata: dict[str, Any]) -> str:
    """The kernel's language: a shell's name, ``python``, or what another kernel says."""
    said = [
        _object(metadata.get("kernelspec")).get("language"),
        _object(metadata.get("language_info")).get("name"),
    ]
    languages = [s.strip().lower() for s in said if isinstance(s, str) and s.strip()]
    shell = next((lang for lang in languages if lang in _SHELL_KERNELS), None)
    return shell or (languages[0] if languages else "python")


def _outputs(outputs: object) -> list[str]:
    """What a code cell printed: its stream text and ``text/plain`` results, in order."""
    texts: list[str] = []
    for each in outputs if isinstance(outputs, list) else []:
        output = _object(each)
        kind = output.get("output_type")
        if kind == "stream":
            value = output.get("text")
        elif kind in ("execute_result", "display_data"):
            value = _object(output.get("data")).get("text/plain")
        else:
            continue
        text = value if isinstance(value, str) else ""
        if isinstance(value, list):
            text = "".join(s for s in value if isinstance(s, str))
        if text:
            texts.append(text if text.endswith("\n") else text + "\n")
    return _ANSI.sub("", "".join(texts)).splitlines()


class _Numbering:
    """The lines of each cell, numbered by the line of the file their string is on."""

    def __init__(self, located: dict[tuple[int, int], int] | None) -> None:
        self.located = located
        self.counted = 0  # lines counted through the cells (when strings cannot be located)

    def lines(self, cell: int, source: str | list[str]) -> Numbered:
        pieces = [source] if isinstance(source, str) else source
        starts: list[int] = []
        offset = 0
        for text in pieces:
            starts.append(offset)
            offset += len(text)
        out: Numbered = []
        offset = 0
        for line in "".join(pieces).splitlines(keepends=True):
            piece = bisect.bisect_right(starts, offset) - 1  # the string the line starts in
            offset += len(line)
            if self.located is not None:
                number = self.located.get((cell, piece), 0)
            else:
                number = self.counted + len(out) + 1
            out.append((number, line.splitlines()[0]))
        self.counted += len(out)
        return out


def _strings(value: object) -> int:
    """How many JSON strings a value is written with (its objects' keys too)."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            count += 1
        elif isinstance(item, dict):
            count += len(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _source_lines(text: str, doc: dict[str, Any]) -> dict[tuple[int, int], int] | None:
    """The line of the file each string of a cell's source is on, by (cell, piece); None
    when the file's strings are not the notebook's, one for one (a key given twice)."""
    wanted: dict[int, tuple[int, int]] = {}  # the index of a string in the file: its place
    index = 0
    for key, value in doc.items():
        index += 1
        if key != "cells":
            index += _strings(value)
            continue
        for c, cell in enumerate(value):
            for cell_key, cell_value in cell.items():
                index += 1
                if cell_key == "source":
                    pieces = [cell_value] if isinstance(cell_value, str) else cell_value
                    for k in range(len(pieces)):
                        wanted[index + k] = (c, k)
                index += _strings(cell_value)
    located: dict[tuple[int, int], int] = {}
    line, at, count = 1, 0, 0
    for count, match in enumerate(_JSON_STRING.finditer(text), start=1):
        if (place := wanted.get(count - 1)) is not None:
            line += text.count("\n", at, match.start())
            at = match.start()
            located[place] = line
    return located if count == index else None


# -- code: what is a command ---------------------------------------------------------------------


class _Cells:
    """The parts of a notebook (or of an exported page), and what is said of its cells."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.warnings: list[str] = []
        self.probe = Reader(markdown=True)  # (what looks like a command, by its program)
        #: the Python names the cells set to a string or a number (``ns = "red"``)
        self.names: set[str] = set()
        #: the names whose ``{name}`` was said written ``${name}`` (once a notebook)
        self.spelled: set[str] = set()

    def warn(self, line: int, cell: int | None, text: str) -> None:
        where = f"line {line}" if cell is None else f"line {line} (cell {cell})"
        self.warnings.append(f"{where}: {text}")

    def code(
        self, lines: Sequence[tuple[int, str]], cell: int | None, shell: bool, line: int
    ) -> bool:
        """A code cell (or a Python fence) as the parts of its commands; whether it has any.
        ``line``: where it starts (the fence of a page, the first line of a cell)."""
        rest = list(lines)
        while rest and not rest[0][1].strip():
            rest.pop(0)
        if not rest:
            return False
        if shell:
            return self._script(rest, line)
        number, first = rest[0]
        magic = _CELL_MAGIC.fullmatch(first)
        if magic is None:
            return self._python(rest, cell)
        name, words = magic[1], magic[2].split()
        program, options = _script_program(words) if name == "script" else (name, words)
        sudo = program in _AS_ROOT
        if sudo:  # %%script sudo bash: a shell cell whose every command runs as root
            program, options = _sudo_program(options)
        if program in _SHELL_MAGICS:
            if options:
                self.warn(number, cell, _options_unread(name, magic[2], options))
            if not sudo:
                return self._script(rest[1:], number)
            self.warn(
                number, cell, f"%%{name} {magic[2]}: read as a {program} cell run with sudo:"
                " each of its commands is imported with 'sudo' written before it"
            )  # fmt: skip
            return self._script(_with_sudo(rest[1:]), number)
        if name in _CODE_MAGICS:
            return self._python(rest[1:], cell)
        if name in _CAPTURE_MAGICS:
            self.warn(number, cell, f"%%{name}: Python keeps what it prints; not imported")
        elif name in _WRITE_MAGICS:
            self.warn(
                number, cell, f"%%{name} {magic[2]}: the file it writes is not imported (a"
                " command that uses it will not find it)"
            )  # fmt: skip
        elif body := [text for _, text in rest[1:] if text.strip()]:
            said = f"%%{name} {magic[2]}".rstrip()
            self.warn(
                number, cell, f"{said}: a cell magic iplab does not read; its {len(body)}"
                f" line{'s' * (len(body) != 1)} are not imported"
            )  # fmt: skip
        return False

    def shown(self, part: Part, cell: int) -> Part:
        """A part of a markdown cell: a code block is prose, shown, not run (the code cells
        run the commands; hunt G: a command a markdown cell showed ran as well as the code
        cell that runs it); said when it would have been a step. (A paragraph's commands
        are read as a page's are, unless a code cell runs them.)"""
        if part.kind != "code":
            return part
        found = commands_shown(part, self.probe)
        if found:
            number, text = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            self.warn(
                number, cell, f"{text!r}{more} is shown in a markdown cell: prose, not run"
                " (a notebook's code cells run its commands)"
            )  # fmt: skip
        return replace(part, shown=True)

    def printed(self, first: int, printed: Numbered, cell: int | None) -> None:
        """What a cell printed (its parts from ``first`` on), under its last command; when
        it says a command failed and the cell runs more than one, under the one the
        failure names (the only one holding a name it quotes: ``Cannot create namespace
        file "/run/netns/fe2"``), else under none, said (hunt G: ``RTNETLINK answers: File
        exists`` of a cell's second ``ip link add`` was pinned on its last line, ``ip link
        del``, which was made a teardown step that may fail)."""
        text = "\n".join(line for _, line in printed)
        runs = _statements(self.parts[first:])
        failed = ERROR_SHOWN.search(text)
        if failed is None or (len(runs) <= 1 and not _compound(self.parts[first:])):
            end = printed[0][0]
            self.parts.append(Part("code", end, printed[-1][0], info="output", body=printed))
            return
        quoted = {PurePath(name).name for name in re.findall(r'"([^"/\s][^"]*|/[^"]+)"', text)}
        named = [run for run in runs if quoted & set(run[2].split())]
        if len(named) != 1:
            said = text[failed.start() :].splitlines()[0].strip()
            self.warn(
                printed[0][0], cell, f"the cell prints a failure ({said!r}) and"
                f" runs {counted(len(runs), 'command')}; iplab cannot tell which failed: its"
                " output is given to none of them (the model reads each as succeeding)"
            )  # fmt: skip
            return
        index, row, _ = named[0]
        part = self.parts[first + index]
        before, after = part.body[: row + 1], part.body[row + 1 :]
        split = [replace(part, end=before[-1][0], body=before)]
        split.append(Part("code", before[-1][0], before[-1][0], info="output", body=printed))
        if after:
            split.append(replace(part, line=after[0][0], body=after))
        self.parts[first + index : first + index + 1] = split

    def _script(self, lines: Numbered, line: int) -> bool:
        """A shell cell: read as a ``bash`` block of a page."""
        if not any(text.strip() for _, text in lines):
            return False
        self.parts.append(Part("code", line, lines[-1][0], info="bash", body=lines))
        return True

    def _python(self, lines: Numbered, cell: int | None) -> bool:
        """A Python cell: its ``!`` lines, each a block of its own (so that no line of it is
        ever taken for what the one before printed), with the comments right above it. A
        line inside a triple-quoted string is the string's; in a console transcript
        (``In [1]: !ip a``), the lines after ``In [N]:`` and ``...:`` are the code."""
        found = False
        comments: Numbered = []
        lines = _transcript_code(lines)
        quoted: str | None = None  # the open triple quote of a string the lines are in
        i = 0
        while i < len(lines):
            number, text = lines[i]
            i += 1
            was_quoted, quoted = quoted, _string_state(text, quoted)
            if was_quoted is not None:
                continue  # (a line of a string: text, not code)
            text = _TIMED.sub("", text, count=1)  # %time !ip route: IPython runs the line
            escape = _ESCAPE.fullmatch(text)
            stripped = text.strip()
            if escape is None:
                if stripped.startswith("#"):
                    comments.append((number, stripped))
                elif stripped:
                    comments = []
                    self._python_line(number, cell, stripped)
                continue
            command = escape[2].strip()
            body = [(number, command)]
            while continues(command) and i < len(lines):  # (IPython joins them too)
                command = lines[i][1]
                body.append(lines[i])
                i += 1
            if not body[0][1] or body[0][1].startswith("#"):  # (runs nothing)
                comments = []
                continue
            if escape[1]:
                self.warn(
                    number, cell, f"{stripped!r} is inside Python code: imported once, as"
                    " written (Python may run it more than once, or not at all)"
                )  # fmt: skip
            spelled: list[str] = []
            for name in dict.fromkeys(_INTERPOLATED.findall(" ".join(t for _, t in body))):
                if name in self.names:  # ns = "red" above: IPython puts red here
                    body = [(n, t.replace(f"{{{name}}}", f"${{{name}}}")) for n, t in body]
                    spelled += [] if name in self.spelled else [name]
                    self.spelled.add(name)
                    continue
                self.warn(
                    number, cell, f"{{{name}}}: IPython puts a Python value here; kept as written"
                )
            if spelled:  # (hunt Z: the change was not said, and render is byte for byte)
                shown = ", ".join(f"{{{n}}} as ${{{n}}}" for n in spelled)
                self.warn(
                    number, cell, f"{shown}: written as bash spells the value a cell sets"
                    " (a script has no {...}), here and below: not the cell's text byte for byte"
                )  # fmt: skip
            said = self._comments(comments, body[0][1])
            comments = []
            self.parts.append(Part("code", number, body[-1][0], info="bash", body=said + body))
            found = True
        return found

    def _python_line(self, number: int, cell: int | None, line: str) -> None:
        """A line of Python: a warning when it runs a command iplab leaves out; a string or
        a number it names (``ns = "red"``), or ``%env NS=red``, a variable the ``!``
        lines after it may use (IPython puts ``$ns`` and ``{ns}`` there)."""
        if (literal := _PY_LITERAL.fullmatch(line)) or (literal := _ENV_SET.fullmatch(line)):
            value = literal["value"]
            if value[:1] in "'\"":
                value = value[1:-1]
            said = f"{literal['name']}={shlex.quote(value)}"
            self.names.add(literal["name"])
            self.parts.append(Part("code", number, number, info="bash", body=[(number, said)]))
            return
        if _ASSIGNED.match(line) or _CAPTURE.match(line):
            self.warn(number, cell, f"{line!r}: Python keeps what it prints; not imported")
        elif _ENV.match(line):
            self.warn(
                number, cell, f"{line!r}: a variable of the notebook's environment; not read"
                " (a command that uses it uses it as the shell has it)"
            )  # fmt: skip
        elif _PY_COMMAND.search(line):
            self.warn(
                number, cell, f"Python code is not read: {line!r} (only !-lines and %%bash"
                " cells are commands)"
            )  # fmt: skip

    def _comments(self, comments: Numbered, command: str) -> Numbered:
        """The comments above a command, read with it: none when it does not look like a
        command by itself, or when one of them does (a block with a ``# ip ...`` line and
        no other command would be read as typed at a root prompt)."""
        if not self.probe.looks_like_command(command):
            return []
        return [
            (number, text)
            for number, text in comments
            if not text.startswith("#!")
            and strip_prompt(text.lstrip("#").strip()) is None
            and not self.probe.looks_like_command(text.lstrip("#").strip())
        ]


def _string_state(line: str, quoted: str | None) -> str | None:
    """The triple quote left open after ``line`` (None: none), given the one open before it
    (a quick reading: a ``#`` outside a string ends the line's code)."""
    i = 0
    while i < len(line):
        three = line[i : i + 3]
        if quoted is not None:
            if three == quoted:
                quoted, i = None, i + 3
                continue
        elif three in ('"""', "'''"):
            quoted, i = three, i + 3
            continue
        elif line[i] == "#":
            break
        elif line[i] in "'\"":  # a one-line string: to its closing quote
            close = line.find(line[i], i + 1)
            i = len(line) if close < 0 else close + 1
            continue
        i += 1
    return quoted


def _transcript_code(lines: Numbered) -> Numbered:
    """The code of an IPython console transcript (``In [1]: !ip a`` and its ``...:``
    lines; the rest is what it printed); other lines as they are."""
    if not any(_IN_PROMPT.match(text.strip()) for _, text in lines):
        return list(lines)
    out: Numbered = []
    inside = False
    for number, text in lines:
        if prompt := _IN_PROMPT.match(text.strip()):
            out.append((number, prompt[1]))
            inside = True
        elif inside and (more := _MORE_PROMPT.fullmatch(text)):
            out.append((number, more[1]))
        else:
            inside = False
    return out


def _statements(parts: Sequence[Part]) -> list[tuple[int, int, str]]:
    """The top-level statements of a cell's command parts: the part's index, the row of
    the part's body the statement ends on, its text."""
    out: list[tuple[int, int, str]] = []
    for index, part in enumerate(parts):
        if part.info != "bash":
            continue
        root = shellread.parse("\n".join(text for _, text in part.body))
        for node in shellread.statements(root):
            if node.type != "variable_assignment":
                out.append((index, node.end_point[0], shellread.source(node)))
    return out


def _compound(parts: Sequence[Part]) -> bool:
    """A cell's command parts hold a loop, a condition, a list (``a && b``): more than one
    command, in one statement."""
    return any(
        node.type != "command"
        for part in parts
        if part.info == "bash"
        for node in shellread.statements(shellread.parse("\n".join(t for _, t in part.body)))
        if node.type != "variable_assignment"
    )


def _sudo_program(words: list[str]) -> tuple[str, list[str]]:
    """``sudo [options] PROGRAM [args]`` (the words after ``sudo``): the program's name, and
    the other words."""
    i = 0
    while i < len(words) and words[i].startswith("-") and words[i] != "--":
        i += 2 if words[i] in SUDO_VALUED else 1
    i += words[i : i + 1] == ["--"]
    if i >= len(words):
        return "", words
    return PurePath(words[i]).name, words[:i] + words[i + 1 :]


def _with_sudo(lines: Numbered) -> Numbered:
    """The lines of a cell run by ``sudo bash``, each command that is no shell builtin with
    ``sudo`` written before it (as a root shell's script is read: its commands, with the
    outer sudo); a command already under sudo, or inside ``$(...)``, as it is."""
    data = "\n".join(text for _, text in lines).encode()
    at: dict[int, list[int]] = {}
    stack = [shellread.parse_bytes(data)]
    while stack:
        node = stack.pop()
        if node.type == "command_substitution":
            continue
        name = node.child_by_field_name("name") if node.type == "command" else None
        if name is not None and shellread.source(name) not in _BUILTINS:
            at.setdefault(name.start_point[0], []).append(node.start_point[1])
        stack.extend(node.named_children)
    out: Numbered = []
    for row, (number, text) in enumerate(lines):
        line = text.encode()
        for column in sorted(at.get(row, []), reverse=True):
            line = line[:column] + b"sudo " + line[column:]
        out.append((number, line.decode()))
    return out


def _options_unread(name: str, written: str, options: list[str]) -> str:
    """The warning for a shell cell magic's options, which iplab does not read (hunt Z:
    "read as a script; its options are not" read as cut off)."""
    said = f"%%{name} {written}: read as a script; its options are not read ({' '.join(options)})"
    if "-s" in options:  # %%bash -s "$NS": the cell's $1, $2... are those words
        said += ": the arguments it passes ($1, $2...) are not known, their lines stay raw"
    return said


def _script_program(words: list[str]) -> tuple[str, list[str]]:
    """``%%script [options] PROGRAM [args]``: the program's name, and the other words."""
    i = 0
    while i < len(words) and words[i].startswith("-"):
        i += 2 if words[i] in _VALUED else 1
    if i >= len(words):
        return "", words
    return PurePath(words[i]).name, words[:i] + words[i + 1 :]


# -- Markdown ---------------------------------------------------------------------------------


def _lang(info: str) -> str:
    return (info.split() or [""])[0].lower().strip("{}.")
