"""``iplab import``: a tutorial (Markdown) or a shell script -> a scenario file.

The stages, each a small function over plain data::

    text --read--> events: notes (headings, paragraphs, comments) and command lines
         --assemble--> drafts: each command with its title, prose and printed output
         --split--> setup and teardown (a cleanup section, else the trailing deletions)
         --write--> scenario YAML, then loaded back and rendered to prove the round trip

Every command line goes through :func:`iplab.lineparse.classify`: a typed op when
its rendering is the very same line, else a raw step that keeps the line verbatim.
What could not be imported, or cannot be undone, is said in the summary.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from iplab import names, options
from iplab.errors import ScenarioError, UsageError
from iplab.lineparse import LineError, Parsed, classify, jinja_literal, op_fields
from iplab.model import lab_addresses
from iplab.plan import build, decide_sudo
from iplab.render import renderer
from iplab.scenario import Scenario, SudoPolicy, load_text
from iplab.steps import LinkDel, NetnsDel, NetnsExec, Op, Probe, Raw, is_observation

Kind = Literal["markdown", "shell"]
NoteKind = Literal["heading", "paragraph", "comment", "fence"]

#: the first word of a line that is a command (after an optional ``sudo``)
KNOWN_PROGRAMS = frozenset(
    {
        *("sudo", "ip", "ping", "ping6", "arping", "bridge", "tc", "sysctl", "echo", "printf"),
        *("brctl", "ethtool", "iptables", "ip6tables", "iptables-save", "iptables-restore"),
        *("nft", "modprobe", "lsmod", "conntrack", "ovs-vsctl", "ovs-ofctl", "tcpdump"),
        *("traceroute", "tracepath", "ss", "netstat", "arp", "ifconfig", "route", "hostname"),
        *("cat", "ls", "mkdir", "rm", "touch", "tee", "ln", "mount", "umount", "unshare"),
        *("nsenter", "lsns", "docker", "podman", "curl", "wget", "nc", "ncat", "socat"),
        *("iperf", "iperf3", "dig", "nslookup", "dhclient", "python3", "python", "bash", "sh"),
        *("export", "set", "sleep", "cd", "grep", "systemctl", "readlink", "chmod", "kill"),
    }
)
#: fenced code blocks whose lines are commands (besides a block with no language)
SHELL_LANGS = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session", "terminal"})
CLEANUP = re.compile(
    r"\b(?:clean(?:ing)?[\s-]?up|teardown|tear(?:ing)?[\s-]down|delete everything)\b", re.I
)

_PROMPT = re.compile(r"(?:\$|[\w.-]+@[\w.-]+:\S*[$#]|\[[^\]\n]+\][$#])(?: |$)")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ASSIGN = re.compile(rf"(?:(?:export|readonly|declare|local)\s+)?({_NAME})=(.*)")
_REF = re.compile(rf"\$(?:\{{({_NAME})\}}|({_NAME}))")
_QUOTED_REF = re.compile(rf'"\$(?:\{{({_NAME})\}}|({_NAME}))"')
_OTHER_REF = re.compile(r"\$(?:\([^)]*\)?|\{[^}]*\}?|[0-9?#@*!$-])")
_HEREDOC = re.compile(r"(?<!<)<<-?(?!<)\s*(['\"]?)(\w+)\1")
_OPENERS = frozenset({"for", "while", "until", "select", "if", "case"})
_CLOSERS = frozenset({"done", "fi", "esac", "}"})
_FUNCTION = re.compile(rf"(?:function\s+)?{_NAME}\s*\(\)")
_DECORATION = re.compile(r"^[-=*~_#]{2,}\s*|\s*[-=*~_#]{2,}$")
_SHELL_OPTIONS = re.compile(r"(?:set\s+[-+]\w|shopt\s)")
_FENCE = re.compile(r"(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_HEADING = re.compile(r" {0,3}(?P<level>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s+")
_REF_DEF = re.compile(r" {0,3}\[[^\]]+\]:\s*\S")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"(`+)\s*(.+?)\s*\1"), r"\2"),  # `code`, ```code```
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # **strong**
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML
)
TITLE_MAX = 100


# -- what the reader finds -----------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """Text around the commands: a heading, a paragraph, a comment, a code block of prose."""

    kind: NoteKind
    text: str
    line: int
    end: int


@dataclass
class Cmd:
    """One command line of the input, as the scenario renders it, with what it printed."""

    text: str
    line: int
    parsed: Parsed
    output: list[str] = field(default_factory=list)


Event = Note | Cmd


# -- one line at a time -------------------------------------------------------------------------


def strip_prompt(line: str, root_hash: bool = False) -> str | None:
    """The command after a shell prompt (``$ ``, ``user@host:~$ ``, ``[root@h ~]# ``), or None.

    With ``root_hash``, ``# `` followed by a known program is a root prompt too.
    """
    match = _PROMPT.match(line)
    if match:
        return line[match.end() :].strip()
    if root_hash and line.startswith("# ") and first_program(line[2:]) in KNOWN_PROGRAMS:
        return line[2:].strip()
    return None


def strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` inside quotes or a word stays)."""
    quote: str | None = None
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\" and quote != "'":
            i += 2
            continue
        if quote is not None:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
        i += 1
    return line.rstrip()


def continues(line: str) -> bool:
    """The line ends with a ``\\`` that joins the next line (an odd number of them)."""
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def join_continuation(line: str, following: str) -> str:
    """``line`` (ending in ``\\``) joined with the next line, as one line, one space between."""
    head = line[:-1]
    if head[-1:].isspace() or following[:1].isspace():
        return f"{head.rstrip()} {following.strip()}"
    return head + following.strip()


def first_program(line: str) -> str:
    """The program a command line runs: its first word, after ``sudo`` and sudo's options."""
    words = line.split()
    if words[:1] == ["sudo"]:
        words = [w for w in words[1:] if not w.startswith("-")] or [""]
    return words[0] if words else ""


@dataclass
class ShellVars:
    """Variables a script sets (``NS=ns1``, ``NS_EXEC="ip netns exec ns0"``), to expand later.

    A value of None: set from something we cannot evaluate (``$(...)``, an unknown variable).
    """

    values: dict[str, str | None] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def assign(self, line: str, number: int) -> bool:
        """Record ``NAME=VALUE`` (or ``export NAME=VALUE``); False when the line is not one."""
        match = _ASSIGN.fullmatch(line)
        if match is None:
            return False
        value, unresolved = self.expand(match[2])
        if not unresolved:
            try:
                words = shlex.split(value)
            except ValueError:
                return False
            if len(words) > 1:
                return False  # NAME=x cmd: a command run with NAME in its environment
        self.values[match[1]] = None if unresolved else (words[0] if words else "")
        self.lines[match[1]] = number
        return True

    def knows(self, name: str) -> bool:
        return name in self.values

    def expand(self, text: str) -> tuple[str, list[str]]:
        """The text with every known ``$NAME``/``${NAME}`` replaced (not inside single quotes),
        and the expansions it could not resolve. ``"$NAME"`` whose value is one plain word
        loses its quotes, so that the line can still be typed."""
        out: list[str] = []
        unresolved: list[str] = []
        i, in_double = 0, False
        while i < len(text):
            c = text[i]
            if c == "'" and not in_double:
                close = text.find("'", i + 1)
                end = len(text) if close < 0 else close + 1
                out.append(text[i:end])
                i = end
            elif c == "\\":
                out.append(text[i : i + 2])
                i += 2
            elif c == '"' and not in_double and (word := self._quoted_word(text, i)):
                out.append(word[0])
                i = word[1]
            elif c == '"':
                in_double = not in_double
                out.append(c)
                i += 1
            elif c == "$":
                token, value = self._reference(text, i)
                if value is None and token != "$":
                    unresolved.append(token)
                out.append(token if value is None else value)
                i += len(token)
            else:
                out.append(c)
                i += 1
        return "".join(out), unresolved

    def _quoted_word(self, text: str, i: int) -> tuple[str, int] | None:
        match = _QUOTED_REF.match(text, i)
        if match is None:
            return None
        value = self.values.get(match[1] or match[2])
        if not value or names.has_shell_meta(value):
            return None
        return value, match.end()

    def _reference(self, text: str, i: int) -> tuple[str, str | None]:
        """The ``$...`` token at ``i`` and its value (None: unknown, or not a variable)."""
        match = _REF.match(text, i)
        if match is not None:
            return match[0], self.values.get(match[1] or match[2])
        other = _OTHER_REF.match(text, i)
        return (other[0] if other else "$"), None

    def why(self, token: str) -> str:
        match = _REF.fullmatch(token)
        name = (match[1] or match[2]) if match else None
        if name is not None and name in self.lines:
            return f"{token} is set at line {self.lines[name]} from something iplab cannot evaluate"
        if name is not None:
            return f"{token} is not set in the input"
        return f"{token} is evaluated by the shell"


# -- reading commands --------------------------------------------------------------------------


class Reader:
    """Turns code (a script, or the code blocks of a page, in order) into events.

    Shared by all the blocks of a page: the variables a block sets hold in the next.
    """

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.vars = ShellVars()
        self.events: list[Event] = []
        self.warnings: list[str] = []
        self.expanded: dict[str, int] = {}

    # -- notes and output --

    def note(self, kind: NoteKind, text: str, line: int, end: int | None = None) -> None:
        if text.strip():
            self.events.append(Note(kind, text, line, line if end is None else end))

    def comment(self, body: str, line: int) -> None:
        text = _DECORATION.sub("", body.lstrip("#").strip())
        last = self.events[-1] if self.events else None
        if isinstance(last, Note) and last.kind == "comment" and last.end == line - 1 and text:
            self.events[-1] = Note("comment", f"{last.text} {text}", last.line, line)
        elif text:
            self.note("comment", text, line)

    def output(self, text: str, line: int) -> None:
        """Attach a printed line to the command just before (a warning when there is none)."""
        last = self.events[-1] if self.events else None
        if isinstance(last, Cmd):
            last.output.append(text.rstrip())
        elif text.strip():
            self.warnings.append(
                f"line {line}: {text.strip()!r} is neither a command nor the output of one; ignored"
            )

    def fence(self, lang: str, lines: Sequence[tuple[int, str]], line: int) -> None:
        """A code block that holds no commands: output of the command just before, or prose."""
        body = [text.rstrip() for _, text in lines]
        while body and not body[-1]:
            body.pop()
        last = self.events[-1] if self.events else None
        if isinstance(last, Cmd) and not last.output:
            last.output.extend(body)
        elif body:
            end = lines[-1][0] + 1 if lines else line
            self.note("fence", "\n".join([f"```{lang}", *body, "```"]), line, end)

    # -- commands --

    def looks_like_command(self, body: str) -> bool:
        program = first_program(body)
        if program in KNOWN_PROGRAMS or _ASSIGN.fullmatch(body):
            return True
        ref = _REF.match(program)
        return ref is not None and self.vars.knows(ref[1] or ref[2])

    def block(self, lines: Sequence[tuple[int, str]], shell_lang: bool) -> None:
        """One block of code: a whole script (``shell_lang``), or a fenced block of a page."""
        prompted = self._prompted(lines)
        if (
            self.markdown
            and not prompted
            and not shell_lang
            and not any(self.looks_like_command(text.strip()) for _, text in lines)
        ):
            self.fence("", lines, lines[0][0] - 1 if lines else 0)
            return
        state = "start"  # "silent" after a command that prints nothing, else "speaking"
        i = 0
        while i < len(lines):
            number, text = lines[i]
            i += 1
            body = self._command_text(text, prompted)
            if body is None:
                self.output(text, number)
            elif not body:  # a blank line, or an empty prompt
                if not prompted and state == "speaking":
                    self.output(text, number)
            elif body.startswith("#"):
                if not body.startswith("#!"):
                    self.comment(body, number)
            elif not self._is_command(body, state, shell_lang):
                self.output(text, number)
                state = "speaking"
            else:
                while continues(body) and i < len(lines):
                    following = lines[i][1]
                    if prompted and following.startswith("> "):
                        following = following[2:]
                    body = join_continuation(body, following)
                    i += 1
                i, state = self.command(strip_comment(body), number, lines, i)

    def _prompted(self, lines: Sequence[tuple[int, str]]) -> bool:
        """Lines with prompts: then only they are commands, the rest is what they printed."""
        if not self.markdown:
            return False
        if any(_PROMPT.match(text) for _, text in lines):
            return True
        roots = any(strip_prompt(text, root_hash=True) for _, text in lines)
        bare = any(
            self.looks_like_command(text.strip())
            for _, text in lines
            if not text.lstrip().startswith("#")
        )
        return roots and not bare

    def _command_text(self, text: str, prompted: bool) -> str | None:
        """The command on a line ("" for a blank line), or None: a printed line."""
        if prompted:
            if not text.strip():
                return None
            return strip_prompt(text, root_hash=True)
        return text.strip()

    def _is_command(self, body: str, state: str, shell_lang: bool) -> bool:
        if not self.markdown or body.startswith("#") or self.looks_like_command(body):
            return True
        # an unknown program: a command where nothing is printed, else printed output
        return state == "silent" or (state == "start" and shell_lang)

    def command(
        self, body: str, number: int, lines: Sequence[tuple[int, str]], i: int
    ) -> tuple[int, str]:
        """Read one command line; returns the index of the next line and the block's state."""
        if not body:
            return i, "silent"
        if (heredoc := _HEREDOC.search(body)) is not None:
            return self._skip_heredoc(heredoc[2], number, lines, i), "speaking"
        if self._opens_compound(body):
            return self._skip_compound(body, number, lines, i), "speaking"
        if _SHELL_OPTIONS.match(body):
            self.warnings.append(f"line {number}: {body!r} skipped (each step runs on its own)")
            return i, "silent"
        if self.vars.assign(body, number):
            return i, "silent"
        text, unresolved = self.vars.expand(body)
        for token in dict.fromkeys(unresolved):
            self.warnings.append(
                f"line {number}: cannot resolve {token} ({self.vars.why(token)});"
                " kept as a raw command"
            )
        for match in _REF.finditer(body):
            name = match[1] or match[2]
            if self.vars.values.get(name) is not None:
                self.expanded.setdefault(name, self.vars.lines[name])
        try:
            parsed = classify(text)
        except LineError as exc:
            self.warnings.append(f"line {number}: cannot be imported: {exc}")
            return i, "speaking"
        self.events.append(Cmd(text, number, parsed))
        return i, "silent" if _silent(parsed.op) else "speaking"

    def _skip_heredoc(
        self, word: str, number: int, lines: Sequence[tuple[int, str]], i: int
    ) -> int:
        while i < len(lines) and lines[i][1].strip() != word:
            i += 1
        end = lines[min(i, len(lines) - 1)][0]
        self.warnings.append(
            f"lines {number}-{end}: a here-document cannot be imported; skipped"
            " (write the file in a raw step of its own)"
        )
        return i + 1

    @staticmethod
    def _opens_compound(body: str) -> bool:
        words = body.replace(";", " ").split()
        return (
            bool(words)
            and (words[0] in _OPENERS or words[0] == "{" or bool(_FUNCTION.match(body)))
            and _depth(body) > 0
        )

    def _skip_compound(
        self, body: str, number: int, lines: Sequence[tuple[int, str]], i: int
    ) -> int:
        depth = _depth(body)
        while depth > 0 and i < len(lines):
            depth += _depth(strip_comment(lines[i][1]))
            i += 1
        end = lines[i - 1][0] if i > 0 else number
        self.warnings.append(
            f"lines {number}-{end}: a multi-line shell construct"
            f" ({body.split(maxsplit=1)[0]} ...) cannot be imported; skipped"
            " (unroll it, or use a scenario 'loop')"
        )
        return i


def _depth(line: str) -> int:
    """How much a line opens (for, if, case, {) minus what it closes (done, fi, esac, })."""
    words = line.replace(";", " ").split()
    opens = sum(w in _OPENERS for w in words) + line.rstrip().endswith("{")
    return opens - sum(w in _CLOSERS for w in words)


def _silent(op: Op) -> bool:
    """A command that prints nothing when it works (a typed change)."""
    return not isinstance(op, Raw | NetnsExec | Probe) and not is_observation(op)


# -- reading documents ---------------------------------------------------------------------------


def plain(text: str) -> str:
    """Markdown inline markup removed (links keep their text), whitespace collapsed."""
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return " ".join(text.split())


def _front_matter(lines: list[str]) -> tuple[str | None, int]:
    """(title, index of the first line after the front matter)."""
    if not lines or lines[0].strip() != "---":
        return None, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            try:
                meta = yaml.safe_load("\n".join(lines[1:end]))
            except yaml.YAMLError:
                meta = None
            title = meta.get("title") if isinstance(meta, dict) else None
            return (str(title).strip() if title else None), end + 1
    return None, 0


@dataclass
class _Page:
    """The paragraph being read, and the page title found so far."""

    title: str | None
    para: list[str] = field(default_factory=list)
    para_line: int = 0

    def flush(self, reader: Reader, end: int) -> None:
        text = plain(" ".join(self.para))
        if text:
            reader.note("paragraph", text, self.para_line, end)
        self.para = []


def read_markdown(text: str) -> tuple[str | None, Reader]:
    """The page's title and a reader holding its events (notes and commands, in order)."""
    lines = text.splitlines()
    title, i = _front_matter(lines)
    page = _Page(title)
    reader = Reader(markdown=True)
    h1_taken = title is not None
    while i < len(lines):
        line, number = lines[i], i + 1
        i += 1
        fence = _FENCE.fullmatch(line)
        if fence is not None:
            page.flush(reader, number - 1)
            i = _code_block(reader, fence, lines, i)
        elif (heading := _HEADING.fullmatch(line)) is not None:
            page.flush(reader, number - 1)
            if heading["level"] == "#" and not h1_taken:
                page.title, h1_taken = plain(heading["text"]), True
            else:
                reader.note("heading", plain(heading["text"]), number)
        elif not line.strip() or _REF_DEF.match(line):
            page.flush(reader, number - 1)
        elif line.lstrip().startswith("<!--"):
            page.flush(reader, number - 1)
            while i < len(lines) and "-->" not in lines[i - 1]:
                i += 1
        elif re.fullmatch(r" {0,3}(=+|-+)\s*", line) and len(page.para) == 1:
            heading_text, page.para = plain(page.para[0]), []
            reader.note("heading", heading_text, number - 1)
        else:
            if _LIST_ITEM.match(line) and not line.startswith("    "):
                page.flush(reader, number - 1)
                line = _LIST_ITEM.sub("", line, count=1)
            if not page.para:
                page.para_line = number
            page.para.append(line.lstrip("> ").strip() if line.lstrip().startswith(">") else line)
    page.flush(reader, len(lines))
    return page.title, reader


def _code_block(reader: Reader, fence: re.Match[str], lines: list[str], i: int) -> int:
    """Read a fenced block starting at index ``i`` (after its opening line); returns the index
    after its closing line."""
    start = i
    mark, indent = fence["fence"], len(fence["indent"])
    body: list[tuple[int, str]] = []
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith(mark[0] * len(mark)) and not stripped.strip(mark[0]):
            i += 1
            break
        body.append((i + 1, line[indent:] if not line[:indent].strip() else line.lstrip()))
        i += 1
    lang = (fence["info"].split() or [""])[0].lower().strip("{}.")
    if lang in SHELL_LANGS or lang == "":
        reader.block(body, shell_lang=lang != "")
    else:
        reader.fence(lang, body, start)
    return i


def read_shell(text: str) -> Reader:
    reader = Reader(markdown=False)
    reader.block(list(enumerate(text.splitlines(), start=1)), shell_lang=True)
    return reader


# -- assembling steps -------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A command with what the tutorial says around it."""

    cmd: Cmd
    op: Op
    title: str | None = None
    prose: str | None = None
    #: the text before it announces the cleanup
    cleanup: bool = False


def first_sentence(text: str, limit: int = TITLE_MAX) -> str:
    """A title from a text: its first sentence, without a final ``.`` or ``:``, cut at ``limit``."""
    first = _SENTENCE_BREAK.split(" ".join(text.split()), maxsplit=1)[0]
    first = first.rstrip(" .:")
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "..."
    return first


def title_and_prose(notes: Sequence[Note]) -> tuple[str | None, str | None]:
    """The title (the nearest heading, or the first sentence of the nearest paragraph or
    comment) and the prose (the paragraphs, comments and prose code blocks, in order)."""
    source = next((n for n in reversed(notes) if n.kind != "fence"), None)
    if source is None:
        title = None
    elif source.kind == "heading":
        title = source.text
    else:
        title = first_sentence(source.text)
    said = [
        n.text
        for n in notes
        if n.kind != "heading" and not (n is source and title == n.text.rstrip(" .:"))
    ]
    return title, "\n\n".join(said) or None


def announces_cleanup(notes: Sequence[Note]) -> bool:
    """A heading or comment before the command, or the paragraph right before it, says
    clean up / cleanup / teardown / tear down / delete everything."""
    for i, note in enumerate(notes):
        nearest = i == len(notes) - 1
        if (note.kind in ("heading", "comment") or nearest) and CLEANUP.search(note.text):
            return True
    return False


def assemble(events: Sequence[Event]) -> tuple[list[Draft], list[Note]]:
    """Each command with the notes before it; and the notes that introduce the whole page
    (those before its first heading, when a heading comes before the first command)."""
    events = list(events)
    intro = _intro(events)
    drafts: list[Draft] = []
    pending: list[Note] = []
    for event in events[len(intro) :]:
        if isinstance(event, Note):
            pending.append(event)
            continue
        title, prose = title_and_prose(pending)
        drafts.append(Draft(event, event.parsed.op, title, prose, announces_cleanup(pending)))
        pending = []
    return drafts, intro


def _intro(events: Sequence[Event]) -> list[Note]:
    intro: list[Note] = []
    for event in events:
        if isinstance(event, Cmd) or event.kind == "heading":
            return intro if isinstance(event, Note) else []
        intro.append(event)
    return []


def _shell_header(events: list[Event]) -> tuple[str | None, str | None, list[Event]]:
    """A script's opening comment (apart from the first command): its title and description."""
    first = events[0] if events else None
    if not isinstance(first, Note) or first.kind != "comment" or first.line > 2:
        return None, None, events
    after = events[1] if len(events) > 1 else None
    if isinstance(after, Cmd) and after.line == first.end + 1:
        return None, None, events
    title = first_sentence(first.text)
    description = first.text if first.text.rstrip(" .:") != title else None
    return title, description, events[1:]


def split_teardown(drafts: Sequence[Draft]) -> int:
    """Where the teardown starts (len(drafts): no teardown).

    The first command announced as a cleanup, else the trailing run of ``link del`` and
    ``netns del`` (with observations among them); at least one setup step stays.
    """
    for i, draft in enumerate(drafts):
        if draft.cleanup and i > 0:
            return i
    start = len(drafts)
    while start > 0 and (
        isinstance(drafts[start - 1].op, LinkDel | NetnsDel) or is_observation(drafts[start - 1].op)
    ):
        start -= 1
    while start < len(drafts) and is_observation(drafts[start].op):
        start += 1
    return start if 0 < start < len(drafts) else len(drafts)


def probes_to_exec(drafts: Sequence[Draft]) -> tuple[list[Draft], list[str]]:
    """A probe may only target an address the lab assigns: others stay ``netns exec`` steps."""
    allowed = lab_addresses(d.op for d in drafts)
    out: list[Draft] = []
    warnings: list[str] = []
    for d in drafts:
        if isinstance(d.op, Probe) and d.op.target not in allowed:
            command = renderer().text(d.op).split(" ", 4)[4]
            out.append(replace(d, op=NetnsExec(ns=d.op.ns, command=command, observes=True)))
            warnings.append(
                f"line {d.cmd.line}: ping target {d.op.target} is not an address the input assigns"
                " with 'ip addr add'; kept as 'netns exec', not a probe"
            )
        else:
            out.append(d)
    return out, warnings


def choose_sudo(wanted: Iterable[tuple[Op, bool]]) -> SudoPolicy:
    """The policy that agrees with the most lines (``auto``, then ``never``, on a tie)."""
    pairs = list(wanted)

    def misses(policy: SudoPolicy) -> int:
        return sum(decide_sudo(policy, None, op) != sudo for op, sudo in pairs)

    policies: tuple[SudoPolicy, ...] = ("auto", "never", "always")
    return min(policies, key=misses)


# -- writing YAML --------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, multi-line text as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )


def step_map(draft: Draft, sudo: bool | None, output: str | None) -> dict[str, Any]:
    """One step: title, prose, action, the op's fields, sudo, output (in that order)."""
    out: dict[str, Any] = {}
    for key, value in (("title", draft.title), ("prose", draft.prose)):
        if value is not None:
            out[key] = jinja_literal(value)
    out["action"] = draft.op.action
    out.update(op_fields(draft.op))
    if sudo is not None:
        out["sudo"] = sudo
    if output is not None:
        out["output"] = jinja_literal(output)
    return out


def _steps_yaml(key: str, steps: Sequence[dict[str, Any]]) -> str:
    parts = [f"{key}:\n"]
    for i, step in enumerate(steps):
        if i and "title" in step:
            parts.append("\n")
        text = dump_yaml([step])
        parts.append(
            "".join(f"  {line}" if line.strip() else line for line in text.splitlines(True))
        )
    return "".join(parts)


def _output_text(cmd: Cmd) -> str | None:
    lines = list(cmd.output)
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines) or None


