"""Output that several stages share: the export formats, and writing a text to a file or stdout."""

from __future__ import annotations

import sys
from pathlib import Path

from iplab.errors import UsageError

EXPORT_FORMATS = ("text", "script", "markdown")


def write_text(text: str, output: Path | None) -> None:
    """To ``output`` (a script is made executable), or to stdout (also for ``-o -``, as
    ``-`` is standard input for the input: hunt AH, a file named ``-`` was written)."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    if text.startswith("#!"):
        output.chmod(0o755)
