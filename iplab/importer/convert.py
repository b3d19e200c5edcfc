"""The whole of ``iplab import``: read, assemble, write, then prove it: the scenario is
loaded back and rendered, each line must come back exactly; the model judges it; the
summary says what could not be typed or cannot be undone.

Why this module is long: one job, the import from text to checked file; its steps (read,
assemble, load back, judge, summarise) share the drafts and the result they fill.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from iplab import names
from iplab.errors import ScenarioError, UsageError
from iplab.hostsaid import host_changes
from iplab.importer import mediawiki, shortcodes
from iplab.importer.asciidoc import looks_like_asciidoc, read_asciidoc
from iplab.importer.assembly import (
    Draft,
    Variables,
    assemble,
    built_again,
    choose_sudo,
    dump_yaml,
    group_blocks,
    output_text,
    setup_words_kept,
    shell_header,
    solutions_before_cleanup,
    split_teardown,
    step_map,
    steps_yaml,
    watched_last,
)
from iplab.importer.broken import broken_lines, glued_programs, settings_cut
from iplab.importer.budget import TooLarge
from iplab.importer.columns import side_by_side
from iplab.importer.extrawords import extra_words
from iplab.importer.formats import not_a_script, vagrant_shell
from iplab.importer.html import read_html
from iplab.importer.manpage import is_manpage, read_manpage
from iplab.importer.markdown import read_markdown
from iplab.importer.notebook import (
    exported_from_notebook,
    looks_like_notebook,
    read_exported,
    read_notebook,
)
from iplab.importer.org import read_org
from iplab.importer.parts import general_form_line, read_session, typed_ip
from iplab.importer.prose import (
    announced_commands,
    command_in_sentence,
    commands_in_sentences,
    form_in_sentence,
    is_sentence,
    reads_as_prose,
    spaces_lost,
)
from iplab.importer.reader import (
    FENCE,
    KNOWN_PROGRAMS,
    Kind,
    Reader,
    first_program,
    read_shell,
    strip_prompt,
)
from iplab.importer.rst import read_rst
from iplab.importer.shown import made_or_deleted_before, optional_tools, probes_to_exec
from iplab.importer.slate import (
    cleared_first,
    given_loopback,
    qdisc_cleared,
    routed_by_address,
    stops_at,
)
from iplab.importer.terminal import as_shown, line_ranges, printable, uncoloured
from iplab.importer.undoable import cannot_undo_lines
from iplab.plan import build, decide_sudo
from iplab.plurals import counted
from iplab.records import Record, frozen
from iplab.render import renderer
from iplab.scenario import Scenario, SudoPolicy, load_text
from iplab.steps import NetnsDelAll, Op, is_observation
from iplab.words import placeholder

#: an Org page's first line (``#+TITLE:``, ``#+author:``...)
_ORG_START = re.compile(r"\ufeff?\s*#\+[A-Za-z_]+:")
#: an Org page's source block (``#+begin_src sh`` ... ``#+end_src``, in either case)
_ORG_SRC = re.compile(r"^[ \t]*#\+begin_src\b.*?^[ \t]*#\+end_src\b", re.I | re.M | re.S)
#: Emacs's mode line for Org (``# -*- mode: org -*-``, ``-*- org -*-``) on the first line
_ORG_MODE = re.compile(r"\ufeff?[^\n]*-\*-(?:[^\n]*\bmode:\s*org\b[^\n]*|\s*org\s*)-\*-", re.I)
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")
#: a web page's first tag (after a byte-order mark, blanks, comments)
_HTML_START = re.compile(r"\ufeff?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)


@frozen
class ImportResult(Record):
    """The scenario text and what the import found."""

    yaml: str
    name: str
    #: the command lines, exactly as the scenario renders them (prompts removed)
    lines: tuple[str, ...]
    setup: int
    teardown: int
    typed: int
    raw: int
    sudo: SudoPolicy
    warnings: tuple[str, ...]
    #: steps that change something iplab cannot undo (raw or netns exec without 'undo')
    cannot_undo: tuple[str, ...]
    #: what the model says is impossible (None: the scenario checks out)
    model_error: str | None
    #: what the model warns of (an objection it is not sure of: check says it too)
    model_warnings: tuple[str, ...] = ()
    #: variables expanded, with the line that sets each
    variables: tuple[tuple[str, int], ...] = ()
    #: raw commands that say what they create, delete or rename
    raw_effects: int = 0
    #: the arguments a script was read as run with (None: none given)
    arguments: tuple[str, ...] | None = None
    #: the setup steps that change the host itself (its sysctls, files, packet filter), each
    #: ``line N: TEXT: what``: up journals them and down puts them back
    host_changes: tuple[str, ...] = ()
    #: raw steps that only observe (``observe: true``: ``ls /var/run/netns``, ``cat FILE``):
    #: the model gives them no effect, so they are not of unknown effect (hunt EA)
    raw_reads: int = 0

    @property
    def raw_unknown(self) -> int:
        return self.raw - self.raw_effects - self.raw_reads

    @property
    def commands(self) -> int:
        """Commands the model sees (a loop counts once per iteration)."""
        return self.typed + self.raw

    def kinds(self) -> str:
        """The line of the summary that counts what the model can follow."""
        return (
            f"commands the model sees: {self.commands} ({self.typed} typed,"
            f" {counted(self.raw_reads, 'raw read')}, {self.raw_effects} raw with effects,"
            f" {self.raw_unknown} raw unknown)\n"
        )

    def summary(self, kinds: bool = False) -> str:
        """What the import found; with ``kinds``, the line counting typed / raw with effects /
        raw unknown commands too (printed on stderr, not in the file's trailer)."""
        printed = sum(line.count("\n") + 1 for line in self.lines)  # (a loop: its lines)
        out = [
            f"imported {counted(printed, 'line')} into scenario {self.name!r}:"
            f" {counted(self.setup + self.teardown, 'command')} ({self.setup} setup,"
            f" {self.teardown} teardown; {self.typed} typed, {self.raw} raw); sudo: {self.sudo}"
        ]
        if kinds:
            out.append(self.kinds().rstrip("\n"))
        if self.arguments is not None:
            given = shlex.join(self.arguments) or "none (an empty list)"
            out.append(f"read as run with arguments: {given}")
        if self.variables:
            listed = ", ".join(f"${n} (line {line})" for n, line in self.variables)
            out.append(f"expanded shell variables: {listed}")
        if self.warnings:
            out.append(f"warnings ({len(self.warnings)}):")
            out += [f"  {w}" for w in self.warnings]
        if self.cannot_undo:
            out.append(
                f"iplab cannot undo {counted(len(self.cannot_undo), 'step')}"
                " (add 'undo:' to a step, or 'observe: true' if it changes nothing):"
            )
            out += [f"  {c}" for c in self.cannot_undo]
        if self.host_changes:
            n = len(self.host_changes)
            out.append(
                f"{counted(n, 'step')} {'changes' if n == 1 else 'change'} the host itself,"
                " outside the lab's namespaces (up journals each, down puts it back; the"
                " host's other programs see the change while the lab is up):"
            )
            out += [f"  {c}" for c in self.host_changes]
        if self.model_warnings:  # (OK, as check's: the lab runs, and may fail there)
            n = len(self.model_warnings)
            out.append(f"model: OK, with {counted(n, 'warning')} (iplab check says so too):")
            out += [f"  {w}" for w in self.model_warnings]
        else:
            out.append(f"model: {self.model_error}" if self.model_error else "model: OK")
        return "\n".join(out) + "\n"


def source_field(source: str, output: Path | None) -> str:
    """What ``source:`` says of an input file imported to the scenario ``output``: a path
    as the scenario's folder reaches it, the one :func:`iplab.written.written_at` reads
    back wherever iplab is run from (hunt EJ: it held the path as given to ``import``,
    relative to where that ran, and an error run from another folder named no script
    line). Relative (``lab.sh``, ``scripts/lab.sh``) when the input is in that folder or
    below it, absolute when it is elsewhere; an absolute path given stays as given, and so
    does a relative one when the scenario goes to standard output (its folder unknown)."""
    if output is None or str(output) == "-" or Path(source).is_absolute():
        return source
    folder = os.path.dirname(os.path.abspath(output))
    whole = os.path.abspath(source)
    inside = os.path.relpath(whole, folder)
    return whole if inside == ".." or inside.startswith(("../", "..\\")) else inside


def scenario_name(source_name: str) -> str:
    """A scenario name from a file name: [A-Za-z0-9_.-], not starting with '-' or '.'."""
    stem = Path(source_name).stem
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).lstrip("-.")[: names.NETNS_MAX].rstrip("-.")
    return name if name and not names.netns_name_problem(name) else "imported"


