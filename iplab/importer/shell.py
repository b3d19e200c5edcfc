"""Shell text read with tree-sitter-bash: where a statement ends, what a loop iterates over,
the string of ``bash -c``, the body of a here-document.

Pure functions over text; the grammar is loaded once, on first use (``iplab import`` only).
"""

from __future__ import annotations

import functools
import re

import tree_sitter
import tree_sitter_bash

Node = tree_sitter.Node

#: statement kinds that hold other statements
COMPOUND = frozenset(
    {
        *("for_statement", "c_style_for_statement", "while_statement", "if_statement"),
        *("case_statement", "function_definition", "compound_statement", "subshell"),
    }
)
SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ash"})
_CONTINUATION = re.compile(r"[ \t]*\\\n[ \t]*")


@functools.cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


def parse(text: str) -> Node:
    """The syntax tree of ``text`` (its root, a ``program``); a here-document's first line
    the grammar cannot read as bash does (:func:`_heredoc_first_lines`) read in the order
    it can, every other byte in its place."""
    root = parse_bytes(text.encode())
    if root.has_error and (moved := _heredoc_first_lines(text)) != text:
        again = parse_bytes(moved.encode())
        if not has_error(again):
            return again
    return root


#: a here-document's operator right before a file's redirection (``cat <<EOF>clab.yaml |
#: clab deploy -t clab.yaml -``), with the blanks around them
_OP_THEN_FILE = re.compile(
    r"(?P<pre>[ \t]+)(?P<op><<-?[ \t]*(?P<q>['\"]?)\\?[A-Za-z_]\w*(?P=q))"
    r"(?P<files>(?:[ \t]*\d?>>?[ \t]*[^\s|;&<>()]+)+)(?P<post>[ \t]*)(?P<rest>.?)"
)


def _heredoc_first_lines(text: str) -> str:
    """``text`` with each ``CMD <<EOF>F | NEXT`` written ``CMD>F <<EOF | NEXT``, the same
    bytes' count (hunt EZ: Containerlab's ``cat <<EOF>clab.yaml | clab deploy -t clab.yaml
    -``, which bash reads as ``cat > clab.yaml <<EOF | ...``, the grammar could not: each of
    the document's lines was a raw step, its indentation lost). A line with no room to move
    them in is left as it is."""

    def move(found: re.Match[str]) -> str:
        said = found[0][: len(found[0]) - len(found["rest"])]
        more = " " if found["rest"] else ""
        moved = f"{found['files'].strip()} {found['op']}{more}"
        pad = len(said.encode()) - len(moved.encode())
        return (" " * pad + moved if pad >= 0 else said) + found["rest"]

    return _OP_THEN_FILE.sub(move, text)


def parse_bytes(data: bytes) -> Node:
    return _parser().parse(data).root_node


def has_error(node: Node) -> bool:
    """Whether tree-sitter-bash could not read ``node``; not for a ``BASE#$NAME`` in an
    arithmetic expansion (``$((10#$i + 1))``: a padded 08 read in base 10), which the
    grammar does not know and :mod:`iplab.importer.arith` evaluates."""
    stack = [node] if node.has_error else []
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            parent = current.parent
            based = parent is not None and parent.type == "arithmetic_expansion"
            if not (based and re.fullmatch(rb"\d+#", current.text or b"")):
                return True
            continue
        stack.extend(c for c in current.children if c.has_error or c.is_missing)
    return False


def complete(text: str) -> bool:
    """The shell reads ``text`` whole: no unclosed loop, quote or here-document (the grammar
    takes a here-document the text ends in for closed when a line of it expands a variable:
    ``cat > f <<EOF`` + ``netns add $NS``, and the reader stopped there, its EOF a step)."""
    root = parse(text)
    return not has_error(root) and not _unended_heredoc(root)


def _unended_heredoc(root: Node) -> bool:
    """A here-document not ended by its word (the grammar makes the text's last words its
    ``heredoc_end`` when the document is not closed and a variable came before them)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "heredoc_redirect":
            start = next((c for c in node.children if c.type == "heredoc_start"), None)
            end = next((c for c in node.children if c.type == "heredoc_end"), None)
            word = source(start).strip("'\"\\") if start is not None else None
            if end is None or (word is not None and source(end).strip() != word):
                return True
        stack.extend(node.children)
    return False


def source(node: Node) -> str:
    return (node.text or b"").decode()


def statements(node: Node) -> list[Node]:
    """The statements directly inside ``node`` (a program, a ``do`` group...), no comments."""
    return [c for c in node.named_children if c.type != "comment" and c.type not in _NOT_STATEMENTS]


_NOT_STATEMENTS = frozenset({"variable_name", "word", "heredoc_body", "heredoc_end"})


def waits_only(node: Node) -> bool:
    """A ``while``/``until`` loop whose body only sleeps (``while ip ... tentative | grep -q
    inet6; do sleep 0.2; done``): it waits for something, and changes nothing itself."""
    body = node.child_by_field_name("body") if node.type == "while_statement" else None
    if body is None:
        return False
    commands = [child for child in body.named_children if child.type != "comment"]
    return bool(commands) and all(
        child.type == "command"
        and (name := child.child_by_field_name("name")) is not None
        and source(name) == "sleep"
        for child in commands
    )


def one_line(text: str) -> str:
    """A statement's text with its ``\\`` line continuations joined (one space between)."""
    return _CONTINUATION.sub(" ", text).strip()


