"""The parts of a tutorial page (headings, paragraphs, code blocks), whatever its markup
(:mod:`~iplab.importer.markdown`, :mod:`~iplab.importer.html`, :mod:`~iplab.importer.rst`,
:mod:`~iplab.importer.asciidoc`, :mod:`~iplab.importer.notebook` make them), read in
order: the first level-one heading is the title, the prose is notes, the code blocks go to
the :class:`~iplab.importer.reader.Reader`.

Why this module is long: a page's parts are read in one pass that needs both its code
blocks and its sentences (a sentence that names a code block's line, commands in a
sentence, a sentence that makes the block under it a remedy, not a step), so the rules for
commands in prose live beside the pass that uses them.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from iplab.importer import shell as shellread
from iplab.importer.elsewhere import shell_elsewhere
from iplab.importer.fileblocks import FileBlock, file_blocks
from iplab.importer.formats import Found, by_content
from iplab.importer.highlights import unmarked
from iplab.importer.prose import (
    cjk_word,
    failure_shown,
    glued_heading,
    is_sentence,
    says_it_printed,
)
from iplab.importer.reader import (
    ANOTHER_TERMINAL,
    CLEANUP,
    IP_PRINTED,
    KNOWN_PROGRAMS,
    NOT_SHELL_LANGS,
    SHELL_LANGS,
    Block,
    Cmd,
    Note,
    Reader,
    ascii_command,
    continues,
    first_program,
    join_continuation,
    leaves_shell,
    listing_number,
    printed_after,
    printed_after_said,
    prompt_of,
    strip_comment,
    strip_prompt,
)
from iplab.importer.shortcodes import split_paragraph
from iplab.importer.synopsis import grammar_line, opens_synopsis
from iplab.ipgrammar import effects, refusal
from iplab.ipwords import verb_of
from iplab.lineparse import LineError, classify
from iplab.steps import NetnsExec, is_observation
from iplab.words import QUIETING, command_slot, placeholder
from iplab.wrappers import program_name, runs_sudo

_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"(`+)\s*(.+?)\s*\1"), r"\2"),  # `code`, ```code```
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # **strong**
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML
)


#: a code span (`` `<your-name>-ns` ``): code, never markup, whatever it holds
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
#: what a code span's text may hold that the patterns of markup would take (a placeholder's
#: ``<`` and ``>``, a glob's ``*``), kept apart while they run
_MARKS = {"<": "\ue000", ">": "\ue001", "*": "\ue002", "_": "\ue003"}
_KEPT = str.maketrans(_MARKS)
_BACK = str.maketrans({kept: mark for mark, kept in _MARKS.items()})


def plain(text: str) -> str:
    """Markdown inline markup removed (links keep their text), whitespace collapsed; the
    text of a code span is kept as written (`` `<your-name>-ns` `` is no HTML tag)."""
    text = _CODE_SPAN.sub(lambda span: span[1] + span[2].translate(_KEPT) + span[1], text)
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return " ".join(text.translate(_BACK).split())


def first_matching(lines: Sequence[str], i: int, matches: Callable[[str], object]) -> int | None:
    """The index of the first of ``lines`` from ``i`` on that ``matches`` (a delimited
    block's closing line, as each markup's reader tells it), or None: there is none."""
    return next((j for j in range(i, len(lines)) if matches(lines[j])), None)


@dataclass
class Part:
    """One block of a page, as a Markdown or an HTML page holds it (see iplab.importer.html)."""

    kind: Literal["heading", "paragraph", "code"]
    #: where it starts and ends (1-based lines of the input)
    line: int
    end: int
    #: a heading's text; a paragraph's source lines (markup removed by :func:`plain` later)
    text: str = ""
    source: list[str] = field(default_factory=list)
    #: a level-one heading that may be the page's title
    title: bool = False
    #: a code block's language (its info string) and its lines, numbered
    info: str = ""
    body: list[tuple[int, str]] = field(default_factory=list)
    #: inside a blockquote (Markdown's ``> ``)
    quoted: bool = False
    #: shown, never run: prose whatever it holds (a notebook's markdown cell: its code cells
    #: run the commands)
    shown: bool = False
    #: the file a code block is, as the page's markup names it (``<pre title="x.conf">``)
    named: str = ""


def read_parts(
    parts: Sequence[Part],
    title: str | None,
    keep_variables: bool,
    *,
    replies: bool = False,
    root_prompts: bool = False,
    base: Path | None = None,
    page: Sequence[str] = (),
) -> tuple[str | None, Reader]:
    """A page's parts, in order, read: the first level-one heading is its title (unless it
    has one), the others are notes, code blocks go to the reader. ``replies``: the page is
    a mail's (or a post's) text, its quoted parts the other message's, never read (said in
    a warning when they hold commands). ``root_prompts``: a plain-text page's ``# ip ...``
    heading is a root shell's prompt (:func:`_prompted_headings`). ``base``: the folder of
    the page, whose scripts its blocks run (``./newHost.sh red``) are read from there.
    ``page``: its lines as written (a list item's number, which a part's lines lose: the
    step before a numbered one glued to a command, hunt DX)."""
    reader = Reader(markdown=True, keep_variables=keep_variables, base=base)
    parts = [unmarked(piece, reader.warnings) for part in parts for piece in _shortcoded(part)]
    headings = [] if root_prompts else _root_shell_headings(reader, parts)
    if headings and any(part.kind == "code" for part in parts):
        reader.warnings.append(
            f"line{'s' if len(headings) > 1 else ''} {', '.join(map(str, headings))}: '# ip"
            " ...' outside any code block (a heading to Markdown), and the page's code blocks"
            " hold no command (what they printed): read as commands typed at a root prompt"
        )
    prompted = root_prompts or bool(headings)
    parts = _at_ps2(_prompted_headings(reader, parts)) if prompted else parts
    parts = [kept for part in parts if (kept := _unfurnished(part)) is not None]
    h1_taken = title is not None
    code_on_page = any(part.kind == "code" for part in parts)
    reader.code_on_page = code_on_page
    reader.glues_output = _glues_output(parts)
    # the lines of the page's code blocks: a sentence that names one of them again (``bring
    # them up with `ip link set a up` ``) shows the command, it does not run it twice
    shown = {_same_words(text) for part in parts if part.kind == "code" for _, text in part.body}
    # each placeholder the page's code blocks hold, as often as they hold it
    slots = Counter(
        found for part in parts if part.kind == "code" for _, t in part.body
        for found in _WHOLE_ANGLE.findall(t)
    )  # fmt: skip
    # the words of each code line that holds no placeholder: a command the page runs filled in
    filled = [
        words for part in parts if part.kind == "code" for _, t in part.body
        if not _WHOLE_ANGLE.search(t) and (words := _words(t))
    ]  # fmt: skip
    files = file_blocks(parts, reader.looks_like_command)
    # a script held as text (its ``#!`` line said): only its ip lines are read, as said
    scripted = not code_on_page and any(
        _SHEBANG.match(text.strip()) for part in parts for text in part.source
    )
    before: Part | None = None
    synopsis: int | None = None  # (the line of the man page's SYNOPSIS the page shows)
    printed_before = False  # (the part before: a block of what man printed under it)
    for index, written in enumerate(parts):
        hint = (
            _hint(before, written)
            or _replaced(before, written, reader)
            or _syntax(before, written, slots, filled)
        )
        printed = None
        if written.kind == "code" and hint is None and synopsis is not None:
            printed = hint = _man_printed(written, synopsis, went_on=printed_before)
        if printed is None:
            synopsis = _synopsis_opened(written)
        printed_before = printed is not None
        before = written
        if hint is not None:
            reader.warnings.append(hint)
        part = written if hint is None else replace(written, shown=True)
        if replies and part.quoted:
            if said := _quoted(part, code_on_page):
                reader.warnings.append(said)
        elif (
            part.kind == "heading"
            and not code_on_page
            and part.source[:1]
            and reader.or_offered(part.source[0].strip(), part.line)
        ):
            pass  # (``# or`` between two commands of the prose, a heading to Markdown: hunt DX)
        elif (
            part.kind == "heading"
            and not code_on_page
            and part.source[:1]
            and (glued := command_after_comment(part.source[0]))
        ):
            said = part.source[0].strip()[: -len(glued)].rstrip()
            reader.warnings.append(
                f"line {part.line}: the comment {said!r} holds the command after it, {glued!r}"
                " (the line break between a code block's comment and its command lost): read"
                " as the comment, then the command"
            )
            reader.comment(said, part.line)
            reader.commented(glued, part.line)
        elif part.kind == "heading":
            if part.title and not h1_taken and not _a_comment(reader, part, parts, index):
                title, h1_taken = part.text, True
            elif reader.sessions and (
                _between_commands(reader, part, parts, index)
                or (reader.sessions[-1].away and _over_a_command(reader, part, parts, index))
            ):
                reader.comment(part.source[0], part.line)  # (the open shell's comment)
            else:
                reader.note("heading", part.text, part.line)
        elif part.kind == "paragraph" and part.shown:
            reader.note("paragraph", part.text, part.line, part.end)  # (said by its hint)
        elif part.kind == "paragraph":
            if ANOTHER_TERMINAL.search(" ".join(part.source)):
                reader.another_terminal()  # (hunt Q: docker's "At another shell, ...")
            above = parts[index - 1] if index else None
            commented = (
                above is not None
                and above.kind == "heading"
                and above.end == part.line - 1
                and above.source[:1] != []
                and above.source[0].startswith("# ")
            )  # (``# Check the namespace file`` right above: a lost code block's comment)
            _bare_paragraph(
                reader,
                part.source,
                part.line,
                code_on_page,
                shown,
                commented=commented,
                scripted=scripted,
                above=_text_above(parts, index, page),
                page=page,
            )
        elif part.shown:  # (as a block that holds no command: its lines, fenced)
            body = [t.rstrip() for _, t in part.body]
            while body and not body[-1]:
                body.pop()
            lang = (part.info.split() or [""])[0]
            text = "\n".join([f"```{lang}", *body, "```"])
            reader.note("fence", text, part.line, part.end)  # code: prose, never a title
        elif (block := files.get(index)) is not None:
            _file_block(reader, block, part)
        else:
            _code_block(reader, part.info, part.body, part.line)
    if not code_on_page:
        _printed_under(reader, page)
    reader.finish()
    return title, reader


def _printed_under(reader: Reader, page: Sequence[str]) -> None:
    """A command's line, a paragraph that says what it printed (``returns``, ``gives``:
    :func:`~iplab.importer.prose.says_it_printed`), then a paragraph of lines that are no
    sentences: that command's output, as the page shows it (hunt EO #5: sudomesh's issue
    thread, ``sudo ip netns exec n0 ip route`` / ``returns`` / the routes, which became the
    next step's prose, run together on one line). A page with no code blocks only: one
    with code blocks shows output in a block (``Reader._labelled_output``)."""
    events = reader.events
    k = 0
    while k + 2 < len(events):
        shown, said, printed = events[k : k + 3]
        k += 1
        if (
            not isinstance(shown, Cmd | Block)
            or shown.output
            or not isinstance(said, Note)
            or said.kind != "paragraph"
            or not says_it_printed(said.text)
            or not isinstance(printed, Note)
            or printed.kind != "paragraph"
        ):
            continue
        rows = [row.strip() for row in page[printed.line - 1 : printed.end]] if page else []
        if not rows or any(not row or is_sentence(row) for row in rows):
            continue
        shown.output.extend(rows)
        del events[k : k + 2]


def _a_comment(reader: Reader, heading: Part, parts: Sequence[Part], index: int) -> bool:
    """A level-one heading that is a shell comment of a code block the saved page lost
    (``# Create a namespace`` with ``sudo ip netns add r1`` on the line right under it,
    ``# Output: myns`` on the line right under ``ip netns list``): a step's comment, not
    the page's title (hunt DJ: oneuptime's and michealgarner's pages were titled "Create
    a new network namespace named "ns1"", "Create a namespace"). A heading with a blank
    line or prose on each side may be the title."""
    if not heading.source[:1] or not heading.source[0].startswith("# "):
        return False  # (an underlined title, ``Title`` over ``=====``, is no comment)
    # (a run of ``# `` lines, one right under the other, is one block's comments: the
    # command may touch the run's first or last; hunt DR: cubepath's lab was titled by the
    # middle one of three, "1: lo: mtu 65536 ...")
    first, last = index, index
    while first > 0 and _comment_above(parts[first - 1], parts[first]):
        first -= 1
    while last + 1 < len(parts) and _comment_above(parts[last], parts[last + 1]):
        last += 1
    before = parts[first - 1] if first > 0 else None
    after = parts[last + 1] if last + 1 < len(parts) else None
    heading = replace(heading, line=parts[first].line, end=parts[last].end)
    # (bare lines only: a heading right above a fenced block is the page's own)
    if (
        before is not None
        and before.kind == "paragraph"
        and before.end == heading.line - 1
        and before.source
        and _a_command(reader, before.source[-1])
    ):
        return True
    if after is not None and after.kind == "paragraph" and after.line == heading.end + 1:
        return bool(after.source) and _a_command(reader, after.source[0])
    return False


def _comment_above(upper: Part, lower: Part) -> bool:
    """Two ``# `` headings, the second on the line right under the first."""
    return (
        upper.kind == "heading"
        and lower.kind == "heading"
        and lower.line == upper.end + 1
        and upper.source[:1] != []
        and lower.source[:1] != []
        and upper.source[0].startswith("# ")
        and lower.source[0].startswith("# ")
    )


def _between_commands(reader: Reader, heading: Part, parts: Sequence[Part], index: int) -> bool:
    """A ``# ...`` heading with a command on the line right above it and on the line right
    under it: a shell comment of a code block the saved page lost, typed in the shell open
    there (hunt DR: besthub's ``$ sudo nsenter --net=/var/run/netns/netns0``, ``# inside
    netns0``, ``$ ip link set lo up``: the heading closed the shell, and the lines under it
    ran on the host). A heading with a blank line or prose on a side is a new section."""
    if not heading.source[:1] or not heading.source[0].startswith("# "):
        return False
    before = parts[index - 1] if index > 0 else None
    after = parts[index + 1] if index + 1 < len(parts) else None
    return (
        before is not None
        and after is not None
        and before.kind == "paragraph"
        and after.kind == "paragraph"
        and before.end == heading.line - 1
        and after.line == heading.end + 1
        and bool(before.source)
        and bool(after.source)
        and _a_command(reader, before.source[-1])
        and _a_command(reader, after.source[0])
    )


def _over_a_command(reader: Reader, heading: Part, parts: Sequence[Part], index: int) -> bool:
    """A ``# ...`` heading with a command on the line right under it: in a shell opened in
    a container or a virtual machine, the lost code block's comment, typed there (hunt DW:
    besthub's ``$ vagrant ssh``, its lines, a sentence, then ``# create veth pair`` right
    over ``$ sudo ip link add veth0 ...``: the heading left the VM's shell, and the lines
    typed in the VM were the host's steps). Kept in the shell when unsure: a line read as
    typed in the VM is a note; one read on the host changes it."""
    if not heading.source[:1] or not heading.source[0].startswith("# "):
        return False
    after = parts[index + 1] if index + 1 < len(parts) else None
    return (
        after is not None
        and after.kind == "paragraph"
        and after.line == heading.end + 1
        and bool(after.source)
        and _a_command(reader, after.source[0])
    )


def _opens_elsewhere(line: str) -> bool:
    """A line alone in the prose that opens a shell in a container or another machine
    (``docker run -it --name app1 --network=none alpine sh``): read, so that the lines
    typed after it are that shell's (hunt DW: euno.news's ``ip link show`` under "Inside
    the container's shell" was read as the host's, the docker line left as prose). Read,
    it is a note, never a step."""
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    while runs_sudo(words):
        words = words[1:]
    return bool(words) and shell_elsewhere(words[0], words[1:]) is not None


def _a_command(reader: Reader, line: str) -> bool:
    """``line`` is a command a page types (at a prompt or bare)."""
    text = line.strip()
    return bool(text) and (
        reader.looks_like_command(text) or _at_a_prompt(reader, text) is not None
    )


def _file_block(reader: Reader, block: FileBlock, part: Part) -> None:
    """A code block the page names as a file (:mod:`iplab.importer.fileblocks`): written by
    a step when a later command reads it; else read as before, said in one warning (not a
    warning for each of its lines)."""
    lines = f"lines {part.body[0][0]}-{part.body[-1][0]}"
    if block.written:
        reader.file_block(
            block.path,
            part.body,
            f"line {part.line}: the block at {lines} is {block.path} (named by {block.how},"
            f" read by line {block.read_at})",
        )
        if block.read_before is not None:  # (hunt CU's leftover: the run failed there)
            reader.warnings.append(
                f"line {block.read_before}: reads {block.path} before the page writes it"
                f" (the block at {lines}): that step fails unless the file is on this host"
                " already; move the block above it"
            )
        return
    count = len(reader.warnings)
    _code_block(reader, part.info, part.body, part.line)
    said = reader.warnings[count:]
    if any("asks to save the block" in w for w in said):
        return
    unread = [w for w in said if w.endswith("is neither a command nor the output of one; ignored")]
    reader.warnings[count:] = [w for w in said if w not in unread]
    why = (
        f"it may be what line {block.printed_at} printed"
        if block.printed_at is not None
        else f"no command after it reads {block.path} (-f, -C, <, source...)"
    )
    reader.warnings.append(
        f"line {part.line}: the block at {lines} may be {block.path} (named by {block.how}),"
        f" but {why}: not written as the file, read as before"
        + (f" ({len(unread)} of its lines neither commands nor output, ignored)" if unread else "")
    )


def _root_shell_headings(reader: Reader, parts: Sequence[Part]) -> list[int]:
    """The lines of a Markdown page's ``# ...`` headings that are a root shell's commands:
    two or more headings that hold ip commands (``# ip netns add ns0``, ``# ip netns exec
    ns0 ip link set lo up``) on a page with no code block of commands, its code blocks lost
    when it was saved, as on a plain-text page (hunt DR: besthub's copy of a Chinese post,
    "no command found ... ip commands inside sentences (a transcript?)", its four ip lines
    all headings). The code blocks such a page has left are what the commands printed
    (``    link/ether ...``, indented four spaces: hunt EO, codeblogbt's page saved as
    Markdown, its ``# ip netns add blue`` and ``# ip link add veth0 ...`` lost with no
    word, the lab left with its bare lines only). Empty: none, or fewer than two."""
    if any(
        part.kind == "code" and any(_a_command(reader, text) for _, text in part.body)
        for part in parts
    ):
        return []
    prompted = [
        part.line
        for part in parts
        if part.kind == "heading"
        and part.source[:1]
        and part.source[0].startswith("# ")
        and _ip_line(part.source[0][2:].strip())
        and reader.looks_like_command(part.source[0][2:].strip())
    ]
    return prompted if len(prompted) >= 2 else []


def _ip_line(text: str) -> bool:
    """``text`` starts with ip, or sudo ip (a heading that is a command of iproute2's)."""
    words = text.split()
    words = words[1:] if runs_sudo(words) else words
    return bool(words) and program_name(words[0]) == "ip" and len(words) > 1


def _prompted_headings(reader: Reader, parts: Sequence[Part]) -> list[Part]:
    """A plain-text page's ``# ip netns exec red ping -c 2 10.0.0.2`` (a book's root shell,
    which Markdown reads as a heading; hunt AP: it was the lab's title, the ping never
    run) and the lines printed right under it: a code block, read at its prompt."""
    out: list[Part] = []
    k = 0
    while k < len(parts):
        part, k = parts[k], k + 1
        raw = part.source[0] if part.kind == "heading" and part.source else ""
        if (
            not raw.startswith("# ")
            or not reader.looks_like_command(raw[2:].strip())
            or _in_a_script(reader, part, out[-1] if out else None, parts[k : k + 1])
        ):
            out.append(part)
            continue
        body = [(part.line, f"# {typed}") for typed in _root_line(reader, part.line, raw[2:])]
        if k < len(parts) and parts[k].kind == "paragraph" and parts[k].line == part.line + 1:
            body += list(enumerate(parts[k].source, start=parts[k].line))  # (what it printed)
            k += 1
        out.append(Part("code", part.line, body[-1][0], body=body))
    return out


def _root_line(reader: Reader, number: int, typed: str) -> list[str]:
    """The commands of a root's prompted line as the page holds it: ``ip link add vxlan1 ...
    # ip link set vxlan1 up # ip addr add ...`` (a code block's lines run together, each at
    its ``#`` prompt: hunt EC, the second and third were the first's comment, lost with no
    word), and without what a command printed after it on its line (``ifconfig vxlan1
    vxlan1: flags=4163<UP,...> mtu 1450``: hunt EC, ifconfig's ``<``/``>`` read as
    redirections to the host's files); said. ``[typed]`` when it is one command alone."""
    pieces = [piece.strip() for piece in _HASH_AGAIN.split(typed.strip())]
    if len(pieces) > 1 and all(
        _ip_line(piece) and reader.looks_like_command(piece) for piece in pieces
    ):
        reader.warnings.append(
            f"line {number}: {', '.join(map(repr, pieces))}, at '#' prompts on one line (a"
            " code block's lines run together): read one by one"
        )
    else:
        pieces = [typed.strip()]
    out = []
    for piece in pieces:
        if (cut := printed_after(piece, reader.glues_output)) is not None:
            reader.warnings.append(printed_after_said(number, *cut))
        out.append(piece if cut is None else cut[0])
    return out


def _glues_output(parts: Sequence[Part]) -> bool:
    """A line of the page, at a prompt, holds a command and what it printed, run on after
    it (``$ ip rule show 0: from all lookup local ...``): the page's text lost the line
    breaks after its commands (:func:`~iplab.importer.reader.printed_after`)."""
    for part in parts:
        lines = [t for _, t in part.body] if part.kind == "code" else part.source
        for text in lines:
            typed = strip_prompt(text.strip()) if prompt_of(text.strip()) else None
            if typed and printed_after(typed) is not None:
                return True
    return False


def _at_ps2(parts: Sequence[Part]) -> list[Part]:
    """A plain-text page's command at a prompt that the shell reads on (``root@lab:~# for ns
    in east west; do``) and the ``> `` lines under it, bash's second prompt, which Markdown
    reads as a quote (hunt AP: the loop lost with no word, its namespaces never made): a
    code block of the prompted line and those lines, as the terminal showed them."""
    out: list[Part] = []
    for part in parts:
        before = out[-1] if out else None
        if (
            before is not None
            and before.kind == "paragraph"
            and not before.quoted
            and part.kind == "paragraph"
            and part.quoted
            and part.line == before.end + 1
            and (body := strip_prompt(before.source[-1].strip(), root_hash=True))
            and (continues(body) or not shellread.complete(body))
        ):
            out.pop()
            if len(before.source) > 1:  # (the words before the prompt stay prose)
                out.append(replace(before, end=before.end - 1, source=before.source[:-1]))
            body_lines = [(before.end, before.source[-1])]
            body_lines += [
                (part.line + j, t if strip_prompt(t.strip(), root_hash=True) else f"> {t}")
                for j, t in enumerate(part.source)
            ]  # (a line at a prompt, Markdown's lazy line of the quote: the next command)
            out.append(Part("code", before.end, part.end, body=body_lines))
            continue
        out.append(part)
    return out


def _in_a_script(reader: Reader, heading: Part, before: Part | None, after: Sequence[Part]) -> bool:
    """A ``# ip ...`` line among a script's bare command lines, right above or below it:
    a line the author commented out (``# ip netns del blue``: hunt AT, it ran, and the lab
    lost blue before its ping), no root prompt."""
    above = (
        before.source[-1]
        if before is not None
        and before.kind == "paragraph"
        and before.source
        and before.end == heading.line - 1
        else ""
    )
    below = (
        after[0].source[0]
        if after
        and after[0].kind == "paragraph"
        and after[0].source
        and after[0].line == heading.line + 1
        else ""
    )
    return any(
        line.strip() and reader.looks_like_command(line.strip()) and not is_sentence(line.strip())
        for line in (above, below)
    )  # (``ip 명령은 ... 만들었다.``, a sentence about ip, above a root prompt: hunt DJ)


#: a Q&A site's furniture, copied with a thread (hunt AE): "Asked 3 years ago · Modified 1
#: year ago · Viewed 24k times", "asked Feb 2, 2021 at 14:02 alice", "✔ Accepted", "Share
#: Improve this answer Follow", "3 Answers", a vote count alone
_FURNITURE = re.compile(
    r"(?:Asked|Modified|Viewed)\s.*\b(?:ago|times|today|yesterday)\b.*"
    r"|(?:asked|answered|edited|modified|commented)\s+(?:[A-Z][a-z]{2}\s+\d{1,2}(?:,\s*\d{4})?"
    r"|\d+\s+\w+\s+ago|yesterday|today)(?:\s+at\s+\d{1,2}:\d\d)?(?:\s+\S+){0,3}"
    r"|[\u2714\u2713]\s*Accepted(?:\s+answer)?|Accepted\s+answer"
    r"|Share(?:\s+Edit)?(?:\s+Improve\s+this\s+(?:answer|question))?\s+Follow(?:\s+.*)?"
    r"|\d+\s+Answers?|Add\s+a\s+comment|Show\s+\d+\s+more\s+comments?|[-+]?\d{1,6}"
    r"|[-+]?\d{1,6}\s+votes?"
)


def _unfurnished(part: Part) -> Part | None:
    """A paragraph without the lines of a Q&A site's furniture (:data:`_FURNITURE`) it
    starts or ends with, which were step titles and prose; None when it held nothing else.
    Any other part as it is."""
    if part.kind != "paragraph" or part.shown:
        return part
    source, first = list(part.source), part.line
    while source and _FURNITURE.fullmatch(source[0].strip()):
        source, first = source[1:], first + 1
    while source and _FURNITURE.fullmatch(source[-1].strip()):
        source = source[:-1]
    if not source:
        return None
    return part if source == part.source else replace(part, line=first, source=source)


#: a sentence that says what to do when something fails (``If you get `RTNETLINK answers:
#: File exists`, run the cleanup first:``): what follows is a remedy, not a step
_IF_FAILS = re.compile(
    r"(?:^|[.!?]\s+)(?:if|in case|should)\b[^.!?]*?(?:\byou\s+(?:get|see|hit|run into"
    r"|encounter|receive)\b|\b(?:fails?|errors?|already exists|file exists)\b)[^.!?]*:\s*$",
    re.IGNORECASE,
)


def _hint(before: Part | None, part: Part) -> str | None:
    """The warning for a code block a sentence right above it gives as the remedy of a
    failure (hunt G: a README's troubleshooting hint, ``sudo ip link del ghbr``, was a
    teardown step); None for any other part."""
    if part.kind != "code" or part.shown or before is None or before.kind != "paragraph":
        return None
    sentence = plain(" ".join(before.source))
    if not _IF_FAILS.search(sentence):
        return None
    lines = [t.strip() for _, t in part.body if t.strip()]
    shown = repr(lines[0]) + (f" (and {len(lines) - 1} more lines)" if len(lines) > 1 else "")
    return (
        f"line {part.line}: {shown} is a remedy the page gives if something fails"
        f" ({sentence!r}): shown, not a step"
    )


def _replaced(before: Part | None, part: Part, reader: Reader) -> str | None:
    """The warning for a command the sentence right above it says the page replaces (``So
    instead of`` over ``sudo ip netns exec n0 nc -l 80``, then ``do`` over the right one: an
    answer's fix; hunt EG, the wrong one ran again as a step); None for any other part. The
    part is a code block, or a paragraph that is one command."""
    if part.shown or before is None or before.kind != "paragraph":
        return None
    sentence = plain(" ".join(before.source))
    if not _INSTEAD_OF.search(sentence):
        return None
    if part.kind == "code":
        body = [(n, t.strip()) for n, t in part.body if t.strip()]
        number, lines = (body[0][0] if body else part.line), [t for _, t in body]
    elif part.kind == "paragraph" and len(part.source) == 1:
        number, lines = part.line, [part.source[0].strip().strip("`").strip()]
    else:
        return None
    if not lines or not reader.looks_like_command(strip_prompt(lines[0]) or lines[0]):
        return None
    said = sentence if len(sentence) <= 60 else "..." + sentence[-57:]
    shown = repr(lines[0]) + (f" (and {len(lines) - 1} more lines)" if len(lines) > 1 else "")
    return (
        f"line {number}: {shown} is what the page replaces ({said!r}): shown, not run;"
        " the command after it is read"
    )


#: a sentence that ends saying the command under it is the one replaced: ``So instead
#: of``, ``Rather than:``, ``instead of running:``
_INSTEAD_OF = re.compile(
    r"\b(?:instead\s+of|rather\s+than)(?:\s+(?:running|typing|using|doing))?\s*[:,]?\s*$",
    re.IGNORECASE,
)


#: a sentence that gives a command's form (``The syntax is:``, ``the format this command
#: follows is:``, ``Usage:``): the block under it shows the form, it runs nothing
_SYNTAX = re.compile(
    r"\b(?:syntax|usage|format|general form|synopsis)\b[^.!?]*:\s*$", re.IGNORECASE
)


#: a placeholder that is a whole word of its line: ``kea-dhcp4 -c <config_file>``
_WHOLE_ANGLE = re.compile(r"(?<!\S)<[A-Za-z][\w-]*>(?!\S)")


#: a synopsis's optional or alternative words: ``[--set/--delete]``, ``[-c COUNT]``, ``[a|b]``
_OPTIONAL = re.compile(r"(?<!\S)\[(?:-[^\]]*|[^\]]*[|/][^\]]*)\](?!\S)")


def _words(line: str) -> list[str]:
    """A code line's words as typed, past its prompt and a ``sudo``: ``arping -c 1 X``."""
    words = (strip_prompt(line) or line).split()
    return words[1:] if runs_sudo(words) else words


def _shown_form(line: str, filled: Sequence[list[str]]) -> bool:
    """Whether a line with a placeholder shows a command's form, whatever the sentence
    above it says: it writes optional words as a synopsis does (``arp [--set/--delete]
    <ip_address>``), or the page runs the same command filled in (``arping <ip_address>``
    beside its lab's ``ip netns exec ns1 arping -c 1 192.168.0.30``: the words before the
    placeholder, then a value in its place)."""
    if _OPTIONAL.search(line):
        return True
    words = _words(line)
    head = words[: next(k for k, w in enumerate(words) if _WHOLE_ANGLE.fullmatch(w))]
    n = len(head)
    return n > 0 and any(
        run[k : k + n] == head and len(run) > k + n for run in filled for k in range(len(run))
    )


def _general_form(
    sentence: str, lines: list[str], slots: Counter[str], filled: Sequence[list[str]] = ()
) -> str | None:
    """The placeholders of a block that shows a command's general form under a sentence
    that says what the command does (p5, thachmpham's DHCP page: "Start an IPv4 DHCP
    server." over ``kea-dhcp4 -c <config_file>``, a step the model refused the page for):
    every line holds a placeholder as a whole word, none of them filled in by another line
    of the page, and the sentence is a statement (one that ends with ``:`` gives what to
    type). Both may be otherwise where every line shows the form by its own words
    (:func:`_shown_form`: thachmpham's ARP page, "Send an ARP request:" over ``arping
    <ip_address>``, then "Modify ARP cache:" over ``arp [--set/--delete] <ip_address>``,
    was refused whole). None for any other block."""
    if not sentence:
        return None
    said = [_WHOLE_ANGLE.findall(strip_prompt(t) or t) for t in lines]
    if not all(said):
        return None
    words = ", ".join(word for found in said for word in found)
    if all(_shown_form(t, filled) for t in lines):
        synopsis = all(_OPTIONAL.search(t) for t in lines)
        return f"{words}: {'written as a synopsis' if synopsis else 'the page runs it filled in'}"
    if sentence.rstrip().endswith(":") or any(slots[w] > 1 for found in said for w in found):
        return None
    return f"{words}: filled in nowhere on the page"


def _syntax(
    before: Part | None,
    part: Part,
    page: Counter[str] | None = None,
    filled: Sequence[list[str]] = (),
) -> str | None:
    """The warning for a code block that shows a command's form: a sentence right above it
    gives it as a command's syntax, every line of it holding a placeholder (hunt Q, Scott
    Lowe's blog: "the format this command follows is:", then ``ip netns exec <network
    namespace> <command to run against that namespace>``, a step iplab could not read), or
    every line of it leaves the command to run to the reader (``sudo ip netns exec ns1
    <command>`` under "like so:", ``unshare --net <command>``: the model refused the whole
    page for it); None for any other part."""
    if part.kind != "code" or part.shown:
        return None
    lines = [t.strip() for _, t in part.body if t.strip()]
    if not lines:
        return None
    sentence = plain(" ".join(before.source)) if before and before.kind == "paragraph" else ""
    slots = [command_slot(line) for line in lines]
    if _SYNTAX.search(sentence) and all(placeholder(strip_prompt(t) or t) for t in lines):
        why = sentence
    elif all(slots) and (slot := slots[0]) is not None:
        why = f"the command to run is left to the reader: {slot}"
    elif (form := _general_form(sentence, lines, page or Counter(), filled)) is not None:
        return (
            f"line {part.line}: {lines[0]!r} is the command's general form, under"
            f" {sentence!r} ({form}): shown, not a step"
        )
    else:
        return None
    return f"line {part.line}: {lines[0]!r} is the command's syntax ({why!r}): shown, not a step"


def _synopsis_opened(part: Part) -> int | None:
    """The line of the ``SYNOPSIS`` heading a paragraph ends with (``man ip-netns`` then
    ``SYNOPSIS``, hunt DN), or None: the grammar man printed is indented under it."""
    if part.kind != "paragraph" or not opens_synopsis(part.source):
        return None
    return part.line + max(k for k, t in enumerate(part.source) if opens_synopsis([t]))


def _man_printed(part: Part, heading: int, *, went_on: bool) -> str | None:
    """The warning for a code block under a man page's ``SYNOPSIS`` the page shows (hunt
    DN: ``ip netns { list }``, ``ip netns exec NETNSNAME command ...``, ``ip netns
    monitor`` were steps): its lines are the commands' grammar, what man printed, when one
    of them is grammar or the block goes on from one that was; None: a block of commands."""
    lines = [t.strip() for _, t in part.body if t.strip()]
    if not lines or not (went_on or any(grammar_line(t) for t in lines)):
        return None
    return (
        f"line {part.line}: {lines[0]!r} is what man printed under its SYNOPSIS (line"
        f" {heading}), the commands' grammar: shown, not a step"
    )


def _shortcoded(part: Part) -> list[Part]:
    """A paragraph that holds WordPress's code shortcodes (``[code lang="bash"]`` ...
    ``[/code]``) as its prose and its code blocks (hunt C: its commands were read as prose,
    or the shortcodes as commands); any other part as it is."""
    pieces = split_paragraph(part.source) if part.kind == "paragraph" else None
    if pieces is None:
        return [part]
    out: list[Part] = []
    for lang, lines in pieces:
        numbered = [(part.line + k, text) for k, text in lines]
        while numbered and not numbered[-1][1].strip():
            numbered.pop()
        while numbered and not numbered[0][1].strip():
            numbered.pop(0)
        if not numbered:
            continue
        first, end = numbered[0][0], numbered[-1][0]
        if lang == "prose":
            source = [text for _, text in numbered]
            out.append(Part("paragraph", first, end, source=source, quoted=part.quoted))
        else:
            out.append(Part("code", first, end, info=lang, body=numbered, quoted=part.quoted))
    return out


def read_session(text: str, keep_variables: bool) -> tuple[str | None, Reader]:
    """A terminal's session pasted as it was shown, with no mark of a page (a ``.txt``, a
    ``.log``, a gist): one code block, its prompted lines the commands, the rest what they
    printed (a Markdown reader would take ``# ip link`` for a heading). A memo's title
    underlined (``====``) above the first prompt is its title, the lines between its
    prose; a label alone between blank lines before a prompt (``Cleanup:``) a heading."""
    lines = list(enumerate(text.splitlines(), 1))
    title, parts = _session_parts(lines)
    return read_parts(parts, title, keep_variables)


#: a setext heading's underline
_UNDERLINE = re.compile(r"\s*(?:=+|-+)\s*")


def _session_parts(lines: list[tuple[int, str]]) -> tuple[str | None, list[Part]]:
    """A session's title (None: it has none) and its parts (see :func:`read_session`)."""
    title: str | None = None
    parts: list[Part] = []
    head = lines[0][1] if lines else ""
    if (
        len(lines) > 2
        and head.strip()
        and _UNDERLINE.fullmatch(lines[1][1])
        and not _at_prompt(head)
    ):
        title = head.strip()
        first = next((k for k, (_, t) in enumerate(lines) if _at_prompt(t)), len(lines))
        prose = [(n, t.strip()) for n, t in lines[2:first] if t.strip()]
        if prose:
            source = [t for _, t in prose]
            parts.append(Part("paragraph", prose[0][0], prose[-1][0], source=source))
        lines = lines[first:]
    held: list[tuple[int, str]] = []
    for k, (number, line) in enumerate(lines):
        if _label(lines, k):
            parts += _code(held)
            parts.append(Part("heading", number, number, line.strip()))
            held = []
        else:
            held.append((number, line))
    return title, parts + _code(held)


def _code(body: list[tuple[int, str]]) -> list[Part]:
    """A session's lines as a code block, without the blank lines at its end; [] if none."""
    while body and not body[-1][1].strip():
        body = body[:-1]
    return [Part("code", body[0][0], body[-1][0], body=body)] if body else []


def _at_prompt(line: str) -> bool:
    return strip_prompt(line, root_hash=True) is not None


def _label(lines: list[tuple[int, str]], k: int) -> bool:
    """Line ``k`` of a session is a label of the author's (``Cleanup:``, a full-width colon
    too): not indented, no prompt, ending with a colon, a blank line before it, and only
    blank lines between it and the next prompt (hunt C: it was kept as the last command's
    output)."""
    line = lines[k][1]
    if not line.strip() or line[0].isspace() or _at_prompt(line):
        return False
    if not line.rstrip().endswith((":", "\uff1a")) or k == 0 or lines[k - 1][1].strip():
        return False
    after = next((t for _, t in lines[k + 1 :] if t.strip()), None)
    return after is not None and _at_prompt(after)


def _quoted(part: Part, code_on_page: bool) -> str | None:
    """The warning for a part of a mail quoted from the message it replies to (``> ``)
    that holds lines a page's reader would run; None when it holds none."""
    if part.kind == "code":
        lines = [(n, text.strip()) for n, text in part.body if text.strip()]
    else:
        numbered = enumerate(part.source, start=part.line)
        lines = [
            (n, body)
            for n, text in numbered
            for body in _commands_in(_unquoted(text), code_on_page)
        ]
    if not lines:
        return None
    first, last = lines[0][0], lines[-1][0]
    where = f"line {first}" if first == last else f"lines {first}-{last}"
    shown = ", ".join(repr(text) for _, text in lines[:2]) + ", ..." * (len(lines) > 2)
    return (
        f"{where}: quoted ('> ') from the message this one replies to, the other writer's"
        f" text: not read ({shown})"
    )


def _unquoted(text: str) -> str:
    """A line of a quoted part as the other writer typed it: the quote's ``>`` marks off,
    and a root shell's prompt (``>   # ip link set eth1 name eth0``, which Markdown reads as
    a heading in the quote; hunt DJ: not said quoted, import's advice was to write each
    command on a line of its own)."""
    said = re.sub(r"^\s*(?:>\s?)*", "", text)
    return strip_prompt(said.strip(), root_hash=True) or said


def _same_words(text: str) -> str:
    """A command line as a page may write it twice: prompt, sudo, typeset dashes and quotes
    and spacing aside (``$ sudo ip link set a up``, ``ip link set a up``)."""
    words, _ = ascii_command(strip_prompt(text.strip()) or text.strip())  # (as a line is read)
    words = " ".join(words.replace('"', "'").split())
    return words.removeprefix("sudo ")  # (a sentence leaves sudo out where the block has it)


#: the lines that leave the shell a page opened (``sudo ip netns exec ns1 bash``)
_LEAVE = frozenset({"exit", "logout", "exit 0"})

#: a shell comment line of a code block the page lost, written with or without a space
#: after its hash (``#新建bridge设备``, ``# create the bridge``); not ``#!``, not a bare ``#``
_HASH_COMMENT = re.compile(r"#(?![!#])\s*\S.*")


#: a ``$`` prompt inside a line: the next command of a code block whose lines ran together
_PROMPT_AGAIN = re.compile(r"\s\$\s+(?=\S)")
#: the next ``#`` prompt of a root's line (``# ip link add ... # ip link set vxlan1 up``)
_HASH_AGAIN = re.compile(r"\s#\s+(?=\S)")


def _flattened_prompts(text: str) -> list[str] | None:
    """The commands of a line that is a code block's lines run together at ``$`` prompts
    (``$ sudo ip netns add host1 $ sudo ip netns add host2``) or a root's ``#`` ones (``# ip
    link set vxlan1 up # ip addr add ...``), each without what it printed
    after it (``$ ip l 1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 ...``: ``ip l``); None for a
    line with one prompt and nothing ip printed."""
    stripped = text.strip()
    if not stripped.startswith(("$ ", "# ")):
        return None
    # (a root's ``# ip link add ... # ip link set vxlan1 up # ip addr add ...``: hunt EC,
    # the second and third taken for the first's comment, lost with no word)
    again = _PROMPT_AGAIN if stripped[0] == "$" else _HASH_AGAIN
    pieces = again.split(stripped[2:])
    printed = [IP_PRINTED.search(piece) for piece in pieces]
    if len(pieces) < 2 and printed[0] is None:
        return None
    return [
        (piece[: found.start()] if found else piece).strip()
        for piece, found in zip(pieces, printed, strict=True)
    ]


def _printed_on_line(text: str) -> bool:
    """Whether a line holds what ip printed after a command (``1: lo: <LOOPBACK,UP>``)."""
    return IP_PRINTED.search(text) is not None


def _text_above(parts: Sequence[Part], index: int, page: Sequence[str]) -> str:
    """The text over a page's part: where a glued step's number finds the step before it
    (hunt DX: ``1. Add a namespace named ns0``, a list item, then ``[root@h ~]# ip netns add
    ns02. List namespaces`` in it). The page's twelve lines over it as written when they
    are known (a list item's part has lost its number), else the three parts' lines."""
    line = parts[index].line
    if page:
        return "\n".join(page[max(0, line - 13) : line - 1])
    return "\n".join(
        text for part in parts[max(0, index - 3) : index] for text in (part.source or [part.text])
    )


def _bare_paragraph(
    reader: Reader,
    source: list[str],
    line: int,
    code_on_page: bool,
    shown: set[str],
    *,
    commented: bool = False,
    scripted: bool = False,
    above: str = "",
    page: Sequence[str] = (),
) -> None:
    """The lines of a paragraph that are ``ip`` commands, read as commands (with a warning);
    the rest is prose. A line that is a command as it stands (on a page with code blocks:
    a list item's lines indented too little to be a code block), or one whose backquoted
    commands follow a label or a verb (``Clean up: `ip netns del a` and `ip netns del
    b`.``, ``Then `ip netns add c```, ``Create the pair with `ip link add ...`.``); a
    mention in a sentence (``Run `ip a` to see``) stays prose. On a page with no code
    blocks, a bare line of another program that plainly is a command (:func:`_bare_command`)
    is read when it stands in a code block the page lost: right under a command read, or
    first under a ``# comment`` (``commented``); elsewhere it is said, not read. Not on a
    page that holds a script as text (``scripted``: its ``#!`` line says only its ip lines
    are read). ``above``: the text of the page's parts just over the paragraph (the
    numbered step before a command glued to the next one's: hunt DX); ``page``: the page's
    lines as written, when known (its list items' numbers)."""
    prose: list[str] = []
    prose_line = line
    loops = _loops(source)
    listings, past = _listings(reader, source) | loops, 0
    typed_at_prompt = False  # (the last line read: a command typed at a prompt)
    helped = False  # (the last line read: ``ip ... help``)
    usage: list[int] = []  # (the lines of ip's usage read so far: hunt DJ)
    read_before = False  # (the last line read: a command)
    unread: list[int] = []  # (the lines at a prompt read as no command: hunt EI)
    for number, written in enumerate(source, start=line):
        k, text = number - line, written
        if k < past:
            continue  # (a line of a listing read as a code block)
        if _USAGE.match(text.strip()) or (usage and _SYNOPSIS.match(text.strip())):
            if helped or (usage and not prose):
                reader.output(text, number)  # (what ``ip netns help`` printed)
                prose_line = number + 1
            else:
                prose.append(text)
            usage.append(number)
            continue
        if usage:
            _said_usage(reader, usage, source[usage[0] - line])
            usage, helped = [], False
        if k in listings:
            reader.note("paragraph", plain(" ".join(prose)), prose_line, number - 1)
            past = listings[k]
            # (a loop's lines as the page writes them, indented: rendered byte for byte)
            indented = page if page and k in loops else None
            lines = [
                (line + i, indented[line - 1 + i] if indented else source[i])
                for i in range(k, past)
            ]
            _code_block(reader, "", lines, number)
            prose, prose_line = [], line + past
            continue
        continued = k  # (the last line a ``\`` at a line's end joins to this one)
        while continues(text.rstrip()) and "`" not in text and continued + 1 < len(source):
            # (``sudo ip netns exec a \`` over ``ip link set lo up``: one command, as in a
            # code block; hunt DR: the first line was lost, the second run on the host)
            continued += 1
            text = join_continuation(text.rstrip(), source[continued])
        past = max(past, continued + 1)
        wrapped = "`" in strip_comment(text) and _in_a_sentence(
            source[k - 1] if k else "", text, source[k + 1 :]
        )  # (a span in a command's ``# comment`` wraps no sentence: see _commands_in)
        if not (wrapped or code_on_page or typed_at_prompt) and _BARE_ASSIGN.fullmatch(
            text.strip()
        ):  # (not what a command typed at a prompt printed: ``ID=ubuntu`` of os-release)
            # (hunt EN, a dev.to post: ``NS1="x1"`` on a line of its own, then ``ip netns
            # add $NS1``: the page's names, set as a code block's line sets them; every
            # command of the page was lost, "ip commands inside sentences")
            reader.note("paragraph", plain(" ".join(prose)), prose_line, number - 1)
            prose, prose_line = [], number + 1
            reader.commented(text.strip(), number)
            continue
        values = None if code_on_page else _known_values(reader)
        bodies = [] if wrapped else _commands_in(text, code_on_page, values)
        if not (bodies or wrapped) and _cjk_titled(text):
            reader.warnings.append(
                f"line {number}: {text.strip()!r} is an ip command followed by words in"
                " Chinese, Japanese or Korean letters: read as a title, not run"
            )
        flat = None if wrapped or code_on_page else _flattened_prompts(text)
        if flat is not None and len(
            read := [b for p in flat for b in _commands_in(p, False)]
        ) == len(flat):
            # (hunt DX, christina04's page as stored: ``$ sudo ip netns add host1 $ sudo ip
            # netns add host2 $ ip netns l host2 host1``, one raw step; ``$ ip l 1: lo:
            # <LOOPBACK,...> mtu ...``, ip's output read as redirections to a file)
            bodies = read
            cut = " (what ip printed after it cut off: not run)" * _printed_on_line(text)
            reader.warnings.append(
                f"line {number}: {', '.join(map(repr, read))}, at '$' prompts on one line (a"
                f" code block's lines run together): read one by one{cut}"
            )
        if (
            not bodies
            and not wrapped
            and (printed := printed_after(_BULLET.sub("", text.strip(), count=1))) is not None
            and _ip_line(printed[0])
            and (cut_off := _commands_in(printed[0], code_on_page))
        ):
            # (``ip netns exec gateway ip link show 1: lo: <LOOPBACK> mtu 65536 ...``, no
            # prompt: hunt EC, ip's flags were taken for a general form's placeholder)
            bodies = cut_off
            reader.warnings.append(printed_after_said(number, *printed))
        heading = None  # (the title glued to the line's command: hunt DJ)
        mine = page[line - 1 : line - 1 + k] if page else source[:k]  # (as written: numbered)
        over = "\n".join([above, *mine])  # (the step before a numbered one glued: hunt DX)
        split = glued_heading(text, over) if not wrapped and "`" not in text else None
        if split is not None and (unglued := _commands_in(split[0], code_on_page)):
            bodies, heading = unglued, split[1]
        if (
            not wrapped
            and continued == k
            and (glued := _glued(reader, source, line, k, code_on_page, alone=bodies))
        ):
            bodies, past = glued, k + 2
        twice = [b for b in bodies if _same_words(b) in shown]
        for body in twice:
            reader.warnings.append(
                f"line {number}: {body!r} in the prose is a line of a code block too;"
                " read there, not twice"
            )
        bodies = [b for b in bodies if b not in twice]
        in_shell = read_before and bool(reader.sessions) and not reader.sessions[-1].away
        prompted = prompt_of(text.strip()) is not None  # (a prompt the page wrote: hunt EI)
        if (
            not (bodies or wrapped)
            and (prompted or not code_on_page)
            and (typed := _at_a_prompt(reader, text, in_shell and not code_on_page))
        ):
            bodies = [typed]  # (``[root@h ~]# ll /var/run/netns/``: a command too)
            if (shown_after := printed_after(typed, reader.glues_output)) is not None:
                # (``$ arp Address HWtype ...``: what it printed, on its line; hunt EC)
                bodies = [shown_after[0]]
                reader.warnings.append(printed_after_said(number, *shown_after))
        if (
            not (bodies or wrapped)
            and prompted
            and reader.in_a_shell_at(prompt_of(text.strip()))
            and leaves_shell(left := strip_prompt(text.strip()) or "")
        ):
            bodies = [left]  # (``vagrant@server1:~$ ^D``: the shell opened above left)
        bare = (
            None if bodies or wrapped or code_on_page or scripted else _bare_command(reader, text)
        )
        shell_open = bool(reader.sessions) and not reader.sessions[-1].away
        if (
            bare is None
            and not bodies
            and text.strip() in _LEAVE
            and shell_open
            and (read_before or (commented and k == 0))
        ):
            bare = text.strip()  # (``exit``, the shell opened above left: hunt DR)
        hashed = k > 0 and _HASH_COMMENT.fullmatch(source[k - 1].strip()) is not None
        if bare is not None and (
            read_before or (commented and k == 0) or hashed or _opens_elsewhere(bare)
        ):
            # (``ping -c 3 10.0.0.2`` under ``# Ping from host``: hunt DJ; ``brctl addbr
            # br100_0`` under ``#新建bridge设备``, a comment with no space: hunt DR)
            bodies = [bare]
        elif bare is not None and not _commands_in(text, code_on_page):
            reader.warnings.append(
                f"line {number}: the page has no code blocks; {bare!r} looks like a command,"
                " but stands alone in the prose (no command and no '# comment' right above"
                " it): not read (put it in a code block to run it)"
            )
        if (
            not bodies
            and read_before
            and _HASH_COMMENT.fullmatch(text.strip())
            and reader.or_offered(text.strip(), number)
        ):
            continue  # (``#or`` between two commands: the second is another way; hunt DX)
        if not bodies and typed_at_prompt and (inside := _prompt_inside(text)) is not None:
            reader.warnings.append(_prompt_inside_said(number, *inside))
        if not bodies and typed_at_prompt and not prose and _printed(text):
            reader.output(text, number)  # (what the command typed just above printed)
            prose_line = number + 1
            continue
        if not (bodies or code_on_page) and read_before and failure_shown(text.strip()):
            # (hunt EN, a README as a page: ``ip link show veth1`` bare, ``Device "veth1"
            # does not exist.`` under it: taken for prose, the step had to succeed and the
            # model refused the lab) what the command just above printed when it failed
            reader.output(text, number)
            prose_line = number + 1
            continue
        if (
            not bodies
            and typed_at_prompt
            and not prose
            and split is not None
            and _printed(split[0])
        ):  # (hunt DX, besthub's ``ns03. Verify the namespace directory``: ip netns list's
            # ``ns0`` glued to step 3's title, which was the next step's title whole)
            reader.output(split[0], number)
            reader.warnings.append(
                f"line {number}: {split[0]!r}, what the command above printed, is glued to the"
                f" heading after it, {split[1]!r} (the line break between them lost): read as"
                " its output, then the heading"
            )
            reader.note("heading", split[1], number)
            prose_line, typed_at_prompt = number + 1, False
            continue
        at_prompt = strip_prompt(text.strip(), root_hash=in_shell)
        typed_at_prompt = bool(bodies) and bool(at_prompt) and (prompted or not code_on_page)
        read_before = bool(bodies)
        if not (bodies or wrapped or code_on_page) and _SHEBANG.match(text.strip()):
            # (hunt DJ: a script's other lines left out)
            reader.warnings.append(
                f"line {number}: {text.strip()!r} starts a script the page holds as text,"
                " in no code block: only its ip lines are read; save the script as a file"
                " of its own (lab.sh) and import that"
            )
        if not bodies and not wrapped and (said := _ip_refuses(text, reader)) is not None:
            reader.warnings.append(
                f"line {number}: {said[0]!r} is an ip command ip refuses on any host ({said[1]}):"
                " not read (a typo? write it as ip reads it"
                + ("; the page ends on it: cut short?)" if _ends(page, number) else ")")
            )
        if not bodies:
            prose.append(text)
            if prompted and strip_prompt(text.strip()) and not (wrapped or _ip_refuses(text)):
                unread.append(number)  # (said once, at the paragraph's end; a prompt with
                # nothing typed at it, ``[root@h ~]#``, where a session ends, is no line)
            for mentioned in _changes_mentioned(text):
                if _same_words(mentioned) in shown:
                    continue  # (said above: a line of a code block)
                reader.warnings.append(
                    f"line {number}: the prose names a change, {mentioned!r}, outside the code"
                    " blocks: not imported (put it in a code block if the tutorial runs it)"
                )
            continue
        reader.note("paragraph", plain(" ".join(prose)), prose_line, number - 1)
        prose, prose_line = [], max(number + 1, line + past)
        helped = _HELP.search(bodies[-1]) is not None
        if label := _cleanup_label(text):
            reader.note("paragraph", label, number, number)
        where = "the page has no code blocks" if not code_on_page else "not in a code block"
        # (the line's own prompt, as a code block's line has it: whose shell it is typed in;
        # hunt EI: the prompt a block above left stood for it)
        reader.prompt = prompt_of(text.strip(), root_hash=in_shell)
        for body in bodies:
            reader.warnings.append(f"line {number}: {where}; {body!r} is read as a command")
            reader.commented(body, number)
        if heading is not None:
            reader.warnings.append(
                f"line {number}: {bodies[-1]!r} is glued to the heading after it, {heading!r}"
                " (the line break between a code block and the next title lost): read as the"
                " command, then the heading"
            )
            reader.note("heading", heading, number)
    if usage:
        _said_usage(reader, usage, source[usage[0] - line])
    if unread:
        reader.warnings.append(_unread_said(unread, [source[n - line] for n in unread]))
    reader.note("paragraph", plain(" ".join(prose)), prose_line, line + len(source) - 1)


#: a host's prompt in the middle of a line (``... ff:ff:ff#### The ip link ... #####
#: root@machine-1:~# ip --all netns exec ip link``), a command typed at it
_PROMPT_INSIDE = re.compile(
    r"(?<=\S)\s+(?P<prompt>[\w.-]+@[\w.-]+:\S*?[$#]|\[[\w.-]+@[\w.-]+ [^\]]*\][$#])"
    r"\s+(?P<typed>[a-z]\S*(?:\s+\S+)*)"
)


def _prompt_inside(text: str) -> tuple[str, str] | None:
    """(the prompt, what is typed at it) of a prompt glued inside a line of what a command
    printed: a page's text that lost its line breaks (hunt DX, zingmp3's ``link/ether
    ... ff:ff:ff#### The ip link here shows ... ##### root@machine-1:~# ip --all netns exec
    ip linknetns: prod``); None for any other line."""
    found = _PROMPT_INSIDE.search(text)
    if found is None or prompt_of(text.strip()) is not None:
        return None
    if first_program(found["typed"]) not in KNOWN_PROGRAMS:
        return None  # (``the prompt is root@lab:~# and bash's ...``: a sentence)
    return found["prompt"], found["typed"].strip()


def _prompt_inside_said(number: int, prompt: str, typed: str) -> str:
    """The warning for a prompt glued inside a line (:func:`_prompt_inside`): not read,
    and why; ``ip --all netns exec`` (``ip -all netns ...``) is said to reach every
    namespace of the host, not the lab's alone (hunt DX left it unsaid)."""
    shown = typed if len(typed) <= 60 else typed[:57] + "..."
    words = typed.split()
    every = (
        len(words) > 2 and program_name(words[0]) == "ip" and words[1] in ("-all", "--all", "-a")
    )
    why = (
        "; and ip --all netns exec runs its command in every namespace of the host, not only"
        " the lab's"
        if every
        else ""
    )
    return (
        f"line {number}: {prompt} {shown!r} is a command typed at a prompt glued inside the"
        " line (its line break and what it printed run together): not read, as where it"
        f" ends cannot be told{why}; write it on a line of its own to run it"
    )


def _unread_said(numbers: list[int], texts: list[str]) -> str:
    """The one warning for a paragraph's lines typed at a prompt that are read as no
    command (hunt EI: ``vagrant@server1:~$ ^D`` with no shell open, ``$ 5 a month``):
    the prose keeps them, and says so."""
    where = f"line {numbers[0]}" if len(numbers) == 1 else f"lines {', '.join(map(str, numbers))}"
    said = ", ".join(repr(text.strip()) for text in texts[:3]) + ", ..." * (len(texts) > 3)
    return (
        f"{where}: {said}: at a prompt in the prose, but no command iplab reads: kept as"
        " prose, not run (put it in a code block as a command if the tutorial runs it)"
    )


#: the first line of what ip prints for ``help`` (``Usage: ip netns list``)
_USAGE = re.compile(r"Usage:\s+ip\s")
#: a line of ip's usage after its first (``ip netns add NAME``, ``ip [-all] netns exec``)
_SYNOPSIS = re.compile(r"ip\s")
#: a command that prints ip's usage (``ip netns help``, ``ip link help``, ``ip help``)
_HELP = re.compile(r"(?:^|\s)ip(?:\s+\S+)*\s+help\s*$")


def _said_usage(reader: Reader, lines: list[int], first: str) -> None:
    """The warning for ip's usage on a page with no code blocks (hunt DJ: a Scrapbox page's
    ``Usage: ip netns list`` then ``ip netns add NAME``, ``ip netns monitor``: each line
    after the first was a step, a namespace named NAME made, the monitor waiting)."""
    where = f"lines {lines[0]}-{lines[-1]}" if len(lines) > 1 else f"line {lines[0]}"
    reader.warnings.append(
        f"{where}: ip's usage ({first.strip()!r}...), what 'ip ... help' prints: not read as"
        " commands"
    )


#: a script's first line (``#!/usr/bin/env bash``, ``#!/bin/sh``)
_SHEBANG = re.compile(r"#!\s*/\S*/(?:env\s+)?(?:ba|da|z|k)?sh\b")


def _at_a_prompt(reader: Reader, text: str, in_shell: bool = False) -> str | None:
    """The command a line of a page with no code blocks types at a prompt, whatever its
    program (``[root@centos-01 ~]# ll /var/run/netns/``, ``$ ls -l /var/run/netns``; hunt
    DK: it and what it printed were the next step's title), read as a code block's line
    is; None when the words after the prompt start with no program's name (``$ 5 a
    month``). ``in_shell``: the line comes right under a command, in a shell the page
    opened in a namespace (``ip netns exec Blue bash``): a root's ``# ifconfig``, or a
    bare ``ifconfig`` that is no sentence, is typed in it (hunt DK: they were the next
    step's title, and the shell was said to have nothing typed in it)."""
    body = strip_prompt(text.strip(), root_hash=in_shell)
    if body is None and in_shell and not _ENDS.search(text.strip()):
        body = text.strip() if reader.looks_like_command(text.strip()) else None
    if not body or body.startswith("#"):
        return None
    if reader.looks_like_command(body) or _PROGRAM.fullmatch(first_program(body)):
        return body
    return None


def _bare_command(reader: Reader, text: str) -> str | None:
    """A line with no prompt that plainly is a command, whatever its program (``ping -c 3
    10.0.0.2``, ``ls -la /var/run/netns/``): a program's name first, a word no sentence has
    after it (an option, a number, a path), no four words in a row that a sentence writes,
    no sentence's end; one word alone when it is a program iplab knows. None: prose
    (``ping is a tool``, ``ping between them``, ``ls lists the files.``)."""
    body = text.strip()
    if not body or body.startswith("#") or prompt_of(body) is not None or _ENDS.search(body):
        return None
    words = body.split()
    if not _PROGRAM.fullmatch(words[0]) or words[0] in _NOT_A_PROGRAM or body[-1] in ";{":
        return None  # (``[ Lab 1 ] ...``, a C line ``if (ops->newlink) {``)
    if program_name(words[0]) == "ip" or not reader.looks_like_command(body):
        return None  # (an ip line is read, or not, as before)
    if len(words) == 1:
        return body
    run = longest = 0
    for word in words[1:]:
        run = run + 1 if _SENTENCE_WORD.fullmatch(word) else 0
        longest = max(longest, run)
    said = any(_PRINTED_WORD.search(w) or w.startswith("-") for w in words[1:])
    return body if said and longest < 4 else None


#: shell words a line of C or a script's control starts with: no program of a lost block
_NOT_A_PROGRAM = frozenset({"if", "then", "else", "elif", "fi", "for", "while", "until", "do"})
_NOT_A_PROGRAM |= {"done", "case", "esac", "function", "return", "exit", "break", "continue"}


#: a program's name as a command starts with it (``ll``, ``ifconfig``, ``ip6tables-save``)
_PROGRAM = re.compile(r"[a-z][a-z0-9_.+-]*")


def _printed(text: str) -> bool:
    """A line a page with no code blocks shows under a command typed at a prompt that reads
    as what it printed, not as a sentence (hunt DE: a wiki's transcript, ``[root@centos-01
    ~]# ip netns exec Blue ip addr list`` then ``1: lo: <LOOPBACK> mtu 65536 ...``, was the
    next step's title): one word (``ip netns list``'s names), or a line with a word no
    sentence has (a digit, ``:``, ``/``, ``<``, ``=``...) and no four words in a row that
    a sentence writes (``RX packets 0 bytes 0``, ``64 bytes from 10.0.0.2: icmp_seq=1``; not
    ``Ping 10.0.0.2 from the red namespace``). No prompt on it."""
    words = text.split()
    if not words or prompt_of(text) is not None:
        return False
    if len(words) == 1:
        return True
    run = longest = 0
    for word in words:
        run = run + 1 if _SENTENCE_WORD.fullmatch(word) else 0
        longest = max(longest, run)
    return any(_PRINTED_WORD.search(word) for word in words) and longest < 4


#: a word a sentence writes (``Make``, ``namespace,``, ``(see``)
_SENTENCE_WORD = re.compile(r"[(\"']?[A-Za-z][a-z'\u2019-]*[.,;:!?)\"']*")
#: a character a printed line has and a sentence's words have not
_PRINTED_WORD = re.compile(r"[0-9:/<>=@|\[\]{}_]")


#: a line that ends with ip and nothing after it (``ip netns exec ns1 ip``): ip prints its
#: usage and fails, the command's object and verb are on the next line
_DANGLING_IP = re.compile(r"(?:^|\s)ip$")
#: the start of a line that goes on an ip command: its object and a word (``link set lo up``)
_IP_OBJECT = re.compile(
    r"(?:link|l|addr|address|a|route|r|neigh|n|rule|netns|tunnel|maddr|monitor)\s+\S"
)


def _glued(
    reader: Reader, source: list[str], line: int, k: int, code_on_page: bool, *, alone: list[str]
) -> list[str]:
    """The command a paragraph's line ``k`` and the next make: a ``\\`` at the line's end,
    or a column too narrow for the line (a PDF's, a handout's: ``sudo ip link add pc1-eth0
    netns pc1 type veth peer name sw-p1 netns`` then ``sw``; hunt AP: both lines lost, with
    no word), when neither is a command alone; or a name broken at its hyphen (``... peer
    name veth-`` then ``beta``: a link named ``veth-`` made), when the next line is one word
    and no command (``alone``: what line ``k`` reads as by itself); or ip with nothing after
    it (``ip netns exec ns1 ip``) over its object and verb (``link set lo up``). []
    otherwise; the wrapping is said."""
    if k + 1 >= len(source) or _commands_in(source[k + 1], code_on_page):
        return []
    text, after = source[k].rstrip(), source[k + 1].strip()
    hyphen = re.search(r"\w-$", text) is not None and re.fullmatch(r"[\w.-]+", after)
    # (``ip netns exec ns1 ip`` then ``link set lo up``: ip with no object, the rest of it
    # on the next line; hunt DX, njzxch's page as stored)
    dangling = _DANGLING_IP.search(text) is not None and _IP_OBJECT.match(after) is not None
    if alone and not (hyphen or dangling):
        return []
    joined = continues(text) and not alone
    glued = (
        join_continuation(text, after)
        if joined
        else text.strip() + after
        if hyphen
        else f"{text.strip()} {after}"
    )
    bodies = _commands_in(glued, code_on_page)
    if bodies and not joined:
        how = "a word broken at its hyphen" if hyphen else "one command the page wrapped"
        reader.warnings.append(
            f"lines {line + k}-{line + k + 1}: {text.strip()!r} then {after!r}: {how} (no"
            f" '\\' at the line's end), read as one line: {glued!r}"
        )
    return bodies


def _listings(reader: Reader, source: list[str]) -> dict[int, int]:
    """The listings a paragraph holds, copied from a book or a PDF with their line numbers
    (``1  ip netns add red``, ``01: ip netns add red``; hunt AP: a plain-text chapter's
    were prose, no command found): runs of two lines or more, each numbered one more than
    the line before it, the first a command. Each by the index of its first line, to the
    index past its last; the reader takes their numbers off (:meth:`Reader.block`)."""
    runs: dict[int, int] = {}
    k = 0
    while k < len(source):
        first, j = listing_number(source[k]), k + 1
        while first and j < len(source) and _numbered(source[j], first[0] + j - k):
            j += 1
        body = first[1].strip() if first else ""
        if j - k >= 2 and reader.looks_like_command(strip_prompt(body) or body):
            runs[k] = j
            k = j
        else:
            k += 1
    return runs


def _loops(source: list[str]) -> dict[int, int]:
    """The ``for`` loops a paragraph holds over lines of their own, from ``for X in ...; do``
    to ``done``, whose commands are all ip's or bridge's (hunt ET, domus's ``for vid in 10 20
    30; do`` / ``sudo bridge vlan add vid $vid dev eno8`` / ``done``: lost with no word): read
    as a code block's loop is. Each by the index of its first line, to the index past its
    last."""
    runs: dict[int, int] = {}
    for k, text in enumerate(source):
        head = text.strip()
        if not (head.startswith("for ") and head.endswith("do")):
            continue
        end = next((j for j in range(k + 1, len(source)) if source[j].strip() == "done"), None)
        if end is None or end - k > _LOOP_LINES:
            continue
        root = shellread.parse("\n".join(source[k : end + 1]))
        loops = shellread.statements(root)
        if shellread.has_error(root) or len(loops) != 1 or loops[0].type != "for_statement":
            continue
        body = loops[0].child_by_field_name("body")
        said = shellread.statements(body) if body is not None else []
        if said and all(
            node.type == "command" and first_program(shellread.source(node)) in ("ip", "bridge")
            for node in said
        ):
            runs[k] = end + 1
    return runs


#: the most lines a loop of a paragraph spans, ``for`` and ``done`` with them
_LOOP_LINES = 12


def _numbered(text: str, number: int) -> bool:
    found = listing_number(text)
    return found is not None and found[0] == number


#: how a sentence ends (a closing quote or bracket after it aside)
_ENDS = re.compile(r"[.:!?\uff1a\u3002][\"')\]*_]*$")


def _in_a_sentence(before: str, text: str, after: list[str]) -> bool:
    """A line of a paragraph is part of a sentence the page wraps, not an instruction on its
    own: the line before it does not end a sentence (hunt T, a handout's ``Q3. ... Explain``
    / ```` what you see with `sudo ip netns exec r1 tcpdump -ni vA-r`.````: the tcpdump was
    run as a step), or it does not end one while the next line goes on in lower case. A line
    that is one code span and nothing else is the command the sentence over it introduces
    (hunt EG: ``创建一个名为foo的namespace`` over ```` ```ip netns add foo``` ````, an
    issue's notes with no code block), unless the next line goes on in lower case."""
    rest = next((line.strip() for line in after), "")
    goes_on = bool(rest[:1].islower())
    if before.strip() and not _ENDS.search(before.strip()):
        return goes_on or _SPAN_LINE.fullmatch(text.strip()) is None
    return goes_on and not _ENDS.search(text.strip().rstrip("`").rstrip())


#: a line that is one code span and nothing else (`` `ip netns add a` ``, ```` ```ip a``` ````)
_SPAN_LINE = re.compile(r"(?P<ticks>`+)(?!`)[^`]+(?<!`)(?P=ticks)")


#: a word that stands for one the reader chooses (``NAME``, ``DEV``, ``IFNAME``)
_PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]+")
#: backquoted commands after a label or a verb, joined by "and", "then", commas; a label
#: may hold code spans and end in a fullwidth colon, U+FF1A (hunt EG: a Chinese label
#: naming `veth-test1` then its command; ``Move `veth-test1` into test1: `sudo ip ...```)
_SPANS = re.compile(
    r"(?:(?:[^`]|`[^`]+`)*?[:\uff1a]"
    r"|(?:[^`]*\s)?(?:with|using|run|type|execute|then|and|now|next|finally))?"
    r"\s*(?P<spans>`[^`]+`(?:\s*(?:,|;|and|then|,\s*and|,\s*then)?\s*`[^`]+`)*)\s*[.:]?",
    re.IGNORECASE,
)


