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


def _evaluate(
    node: Node, variables: Mapping[str, str | None], changes: dict[str, str | None] | None = None
) -> int | None:
    """The value of an arithmetic node, or None: an unknown or non-integer variable, a
    division by zero, anything else bash would need. An assignment (``i++``, ``i += 2``,
    ``x = 1``) is evaluated only when ``changes`` is given (it gets the new values); in a
    line's ``$((...))`` it is left to the shell."""
    kind = node.type
    if kind == "number":
        return _number(source(node))
    if kind in ("variable_name", "word", "simple_expansion", "expansion"):
        name = _name_of(node)
        if name is None:
            return _number(source(node)) if kind in ("variable_name", "word") else None
        value = changes[name] if changes is not None and name in changes else variables.get(name)
        return None if value is None else _number(value.strip() or "0")
    if kind == "parenthesized_expression":
        inner = node.named_children
        return _evaluate(inner[0], variables, changes) if len(inner) == 1 else None
    if changes is not None and _assigns(node):
        return _assign(node, variables, changes)
    if kind == "unary_expression" and len(node.children) == 2:
        operand = _evaluate(node.children[1], variables, changes)
        unary = _UNARY.get(source(node.children[0]))
        return None if operand is None or unary is None else _wrap(unary(operand))
    if kind == "binary_expression" and len(node.children) == 3:
        left, op, right = node.children
        a, b = _evaluate(left, variables, changes), _evaluate(right, variables, changes)
        return _binary(source(op), a, b)
    return None


def _name_of(node: Node) -> str | None:
    """The variable a node names (``i``, ``$i``, ``${i}``), None when it names none."""
    if node.type in ("variable_name", "word"):
        name = source(node)
        return name if _IDENTIFIER.fullmatch(name) else None  # tree-sitter reads -7 as a name
    if [c.type for c in node.children] in (["$", "variable_name"], _PLAIN_BRACES):
        return source(node.named_children[0])
    return None  # ${x:-1}, ${#x}...: not a plain reference


def _binary(op: str, a: int | None, b: int | None) -> int | None:
    binary = _BINARY.get(op)
    if a is None or b is None or binary is None:
        return None
    if (op in ("/", "%") and b == 0) or (op == "**" and b < 0):
        return None  # bash stops with an error there
    if op in ("<<", ">>") and not 0 <= b < _BITS:
        return None  # the processor's business in bash: not worth guessing
    return _wrap(binary(a, b))


_COMPARISONS = frozenset({"==", "!=", "<=", ">="})


def _assigns(node: Node) -> bool:
    """``i = 1``, ``i += 2``, ``i++``, ``--i``: a node that assigns in bash's arithmetic."""
    kids = node.children
    if node.type == "variable_assignment":
        return True
    if node.type == "binary_expression" and len(kids) == 3:
        op = source(kids[1])
        return op.endswith("=") and op not in _COMPARISONS
    if node.type in ("postfix_expression", "unary_expression") and len(kids) == 2:
        return source(kids[1] if node.type == "postfix_expression" else kids[0]) in ("++", "--")
    return False


def _assign(
    node: Node, variables: Mapping[str, str | None], changes: dict[str, str | None]
) -> int | None:
    kids = node.children
    result: int | None
    if node.type == "variable_assignment":  # i=1 (a c-style for's initializer)
        target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        name = _name_of(target) if target is not None else None
        result = _evaluate(value, variables, changes) if value is not None else None
        new = result
    elif node.type == "binary_expression":  # i = 1, i += 2
        op, name = source(kids[1]), _name_of(kids[0])
        right = _evaluate(kids[2], variables, changes)
        if op != "=":
            right = _binary(op[:-1], _evaluate(kids[0], variables, changes), right)
        result = new = right
    else:  # i++, --i: the old value after, the new one before
        postfix = node.type == "postfix_expression"
        target, step = (kids[0], kids[1]) if postfix else (kids[1], kids[0])
        name = _name_of(target)
        old = _evaluate(target, variables, changes)
        new = None if old is None else _wrap(old + (1 if source(step) == "++" else -1))
        result = old if postfix else new
    if name is None or new is None:
        return None
    changes[name] = str(new)
    return result


def run_arithmetic(node: Node, variables: dict[str, str | None]) -> int | None:
    """Evaluate an arithmetic statement (``i++``, ``i += 2``) and keep what it assigns in
    ``variables``; its value, or None (then nothing is kept)."""
    changes: dict[str, str | None] = {}
    value = _evaluate(node, variables, changes)
    if value is not None:
        variables.update(changes)
    return value


#: the integer comparisons of ``[ A -lt B ]`` and ``[[ ... ]]``
_TEST_OPERATORS = {"-lt": "<", "-le": "<=", "-gt": ">", "-ge": ">=", "-eq": "==", "-ne": "!="}


def condition(
    node: Node, variables: dict[str, str | None], text: Callable[[Node], str | None]
) -> bool | None:
    """Whether a loop's condition holds: ``[ $i -lt 3 ]``, ``[[ ... ]]``, ``(( i < 3 ))``,
    ``[ "$a" != "$b" ]``; None when iplab cannot tell (``text`` gives an operand's value).
    An assignment in ``(( ... ))`` is kept in ``variables``."""
    if node.type == "compound_statement" and node.children[:1] and source(node.children[0]) == "((":
        inner = node.named_children
        value = run_arithmetic(inner[0], variables) if len(inner) == 1 else None
        return None if value is None else value != 0
    if node.type != "test_command" or len(node.named_children) != 1:
        return None
    test = node.named_children[0]
    if test.type != "binary_expression" or len(test.children) != 3:
        return None
    left, op, right = (text(test.children[0]), source(test.children[1]), text(test.children[2]))
    if left is None or right is None:
        return None
    if op in ("=", "==", "!="):
        return (left == right) == (op != "!=")
    compare = _TEST_OPERATORS.get(op)
    a, b = _number(left.strip() or "x"), _number(right.strip() or "x")
    if compare is None or a is None or b is None:
        return None
    return bool(_BINARY[compare](a, b))


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
