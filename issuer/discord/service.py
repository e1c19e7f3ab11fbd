"""What Discord may do in a structure: its settings, linking mediators' accounts, suggesting skills,
and recognising a skill (a badge at once for a linked young person, else an award waiting to be claimed).

Every check is made before anything is written, and again in the transaction that writes: a refusal
leaves the database as it was. Palier keeps Discord ids only, never a message, a name or an avatar.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, tenancy
from ..accounts.permissions import Action, require, require_award
from ..accounts.service import membership
from ..awarding import service as awarding
from ..collecting.codes import ALPHABET, LENGTH, read, written
from ..errors import Code, NotFound, Refused
from ..folding import fold
from ..models import (
    AgeBand,
    DiscordApp,
    DiscordLearner,
    DiscordLinkCode,
    DiscordMember,
    DiscordPendingAward,
    Learner,
    User,
)
from ..network.links import held_elsewhere
from ..runtime import Runtime
from . import signature
from .interactions import Interaction, snowflake

LINK_CODE_LIFE = timedelta(minutes=10)
CLAIM_CODE_LIFE = timedelta(days=30)
CLAIM_PATH = "/discord/badge"
MAX_SKILL_ID = 64  # Discord carries a modal's custom_id (« reconnaitre:<id>:<skill> ») up to 100 characters


def new_code() -> str:
    """A one-time code in the handover codes' alphabet (nothing a phone screen makes ambiguous)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_digest(kind: str, code: str) -> str:
    """What the database keeps of a code (never the code)."""
    return hashlib.sha256(f"palier-discord-{kind}:{code}".encode()).hexdigest()


# ---- Settings -----------------------------------------------------------------------------------------


def settings(db: Session) -> DiscordApp | None:
    """This structure's Discord application, if it set one up."""
    return db.scalars(select(DiscordApp)).first()


def _settings_refused(detail: str) -> Refused:
    return Refused(Code.DISCORD_SETTINGS, detail=detail)


def _taken_elsewhere(db: Session, column: Any, value: str, structure_id: int | None) -> bool:
    owner = db.scalar(
        select(DiscordApp.structure_id).where(column == value).execution_options(**tenancy.ACROSS_STRUCTURES)
    )
    return owner is not None and owner != structure_id


def save_settings(
    db: Session, *, application_id: str, public_key: str, guild_id: str, actor: User | None, now: datetime
) -> DiscordApp:
    """Set this structure's application (id, Ed25519 public key) and its one linked server."""
    require(db, actor, Action.ADMINISTER)
    app_id, guild = snowflake((application_id or "").strip()), (guild_id or "").strip()
    key = (public_key or "").strip().lower()
    if app_id is None:
        raise _settings_refused("l'identifiant de l'application est un nombre (Application ID).")
    if signature.public_key(key) is None:
        raise _settings_refused("la clé publique fait 64 caractères hexadécimaux (Public Key).")
    if guild and snowflake(guild) is None:
        raise _settings_refused("l'identifiant du serveur est un nombre (Server ID).")
    here = tenancy.bound(db) or tenancy.ROOT_STRUCTURE_ID
    if _taken_elsewhere(db, DiscordApp.application_id, app_id, here):
        raise _settings_refused("cette application Discord est déjà celle d'une autre structure.")
    if guild and _taken_elsewhere(db, DiscordApp.guild_id, guild, here):
        raise _settings_refused("ce serveur Discord est déjà relié à une autre structure.")
    row = settings(db) or DiscordApp()
    row.application_id, row.public_key, row.guild_id = app_id, key, guild or None
    row.updated_at, row.updated_by_id = now, actor.id if actor else None
    db.add(row)
    db.flush()
    audit.record(db, actor, "discord.settings", f"discord:{app_id}", now, guild=guild or None)
    return row


# ---- Who is typing ------------------------------------------------------------------------------------


def new_link_code(db: Session, *, actor: User, now: datetime) -> str:
    """A code the staff member types in Discord (``/lier code:…``) to link their Discord account."""
    require(db, actor, Action.AWARD)
    code = new_code()
    db.add(DiscordLinkCode(code_digest=code_digest("link", code), user_id=actor.id, created_at=now,
                           expires_at=now + LINK_CODE_LIFE))  # fmt: skip
    db.flush()
    audit.record(db, actor, "discord.link_code", f"user:{actor.id}", now)
    return written(code)


def members_of(db: Session, user_id: int) -> list[DiscordMember]:
    """The Discord accounts a staff member linked in this structure."""
    return list(db.scalars(select(DiscordMember).where(DiscordMember.user_id == user_id)))


def check_guild(app: DiscordApp, it: Interaction) -> None:
    """Refuse a command typed anywhere but the server linked to this structure."""
    if it.guild_id is None or app.guild_id is None or it.guild_id != app.guild_id:
        raise Refused(Code.DISCORD_GUILD)


def link_member(db: Session, app: DiscordApp, it: Interaction, typed: str, now: datetime) -> str:
    """``/lier code:…``: this Discord account is now the one of the code's staff member."""
    check_guild(app, it)
    code = read(typed)
    row = None
    if code is not None and it.user_id is not None:
        row = db.scalars(
            select(DiscordLinkCode).where(DiscordLinkCode.code_digest == code_digest("link", code))
        ).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise Refused(Code.DISCORD_LINK_CODE)
    assert it.user_id is not None
    row.used_at = now
    found = db.scalars(select(DiscordMember).where(DiscordMember.discord_user_id == it.user_id)).first()
    if found is None:
        db.add(DiscordMember(discord_user_id=it.user_id, user_id=row.user_id, linked_at=now))
    else:
        found.user_id, found.linked_at = row.user_id, now
    user = db.get(User, row.user_id)
    audit.record(db, user, "discord.link", f"user:{row.user_id}", now)
    return "Votre compte Discord est relié à votre compte Palier : vous pouvez utiliser /reconnaitre."


