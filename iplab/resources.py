"""Where the bundled templates and scenarios live.

A wheel carries them inside the package (``iplab/templates``, ``iplab/scenarios``,
see ``pyproject.toml``); a source checkout or an editable install has them at the
top of the repository.
"""

from __future__ import annotations

from pathlib import Path


def data_dir(name: str) -> Path:
    packaged = Path(__file__).resolve().parent / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name