def detect_kind(path: str, text: str) -> Kind:
    """Markdown by extension (.md, .markdown) or by a fenced block; a web page by extension
    (.html, .htm) or by its first tag; reStructuredText by extension (.rst); AsciiDoc by
    extension (.adoc, .asciidoc) or by its title and marks (so .asc: AsciiDoc, or a PGP
    signature read as what it is); a Jupyter notebook by extension (.ipynb) or by its JSON's
    first key; a Makefile, a workflow, a program... refused, saying how to get its commands
    (:mod:`iplab.importer.formats`); a shell script by extension (.sh, .bash) or by its
    ``#!`` line; a page of
    plain text by its name or its sentences (:func:`iplab.importer.prose.reads_as_prose`);
    a terminal's session pasted as shown by its prompts (``session``); else a shell script.
    An Org page by extension (.org), a first line ``#+TITLE:``, Org's mode line, or its
    ``#+begin_src`` blocks. (A Markdown page exported
    from a notebook is Markdown: its reader sees the notebook in it.)"""
    suffix = Path(path).suffix.lower()
    if suffix == ".org":
        return "org"
    if suffix in _MARKDOWN_SUFFIXES or suffix in mediawiki.SUFFIXES:
        return "markdown"  # (a MediaWiki page: read by its own reader, see _read)
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".rst", ".rest"):
        return "rst"
    if suffix in (".adoc", ".asciidoc"):
        return "asciidoc"
    if suffix == ".ipynb":
        return "notebook"
    if suffix in (".sh", ".bash"):
        return "shell"
    if _org(text):
        return "org"
    if _HTML_START.match(text):
        return "html"
    if looks_like_notebook(text):
        return "notebook"
    if vagrant_shell(path, text) is not None:
        return "shell"  # (a Vagrantfile whose provisioners' shell is inline: hunt ED)
    if why := not_a_script(path, text):
        raise UsageError(why)  # a Makefile, a workflow, a program: its lines are no shell's
    if text.lstrip("\ufeff").startswith("#!"):
        return "shell"
    if looks_like_asciidoc(text):
        return "asciidoc"
    if any(FENCE.fullmatch(line) or shortcodes.fence(line) for line in text.splitlines()):
        return "markdown"  # (WordPress's [code lang="bash"] ... [/code]: a fence too)
    if _a_session(text):
        return "session"
    return "markdown" if reads_as_prose(suffix, text) else "shell"


