"""The everyday YAML parse: libyaml (PyYAML's C parser) with ruamel.yaml's YAML 1.2 rules.

ruamel.yaml's round-trip loader is the ground truth (YAML 1.2 core schema plus its
timestamps) but takes ~14 s for 10,000 users; libyaml composes the same node tree in
a fraction of that. Plain scalars are resolved here with ruamel's own 1.2 regexes and
built with its semantics (`0123` is decimal 123, `yes`/`on` are strings, dates are
dates). Anything this path is not sure of (merge keys, unusual tags, duplicate keys,
invalid dates, tabs, %YAML directives, syntax errors) returns NOT_FAST, and the caller
re-reads the file with ruamel, so both the data and every error are ruamel's.
tests/unit/test_yaml_parity.py pins the parity over a corpus of tricky YAML.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import math
import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from ruamel.yaml.util import create_timestamp

try:  # PyYAML wheels bundle libyaml; without it every file takes ruamel's path
    from yaml._yaml import CParser
    from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    HAVE_LIBYAML = False

NOT_FAST = object()  # sentinel: "read this file with ruamel instead"

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
TIMESTAMP, MERGE, VALUE, SEQ, MAP = _T + "timestamp", _T + "merge", _T + "value", _T + "seq", _T + "map"

# YAML 1.2 implicit resolvers, as ruamel.yaml.resolver registers them for version (1, 2).
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_FLOAT_RE = re.compile(
    r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT_RE = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_TIMESTAMP_RE = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?
    :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
# ruamel.yaml.util.timestamp_regexp, to split a timestamp into create_timestamp's parts.
_TIMESTAMP_PARTS = re.compile(
    r"""^(?P<year>[0-9][0-9][0-9][0-9])
    -(?P<month>[0-9][0-9]?)
    -(?P<day>[0-9][0-9]?)
    (?:((?P<t>[Tt])|[ \t]+)
    (?P<hour>[0-9][0-9]?)
    :(?P<minute>[0-9][0-9])
    :(?P<second>[0-9][0-9])
    (?:\.(?P<fraction>[0-9]*))?
     (?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)
    (?::(?P<tz_minute>[0-9][0-9]))?))?)?$""",
    re.X,
)

# First character -> (tag, matcher) in ruamel's registration order.
_RESOLVERS: dict[str, list[tuple[str, Callable[[str], Any]]]] = {}
for _tag, _regex, _first in (
    (BOOL, _BOOL_RE, "tTfF"),
    (FLOAT, _FLOAT_RE, "-+0123456789."),
    (INT, _INT_RE, "-+0123456789"),
    (MERGE, re.compile(r"^(?:<<)$"), "<"),
    (NULL, _NULL_RE, ["~", "n", "N", ""]),
    (TIMESTAMP, _TIMESTAMP_RE, "0123456789"),
    (VALUE, re.compile(r"^(?:=)$"), "="),
):
    for _char in _first:
        _RESOLVERS.setdefault(_char, []).append((_tag, _regex.match))


class _Decline(Exception):
    """Internal: the fast path is not sure; ruamel reads this file."""


if HAVE_LIBYAML:

    class _Parser(CParser):  # type: ignore[misc,valid-type]
        """libyaml's composer with YAML 1.2 plain-scalar resolution."""

        def descend_resolver(self, parent: Any, index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            if kind is ScalarNode:
                if implicit[0]:
                    for tag, match in _RESOLVERS.get(value[:1], ()):
                        if match(value):
                            return tag
                return STR
            return SEQ if kind is SequenceNode else MAP


def _int(text: str) -> int:
    text = text.replace("_", "")
    sign = -1 if text[0] == "-" else 1  # IndexError on '+_': declined, as ruamel raises
    text = text.lstrip("+-")
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if text.startswith(prefix):
            return sign * int(text[2:], base)
    return sign * int(text)  # YAML 1.2: a leading zero is still decimal


def _float(text: str) -> float:
    text = text.replace("_", "").lower()
    sign = -1 if text[0] == "-" else 1
    text = text.lstrip("+-")
    if text == ".inf":
        return sign * math.inf
    if text == ".nan":
        return math.nan
    return sign * float(text)


def _timestamp(text: str) -> datetime.date:
    if len(text) == 10:  # YYYY-MM-DD; ValueError on 2023-02-30 declines, ruamel reports it
        return datetime.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    match = _TIMESTAMP_PARTS.match(text)
    if match is None:
        raise _Decline
    return create_timestamp(**match.groupdict())


def _binary(text: str) -> bytes:
    try:
        return base64.decodebytes(text.encode("ascii"))
    except (UnicodeEncodeError, binascii.Error):
        raise _Decline from None


# Implicit booleans are only true/false spellings; explicit `!!bool yes` uses ruamel's table.
_BOOLS = {"yes": True, "no": False, "y": True, "n": False, "true": True, "false": False,
          "on": True, "off": False}
_SCALARS: dict[str, Callable[[str], Any]] = {
    INT: _int,
    FLOAT: _float,
    BOOL: lambda text: _BOOLS[text.lower()],
    NULL: lambda text: None,
    TIMESTAMP: _timestamp,
    _T + "binary": _binary,
}


def _build(node: Node) -> Any:
    kind = node.__class__
    if kind is ScalarNode:
        if node.tag == STR:
            return node.value
        construct = _SCALARS.get(node.tag)
        if construct is None:  # '=' or '<<' as a value, custom tags, !!set...
            raise _Decline
        return construct(node.value)
    if kind is MappingNode:
        if node.tag != MAP:
            raise _Decline
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE and key_node.__class__ is ScalarNode:
                raise _Decline  # merge keys: ruamel's order and precedence
            key = _build(key_node)
            if key in mapping:  # duplicate key: ruamel reports it with its position
                raise _Decline
            mapping[key] = _build(value_node)
        return mapping
    if node.tag != SEQ:
        raise _Decline
    return [_build(item) for item in node.value]


# A token that starts with '!' is an explicit tag: ruamel keeps `!!str 123` as a tagged
# scalar, which libyaml's node tree cannot tell from a plain string.
_TAG_TOKEN = re.compile(r"(?:^|[\s\[{,])!")


def _needs_ruamel(text: str) -> bool:
    # Where libyaml and ruamel's scanner disagree: tabs (`a:\t1` is an error in ruamel),
    # %YAML directives (1.1 switches ruamel to 1.1 rules) and explicit tags.
    return "\t" in text or text.startswith("%") or "\n%" in text or bool(_TAG_TOKEN.search(text))


def parse(text: str) -> Any:
    """Plain data identical to ruamel's round-trip load, or NOT_FAST."""
    if not HAVE_LIBYAML or _needs_ruamel(text):
        return NOT_FAST
    try:
        parser = _Parser(text)
        try:
            node = parser.get_single_node()  # None for an empty stream; raises on two documents
        finally:
            parser.dispose()
        return None if node is None else _build(node)
    except Exception:  # syntax error, duplicate key, bad date, recursion...: ruamel decides
        return NOT_FAST


# Below this much YAML a second process costs more than it saves.
_PARALLEL_MIN_BYTES = 1_000_000


def _parse_chunk(texts: list[str]) -> list[tuple[bool, Any]]:
    # The NOT_FAST sentinel does not survive pickling; a flag does.
    results = []
    for text in texts:
        data = parse(text)
        results.append((False, None) if data is NOT_FAST else (True, data))
    return results


def parse_many(texts: list[str]) -> list[Any]:
    """`parse` over many files; large repos use a second process for half of them.

    libyaml holds the GIL, so threads would not help; a forked process parses one half
    while this one parses the other (about 1.6x faster on 2 cores for 10,000 users).
    """
    size = sum(len(t) for t in texts)
    workers = min((os.cpu_count() or 1) - 1, 3)
    if workers < 1 or size < _PARALLEL_MIN_BYTES or sys.platform != "linux":
        return [parse(t) for t in texts]
    chunks = [texts[i :: workers + 1] for i in range(workers + 1)]
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        futures = [pool.submit(_parse_chunk, chunk) for chunk in chunks[1:]]
        parts = [_parse_chunk(chunks[0])] + [f.result() for f in futures]
    out: list[Any] = [None] * len(texts)
    for offset, part in enumerate(parts):
        for index, (fast, data) in zip(range(offset, len(texts), workers + 1), part, strict=True):
            out[index] = data if fast else NOT_FAST
    return out
