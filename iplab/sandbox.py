"""The one Jinja environment iplab renders untrusted text with: sandboxed and bounded.

Scenario values (``"ns{{ i }}"``, ``loop``, ``when``) and command templates
(bundled or ``--templates``) may be written by someone other than the root who
runs them. Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment` keeps them away
from Python's internals (``cycler.__init__.__globals__``); :class:`Sandbox` also
keeps them from eating the machine: every operator, call and filter that could
build a huge string, list or integer is checked *before* it runs, and a refusal
is a :class:`LimitError` (a Jinja error, so callers report it as one).

Limits (generous for any lab, fatal for a bomb): strings and sequences of
:data:`MAX_LENGTH` items, integers of :data:`MAX_INT_BITS` bits, format widths
of :data:`MAX_WIDTH`, ranges of :data:`MAX_RANGE`. The ``fmt`` filter
(``range(1, 4) | map("fmt", "br{}")``) formats through the same rules: positional
or named fields only, no attribute or index access in a field.
"""

from __future__ import annotations

import functools
import math
import re
import string
from collections import ChainMap
from collections.abc import Callable, Iterator, KeysView, MutableMapping
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.sandbox import SandboxedEnvironment, SandboxedFormatter

MAX_LENGTH = 65536
MAX_INT_BITS = 4096
MAX_WIDTH = 1024
MAX_RANGE = 10000

_FIELD = re.compile(r"[0-9]*|[A-Za-z_][A-Za-z0-9_]*")
_SPEC_NUMBER = re.compile(r"[0-9]+")
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|[0-9]+)?(?:\.(\*|[0-9]+))?")


class LimitError(SecurityError):
    """A template or expression asked for more than iplab allows."""


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def _check_size(value: Any) -> Any:
    size = _length(value)
    if size is not None and size > MAX_LENGTH:
        raise LimitError(f"a value of {size} items or characters (at most {MAX_LENGTH})")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise LimitError(f"an integer of more than {MAX_INT_BITS} bits")
    return value


def check_format(pattern: str) -> None:
    """Refuse a ``str.format`` pattern that reaches into objects or pads without bound."""
    for _text, name, spec, _conversion in string.Formatter().parse(pattern):
        if name is not None and not _FIELD.fullmatch(name):
            raise LimitError(
                f"format field {{{name}}}: only positions or names, no attribute or index access"
            )
        if spec and "{" in spec:
            raise LimitError(f"format field {{{name}:{spec}}}: nested fields are not allowed")
        for number in _SPEC_NUMBER.findall(spec or ""):
            if len(number) > 6 or int(number) > MAX_WIDTH:
                raise LimitError(f"format width or precision {number} (at most {MAX_WIDTH})")


def check_percent(pattern: str) -> None:
    """Refuse a ``%`` pattern with a width or precision that builds a huge string."""
    for match in _PERCENT.finditer(pattern):
        for number in match.groups():
            if number == "*":
                raise LimitError("'*' widths in % formats are not allowed")
            if number is not None and (len(number) > 6 or int(number) > MAX_WIDTH):
                raise LimitError(f"format width or precision {number} (at most {MAX_WIDTH})")


def _check_binop(op: str, left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int)
    if op == "**" and ints and right > 0 and abs(left) > 1:
        if right * max(1, math.log2(abs(left))) > MAX_INT_BITS:
            raise LimitError(f"{left} ** {right} has more than {MAX_INT_BITS} bits")
    elif op == "*":
        if ints and left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
            raise LimitError(f"a product of more than {MAX_INT_BITS} bits")
        for seq, times in ((left, right), (right, left)):
            size = _length(seq)
            if size is not None and isinstance(times, int) and size * times > MAX_LENGTH:
                raise LimitError(
                    f"repeating {size} items {times} times (at most {MAX_LENGTH} in all)"
                )
    elif op == "+":
        a, b = _length(left), _length(right)
        if a is not None and b is not None and a + b > MAX_LENGTH:
            raise LimitError(f"joining {a} and {b} items (at most {MAX_LENGTH})")
    elif op == "%" and isinstance(left, str):
        check_percent(left)


