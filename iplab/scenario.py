"""Scenario files: load and validate; the steps are expanded by :mod:`iplab.expand` (variables,
loops, blocks), each read by its action's builder (:mod:`iplab.actions`).

A scenario is YAML (see docs/scenario-format.md)::

    name: container-networking-part2
    sudo: auto
    vars: {n: 2}
    setup:
      - title: Create a network namespace
        action: netns add
        name: ns1
    teardown:
      - action: netns del
        name: ns1

String values may use Jinja (``"ns{{ i }}"``) with the ``vars`` and the loop
variable in scope; a step (or a block of ``steps``) may carry ``loop`` and
``when``. Everything is validated here, before anything is rendered or run,
and every error names the file, the line and the field.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import Any, Literal

from iplab import names
from iplab.errors import Location, ScenarioError
from iplab.fields import MISSING, Fields
from iplab.records import Record, frozen
from iplab.steps import (
    Step,
)

SudoPolicy = Literal["auto", "always", "never"]
#: the largest scenario file read
MAX_FILE_BYTES = 1 << 20


@frozen
class Scenario(Record):
    path: str
    sha256: str
    name: str
    title: str | None = None
    description: str | None = None
    source: str | None = None
    #: every file ``source:`` names: the setup's, then the cleanup's (a lab imported from
    #: two files, ``source: [setup.sh, teardown.sh]``); ``source`` is the first
    sources: tuple[str, ...] = ()
    sudo: SudoPolicy = "never"
    vars: dict[str, Any] = field(default_factory=dict)
    setup: tuple[Step, ...] = ()
    teardown: tuple[Step, ...] = ()

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.setup + self.teardown


# -- loading ----------------------------------------------------------------------------------


#: what a scenario's text gives Jinja to read: its expressions and statements
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def parse_var_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """``--var n=3`` pairs; each value is read as a YAML scalar (3 is a number)."""
    from iplab import yamlio

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ScenarioError(f"--var wants NAME=VALUE, found {pair!r}", Location("--var"))
        try:
            out[key.strip()] = yamlio.load_text(value, "--var") if value else ""
        except ScenarioError as exc:  # (hunt AX: '--var:1: invalid YAML', no value named)
            raise ScenarioError(
                f"--var {pair}: the value is read as YAML: {exc.message}",
                hint=f"""for the text as it is, quote it: --var '{key.strip()}="{value}"'""",
            ) from None
    return out


def _in_order(exc: ScenarioError, key: str, keys: list[str], value: str) -> ScenarioError:
    """A variable that uses one written below it: said with the order vars are read in
    (hunt AX: ``n: "{{ m }}"`` above ``m: 3`` was "'m' is undefined" alone)."""
    later = keys[keys.index(key) + 1 :]
    used = next((k for k in later if re.search(rf"\b{re.escape(k)}\b", value)), None)
    if used is None or exc.hint is not None:
        return exc
    hint = f"vars are read in order, and {used} is set below {key}: move {used} above it"
    return ScenarioError(exc.message, exc.loc, hint)


def load_text(text: str, file: str, overrides: dict[str, Any] | None = None) -> Scenario:
    try:
        return _load_text(text, file, overrides)
    except ScenarioError:
        if (page := not_a_scenario(file, text)) is not None:
            raise page from None
        raise


#: what a file named so is, when it does not load as a scenario: a page to import first
_PAGES = {
    **dict.fromkeys((".md", ".markdown", ".mdown", ".mkd"), "a Markdown page"),
    **dict.fromkeys((".html", ".htm", ".xhtml"), "a web page"),
    **dict.fromkeys((".rst", ".rest"), "a reStructuredText page"),
    **dict.fromkeys((".adoc", ".asciidoc"), "an AsciiDoc page"),
    ".ipynb": "a Jupyter notebook",
    **dict.fromkeys((".sh", ".bash"), "a shell script"),
    ".txt": "a page of text",
}


def not_a_scenario(file: str, text: str) -> ScenarioError | None:
    """The error for a tutorial given where a scenario goes (``iplab run lab.md``), which
    said what YAML made of the page ("lab.md:3: missing required field 'name'", a sentence
    ending in ':' read as a key, "invalid YAML: found character '`'") and not that a page
    is imported first (hunt BN); None for a file that is a scenario with a mistake (YAML
    with a 'name', 'setup' or 'topology', whatever it is named), which keeps its error."""
    from iplab import yamlio

    what = _PAGES.get(Path(file).suffix.lower())
    head = text.lstrip("\ufeff").lstrip()
    if what is None and head.startswith("#!"):
        what = "a shell script"
    elif what is None and re.match(r"<!doctype html|<html[\s>]", head, re.IGNORECASE):
        what = "a web page"
    if what is None:
        return None
    try:
        doc = yamlio.load_text(text, file)
    except ScenarioError:
        doc = None
    if isinstance(doc, dict) and {"name", "setup", "topology"} & {str(k) for k in doc}:
        return None
    lab = Path(file).with_suffix(".yaml").name
    return ScenarioError(
        f"{what}, not a scenario",
        Location(file),
        f"make one of it first: iplab import {file} -o {lab}, then use {lab}",
    )


def _load_text(text: str, file: str, overrides: dict[str, Any] | None) -> Scenario:
    # the loader's own modules (YAML, Jinja) are imported when a scenario is loaded: a
    # command whose scenario is kept in iplab.memo never imports them
    from iplab import yamlio
    from iplab.expand import Expander

    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(
            f"{len(text)} characters: a scenario is at most {MAX_FILE_BYTES} bytes",
            Location(file),
        )
    doc = yamlio.load_text(text, file)
    if not isinstance(doc, yamlio.YMap):
        raise ScenarioError(
            "a scenario must be a YAML mapping with 'name' and 'setup'", Location(file, 1)
        )
    top = Location(file, doc.line)
    identity = lambda v, _loc: v  # noqa: E731 - top-level fields hold no Jinja
    f = Fields(doc, top, identity)
    name = f.text("name", required=True)
    assert name is not None
    if problem := names.netns_name_problem(name):
        f.fail("name", problem.replace("namespace name", "scenario name"))
    variables: dict[str, Any] = {}
    raw_vars = f.raw("vars")
    if raw_vars is not MISSING and raw_vars is not None:
        if not isinstance(raw_vars, yamlio.YMap):
            f.fail("vars", "must be a mapping of names to values")
        expander = Expander(file, variables)
        for key, value in raw_vars.items():
            loc = Location(file, raw_vars.line_of(key), f"vars.{key}")
            if not key.isidentifier():
                raise ScenarioError(f"variable name {key!r} is not an identifier", loc)
            try:
                variables[key] = yamlio.plain(expander.value(value, dict(variables), loc))
            except ScenarioError as exc:
                raise _in_order(exc, key, list(raw_vars), str(value)) from None
    for key, value in (overrides or {}).items():
        if key not in variables and not any(
            re.search(rf"\b{re.escape(key)}\b", used) for used in _JINJA.findall(text)
        ):  # a name the scenario neither declares nor uses: a typo (N for n) changed nothing
            known = ", ".join(variables) or "none"
            raise ScenarioError(
                f"--var {key}: the scenario has no variable {key} (its variables: {known})",
                Location(file),
            )
        variables[key] = value
    expander = Expander(file, variables)
    policy = f.choice("sudo", ("auto", "always", "never"), "never")
    if not f.has("setup") and not f.has("topology"):
        f.missing("setup", " (a list of steps; or a 'topology')")
    f.used.update({"setup", "teardown", "topology"})
    setup = expander.steps(
        doc.get("setup"), "setup", "setup", dict(variables), doc.line_of("setup")
    )
    teardown = expander.steps(
        doc.get("teardown"), "teardown", "teardown", dict(variables), doc.line_of("teardown")
    )
    if f.has("topology"):
        from iplab import topology

        where = Location(file, doc.line_of("topology"))
        scope = dict(variables)
        topo = topology.parse(
            doc["topology"], where.at("topology"), lambda v, loc: expander.value(v, scope, loc)
        )
        topo_setup, topo_teardown = topology.plan(topo, where)
        setup = topo_setup + setup
        teardown = teardown + topo_teardown
    sources = f.texts("source", 2)
    scenario = Scenario(
        path=file,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        name=name,
        title=f.text("title"),
        description=f.text("description"),
        source=sources[0] if sources else None,
        sources=sources,
        sudo=policy,  # type: ignore[arg-type]
        vars=variables,
        setup=tuple(setup),
        teardown=tuple(teardown),
    )
    f.finish()
    return scenario


def bundled_dir() -> Path:
    """The scenarios shipped with iplab (inside the wheel, or the checkout's scenarios/)."""
    from iplab.resources import data_dir

    return data_dir("scenarios")


def resolve(path_or_name: str) -> Path:
    """A scenario path, or the name of a bundled scenario (with or without .yaml)."""
    path = Path(path_or_name)
    if path.exists() or "/" in path_or_name:
        return path
    for candidate in (path_or_name, f"{path_or_name}.yaml"):
        bundled = bundled_dir() / candidate
        if bundled.is_file():
            return bundled
    return path


def _missing(path: Path) -> str:
    """What a scenario not found may have been meant as: a bundled scenario or a file beside
    it whose name is close (hunt BN: ``iplab run container-networking-prt2``, ``lab.yml``
    for ``lab.yaml``), then the bundled scenarios."""
    import difflib

    bundled = sorted(p.stem for p in bundled_dir().glob("*.yaml"))
    try:
        beside = sorted(
            str(path.parent / p.name) if path.parent != Path() else p.name
            for p in path.parent.iterdir()
            if p.suffix in (".yaml", ".yml") and p.is_file()
        )
    except OSError:
        beside = []
    close = difflib.get_close_matches(str(path), [*beside, *bundled], n=1, cutoff=0.75)
    meant = f"did you mean {close[0]}? " if close else ""
    return f"{meant}bundled scenarios: {', '.join(bundled)}"


def loaded(path: str, text: str, pairs: tuple[str, ...]) -> Scenario:
    """:func:`load_text` of a file's ``text`` with its ``--var`` pairs, kept in
    :mod:`iplab.memo` under the text's bytes and the pairs, never the prefix: a lab run
    again under another prefix (a test's, a benchmark's) loads no YAML (star-500: 0.05 s
    of YAML and expansion, 6 ms to load back)."""
    from iplab import memo

    entry = memo.key("scenario", path, hashlib.sha256(text.encode()).hexdigest(), pairs)
    kept = memo.get("scenarios", entry)
    if isinstance(kept, Scenario) and kept.path == path:
        return kept
    made = load_text(text, path, parse_var_overrides(pairs))
    memo.put("scenarios", entry, made)
    return made


def load(path_or_name: str, overrides: dict[str, Any] | None = None) -> Scenario:
    path, text = read(path_or_name)
    return load_text(text, str(path), overrides)


def read(path_or_name: str) -> tuple[Path, str]:
    """A scenario file's path and text (at most :data:`MAX_FILE_BYTES`, UTF-8)."""
    path = resolve(path_or_name)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ScenarioError(
                f"larger than {MAX_FILE_BYTES} bytes: not a scenario iplab will read",
                Location(str(path)),
            )
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError("no such scenario file", Location(str(path)), _missing(path)) from None
    except IsADirectoryError:
        raise ScenarioError("is a directory, not a scenario file", Location(str(path))) from None
    except UnicodeDecodeError as exc:  # (the line and the byte: hunt EB, a latin-1 file)
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}: {exc.reason}); save it as"
            " UTF-8 (an editor's encoding setting, or iconv -f ENCODING -t UTF-8)",
            Location(str(path), line),
        ) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror}", Location(str(path))) from None
    return path, text