def commands_shown(part: Part, probe: Reader) -> list[tuple[int, str]]:
    """The lines of a code block a page's reader would run, were it not :attr:`Part.shown`."""
    lang = (part.info.split() or [""])[0].lower().strip("{}.")
    if lang not in SHELL_LANGS and lang != "":
        return []
    found = [(n, strip_prompt(t.strip()) or t.strip()) for n, t in part.body]
    return [(n, t) for n, t in found if t and not t.startswith("#") and probe.looks_like_command(t)]


def general_form_line(text: str) -> tuple[str, str] | None:
    """(the command, its placeholder) of a line of prose that is one ip command with a
    placeholder in it, a form for the reader to fill in (``ip netns add <namespace>``,
    ``$ ip link set dev <nic> <UP or DOWN>``); None for anything else."""
    stripped = _BULLET.sub("", text.strip(), count=1)
    body = (strip_prompt(stripped) or stripped).strip()
    words = body.split()
    words = words[1:] if runs_sudo(words) else words
    if "`" in body or words[:1] != ["ip"] or verb_of("ip", words[1:]).obj is None:
        return None  # (``ip`` then its options and an object of its, as ip reads them)
    found = placeholder(body)
    return (body, found) if found is not None else None


def _commands_in(
    text: str, code_on_page: bool, values: Callable[[str], str | None] | None = None
) -> list[str]:
    """The commands a paragraph's line holds (see _bare_paragraph); [] when it is prose.
    ``values``: the line with the page's shell variables set above it (``ip netns add
    $NS1``, ``NS1="x1"`` a bare line over it), None where one is not known."""
    stripped = _BULLET.sub("", text.strip(), count=1)
    if "`" not in stripped and _ip_loop(stripped):
        return [stripped]  # (read as a code block's loop is)
    # (a command's ``# comment`` may quote one: hunt ET, 0x1b's ``$ sudo ip -n asdf l  #
    # shorthand for `ip netns exec asdf ip l```, dropped with no word)
    if "`" not in strip_comment(stripped):
        bodies = _flattened(stripped)
    elif match := _SPANS.fullmatch(stripped):
        bodies = [span.strip() for span in re.findall(r"`([^`]+)`", match["spans"])]
    elif not code_on_page and stripped.startswith("`") and stripped.endswith("`"):
        bodies = [stripped.strip("`").strip()]
    else:
        return []
    bodies = [strip_prompt(body) or body for body in bodies]
    # `ip netns del a; ip netns del b`: each statement, as one is read (hunt AE: a bare
    # line so chained, on a page with no code blocks, was dropped with no word)
    bodies = [each for body in bodies for each in _each_statement(body)]
    if len(bodies) == 1 and "`" not in stripped:
        bodies = _each_listed(bodies[0])
    if any(cjk_word(strip_comment(body)) for body in bodies):
        return []  # (``ip addr show 输出详解``: a title, see prose.cjk_word)
    strict = code_on_page or len(bodies) > 1 or "`" in stripped
    # (a line's trailing ``# comment`` is no word of its command: hunt C)
    # (``ip netns del a 2>/dev/null``: quieted, read as in a code block; hunt Z: a cleanup
    # sentence of two such was dropped with no word)
    # (``sudo ip link del cdb-host 2>/dev/null || true``: let fail, read as in a code block;
    # hunt EC: a cleanup's last line was dropped with no word)
    # (``bridge``, iproute2's too, read as ip is: hunt ET, domus's ``sudo bridge vlan del
    # vid 1 dev eno8`` under the ip line it follows was a sentence, lost with no word)
    ok = all(
        first_program(b) in ("ip", "bridge")
        and _typed(QUIETING.sub("", _LET_FAIL.sub("", strip_comment(_valued(b, values)))), strict)
        for b in bodies
    )
    if not ok and not code_on_page and len(bodies) == 1 and _host_change(bodies[0]):
        return bodies  # (hunt DN: the page's NAT, dropped with no word)
    return bodies if ok else []


