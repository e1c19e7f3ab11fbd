"""Reading the document's fields into branches and skill drafts, reporting every mistake."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ._doc import Node, Report
from ._fields import Fields
from ._glyphs import GLYPHS
from ._requires import Parsed, read_requires
from .model import Alignment, Branch, Skill

FORMAT_VERSION = 1
MAX_TIER = 20
MAX_VALIDITY_DAYS = 3650  # ten years: beyond that, « validity_days » is better left out
ICONS = tuple(GLYPHS)

TREE_KEYS = ("version", "name", "description", "branches", "skills")
BRANCH_KEYS = ("id", "name", "description", "colour", "icon")
SKILL_KEYS = (
    "id",
    "branch",
    "tier",
    "name",
    "description",
    "criteria",
    "image",
    "validity_days",
    "tags",
    "situations",
    "alignments",
    "requires",
)
ALIGNMENT_KEYS = ("framework", "code", "name", "url")


@dataclass
class SkillDraft:
    """A skill as read, with the positions the graph checks need; ``skill`` is set when every field was valid."""

    node: Node
    id: str | None
    id_node: Node | None
    branch: str | None
    branch_node: Node | None
    tier: int | None
    requires: Parsed
    skill: Skill | None = None


@dataclass
class TreeParts:
    """Everything read from the file, before the checks that need the whole tree."""

    name: str
    description: str
    branches: list[Branch] = field(default_factory=list)
    branch_nodes: list[tuple[str, Node]] = field(default_factory=list)
    skills: list[SkillDraft] = field(default_factory=list)


def read_tree(root: Node, report: Report, base_dir: Path) -> TreeParts | None:
    """Read the top level, the branches and the skills."""
    if root.kind != "map":
        report.add(
            root,
            "Le fichier doit commencer par des lignes « clé: valeur » : version, name, branches, skills.",
        )
        return None
    top = Fields(root, report, "Fichier", TREE_KEYS)
    version = top.get("version", required=True)
    if version is not None and (
        version.kind != "scalar" or version.value != FORMAT_VERSION or isinstance(version.value, bool)
    ):
        top.problem(version, f"version du format inconnue : seule « version: {FORMAT_VERSION} » existe")
    parts = TreeParts(
        name=top.text("name", max_len=200) or "", description=top.text("description", False) or ""
    )
    for index, node in enumerate(_list(top, "branches"), start=1):
        _branch(node, index, report, parts)
    for index, node in enumerate(_list(top, "skills"), start=1):
        parts.skills.append(_skill(node, index, report, base_dir))
    return parts


def _list(top: Fields, key: str) -> tuple[Node, ...]:
    node = top.get(key, required=True)
    if node is None:
        return ()
    if node.kind != "seq" or not node.items:
        top.problem(node, f"« {key}: » doit être une liste non vide, chaque élément commençant par « - »")
        return ()
    return node.items


def _label(kind: str, node: Node, index: int) -> str:
    """« Compétence « id » » when the id can be read, else « Compétence n°3 »."""
    for key, value in node.pairs:
        if key.value == "id" and value.kind == "scalar" and value.text.strip():
            return f"{kind} « {value.text.strip()} »"
    return f"{kind} n°{index}"


def _branch(node: Node, index: int, report: Report, parts: TreeParts) -> None:
    fields = Fields(node, report, _label("Branche", node, index), BRANCH_KEYS)
    if not fields.ok:
        return
    values = (
        fields.slug("id"),
        fields.text("name", max_len=80),
        fields.text("description"),
        fields.colour("colour"),
    )
    icon = fields.text("icon", required=False)
    if icon is not None and icon not in ICONS:
        fields.problem(
            fields.values["icon"], f"icône « {icon} » inconnue ; icônes possibles : {', '.join(ICONS)}"
        )
        icon = None
    branch_id, name, description, colour = values
    if branch_id is not None:
        parts.branch_nodes.append((branch_id, fields.values["id"]))
    if branch_id is not None and name is not None and description is not None and colour is not None:
        parts.branches.append(Branch(branch_id, name, description, colour, icon))


def _skill(node: Node, index: int, report: Report, base_dir: Path) -> SkillDraft:
    fields = Fields(node, report, _label("Compétence", node, index), SKILL_KEYS)
    if not fields.ok:
        return SkillDraft(node, None, None, None, None, None, Parsed(sound=False))
    skill_id, branch = fields.slug("id"), fields.slug("branch")
    tier = fields.integer("tier", 1, MAX_TIER)
    name, description = fields.text("name", max_len=80), fields.text("description")
    criteria = fields.text("criteria", max_len=20000)
    validity = fields.integer("validity_days", 1, MAX_VALIDITY_DAYS, required=False)
    image = _image(fields, base_dir)
    tags, situations = fields.texts("tags"), fields.texts("situations")
    alignments = _alignments(fields)
    requires = read_requires(fields)
    draft = SkillDraft(
        node, skill_id, fields.values.get("id"), branch, fields.values.get("branch"), tier, requires
    )
    if (
        skill_id is not None
        and branch is not None
        and tier is not None
        and name is not None
        and description is not None
        and criteria is not None
        and image is not False
        and alignments is not None
        and requires.sound
    ):
        draft.skill = Skill(
            id=skill_id,
            branch=branch,
            tier=tier,
            name=name,
            description=description,
            criteria=criteria,
            image=image,
            validity_days=validity,
            tags=tags,
            situations=situations,
            alignments=alignments,
            requires=requires.condition,
        )
    return draft


def _image(fields: Fields, base_dir: Path) -> Path | Literal[False] | None:
    """The image's absolute path, None when absent, False when wrong (and reported)."""
    text = fields.text("image", required=False, max_len=500)
    node = fields.values.get("image")
    if text is None or node is None:
        return False if node is not None and node.kind != "scalar" else None
    relative = Path(text)
    if relative.is_absolute() or ".." in relative.parts:
        fields.problem(
            node, f"image « {text} » : donnez un chemin relatif au fichier de l'arbre, sans « .. »"
        )
        return False
    if relative.suffix.lower() not in (".png", ".svg"):
        fields.problem(node, f"image « {text} » : seules les images .png et .svg sont acceptées")
        return False
    base = base_dir.resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base):  # a symbolic link pointing outside the tree's folder
        fields.problem(node, f"image « {text} » : le fichier doit se trouver dans le dossier de l'arbre")
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        fields.problem(node, f"image « {text} » introuvable (cherchée dans {base})")
        return False
    is_png = head.startswith(b"\x89PNG\r\n\x1a\n")
    if (relative.suffix.lower() == ".png") != is_png or (not is_png and b"<" not in head):
        fields.problem(
            node,
            f"image « {text} » : le contenu du fichier ne correspond pas à une image {relative.suffix.lower()}",
        )
        return False
    return path


def _alignments(fields: Fields) -> tuple[Alignment, ...] | None:
    """The alignments, or None when any of them is wrong (and reported)."""
    node = fields.get("alignments", required=False)
    if node is None:
        return ()
    if node.kind != "seq":
        fields.problem(node, "« alignments: » doit être une liste d'éléments « - framework: ... »")
        return None
    out: list[Alignment] = []
    for index, item in enumerate(node.items, start=1):
        sub = Fields(item, fields.report, f"{fields.owner}, référentiel n°{index}", ALIGNMENT_KEYS)
        if not sub.ok:
            continue
        framework, code = sub.text("framework", max_len=200), sub.text("code", False, max_len=100)
        name, url = sub.text("name", max_len=300), sub.url("url")
        if framework is not None and name is not None and url is not None:
            out.append(Alignment(framework, code, name, url))
    return tuple(out) if len(out) == len(node.items) else None
