"""Where a step of an imported lab was written: the source script's file and line.

An imported scenario names its input in ``source:`` and keeps each step's command as the
input has it; an error about a step names the scenario's line (``lab.yaml:204``), a line
the user did not write (hunt EE: ``echo_run ip netns exec h1 ...``, line 55 of
``2hosts_1router.sh``, refused as ``dy06.yaml:204``). :func:`written_at` finds the line of
the source that holds the step's command, so the error names both.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from iplab import yamlio
from iplab.errors import IplabError, Location

#: a step's path in a scenario: setup[2], setup[2].steps[28]
_STEP = re.compile(r"^(setup|teardown)((?:\[\d+\])(?:\.steps\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")
#: what may stand before and after a command on a script's line
_BEFORE = " \t;(){}|&!`$"
_AFTER = " \t;(){}|&#`"
#: the most lines named when the command is written on several
_NAMED = 3


def _step(doc: Any, field: str) -> Any:
    """The scenario's mapping of the step at ``field``, or None."""
    found = _STEP.match(field)
    if found is None or not isinstance(doc, dict):
        return None
    item: Any = doc.get(found.group(1))
    for depth, index in enumerate(int(i) for i in _INDEX.findall(found.group(2))):
        if depth:
            item = item.get("steps") if isinstance(item, dict) else None
        if not isinstance(item, list) or index >= len(item):
            return None
        item = item[index]
    return item if isinstance(item, dict) else None


def _holds(line: str, text: str) -> bool:
    """``line`` runs ``text``: the whole line, or the text between a shell's separators."""
    start = line.find(text)
    while start >= 0:
        end = start + len(text)
        if (start == 0 or line[start - 1] in _BEFORE) and (end == len(line) or line[end] in _AFTER):
            return True
        start = line.find(text, start + 1)
    return False


def lines_of(source: str, text: str) -> list[int]:
    """The lines (1-based) of ``source`` that run ``text`` (its first line)."""
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not first:
        return []
    return [n for n, line in enumerate(source.splitlines(), 1) if _holds(line.strip(), first)]


def _source_file(scenario: Path, named: str) -> Path | None:
    """The file ``source:`` names, as reached from here: an absolute path as it is, a
    relative one from the scenario's folder (what ``import -o`` writes), else from the
    current folder (a scenario written to stdout, or by an older iplab: the path as given
    to ``import``). Hunt EJ: the current folder came first, and the scenario's folder was
    reached by a path given from elsewhere."""
    if "://" in named or not named:
        return None
    candidates = [Path(named)] if Path(named).is_absolute() else [scenario.parent / named]
    for candidate in [*candidates, Path(named)]:
        if candidate.is_file():
            return candidate
    return None


def _rendered(loc: Location) -> str | None:
    """The command line of the step at ``loc`` as iplab renders it (a typed step's fields)."""
    from iplab import render, scenario

    try:
        loaded = scenario.load(loc.file)
        steps = [s for s in loaded.setup + loaded.teardown if s.loc.field == loc.field]
        return render.renderer().text(steps[0].op) if steps else None
    except IplabError:
        return None


def written_at(loc: Location) -> str | None:
    """``script.sh:55``: where the step ``loc`` names was written in the scenario's source
    (several lines: ``script.sh:55, 60``; a lab imported from two files, ``source:
    [setup.sh, teardown.sh]``: a setup step's in the first, a teardown step's in the
    second), the source's path as reached from here (the
    scenario's folder joined to a relative ``source:``), or None (no source, not found)."""
    if not loc.field or not loc.file.endswith((".yaml", ".yml")):
        return None
    scenario = Path(loc.file)
    try:
        doc = yamlio.load_text(scenario.read_text(encoding="utf-8"), loc.file)
    except (OSError, UnicodeDecodeError, IplabError):
        return None
    named = doc.get("source") if isinstance(doc, dict) else None
    if isinstance(named, list) and named:  # (two files: the setup's, the cleanup's: hunt EW)
        named = named[-1] if loc.field.startswith("teardown") else named[0]
    step = _step(doc, loc.field)
    if not isinstance(named, str) or step is None:
        return None
    text = step.get("command", step.get("line")) or _rendered(loc)
    source = _source_file(scenario, named)
    if not isinstance(text, str) or source is None:
        return None
    try:
        written = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    lines = lines_of(written, text)
    outer = _step(doc, loc.field.rsplit(".steps[", 1)[0]) if ".steps[" in loc.field else None
    script = outer.get("script") if outer is not None else None
    if not lines and isinstance(script, str):  # (its line as written: ``"$NETNS-veth0"``)
        lines = lines_of(written, script)
    if not lines:
        return None
    shown = ", ".join(map(str, lines[:_NAMED])) + (", ..." if len(lines) > _NAMED else "")
    return f"{source}:{shown}"


def located(exc: IplabError) -> IplabError:
    """``exc`` with its step's source line named (the same error when none is found)."""
    if exc.loc is None or exc.loc.written is not None:
        return exc
    where = written_at(exc.loc)
    if where is not None:
        exc.loc = Location(exc.loc.file, exc.loc.line, exc.loc.field, where)
    return exc
