"""The package's shape, read from its source with ``ast``: imports flow one way (no cycle,
lazy imports inside functions included), only the command line imports ``iplab.cli``, and
only ``iplab/runner.py`` starts processes.

An import under ``if TYPE_CHECKING:`` never runs: it names a type for mypy, and is not
counted (the model's rules name :class:`iplab.state.State` so, see iplab/model.py). A
module's parent package is imported by Python before it, and is not counted either: a
package's ``__init__`` gathers its modules, which never import it back by name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "iplab"

#: the only module that may start a process (ARCHITECTURE.md: every process is bounded and
#: audited); a module that must start one some other way would be listed here with its reason
PROCESS_STARTERS: dict[str, str] = {
    "iplab.runner": "the one funnel: time limits, Ctrl-C, the audit log",
}
#: modules whose import gives a way to start a process
PROCESS_MODULES = {"subprocess", "sh", "multiprocessing", "pty", "asyncio.subprocess", "pexpect"}
#: functions of ``os`` that start a process, and names that do wherever they come from
PROCESS_OS = {"fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp"}
PROCESS_OS_PREFIXES = ("exec", "spawn")
PROCESS_NAMES = {"Popen", "create_subprocess_exec", "create_subprocess_shell"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported (a package's __init__ for `from pkg import name`)
    line: int
    lazy: bool  # inside a function


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node that runs (not the body of ``if TYPE_CHECKING:``), and whether it is
    inside a function."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _type_checking(child.test):
            for other in child.orelse:
                yield other, in_function
                yield from _walk(other, in_function)
            continue
        inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        yield child, inner
        yield from _walk(child, inner)


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module of ours that ``name`` (a dotted module path) is, or None."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, known: dict[str, Path]) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[Import] = []
    for node, lazy in _walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from iplab import plan` imports the module iplab.plan
                sub = f"{base}.{alias.name}"
                targets.append(sub if sub in known else base)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets = [node.args[0].value]
        for target in targets:
            ours = _resolve(target, known)
            if ours is not None and ours != module:
                out.append(Import(module, ours, node.lineno, lazy))  # type: ignore[attr-defined]
    return out


def import_graph() -> dict[str, list[Import]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, list[Import]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for edge in graph.get(node, []):
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in on_stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _edges_within(component: list[str], graph: dict[str, list[Import]]) -> list[str]:
    members = set(component)
    edges = (
        f"{e.module} -> {e.target} (line {e.line}{', lazy' if e.lazy else ''})"
        for name in component
        for e in graph[name]
        if e.target in members
    )
    return list(dict.fromkeys(edges))  # one line per import statement


def test_no_import_cycle() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(
        "  " + "; ".join(_edges_within(c, graph)) for c in found
    )


def test_the_cycle_finder_finds_a_lazy_cycle() -> None:
    """The checker itself: a function-level import that closes a loop is a cycle."""
    graph = {
        "a": [Import("a", "b", 1, lazy=False)],
        "b": [Import("b", "c", 1, lazy=False)],
        "c": [Import("c", "a", 9, lazy=True)],
        "d": [Import("d", "a", 1, lazy=False)],
    }
    assert cycles(graph) == [["a", "b", "c"]]


def test_lazy_and_type_only_imports_are_told_apart(tmp_path: Path) -> None:
    source = tmp_path / "iplab_probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from iplab import plan\n"
        "if TYPE_CHECKING:\n"
        "    from iplab.state import State\n"
        "def f():\n"
        "    from iplab.cli import parser\n"
        "    import importlib\n"
        "    importlib.import_module('iplab.graph')\n",
        encoding="utf-8",
    )
    found = imports_of("probe", source, modules())
    assert [(i.target, i.lazy) for i in found] == [
        ("iplab.plan", False),
        ("iplab.cli.parser", True),
        ("iplab.graph", True),
    ]


def test_only_the_command_line_imports_cli() -> None:
    offenders = [
        f"{e.module} imports {e.target} (line {e.line})"
        for edges in import_graph().values()
        for e in edges
        if e.target.startswith("iplab.cli")
        and not (e.module == "iplab.cli" or e.module.startswith("iplab.cli."))
        # `python3 -m iplab` and the console script's target: the command line itself
        and e.module not in ("iplab.__main__", "iplab._console")
    ]
    assert not offenders, "\n".join(offenders)


def process_starts(path: Path) -> list[str]:
    """Where the module can start a process: imports of process modules, ``os`` calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[str] = []
    for node, _ in _walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            out += [f"{line}: import {a.name}" for a in node.names if a.name in PROCESS_MODULES]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            if node.module in PROCESS_MODULES:
                out.append(f"{line}: from {node.module} import ...")
            elif node.module == "os":
                out += [
                    f"{line}: from os import {a.name}"
                    for a in node.names
                    if a.name in PROCESS_OS or a.name.startswith(PROCESS_OS_PREFIXES)
                ]
        elif isinstance(node, ast.Attribute):
            if (
                isinstance(node.value, ast.Name)
                and node.value.id == "os"
                and (node.attr in PROCESS_OS or node.attr.startswith(PROCESS_OS_PREFIXES))
            ) or node.attr in PROCESS_NAMES:
                out.append(f"{line}: {ast.unparse(node)}")
        elif isinstance(node, ast.Name) and node.id in PROCESS_NAMES:
            out.append(f"{line}: {node.id}")
    return out


def test_only_the_runner_starts_processes() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{where}"
        for name, path in modules().items()
        if name not in PROCESS_STARTERS
        for where in process_starts(path)
    ]
    assert not offenders, "only iplab/runner.py starts processes:\n" + "\n".join(offenders)


def test_the_process_finder_sees_each_way(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "import os, subprocess\nfrom os import execvp\nimport sh\n"
        "def f():\n    os.fork()\n    subprocess.Popen(['x'])\n    os.posix_spawn('x', [], {})\n",
        encoding="utf-8",
    )
    assert [w.split(":")[0] for w in process_starts(source)] == ["1", "2", "3", "5", "6", "7"]
    assert process_starts(PACKAGE / "runner.py"), "the runner starts processes: the finder sees it"


#: a module longer than this holds more than one job, unless its docstring says why not
MAX_LINES = 400
WHY_LONG = "Why this module is long:"


def long_without_reason() -> list[str]:
    out = []
    for path in modules().values():
        text = path.read_text(encoding="utf-8")
        count = len(text.splitlines())
        if count <= MAX_LINES:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if not any(line.startswith(WHY_LONG) for line in doc.splitlines()):
            out.append(f"{path.relative_to(REPO)}: {count} lines")
    return out


def test_a_long_module_says_why() -> None:
    long = long_without_reason()
    assert not long, (
        f"over {MAX_LINES} lines: split it by job, or say in its docstring, on a line "
        f"starting {WHY_LONG!r}, why it reads best whole:\n" + "\n".join(long)
    )