def _org(text: str) -> bool:
    """An Org page not named ``.org``: a first line ``#+TITLE:``, Emacs's mode line for Org,
    or a ``#+begin_src`` ... ``#+end_src`` block on a page with no Markdown fence (hunt G:
    its ``* Setup`` headings were raw steps)."""
    if _ORG_START.match(text) or _ORG_MODE.match(text):
        return True
    if _ORG_SRC.search(text) is None:
        return False
    return not any(FENCE.fullmatch(line) for line in text.splitlines())


def _a_session(text: str) -> bool:
    """A terminal's session pasted as it was shown (``alice@box:~$ sudo ip netns add a``,
    ``# ip link``, then what each printed): two prompted commands or more, a quarter of its
    lines or more; or the shell's ``history``. A script holds no prompt (and its ``# ip
    link`` lines are comments)."""
    lines = [line for line in uncoloured(text)[0].splitlines() if line.strip()]
    prompted = sum(
        1 for line in lines
        if (body := strip_prompt(line, root_hash=True)) and first_program(body) in KNOWN_PROGRAMS
    )  # fmt: skip
    if prompted >= 2 and prompted * 4 >= len(lines):
        return True
    # or a session of few commands that printed much (``make up``'s echoed recipe, hunt
    # AD: read as prose, its prompted lines lost): its prompted lines outnumber its
    # sentences two to one, the rest what they printed
    if prompted >= 2 and prompted >= 2 * sum(map(is_sentence, lines)):
        return True
    # or the shell's history (``  512  sudo ip netns add red``): numbered commands
    listed = sum(1 for line in lines if (m := _HISTORY.match(line)) and m[1] in KNOWN_PROGRAMS)
    return listed >= 2 and listed * 2 >= len(lines)


def _plain_text(source_name: str, text: str) -> bool:
    """A page of plain text (an email, a forum post saved as text): not named as Markdown,
    without a fence, written in sentences. Its ``> `` lines quote the message it replies to
    (in a session or a script, ``> `` is bash's second prompt, or a redirection)."""
    suffix = Path(source_name).suffix.lower()
    return (
        suffix not in _MARKDOWN_SUFFIXES
        and not any(FENCE.fullmatch(line) for line in text.splitlines())
        and reads_as_prose(suffix, text)
        and _replies(text)
    )


#: a reply's line that says whose message it quotes (``On Tue, Bob wrote:``, ``> **fwdmax**
#: wrote:``, ``-----Original Message-----``)
_ATTRIBUTION = re.compile(
    r"^(?:>\s*)*(?:.*\b(?:wrote|writes|said)\s*:|-+\s*Original Message\s*-+)\s*$", re.I | re.M
)
#: a line a mail quotes: ``>`` alone or before a space (``> I ran``, ``> > it``)
_MAIL_QUOTE = re.compile(r">(?: |$)")


def _replies(text: str) -> bool:
    """The ``>`` lines of a page of plain text quote the message it replies to: a line
    says whose (``Bob wrote:``), or most are ``> text`` as a mail quotes; not make's,
    ansible's or tox's ``>>> creating namespaces`` (hunt AD: read as a reply's quote, the
    commands around it lost)."""
    if _ATTRIBUTION.search(text):
        return True
    quoted = [line.lstrip() for line in text.splitlines() if line.lstrip().startswith(">")]
    return sum(1 for line in quoted if _MAIL_QUOTE.match(line)) * 2 > len(quoted)


_HISTORY = re.compile(r"\s*\d{1,5}\s{2}(?:\d{4}-\d\d-\d\d \S+\s+)?(?:sudo\s+)?(\S+)")


