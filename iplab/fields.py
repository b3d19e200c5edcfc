"""The field reader of scenario files: typed, located access to one YAML mapping.

Each value is expanded (Jinja, through the caller's render), checked (a link's name, an
address...) and named by file:line and field when wrong; a field nobody read is an
error at :meth:`Fields.finish`, with the closest known field as a hint. Used by the
loader (:mod:`iplab.scenario`), the actions (:mod:`iplab.actions`), the ``topology:``
form (:mod:`iplab.topology`) and the live steps (:mod:`iplab.livesteps`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from iplab import names
from iplab.errors import Location, ScenarioError

if TYPE_CHECKING:  # a field is read from a loaded document: YAML is imported by the loader
    from iplab import yamlio

T = TypeVar("T")

#: global options of ``ip`` a step may carry, as written (``ip -d -j link``)
IP_OPTIONS = frozenset(
    {
        *("-d", "-details", "-j", "-json", "-p", "-pretty", "-br", "-brief"),
        *("-c", "-color", "-s", "-stats", "-4", "-6", "-o", "-oneline"),
        *("-h", "-human", "-a", "-all"),
    }
)
#: a value that Jinja expands
JINJA = re.compile(r"\{\{|\{%")


MISSING: Any = object()


def kind_name(value: Any) -> str:
    """What a scenario's value is, in its author's words (not ``YList``, ``NoneType``)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


