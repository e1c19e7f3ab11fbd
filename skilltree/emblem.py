"""Generated badge emblems (drawing in progress)."""


def emblem_svg(skill, branch):  # pragma: no cover - replaced below
    """Placeholder."""
    raise NotImplementedError


def emblem_png(skill, branch, size=512):  # pragma: no cover - replaced below
    """Placeholder."""
    raise NotImplementedError
