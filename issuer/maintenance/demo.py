"""Demo data: a mediator, an administrator, a few young people and their first badges."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import service as accounts
from ..awarding import service as awarding
from ..learners import service as learners
from ..models import AgeBand, GameSession, Role, User
from ..runtime import Runtime

DEMO_MEDIATOR = "mediatrice@demo.palier.fr"
DEMO_ADMIN = "admin@demo.palier.fr"

_LEARNERS = (
    learners.LearnerData("Lina", "lina@example.org", AgeBand.ADULT, name_public=True),
    learners.LearnerData("Noé", None, AgeBand.TEEN, name_public=True),
    learners.LearnerData("Sacha", None, AgeBand.UNDER_15, name_public=False, parental_consent=True),
    learners.LearnerData("Yanis", "yanis@example.org", AgeBand.ADULT, name_public=False),
)

_OBSERVED = (
    "A proposé son aide à un coéquipier bloqué, deux fois pendant la partie, sans qu'on le lui demande.",
    "A annoncé clairement ses actions à l'équipe et écouté les propositions des autres.",
    "Après trois échecs sur le même passage, a changé de stratégie au lieu d'abandonner.",
)


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
    mediator = accounts.create_user(
        db,
        email=DEMO_MEDIATOR,
        name="Camille (médiatrice démo)",
        password=password,
        role=Role.MEDIATOR,
        actor=None,
        now=now,
    )
    accounts.create_user(
        db,
        email=DEMO_ADMIN,
        name="Dominique (admin démo)",
        password=password,
        role=Role.ADMIN,
        actor=None,
        now=now,
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
                    evidence=awarding.Evidence(_OBSERVED[len(earned) % len(_OBSERVED)], game=session.game),
                    now=when,
                    session_id=session.id,
                )
                earned.add(skill.id)
    return password, True
