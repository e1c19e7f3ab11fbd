"""YAML syntax errors said in French, whatever words PyYAML or libyaml use.

An error is recognised by its shape, never by its English text: the class of the exception (scanner or
parser), the characters found at its two marks (where the problem is, and where the construct it belongs
to began), the token the parser was looking at, and how deeply the reader had nested. Anything that fits
no known shape still gets a French sentence with its line and column: the English text never reaches the
person who wrote the file.
"""

from __future__ import annotations

import re

import yaml
from yaml.parser import ParserError
from yaml.scanner import ScannerError
from yaml.tokens import BlockEntryToken, TagToken

# Characters YAML refuses (C0 controls other than tab and line breaks, DEL, C1 controls, surrogates...).
NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

PREFIX = "erreur de syntaxe YAML : "
MAX_DEPTH = 40  # nothing in the format nests deeper than about ten levels
TOO_DEEP = (
    f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux de listes ou de champs) : "
    "un arbre de compétences n'en demande qu'une dizaine"
)
_ONE_DOCUMENT = "un seul document est attendu : retirez les séparateurs « --- » ou « ... » en trop"
ONE_DOCUMENT = PREFIX + _ONE_DOCUMENT

# Sets of characters, not strings: the empty string (no character at a mark) is in every string.
_QUOTES = frozenset("\"'")
_OPENERS = frozenset("[{")
_MATCHING = {"]": "[", "}": "{"}
_ESCAPE_REACH = 10  # « \U0001F600 »: the longest escape, backslash included
OptionalMark = yaml.Mark | None


def describe(error: yaml.MarkedYAMLError, text: str, token: object | None = None, depth: int = 0) -> str:
    """The French message for a syntax error PyYAML raised while reading ``text``.

    ``token`` is the token the parser was looking at when it gave up (if known) and ``depth`` how many
    collections the scanner had open then. The words of ``error`` are never read, let alone shown.
    """
    if depth >= MAX_DEPTH:
        return TOO_DEEP
    problem, context = error.problem_mark, error.context_mark
    found, opened = _char(text, problem), _char(text, context)
    if isinstance(error, ScannerError):
        sentence = _scanner(text, problem, context, found, opened)
    elif isinstance(error, ParserError):
        sentence = _parser(text, problem, context, found, opened, token)
    else:
        sentence = None
    return PREFIX + sentence if sentence else unreadable(problem or context)


def unreadable(mark: OptionalMark) -> str:
    """The sentence for an error of no known shape: where it is, and what to look at."""
    if mark is None:
        return PREFIX + "structure illisible : vérifiez l'indentation, les guillemets et les crochets"
    return (
        PREFIX + f"structure illisible ligne {mark.line + 1}, colonne {mark.column + 1} : "
        "vérifiez l'indentation, les guillemets et les crochets à cet endroit et juste avant"
    )


def _scanner(text: str, problem: OptionalMark, context: OptionalMark, found: str, opened: str) -> str | None:
    if found == "\t":
        return "tabulation interdite : indentez avec des espaces"
    if context is None:
        return _unexpected(found)
    where = _where(context)
    if opened in _QUOTES and not _closed(text, context.index, problem):
        if _at_end(text, problem):
            return (
                f"fin de fichier inattendue : le guillemet « {opened} » ouvert {where} n'est jamais refermé"
            )
        if opened == '"' and _escape_before(text, context, problem):
            return (
                "caractère « \\ » inattendu entre guillemets doubles : doublez-le (« \\\\ ») "
                "ou mettez la valeur entre guillemets simples"
            )
        return f"le guillemet « {opened} » ouvert {where} n'est pas refermé là où il faut"
    if opened in {"&", "*"}:
        return (
            f"nom d'ancre ou d'alias invalide après « {opened} » : "
            "des lettres, des chiffres ou « - », sans espace"
        )
    if opened == "!":
        return "étiquette « ! » mal formée : mettez la valeur entre guillemets"
    if opened in {"|", ">"}:
        return (
            f"indicateur de bloc « {opened} » mal formé : seuls « - », « + » ou un chiffre de 1 à 9 "
            "peuvent le suivre sur sa ligne"
        )
    if opened == "%":
        return "directive « % » mal formée : retirez-la"
    # Anything else that opened is the start of a key whose « : » never came.
    return f"il manque « : » après la clé commencée {where}, ou un guillemet n'est pas refermé"