#: a comma between two ip commands a line of prose lists (``ip tuntap add tun0 mode tun ,
#: ip link delete tun0\uff0c``), an ASCII one or a full-width one, before ip's name
_LISTED = re.compile(r"\s*[,\uff0c\u3001]\s*(?=(?:sudo\s+)?(?:ip|bridge)\s)")
#: the punctuation that closes such a list in Chinese or Japanese (a full-width comma, a
#: full stop)
_LIST_END = re.compile(r"\s*[\uff0c\u3002\u3001\uff1b]+\s*$")


def _each_listed(body: str) -> list[str]:
    """The ip commands a line of prose lists with commas (hunt EX, jursonmo's macvlan notes:
    ``3.   ip tuntap add   tun0  mode tun  , ip link delete tun0\uff0c``, lost with no word as
    a title): each, when every piece is an ip command iplab types (a sentence's ``ip netns
    add a, then ...`` is no list); the line as it is otherwise."""
    pieces = [_LIST_END.sub("", piece) for piece in _LISTED.split(body)]
    if len(pieces) < 2 or not all(
        first_program(piece) in ("ip", "bridge") and _typed(piece, True) for piece in pieces
    ):
        return [body]
    return pieces


def _cjk_titled(text: str) -> bool:
    """A line of prose that names an ip command iplab types, then words in Chinese, Japanese
    or Korean letters (``ip addr show 输出详解``): a title, said (see prose.cjk_word)."""
    body = strip_prompt(text.strip()) or text.strip()
    words = strip_comment(body).split()
    cut = next((k for k, w in enumerate(words) if k and cjk_word(f"_ {w}")), None)
    return cut is not None and first_program(body) == "ip" and _typed(" ".join(words[:cut]))


