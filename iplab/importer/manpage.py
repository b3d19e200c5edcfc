"""A man page as ``man ip-netns | col -b`` prints it: section headings in capitals at the
left margin (``NAME``, ``SYNOPSIS``, ``DESCRIPTION``, ``EXAMPLES``), every other line
indented. Its SYNOPSIS is the commands' grammar (``ip netns [ list ]``, ``ip netns add
NETNSNAME``): shown, never run. Its EXAMPLES hold commands, each with the sentence that
says what it does, indented more under it (or a sentence above, indented as much or less):
the commands are read, the sentences are their prose. The rest is prose.

(Hunt T: read as Markdown, the SYNOPSIS lines were steps, ``ip netns add NETNSNAME`` made
a namespace of that name, and each example's description was the command's output.)
"""

from __future__ import annotations

import re

from iplab.importer.parts import Part, read_parts
from iplab.importer.prose import is_sentence
from iplab.importer.reader import Reader, strip_prompt
from iplab.words import placeholder

#: ``IP-NETNS(8)   Linux   IP-NETNS(8)``: a man page's header (or footer) line
_HEADER = re.compile(r"\s*(\S+\(\d\w*\))(?:\s.*)?\s\1\s*|\s*\S.*\s(\S+\(\d\w*\))\s*")
#: a section heading: capitals at the left margin (``SEE ALSO``)
_SECTION = re.compile(r"[A-Z][A-Z0-9 -]*[A-Z0-9]")
_KNOWN = frozenset({"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "EXAMPLE"})
#: what a command's grammar holds: ``[ list ]``, ``{ COMMAND | help }``, ``command...``, and
#: words in capitals that stand for the reader's (``NETNSNAME``, ``PID``)
_GRAMMAR = re.compile(
    r"\[[^\]]*\]|\{[^}]*\|[^}]*\}|\w\.\.\.|\.\.\.\s*$|(?<![\w$-])[A-Z][A-Z0-9_]+\b"
)
#: the words in capitals a command may hold that are no metavariable
_NOT_METAVARIABLES = frozenset({"NAT", "MASQUERADE", "ACCEPT", "DROP", "REJECT", "DNAT", "SNAT"})


def is_manpage(text: str) -> bool:
    """``col -b`` output of a man page: a section heading the man pages use alone at the
    left margin, and every other line that is not its header or footer indented."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    headings = [line for line in lines if _SECTION.fullmatch(line)]
    if not any(h in _KNOWN for h in headings):
        return False
    body = [line for line in lines if not _SECTION.fullmatch(line) and not _HEADER.fullmatch(line)]
    return bool(body) and all(line[:1].isspace() for line in body)


def grammar(command: str) -> str | None:
    """What makes a line of a man page the grammar of a command, not one to run
    (``[ list ]``, ``{ COMMAND | help }``, ``command...``, ``NETNSNAME``); None: none."""
    for found in _GRAMMAR.finditer(command):
        if found[0] not in _NOT_METAVARIABLES:
            return found[0]
    return placeholder(command)


def read_manpage(text: str, keep_variables: bool) -> tuple[str | None, Reader]:
    """A man page's title (its NAME line) and a reader holding its events."""
    title, parts, said = _parts(list(enumerate(text.splitlines(), 1)))
    title, reader = read_parts(parts, title, keep_variables)
    reader.warnings[:0] = said
    return title, reader


def _parts(lines: list[tuple[int, str]]) -> tuple[str | None, list[Part], list[str]]:
    """The page's title, its parts, and the warnings its grammar lines gave."""
    title: str | None = None
    parts: list[Part] = []
    said: list[str] = []
    section = ""
    held: list[tuple[int, str]] = []
    for number, line in [*lines, (0, "END")]:
        if _SECTION.fullmatch(line.rstrip()) or (number and _HEADER.fullmatch(line)):
            parts += _section(section, held, said)
            if number and _SECTION.fullmatch(line.rstrip()):
                section = line.strip()
                parts.append(Part("heading", number, number, line.strip()))
            held = []
            continue
        if section == "NAME" and title is None and line.strip():
            title = line.strip()
        held.append((number, line))
    return title, parts, said


def _section(name: str, lines: list[tuple[int, str]], said: list[str]) -> list[Part]:
    """A section's parts: the SYNOPSIS shown, the EXAMPLES read, the rest prose."""
    body = [(n, t) for n, t in lines if t.strip()]
    if not body:
        return []
    if name == "SYNOPSIS":
        said.append(
            f"line {body[0][0]}: the man page's SYNOPSIS ({body[0][1].strip()!r}...) is the"
            " commands' grammar: shown, not run"
        )
        return [Part("code", body[0][0], body[-1][0], body=lines, shown=True)]
    if name == "NAME":
        return []  # (the page's title)
    if name.startswith("EXAMPLE"):
        return _examples(body, said)
    return _described(name, _paragraphs(lines), said)


def _described(name: str, paragraphs: list[Part], said: list[str]) -> list[Part]:
    """The other sections' paragraphs (hunt Y #5, the real ip-netns(8)): a subheading that
    names a command and what it does (``ip netns list - show all of the named network
    namespaces``) is a heading; a paragraph of commands only (the DESCRIPTION's cautionary
    ``$ ip link set dev eth0 netns net0``) an illustration, shown: a man page's EXAMPLES
    are what it runs."""
    probe = Reader(markdown=True)
    out: list[Part] = []
    for part in paragraphs:
        commands = [strip_prompt(t) or t for t in part.source]
        first = commands[0]
        if probe.looks_like_command(first.split(" - ", 1)[0]) and " - " in first:
            out.append(Part("heading", part.line, part.end, " ".join(part.source)))
        elif all(probe.looks_like_command(c) for c in commands):
            said.append(
                f"line {part.line}: {first!r} illustrates the man page's {name}: shown, not"
                " run (a man page's EXAMPLES are run)"
            )
            out.append(Part("code", part.line, part.end, body=part.body, shown=True))
        else:
            out.append(part)
    return out


def _paragraphs(lines: list[tuple[int, str]]) -> list[Part]:
    """Prose, cut into paragraphs at its blank lines."""
    out: list[Part] = []
    held: list[tuple[int, str]] = []
    for number, text in [*lines, (0, "")]:
        if text.strip():
            held.append((number, text))
            continue
        if held:
            source = [t.strip() for _, t in held]
            out.append(Part("paragraph", held[0][0], held[-1][0], source=source, body=held))
        held = []
    return out


def _examples(body: list[tuple[int, str]], said: list[str]) -> list[Part]:
    """EXAMPLES: each command a code block, after the sentence that says what it does (the
    lines under it indented more; or the lines above it)."""
    probe = Reader(markdown=True)
    out: list[Part] = []
    k = 0
    while k < len(body):
        number, text = body[k]
        command = _command(text)
        if not probe.looks_like_command(command):
            out.append(Part("paragraph", number, number, source=[text.strip()]))
            k += 1
            continue
        indent = len(text) - len(text.lstrip())
        under = k + 1
        while under < len(body) and _wraps(body, under, indent, probe):
            said.append(
                f"line {number}: the man page wraps the command onto line {body[under][0]}"
                f" ({body[under][1].strip()!r}): read as one line"
            )
            text = f"{text.rstrip()} {body[under][1].strip()}"
            command = _command(text)
            under += 1
        start = under
        while under < len(body) and _indent(body[under][1]) > indent:
            under += 1
        about = [t.strip() for _, t in body[start:under]]
        if about:  # (what it does first: the step's title)
            out.append(Part("paragraph", body[start][0], body[under - 1][0], source=about))
        if (mark := grammar(command)) is not None:
            said.append(
                f"line {number}: {command!r} is a command's grammar ({mark!r} is for the"
                " reader to fill in): shown, not run"
            )
            out.append(Part("code", number, number, body=[(number, text)], shown=True))
        else:
            out.append(Part("code", number, number, body=[(number, text)]))
        k = under
    return _joined(out)


def _command(text: str) -> str:
    """An example's command past its prompt: ``$ ``, and ``# `` (veth(4) writes its
    examples at a root prompt; an EXAMPLES section holds no shell comment)."""
    return strip_prompt(text.strip(), root_hash=True) or text.strip()


def _wraps(body: list[tuple[int, str]], at: int, indent: int, probe: Reader) -> bool:
    """Line ``at`` is the rest of the command above it, wrapped by the man page's formatter
    (ip-route(8): ``ip -6 route add ... segs`` then ``2001:db8:42::1,... dev eth1`` at the
    same indent): the next line, as indented, neither a command nor a sentence."""
    number, text = body[at]
    rest = text.strip()
    return (
        number == body[at - 1][0] + 1
        and _indent(text) == indent
        and not probe.looks_like_command(rest)
        and not is_sentence(rest)
    )


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _joined(parts: list[Part]) -> list[Part]:
    """Code blocks next to each other as one, paragraphs next to each other as one."""
    out: list[Part] = []
    for part in parts:
        last = out[-1] if out else None
        if last is not None and last.kind == part.kind == "code" and last.shown == part.shown:
            last.body += part.body
            last.end = part.end
        elif last is not None and last.kind == part.kind == "paragraph":
            last.source += part.source
            last.end = part.end
        else:
            out.append(part)
    return out
