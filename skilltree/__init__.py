"""Palier's skill tree: YAML in, frozen typed values out, and pure questions about them."""

from pathlib import Path

from .emblem import emblem_inputs, emblem_png, emblem_svg
from .errors import Problem, SkillTreeError
from .loader import load_tree, load_tree_with_local, parse_tree
from .model import Alignment, Branch, Skill, SkillState, SkillTree
from .prerequisites import AllOf, AnyOf, AtLeast, Prerequisite, Requires

__all__ = [
    "Alignment",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Branch",
    "Prerequisite",
    "Problem",
    "Requires",
    "Skill",
    "SkillState",
    "SkillTree",
    "SkillTreeError",
    "default_tree_path",
    "emblem_inputs",
    "emblem_png",
    "emblem_svg",
    "load_tree",
    "load_tree_with_local",
    "parse_tree",
]


def default_tree_path() -> Path:
    """The French skill tree shipped with Palier."""
    return Path(__file__).resolve().parent / "data" / "arbre.yaml"
