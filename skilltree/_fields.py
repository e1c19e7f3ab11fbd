"""Reading typed fields out of mapping nodes, each mistake reported in French."""

from __future__ import annotations

import difflib
import re
import unicodedata
from urllib.parse import urlsplit

from ._doc import Node, Report

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
SLUG_MAX = 64
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}\Z")

# Field names stay in English (like the rest of the format); the French gloss helps the reader.
GLOSS = {
    "version": "version du format",
    "name": "nom",
    "description": "description",
    "branches": "branches",
    "skills": "compétences",
    "id": "identifiant",
    "colour": "couleur",
    "icon": "icône",
    "branch": "branche",
    "tier": "niveau",
    "criteria": "critères observables",
    "image": "image",
    "validity_days": "durée de validité",
    "tags": "mots-clés",
    "situations": "situations de jeu",
    "alignments": "référentiels",
    "requires": "prérequis",
    "framework": "référentiel",
    "code": "code",
    "url": "adresse",
}


def _field(key: str) -> str:
    gloss = GLOSS.get(key)
    return f"« {key} » ({gloss})" if gloss else f"« {key} »"


class Fields:
    """The keys of one mapping node, read one by one with problems reported against an owner."""

    def __init__(self, node: Node, report: Report, owner: str, allowed: tuple[str, ...]) -> None:
        self.node = node
        self.report = report
        self.owner = owner
        self.values: dict[str, Node] = {}
        if node.kind != "map":
            self.problem(node, "une suite de lignes « clé: valeur » est attendue ici")
            return
        for key, value in node.pairs:
            name = key.value if key.kind == "scalar" else None
            if not isinstance(name, str):
                self.problem(key, "cette clé n'est pas un simple mot")
            elif name in self.values:
                self.problem(key, f"la clé « {name} » apparaît deux fois")
            elif name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
                hint = (
                    f" ; vouliez-vous dire « {close[0]} » ?"
                    if close
                    else f" ; clés possibles : {', '.join(allowed)}"
                )
                self.problem(key, f"clé inconnue « {name} »{hint}")
            else:
                self.values[name] = value

    @property
    def ok(self) -> bool:
        """True when the node was a mapping at all."""
        return self.node.kind == "map"

    def problem(self, where: Node | None, message: str) -> None:
        """Report a problem, prefixed with who it is about."""
        end = "" if message.endswith(("?", ".", "!")) else "."
        self.report.add(where if where is not None else self.node, f"{self.owner} : {message}{end}")

    def get(self, key: str, required: bool) -> Node | None:
        """The value node of a key; a missing required key (or an empty value) is reported."""
        value = self.values.get(key)
        if value is not None and value.kind == "scalar" and value.value is None:
            if required:
                extra = (
                    " (écrivez la couleur entre guillemets : « #1E88E5 » sinon # commence un commentaire)"
                    if key == "colour"
                    else ""
                )
                self.problem(value, f"le champ {_field(key)} est vide{extra}")
            return None
        if value is None and required and self.ok:
            self.problem(self.node, f"le champ obligatoire {_field(key)} manque")
        return value

    def text(self, key: str, required: bool = True, max_len: int = 5000) -> str | None:
        """A non-empty string (numbers and booleans are read as written)."""
        node = self.get(key, required)
        if node is None:
            return None
        if node.kind != "scalar":
            self.problem(node, f"le champ {_field(key)} doit être un texte, pas une liste ou un bloc")
            return None
        text = (node.text if not isinstance(node.value, str) else node.value).strip()
        if not text:
            if required:
                self.problem(node, f"le champ {_field(key)} est vide")
            return None
        if len(text) > max_len:
            self.problem(node, f"le champ {_field(key)} est trop long (plus de {max_len} caractères)")
            return None
        return text

    def slug(self, key: str, required: bool = True) -> str | None:
        """An identifier made of lowercase letters, digits and single hyphens."""
        node = self.get(key, required)
        return read_slug(node, self, key) if node is not None else None

    def integer(self, key: str, low: int, high: int, required: bool = True) -> int | None:
        """A whole number between ``low`` and ``high``."""
        node = self.get(key, required)
        if node is None:
            return None
        value = node.value if node.kind == "scalar" else None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(node, f"le champ {_field(key)} doit être un nombre entier")
            return None
        if not low <= value <= high:
            self.problem(node, f"le champ {_field(key)} doit être compris entre {low} et {high}")
            return None
        return value

    def texts(self, key: str, max_items: int = 50) -> tuple[str, ...]:
        """An optional list of short texts."""
        node = self.get(key, False)
        if node is None:
            return ()
        if node.kind != "seq":
            self.problem(node, f"le champ {_field(key)} doit être une liste (lignes commençant par « - »)")
            return ()
        out: list[str] = []
        for item in node.items[:max_items]:
            text = item.text.strip() if item.kind == "scalar" and item.value is not None else ""
            if not text or len(text) > 200:
                self.problem(item, f"chaque élément de {_field(key)} doit être un texte court")
            elif text in out:
                self.problem(item, f"« {text} » est cité deux fois dans {_field(key)}")
            else:
                out.append(text)
        if len(node.items) > max_items:
            self.problem(node, f"{_field(key)} : {max_items} éléments au plus")
        return tuple(out)

    def colour(self, key: str) -> str | None:
        """A colour written ``#RRGGBB``, returned in upper case."""
        text = self.text(key)
        if text is not None and not COLOUR.match(text):
            self.problem(
                self.values[key],
                f'couleur « {text} » invalide : écrivez-la « #RRGGBB », par exemple "#1E88E5"',
            )
            return None
        return text.upper() if text else None

    def url(self, key: str, required: bool = True) -> str | None:
        """A full http(s) address."""
        text = self.text(key, required, max_len=2000)
        if text is None:
            return None
        try:
            parts = urlsplit(text)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in text
        except ValueError:
            valid = False
        if not valid:
            self.problem(
                self.values[key],
                f"adresse « {text} » invalide : seules les adresses http:// ou https:// complètes sont acceptées",
            )
            return None
        return text


def read_slug(node: Node, fields: Fields, key: str) -> str | None:
    """Check one identifier node, suggesting the corrected spelling."""
    raw = node.text.strip() if node.kind == "scalar" else ""
    if SLUG.match(raw) and len(raw) <= SLUG_MAX:
        return raw
    if node.kind != "scalar":
        fields.problem(node, f"le champ {_field(key)} doit être un identifiant, pas une liste ou un bloc")
    else:
        fields.problem(
            node,
            f"identifiant « {raw} » invalide : minuscules sans accents, chiffres et tirets (par exemple « {suggest_slug(raw)} »), {SLUG_MAX} caractères au plus",
        )
    return None


def suggest_slug(text: str) -> str:
    """A valid identifier close to ``text``: accents dropped, spaces to hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:SLUG_MAX] or "cooperation-1"