def quoted_newlines(text: str) -> str | None:
    """A statement whose quoted strings go on over lines (``echo -e "a`` then ``b" > f``,
    typed at bash's PS2 prompt) as one line the shell reads the same way: each newline
    inside quotes written ``$'\\n'`` between the string's halves. None: a newline outside
    any quoted string (another construct over lines), or no newline at all."""
    data = text.encode()
    edits: list[tuple[int, bytes]] = []

    def walk(node: Node) -> None:
        if node.type in ("string", "raw_string", "ansi_c_string"):
            said = {"raw_string": b"'$'\\n''", "ansi_c_string": b"\\n"}.get(node.type)
            inner = [  # ("a $(b<newline>c)": the substitution's newline, not the string's)
                (c.start_byte, c.end_byte)
                for c in node.named_children
                if c.type not in ("string_content", "simple_expansion", "expansion")
            ]
            for at in range(node.start_byte, node.end_byte):
                if data[at] == 0x0A and not any(a <= at < b for a, b in inner):
                    edits.append((at, said or b"\"$'\\n'\""))
            return
        for child in node.children:
            walk(child)

    walk(parse(text))
    if not edits or data.count(b"\n") != len(edits):
        return None
    for at, said in sorted(edits, reverse=True):
        data = data[:at] + said + data[at + 1 :]
    return data.decode()


def words(node: Node) -> list[Node]:
    """The words of a simple command: its name, then its arguments (redirections left out)."""
    out: list[Node] = []
    for child in node.named_children:
        if child.type == "command_name":
            out.extend(child.named_children or [child])
        elif child.type not in ("file_redirect", "herestring_redirect", "variable_assignment"):
            out.append(child)
    return out


def unquoted(node: Node) -> str | None:
    """A word's literal value (quotes removed), or None when it holds an expansion."""
    if node.type in ("word", "number"):
        text = source(node)
        return None if "$" in text or "`" in text else text.replace("\\", "")
    if node.type == "raw_string":
        return source(node)[1:-1]
    if node.type == "string":
        parts = node.named_children
        if all(p.type == "string_content" for p in parts):
            return source(node)[1:-1]
        return None
    if node.type == "concatenation":
        pieces = [unquoted(p) for p in node.named_children]
        return None if any(p is None for p in pieces) else "".join(p or "" for p in pieces)
    return None


def string_body(node: Node) -> tuple[str, bool] | None:
    """The text inside a quoted argument and whether the outer shell expands it
    (double quotes), or None when the argument is not one quoted string."""
    if node.type == "raw_string":
        return source(node)[1:-1], False
    if node.type == "string":
        return source(node)[1:-1], True
    if node.type == "word":
        return source(node), True
    return None


def heredoc(node: Node) -> tuple[Node, str, bool] | None:
    """(the command, the body, whether the body is expanded) of ``CMD <<EOF ... EOF``."""
    if node.type != "redirected_statement":
        return None
    body = node.child_by_field_name("body")
    for child in node.named_children:
        if child.type == "heredoc_redirect":
            start = next((c for c in child.named_children if c.type == "heredoc_start"), None)
            text = next((c for c in child.named_children if c.type == "heredoc_body"), None)
            if body is None or text is None:
                return None
            quoted = start is not None and source(start)[:1] in ("'", '"')
            return body, source(text), not quoted
    return None


def has_heredoc(node: Node) -> bool:
    return any(c.type == "heredoc_redirect" for c in node.named_children)


def substitutions(node: Node) -> list[Node]:
    """Every ``$(...)`` and backquoted command inside ``node``."""
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "command_substitution":
            out.append(current)
            continue
        stack.extend(current.named_children)
    return out


#: the most words one brace expansion may give (a bomb: {1..999999999})
MAX_BRACE_WORDS = 4096
_SEQUENCE = re.compile(
    r"(?:(?P<first>-?\d+)\.\.(?P<last>-?\d+)|(?P<a>[A-Za-z])\.\.(?P<z>[A-Za-z]))"
    r"(?:\.\.(?P<step>-?\d+))?"
)


class BraceError(ValueError):
    """A brace expansion iplab does not follow (too many words, a range over symbols)."""