def _check_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Any integer handed to a call or filter (a width, a count) is a size to allow."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_LENGTH:
            raise LimitError(f"an argument of {value} (at most {MAX_LENGTH})")


def _check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        times = text.count(old) if old else len(text) + 1
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        if len(text) + times * max(0, len(new) - len(old)) > MAX_LENGTH:
            raise LimitError(f"a replacement making more than {MAX_LENGTH} characters")


def _bounded_range(*args: int) -> range:
    _check_args(args, {})
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise LimitError(f"a range of {len(rng)} items (at most {MAX_RANGE})")
    return rng


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose arguments (but its input value) are checked before it runs, and its
    result after."""
    passes = getattr(func, "jinja_pass_arg", None)
    skip = 2 if passes is not None else 1  # (context/env,) value

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_args(args[skip:], kwargs)
        value = args[skip - 1] if len(args) >= skip else None
        if name == "replace":
            _check_replace(value, *args[skip:], **kwargs)
        elif name == "format" and isinstance(value, str):
            check_percent(value)
        return _check_size(func(*args, **kwargs))

    return bounded


@functools.cache
def _bounded_defaults() -> dict[str, Callable[..., Any]]:
    """Jinja's own filters, bounded."""
    return {name: _bounded_filter(name, f) for name, f in DEFAULT_FILTERS.items()}


def _fmt(value: Any, pattern: Any, *, formatter: SandboxedFormatter) -> str:
    """``value | fmt("br{}")``: ``str.format`` with the sandbox's rules."""
    pattern = str(pattern)
    check_format(pattern)
    return str(_check_size(formatter.vformat(pattern, (value,), {})))


class _Globals(ChainMap[str, Any]):
    """A template's globals (Jinja's ChainMap over the environment's) whose keys are a plain
    dict's: every render of a template that imports a macro (``{% from "_ip.j2" import
    ip %}``) takes the set difference of the context's globals and these keys, which
    through ChainMap's own keys view asks each key of each map in Python: 30 ms of
    star-500's planning (#14)."""

    def keys(self) -> KeysView[str]:
        return dict.fromkeys(k for m in reversed(self.maps) for k in m).keys()


class Sandbox(SandboxedEnvironment):
    """A sandboxed environment whose operators, calls and filters are bounded."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, **options: Any) -> None:
        options.setdefault("undefined", jinja2.StrictUndefined)
        options.setdefault("autoescape", False)
        super().__init__(**options)
        self.globals["range"] = _bounded_range
        bounded = _bounded_defaults()
        self.filters = {
            name: bounded[name] if f is DEFAULT_FILTERS.get(name) else _bounded_filter(name, f)
            for name, f in self.filters.items()
        }  # (jinja's own filters wrapped once: an import reads back each line through one)
        self.filters["fmt"] = functools.partial(_fmt, formatter=SandboxedFormatter(self))

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals({} if d is None else d, self.globals)

    def call_binop(self, context: jinja2.runtime.Context, op: str, left: Any, right: Any) -> Any:
        _check_binop(op, left, right)
        return _check_size(super().call_binop(context, op, left, right))

    def call(
        __self,  # Jinja's signature: the double underscores avoid clashes with kwargs
        __context: jinja2.runtime.Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        _check_args(args, kwargs)
        if getattr(__obj, "__name__", None) == "replace":
            _check_replace(getattr(__obj, "__self__", None), *args, **kwargs)
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        pattern = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            if isinstance(pattern, str):
                check_format(pattern)
            return str(_check_size(wrapped(*args, **kwargs)))

        return checked


def render_bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render, stopping as soon as the text grows past :data:`MAX_LENGTH` characters."""
    size = 0
    chunks: list[str] = []
    pieces: Iterator[str] = template.generate(**context)
    for piece in pieces:
        size += len(piece)
        if size > MAX_LENGTH:
            raise LimitError(f"renders more than {MAX_LENGTH} characters")
        chunks.append(piece)
    return "".join(chunks)