def _sentences_left(text: str, warnings: Sequence[str], drafts: Sequence[Draft]) -> list[str]:
    """A page with no code blocks, some line of it read, whose other lines hold ip commands
    not read, said (hunt DX): inside sentences (a csdn post: ``first,execute command: ip
    netns add lains`` and four more, only ``root@h:~# route -n`` on a line of its own; the
    import read that one and said nothing of the lab in its sentences), or only in their
    general form (``ip netns exec <namespace> ip addr show``): a warning for each kind,
    naming the lines and the first."""
    read = {d.cmd.line for d in drafts}
    named = {int(m[1]) for w in warnings if (m := re.match(r"lines? (\d+)\b", w))}
    page = text.splitlines()
    inside: list[tuple[int, str]] = []
    forms: list[tuple[int, str]] = []
    # (and a line that is one ip command's general form alone: dr06, engineer-otoko's
    # ``ip netns add <namespace>`` under a ``# heading``, eight of them dropped unsaid)
    alone = {n for n, line in enumerate(page, 1) if general_form_line(line)}
    for n in sorted(alone.union(commands_in_sentences(text))):
        if n in read or n in named:
            continue
        line = page[n - 1].strip()
        form = placeholder(line)
        if form is not None:
            forms.append((n, form))
        elif (
            not _STARTS_WITH_IP.match(line)
            and (said := command_in_sentence(line))
            and len(said.split()) >= 3  # (``ip netns 命令``, ``ip link``: a tool named)
            and typed_ip(said)
        ):
            inside.append((n, said))
    found = []
    if inside:
        listed = _listed([n for n, _ in inside])
        found.append(
            f"line{'s' * (len(inside) > 1)} {listed} hold{'s' * (len(inside) == 1)} ip commands"
            f" inside sentences, not read ({inside[0][1]!r} (line {inside[0][0]}), ...): a"
            " reader of the page runs them; write each on a line of its own, or in a code"
            " block, and import that"
        )
    if forms:
        listed = _listed([n for n, _ in forms])
        found.append(
            f"line{'s' * (len(forms) > 1)} {listed} give{'s' * (len(forms) == 1)} ip commands"
            f" only in their general form ({forms[0][1]}), not read: nothing to run until"
            " the reader fills them in"
        )
    return found


#: a line of its own that is ip's, an object's word after it (``ip -6 route add default``)
_IP_LINE_ALONE = re.compile(
    r"\s*(?:sudo\s+)?ip\s+(?:-\S+\s+)*(?:link|addr|address|route|rule|neigh|neighbour|netns"
    r"|tunnel|tuntap|maddress|mroute|monitor|xfrm|vrf|nexthop|token)\b[^.!?:;]*"
)

#: a line that is an ip command as it stands (``ip netns exec <namespace> ip link show``)
_STARTS_WITH_IP = re.compile(r"(?:sudo\s+)?ip\s")


def _listed(lines: Sequence[int]) -> str:
    """``5, 6, 7`` (six at most, then ``, ...``)."""
    return ", ".join(map(str, lines[:6])) + ", ..." * (len(lines) > 6)


def _read(
    text: str,
    kind: Kind,
    source_name: str,
    base: Path | None,
    keep: bool,
    *,
    arguments: Sequence[str] | None = None,
) -> tuple[str | None, str | None, Reader, list[Draft]]:
    if kind != "shell":
        if kind == "notebook":
            title, reader = read_notebook(text, source_name, keep)
        elif kind == "markdown" and exported_from_notebook(text):
            title, reader = read_exported(text, keep)
        elif kind == "session":
            title, reader = read_session(text, keep)
        elif kind == "markdown" and is_manpage(text):
            title, reader = read_manpage(text, keep)
        elif kind == "markdown" and mediawiki.is_mediawiki(source_name, text):
            title, reader = mediawiki.read_mediawiki(text, source_name, keep)
        elif kind == "markdown":
            title, reader = read_markdown(
                text,
                keep,
                replies=_plain_text(source_name, text),
                plain_text=Path(source_name).suffix.lower() not in _MARKDOWN_SUFFIXES,
                base=base,
            )
        else:
            read = {
                "html": read_html,
                "rst": read_rst,
                "asciidoc": read_asciidoc,
                "org": read_org,
            }[kind]
            title, reader = read(text, keep)
        drafts, intro = assemble(reader.events)
        description = "\n\n".join(n.text for n in intro if n.kind != "heading") or None
        return title, description, reader, drafts
    vagrant = vagrant_shell(source_name, text)  # (its provisioners' shell: hunt ED)
    reader = read_shell(vagrant[0] if vagrant else text, base, keep, arguments)
    reader.warnings[:0] = vagrant[1] if vagrant else []
    title, description, events = shell_header(reader.events)
    drafts, _ = assemble(events)
    drafts, cleared = cleared_first(drafts, text, reader.errexit_set)
    reader.warnings += cleared
    drafts, given = given_loopback(drafts, text, reader.errexit_set)
    reader.warnings += given
    drafts, qdiscs = qdisc_cleared(drafts, text, reader.errexit_set)
    reader.warnings += qdiscs
    drafts, routed = routed_by_address(drafts, text, reader.errexit_set)
    reader.warnings += routed
    return title, description, reader, drafts


#: the line a warning names first (``line 8: ...``, ``lines 5-6: ...``, ``lines 17, 19: ...``)
_WARNED_LINE = re.compile(r"lines? (\d+)")


def in_line_order(warnings: Iterable[str]) -> tuple[str, ...]:
    """Import's warnings in the input's line order, by the first line each names (hunt DK:
    they came grouped by the check that raised them: a script's line 30 before its line
    16); those of one line in the order they were raised; those that name no line (``none
    of the 4 steps imported makes or changes anything``: said of the whole) last."""
    said = list(warnings)

    def where(index: int) -> tuple[float, int]:
        found = _WARNED_LINE.match(said[index])
        return (int(found[1]) if found else float("inf"), index)

    return tuple(said[i] for i in sorted(range(len(said)), key=where))