def _valued(body: str, values: Callable[[str], str | None] | None) -> str:
    """A bare line with the shell variables it uses replaced by their values, when each is
    known (see :func:`_commands_in`); the line as it is otherwise (``$X`` reads as no name
    ip knows: prose)."""
    if values is None or "$" not in body:
        return body
    return values(body) or body


def _known_values(reader: Reader) -> Callable[[str], str | None]:
    """The reader's shell variables as :func:`_valued` uses them: a line with each ``$NAME``
    it holds set, None when one is not known."""

    def valued(body: str) -> str | None:
        text, unresolved = reader.vars.expand(body)
        return None if unresolved else text

    return valued


#: a bare line that only sets a shell variable (``NS1="x1"``, ``BR_DEV=xavki0``), as a
#: script's first lines do: no sentence writes one
_BARE_ASSIGN = re.compile(r"(?:export\s+)?[A-Za-z_]\w*=(?:\"[^\"\s]*\"|'[^'\s]*'|[^\s\"'`;|&<>]+)")


#: the end of a line whose command the author lets fail (``|| true``, ``|| :``)
_LET_FAIL = re.compile(r"\s*\|\|\s*(?:true|:)\s*$")
#: a bare line that changes the kernel's packet filter or a sysctl, as typed (``iptables
#: -t nat -A POSTROUTING ...``, ``sysctl -w net.ipv4.ip_forward=1``): no sentence's words
_HOST_CHANGE = re.compile(
    r"(?:sudo\s+)?(?:(?:ip6?tables)\s+(?:-t\s+\w+\s+)?-[AIDNFXPRZ]\s+[A-Z]\w*\s+\S"
    r"|sysctl\s+(?:-w\s+)?[a-z][\w.-]*\.[\w.-]+=\S+).*"
)
#: where a sentence ends, or goes on after a colon or a comma: no command's words
_SENTENCE_BREAK = re.compile(r"[.!?:,;]\s+[A-Za-z]|[.:;!?]$")


