"""Reading tutorials: a Markdown page or a shell script -> notes and command lines.

The first stage of ``iplab import``. A line is a command when it starts with a
prompt or a known program; the lines a tutorial prints under an observation
command are its output, not commands; prompts, ``\\`` continuations, trailing
comments and the script's own shell variables are dealt with here.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import yaml

from iplab import names
from iplab.lineparse import LineError, Parsed, classify
from iplab.steps import NetnsExec, Op, Probe, Raw, is_observation

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
FENCE = re.compile(r"(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_HEADING = re.compile(r" {0,3}(?P<level>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s+")
_REF_DEF = re.compile(r" {0,3}\[[^\]]+\]:\s*\S")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
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
        fence = FENCE.fullmatch(line)
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
