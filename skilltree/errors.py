"""Problems found in a skill tree file, and the error that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a tree file, located (1-based) when a position is known."""

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        # The compiler-style prefix lets editors jump to the spot.
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.column or 1}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """The problem as plain JSON-ready data, for machines."""
        return {"file": self.file, "line": self.line, "column": self.column, "message": self.message}


class SkillTreeError(ValueError):
    """A tree file could not be accepted; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problème" + ("s" if count > 1 else "") + " dans l'arbre de compétences"
        super().__init__(head + "".join(f"\n  {p}" for p in self.problems))