def _unexpected(found: str) -> str | None:
    """A scanner error with nothing opened: the character found cannot be there."""
    if found == ":":
        return (
            "deux-points « : » inattendu : l'indentation est décalée, ou un texte contient « : » "
            "et doit être mis entre guillemets"
        )
    if found == "-":
        return "tiret « - » inattendu : une liste ne peut pas commencer ici (indentation ?)"
    if found and not found.isspace():
        return f"« {found} » ne peut pas commencer une valeur : mettez-la entre guillemets"
    return None


def _parser(
    text: str, problem: OptionalMark, context: OptionalMark, found: str, opened: str, token: object | None
) -> str:
    if found in _MATCHING and opened not in _OPENERS:
        return f"« {found} » fermant en trop : aucun « {_MATCHING[found]} » ouvert ne lui correspond"
    if found == "!" and opened not in _OPENERS and not isinstance(token, TagToken):
        return "étiquette « ! » inconnue : mettez la valeur entre guillemets"
    if problem is not None and context is not None and problem.index == context.index:
        return "une valeur est attendue ici (virgule en trop, ou crochet ou accolade non refermé ?)"
    if opened == "[":
        return f"crochet « [ » ouvert {_where(context)} non refermé, ou virgule manquante entre deux éléments"
    if opened == "{":
        return (
            f"accolade « {{ » ouverte {_where(context)} non refermée, "
            "ou virgule manquante entre deux éléments"
        )
    if found == "%":
        return "directive « % » refusée (en double ou mal placée) : retirez-la"
    if context is None:
        return _ONE_DOCUMENT
    if isinstance(token, BlockEntryToken):
        return "indentation incohérente dans une liste « - » : alignez les tirets d'une même liste"
    if problem is not None and _after_quote(text, problem.index):
        return "texte inattendu après une valeur entre guillemets : mettez toute la valeur entre guillemets"
    return "indentation incohérente : alignez les éléments du même niveau"


def _char(text: str, mark: OptionalMark) -> str:
    """The character at ``mark``; empty at the end of the text or without a mark."""
    if mark is None or not 0 <= mark.index < len(text):
        return ""
    return text[mark.index]


def _at_end(text: str, mark: OptionalMark) -> bool:
    return mark is None or not text[mark.index :].strip()


def _where(mark: OptionalMark) -> str:
    return "plus haut" if mark is None else f"ligne {mark.line + 1}, colonne {mark.column + 1}"


def _closed(text: str, start: int, problem: OptionalMark) -> bool:
    """Whether the quoted text opened at ``start`` is closed before the problem."""
    end = len(text) if problem is None else problem.index
    quote, index = text[start], start + 1
    while index < end:
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text[index + 1 : index + 2] == "'":  # '' is a quote inside single quotes
                index += 2
                continue
            return True
        index += 1
    return False


def _escape_before(text: str, context: yaml.Mark, problem: OptionalMark) -> bool:
    """Whether a backslash inside the quotes comes just before the problem (a bad escape sequence)."""
    if problem is None:
        return False
    return "\\" in text[max(context.index, problem.index - _ESCAPE_REACH) : problem.index]


def _after_quote(text: str, index: int) -> bool:
    """Whether the text at ``index`` comes right after a closing quote on the same line."""
    before = text[text.rfind("\n", 0, index) + 1 : index].rstrip(" ")
    return bool(before) and before[-1] in _QUOTES and before.count(before[-1]) >= 2