# -- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
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
    #: variables expanded, with the line that sets each
    variables: tuple[tuple[str, int], ...] = ()

    def summary(self) -> str:
        out = [
            f"imported {len(self.lines)} commands into scenario {self.name!r}:"
            f" {self.setup} setup, {self.teardown} teardown; {self.typed} typed, {self.raw} raw;"
            f" sudo: {self.sudo}"
        ]
        if self.variables:
            listed = ", ".join(f"${n} (line {line})" for n, line in self.variables)
            out.append(f"expanded shell variables: {listed}")
        if self.warnings:
            out.append(f"warnings ({len(self.warnings)}):")
            out += [f"  {w}" for w in self.warnings]
        if self.cannot_undo:
            out.append(
                f"iplab cannot undo {len(self.cannot_undo)} step(s)"
                " (add 'undo:' to a step, or 'observe: true' if it changes nothing):"
            )
            out += [f"  {c}" for c in self.cannot_undo]
        out.append(f"model: {self.model_error}" if self.model_error else "model: OK")
        return "\n".join(out) + "\n"


def scenario_name(source_name: str) -> str:
    """A scenario name from a file name: [A-Za-z0-9_.-], not starting with '-' or '.'."""
    stem = Path(source_name).stem
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).lstrip("-.")[: names.NETNS_MAX].rstrip("-.")
    return name if name and not names.netns_name_problem(name) else "imported"


