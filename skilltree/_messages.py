"""PyYAML's and libyaml's English syntax errors, said in French."""

from __future__ import annotations

import re

# Characters YAML refuses (C0 controls other than tab and line breaks, DEL, C1 controls, surrogates...).
NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")

_TABLE = (
    ("mapping values are not allowed", "deux-points « : » inattendu ; mettez le texte entre guillemets s'il contient « : »"),
    ("found character '\\t'", "tabulation interdite : indentez avec des espaces"),
    ("tab character", "tabulation interdite : indentez avec des espaces"),
    ("could not find expected ':'", "il manque « : » après une clé, ou un guillemet n'est pas refermé"),
    ("expected <block end>", "indentation incohérente : alignez les éléments du même niveau"),
    ("did not find expected '-'", "indentation incohérente dans une liste « - »"),
    ("did not find expected key", "indentation incohérente : une clé est mal alignée"),
    ("found unexpected end of stream", "fin de fichier inattendue : un guillemet ou un crochet n'est pas refermé"),
    ("expected ',' or ']'", "crochet « [ » non refermé, ou virgule manquante entre deux éléments"),
    ("expected ',' or '}'", "accolade « { » non refermée, ou virgule manquante entre deux éléments"),
    ("expected the node content", "une valeur est attendue ici (crochet ou accolade non refermé ?)"),
    ("did not find expected node content", "une valeur est attendue ici (crochet ou accolade non refermé ?)"),
    ("found unknown escape character", "caractère « \\ » inattendu entre guillemets doubles : doublez-le ou utilisez des guillemets simples"),
    ("expected alphabetic or numeric character", "nom d'ancre ou d'alias invalide après « & » ou « * »"),
    ("did not find expected alphabetic or numeric character", "nom d'ancre ou d'alias invalide après « & » ou « * »"),
    ("found undefined tag handle", "étiquette « ! » inconnue : mettez la valeur entre guillemets"),
    ("expected <document start>", "un seul document est attendu : retirez les séparateurs « --- » en trop"),
    ("did not find expected <document start>", "un seul document est attendu : retirez les séparateurs « --- » en trop"),
)


def french(english: str, character: str = "") -> str:
    """A French explanation of a YAML syntax error; ``character`` is the one found at the error."""
    if "cannot start any token" in english:
        if character == "\t" or "'\\t'" in english:
            return "tabulation interdite : indentez avec des espaces"
        shown = character or "ce caractère"
        return f"« {shown} » ne peut pas commencer une valeur : mettez-la entre guillemets"
    for needle, text in _TABLE:
        if needle in english:
            return text
    return f"structure illisible ({english.strip()})"