#: a line a unified diff adds, holding an ip command (``+sudo ip -n lan1 r a ...``)
_DIFF_ADDS = re.compile(r"\+(?!\+)\s*(?:sudo\s+)?ip\s")


@frozen
class Cleanup(Record):
    """The lab's cleanup, read from a file of its own (``iplab import setup.sh --cleanup
    teardown.sh``: hunt EW): its steps are the teardown, every one of them."""

    text: str
    kind: Kind
    #: the file as said in messages (``teardown.sh``)
    source_name: str
    base: Path | None = None
    #: what the scenario's ``source:`` says of it (default ``source_name``)
    recorded: str | None = None


@frozen
class _FileRead(Record):
    """One input file read into drafts, with what its reading said."""

    title: str | None
    description: str | None
    reader: Reader
    drafts: tuple[Draft, ...]
    #: colours taken off, the reader's, the probes' (in that order)
    warnings: tuple[str, ...]


def _read_file(
    text: str,
    kind: Kind,
    source_name: str,
    base: Path | None,
    variables: Variables,
    *,
    arguments: Sequence[str] | None,
    setup: bool = True,
) -> _FileRead:
    """Read one input into drafts (``setup``: the lab's main input, whose commands must
    build a lab; else its cleanup file)."""
    if arguments is not None and kind != "shell":
        raise UsageError(
            f"{source_name}: arguments ({shlex.join(arguments)}) are a shell script's, and"
            f" this is read as {kind}",
            hint="if it is a script, say so: iplab import FILE --format shell -- ARG...",
        )
    text, colours = (text, []) if kind == "notebook" else as_shown(text)  # (a notebook: its own)
    if kind in ("markdown", "session", "shell") and (merged := side_by_side(text)):
        number, left, right = merged[0]
        where = line_ranges([n for n, _, _ in merged])
        raise UsageError(
            f"{source_name}: {where} hold two columns side by side (line {number}: {left!r}"
            f" and {right!r}), a page's layout taken line by line across both, as"
            " pdftotext -layout does: neither column's commands can be read in order",
            hint="import each column alone: pdftotext without -layout gives one column after"
            " the other",
        )
    try:
        title, description, reader, drafts = _read(
            text, kind, source_name, base, variables == "keep", arguments=arguments
        )
    except TooLarge as exc:  # (its message starts with the line)
        raise UsageError(f"{source_name}: {exc.message}", hint=exc.hint) from None
    if not drafts:  # (what the reader left out says why)
        ordered = in_line_order(reader.warnings)
        said, more = ordered[:4], len(ordered) - 4  # (hunt N: not all 30)
        why = "".join(f"; {w}" for w in said) + f"; and {more} more left out" * (more > 0)
        inside = [] if reader.warnings else commands_in_sentences(text)  # (else: said why)
        page = text.splitlines()
        forms = {n: f for n in inside if (f := form_in_sentence(page[n - 1])) is not None}
        inside = [n for n in inside if n not in forms]
        added = [n for n in inside if _DIFF_ADDS.match(page[n - 1])]
        inside = [n for n in inside if n not in added]
        if added:  # (hunt EG: a review thread's ```diff of a page: "inside sentences")
            listed, are = _listed(added), "are lines" if len(added) > 1 else "is a line"
            why += (
                f"; line{'s' * (len(added) > 1)} {listed} {are}"
                f" a diff adds ({page[added[0] - 1].strip()!r}): the page shows a change to a"
                " file (a pull request's review?), not commands run: import the file the"
                " change makes"
            )
        if forms:  # (hunt DN: "use the ip link add <interface-name> ... command")
            listed = _listed(list(forms))
            why += (
                f"; line{'s' * (len(forms) > 1)} {listed} give{'s' * (len(forms) == 1)} ip"
                f" commands only in their general form ({next(iter(forms.values()))}), with"
                " nothing to run: the page has no command of its own to import"
            )
        if inside:
            listed = _listed(inside)
            why += (
                f"; line{'s' * (len(inside) > 1)} {listed} hold{'s' * (len(inside) == 1)}"
                " ip commands inside sentences (a transcript?): write each on a line of its"
                " own, or in a code block, and import that"
            )
        named = {int(m[1]) for w in reader.warnings if (m := re.match(r"lines? (\d+)\b", w))}
        raw_ip = [
            n
            for n, line in enumerate(page, 1)
            if _IP_LINE_ALONE.fullmatch(line)
            and n not in named
            and n not in inside
            and n not in forms
            and n not in added
        ]
        if raw_ip:  # (hunt EX, trex-core#1145: "change: ip -6 route add default to: ...")
            listed = _listed(raw_ip)
            why += (
                f"; line{'s' * (len(raw_ip) > 1)} {listed} hold{'s' * (len(raw_ip) == 1)} ip"
                f" lines iplab does not type ({page[raw_ip[0] - 1].strip()!r} (line"
                f" {raw_ip[0]}), ...), read as prose on a page with no code blocks: if the"
                " page runs them, put them in a code block and import that"
            )
        run_together = [] if reader.warnings else [
            (n, word) for n, line in enumerate(page, 1) if (word := spaces_lost(line))
        ]  # fmt: skip
        if run_together:  # (hunt DN: ``> ipnetnsaddmario``, a scraped copy's)
            listed = _listed([n for n, _ in run_together])
            why += (
                f"; line{'s' * (len(run_together) > 1)} {listed} hold ip commands that lost"
                f" their spaces ({run_together[0][1]!r}): the page's text is broken, import"
                " a copy that keeps them"
            )
        announced = (
            [] if reader.warnings or inside or forms or run_together else announced_commands(text)
        )
        if len(announced) >= 2:  # (hunt DJ: a page whose commands are pictures)
            listed = _listed(announced)
            why += (
                f"; lines {listed} announce a command and none follows: the page's commands"
                " are not in its text (pictures of a terminal, or lost when it was saved)"
            )
        raise UsageError(f"{source_name}: no command found (read as {kind}){why}")
    if setup and (elsewhere := _no_lab(drafts)) is not None:
        raise UsageError(f"{source_name}: no lab here (read as {kind}): {elsewhere}", hint=_NO_LAB)
    stops = partial(stops_at, text, reader.errexit_set) if kind == "shell" else None
    drafts, probe_warnings = probes_to_exec(drafts, stops)
    probe_warnings += broken_lines(drafts) + glued_programs(drafts) + settings_cut(drafts)
    probe_warnings += extra_words(drafts)
    if kind == "markdown" and reader.code_on_page is False:  # (a page's text, or Markdown)
        probe_warnings += _sentences_left(text, reader.warnings, drafts)
    drafts, optional = optional_tools(drafts)
    probe_warnings += optional
    said = tuple(colours + reader.warnings + probe_warnings)
    return _FileRead(
        title=title, description=description, reader=reader, drafts=tuple(drafts), warnings=said
    )


