"""A YAML-free view of the parsed file: nodes with positions, and the problem report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .errors import Problem

Scalar = str | int | float | bool | None
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Node:
    """One value of the file with its 1-based position; maps keep their (key, value) pairs in order."""

    kind: Literal["map", "seq", "scalar"]
    line: int
    column: int
    value: object  # map: tuple[tuple[Node, Node], ...]; seq: tuple[Node, ...]; scalar: Scalar
    text: str = ""  # a scalar's source text, so « name: 2048 » can still be read as a name
    plain: bool = field(default=True, compare=False)  # written without quotes (so « << » is a merge key)
    weight: int = field(default=1, compare=False)  # nodes below, aliases expanded: the budget's unit

    @property
    def items(self) -> tuple[Node, ...]:
        """The elements of a sequence node."""
        return self.value if self.kind == "seq" else ()  # type: ignore[return-value]

    @property
    def pairs(self) -> tuple[tuple[Node, Node], ...]:
        """The (key, value) pairs of a mapping node."""
        return self.value if self.kind == "map" else ()  # type: ignore[return-value]


@dataclass
class Report:
    """Collects problems for one file instead of stopping at the first."""

    filename: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: Node | None, message: str) -> None:
        """Record a problem at a node's position (or for the whole file)."""
        line = where.line if where is not None else None
        column = where.column if where is not None else None
        self.problems.append(Problem(self.filename, line, column, message))

    def at(self, line: int | None, column: int | None, message: str) -> None:
        """Record a problem at an explicit position."""
        self.problems.append(Problem(self.filename, line, column, message))

    def sorted(self) -> list[Problem]:
        """The problems in reading order, file-wide ones first, at most ``MAX_PROBLEMS`` of them."""
        ordered = sorted(self.problems, key=lambda p: (p.line or 0, p.column or 0))
        if len(ordered) <= MAX_PROBLEMS:
            return ordered
        rest = len(ordered) - MAX_PROBLEMS
        # Past a few hundred, more lines help nobody: the file is probably not a tree at all.
        return [
            *ordered[:MAX_PROBLEMS],
            Problem(self.filename, None, None, f"… et {rest} autres problèmes non affichés"),
        ]
