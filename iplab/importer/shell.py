"""Shell text read with tree-sitter-bash: where a statement ends, what a loop iterates over,
the string of ``bash -c``, the body of a here-document.

Pure functions over text; the grammar is loaded once, on first use (``iplab import`` only).
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Callable, Mapping

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


# -- arithmetic expansion -----------------------------------------------------------------------

#: bash's integers are 64-bit and wrap
_BITS = 64
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLAIN_BRACES = ["${", "variable_name", "}"]


def _wrap(value: int) -> int:
    value &= (1 << _BITS) - 1
    return value - (1 << _BITS) if value >> (_BITS - 1) else value


def _number(text: str) -> int | None:
    """A literal as bash reads it in arithmetic: decimal, 0x hex, 0 octal, BASE#DIGITS."""
    try:
        if "#" in text:
            base, digits = text.split("#", 1)
            return int(digits, int(base)) if 2 <= int(base) <= 36 else None
        if text[:2].lower() == "0x":
            return int(text[2:], 16)
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text)
    except ValueError:
        return None


def _c_div(a: int, b: int) -> int:
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


_BINARY: dict[str, Callable[[int, int], int]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _c_div,
    "%": lambda a, b: a - b * _c_div(a, b),
    "**": lambda a, b: pow(a, b, 1 << _BITS),  # (as bash wraps: never a huge number)
    "<<": lambda a, b: a << b,
    ">>": lambda a, b: a >> b,
    "&": lambda a, b: a & b,
    "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b,
    "<": lambda a, b: int(a < b),
    ">": lambda a, b: int(a > b),
    "<=": lambda a, b: int(a <= b),
    ">=": lambda a, b: int(a >= b),
    "==": lambda a, b: int(a == b),
    "!=": lambda a, b: int(a != b),
    "&&": lambda a, b: int(bool(a) and bool(b)),
    "||": lambda a, b: int(bool(a) or bool(b)),
}
_UNARY: dict[str, Callable[[int], int]] = {
    "-": lambda a: -a,
    "+": lambda a: a,
    "~": lambda a: ~a,
    "!": lambda a: int(not a),
}


def _evaluate(node: Node, variables: Mapping[str, str | None]) -> int | None:
    """The value of an arithmetic node, or None: an unknown or non-integer variable, an
    assignment (``i++``, ``x=1``), a division by zero, anything else bash would need."""
    kind = node.type
    if kind == "number":
        return _number(source(node))
    if kind in ("variable_name", "simple_expansion", "expansion"):
        if kind == "variable_name":
            name = source(node)
            if not _IDENTIFIER.fullmatch(name):
                return _number(name)  # tree-sitter reads the -7 of $((-7%2)) as a name
        elif [c.type for c in node.children] in (["$", "variable_name"], _PLAIN_BRACES):
            name = source(node.named_children[0])
        else:
            return None  # ${x:-1}, ${#x}...: not a plain reference
        value = variables.get(name)
        return None if value is None else _number(value.strip() or "0")
    if kind == "parenthesized_expression":
        inner = node.named_children
        return _evaluate(inner[0], variables) if len(inner) == 1 else None
    if kind == "unary_expression" and len(node.children) == 2:
        operand = _evaluate(node.children[1], variables)
        unary = _UNARY.get(source(node.children[0]))
        return None if operand is None or unary is None else _wrap(unary(operand))
    if kind == "binary_expression" and len(node.children) == 3:
        left, op, right = node.children
        a, b = _evaluate(left, variables), _evaluate(right, variables)
        binary = _BINARY.get(source(op))
        if a is None or b is None or binary is None:
            return None
        if (source(op) in ("/", "%") and b == 0) or (source(op) == "**" and b < 0):
            return None  # bash stops with an error there
        if source(op) in ("<<", ">>") and not 0 <= b < _BITS:
            return None  # the processor's business in bash: not worth guessing
        return _wrap(binary(a, b))
    return None


def arithmetic(text: str, variables: Mapping[str, str | None]) -> tuple[str, int | None] | None:
    """The ``$(( ... ))`` at the start of ``text`` and its value with the script's
    ``variables`` (None: it needs something iplab cannot evaluate); None when ``text`` does
    not start with a whole arithmetic expansion."""
    if not text.startswith("$(("):
        return None
    data = text.encode()
    root = parse_bytes(b": " + data)
    found = _first(root, "arithmetic_expansion", 2)
    if found is None or found.has_error:
        return None
    token = data[: found.end_byte - 2].decode()
    expression = found.named_children
    value = _evaluate(expression[0], variables) if len(expression) == 1 else None
    return token, value


def _first(node: Node, kind: str, start: int) -> Node | None:
    """The node of ``kind`` that starts at byte ``start``, if any."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.start_byte > start or current.end_byte <= start:
            continue
        if current.type == kind and current.start_byte == start:
            return current
        stack.extend(current.children)
    return None
