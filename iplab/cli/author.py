"""``iplab render``, ``check``, ``scenarios``, ``import``: scenarios as text, no kernel."""

from __future__ import annotations

import argparse
import codecs
import collections
import io
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from iplab import options
from iplab.errors import IplabError, UsageError
from iplab.plurals import counted

if TYPE_CHECKING:  # the stages are imported by the commands that use them: a quick start-up
    from iplab.importer.convert import Cleanup
    from iplab.importer.reader import Kind
    from iplab.plan import Plan


def load_plan(args: argparse.Namespace, strict_claims: bool = True, lenient: bool = False) -> Plan:
    from iplab import plan

    prefix = getattr(args, "prefix", "")
    loaded = plan.load(
        args.scenario, args.var, prefix, args.templates, strict_claims, lenient=lenient
    )
    warn(loaded)
    return loaded


def warn(plan: Plan) -> None:
    """What the model objects to without refusing: one line each on stderr, the same line
    once (a star of 5,000 around one bridge said its limit for each of 3,977 ports)."""
    said = collections.Counter(str(w) for w in plan.warnings)
    for warning, times in said.items():
        more = f" ({times} times)" if times > 1 else ""
        sys.stderr.write(f"iplab: warning: {warning}{more}\n")


def cmd_render(args: argparse.Namespace) -> int:
    from iplab import export

    plan = load_plan(args, lenient=True)  # a text job: every line, objections as warnings
    which = "setup" if args.setup else "teardown" if args.teardown else "all"
    options.write_text(
        export.export(plan, args.format, which), args.output, read_from=Path(plan.scenario.path)
    )
    return 0


#: the most namespaces a lab may have for ``check`` to print its state after each step
STATES_EACH_STEP_UPTO = 24


