"""Files that hold a lab but are neither a page nor a shell script: refused, with the way
out.

A Makefile, a CI workflow, a playbook, a Vagrantfile, a Dockerfile, a Python or Go
program, an expect script, a terminal recording: read as a script, each of their lines was
a raw step (``.PHONY: up``, ``name: netns lab``, ``import os``), and a recipe's ``rm -rf
${OUT}/*`` is make's variable, which bash reads as empty. None of them is shell; each has
its own way to print the commands it runs, which iplab reads well (``make -n up down |
iplab import - --name lab``). Known by name, by extension, by an interpreter's ``#!``
line, or (a recording) by its header line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["not_a_script"]

#: how to get the commands out of each, said after what it is
_MAKE = (
    "print the commands its targets run and import those:"
    " make -n up down | iplab import - --name lab"
)
_COPY = "copy the shell commands it runs into a .sh file (or a Markdown page) and import that"
_NAMES = {
    "makefile": ("a Makefile", _MAKE),
    "gnumakefile": ("a Makefile", _MAKE),
    "justfile": ("a justfile", "print its recipes' commands: just --dry-run up | iplab import -"),
    "vagrantfile": ("a Vagrantfile (Ruby)", _COPY),
    "dockerfile": ("a Dockerfile", _COPY),
    "containerfile": ("a Containerfile", _COPY),
    "jenkinsfile": ("a Jenkinsfile (Groovy)", _COPY),
}
_SUFFIXES = {
    ".mk": ("a Makefile", _MAKE),
    ".yml": ("YAML (a workflow, a playbook, a compose file)", _COPY),
    ".yaml": (
        "YAML (a workflow, a playbook, a compose file; a scenario is run, not imported)",
        _COPY,
    ),
    ".json": ("JSON", _COPY),
    ".toml": ("TOML", _COPY),
    ".cast": (
        "a terminal recording (asciinema)",
        "play it as text and import that: asciinema cat FILE > lab.txt",
    ),
    ".py": ("a Python program", _COPY),
    ".exp": ("an expect program", _COPY),
    ".go": ("a Go program", _COPY),
    ".rs": ("a Rust program", _COPY),
    ".rb": ("a Ruby program", _COPY),
    ".pl": ("a Perl program", _COPY),
    ".js": ("a JavaScript program", _COPY),
    ".ts": ("a TypeScript program", _COPY),
    ".tf": ("a Terraform file", _COPY),
    ".nix": ("a Nix file", _COPY),
    ".ps1": ("a PowerShell script", _COPY),
    ".bat": ("a Windows batch file", _COPY),
    ".cmd": ("a Windows batch file", _COPY),
    ".dockerfile": ("a Dockerfile", _COPY),
}
#: ``#!/usr/bin/env python3``, ``#!/usr/bin/make -f``: an interpreter that is no shell
_SHEBANG = re.compile(r"\ufeff?#!\s*(?:\S*/)?(?:env\s+(?:-\S+\s+)*)?(\S+)")
_SHELLS = re.compile(r"(?:ba|da|k|z|mk|a|yash|busybox\s)?sh\d*(?:\.\d+)*")
_MAKE_TARGETS = re.compile(r"^\.PHONY\s*:", re.M)


def _asciicast(text: str) -> bool:
    """An asciinema recording by its content: a header line (a JSON object with the
    format's ``version`` and the terminal's ``width`` or ``term``), then ``[time, "o",
    "..."]`` lines (hunt G: one not named ``.cast`` was read as a script, 356 raw steps)."""
    lines = [line for line in text.lstrip("\ufeff").splitlines()[:2] if line.strip()]
    try:
        header = json.loads(lines[0]) if lines else None
        event = json.loads(lines[1]) if len(lines) > 1 else []
    except json.JSONDecodeError:
        return False
    return (
        isinstance(header, dict)
        and header.get("version") in (1, 2, 3)
        and ("width" in header or "term" in header)
        and isinstance(event, list)
    )


def not_a_script(path: str, text: str) -> str | None:
    """Why the file is refused (what it is, and the way out), or None: a page or a script."""
    name = Path(path).name.lower()
    said = _NAMES.get(name) or _SUFFIXES.get(Path(name).suffix)
    if said is None and (shebang := _SHEBANG.match(text)):
        interpreter = Path(shebang[1]).name
        if not _SHELLS.fullmatch(interpreter):
            article = "an" if interpreter[:1].lower() in "aeiou" else "a"
            said = (
                f"{article} {interpreter} program (its #! line)",
                _MAKE if interpreter == "make" else _COPY,
            )
    if said is None and _asciicast(text):
        what, way = _SUFFIXES[".cast"]
        said = (f"{what}, by its header line", way)
    if said is None and _MAKE_TARGETS.search(text) and not text.lstrip().startswith("#!"):
        said = ("a Makefile (.PHONY)", _MAKE)
    if said is None:
        return None
    what, way = said
    return f"{path}: {what}: not a shell script or a page, not read; {way}"