def import_text(
    text: str,
    kind: Kind,
    source_name: str,
    *,
    name: str | None = None,
    base: Path | None = None,
    variables: Variables = "keep",
    arguments: Sequence[str] | None = None,
    recorded: str | None = None,
    cleanup: Cleanup | None = None,
) -> ImportResult:
    """A scenario (YAML text) from a tutorial page or a shell script, with a summary.

    A line that uses the input's shell variables prints as written and runs as expanded
    (``variables="expand"``: it prints as expanded, the format of iplab 0.1).
    ``arguments``: a script's, as it is run (``./lab.sh up red``: ``$1`` is up).
    ``recorded``: what the scenario's ``source:`` says (default ``source_name``): the input
    as the scenario's own folder reaches it (:func:`source_field`).
    Raises UsageError when the input holds no command, or ``name`` is not a valid name,
    or ``arguments`` are given to what is not a shell script.
    ``cleanup``: the lab's cleanup, a file of its own (``--cleanup teardown.sh``): read by
    a reader of its own (a new process: none of the setup's variables, the same
    ``arguments``), its steps the teardown, every one; each file's steps and warnings then
    name their file (``teardown.sh line 3``), and ``source:`` names both.
    """
    if name is not None and (problem := names.netns_name_problem(name)):
        raise UsageError(f"--name: {problem.replace('namespace name', 'scenario name')}")
    name = name or scenario_name(source_name)
    first = _read_file(text, kind, source_name, base, variables, arguments=arguments)
    title, description, reader = first.title, first.description, first.reader
    drafts = list(first.drafts)
    if cleanup is None:
        cut = split_teardown(drafts)
        read_said = list(first.warnings)
        source: str | list[str] = recorded or source_name
        origin = source_name
    else:
        then = _read_file(
            cleanup.text, cleanup.kind, cleanup.source_name, cleanup.base, variables,
            arguments=arguments, setup=False,
        )  # fmt: skip
        cut = len(drafts)  # (the setup file's every line: bash runs them all, its trap too)
        drafts = _in_file(drafts, source_name) + _in_file(list(then.drafts), cleanup.source_name)
        read_said = _named(source_name, first.warnings) + _named(cleanup.source_name, then.warnings)
        source = [recorded or source_name, cleanup.recorded or cleanup.source_name]
        origin = f"{source_name} and {cleanup.source_name}"
    drafts, cut, answered = solutions_before_cleanup(drafts, cut)
    drafts = setup_words_kept(drafts, cut)
    drafts = watched_last(drafts, cut)
    policy = choose_sudo((d.op, d.cmd.parsed.sudo) for d in drafts)
    steps = [step_map(d, _sudo_field(policy, d), output_text(d.cmd.output)) for d in drafts]
    items = group_blocks(drafts, steps)
    cut_item = sum(1 for d in drafts[:cut] if d.index == 0)
    top: dict[str, Any] = {"name": name}
    top.update({k: v for k, v in (("title", title), ("description", description)) if v})
    top.update({"source": source, "sudo": policy})
    scoped = [
        f"{_at(d)}: {d.cmd.text}: iplab deletes the lab's own namespaces only"
        " (bash, running the printed script, would delete every namespace of the host)"
        for d in drafts
        if isinstance(d.op, NetnsDelAll)
    ]
    # (a loop's body said once: the same line, the same words, each time round)
    again = built_again(drafts, cut)
    if cleanup is not None:  # (its lines are all the cleanup file's)
        again = _named(cleanup.source_name, again)
    lost = _nothing_kept(drafts, reader.warnings)
    said = read_said + answered + scoped + again + lost
    warnings = tuple(dict.fromkeys(said)) if cleanup else in_line_order(dict.fromkeys(said))
    cannot_undo = tuple(cannot_undo_lines(drafts, cut))
    body = "".join(
        [
            f"# Imported by `iplab import` from {origin}; review it, then edit freely.\n",
            dump_yaml(top),
            "\n",
            steps_yaml("setup", items[:cut_item]),
            "\n" + steps_yaml("teardown", items[cut_item:]) if cut < len(steps) else "",
        ]
    )
    lines = tuple(printed_lines(drafts))
    try:
        scenario: Scenario | None = _load_checked(body, f"{name}.yaml", lines)
    except ScenarioError as exc:  # (too large a lab: the file is written, and says so)
        scenario, not_loaded = None, _not_loaded(exc)
    model = _model_said(scenario, drafts) if scenario is not None else (not_loaded, ())
    if cleanup is not None and scenario is not None and model[0] is None:
        warnings += tuple(_left_by(scenario, source_name, cleanup.source_name))
    result = ImportResult(
        yaml=body,
        name=name,
        lines=lines,
        setup=cut,
        teardown=len(drafts) - cut,
        typed=sum(d.cmd.parsed.typed for d in drafts),
        raw=sum(not d.cmd.parsed.typed for d in drafts),
        raw_effects=sum(not d.cmd.parsed.typed and has_effects(d.op) for d in drafts),
        raw_reads=sum(
            not d.cmd.parsed.typed and not has_effects(d.op) and is_observation(d.op)
            for d in drafts
        ),
        sudo=policy,
        warnings=warnings,
        cannot_undo=cannot_undo,
        model_error=model[0],
        model_warnings=model[1],
        variables=tuple(sorted(reader.expanded.items(), key=lambda kv: kv[1])),
        arguments=None if arguments is None else tuple(arguments),
        host_changes=tuple(host_changes([(_at(d), d.cmd.text, d.op) for d in drafts[:cut]])),
    )
    trailer = printable(
        "".join(f"# {line}".rstrip() + "\n" for line in result.summary().splitlines())
    )
    return replace(result, yaml=f"{body}\n# --- import summary ---\n{trailer}")


