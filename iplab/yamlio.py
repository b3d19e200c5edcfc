"""YAML loading that remembers where each value came from.

PyYAML's safe loader forgets line numbers and silently keeps the last of two
duplicate keys. Errors for people need both, so mappings load as :class:`YMap`
(a dict that knows the line of each key) and sequences as :class:`YList`.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from iplab.errors import Location, ScenarioError


class YMap(dict[str, Any]):
    """A YAML mapping with the 1-based line of the mapping and of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A YAML sequence with the 1-based line of the sequence and of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry line numbers."""

    file = "<string>"


#: libyaml's parser where PyYAML has it: a large topology parses several times faster (its
#: error messages differ: a file it refuses is parsed again by Python's, for the message)
_FAST: type[Any] | None = getattr(yaml, "CSafeLoader", None)


def _construct_map(loader: _Loader, node: Node) -> YMap:
    assert isinstance(node, MappingNode)
    loader.flatten_mapping(node)
    result = YMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
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
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_list(loader: _Loader, node: Node) -> YList:
    assert isinstance(node, SequenceNode)
    result = YList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


def load_text(text: str, file: str) -> Any:
    """Parse YAML text; any YAML error becomes a ScenarioError naming file and line."""
    if _FAST is not None:
        fast: Any = type("FastLoader", (_FAST,), {"file": file})
        fast.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
        fast.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)
        try:
            return yaml.load(text, Loader=fast)
        except yaml.YAMLError:
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
        raise ScenarioError(f"invalid YAML: {problem}", Location(file, line)) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"invalid YAML: {exc}", Location(file)) from None
