"""YAML syntax errors reach people in French, whatever PyYAML or libyaml say, whichever release is there.

Issue #11: PyYAML 6.0.4 brought a libyaml whose nesting limit answers in English ("exceeded maximum nesting
depth"), and that English went straight to the person who wrote the tree. These tests feed the translator
words no release ever used, stand in for a libyaml with other limits, and read the same broken files with
both parsers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from yaml.parser import ParserError
from yaml.scanner import ScannerError
from yaml.tokens import BlockEntryToken, ScalarToken

from skilltree import SkillTreeError, loader, parse_tree
from skilltree._messages import MAX_DEPTH, PREFIX, TOO_DEEP, describe, unreadable

# Words of PyYAML's and libyaml's messages that French never uses (« alias », « document », « directive »
# or « simple » are French words too, so they are not listed).
ENGLISH = re.compile(
    r"\b(found|expected|while|scanning|parsing|could|cannot|token|stream|exceeded|maximum|depth|nesting|"
    r"character|allowed|indicator|escape|block|flow|mapping|sequence|scalar|node|anchor|tag|unknown|"
    r"undefined|unexpected|the|of|not|here|but|did|find|start|end)\b",
    re.IGNORECASE,
)
# Words made up for these tests: a translator that lets its input through lets these through.
MADE_UP = ("while frobnicating a wibble", "found a quux that exceeded the maximum gizmo depth")

TREES = Path(__file__).parent / "trees"
# Both parsers when libyaml is there (the locked PyYAML wheels carry it), the pure-Python one always.
PARSERS = [pytest.param(yaml.SafeLoader, id="pyyaml")]
PAIRS = []
if hasattr(yaml, "CSafeLoader"):
    PARSERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))
    PAIRS.append(pytest.param(yaml.CSafeLoader, yaml.SafeLoader, id="libyaml-pyyaml"))


def _mark(text: str, index: int | None) -> yaml.Mark | None:
    if index is None:
        return None
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return yaml.Mark("<texte>", index, line, column, None, None)


def _error(
    kind: type[yaml.MarkedYAMLError],
    text: str,
    problem: int | None,
    context: int | None,
    words: tuple[str, str] = MADE_UP,
) -> yaml.MarkedYAMLError:
    return kind(words[0], _mark(text, context), words[1], _mark(text, problem))


def _french(message: str) -> None:
    assert not ENGLISH.search(message), message
    assert not any(word in message for phrase in MADE_UP for word in phrase.split() if len(word) > 3), message


def problems(text: str, parser: type, monkeypatch: pytest.MonkeyPatch) -> list:
    monkeypatch.setattr(loader, "_PARSER", parser)
    with pytest.raises(SkillTreeError) as caught:
        parse_tree(text)
    return list(caught.value.problems)


# --- the translator, fed words no PyYAML release ever used -------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "problem", "context", "token", "words"),
    [
        (ScannerError, "a:\n\tb: c\n", 3, None, None, "tabulation"),
        (ScannerError, 'a: "pas fermé\n', 14, 3, None, "jamais refermé"),
        (ScannerError, "a: 'pas fermé\n", 14, 3, None, "ligne 1, colonne 4"),
        (ScannerError, 'a: "x\\qy"\n', 6, 3, None, "guillemets simples"),
        (ScannerError, 'a: "x"\nb\n', 8, 3, None, "il manque « : »"),
        (ScannerError, "a: & x\n", 4, 3, None, "ancre"),
        (ScannerError, "a: * x\n", 4, 3, None, "« * »"),
        (ScannerError, "a: !<x\n", 6, 3, None, "étiquette"),
        (ScannerError, "a: |x\n  b\n", 4, 3, None, "indicateur de bloc « | »"),
        (ScannerError, "%YAML x\n---\na: b\n", 6, 0, None, "directive"),
        (ScannerError, "a: x\nb\n", 7, 5, None, "la clé commencée ligne 2, colonne 1"),
        (ScannerError, "a: x\n  b: c\n", 8, None, None, "deux-points"),
        (ScannerError, "a: b\n- c\n", 5, None, None, "tiret"),
        (ScannerError, "a: @b\n", 3, None, None, "« @ » ne peut pas commencer"),
        (ParserError, "a: [b, c\nd: e\n", 10, 3, None, "crochet « [ » ouvert ligne 1, colonne 4"),
        (ParserError, "a: {b: c\n", 9, 3, None, "accolade « { »"),
        (ParserError, "a: [b]]\n", 6, 0, None, "« ] » fermant en trop"),
        (ParserError, "a: !x!y z\n", 3, 3, ScalarToken("z", True, None, None), "étiquette « ! » inconnue"),
        (ParserError, "a: [b,,c]\n", 6, 6, None, "une valeur est attendue"),
        (ParserError, "%YAML 1.1\n%YAML 1.1\n", 10, None, None, "directive « % »"),
        (ParserError, "a: b\n...\nc: d\n", 9, None, None, "un seul document"),
        (ParserError, "a:\n  - b\n - c\n", 10, 0, BlockEntryToken(None, None), "tirets"),
        (ParserError, "a: 'b'c\n", 6, 0, None, "après une valeur entre guillemets"),
        (ParserError, "a:\n  b: c\n d: e\n", 11, 0, None, "indentation incohérente"),
    ],
)
def test_describe_recognises_each_shape_without_reading_its_words(kind, text, problem, context, token, words):
    message = describe(_error(kind, text, problem, context), text, token)
    assert message.startswith(PREFIX) and words in message
    _french(message)


@pytest.mark.parametrize("kind", [ScannerError, yaml.MarkedYAMLError])
def test_describe_says_where_in_french_when_the_shape_is_unknown(kind):
    text = "a: b\n  \n"
    message = describe(_error(kind, text, 7, None), text)  # a problem on blank space, nothing opened
    assert message == unreadable(_mark(text, 7))
    assert "ligne 2, colonne 3" in message
    _french(message)


def test_describe_without_any_mark_is_still_french():
    message = describe(yaml.MarkedYAMLError(context=MADE_UP[0], problem=MADE_UP[1]), "a: b\n")
    assert message.startswith(PREFIX)
    _french(message)


def test_describe_reports_nesting_past_the_limit_whatever_the_error_says():
    text = "[" * (MAX_DEPTH + 5)
    error = _error(ScannerError, text, len(text), None, ("", "exceeded maximum nesting depth"))
    assert describe(error, text, depth=MAX_DEPTH) == TOO_DEEP
    assert describe(error, text, depth=MAX_DEPTH - 1) != TOO_DEEP


ALPHABET = " \n\t-:[]{},'\"&*!|>%@`#?.ab1\\"


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(ALPHABET, max_size=40),
    kind=st.sampled_from([ScannerError, ParserError, yaml.MarkedYAMLError]),
    problem=st.integers(0, 45) | st.none(),
    context=st.integers(0, 45) | st.none(),
    token=st.sampled_from([None, BlockEntryToken(None, None), ScalarToken("a", True, None, None)]),
    depth=st.integers(0, 2 * MAX_DEPTH),
)
def test_describe_is_french_for_any_error_anywhere(text, kind, problem, context, token, depth):
    problem, context = (None if i is None else min(i, len(text)) for i in (problem, context))
    message = describe(_error(kind, text, problem, context), text, token, depth)
    assert message.startswith(PREFIX) or message == TOO_DEEP
    _french(message)


# --- the loader, with whatever parser is installed ----------------------------------------------------

BROKEN = [
    "version: 1\nname: [a, b\nskills: x\n",
    "version: 1\n\tname: x\n",
    "version: 1\nname: x\n  branches: y\n",
    'version: 1\nname: "pas fermé\n',
    "version: 1\nname: 'pas fermé\n",
    "version: 1\nname: @x\n",
    'version: 1\nname: "a\\qb"\n',
    'version: 1\nname: "\\x4"\n',
    "version: 1\nname: {a: b\n",
    "version: 1\nname: [a, b}\n",
    "a:\n  - x\n - y\n",
    "a:\n  b: c\n d: e\n",
    "a: & x\n",
    "a: !x!y z\n",
    "a: !<x\n",
    "%YAML 1.1\n%YAML 1.1\n---\na: b\n",
    "a: b\n...\nc: d\n",
    "key: value\n- item\n",
    "a: [b, c]]\n",
    "a: }\n",
    "a: |x\n b\n",
    "a: b: c\n",
    "a: 'x'y\n",
    "a: x\nb\n",
    "a: [\n",
    "[a,,b]\n",
    "- - - \n  x\n",
    "[" * 100 + "@",
]


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("text", BROKEN)
def test_every_syntax_error_is_french(text, parser, monkeypatch):
    found = problems(text, parser, monkeypatch)
    assert len(found) == 1, found
    assert found[0].line is not None and found[0].column is not None
    assert found[0].message.startswith(PREFIX) or found[0].message == TOO_DEEP
    _french(found[0].message)


@pytest.mark.parametrize(("one", "other"), PAIRS)
@pytest.mark.parametrize("text", BROKEN)
def test_syntax_errors_are_the_same_with_libyaml_and_without(text, one, other, monkeypatch):
    assert problems(text, one, monkeypatch) == problems(text, other, monkeypatch)


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 999, 1000, 1001, 1025, 3000, 20000])
@pytest.mark.parametrize("shape", ["flow", "block", "mixed"])
def test_deep_nesting_is_refused_in_french_whatever_libyaml_allows(depth, shape, parser, monkeypatch):
    if shape == "flow":
        text = "[" * depth + "]" * depth
    elif shape == "block":
        text = "- " * depth + "x\n"
    else:
        text = "a:\n  - " + "- " * (depth // 2) + "{b: " * depth + "c" + "}" * depth + "\n"
    found = problems(text, parser, monkeypatch)
    assert [p.message for p in found] == [TOO_DEEP]


@pytest.mark.parametrize("parser", PARSERS)
def test_nesting_at_the_limit_is_not_refused_for_depth(parser, monkeypatch):
    text = "version: 1\nname: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert all("imbrication" not in p.message for p in problems(text, parser, monkeypatch))


class _OtherLibyaml(yaml.SafeLoader):
    """Stands in for a libyaml release with a nesting limit of 5 and words of its own."""

    refusals = 0

    def check_event(self, *choices):
        if self.flow_level + len(self.indents) > 5:
            type(self).refusals += 1
            mark = self.get_mark()
            raise ScannerError("while frobnicating", mark, "exceeded the maximum nesting depth of 5", mark)
        return super().check_event(*choices)


def test_a_libyaml_with_another_limit_and_other_words_still_gets_french(monkeypatch):
    found = problems("version: 1\nname: " + "[" * 50 + "]" * 50 + "\n", _OtherLibyaml, monkeypatch)
    assert [p.message for p in found] == [TOO_DEEP]
    assert (found[0].line, found[0].column) == (2, 6 + MAX_DEPTH)  # the top-level mapping is the first level


def test_a_file_libyaml_refuses_but_pyyaml_reads_is_read(monkeypatch):
    from skilltree import load_tree

    monkeypatch.setattr(loader, "_PARSER", yaml.SafeLoader)
    expected = load_tree(TREES / "minimal.yaml")
    monkeypatch.setattr(loader, "_PARSER", _OtherLibyaml)
    before = _OtherLibyaml.refusals
    assert load_tree(TREES / "minimal.yaml") == expected
    assert _OtherLibyaml.refusals == before + 1  # minimal.yaml nests deeper than 5: the stand-in refused it


def test_problems_found_before_libyaml_gave_up_are_not_reported_twice(monkeypatch):
    text = "a: &a {x: 1}\nb:\n  <<: *a\nc: " + "[" * 50 + "]" * 50 + "\n"
    found = problems(text, _OtherLibyaml, monkeypatch)
    assert sum("fusion" in p.message for p in found) == 1, found
    assert sum(p.message == TOO_DEEP for p in found) == 1, found


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=60))
def test_any_text_gets_french_problems_only(text):
    try:
        parse_tree(text)
    except SkillTreeError as caught:
        for problem in caught.problems:
            _french(problem.message)
