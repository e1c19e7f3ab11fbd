"""The audit log as a person reads it: names instead of numbers, French sentences instead of JSON.

The log stores stable codes and ids (``learner:12``, an assertion's uid, ``{"skill": ...}``); a page of it
is read here with the names it needs fetched once per kind (staff, young people, badges, sessions),
whatever the number of lines: never one query per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skilltree import SkillTree

from ..models import Assertion, AuditEvent, GameSession, Learner, User

ERASED = "personne effacée"
COMMAND_LINE = "ligne de commande"
ROLES = {"admin": "administrateur·rice", "mediator": "médiateur·rice"}
# Counts recorded by an erasure (``learners.erasure.Erasure``), as sentences: singular, plural.
ERASURE_COUNTS = {
    "badges": ("%d badge retiré", "%d badges retirés"),
    "reasons": ("%d raison réécrite", "%d raisons réécrites"),
    "reports": ("%d rapport d'attribution groupée nettoyé", "%d rapports d'attribution groupée nettoyés"),
    "audit_lines": ("%d ligne du journal nettoyée", "%d lignes du journal nettoyées"),
    "sessions": ("%d séance nettoyée", "%d séances nettoyées"),
    "mentioned_elsewhere": (
        "%d badge d'une autre personne la cite (hors de portée)",
        "%d badges d'autres personnes la citent (hors de portée)",
    ),
}


@dataclass(frozen=True)
class Line:
    """One audit event, ready to show."""

    at: datetime
    who: str  # the staff member's name, or « ligne de commande »
    who_email: str  # the address the log kept (it stays when the account goes)
    action: str  # the stable code; the page turns it into a label
    subject: str  # what the action was about, in words
    details: tuple[str, ...]  # the rest, one short French sentence each


@dataclass
class _Names:
    users: dict[int, str]
    learners: dict[int, str]
    badges: dict[str, tuple[str, int]]  # assertion uid -> (skill id, learner id)
    sessions: dict[int, str]


def _plural(count: int, forms: tuple[str, str]) -> str:
    return (forms[0] if count == 1 else forms[1]) % count


def _number(target: str, prefix: str) -> int | None:
    if not target.startswith(prefix):
        return None
    rest = target[len(prefix) :]
    return int(rest) if rest.isdigit() else None


def _detail(event: AuditEvent) -> dict[str, Any]:
    try:
        found = json.loads(event.detail) if event.detail else {}
    except ValueError:
        return {"détail": event.detail}
    return found if isinstance(found, dict) else {"détail": event.detail}


def _load_names(db: Session, events: list[AuditEvent], details: list[dict[str, Any]]) -> _Names:
    """Every name a page of events needs, one query per kind."""
    user_ids = {e.actor_id for e in events if e.actor_id is not None}
    user_ids |= {n for e in events if (n := _number(e.target, "user:")) is not None}
    learner_ids = {n for e in events if (n := _number(e.target, "learner:")) is not None}
    learner_ids |= {d["learner"] for d in details if isinstance(d.get("learner"), int)}
    session_ids = {n for e in events if (n := _number(e.target, "session:")) is not None}
    uids = {e.target for e in events if ":" not in e.target and e.target != "issuer"}

    names = _Names({}, {}, {}, {})
    if uids:
        for uid, skill_id, learner_id, name, erased in db.execute(
            select(
                Assertion.uid,
                Assertion.skill_id,
                Assertion.learner_id,
                Learner.display_name,
                Learner.erased_at,
            )
            .join(Learner, Learner.id == Assertion.learner_id)
            .where(Assertion.uid.in_(uids))
        ):
            names.badges[uid] = (skill_id, learner_id)
            names.learners[learner_id] = ERASED if erased is not None else name
    learner_ids -= names.learners.keys()
    if learner_ids:
        for learner_id, name, erased in db.execute(
            select(Learner.id, Learner.display_name, Learner.erased_at).where(Learner.id.in_(learner_ids))
        ):
            names.learners[learner_id] = ERASED if erased is not None else name
    if user_ids:
        # .all(): a Result has keys(), and dict() would read it as a mapping.
        names.users = dict(db.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
    if session_ids:
        found = select(GameSession.id, GameSession.title).where(GameSession.id.in_(session_ids))
        names.sessions = dict(db.execute(found).all())
    return names


def _learner(names: _Names, learner_id: int) -> str:
    return names.learners.get(learner_id, f"jeune n° {learner_id}")


def _subject(event: AuditEvent, names: _Names, tree: SkillTree) -> str:
    target = event.target
    if (n := _number(target, "learner:")) is not None:
        return _learner(names, n)
    if (n := _number(target, "user:")) is not None:
        return names.users.get(n, f"compte n° {n}")
    if (n := _number(target, "session:")) is not None:
        return f"séance « {names.sessions[n]} »" if n in names.sessions else f"séance n° {n}"
    if target.startswith("key:"):
        return f"clé {target[4:]}"
    if target == "issuer":
        return "profil de la structure"
    if target in names.badges:
        skill_id, learner_id = names.badges[target]
        return f"« {tree.display_name(skill_id)} » — {_learner(names, learner_id)}"
    return target


def _details(event: AuditEvent, detail: dict[str, Any], names: _Names, tree: SkillTree) -> tuple[str, ...]:
    badge = names.badges.get(event.target)
    said: list[str] = []
    for key, value in sorted(detail.items()):
        if key == "skill":
            if badge is None or badge[0] != value:
                said.append(f"compétence « {tree.display_name(str(value))} »")
        elif key == "learner" and isinstance(value, int):
            if badge is None or badge[1] != value:
                said.append(f"jeune : {_learner(names, value)}")
        elif key == "bulk":
            said.append("attribution groupée")
        elif key == "reason":
            said.append(f"raison : {value}")
        elif key == "participants" and isinstance(value, int):
            said.append(_plural(value, ("%d participant·e", "%d participant·es")))
        elif key == "sessions" and isinstance(value, int):
            said.append(_plural(value, ("%d session fermée", "%d sessions fermées")))
        elif key == "role":
            said.append(f"rôle : {ROLES.get(str(value), value)}")
        elif key == "email":
            said.append(f"e-mail : {value}")
        elif key == "name":
            said.append(f"nom : {value}")
        elif key in ERASURE_COUNTS and isinstance(value, int):
            said.append(_plural(value, ERASURE_COUNTS[key]))
        else:
            said.append(f"{key} : {value}")
    return tuple(said)


def lines(db: Session, tree: SkillTree, events: Iterable[AuditEvent]) -> list[Line]:
    """A page of audit events, each with the names and words a person reads."""
    events = list(events)
    details = [_detail(e) for e in events]
    names = _load_names(db, events, details)
    shown = []
    for event, detail in zip(events, details, strict=True):
        staff = names.users.get(event.actor_id) if event.actor_id is not None else None
        shown.append(
            Line(
                at=event.at,
                who=staff or (COMMAND_LINE if event.actor_id is None else event.actor_label),
                who_email="" if event.actor_id is None else event.actor_label,
                action=event.action,
                subject=_subject(event, names, tree),
                details=_details(event, detail, names, tree),
            )
        )
    return shown
