"""The fast YAML path gives exactly what ruamel.yaml's round-trip loader gives.

Over a corpus of tricky YAML (1.1-vs-1.2 scalars, timestamps, tags, merge keys, anchors,
duplicate keys, tabs, directives, syntax errors) and over realistic users files: where
the fast path answers, its data equals ruamel's, type for type; where ruamel raises, the
fast path declines (so the error, with its position, is ruamel's).
"""

from __future__ import annotations

import datetime
import math
import random
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from benchmarks.corpus import write_access_repo
from reconciler.loading import yaml_fast
from reconciler.loading.yaml_source import YamlSyntaxError, parse_fast, to_plain

SCALARS = [
    # booleans (1.1 vs 1.2)
    "no", "No", "NO", "yes", "Yes", "on", "On", "off", "OFF", "y", "n", "Y",
    "true", "True", "TRUE", "false", "False", "tRue",
    # ints
    "0123", "0o17", "0O17", "017", "08", "09", "0x1F", "0X1F", "0b101", "-0x1F", "+0o17",
    "1_000", "1__0", "+12", "-12", "-0", "+0", "0", "12345678901234567890",
    "1234567893", "0123456789", "0b1_0", "0x_1F", "0o8", "+_",
    # floats
    "1_000.5", "1e3", "1E3", "1.0e+3", "1e-3", "1.5E+3", "685.230_15e+03", "0e0",
    ".inf", "-.inf", ".Inf", ".INF", "+.inf", ".nan", ".NaN", ".NAN", "-.nan",
    ".5", "1.", "-.5", "+1.5", "1e", "e3", ".", "-", "1.2.3", "0.1.2", "1,000",
    "+.5", ".5e3", ".5e+3",
    # nulls
    "~", "null", "Null", "NULL", "nUll", "",
    # sexagesimal / times
    "1:20", "190:20:30", "1:20.5", "10:30", "08:00", "12:30:45",
    # timestamps
    "2024-01-05", "2024-1-5", "2024-13-45", "20240105",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "2001-12-15T02:59:43.1Z", "2001-12-14 21:59:43", "2024-01-05T10:00:00",
    "2024-01-05T10:00:00.1234567", "2024-01-05T10:00:00+05:30",
    "2024-1-5 1:02:03",
    # misc
    "=", "<<", "$100", "1/2", "a@b", "v1e3", "0x", "0b",
    "'0123'", '"0123"', "!!str 123", "!!int \"42\"", "!!float 1", "!!bool true",
    "!!null ''", "!!str", "!!binary aGVsbG8=", "!!timestamp 2024-01-05",
    "\"\\u00e9\\t\\x41\"", "'it''s'", "日本語", "emoji 🎉",
    "x" * 5000,
]

CASES = [(f"scalar {s[:40]!r}", f"v: {s}\n") for s in SCALARS]

