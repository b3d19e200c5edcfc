"""Writing a figure: the formats, and Graphviz's ``dot`` for images.

:func:`render` is the only place a picture starts a process, and it does so through
:class:`~iplab.runner.Runner` (the caller's runner, whose hook writes the audit log).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Literal

from iplab import options
from iplab.errors import IplabError, UsageError
from iplab.graph.dot import to_dot
from iplab.graph.mermaid import to_mermaid
from iplab.graph.picture import Figure
from iplab.runner import Runner

Format = Literal["dot", "mmd", "svg", "png"]
FORMATS: tuple[Format, ...] = ("dot", "mmd", "svg", "png")
#: formats that need Graphviz's dot to draw
IMAGE_FORMATS: tuple[Format, ...] = ("svg", "png")
SUFFIXES: dict[str, Format] = {
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mmd",
    ".mermaid": "mmd",
    ".svg": "svg",
    ".png": "png",
}
PNG_DPI = 144


def text_of(fig: Figure, fmt: Format) -> str:
    """The source to write (.mmd) or to give to dot (every other format)."""
    return to_mermaid(fig) if fmt == "mmd" else to_dot(fig)


class GraphvizMissing(UsageError):
    """Graphviz's dot is needed to draw .svg or .png and is not installed."""


def missing(fmt: str) -> GraphvizMissing:
    """The error for a format that needs dot, when dot is not installed."""
    return GraphvizMissing(
        f"drawing .{fmt} needs Graphviz's dot, which is not on PATH",
        hint="install the package graphviz (apt-get install graphviz), "
        "or write .dot or .mmd instead",
    )


def dot_path() -> str | None:
    """Where Graphviz's dot is, if it is on PATH."""
    return shutil.which("dot")


def dot_argv(fmt: Format, output: Path) -> list[str]:
    extra = [f"-Gdpi={PNG_DPI}"] if fmt == "png" else []
    return ["dot", f"-T{fmt}", *extra, "-o", str(output)]


def render(source: str, fmt: Format, dest: Path, runner: Runner) -> None:
    """Draw DOT ``source`` into ``dest`` with dot (written whole, or not at all)."""
    if dot_path() is None:
        raise missing(fmt)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        result = runner.execute(
            dot_argv(fmt, tmp),
            privileged=False,
            stdin=source,
            meta={"kind": "render", "text": f"dot -T{fmt} -o {dest}"},
        )
        if result.rc == 127:
            raise missing(fmt)
        if not result.ok:
            detail = (result.stderr.strip() or "(no output)").splitlines()[0]
            raise IplabError(f"dot failed (exit {result.rc}) drawing {dest}: {detail}")
        _warn_if_shrunk(tmp, fmt)
        os.replace(tmp, dest)
    except OSError as exc:
        raise UsageError(f"cannot write {dest}: {exc.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)


#: cairo's largest side: dot shrinks a bigger PNG to fit, and its text becomes unreadable
PNG_MAX_SIDE = 32767


def png_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from the start of a PNG file, or None when it is not one."""
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _warn_if_shrunk(path: Path, fmt: Format) -> None:
    if fmt != "png":
        return
    with path.open("rb") as f:
        size = png_size(f.read(24))
    if size is not None and max(size) >= PNG_MAX_SIDE - 1:
        sys.stderr.write(
            "iplab: warning: the picture is too large for a PNG and was shrunk to fit; "
            "draw it as .svg to read it\n"
        )


def write_figure(fig: Figure, fmt: Format, dest: Path | None, runner: Runner) -> None:
    """Write a figure to ``dest`` (None: stdout) in ``fmt``."""
    source = text_of(fig, fmt)
    if fmt not in IMAGE_FORMATS:
        options.write_text(source, dest)
        return
    if dest is not None:
        render(source, fmt, dest, runner)
        return
    if fmt == "png" and sys.stdout.isatty():
        raise UsageError("not writing a PNG image to the terminal", hint="use -o FILE.png")
    with tempfile.TemporaryDirectory(prefix="iplab-graph-") as tmp:
        path = Path(tmp) / f"graph.{fmt}"
        render(source, fmt, path, runner)
        sys.stdout.flush()
        sys.stdout.buffer.write(path.read_bytes())
        sys.stdout.buffer.flush()