def cmd_check(args: argparse.Namespace) -> int:
    from iplab import jsonout
    from iplab.claims import check_claims, leftovers
    from iplab.plan import owned_by
    from iplab.state import replay

    # the full plan checks everything the runner needs (rendering, probes, claims)
    try:
        plan = load_plan(args)
    except IplabError as exc:
        if args.json:  # (said on stderr too, as without --json)
            from iplab.written import located

            print(json.dumps(jsonout.check_refused(located(exc), args.scenario), indent=1))
            exc.shown_as_json = True
        raise
    sc = plan.scenario
    owned = owned_by(sc)
    texts = [pc.command.line for pc in plan.commands]
    failed = 0
    out = io.StringIO() if args.json else sys.stdout
    steps: list[dict[str, object]] = []
    left: list[str] = []
    # a state after each step is a lab's walk-through; a star of 500 namespaces printed
    # 754,005 lines, and 10,000 namespaces ran for minutes (each state is every namespace
    # of the lab): a large lab's is shown once, after its setup's last step
    each = args.all_states or len(owned.netns) <= STATES_EACH_STEP_UPTO
    if not each and not args.quiet:
        out.write(
            f"(a lab of {len(owned.netns)} namespaces: its state is shown after the setup's"
            " last step; --all-states shows it after each step)\n"
        )
    for sim, state in replay(sc.steps):
        # (what a step of unknown effect may have deleted is not said as left)
        left = leftovers(state, owned) if sc.teardown and not state.opaque else []
        judged = check_claims(sim.step.expect, state, owned)
        out.write(f"[{sim.number}] {texts[sim.number - 1]}\n")
        if sim.refused is not None:  # a step that may fail, which the kernel would refuse
            out.write(f"      skipped, as the author allows it to fail: {sim.refused}\n")
        shown = not args.quiet and not plan.commands[sim.number - 1].command.observe
        shown = shown and (each or sim.number == len(sc.setup))
        if shown and sim.refused is None:
            for line in state.describe():
                out.write(f"      {line}\n")
        for result in judged:
            failed += not result.ok
            out.write(f"      {result}\n")
        if args.json:
            steps.append({
                "step": sim.number, "phase": sim.step.phase, "text": texts[sim.number - 1],
                "state": state.to_json() if shown else None,
                "claims": [{"ok": r.ok, "claim": r.claim.describe(),
                            "detail": "" if r.ok else r.detail} for r in judged],
            })  # fmt: skip
    claims = sum(len(s.expect) for s in sc.steps)
    from iplab import forwarding

    for warning in forwarding.on_this_host(sc.setup):  # (hunt DZ: the host's own mode)
        sys.stderr.write(f"iplab: warning: {warning}\n")
    if left:  # a teardown that forgets what the setup made: said before anything runs
        sys.stderr.write(
            f"iplab: note: the teardown leaves {', '.join(left)}: `iplab run` undoes it from"
            " the journal after the teardown; a script of the teardown alone would leave it\n"
        )
    if args.json:
        counts = {"steps": len(sc.steps), "setup": len(sc.setup), "teardown": len(sc.teardown),
                  "claims": claims, "failing": failed}  # fmt: skip
        warned = [jsonout.problem(w, args.scenario) for w in plan.warnings]
        doc = {"ok": not failed, "counts": counts, "steps": steps, "errors": [], "warnings": warned}
        print(json.dumps(doc, indent=1))
        return 1 if failed else 0
    verdict = "OK" if not failed else "FAILED"
    out.write(
        f"{verdict}: {counted(len(sc.steps), 'step')} ({len(sc.setup)} setup,"
        f" {len(sc.teardown)} teardown), {counted(claims, 'claim')}, {failed} failing in the"
        " model\n"
    )
    from iplab import programs

    lacking = programs.missing(plan)
    if stops := programs.stopping(lacking):
        sys.stderr.write(
            f"iplab: note: {programs.described(stops)}:"
            " up and run refuse the lab until it is installed\n"
        )
    from iplab import ipkind

    if (applet := ipkind.multicall_ip()) is not None:  # (hunt EK: said by up alone)
        sys.stderr.write(
            f"iplab: note: {applet}, {ipkind.lacks()}: up and run refuse the lab"
            f" ({ipkind.INSTALL})\n"
        )
    if let := {p: c for p, c in lacking.items() if p not in stops}:
        # (hunt AZ: ll of a step that may fail was said to make up and run refuse)
        sys.stderr.write(f"iplab: note: {programs.described(let)}: up and run go on without it\n")
    return 1 if failed else 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    from iplab import scenario

    if args.names:  # for shell completion: no scenario is loaded
        sys.stdout.write(
            "".join(f"{p.stem}\n" for p in sorted(scenario.bundled_dir().glob("*.yaml")))
        )
        return 0
    for path in sorted(scenario.bundled_dir().glob("*.yaml")):
        try:
            sc = scenario.load(str(path))
            print(f"{path.stem:36} {sc.title or ''}")
        except IplabError as exc:
            print(f"{path.stem:36} (invalid: {exc})")
    return 0


def read_input(path: Path) -> str:
    """A tutorial's text (``-``: standard input): UTF-8, at most a web page's size
    (fetch.LIMIT: ``/dev/zero`` was read until the memory ran out)."""
    from iplab.importer.fetch import LIMIT

    try:
        if str(path) == "-":  # make -n up | iplab import - --name lab
            data = sys.stdin.buffer.read(LIMIT + 1)
        else:
            with path.open("rb") as stream:
                data = stream.read(LIMIT + 1)
        if len(data) > LIMIT:
            raise UsageError(f"{path}: over {LIMIT >> 20} MiB: not a tutorial iplab reads")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            try:  # (Windows' Notepad saves "Unicode" so: its NULs are no binary data)
                return data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise UsageError(f"{path}: not UTF-16 text ({exc.reason})") from None
        if b"\0" in data:
            raise UsageError(f"{path}: binary data, not text")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return _legacy_text(path, data)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None