def _ends(page: Sequence[str], number: int) -> bool:
    """Line ``number`` is the page's last that holds text (False: the lines unknown)."""
    last = max((n for n, text in enumerate(page, start=1) if text.strip()), default=0)
    return bool(page) and number >= last


def _ip_refuses(text: str, reader: Reader | None = None) -> tuple[str, str] | None:
    """A bare line of the prose that is an ip command ip refuses whatever the host holds, and
    ip's words (hunt EC: ``ip link set veth-red net-ns red``, among bare ip lines each read,
    went into the prose with no word); None for anything else, a sentence that starts with
    ``ip`` too (``ip netns is a tool``: ip says its verb is unknown). ``reader``: its
    variables, set on the page's lines above, are judged as their values (``ip link add
    ${VETH2}``, an excerpt's last line cut short: hunt EU #3)."""
    line = strip_comment(_BULLET.sub("", text.strip(), count=1)).strip()
    if reader is not None and "$" in line:
        expanded, unresolved = reader.vars.expand(line)
        if not unresolved and refusal(expanded) is not None:
            found = _ip_refuses(expanded)
            return None if found is None else (line, found[1])
    words = line.split()
    if runs_sudo(words):
        words = words[1:]
    if (
        len(words) < 3
        or program_name(words[0]) != "ip"
        or "`" in line
        or _SENTENCE_BREAK.search(line)
    ):
        return None
    if "ip" in words[1:]:
        return None  # (ip lines run together, or inside sentences: said as such elsewhere)
    said = refusal(" ".join(words))
    if said is None or said.startswith(("Command ", "Object ")):
        return None
    return line, said


