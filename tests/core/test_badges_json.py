"""Specification of badges' JSON reading: depth is measured on the text, before any parser recurses."""

from __future__ import annotations

import json
import sys

import pytest
from badges_fixtures import NOW, FakeIssuer
from hypothesis import given, settings
from hypothesis import strategies as st

import badges
from badges import BadgeFormatError, Verdict, _json, read_json, verify_badge
from badges._json import MAX_DEPTH, check_value_depth, nesting_exceeds, parse_object


def depth(value) -> int:
    """Objects and arrays open at once in a Python value (the definition the text check follows)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level + 1)
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


# Strings full of what could fool a bracket count: brackets, quotes, backslashes, escapes.
TRICKY = st.text(st.sampled_from('[]{}"\\/u0a é\ud800'), max_size=6)
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), TRICKY),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TRICKY, inner, max_size=3)),
    max_leaves=60,
)


@settings(max_examples=400, deadline=None)
@given(VALUES, st.integers(0, 12), st.booleans(), st.sampled_from([None, 1, 2]))
def test_nesting_exceeds_is_exact_on_valid_json(value, limit, ascii_only, indent):
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    assert nesting_exceeds(text, limit) == (depth(value) > limit)
    assert nesting_exceeds(text.encode("utf-8", "surrogatepass"), limit) == (depth(value) > limit)


def nest(levels: int, kind: str = "list") -> str:
    if kind == "list":
        return "[" * levels + "]" * levels
    return '{"a":' * levels + "1" + "}" * levels


@pytest.mark.parametrize("kind", ["list", "object"])
def test_depth_limit_is_exactly_max_depth(kind):
    assert read_json(nest(MAX_DEPTH, kind)) is not None
    with pytest.raises(BadgeFormatError, match="imbriqué trop profondément") as refused:
        read_json(nest(MAX_DEPTH + 1, kind))
    assert refused.value.code == "too_deep"


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,  # never closed
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 40_000 + "1" + "}" * 40_000,
        '{"a":' * 50_000,
        "[{" * 30_000,
        "[" + '"x",' * 20 + "[" * 40 + "]" * 40 + "]",
        "[" + "[]," * 1000 + "[" * 33 + "]" * 33 + "]",  # deep after many shallow ones
        "[" + "[[[[" * 9 + "]]]]" * 9 + "]",  # no long run of "[" and still 37 deep
        "[[[[[[" * 9 + ",1]" * 54,
    ],
)
def test_deep_text_is_refused_as_too_deep_before_the_parser_sees_it(text, monkeypatch):
    seen = []
    monkeypatch.setattr(_json.json, "loads", lambda *a, **k: seen.append(a) or {})
    with pytest.raises(BadgeFormatError, match="trop profondément") as refused:
        read_json(text, "Le badge")
    assert refused.value.code == "too_deep" and refused.value.message.startswith("Le badge ")
    assert seen == []


@pytest.mark.parametrize(
    "text",
    [
        '["' + "[" * 5000 + '"]',  # brackets inside a string
        '{"' + "{" * 100 + '": "' + "]" * 100 + '"}',
        '["\\"' + "[" * 100 + '"]',  # an escaped quote does not end the string
        '["\\\\", ' + "[" * 20 + "]" * 20 + "]",  # an escaped backslash does not escape the quote
        '["\\u005c", ' + "[" * 31 + "]" * 31 + "]",  # a backslash written \u005c escapes nothing
    ],
)
def test_brackets_inside_strings_do_not_count(text):
    assert not nesting_exceeds(text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 20,  # truncated but shallow: unreadable, not deep
        "]" + "[" * 1000,  # an error from the first bracket: no parser recurses
        "[1] " + "[" * 1000,  # the first value is over; the rest is extra data
        '["' + "[" * 1000,  # an unclosed string
        "[" * 30 + "}" * 30,
    ],
)
def test_shallow_or_stopped_errors_are_unreadable_and_never_reach_deep(text):
    with pytest.raises(BadgeFormatError, match="pas un JSON lisible") as refused:
        read_json(text)
    assert refused.value.code == "malformed"


def test_the_answer_does_not_depend_on_how_deep_the_stack_already_is():
    # The old reader relied on RecursionError, whose depth depends on the caller's stack.
    answers = []

    def at_depth(n: int) -> None:
        if n:
            return at_depth(n - 1)
        for text in (nest(MAX_DEPTH), nest(MAX_DEPTH + 1), nest(5000)):
            try:
                read_json(text)
                answers.append("ok")
            except BadgeFormatError as exc:
                answers.append(exc.code)
        return None

    room = sys.getrecursionlimit() - 60
    for used in (0, room // 2, room - 2 * MAX_DEPTH):
        at_depth(used)
    assert answers == ["ok", "too_deep", "too_deep"] * 3


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b'{"a": 1}', None, None),
        ('{"a": 1}', None, None),
        (bytearray(b"[1]"), None, None),
        (b"\xff", "malformed", "lisible"),
        ("NaN", "malformed", "lisible"),
        ('{"a": Infinity}', "malformed", "lisible"),
        ("x" * 300_000, "too_large", "volumineux"),
        (42, "malformed", "texte JSON"),
    ],
)
def test_read_json_returns_any_value_or_refuses_with_a_code(data, code, message):
    if code is None:
        assert read_json(data) in ({"a": 1}, [1])
        return
    with pytest.raises(BadgeFormatError, match=message) as refused:
        read_json(data)
    assert refused.value.code == code


def test_read_json_takes_its_own_limits():
    assert read_json("[1, 2]", limit=6) == [1, 2]
    with pytest.raises(BadgeFormatError, match="volumineux"):
        read_json("[1, 2]", limit=5)
    assert depth(read_json(nest(MAX_DEPTH + 1), max_depth=MAX_DEPTH + 1)) == MAX_DEPTH + 1
    with pytest.raises(BadgeFormatError, match="plus de 3 niveaux"):
        read_json(nest(4), max_depth=3)


def test_parse_object_still_wants_an_object():
    assert parse_object('{"a": [1]}') == {"a": [1]}
    with pytest.raises(BadgeFormatError, match="objet JSON"):
        parse_object("[1]")


def test_check_value_depth_walks_without_recursion_and_stops_on_cycles():
    value: dict = {"id": 1}
    for _ in range(5000):
        value = {"x": value}
    with pytest.raises(BadgeFormatError, match="trop profondément") as refused:
        check_value_depth(value, "Le badge")
    assert refused.value.code == "too_deep"
    cycle: dict = {}
    cycle["self"] = cycle
    with pytest.raises(BadgeFormatError):
        check_value_depth(cycle)
    check_value_depth(json.loads(nest(MAX_DEPTH, "object")))
    shared: list = []
    for _ in range(MAX_DEPTH - 1):  # 2 ** 31 paths, 31 lists: walked once each
        shared = [shared, shared]
    check_value_depth(shared)
    with pytest.raises(BadgeFormatError):
        check_value_depth([shared])


@pytest.mark.parametrize(
    "badge",
    [
        nest(40_000, "object"),
        '{"a":' * 50_000,
        nest(40_000, "object").encode(),
        json.loads(nest(900, "object")),
        json.loads(nest(MAX_DEPTH + 1, "object")),
    ],
)
def test_verify_badge_answers_deep_json_as_unreadable_with_the_reason(badge):
    report = verify_badge(badge, FakeIssuer(), now=NOW)
    assert report.verdict is Verdict.UNREADABLE and report.code == "malformed"
    assert "Le badge est un JSON imbriqué trop profondément (plus de 32 niveaux)." in report.reasons


def test_the_package_exports_the_reader_and_its_limits():
    assert badges.read_json is read_json and badges.MAX_JSON_DEPTH == MAX_DEPTH
