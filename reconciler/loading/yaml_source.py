"""Reading YAML: a fast parse for every file, a positioned re-read for files with findings.

The round-trip loader (ruamel.yaml) knows where every node is but is slow; the fast
path gives the same data (YAML 1.2 core schema, see tests/unit/test_yaml_parity.py)
without positions. Files with findings are re-read with the round-trip loader, so
that every finding still names file:line:column.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from reconciler.loading import yaml_fast
from reconciler.model.findings import NodePath


@dataclass(frozen=True)
class YamlSyntaxError(Exception):
    """The file is not valid YAML; line and column are 1-based."""

    line: int
    column: int
    message: str


def _round_trip() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def parse_fast(text: str, prefetched: Any = yaml_fast.NOT_FAST) -> Any:
    """Parse to plain Python data; raises YamlSyntaxError with the parser's position.

    `prefetched` is this text's result from yaml_fast.parse_many, when it has one.
    """
    data = prefetched if prefetched is not yaml_fast.NOT_FAST else yaml_fast.parse(text)
    if data is yaml_fast.NOT_FAST:
        return to_plain(parse_positioned(text))
    return data


def to_plain(value: Any) -> Any:
    """ruamel's round-trip types (CommentedMap, ScalarInt, ...) as plain Python values."""
    if isinstance(value, dict):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime.datetime):
        return datetime.datetime(
            value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond, value.tzinfo,
        )
    return value  # date, bytes, None, and tagged scalars the model will refuse


def parse_positioned(text: str) -> Any:
    """Parse with node positions (ruamel round-trip); raises YamlSyntaxError."""
    try:
        return _round_trip().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and "duplicate" not in problem:
            problem = f"{exc.context}, {exc.problem}"
        raise YamlSyntaxError(line, column, f"invalid YAML: {_one_line(problem)}") from None
    except YAMLError as exc:
        raise YamlSyntaxError(1, 1, f"invalid YAML: {_one_line(str(exc))}") from None
    except ValueError as exc:
        # A scalar that resolves to a type but cannot be built (2024-13-01 as a date).
        line, column, value = _unconstructable_scalar(text)
        raise YamlSyntaxError(line, column, f"'{value}' cannot be read: {exc}") from None


def _unconstructable_scalar(text: str) -> tuple[int, int, str]:
    """Find the first scalar whose value cannot be constructed, by building each alone."""
    constructor = SafeConstructor()
    stack = [_round_trip().compose(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            try:
                constructor.construct_object(node)
            except ValueError:
                return node.start_mark.line + 1, node.start_mark.column + 1, node.value
        elif isinstance(node, MappingNode):
            stack.extend(item for pair in reversed(node.value) for item in reversed(pair))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return 1, 1, ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def position_of(doc: Any, node: NodePath, at_key: bool = False) -> tuple[int, int]:
    """The 1-based line and column of `node` in a round-trip document.

    Walks as far as the path exists; a missing last step (a missing key) points at its
    parent. Collections are pointed at by their key, scalars by their value, unknown
    keys (`at_key`) by the key itself.
    """
    line, column = 0, 0
    current = doc
    for depth, step in enumerate(node):
        last = depth == len(node) - 1
        if isinstance(current, CommentedMap) and step in current:
            value = current[step]
            use_key = (at_key and last) or isinstance(value, (CommentedMap, CommentedSeq))
            line, column = current.lc.key(step) if use_key else current.lc.value(step)
            current = value
        elif isinstance(current, CommentedSeq) and isinstance(step, int) and 0 <= step < len(current):
            line, column = current.lc.item(step)
            current = current[step]
        else:
            break
    return line + 1, column + 1