def _at(draft: Draft) -> str:
    """Where a step is written: ``line 4``, or, in a lab read from two files, ``setup.sh
    line 4``."""
    return draft.cmd.said_at() if draft.cmd.file else f"line {draft.line}"


def _left_by(scenario: Scenario, setup: str, cleanup: str) -> list[str]:
    """What the setup file makes and the cleanup file leaves (the model's state after the
    last step; as ``check`` notes it), said: ``iplab down`` undoes it from the journal, and
    the author's cleanup run alone leaves it on the host. Nothing when a step's effect is
    unknown to the model (a raw step may have deleted it)."""
    from iplab.claims import leftovers
    from iplab.plan import owned_by
    from iplab.state import replay

    last = deque(replay(scenario.steps), maxlen=1)  # (the state after the last step)
    state = last[0][1] if last else None
    if state is None or state.opaque or not (left := leftovers(state, owned_by(scenario))):
        return []
    them = "it" if len(left) == 1 else "them"
    return [
        f"{cleanup}: leaves {', '.join(left)}, which {setup} makes: iplab down undoes"
        f" {them} from the journal; the cleanup script run by hand would leave {them} on the"
        " host"
    ]


def _in_file(drafts: Sequence[Draft], file: str) -> list[Draft]:
    """``drafts`` said to be written in ``file`` (a lab read from two: hunt EW)."""
    return [replace(d, cmd=replace(d.cmd, file=file)) for d in drafts]


def _named(file: str, warnings: Iterable[str]) -> list[str]:
    """``warnings`` of one of a lab's two files, in its line order, each naming the file:
    ``teardown.sh line 3: ...`` (``line 3: ...``), ``teardown.sh: ...`` (one of the whole)."""
    return [
        f"{file} {w}" if _WARNED_LINE.match(w) else f"{file}: {w}" for w in in_line_order(warnings)
    ]


def _sudo_field(policy: SudoPolicy, draft: Draft) -> bool | None:
    wanted = draft.cmd.parsed.sudo
    return None if decide_sudo(policy, None, draft.op) == wanted else wanted


def printed_lines(drafts: Sequence[Draft]) -> Iterable[str]:
    """What the scenario prints: each command's line, a shell block's text once."""
    for d in drafts:
        if d.block is None:
            yield d.cmd.text
        elif d.index == 0 and d.block.text:  # (a trap's handler at the end prints nothing)
            yield d.block.text


_NO_LAB = (
    "run them by hand if that is what you mean; iplab imports pages that build a lab of"
    " namespaces and links, and its probes reach the lab's own addresses only"
)


