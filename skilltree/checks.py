"""Checks that need the whole tree: unique ids, references, tiers, cycles, unreachable skills."""

from __future__ import annotations

import difflib
from collections import deque

from ._doc import Report
from .schema import SkillDraft, TreeParts

HINT_LIMIT = 300


def check_graph(parts: TreeParts, report: Report) -> None:
    """Report every problem that only shows when all branches and skills are known."""
    _unique_branches(parts, report)
    skills = _unique_skills(parts.skills, report)
    branch_ids = list(dict.fromkeys(branch_id for branch_id, _ in parts.branch_nodes))
    for draft in parts.skills:
        if draft.branch is not None and draft.branch not in branch_ids and draft.branch_node is not None:
            hint = _hint(draft.branch, branch_ids) or f" ; branches déclarées : {', '.join(branch_ids)}"
            report.add(
                draft.branch_node,
                _sentence(f"Compétence « {draft.id} » : branche « {draft.branch} » inconnue{hint}"),
            )
    unknown = _references(skills, report)
    cyclic = _cycles(skills, report)
    _unreachable(skills, unknown, cyclic, report)


def _unique_branches(parts: TreeParts, report: Report) -> None:
    first: dict[str, int] = {}
    for branch_id, node in parts.branch_nodes:
        if branch_id in first:
            report.add(
                node, f"Branche « {branch_id} » : cet identifiant est déjà utilisé ligne {first[branch_id]}."
            )
        else:
            first[branch_id] = node.line


def _unique_skills(drafts: list[SkillDraft], report: Report) -> dict[str, SkillDraft]:
    """The skills by id (first occurrence wins); later duplicates are reported."""
    found: dict[str, SkillDraft] = {}
    for draft in drafts:
        if draft.id is None:
            continue
        if draft.id in found:
            report.add(
                draft.id_node,
                f"Compétence « {draft.id} » : cet identifiant est déjà utilisé ligne {found[draft.id].node.line} ; chaque compétence doit avoir le sien.",
            )
        else:
            found[draft.id] = draft
    return found


def _sentence(text: str) -> str:
    return text if text.endswith(("?", ".")) else text + "."


def _hint(word: str, known: list[str]) -> str:
    if len(known) > HINT_LIMIT:  # fuzzy matching is quadratic; trees that large are generated, not typed
        return ""
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


def _references(skills: dict[str, SkillDraft], report: Report) -> set[str]:
    """Report unknown prerequisites and the tier rule; return the unknown ids."""
    unknown: set[str] = set()
    for draft in skills.values():
        for ref, node in draft.requires.refs:
            target = skills.get(ref)
            if ref == draft.id:
                report.add(
                    node, f"Compétence « {draft.id} » : une compétence ne peut pas être son propre prérequis."
                )
            elif target is None:
                unknown.add(ref)
                report.add(
                    node,
                    _sentence(
                        f"Compétence « {draft.id} » : prérequis « {ref} » inconnu{_hint(ref, list(skills))}"
                    ),
                )
            elif draft.tier is not None and target.tier is not None and target.tier >= draft.tier:
                # A prerequisite always sits on a lower tier: the tree then reads bottom-up and cannot loop.
                report.add(
                    node,
                    f"Compétence « {draft.id} » (niveau {draft.tier}) : son prérequis « {ref} » est de niveau {target.tier} ; un prérequis doit être d'un niveau strictement inférieur.",
                )
    return unknown


def _edges(draft: SkillDraft, skills: dict[str, SkillDraft]) -> list[str]:
    seen: list[str] = []
    for ref, _ in draft.requires.refs:
        if ref in skills and ref not in seen:
            seen.append(ref)
    return seen


def _cycles(skills: dict[str, SkillDraft], report: Report) -> set[str]:
    """Report each prerequisite cycle once, on its first skill in file order; return the skills in cycles."""
    order = list(skills)
    graph = {skill_id: _edges(skills[skill_id], skills) for skill_id in order}
    position = {skill_id: i for i, skill_id in enumerate(order)}
    in_cycle: set[str] = set()
    for component in _strong_components(order, graph):
        start = min(component, key=position.__getitem__)
        if len(component) == 1 and start not in graph[start]:
            continue
        in_cycle.update(component)
        path = _loop_from(start, graph, component)
        if len(path) == 2:  # a skill naming itself: already reported with the references
            continue
        names = " → ".join(f"« {skill_id} »" for skill_id in path)
        report.add(
            skills[start].node,
            f"Cycle de prérequis : {names} ; aucune de ces compétences ne pourra être débloquée.",
        )
    return in_cycle


def _strong_components(order: list[str], graph: dict[str, list[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components, iteratively (a long chain must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in order:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if child < len(graph[node]):
                work.append((node, child + 1))
                nxt = graph[node][child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _loop_from(start: str, graph: dict[str, list[str]], within: set[str]) -> list[str]:
    """The shortest path start → ... → start inside one strongly connected component (breadth-first)."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for nxt in graph[current]:
            if nxt == start:
                return _unwind(start, current, parent)
            if nxt in within and nxt not in parent:
                parent[nxt] = current
                queue.append(nxt)
    raise AssertionError("a strongly connected component always loops")


def _unwind(start: str, last: str, parent: dict[str, str]) -> list[str]:
    backwards = [last]
    while backwards[-1] != start:
        backwards.append(parent[backwards[-1]])
    return [*list(reversed(backwards)), start]


def _unreachable(skills: dict[str, SkillDraft], unknown: set[str], cyclic: set[str], report: Report) -> None:
    """Report skills no learner could ever unlock, unless the cause was already reported on them."""
    # Unknown ids and unsound conditions are already reported: count them as reachable to avoid echoes.
    reachable: set[str] = set(unknown)
    pending = sorted(skills.values(), key=lambda d: d.tier or 0)
    changed = True
    while changed:
        changed = False
        for draft in pending:
            if draft.id in reachable:
                continue
            condition = draft.requires.condition
            if condition is None or not draft.requires.sound or condition.satisfied(reachable):
                reachable.add(draft.id)  # type: ignore[arg-type]
                changed = True
    for draft in skills.values():
        if draft.id in reachable or draft.id in cyclic:
            continue
        blockers = [ref for ref in _edges(draft, skills) if ref not in reachable]
        named = ", ".join(f"« {ref} »" for ref in blockers)
        report.add(
            draft.node,
            f"Compétence « {draft.id} » : elle ne pourra jamais être débloquée, car ses prérequis dépendent de {named}, qui ne peu{'vent' if len(blockers) > 1 else 't'} jamais l'être.",
        )
