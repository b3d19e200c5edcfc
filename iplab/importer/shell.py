"""Shell text read with tree-sitter-bash: where a statement ends, what a loop iterates over,
the string of ``bash -c``, the body of a here-document.

Pure functions over text; the grammar is loaded once, on first use (``iplab import`` only).
"""

from __future__ import annotations

import functools
import re
import shlex

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
    """The syntax tree of ``text`` (its root, a ``program``)."""
    return parse_bytes(text.encode())


def parse_bytes(data: bytes) -> Node:
    return _parser().parse(data).root_node


def complete(text: str) -> bool:
    """The shell reads ``text`` whole: no unclosed loop, quote or here-document."""
    return not parse(text).has_error


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


def seq_values(command: str) -> list[str] | None:
    """The numbers ``seq`` prints for ``seq LAST``, ``seq FIRST LAST``, ``seq FIRST STEP LAST``."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if not argv or argv[0] != "seq" or not 2 <= len(argv) <= 4:
        return None
    try:
        numbers = [int(a) for a in argv[1:]]
    except ValueError:
        return None
    first, step, last = (
        (1, 1, numbers[0])
        if len(numbers) == 1
        else (numbers[0], 1, numbers[1])
        if len(numbers) == 2
        else (numbers[0], numbers[1], numbers[2])
    )
    if step == 0 or abs(last - first) // abs(step) > 4096:
        return None
    stop = last + (1 if step > 0 else -1)
    return [str(n) for n in range(first, stop, step)]


def brace_values(node: Node) -> list[str] | None:
    """``{1..3}`` -> 1 2 3; ``{a,b}`` is read by the caller as words."""
    numbers = [c for c in node.named_children if c.type == "number"]
    if len(numbers) != 2:
        return None
    first, last = int(source(numbers[0])), int(source(numbers[1]))
    if abs(last - first) > 4096:
        return None
    step = 1 if last >= first else -1
    return [str(n) for n in range(first, last + step, step)]