def _no_lab(drafts: Sequence[Draft]) -> str | None:
    """What a page is when every command it has only reads, on this host itself (no
    namespace), and some reach addresses outside any lab (hunt CL #3, wiki.jokeru.ro's MTU
    notes: ``ping 2.2.2.2 -c 1 -M do -s 1500``, ``tcpdump -v -ni eth0``, ``tracepath -n
    213.147.119.190``): no lab, and iplab would send the host's own traffic; None
    otherwise. A private network's address counts too, no step making it (hunt EG: a
    question's ``ping 172.16.0.1``, the asker's bridge, was a lab of one ping); the
    loopback's does not."""
    if not all(is_observation(d.op) and d.op.in_ns() is None for d in drafts):
        return None
    found: dict[str, None] = {}
    for d in drafts:
        for word in d.cmd.text.split():
            try:
                address = ipaddress.ip_address(word)
            except ValueError:
                continue
            if not (address.is_loopback or address.is_unspecified):
                found.setdefault(str(address))
    if not found:
        return None
    lines = line_ranges(sorted({d.cmd.line for d in drafts}))
    programs = ", ".join(dict.fromkeys(d.cmd.text.split()[0] for d in drafts))
    one = len(drafts) == 1
    return (
        f"its {len(drafts)} command{'s' * (not one)} ({lines}: {programs}) make{'s' * one}"
        f" nothing and run{'s' * one} on this host itself, reaching addresses no step makes"
        f" ({', '.join(found)}): {'it is' if one else 'they are'} the host's own network"
        " seen, not a lab to build"
    )


def _nothing_kept(drafts: Sequence[Draft], said: Sequence[str]) -> list[str]:
    """What to say when every step only reads or defines (a function's definition) and
    the reader skipped something: the lab's commands are in what it skipped (hunt AW: a
    script whose commands all sit in an options loop or a dispatcher imported as 4 no-op
    steps, "model: OK", and a run made nothing)."""
    skipped = any("skipped" in w or "not imported" in w for w in said)
    if not skipped or not all(is_observation(d.op) for d in drafts):
        return []
    return [
        f"none of the {len(drafts)} steps imported makes or changes anything: the script's"
        " commands are in what was skipped (said above), and iplab run would leave the host"
        " as it is; write them out, or call its functions at its top level"
    ]


def has_effects(op: Op) -> bool:
    """A raw step that says what it creates, deletes or renames (the model can follow it)."""
    return any(getattr(op, key, None) for key in ("creates", "deletes", "renames"))


def _load_checked(text: str, file: str, lines: Sequence[str]) -> Scenario:
    """Load the written scenario and prove it prints the input's lines, one for one."""
    scenario = load_text(text, file)
    rendered = []
    for s in scenario.steps:
        if s.joined:
            continue
        if s.verbatim is not None:
            rendered += [s.verbatim] if s.verbatim else []
        else:
            rendered.append(renderer().command(s.op, decide_sudo(scenario.sudo, s.sudo, s.op)).text)
    if rendered != list(lines):  # pragma: no cover - each line was proven on its own
        raise AssertionError(f"imported scenario renders {rendered!r}, not {list(lines)!r}")
    return scenario


def _not_loaded(exc: ScenarioError) -> str:
    """Why the scenario written cannot be loaded back, placed in it (not in a NAME.yaml)."""
    loc = exc.loc
    where = [f"line {loc.line} of the scenario written"] if loc and loc.line else []
    where += [loc.field] if loc and loc.field else []
    hint = f" ({exc.hint})" if exc.hint else ""
    return f"{', '.join(where)}: " * bool(where) + f"{exc.message}{hint}; iplab will not load it"


def _model_said(scenario: Scenario, drafts: Sequence[Draft]) -> tuple[str | None, tuple[str, ...]]:
    """What plan.build (the model, probes, claims) refuses, and what it warns of with its
    hint (hunt W: the import said "model: OK" where check warns "namespace web already
    exists"), each located in the input."""
    try:
        plan = build(scenario)
    except ScenarioError as exc:
        return _located(exc, scenario, drafts, history=True), ()
    said = [
        _located(w, scenario, drafts) + (f" ({w.hint})" if w.hint else "") for w in plan.warnings
    ]
    return None, tuple(dict.fromkeys(said))


def _located(
    exc: ScenarioError, scenario: Scenario, drafts: Sequence[Draft], history: bool = False
) -> str:
    """``exc``'s message, with the step and the input line it is about (when known);
    ``history``: and the earlier line that made or deleted the object (hunt AE #7)."""
    field_path = exc.loc.field if exc.loc is not None else None
    index = next(
        (
            i
            for i, step in enumerate(scenario.steps)
            if field_path is not None
            and (field_path == step.loc.field or field_path.startswith(f"{step.loc.field}."))
        ),
        None,
    )
    if index is None:
        return exc.message
    draft = drafts[index]
    where = scenario.steps[index].loc.field
    before = made_or_deleted_before(drafts, index, exc.message) if history else ""
    return f"{where} ({draft.cmd.said_at()}: {draft.cmd.text}): {exc.message}{before}"