class Fields:
    """Typed, located access to one YAML mapping; unknown keys are an error at ``finish``."""

    def __init__(
        self,
        mapping: yamlio.YMap,
        loc: Location,
        render: Callable[[Any, Location], Any],
        allowed_extra: Iterable[str] = (),
    ) -> None:
        self.m = mapping
        self.loc = loc
        self._render = render
        self.used: set[str] = set(allowed_extra)

    def where(self, key: str) -> Location:
        return self.loc.at(key, self.m.line_of(key))

    def fail(self, key: str, message: str, hint: str | None = None) -> NoReturn:
        raise ScenarioError(message, self.where(key), hint)

    def has(self, key: str) -> bool:
        return key in self.m

    def raw(self, key: str) -> Any:
        """The value after Jinja expansion, or MISSING."""
        self.used.add(key)
        if key not in self.m:
            return MISSING
        return self._render(self.m[key], self.where(key))

    def missing(self, key: str, what: str = "") -> NoReturn:
        """A required field is not there: said at the step, with the field the author may
        have meant it to be (``comand:``: did you mean 'command'?)."""
        if (near := self.meant(key)) is not None:
            raise ScenarioError(
                f"missing required field '{key}'{what}",
                self.loc.at(near, self.m.line_of(near)),
                f"'{near}' is no field here: did you mean '{key}'?",
            )
        raise ScenarioError(f"missing required field '{key}'{what}", self.loc)

    def meant(self, key: str) -> str | None:
        """A field of the step no builder reads that was meant as ``key``: a slip
        (``comand:``), or ``key`` with a word after it (``peer_name:`` for ``peer:``, as
        ``ip`` writes ``peer name``: hunt BN)."""
        unknown = [str(k) for k in self.m if k not in self.used]
        close = difflib.get_close_matches(key, unknown, n=1, cutoff=0.7)
        longer = [k for k in unknown if k.startswith((f"{key}_", f"{key}-", f"{key} "))]
        found = close or longer
        return found[0] if found else None

    def _typed(self, key: str, kind: type[T], what: str, required: bool) -> T | None:
        value = self.raw(key)
        if value is MISSING or value is None:
            if required:
                if key in self.m:
                    self.fail(key, f"'{key}' must not be empty")
                self.missing(key)
            return None
        if kind is str and (written := self.m.written.get(key)) is not None:
            value = written  # as the author wrote it: 0700, not the number 448; no, not false
        elif kind is str and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(key, f"must be {what}, found {kind_name(value)} {value!r}")
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        return self._typed(key, str, "a string", required)

    def texts(self, key: str, most: int) -> tuple[str, ...]:
        """A string, or a list of 1 to ``most`` strings (``source: [setup.sh, teardown.sh]``:
        a lab imported from two files); () when absent."""
        value = self.raw(key)
        if value is MISSING or value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not (
            isinstance(value, list)
            and 1 <= len(value) <= most
            and all(isinstance(v, str) for v in value)
        ):
            self.fail(
                key,
                f"must be a string or a list of 1 to {most} strings, found {kind_name(value)}"
                f" {value!r}",
            )
        return tuple(value)

    def req_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._typed(key, bool, "true or false", False)
        return default if value is None else value

    def opt_flag(self, key: str) -> bool | None:
        return self._typed(key, bool, "true or false", False)

    def integer(self, key: str, default: int | None, lo: int, hi: int) -> int | None:
        value = self._typed(key, int, "a whole number", False)
        if value is None:
            return default
        if not lo <= value <= hi:
            self.fail(key, f"must be between {lo} and {hi}, found {value}")
        return value

    def seconds(self, key: str) -> float | None:
        """A duration in seconds (a positive number, at most a day), or None."""
        value = self.raw(key)
        if value is MISSING or value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be a number of seconds, found {kind_name(value)} {value!r}")
        if not 0 < value <= 86400:
            self.fail(key, f"must be more than 0 and at most 86400 seconds, found {value!r}")
        return float(value)

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            self.fail(key, f"must be one of {', '.join(repr(c) for c in choices)}, found {value!r}")
        return value

    def _checked(self, key: str, value: str | None, check: Callable[[str], str | None]) -> None:
        if value is not None and (problem := check(value)):
            self.fail(key, problem)

    def link(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        self._checked(key, value, names.link_name_problem)
        return value

    def req_link(self, key: str) -> str:
        value = self.link(key, required=True)
        assert value is not None
        return value

    def netns(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        self._checked(key, value, names.netns_name_problem)
        return value

    def req_netns(self, key: str) -> str:
        value = self.netns(key, required=True)
        assert value is not None
        return value

    def address(self, key: str) -> str:
        value = self.req_text(key)
        self._checked(key, value, names.address_problem)
        return value

    def ip(self, key: str) -> str | None:
        value = self.text(key)
        self._checked(key, value, names.ip_problem)
        return value

    def items(self, key: str) -> list[tuple[Any, Location]]:
        """A list field: each item's value (expanded) and location."""
        self.used.add(key)
        if key not in self.m or self.m[key] is None:
            return []
        value = self.m[key]
        if isinstance(value, str) and JINJA.search(value):
            value = self._render(value, self.where(key))
        if not isinstance(value, list):
            self.fail(key, f"must be a list, found {kind_name(value)}")
        from iplab.yamlio import YList

        lines = value.item_lines if isinstance(value, YList) else []
        out = []
        for i, item in enumerate(value):
            line = lines[i] if i < len(lines) else self.m.line_of(key)
            loc = self.loc.at(f"{key}[{i}]", line)
            out.append((self._render(item, loc), loc))
        return out

    def names_list(self, key: str, check: Callable[[str], str | None]) -> tuple[str, ...]:
        out = []
        for value, loc in self.items(key):
            item = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
            if not isinstance(item, str):
                raise ScenarioError(f"must be a name, found {item!r}", loc)
            if problem := check(item):
                raise ScenarioError(problem, loc)
            out.append(item)
        return tuple(out)

    def options(self) -> tuple[str, ...]:
        out = []
        for item, loc in self.items("options"):
            if item not in IP_OPTIONS:
                raise ScenarioError(
                    f"unknown ip option {item!r}",
                    loc,
                    f"allowed: {' '.join(sorted(IP_OPTIONS))}",
                )
            out.append(item)
        return tuple(out)

    def finish(self) -> None:
        unknown = [k for k in self.m if k not in self.used]
        if unknown:
            key = unknown[0]
            known = sorted(self.used)
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
            self.fail(key, f"unknown field '{key}'", hint)