def detect_kind(path: str, text: str) -> Kind:
    """Markdown by extension (.md, .markdown) or by a fenced block; else a shell script."""
    suffix = Path(path).suffix.lower()
    if suffix in (".md", ".markdown", ".mdown"):
        return "markdown"
    if suffix in (".sh", ".bash"):
        return "shell"
    return "markdown" if any(_FENCE.fullmatch(line) for line in text.splitlines()) else "shell"


def _read(text: str, kind: Kind) -> tuple[str | None, str | None, Reader, list[Draft]]:
    if kind == "markdown":
        title, reader = read_markdown(text)
        drafts, intro = assemble(reader.events)
        description = "\n\n".join(n.text for n in intro if n.kind != "heading") or None
        return title, description, reader, drafts
    reader = read_shell(text)
    title, description, events = _shell_header(reader.events)
    drafts, _ = assemble(events)
    return title, description, reader, drafts


def import_text(
    text: str, kind: Kind, source_name: str, *, name: str | None = None
) -> ImportResult:
    """A scenario (YAML text) from a tutorial page or a shell script, with a summary.

    Raises UsageError when the input holds no command, or ``name`` is not a valid name.
    """
    if name is not None and (problem := names.netns_name_problem(name)):
        raise UsageError(f"--name: {problem.replace('namespace name', 'scenario name')}")
    name = name or scenario_name(source_name)
    title, description, reader, drafts = _read(text, kind)
    if not drafts:
        raise UsageError(f"{source_name}: no command found (read as {kind})")
    drafts, probe_warnings = probes_to_exec(drafts)
    cut = split_teardown(drafts)
    policy = choose_sudo((d.op, d.cmd.parsed.sudo) for d in drafts)
    steps = [step_map(d, _sudo_field(policy, d), _output_text(d.cmd)) for d in drafts]
    top: dict[str, Any] = {"name": name}
    top.update({k: v for k, v in (("title", title), ("description", description)) if v})
    top.update({"source": source_name, "sudo": policy})
    warnings = tuple(reader.warnings + probe_warnings)
    cannot_undo = tuple(_cannot_undo(drafts, cut))
    body = "".join(
        [
            f"# Imported by `iplab import` from {source_name}; review it, then edit freely.\n",
            dump_yaml(top),
            "\n",
            _steps_yaml("setup", steps[:cut]),
            "\n" + _steps_yaml("teardown", steps[cut:]) if cut < len(steps) else "",
        ]
    )
    lines = tuple(d.cmd.text for d in drafts)
    scenario = _load_checked(body, f"{name}.yaml", lines)
    result = ImportResult(
        yaml=body,
        name=name,
        lines=lines,
        setup=cut,
        teardown=len(drafts) - cut,
        typed=sum(d.cmd.parsed.typed for d in drafts),
        raw=sum(not d.cmd.parsed.typed for d in drafts),
        sudo=policy,
        warnings=warnings,
        cannot_undo=cannot_undo,
        model_error=_model_error(scenario, drafts),
        variables=tuple(sorted(reader.expanded.items(), key=lambda kv: kv[1])),
    )
    trailer = "".join(f"# {line}".rstrip() + "\n" for line in result.summary().splitlines())
    return replace(result, yaml=f"{body}\n# --- import summary ---\n{trailer}")


