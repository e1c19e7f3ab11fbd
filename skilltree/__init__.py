"""Palier's skill tree: YAML in, frozen typed values out, and pure questions about them."""

from pathlib import Path


def default_tree_path() -> Path:
    """The French skill tree shipped with Palier."""
    return Path(__file__).resolve().parent / "data" / "arbre.yaml"
