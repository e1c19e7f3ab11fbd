"""The status model: what a learner has earned, may earn next, and what is missing, in French."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skilltree import (
    AllOf,
    AnyOf,
    AtLeast,
    Branch,
    Requires,
    Skill,
    SkillState,
    SkillTree,
    load_tree,
    parse_tree,
)

TREES = Path(__file__).parent / "trees"


@pytest.fixture(scope="module")
def tree() -> SkillTree:
    return load_tree(TREES / "minimal.yaml")


def names(skill_id: str) -> str:
    return skill_id.replace("-", " ").title()


# --- prerequisite nodes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "earned", "expected"),
    [
        (Requires("a"), set(), False),
        (Requires("a"), {"a"}, True),
        (AllOf((Requires("a"), Requires("b"))), {"a"}, False),
        (AllOf((Requires("a"), Requires("b"))), {"a", "b"}, True),
        (AnyOf((Requires("a"), Requires("b"))), {"b"}, True),
        (AnyOf((Requires("a"), Requires("b"))), set(), False),
        (AtLeast(2, (Requires("a"), Requires("b"), Requires("c"))), {"a", "c"}, True),
        (AtLeast(2, (Requires("a"), Requires("b"), Requires("c"))), {"c"}, False),
        (
            AllOf((Requires("a"), AtLeast(1, (Requires("b"), AnyOf((Requires("c"), Requires("d"))))))),
            {"a", "d"},
            True,
        ),
        (
            AllOf((Requires("a"), AtLeast(2, (Requires("b"), AnyOf((Requires("c"), Requires("d"))))))),
            {"a", "d"},
            False,
        ),
    ],
)
def test_prerequisite_satisfied(condition, earned, expected):
    assert condition.satisfied(earned) is expected
    assert condition.satisfied(list(earned)) is expected  # any iterable will do


def test_prerequisite_skill_ids_collects_nested_ids():
    condition = AllOf((Requires("a"), AnyOf((Requires("b"), AtLeast(1, (Requires("c"), Requires("a")))))))
    assert condition.skill_ids() == {"a", "b", "c"}


@pytest.mark.parametrize(
    "build",
    [
        lambda: AllOf(()),
        lambda: AnyOf(()),
        lambda: AtLeast(0, (Requires("a"),)),
        lambda: AtLeast(2, (Requires("a"),)),
    ],
)
def test_prerequisite_refuses_impossible_shapes(build):
    with pytest.raises(ValueError):
        build()


def test_prerequisite_values_are_frozen_and_comparable():
    assert AllOf([Requires("a")]) == AllOf((Requires("a"),))
    with pytest.raises(AttributeError):
        Requires("a").skill_id = "b"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("condition", "earned", "expected"),
    [
        (Requires("coop-2"), set(), "Coop 2"),
        (AllOf((Requires("a"), Requires("b"), Requires("c"))), {"b"}, "A et C"),
        (AnyOf((Requires("a"), Requires("b"))), set(), "soit A, soit B"),
        (AtLeast(2, (Requires("a"), Requires("b"), Requires("c"))), {"b"}, "2 parmi A, B, C (1 obtenue)"),
        (
            AtLeast(2, (Requires("a"), Requires("b"), Requires("c"))),
            set(),
            "2 parmi A, B, C (aucune obtenue)",
        ),
        (
            AtLeast(3, (Requires("a"), Requires("b"), Requires("c"), Requires("d"))),
            {"a", "b"},
            "3 parmi A, B, C, D (2 obtenues)",
        ),
        (
            AllOf((Requires("a"), AnyOf((Requires("b"), AllOf((Requires("c"), Requires("d"))))))),
            {"a", "c"},
            "soit B, soit (C et D)",
        ),
    ],
)
def test_prerequisite_missing_wording(condition, earned, expected):
    assert condition.missing(earned, names) == expected


def test_prerequisite_missing_is_empty_when_satisfied():
    assert AtLeast(1, (Requires("a"), Requires("b"))).missing({"b"}, names) == ""


# --- the tree's questions -----------------------------------------------------------------------


def test_tree_lookups(tree):
    assert tree.skill("capitaine").tier == 3
    assert tree.branch("entraide").name == "Entraide"
    assert tree.has_skill("entraide-1") and not tree.has_skill("disparue")
    with pytest.raises(KeyError):
        tree.skill("disparue")
    with pytest.raises(KeyError):
        tree.branch("disparue")


def test_tree_skills_of_is_sorted_by_tier(tree):
    assert [s.id for s in tree.skills_of("strategie")] == ["strategie-1", "strategie-2", "capitaine"]
    assert tree.skills_of("inconnue") == ()


def test_tree_topological_order_puts_prerequisites_first(tree):
    order = [s.id for s in tree.topological_order()]
    assert sorted(order) == sorted(s.id for s in tree.skills)
    for skill in tree.skills:
        if skill.requires:
            assert all(order.index(r) < order.index(skill.id) for r in skill.requires.skill_ids())


def test_tree_topological_order_rejects_a_hand_built_cycle():
    branch = Branch("b", "B", "d", "#000000")
    looped = SkillTree(
        "t",
        "",
        (branch,),
        (
            Skill("x", "b", 1, "X", "d", "c", requires=Requires("y")),
            Skill("y", "b", 1, "Y", "d", "c", requires=Requires("x")),
        ),
    )
    with pytest.raises(ValueError):
        looped.topological_order()


def test_status_for_a_newcomer(tree):
    states = tree.status([])
    assert list(states) == [s.id for s in tree.skills]
    assert states["entraide-1"] == SkillState(
        "entraide-1", "unlocked", "Débloqué dès le départ : aucun prérequis."
    )
    assert states["entraide-2"].status == "locked"
    assert states["entraide-2"].reason == "Il manque : « Entraide 1 »."


def test_status_earned_and_unlocked(tree):
    states = tree.status({"entraide-1"})
    assert states["entraide-1"].status == "earned"
    assert states["entraide-2"].status == "unlocked"
    assert states["capitaine"].status == "locked"
    assert (
        states["capitaine"].reason == "Il manque : 1 parmi « Entraide 2 », « Stratégie 2 » (aucune obtenue)."
    )


def test_status_reason_names_everything_missing(tree):
    reason = tree.status([])["capitaine"].reason
    assert (
        reason == "Il manque : « Entraide 1 », et 1 parmi « Entraide 2 », « Stratégie 2 » (aucune obtenue)."
    )


def test_status_any_branch_of_at_least_unlocks(tree):
    assert tree.status({"entraide-1", "strategie-1", "strategie-2"})["capitaine"].status == "unlocked"


def test_status_tolerates_ids_removed_from_the_tree(tree):
    states = tree.status(["entraide-1", "ancienne-competence"])
    assert "ancienne-competence" not in states and states["entraide-1"].status == "earned"


def test_status_keeps_earned_even_when_prerequisites_are_gone(tree):
    # A badge awarded before the tree changed stays earned: the model never takes a badge back.
    assert tree.status({"capitaine"})["capitaine"].status == "earned"


def test_is_unlocked_ignores_whether_the_skill_is_earned(tree):
    assert tree.is_unlocked("entraide-1", [])
    assert not tree.is_unlocked("entraide-2", ["capitaine"])
    assert tree.is_unlocked("entraide-2", iter(["entraide-1"]))
    with pytest.raises(KeyError):
        tree.is_unlocked("disparue", [])


def test_status_on_the_default_tree_matches_the_issue_example():
    from skilltree import default_tree_path

    tree = load_tree(default_tree_path())
    reason = tree.status({"leadership-2", "cooperation-2", "communication-2"})["leadership-3"].reason
    assert (
        reason
        == "Il manque : 2 parmi « Écoute active », « Élaborer une stratégie », « Garder son calme » (1 obtenue)."
    )


# --- properties on random trees -----------------------------------------------------------------


@st.composite
def random_trees(draw):
    """A valid tree: skills on tiers, each requiring a random condition on lower-tier skills."""
    count = draw(st.integers(min_value=1, max_value=12))
    tiers = sorted(draw(st.lists(st.integers(1, 4), min_size=count, max_size=count)))
    ids = [f"s-{i}" for i in range(count)]
    lines = [
        "version: 1",
        "name: Hasard",
        "branches:",
        "  - id: b",
        "    name: B",
        "    description: d",
        '    colour: "#123456"',
        "skills:",
    ]
    for skill_id, tier in zip(ids, tiers, strict=False):
        lower = [i for i, t in zip(ids, tiers, strict=False) if t < tier]
        lines += [
            f"  - id: {skill_id}",
            "    branch: b",
            f"    tier: {tier}",
            f"    name: {skill_id}",
            "    description: d",
            "    criteria: c",
        ]
        if lower and draw(st.booleans()):
            lines.append(f"    requires: {draw(conditions(lower))}")
    return parse_tree("\n".join(lines) + "\n")


def conditions(ids: list[str], depth: int = 0):
    """A prerequisite in flow YAML over ``ids`` (no repeats within one list)."""
    single = st.sampled_from(ids)
    if depth >= 2:
        return single

    def composite(chosen: list[str]):
        inner = st.lists(conditions(chosen, depth + 1), min_size=1, max_size=3).map(
            lambda items: list(dict.fromkeys(items))
        )
        return st.one_of(
            inner.map(lambda items: "{all: [" + ", ".join(items) + "]}"),
            inner.map(lambda items: "{any: [" + ", ".join(items) + "]}"),
            inner.flatmap(
                lambda items: st.integers(1, len(items)).map(
                    lambda n: "{at_least: " + str(n) + ", of: [" + ", ".join(items) + "]}"
                )
            ),
        )

    return st.one_of(single, composite(ids))


@settings(max_examples=150, deadline=None)
@given(tree=random_trees(), data=st.data())
def test_status_never_unlocks_a_skill_with_unmet_prerequisites(tree, data):
    earned = data.draw(st.sets(st.sampled_from([s.id for s in tree.skills] + ["hors-arbre"])))
    for skill_id, state in tree.status(earned).items():
        skill = tree.skill(skill_id)
        if state.status == "earned":
            assert skill_id in earned
        elif state.status == "unlocked":
            assert skill.requires is None or skill.requires.satisfied(earned)
        else:
            assert skill.requires is not None and not skill.requires.satisfied(earned)
            assert state.reason.startswith("Il manque : ") and state.reason.endswith(".")


@settings(max_examples=100, deadline=None)
@given(tree=random_trees())
def test_earning_in_topological_order_unlocks_every_skill(tree):
    earned: set[str] = set()
    for skill in tree.topological_order():
        assert tree.is_unlocked(skill.id, earned), skill.id
        earned.add(skill.id)
    assert all(state.status == "earned" for state in tree.status(earned).values())
