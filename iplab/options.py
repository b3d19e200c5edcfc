"""Output that several stages share: the export formats, and writing a text to a file or stdout."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from iplab.errors import UsageError

EXPORT_FORMATS = ("text", "script", "markdown")


def write_text(text: str, output: Path | None, *, read_from: Path | None = None) -> None:
    """To ``output`` (a script is made executable), or to stdout (also for ``-o -``, as
    ``-`` is standard input for the input: hunt AH, a file named ``-`` was written). To
    stdout as to a file, the text is UTF-8, whatever the stream's encoding (:func:`to_stdout`).

    ``read_from``: the file the text was made from (the page imported, the scenario
    rendered): an ``output`` that is that file is refused before anything is written
    (hunt BN: ``iplab import lab.md -o lab.md`` replaced the tutorial with its scenario,
    ``iplab render lab.yaml -o lab.yaml`` the scenario with its lines)."""
    if output is None or str(output) == "-":
        to_stdout(text)
        return
    if read_from is not None and _same_file(output, read_from):
        instead = (
            "" if output.suffix in (".yaml", ".yml") else f": -o {output.with_suffix('.yaml')}"
        )
        raise UsageError(
            f"-o {output}: that is the file iplab reads ({read_from}); writing it would replace it",
            hint=f"write to another file{instead}",
        )
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    if text.startswith("#!"):
        output.chmod(0o755)


def _same_file(output: Path, source: Path) -> bool:
    """``output`` names ``source`` (the same path, a link to it, a hard link)."""
    try:
        return output.samefile(source)
    except OSError:  # (either one does not exist yet, or cannot be looked at)
        return False


def to_stdout(text: str) -> None:
    """Write a script, a page or a scenario to stdout as the page's bytes (UTF-8, as ``-o
    FILE`` writes it), not in the stream's encoding: with ``PYTHONIOENCODING=ascii``, the
    messages' escaping made ``alias "café"`` of a page ``alias "caf\\xe9"`` in ``iplab render
    lab.yaml > setup.sh``, another command that ran without a word (hunt CC), and in a
    latin-1 locale é was one byte, not the page's two."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None) or "utf-8"
    if buffer is None or codecs.lookup(encoding).name == "utf-8":
        stream.write(text)
        return
    stream.flush()
    buffer.write(text.encode("utf-8", "surrogateescape"))
    buffer.flush()