def _host_change(line: str) -> bool:
    """A line of a page with no code blocks that is an iptables or a sysctl command, whole
    (hunt DN: oneuptime's ``sysctl -w net.ipv4.ip_forward=1`` and ``iptables -t nat -A
    POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE`` were dropped with no word, the
    host's changes never said): read as its ip lines are."""
    said = strip_comment(line).strip()
    return _HOST_CHANGE.fullmatch(said) is not None and not _SENTENCE_BREAK.search(said)


def _flattened(line: str) -> list[str]:
    """The commands of a line that is a code block flattened, its line breaks lost
    (``sudo ip link add ... mode bridge sudo ip addr add ... sudo ip link set dev mv0 up``;
    hunt DE: one command, whose ``sudo ip`` words ip refuses; ``ip link add v0 type veth
    peer name v1 ip link set v0 netns red``, no sudo, hunt DK), split where a new ``ip
    OBJECT VERB`` (or ``sudo ip``) begins after a whole ip command, when each piece is an
    ip command of its own; ``[line]`` otherwise. A piece that runs a program in a
    namespace (``ip netns exec red``, ``ip netns exec red sudo -u nobody``) goes on: the
    ``ip ...`` after it is the program's (iplab's grammar reads ``ip netns exec red ip link
    set lo up`` as the one command); words in quotes are never split."""
    words = _unquoted_words(line)
    pieces: list[str] = []
    begin = 0
    for i, (start, _) in enumerate(words):
        if i == 0 or not _ip_begins(words, i):
            continue
        piece = line[begin:start].strip()
        if _whole(piece):
            pieces.append(piece)
            begin = start
    pieces.append(line[begin:].strip())
    if len(pieces) < 2 or not all(_typed(p) for p in pieces):
        return [line]
    return pieces