def brace_expand(word: str) -> list[str]:
    """bash's brace expansion of one word's text, quotes kept: ``h{01..3}`` -> h01 h02
    h03, ``{1..10..3}``, ``{e..a..2}``, ``{red,blue}x``, ``a{b,{c,d}}e``; ``[word]`` when
    it holds none (``{a}``, ``${x}``, quoted braces). Raises :class:`BraceError` for one
    iplab does not follow."""
    for start, end, inner in _braces(word):
        if (values := _sequence(inner)) is None:
            parts = _top_level(inner, ",")
            if len(parts) < 2:
                continue
            values = [v for part in parts for v in brace_expand(part)]
        after = brace_expand(word[end + 1 :])
        if len(values) * len(after) > MAX_BRACE_WORDS:
            raise BraceError(f"more than {MAX_BRACE_WORDS} words")
        return [word[:start] + v + a for v in values for a in after]
    return [word]


def braces_expanded(node: Node) -> str:
    """``node``'s text with the brace expansions of its commands' words written out, as
    bash runs it (``ip netns add spare{1..3}`` -> ``ip netns add spare1 spare2 spare3``).
    Raises :class:`BraceError` for one iplab does not follow."""
    data, base = node.text or b"", node.start_byte
    edits: list[tuple[int, int, str]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "command":
            for word in words(current):
                written = source(word)
                if (got := brace_expand(written)) != [written]:
                    edits.append((word.start_byte, word.end_byte, " ".join(w for w in got if w)))
        elif current.type not in ("command_substitution", "string", "heredoc_body"):
            stack.extend(current.named_children)
    for start, end, text in sorted(edits, reverse=True):
        data = data[: start - base] + text.encode() + data[end - base :]
    return data.decode()


def _braces(word: str) -> list[tuple[int, int, str]]:
    """Each unquoted ``{`` of ``word`` with its closing ``}``: (start, end, what is inside)."""
    out, i = [], 0
    while i < len(word):
        if (skipped := _skip(word, i)) > i:
            i = skipped
            continue
        if word[i] == "{":
            end = _close(word, i)
            if end is not None:
                out.append((i, end, word[i + 1 : end]))
        i += 1
    return out


def _skip(text: str, i: int) -> int:
    """The index after a quoted string, an escaped character or ``${...}``/``$(...)``
    starting at ``i`` (bash expands no brace inside them), or ``i``."""
    c = text[i]
    if c == "\\":
        return i + 2
    if c == "'" or text.startswith("$'", i):
        j = text.find("'", i + 1 + (c == "$"))
        return len(text) if j < 0 else j + 1
    if c in {'"', "`"}:
        j = i + 1
        while j < len(text) and text[j] != c:
            j += 2 if text[j] == "\\" else 1
        return j + 1
    if c == "$" and text[i + 1 : i + 2] in ("{", "("):
        opening = text[i + 1]
        closing, depth, j = "}" if opening == "{" else ")", 0, i + 1
        while j < len(text):
            if (k := _skip(text, j)) > j and text[j] != "$":
                j = k
                continue
            depth += (text[j] == opening) - (text[j] == closing)
            if depth == 0:
                return j + 1
            j += 1
        return len(text)
    return i


def _close(text: str, start: int) -> int | None:
    """The unquoted ``}`` closing the ``{`` at ``start``, or None."""
    depth, i = 0, start
    while i < len(text):
        if (skipped := _skip(text, i)) > i:
            i = skipped
            continue
        depth += (text[i] == "{") - (text[i] == "}")
        if depth == 0:
            return i
        i += 1
    return None


def _top_level(text: str, sep: str) -> list[str]:
    """``text`` split at each ``sep`` outside quotes and inner braces."""
    parts, depth, begun, i = [], 0, 0, 0
    while i < len(text):
        if (skipped := _skip(text, i)) > i:
            i = skipped
            continue
        depth += (text[i] == "{") - (text[i] == "}")
        if text[i] == sep and depth == 0:
            parts.append(text[begun:i])
            begun = i + 1
        i += 1
    return [*parts, text[begun:]]


def _sequence(inner: str) -> list[str] | None:
    """``1..10..3``, ``01..12``, ``e..a``: the words bash makes; None: not a sequence."""
    found = _SEQUENCE.fullmatch(inner)
    if found is None:
        return None
    step = abs(int(found["step"] or 1)) or 1
    if found["first"] is not None:
        first, last = int(found["first"]), int(found["last"])
    else:
        first, last = ord(found["a"]), ord(found["z"])
    if abs(last - first) // step >= MAX_BRACE_WORDS:
        raise BraceError(f"{{{inner}}} makes more than {MAX_BRACE_WORDS} words")
    numbers = range(first, last + (1 if last >= first else -1), step if last >= first else -step)
    if found["first"] is None:
        letters = [chr(n) for n in numbers]
        if not all(c.isalpha() for c in letters):
            raise BraceError(f"{{{inner}}} runs over characters that are not letters")
        return letters
    # zero-padded when either end is (01, -05): every word as wide as the wider end
    padded = any(re.match(r"-?0\d", end) for end in (found["first"], found["last"]))
    width = max(len(found["first"]), len(found["last"])) if padded else 0
    return [f"{n:0{width}d}" for n in numbers]
