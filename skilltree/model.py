"""The frozen values a tree file becomes, and the pure questions a tree answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .prerequisites import Prerequisite

Status = Literal["earned", "unlocked", "locked"]


@dataclass(frozen=True)
class Alignment:
    """A link from a skill to an external framework (CléA domain, ESCO skill...)."""

    framework: str
    code: str | None
    name: str
    url: str


@dataclass(frozen=True)
class Branch:
    """A family of soft skills, shown with its own colour."""

    id: str
    name: str
    description: str
    colour: str
    icon: str | None = None


@dataclass(frozen=True)
class Skill:
    """One skill at one tier: it becomes one badge."""

    id: str
    branch: str
    tier: int
    name: str
    description: str
    criteria: str
    image: Path | None = None
    validity_days: int | None = None
    tags: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    alignments: tuple[Alignment, ...] = ()
    requires: Prerequisite | None = None

    @property
    def behaviours(self) -> tuple[str, ...]:
        """The observable behaviours the criteria list, one per bullet, each as a sentence to start from.

        « - reste avec son équipe ... ; » becomes « Reste avec son équipe ... . »: a mediator taps one,
        then says what this person actually did. Criteria written as prose have none.
        """
        out = []
        for line in self.criteria.splitlines():
            text = line.strip()
            if not text or text[0] not in "-*\u2022\u2013":  # hyphen, star, bullet, en dash
                continue
            text = text[1:].strip().rstrip(" ;,.").strip()
            if text:
                out.append(text[0].upper() + text[1:] + ".")
        return tuple(out)


@dataclass(frozen=True)
class SkillState:
    """Where a learner stands on one skill, with a French sentence saying why."""

    skill_id: str
    status: Status
    reason: str


@dataclass(frozen=True)
class SkillTree:
    """A whole, checked skill tree."""

    name: str
    description: str
    branches: tuple[Branch, ...]
    skills: tuple[Skill, ...]
    source: Path | None = None
    digest: str = ""
    _branch_index: dict[str, Branch] = field(init=False, repr=False, compare=False, hash=False)
    _skill_index: dict[str, Skill] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "branches", tuple(self.branches))
        object.__setattr__(self, "skills", tuple(self.skills))
        object.__setattr__(self, "_branch_index", {b.id: b for b in self.branches})
        object.__setattr__(self, "_skill_index", {s.id: s for s in self.skills})

    def skill(self, skill_id: str) -> Skill:
        """The skill with this id; ``KeyError`` when the tree has none."""
        try:
            return self._skill_index[skill_id]
        except KeyError:
            raise KeyError(f"compétence inconnue : {skill_id!r}") from None

    def branch(self, branch_id: str) -> Branch:
        """The branch with this id; ``KeyError`` when the tree has none."""
        try:
            return self._branch_index[branch_id]
        except KeyError:
            raise KeyError(f"branche inconnue : {branch_id!r}") from None

    def has_skill(self, skill_id: str) -> bool:
        """True when the tree declares this skill id."""
        return skill_id in self._skill_index

    def skills_of(self, branch_id: str) -> tuple[Skill, ...]:
        """The skills of one branch, lowest tier first (file order within a tier)."""
        return tuple(sorted((s for s in self.skills if s.branch == branch_id), key=lambda s: s.tier))

    def topological_order(self) -> tuple[Skill, ...]:
        """Every skill after all the skills its prerequisites mention; ties by tier then file order."""
        position = {s.id: i for i, s in enumerate(self.skills)}
        waiting = {s.id: {r for r in _mentions(s) if r in position} for s in self.skills}
        done: list[Skill] = []
        placed: set[str] = set()
        while len(done) < len(self.skills):
            ready = [s for s in self.skills if s.id not in placed and waiting[s.id] <= placed]
            if not ready:  # only a hand-built tree with a cycle gets here; loaded trees are acyclic
                raise ValueError("cycle de prérequis : aucun ordre possible")
            ready.sort(key=lambda s: (s.tier, position[s.id]))
            done.append(ready[0])
            placed.add(ready[0].id)
        return tuple(done)

    def is_unlocked(self, skill_id: str, earned: Iterable[str]) -> bool:
        """True when the prerequisites of the skill are met (whether or not it is earned)."""
        requires = self.skill(skill_id).requires
        return requires is None or requires.satisfied(set(earned))

    def status(self, earned: Iterable[str]) -> dict[str, SkillState]:
        """Each skill, in file order, as earned, unlocked or locked, with a French reason."""
        # Earned ids may name skills since removed from the file: they simply count for nothing.
        have = {s for s in earned if s in self._skill_index}
        states: dict[str, SkillState] = {}
        for skill in self.skills:
            states[skill.id] = self._state(skill, have)
        return states

    def display_name(self, skill_id: str) -> str:
        """The skill's name, or its id when the tree does not know it."""
        found = self._skill_index.get(skill_id)
        return found.name if found else skill_id

    def _quoted(self, skill_id: str) -> str:
        return f"« {self.display_name(skill_id)} »"

    def _state(self, skill: Skill, have: set[str]) -> SkillState:
        if skill.id in have:
            return SkillState(skill.id, "earned", "Badge obtenu.")
        if skill.requires is None:
            return SkillState(skill.id, "unlocked", "Débloqué dès le départ : aucun prérequis.")
        if skill.requires.satisfied(have):
            return SkillState(skill.id, "unlocked", "Tous les prérequis sont obtenus.")
        missing = skill.requires.missing(have, self._quoted)
        return SkillState(skill.id, "locked", f"Il manque : {missing}.")


def _mentions(skill: Skill) -> frozenset[str]:
    return skill.requires.skill_ids() if skill.requires else frozenset()
