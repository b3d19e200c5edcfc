"""A page's code block that is a file's content, not commands nor their output.

Tutorials show a configuration file as a block of its own and then use it: "Create
/etc/radvd.conf:" and a block of radvd's words, then ``radvd -C /etc/radvd.conf``; a block
whose first line is ``# /etc/nftables-testns.conf``, then ``ip netns exec testns nft -f
/etc/nftables-testns.conf`` (hunt CU: the block's lines were 19 warnings, "neither a command
nor the output of one", and the run failed at ``nft -f``: no such file). Such a block is
the file, written by a step as ``cat > F <<'EOF'`` writes it, when the page names the path
right at it (a sentence just before it ending with ``:``, a first line that is a comment of
the path alone, an HTML ``<pre title="F">``, a fence's ``title="F"`` or Qiita's
``conf:F``) AND a command of the page after it reads the path (``-f F``, ``-C F``, ``< F``,
``source F``...). A block named so that no later command reads, or that may be what a
``cat F`` just above printed, stays what it was, said in one warning.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

#: a path a page names: an absolute one, or a file name with a dot (``radvd.conf``)
_PATH = r"(?:~?/[\w.@+-]+(?:/[\w.@+-]+)*|[\w.@+-]+(?:/[\w.@+-]+)*\.[A-Za-z0-9]+)"
#: a first line that is a comment of the path alone (``# /etc/x.conf``, ``// x.json``)
_COMMENTED = re.compile(rf"\s*(?:#|//|;|--)\s*(?P<path>{_PATH})\s*")
#: a path in a sentence (between backquotes or quotes, or bare)
_IN_WORDS = re.compile(rf"(?:`|\"|'|\*\*|\b|(?<=\s)|^)(?P<path>{_PATH})(?=`|\"|'|\*\*|\s|:|,|$)")
#: a fence's title (Docusaurus ``title="/etc/x.conf"``, ``filename=x.yaml``)
_INFO_TITLE = re.compile(rf"""\b(?:title|filename|file)=["']?(?P<path>{_PATH})["']?""")
#: the options after which a command's next word is a file it reads
_READ_AFTER = frozenset(
    {
        "-f", "-C", "-c", "--conf", "--config", "--conf-file", "--config-file", "-config",
        "--file", "source", ".", "<", "-batch", "--batch", "-b", "-p", "--load",
    }
)  # fmt: skip
#: ``--conf-file=F``: an option written with its file
_READ_JOINED = re.compile(r"--?(?:conf|config|conf-file|config-file|file|load)=(?P<path>.+)")
#: programs that read a file named as their argument (``iptables-restore F``)
_READS_ARGUMENT = frozenset({"iptables-restore", "ip6tables-restore", "ipset"})
#: a line a shell reads as a variable's assignment (``NS=red``; dnsmasq's ``interface=dh1``)
_ASSIGNMENT = re.compile(r"[A-Za-z_][\w-]*=\S*")
#: a command that prints a file: the block after it may be what it printed
_PRINTS = frozenset({"cat", "less", "more", "head", "tail", "bat"})


class _Part(Protocol):
    """A page's part (iplab.importer.parts.Part), as read here."""

    @property
    def kind(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def source(self) -> list[str]: ...
    @property
    def info(self) -> str: ...
    @property
    def body(self) -> list[tuple[int, str]]: ...
    @property
    def named(self) -> str: ...


@dataclass(frozen=True)
class FileBlock:
    """What the page says of a code block that names a file."""

    path: str
    #: how the page names it ("the sentence at line 36", "its first line")
    how: str
    #: the line of a later command that reads the path; None: no such line
    read_at: int | None
    #: the line of a command just above that prints the path (the block may be its output)
    printed_at: int | None
    #: the line of a command BEFORE the block that reads the path (it runs before the file
    #: is written: hunt CR's nftables page, ``nft -f F`` at line 24, the block at 39)
    read_before: int | None = None

    @property
    def written(self) -> bool:
        return self.read_at is not None and self.printed_at is None


def file_blocks(parts: Sequence[_Part], is_command: Callable[[str], bool]) -> dict[int, FileBlock]:
    """The code blocks of ``parts`` (by index) that the page names as a file's content.
    ``is_command``: a line (prompt taken off) that is a command, whose block is none."""
    found: dict[int, FileBlock] = {}
    for k, part in enumerate(parts):
        if part.kind != "code" or not part.body:
            continue
        named = _named(parts, k)
        if named is None or _commands(part, is_command):
            continue
        path, how = named
        later = [p for p in parts[k + 1 :] if p.kind == "code"]
        read_at = next((n for p in later for n, t in p.body if _reads(t, path)), None)
        before = next((p for p in reversed(parts[:k]) if p.kind == "code"), None)
        printed_at = None
        if before is not None and before.body:
            number, text = before.body[-1]
            printed_at = number if _prints(text, path) else None
        earlier = [p for p in parts[:k] if p.kind == "code"]
        read_before = next((n for p in earlier for n, t in p.body if _reads(t, path)), None)
        found[k] = FileBlock(path, how, read_at, printed_at, read_before)
    return found


def _named(parts: Sequence[_Part], k: int) -> tuple[str, str] | None:
    """The path the page names right at code block ``k`` and how; None: none."""
    part = parts[k]
    if part.named and re.fullmatch(_PATH, part.named):
        return part.named, "its title"
    info = _INFO_TITLE.search(part.info)
    if info:
        return info["path"], "its title"
    lang = (part.info.split() or [""])[0]
    if ":" in lang and re.fullmatch(_PATH, lang.split(":", 1)[1]):
        return lang.split(":", 1)[1], "its title"
    first = next((t for _, t in part.body if t.strip()), "")
    commented = _COMMENTED.fullmatch(first)
    if commented and ("/" in commented["path"] or "." in commented["path"]):
        return commented["path"], "its first line"
    said = parts[k - 1] if k else None
    if said is None or said.kind != "paragraph" or said.end < part.line - 2:
        return None
    text = " ".join(said.source).strip()
    if not text.endswith(":"):
        return None
    sentence = re.split(r"(?<=[.!?])\s+", text)[-1]
    paths = {
        m["path"] for m in _IN_WORDS.finditer(sentence) if "/" in m["path"] or "." in m["path"]
    }
    paths = {p for p in paths if not re.fullmatch(r"[\d.]+", p) and not p.endswith(".")}
    if len(paths) != 1:
        return None
    return paths.pop(), f"the sentence at line {said.end}"


def _commands(part: _Part, is_command: Callable[[str], bool]) -> bool:
    """The block holds commands (its first line not a comment is one, or a line at a
    prompt): read as commands, as before."""
    from iplab.importer.reader import strip_prompt

    if any(strip_prompt(t) for _, t in part.body):
        return True
    lines = [t.strip() for _, t in part.body if t.strip()]
    said = [t for t in lines if not t.startswith(("#", "//", ";"))]
    if said and all(_ASSIGNMENT.fullmatch(t) for t in said):
        return True  # (NS=red, an env file a later line sources: its variables, as before)
    return bool(said) and not _ASSIGNMENT.fullmatch(said[0]) and is_command(said[0])


def _words(text: str) -> list[str]:
    from iplab.importer.reader import strip_prompt

    text = strip_prompt(text, root_hash=True) or text
    spaced = re.sub(r"(?<!<)<(?!<)", " < ", text)
    try:
        return shlex.split(spaced, comments=True)
    except ValueError:
        return spaced.split()


def _same(word: str, path: str) -> bool:
    return word == path or word.removeprefix("./") == path.removeprefix("./")


def _reads(text: str, path: str) -> bool:
    """A line of a command that reads ``path`` (``nft -f F``, ``radvd -C F``, ``< F``)."""
    words = _words(text)
    for j, word in enumerate(words):
        joined = _READ_JOINED.fullmatch(word)
        if joined and _same(joined["path"], path):
            return True
        if not _same(word, path) or not j:
            continue
        if words[j - 1] in _READ_AFTER or words[j - 1].rsplit("/", 1)[-1] in _READS_ARGUMENT:
            return True
    return False


def _prints(text: str, path: str) -> bool:
    """A command that prints ``path`` (``cat /etc/hosts``): the block after it may be its
    output."""
    words = _words(text)
    return any(
        w.rsplit("/", 1)[-1] in _PRINTS and any(_same(v, path) for v in words[j + 1 :])
        for j, w in enumerate(words)
    )