#: the charset an HTML page or an Emacs/Vim line names (``<meta charset="iso-8859-1">``,
#: ``content="text/html; charset=windows-1252"``, ``-*- coding: latin-1 -*-``)
_DECLARED = re.compile(rb"(?:charset|coding)[=:]\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _legacy_text(path: Path, data: bytes) -> str:
    """A page saved in an older encoding than UTF-8 (a French or German page of 2010 in
    ISO-8859-1: hunt BV, refused as "not UTF-8 text"): read as the charset it names, else as
    Windows-1252, as a browser reads a page that names none, said on stderr. A charset
    Python does not know, or bytes it leaves undefined, fall back to Latin-1 (every byte a
    character): commands are ASCII, only the prose holds the other letters."""
    named = _DECLARED.search(data[:4096])
    charset = named[1].decode("ascii") if named else "windows-1252"
    try:
        codecs.lookup(charset)
        text, used = data.decode(charset), charset
    except (LookupError, UnicodeDecodeError):
        text, used = data.decode("latin-1"), "latin-1"
    sys.stderr.write(
        f"iplab: warning: {path}: not UTF-8: read as {used}"
        f" ({'the charset it names' if named and used == charset else 'as browsers do'})\n"
    )
    return text


def cmd_import(args: argparse.Namespace) -> int:
    """Write the scenario to ``-o`` (or stdout) and the summary to stderr.

    Exit status: 0, or 1 when the model rejects the imported scenario.
    """
    from iplab.importer.convert import detect_kind, import_text, scenario_name, source_field
    from iplab.importer.fetch import fetch, is_address
    from iplab.scenario import MAX_FILE_BYTES

    source: str = args.file
    if args.cleanup == "-" and source == "-":
        raise UsageError("--cleanup -: the setup is read from standard input already")
    # the reader's word (--format) over the server's, over the name's and the content's
    said: Kind | None = None if args.format == "auto" else args.format
    if is_address(source):  # a page on the web: read as the server says it is
        fetched = fetch(source)
        text, base, named = fetched.text, None, fetched.name
        kind: Kind = said or fetched.kind or detect_kind(named, text)
    else:
        path = Path(source)  # ("-": standard input, named "stdin", its files from here)
        text, base = read_input(path), path.parent
        named = "stdin" if source == "-" else source
        kind = said or detect_kind(named, text)
    if kind not in ("html", "notebook") and len(text) > MAX_FILE_BYTES:
        # (a page's markup is most of it; a notebook's, its outputs: pictures, tables)
        raise UsageError(
            f"{source}: {len(text)} characters: more than a scenario may hold"
            f" ({MAX_FILE_BYTES >> 20} MiB): split it, and import each part"
        )
    name = args.name or scenario_name(named)
    shown = "stdin" if source == "-" else source
    given: list[str] | None = args.arguments  # (--arg, in order; None: not one given)
    read_from = None if is_address(source) or source == "-" else Path(source)
    recorded = None if read_from is None else source_field(source, args.output)
    cleanup = None if args.cleanup is None else _cleanup(args.cleanup, said, args.output)
    result = import_text(
        text, kind, shown, name=name, base=base, variables=args.variables, arguments=given,
        recorded=recorded, cleanup=cleanup,
    )  # fmt: skip
    options.write_text(result.yaml, args.output, read_from=read_from)
    sys.stderr.write(result.summary(kinds=True))
    if cleanup is None and read_from is not None:
        sys.stderr.write(_partner_hint(read_from))
    return 1 if result.model_error else 0


def _cleanup(given: str, said: Kind | None, output: Path | None) -> Cleanup:
    """The file ``--cleanup`` names, read as ``--format`` says (else by its own name and
    content), a file, an address, or standard input (``-``, the setup being a file)."""
    from iplab.importer.convert import Cleanup, detect_kind, source_field
    from iplab.importer.fetch import fetch, is_address

    if is_address(given):
        fetched = fetch(given)
        kind = said or fetched.kind or detect_kind(fetched.name, fetched.text)
        return Cleanup(text=fetched.text, kind=kind, source_name=given)
    path = Path(given)
    text = read_input(path)
    named = "stdin" if given == "-" else given
    return Cleanup(
        text=text,
        kind=said or detect_kind(named, text),
        source_name=named,
        base=path.parent,
        recorded=None if given == "-" else source_field(given, output),
    )


def _partner_hint(setup: Path) -> str:
    """A line for the summary when the setup script's folder holds what looks like its
    cleanup (``netns_cleanup.sh`` beside ``netns_setup.sh``): a hint, not taken unasked."""
    from iplab.importer.pairs import partner

    try:
        beside = [p.name for p in setup.parent.iterdir() if p.is_file()]
    except OSError:
        return ""
    found = partner(setup.name, beside)
    if found is None:
        return ""
    other = setup.parent / found
    return (
        f"hint: {other} is beside {setup}: if it is the lab's cleanup, import both, its steps"
        f" the teardown: iplab import {setup} --cleanup {other}\n"
    )
