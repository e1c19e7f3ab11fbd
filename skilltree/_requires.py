"""Reading the ``requires`` field: a skill id, a list (all of), ``all``, ``any`` or ``at_least``/``of``."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._doc import Node
from ._fields import Fields, read_slug
from .prerequisites import AllOf, AnyOf, AtLeast, Prerequisite, Requires

MAX_NESTING = 6  # deeper conditions are unreadable for the mediators who write them
_FORMS = "un identifiant, une liste, ou un bloc « all: », « any: » ou « at_least: » + « of: »"


@dataclass
class Parsed:
    """The condition read (None when absent), whether it was sound, and every skill reference with its node."""

    condition: Prerequisite | None = None
    sound: bool = True
    refs: list[tuple[str, Node]] = field(default_factory=list)


def read_requires(fields: Fields) -> Parsed:
    """Read a skill's ``requires`` field, reporting each mistake where it stands."""
    parsed = Parsed()
    node = fields.get("requires", required=False)
    if node is not None:
        parsed.condition = _condition(node, fields, parsed, 0)
        parsed.sound = parsed.sound and parsed.condition is not None
    return parsed


def _condition(node: Node, fields: Fields, parsed: Parsed, depth: int) -> Prerequisite | None:
    if depth > MAX_NESTING:
        fields.problem(node, f"prérequis trop imbriqués ({MAX_NESTING} niveaux au plus)")
        return None
    if node.kind == "scalar":
        skill_id = read_slug(node, fields, "requires")
        if skill_id is None:
            return None
        parsed.refs.append((skill_id, node))
        return Requires(skill_id)
    if node.kind == "seq":  # a bare list reads naturally as "all of these"
        items = _items(node, fields, parsed, depth, "requires")
        return AllOf(items) if items else None
    keys = {key.value: (key, value) for key, value in node.pairs if key.kind == "scalar"}
    names = set(keys)
    if names == {"all"} or names == {"any"}:
        name = "all" if names == {"all"} else "any"
        items = _items(keys[name][1], fields, parsed, depth, name)
        if not items:
            return None
        return AllOf(items) if name == "all" else AnyOf(items)
    if names == {"at_least", "of"}:
        return _at_least(keys["at_least"][1], keys["of"][1], fields, parsed, depth)
    if "at_least" in names and "of" not in names:
        fields.problem(node, "« at_least: N » doit être suivi de « of: » et de la liste des compétences")
    elif "of" in names and "at_least" not in names:
        fields.problem(node, "« of: » doit venir avec « at_least: N » (combien en faut-il ?)")
    else:
        shown = ", ".join(f"« {n} »" for n in sorted(map(str, names))) or "rien"
        fields.problem(node, f"prérequis illisible (clés {shown}) : attendu {_FORMS}")
    return None


def _items(node: Node, fields: Fields, parsed: Parsed, depth: int, key: str) -> tuple[Prerequisite, ...]:
    """The conditions of a list; empty (and reported) when anything inside is wrong."""
    if node.kind != "seq" or not node.items:
        fields.problem(node, f"« {key}: » doit être suivi d'une liste non vide (lignes « - identifiant »)")
        return ()
    items: list[Prerequisite] = []
    seen: set[str] = set()
    whole = True
    for child in node.items:
        item = _condition(child, fields, parsed, depth + 1)
        if item is None:
            whole = False
            continue
        if isinstance(item, Requires) and item.skill_id in seen:
            fields.problem(child, f"« {item.skill_id} » est cité deux fois dans la même liste de prérequis")
            whole = False
            continue
        if isinstance(item, Requires):
            seen.add(item.skill_id)
        items.append(item)
    if not whole:
        parsed.sound = False
    return tuple(items) if whole else ()


def _at_least(count: Node, of: Node, fields: Fields, parsed: Parsed, depth: int) -> Prerequisite | None:
    items = _items(of, fields, parsed, depth, "of")
    n = count.value if count.kind == "scalar" else None
    if isinstance(n, bool) or not isinstance(n, int):
        fields.problem(count, "« at_least: » attend un nombre entier (combien de compétences de la liste)")
        return None
    if not items:
        return None
    if n < 1:
        fields.problem(count, f"« at_least: {n} » n'a pas de sens : il faut au moins 1")
        return None
    if n > len(items):
        fields.problem(
            count,
            f"« at_least: {n} » est impossible : la liste « of: » ne compte que {len(items)} compétence"
            + ("s" if len(items) > 1 else ""),
        )
        return None
    return AtLeast(n, items)