def _unquoted_words(line: str) -> list[tuple[int, str]]:
    """The words of a shell line outside quotes, each with where it starts (a quoted
    word's text as written)."""
    words: list[tuple[int, str]] = []
    quote: str | None = None
    start: int | None = None
    i = 0
    while i < len(line):
        c = line[i]
        if start is None and not c.isspace():
            start = i
        if quote is not None:
            quote = None if c == quote else quote
        elif c == "\\":
            i += 1
        elif c in "'\"":
            quote = c
        elif c.isspace() and start is not None:
            words.append((start, line[start:i]))
            start = None
        i += 1
    if start is not None:
        words.append((start, line[start:]))
    return words


def _ip_begins(words: list[tuple[int, str]], i: int) -> bool:
    """Word ``i`` begins an ``ip`` command as ip's grammar reads one: ``ip`` (or ``sudo``
    before it), its options, an object of ip's and a verb of that object's."""
    said = [word for _, word in words[i:]]
    if said[0] == "sudo" and said[1:2] == ["ip"]:
        said = said[1:]
    elif said[0] != "ip" or words[i - 1][1] == "sudo":
        return False  # (``sudo ip``: it begins at its sudo)
    verb = verb_of("ip", said[1:])
    return verb.obj is not None and verb.verb is not None


