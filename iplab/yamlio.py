"""YAML loading that remembers where each value came from.

PyYAML's safe loader forgets line numbers and silently keeps the last of two
duplicate keys. Errors for people need both, so mappings load as :class:`YMap`
(a dict that knows the line of each key) and sequences as :class:`YList`. A YMap also
keeps the text of each plain value YAML read as a number or true/false (``name: 0700``
is the number 448, ``name: no`` is false): a field that takes text takes it as written.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from iplab.errors import Location, ScenarioError


class YMap(dict[str, Any]):
    """A YAML mapping with the 1-based line of the mapping and of each key."""

    line: int
    key_lines: dict[str, int]
    #: a plain value's text as written, for each key whose value YAML read as a number or
    #: true/false (``0700``, ``1_0``, ``no``, ``on``)
    written: Mapping[str, str] = MappingProxyType({})

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A YAML sequence with the 1-based line of the sequence and of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


#: mappings and lists inside each other, at most (a scenario needs a handful)
MAX_DEPTH = 64


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry line numbers.

    It refuses aliases (``*name``: a YAML "billion laughs" expands a few lines into
    gigabytes) and nesting deeper than :data:`MAX_DEPTH` (no RecursionError).
    """

    file = "<string>"
    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise ScenarioError(
                "YAML aliases (*name) are not allowed in a scenario",
                Location(self.file, event.start_mark.line + 1),
                "write the value out, or use vars: and Jinja",
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise ScenarioError(
                    f"nested more than {MAX_DEPTH} levels deep",
                    Location(self.file, event.start_mark.line + 1),
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


#: libyaml's parser where PyYAML has it: a large topology parses several times faster (its
#: error messages differ: a file it refuses is parsed again by Python's, for the message)
_FAST: Any = getattr(yaml, "CSafeLoader", None)


def _plain(text: str) -> bool:
    """No alias and no nesting deeper than MAX_DEPTH, by libyaml's event stream (the C
    parser composes nodes out of the reach of _Loader.compose_node's checks): else the
    Python parser takes the file, and refuses it as it says."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FAST):
            if isinstance(event, AliasEvent):
                return False
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return False
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return False
    return True


def _construct_map(loader: _Loader, node: Node) -> YMap:
    assert isinstance(node, MappingNode)
    loader.flatten_mapping(node)
    result = YMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    written: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise ScenarioError(f"keys must be strings, found {key!r}", Location(loader.file, line))
        if key in result:
            raise ScenarioError(
                f"duplicate key {key!r} (first on line {result.key_lines[key]})",
                Location(loader.file, line),
            )
        value = result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        if isinstance(value, bool | int | float) and isinstance(value_node, ScalarNode):
            written[key] = value_node.value
    if written:
        result.written = written
    return result


def _construct_list(loader: _Loader, node: Node) -> YList:
    assert isinstance(node, SequenceNode)
    result = YList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def plain(value: Any) -> Any:
    """``value`` with each YMap a dict and each YList a list: what Jinja is handed (its
    messages name a value's type: 'list object has no element 2', not
    'iplab.yamlio.YList object')."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


_QUOTED_OR_COMMENT = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"|#[^\n]*")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _flow_depth(text: str) -> int:
    """How deep ``[``/``{`` nest (outside quotes and comments): PyYAML's scanner slows
    down with each level before the composer could count them."""
    brackets = _NOT_BRACKET.sub("", _QUOTED_OR_COMMENT.sub("", text))
    steps = (1 if c in "[{" else -1 for c in brackets)
    return max(itertools.accumulate(steps, initial=0))


#: a list item written without the space after its dash (``-action: netns add``)
_DASH_GLUED = re.compile(r"\s*-[^\s-]")
#: a line's key, after its indentation and a list item's dash
_KEY = re.compile(r"(\s*(?:-\s+)*)([^\s:#][^:#]*?):(?:\s|$)")


def _hint(problem: str, lines: list[str], line: int, column: int) -> str | None:
    """What to do about the YAML slips of a file written by hand, read from the text at
    PyYAML's mark (0-based ``line`` and ``column``): a tab, a ``: `` inside a value, a
    list item's dash glued to its key, a key indented unlike the key above it."""
    if "'\\t'" in problem:
        return "YAML indents with spaces: replace the tab with spaces"
    if problem != "mapping values are not allowed here" or line >= len(lines):
        return None
    text = lines[line]
    if ": " in text[:column]:  # key: a value that holds ': ' itself
        key, value = text.split(": ", 1)
        return f"a value that holds ': ' needs quotes: {key.strip()}: {json.dumps(value.strip())}"
    at = next((i for i in range(line - 1, -1, -1) if lines[i].strip()), None)
    above = "" if at is None else lines[at]
    if at is not None and _DASH_GLUED.match(above):
        dash = above.split(":", 1)[0].strip()
        return (
            f"a list item needs a space after its dash: '- {dash[1:]}', not '{dash}'"
            f" (line {at + 1})"
        )
    here, there = _KEY.match(text), _KEY.match(above)
    if here and there and len(here.group(1)) != len(there.group(1)):
        return (
            f"'{here.group(2)}' starts in column {len(here.group(1)) + 1} and '{there.group(2)}'"
            f" above it in column {len(there.group(1)) + 1}: the keys of one mapping (one"
            " step) start in the same column"
        )
    return "check this line's indentation: YAML reads what belongs together from the spaces"


def load_text(text: str, file: str) -> Any:
    """Parse YAML text; any YAML error becomes a ScenarioError naming file and line."""
    if _flow_depth(text) > MAX_DEPTH:
        raise ScenarioError(f"nested more than {MAX_DEPTH} levels deep", Location(file))
    if _FAST is not None and _plain(text):
        fast: Any = type("FastLoader", (_FAST,), {"file": file})
        fast.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
        fast.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)
        try:
            return yaml.load(text, Loader=fast)
        except (yaml.YAMLError, ValueError, OverflowError):
            pass  # Python's parser names the problem as the tests and the docs expect

    class Loader(_Loader):
        pass

    Loader.file = file
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        hint = _hint(problem, text.splitlines(), mark.line, mark.column) if mark else None
        raise ScenarioError(f"invalid YAML: {problem}", Location(file, line), hint) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"invalid YAML: {exc}", Location(file)) from None
    except (ValueError, OverflowError) as exc:  # a number longer than int's 4300 digits
        problem = "a number too long" if "digits" in str(exc) else str(exc)
        raise ScenarioError(f"invalid YAML value: {problem}", Location(file)) from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise ScenarioError("nested too deeply", Location(file)) from None