def _sudo_field(policy: SudoPolicy, draft: Draft) -> bool | None:
    wanted = draft.cmd.parsed.sudo
    return None if decide_sudo(policy, None, draft.op) == wanted else wanted


def _cannot_undo(drafts: Sequence[Draft], cut: int) -> Iterable[str]:
    for i, d in enumerate(drafts):
        op = d.op
        if isinstance(op, Raw | NetnsExec) and op.undo is None and not op.observes:
            where = f"setup[{i}]" if i < cut else f"teardown[{i - cut}]"
            yield f"{where} (line {d.cmd.line}): {d.cmd.text}"


def _load_checked(text: str, file: str, lines: Sequence[str]) -> Scenario:
    """Load the written scenario and prove it renders the input's lines, one for one."""
    scenario = load_text(text, file)
    rendered = [
        renderer().command(s.op, decide_sudo(scenario.sudo, s.sudo, s.op)).text
        for s in scenario.steps
    ]
    if rendered != list(lines):  # pragma: no cover - each line was proven on its own
        raise AssertionError(f"imported scenario renders {rendered!r}, not {list(lines)!r}")
    return scenario


def _model_error(scenario: Scenario, drafts: Sequence[Draft]) -> str | None:
    """What plan.build (the model, probes, claims) refuses, located in the input."""
    try:
        build(scenario)
    except ScenarioError as exc:
        field_path = exc.loc.field if exc.loc is not None else None
        match = re.match(r"(setup|teardown)\[(\d+)\]", field_path or "")
        if match is None:
            return exc.message
        index = int(match[2]) + (len(scenario.setup) if match[1] == "teardown" else 0)
        draft = drafts[index]
        return f"{match[0]} (line {draft.cmd.line}: {draft.cmd.text}): {exc.message}"
    return None


