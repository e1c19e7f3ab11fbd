"""Demo data: a mediator, an administrator, a few young people and their first badges."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import service as accounts
from ..awarding import service as awarding
from ..learners import service as learners
from ..models import AgeBand, GameSession, Role, User
from ..runtime import Runtime

if TYPE_CHECKING:
    from skilltree import Skill

DEMO_MEDIATOR = "mediatrice@demo.palier.fr"
DEMO_ADMIN = "admin@demo.palier.fr"

# The two staff accounts, the mediator first: (e-mail, name, role).
_STAFF = (
    (DEMO_MEDIATOR, "Camille (médiatrice démo)", Role.MEDIATOR),
    (DEMO_ADMIN, "Dominique (admin démo)", Role.ADMIN),
)
_LEARNERS = (
    learners.LearnerData("Lina", "lina@example.org", AgeBand.ADULT, name_public=True),
    learners.LearnerData("Noé", None, AgeBand.TEEN, name_public=True),
    learners.LearnerData("Sacha", None, AgeBand.UNDER_15, name_public=False, parental_consent=True),
    learners.LearnerData("Yanis", "yanis@example.org", AgeBand.ADULT, name_public=False),
)


def observed(skill: Skill, pick: int = 0) -> str:
    """What a mediator saw, in the words of one of the skill's criteria (``pick`` chooses which).

    The tree writes criteria as « Pendant une séance, la personne : » followed by observable behaviours,
    one per line: the evidence is the opening and one behaviour, so it always matches the badge.
    """
    lines = [line.strip() for line in skill.criteria.splitlines() if line.strip()]
    behaviours = [line[2:].strip().rstrip(" ;.") for line in lines if line.startswith(("- ", "* "))]
    if not behaviours:  # a criterion written as prose: it is the behaviour
        return skill.criteria.strip()
    opening = lines[0].rstrip(" :") if lines[0].endswith(":") else "En séance, la personne"
    return f"{opening} {behaviours[pick % len(behaviours)]}."


def load_demo(db: Session, rt: Runtime, now: datetime) -> tuple[str, bool]:
    """Create the demo data once; return the demo password (new each call) and whether data was created."""
    password = "demo-" + secrets.token_urlsafe(9)
    mediator = db.scalars(select(User).where(User.email == DEMO_MEDIATOR)).first()
    if mediator is not None:
        for email in (DEMO_MEDIATOR, DEMO_ADMIN):
            user = db.scalars(select(User).where(User.email == email)).first()
            if user is not None:
                accounts.set_password(db, user, password, None, now)
        return password, False
    mediator, _admin = (
        accounts.create_user(
            db,
            email=email,
            name=name,
            password=password,
            role=role,
            actor=None,
            now=now,
            network_admin=role == Role.ADMIN,  # the demo's administrator also runs the network
        )
        for email, name, role in _STAFF
    )
    people = [learners.create_learner(db, data, actor=mediator, now=now) for data in _LEARNERS]
    session = GameSession(
        title="Tournoi coopératif du mercredi",
        held_on=now - timedelta(days=2),
        place="Médiathèque — espace jeu",
        game="Overcooked 2",
        created_by_id=mediator.id,
        created_at=now,
    )
    session.participants = list(people)
    db.add(session)
    db.flush()
    tree = rt.tree
    for index, learner in enumerate(people[:3]):
        when = now - timedelta(days=2, hours=index)
        earned: set[str] = set()
        # Award the first unlocked skills of a few branches, then one more tier for the first learner.
        for round_ in range(2 if index == 0 else 1):
            status = tree.status(earned)
            unlocked = [s for s in tree.topological_order() if status[s.id].status == "unlocked"]
            for skill in unlocked[: 3 if round_ == 0 else 1]:
                awarding.award(
                    db,
                    rt,
                    learner_id=learner.id,
                    skill_id=skill.id,
                    actor=mediator,
                    evidence=awarding.Evidence(observed(skill, index + len(earned)), game=session.game),
                    now=when,
                    session_id=session.id,
                )
                earned.add(skill.id)
    return password, True