def mediator(db: Session, app: DiscordApp, it: Interaction) -> User:
    """The active staff account of this structure the Discord user linked, or a refusal."""
    check_guild(app, it)
    found = None
    if it.user_id is not None:
        found = db.scalars(select(DiscordMember).where(DiscordMember.discord_user_id == it.user_id)).first()
    user = db.get(User, found.user_id) if found is not None else None
    if user is None or not user.active or membership(db, user.id) is None:
        raise Refused(Code.DISCORD_USER)
    return user


def young_person(db: Session, discord_id: str | None) -> Learner | None:
    """The standing record a young person's Discord account is linked to, if any."""
    if discord_id is None:
        return None
    return db.scalars(
        select(Learner)
        .join(DiscordLearner, DiscordLearner.learner_id == Learner.id)
        .where(DiscordLearner.discord_user_id == discord_id, Learner.erased_at.is_(None))
    ).first()


# ---- Recognising a skill ------------------------------------------------------------------------------


def skill_choices(db: Session, rt: Runtime, young_id: str | None, typed: str) -> list[tuple[str, str]]:
    """The skills that may be awarded (prerequisites met, when the young person is linked), matching."""
    person = young_person(db, young_id)
    if person is not None:
        earned = awarding.earned_skills(db, person.id)
        states = awarding.tree_status(rt.tree, earned, held_elsewhere(db, {person.id})[person.id])
    else:  # a new record will hold nothing yet: the skills open to a beginner
        states = rt.tree.status(set())
    wanted = fold(typed or "")
    found = [
        (rt.tree.display_name(s.id), s.id)
        for s in rt.tree.topological_order()
        if states[s.id].status == "unlocked"
        and (wanted in fold(rt.tree.display_name(s.id)) or wanted in s.id)
    ]
    return found[:25]


@dataclass(frozen=True)
class Recognition:
    """Who awards which skill to whom, every check passed."""

    actor: User
    young_id: str
    skill_id: str
    skill_name: str
    learner: Learner | None


def check(
    db: Session, rt: Runtime, app: DiscordApp, it: Interaction, young_id: str | None, skill_id: str
) -> Recognition:
    """Every refusal an award from Discord may meet, before anything is written."""
    actor = mediator(db, app, it)
    young = snowflake(young_id)
    if young is None or young == it.user_id:
        raise Refused(Code.NOT_ALLOWED)
    skill_id = (skill_id or "").strip()[:80]
    if len(skill_id) > MAX_SKILL_ID:  # the modal's custom_id (100 characters) must carry it
        raise NotFound(Code.NO_SUCH_SKILL, skill=skill_id)
    name = awarding.skill_name(rt, skill_id)
    require_award(db, actor, skill_id=skill_id, skill_name=name, session_id=None)
    person = young_person(db, young)
    if person is not None and person.age_band == AgeBand.UNDER_15 and person.parental_consent_at is None:
        raise Refused(Code.DISCORD_MINOR)
    if person is not None:
        earned = awarding.earned_skills(db, person.id)
        elsewhere = held_elsewhere(db, {person.id})[person.id]
        awarding.check_awardable(rt, skill_id, earned, False, None, elsewhere)
    else:
        awarding.check_awardable(rt, skill_id, set(), False, None)
    return Recognition(actor, young, skill_id, name, person)


def recognise(
    db: Session,
    rt: Runtime,
    app: DiscordApp,
    it: Interaction,
    target: tuple[str, str],
    evidence: awarding.Evidence,
    now: datetime,
) -> str:
    """The modal's submit: the badge at once, or an award waiting with its code; the French answer."""
    evidence = awarding.check_evidence(evidence)
    found = check(db, rt, app, it, *target)
    if found.learner is not None:
        row = awarding.award(db, rt, learner_id=found.learner.id, skill_id=found.skill_id, actor=found.actor,
                             evidence=evidence, now=now)  # fmt: skip
        audit.record(db, found.actor, "discord.award", row.uid, now, skill=found.skill_id)
        return (
            f"Badge « {found.skill_name} » délivré. La personne le retrouve sur sa page Palier ; "
            "rien n'a été publié dans le salon."
        )
    code = new_code()
    pending = DiscordPendingAward(uid=str(uuid.uuid4()), code_digest=code_digest("claim", code),
                                  discord_user_id=found.young_id, skill_id=found.skill_id,
                                  evidence_narrative=evidence.narrative, evidence_game=evidence.game,
                                  awarded_by_id=found.actor.id, created_at=now,
                                  expires_at=now + CLAIM_CODE_LIFE)  # fmt: skip
    db.add(pending)
    db.flush()
    audit.record(db, found.actor, "discord.pending", pending.uid, now, skill=found.skill_id)
    until = (now + CLAIM_CODE_LIFE).strftime("%d/%m/%Y")
    return (
        f"Cette personne n'a pas encore de fiche Palier reliée à Discord : le badge « {found.skill_name} » "
        f"l'attend. Donnez-lui ce code en privé (jamais dans un salon) : {written(code)}. Elle le saisit "
        f"avant le {until} sur {rt.urls.site}{CLAIM_PATH} ; il ne sert qu'une fois."
    )