def _whole(piece: str) -> bool:
    """A piece of a flattened line that is an ip command by itself: typed or known, and not
    one that runs a program in a namespace whose words may go on (``ip netns exec red``,
    ``... exec red sudo``: the ``ip`` after it is what it runs)."""
    if not _typed(piece):
        return False
    try:
        return not isinstance(classify(piece).op, NetnsExec)
    except LineError:
        return False


#: a bullet a slide or a PDF's list typeset before its item (``• ip netns add ns1``, a
#: slide deck's text; hunt AP: 'no command found'), where Markdown's list has ``-`` or ``*``
_BULLET = re.compile(
    "^[\u2022\u25aa\u25ab\u25e6\u2023\u2043\u25cf\u25cb\u25a0\u25a1\u27a2\u27a4\u25ba\u25b8"
    "\uf0a7\uf0b7]\\s+"
)  # (\uf0a7, \uf0b7: Word's Wingdings and Symbol bullets, as PowerPoint's text gives them)


def _cleanup_label(text: str) -> str | None:
    """The label before a line's backquoted commands when it announces the cleanup
    (``Cleanup: `ip netns del a; ip link del b` ``: hunt Z, its commands went to the setup
    when the last was no deletion); None for any other line."""
    lead = text.split("`", 1)[0].strip() if "`" in text else ""
    return plain(lead) if lead and CLEANUP.search(lead) else None


def _ip_loop(line: str) -> bool:
    """A ``for`` loop on one line whose commands are all ``ip`` (hunt T: a handout's ``for ns
    in hostA r1 hostB; do sudo ip -n $ns l s lo up; done`` vanished into the next step's
    title, where each of its 26 other lines was read as a command)."""
    if not line.startswith("for "):
        return False
    root = shellread.parse(line)
    loops = shellread.statements(root)
    if shellread.has_error(root) or len(loops) != 1 or loops[0].type != "for_statement":
        return False
    body = loops[0].child_by_field_name("body")
    said = shellread.statements(body) if body is not None else []
    return bool(said) and all(
        node.type == "command" and first_program(shellread.source(node)) == "ip" for node in said
    )


def _each_statement(span: str) -> list[str]:
    """The commands of a code span joined by ``;`` or ``&&`` (hunt F: `` `ip netns del a;
    ip netns del b` `` in a sentence was dropped with no word, where one command is read);
    the span as it is when it is one command, or anything else (``||``, a pipe)."""
    root = shellread.parse(span)
    if shellread.has_error(root):
        return [span]
    out: list[str] = []
    stack = list(reversed(shellread.statements(root)))
    while stack:
        node = stack.pop()
        if node.type == "command" or _quieted(node):
            out.append(shellread.source(node))
        elif node.type == "list" and all(
            c.type in ("&&", ";") for c in node.children if not c.is_named
        ):
            stack += reversed(shellread.statements(node))
        else:
            return [span]
    return out if len(out) > 1 else [span]


def _quieted(node: shellread.Node) -> bool:
    """A command whose output only goes to /dev/null (``ip netns del a 2>/dev/null``)."""
    body = node.child_by_field_name("body")
    if node.type != "redirected_statement" or body is None or body.type != "command":
        return False
    said = shellread.source(node)
    return QUIETING.fullmatch(said[len(shellread.source(body)) :]) is not None


def _changes_mentioned(text: str) -> list[str]:
    """The backquoted ``ip`` commands in a sentence that would change something (``move it
    with `ip link set v1 netns red`, and then...``): said, since a later step may need them."""
    out: list[str] = []
    for span in re.findall(r"`([^`]+)`", text):
        # (``sudo ip netns del c1 && sudo ip link del br0``: each command, hunt AE)
        for body in _each_statement(strip_prompt(span.strip()) or span.strip()):
            if first_program(body) != "ip" or not _typed(body, strict=True):
                continue
            if not is_observation(classify(body).op):
                out.append(body)
    return out


#: a comment in Chinese, Japanese or Korean, then an ip command on its line (``# 创建一个名为
#: myns 的新网络命名空间 sudo ip netns add myns``): a code block's two lines made one
_COMMENT_THEN_IP = re.compile(
    r"#\s*(?P<said>.*[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af].*?)\s+"
    r"(?P<command>(?:sudo\s+)?ip\s+[ -~]+)"
)


def command_after_comment(line: str) -> str | None:
    """The ip command a page's comment line holds after its words, the line break between
    a code block's comment and its command lost (hunt DX, 0573cn's ``# 创建一个名为 myns
    的新网络命名空间 sudo ip netns add myns``: "no command found"); only after words in
    Chinese, Japanese or Korean, where no command's words run on (an English comment that
    names a command, ``# Create it with ip netns add ns1``, stays a comment); None when
    the line holds none."""
    found = _COMMENT_THEN_IP.fullmatch(line.strip())
    if found is None:
        return None
    command = found["command"].strip()
    bare = re.sub(r"^sudo\s+", "", command)
    return command if len(bare.split()) >= 3 and typed_ip(bare) else None


def typed_ip(line: str) -> bool:
    """An ``ip`` command iplab types as it stands, beside a sentence's words (hunt DX: what
    a sentence holds is said as a command left out only when it is one)."""
    return first_program(line) == "ip" and _typed(line, strict=True)


def _typed(line: str, strict: bool = False) -> bool:
    """An ``ip`` line iplab types, or one it keeps raw with the names it creates (a macvlan's
    or a vxlan's ``link add``: hunt Z, a mail's was dropped with no word); one it cannot
    read at all is prose here. Beside code blocks, one whose words are not a sentence's
    too: not ending as one (``.``, ``:``), and not ``ip netns exec`` of a word that is no
    program (``ip netns exec is fine for...``)."""
    try:
        parsed = classify(line)
    except LineError:
        return False
    known = parsed.typed or _creates(line) or _rule_change(line)
    if not known or not strict:
        return known
    if line.rstrip().endswith((".", ":", ",", ";", "!", "?")):
        return False
    if any(_PLACEHOLDER.fullmatch(word) for word in line.split()):
        return False  # Syntax: `ip link set DEV up`
    op = parsed.op
    return not isinstance(op, NetnsExec) or first_program(op.command) in KNOWN_PROGRAMS


def _rule_change(line: str) -> bool:
    """An ``ip rule`` change as ip's words write it (``ip rule add from 10.0.0.0/24 table
    100``, ``ip -n a rule del priority 100``), which iplab keeps raw: a word of ip-rule(8)'s
    own right after the verb (hunt DE: a page with no code blocks lost each such line into
    its prose with no word); ``ip rule add lets you...`` is a sentence."""
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    while runs_sudo(words):
        words = words[1:]
    if not words or program_name(words[0]) != "ip":
        return False
    said = verb_of("ip", words[1:])
    if said.obj not in ("rule", "mrule") or said.verb not in _RULE_CHANGES or said.every:
        return False
    return not said.rest or said.rest[0] in _RULE_WORDS


#: the verbs of ``ip rule`` that change the rules (its shows are typed)
_RULE_CHANGES = frozenset({"add", "delete", "del", "flush", "prepend", "append", "replace"})
#: ip-rule(8)'s selector and action words: what follows its verb
_RULE_WORDS = frozenset(
    {
        *("not", "from", "to", "tos", "dsfield", "fwmark", "iif", "oif", "pref", "priority"),
        *("preference", "order", "l3mdev", "uidrange", "ipproto", "sport", "dport", "all"),
        *("table", "lookup", "protocol", "nat", "realms", "goto", "blackhole", "unreachable"),
        *("prohibit", "suppress_prefixlength", "suppress_ifgroup", "type", "unicast"),
        *("tun_id", "dscp", "flowlabel"),
    }
)


def _creates(line: str) -> bool:
    """A line iplab keeps raw that declares the names it creates (``ip link add mv0 link eth0
    type macvlan``)."""
    said = effects(line)
    return said is not None and bool(said.creates)


def _not_shell(reader: Reader, found: Found, body: list[tuple[int, str]], line: int) -> None:
    """A code block with no language that is a Makefile, a Dockerfile, a workflow...
    (hunt N: read as shell, a recipe's ``$(NS1)`` was a command substitution, a workflow's
    ``- name: Teardown`` a command): read as one marked with its language is, said."""
    first = next((t.strip() for _, t in body if t.strip()), "")
    reader.warnings.append(
        f"line {line}: the code block {first!r}... is {found.what} (its {found.sign}), not"
        f" shell: not read as commands; {found.way}"
    )
    reader.fence("", body, line)


def _code_block(reader: Reader, info: str, body: list[tuple[int, str]], line: int) -> None:
    """A code block: commands when its language is a shell's (or none, or a misspelling of
    one, or unknown while its lines look like commands), else prose or printed output."""
    lang = (info.split() or [""])[0].lower().strip("{}.")
    # Qiita's ``lang:filename`` (```bash:terminal, ```sh:setup.sh): the language before the
    # colon (hunt Q: 'bash:terminal' was said "a misspelling of 'terminal'")
    lang = lang.split(":", 1)[0] if ":" in lang else lang
    if lang == "" and (found := by_content(body, in_page=True)) is not None:
        _not_shell(reader, found, body, line)
        return
    if lang in SHELL_LANGS or lang == "":
        reader.block(body, shell_lang=lang != "")
        return
    if lang not in NOT_SHELL_LANGS:
        close = difflib.get_close_matches(lang, sorted(SHELL_LANGS), n=1, cutoff=0.6)
        looks = any(
            strip_prompt(text.lstrip()) or reader.looks_like_command(text.strip())
            for _, text in body
        )
        if close or looks:
            said = f"a misspelling of {close[0]!r}" if close else "its lines look like commands"
            reader.warnings.append(
                f"line {line}: a code block marked {lang!r} is read as shell ({said})"
            )
            reader.block(body, shell_lang=True)
            return
    if lang in _PLAIN and (first := _prompted(reader, body)) is not None:
        reader.warnings.append(
            f"line {line}: a code block marked {lang!r} starts at a prompt ({first!r}): read"
            " as a terminal's session, its prompted lines commands, the rest their output"
        )
        reader.block(body, shell_lang=True)
        return
    reader.fence(lang, body, line)


#: the languages that only say a block is not highlighted (```text, StackExchange's
#: ``lang-none``): what a terminal shows may be marked so
_PLAIN = frozenset({"text", "txt", "plaintext", "plain", "none", "nohighlight", "raw"})


def _prompted(reader: Reader, body: list[tuple[int, str]]) -> str | None:
    """A block's first line when it is a command at a prompt (``$ ip netns exec app ping
    ...``: hunt AE, a probe in a ```text block, then its output, was left out with no
    word); None otherwise."""
    first = next((text.strip() for _, text in body if text.strip()), "")
    command = strip_prompt(first)
    return first if command and reader.looks_like_command(command) else None
