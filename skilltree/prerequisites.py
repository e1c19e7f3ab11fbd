"""Prerequisite conditions (one skill, all of, any of, N of) and their French wording."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

Names = Callable[[str], str]


def _ids(items: Iterable[Prerequisite]) -> frozenset[str]:
    return frozenset().union(*(item.skill_ids() for item in items))


def _join(parts: list[str], last: str) -> str:
    """« A, B et C »; a comma before the last part when a part already holds commas."""
    if len(parts) == 1:
        return parts[0]
    glue = f", {last} " if any("," in part for part in parts) else f" {last} "
    return ", ".join(parts[:-1]) + glue + parts[-1]


def _plural(count: int) -> str:
    if count == 0:
        return "aucune obtenue"
    return f"{count} obtenue" + ("s" if count > 1 else "")


@dataclass(frozen=True)
class Requires:
    """The skill ``skill_id`` must be earned."""

    skill_id: str

    def satisfied(self, earned: Iterable[str]) -> bool:
        """True when the skill is among ``earned``."""
        return self.skill_id in _as_set(earned)

    def skill_ids(self) -> frozenset[str]:
        """Every skill id this condition mentions."""
        return frozenset((self.skill_id,))

    def describe(self, names: Names) -> str:
        """The whole condition in French."""
        return names(self.skill_id)

    def missing(self, earned: Iterable[str], names: Names) -> str:
        """What is still lacking, in French (empty when satisfied)."""
        return "" if self.satisfied(earned) else names(self.skill_id)


class _OverItems:
    """What a condition over several items shares: its items, kept as a tuple, and the skill ids
    they mention."""

    items: tuple[Prerequisite, ...]

    def _keep_items(self) -> None:
        # Frozen dataclasses: callers may pass a list, the condition keeps a tuple (hashable).
        object.__setattr__(self, "items", tuple(self.items))

    def skill_ids(self) -> frozenset[str]:
        """Every skill id this condition mentions."""
        return _ids(self.items)


@dataclass(frozen=True)
class _Some(_OverItems):
    """A condition over one item or more, each counting alike: ``every`` tells whether their answers,
    satisfied or not, satisfy the whole (``all`` of them, or ``any``)."""

    every: ClassVar[Callable[[Iterable[bool]], bool]]
    items: tuple[Prerequisite, ...]

    def __post_init__(self) -> None:
        self._keep_items()
        if not self.items:
            raise ValueError(f"{type(self).__name__} demande au moins un élément")

    def satisfied(self, earned: Iterable[str]) -> bool:
        """True when the items satisfied are enough (``every``)."""
        have = _as_set(earned)
        return type(self).every(item.satisfied(have) for item in self.items)


@dataclass(frozen=True)
class AllOf(_Some):
    """Every item must be satisfied."""

    every = all

    def describe(self, names: Names) -> str:
        """The whole condition in French."""
        return _join([_nested(item, names) for item in self.items], "et")

    def missing(self, earned: Iterable[str], names: Names) -> str:
        """What is still lacking, in French (empty when satisfied)."""
        have = _as_set(earned)
        parts = [item.missing(have, names) for item in self.items if not item.satisfied(have)]
        return _join(parts, "et") if parts else ""


@dataclass(frozen=True)
class AnyOf(_Some):
    """At least one item must be satisfied."""

    every = any

    def describe(self, names: Names) -> str:
        """The whole condition in French."""
        if len(self.items) == 1:
            return _nested(self.items[0], names)
        return ", ".join("soit " + _nested(item, names) for item in self.items)

    def missing(self, earned: Iterable[str], names: Names) -> str:
        """What is still lacking, in French (empty when satisfied)."""
        return "" if self.satisfied(earned) else self.describe(names)


@dataclass(frozen=True)
class AtLeast(_OverItems):
    """At least ``n`` of the items must be satisfied."""

    n: int
    items: tuple[Prerequisite, ...]

    def __post_init__(self) -> None:
        self._keep_items()
        if not 1 <= self.n <= len(self.items):
            raise ValueError(f"AtLeast: n={self.n} doit être entre 1 et {len(self.items)}")

    def count(self, earned: Iterable[str]) -> int:
        """How many items are already satisfied."""
        have = _as_set(earned)
        return sum(1 for item in self.items if item.satisfied(have))

    def satisfied(self, earned: Iterable[str]) -> bool:
        """True when at least ``n`` items are satisfied."""
        return self.count(earned) >= self.n

    def describe(self, names: Names) -> str:
        """The whole condition in French."""
        listed = ", ".join(_nested(item, names) for item in self.items)
        return f"{self.n} parmi {listed}"

    def missing(self, earned: Iterable[str], names: Names) -> str:
        """What is still lacking, in French (empty when satisfied)."""
        have = _as_set(earned)
        count = self.count(have)
        if count >= self.n:
            return ""
        return f"{self.describe(names)} ({_plural(count)})"


Prerequisite = Requires | AllOf | AnyOf | AtLeast


def _nested(item: Prerequisite, names: Names) -> str:
    """A sub-condition, in parentheses when it is not a single skill."""
    text = item.describe(names)
    return text if isinstance(item, Requires) else f"({text})"


def _as_set(earned: Iterable[str]) -> frozenset[str] | set[str]:
    # Callers pass lists, generators or sets; nested checks reuse one set.
    if isinstance(earned, (set, frozenset)):
        return earned
    return set(earned)