# -- the command line ---------------------------------------------------------------------------


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Register ``iplab import FILE [-o OUT] [--name NAME] [--format auto|markdown|shell]``."""
    p = subparsers.add_parser(
        "import",
        help="turn a tutorial (Markdown) or a shell script into a scenario file",
        description=(
            "Read the commands of a tutorial page or a shell script and write a scenario that "
            "renders them back exactly. The summary (warnings, steps iplab cannot undo, the "
            "model's verdict) goes to stderr. Exit 1 when the model rejects the scenario "
            "(the file is still written)."
        ),
    )
    p.add_argument("file", type=Path, help="a Markdown page (.md) or a shell script")
    p.add_argument("-o", "--output", type=Path, help="write the scenario here instead of stdout")
    p.add_argument("--name", help="the scenario's name (default: from the file name)")
    p.add_argument(
        "--format",
        choices=("auto", "markdown", "shell"),
        default="auto",
        help="how to read FILE (auto: .md is Markdown, .sh a script, else by its content)",
    )
    p.set_defaults(handler=cmd_import)
    return p


def read_input(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None


def cmd_import(args: argparse.Namespace) -> int:
    """Write the scenario to ``-o`` (or stdout) and the summary to stderr.

    Exit status: 0, or 1 when the model rejects the imported scenario.
    """
    path: Path = args.file
    text = read_input(path)
    kind: Kind = detect_kind(str(path), text) if args.format == "auto" else args.format
    result = import_text(text, kind, str(path), name=args.name)
    options.write_text(result.yaml, args.output)
    sys.stderr.write(result.summary())
    return 1 if result.model_error else 0