CASES += [
    ("key no value", "a:\nb: 1\n"),
    ("empty file", ""),
    ("only comments", "# nothing here\n# at all\n"),
    ("doc marker only", "---\n"),
    ("doc end marker", "a: 1\n...\n"),
    ("multi document", "a: 1\n---\nb: 2\n"),
    ("yaml 1.1 directive", "%YAML 1.1\n---\na: yes\nb: 0123\nc: 1:20\n"),
    ("yaml 1.2 directive", "%YAML 1.2\n---\na: yes\nb: 0123\n"),
    ("anchor alias", "base: &b [x, y]\nother: *b\n"),
    ("merge key", "base: &b\n  a: 1\n  b: 2\nderived:\n  <<: *b\n  b: 3\n  c: 4\n"),
    ("merge list", "a: &a {x: 1}\nb: &b {y: 2, x: 9}\nc:\n  <<: [*a, *b]\n  z: 3\n"),
    ("duplicate keys", "a: 1\nb: 2\na: 3\n"),
    ("duplicate nested", "u:\n  - username: x\n    npi: 1\n    npi: 2\n"),
    ("tab indentation", "a:\n\tb: 1\n"),
    ("tab after colon", "a:\t1\nb:\tyes\n"),
    ("tab inside value", "a: x\ty\n"),
    ("bom", "\ufeffa: 1\n"),
    ("crlf", "a: 1\r\nb: [x, y]\r\n"),
    ("int key", "1: a\n2: b\n"),
    ("bool key", "yes: a\ntrue: b\non: c\n"),
    ("null key", "~: a\n"),
    ("date key", "2024-01-05: a\n"),
    ("float key", "1.5: a\n"),
    ("complex key", "? [a, b]\n: c\n"),
    ("flow map", "a: {b: 1, c: [1, 2, {d: no}]}\n"),
    ("empty flow", "a: {}\nb: []\n"),
    ("literal block", "a: |\n  line1\n  line2\nb: 1\n"),
    ("folded block", "a: >\n  line1\n  line2\n\n  para\n"),
    ("literal strip", "a: |-\n  x\n"),
    ("literal keep", "a: |+\n  x\n\n"),
    ("multiline plain", "a: this is\n  a multi line\n  plain scalar\n"),
    ("quoted multiline", 'a: "line1\n  line2"\n'),
    ("unicode key", "ключ: значение\n"),
    ("top-level list", "- 1\n- two\n- 3.0\n"),
    ("top-level scalar", "hello\n"),
    ("nested seq in seq", "- - a\n  - b\n- - c\n"),
    ("syntax error unclosed", "a: [1, 2\nb: 3\n"),
    ("syntax error bad indent", "a:\n  b: 1\n c: 2\n"),
    ("syntax error mapping in scalar", "a: b: c\n"),
    ("undefined alias", "a: *nope\n"),
    ("unknown tag", "a: !custom x\n"),
    ("realistic user unquoted npi",
     "- username: jdoe\n  npi: 1234567893\n  start_date: 2020-02-29\n  state: active\n  roles: [a, b]\n"),
    ("user npi leading zero", "- username: jdoe\n  npi: 0123456789\n"),
    ("user npi octal-like", "- username: jdoe\n  npi: 0123456701\n"),
    ("invalid date", "d: 2023-02-30\n"),
    ("anchor on scalar", "a: &x 5\nb: *x\nc: &y yes\nd: &z true\n"),
    ("string with colon", "a: http://x.y/z\nb: 'a: b'\n"),
    ("comment after value", "a: 1 # c\nb: x#y\n"),
    ("special chars plain", "a: -x\nb: ?x\nc: :x\n"),
    ("keys with spaces", "first name: x\n"),
    ("long key", ("k" * 1100) + ": v\n"),
    ("non-specific tag", "a: ! 4\nb: ! yes\n"),
    ("explicit bool yes", "a: !!bool yes\n"),
    ("recursive anchor", "a: &x [1, *x]\n"),
    ("set", "a: !!set {x, y}\n"),
    ("omap", "a: !!omap [x: 1, y: 2]\n"),
    ("flow key quoted colon", 'a: {"b:c": 1, d: e:f}\n'),
    ("plain with ': ' in flow", "a: [x:y, 'z']\n"),
    ("leading-zero key", "0123: a\n"),
    ("quoted date", "d: '2024-01-05'\n"),
    ("document end then content", "a: 1\n...\n# trailing\n"),
    ("deep nesting", "a:\n" + "".join("  " * i + f"- l{i}:\n" for i in range(1, 30)) + "  " * 30 + "- x\n"),
]



def canon(value):
    """A (type, value) form in which 1, 1.0, True and '1' all differ."""
    if isinstance(value, dict):
        return ("map", tuple((canon(k), canon(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("seq", tuple(canon(v) for v in value))
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    if isinstance(value, (datetime.datetime, datetime.date)):
        return (type(value).__name__, value.isoformat())
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return (type(value).__name__, value)
    return (type(value).__name__, repr(value))


def ruamel_truth(text: str):
    return canon(to_plain(YAML(typ="rt").load(text)))


@pytest.mark.parametrize(("name", "text"), CASES, ids=[name for name, _ in CASES])
def test_fast_path_matches_ruamel_or_declines(name: str, text: str):
    fast = yaml_fast.parse(text)
    try:
        truth = ruamel_truth(text)
    except Exception:
        assert fast is yaml_fast.NOT_FAST, f"ruamel refuses {name!r} but the fast path accepted it"
        return
    if fast is not yaml_fast.NOT_FAST:
        assert canon(fast) == truth


def test_the_fast_path_answers_most_tricky_cases():
    # Parity by declining everything would be no fast path at all.
    answered = sum(yaml_fast.parse(text) is not yaml_fast.NOT_FAST for _, text in CASES)
    assert answered > len(CASES) * 0.75


def _as_people_write_it(text: str, rng: random.Random) -> str:
    """Vary quoting the way hand-edited files do: unquoted NPIs, quoted dates, comments."""
    lines = []
    for line in text.splitlines():
        if "npi:" in line and rng.random() < 0.3:
            line = line.replace('"', "")
        elif "start_date:" in line and rng.random() < 0.3:
            key, value = line.split(": ", 1)
            line = f"{key}: '{value}'"
        elif "roles:" in line and rng.random() < 0.2:
            line += "  # changed by PR"
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_realistic_users_files_take_the_fast_path_with_identical_data(tmp_path: Path):
    repo = write_access_repo(tmp_path / "repo", users=600, files=6, seed=11)
    rng = random.Random(5)
    for path in sorted((repo / "users").glob("*.yaml")):
        text = _as_people_write_it(path.read_text(), rng)
        fast = yaml_fast.parse(text)
        assert fast is not yaml_fast.NOT_FAST, path.name
        assert canon(fast) == ruamel_truth(text)


def test_invalid_yaml_is_reported_at_ruamels_position():
    with pytest.raises(YamlSyntaxError) as raised:
        parse_fast("users:\n  - a: 1\n    b: [1, 2\n")
    assert (raised.value.line, raised.value.column) == (4, 1)
