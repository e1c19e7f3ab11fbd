"""What a machine's token may do, each call in one transaction: link a recipient, award (or, for an
integration, propose a draft), read an award. POSTs are idempotent under their ``Idempotency-Key``.

A token works inside its own structure only: the web layer binds the database session to it before
calling here, so another structure's learners, badges and drafts are simply not seen.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import audit
from ..awarding import service as awarding
from ..errors import Code, NotFound, PalierError
from ..learners import service as learners
from ..models import AgeBand, ApiRecipient, ApiRequest, ApiToken, Assertion, AuditEvent, AwardDraft, Learner
from ..network.links import held_elsewhere
from ..runtime import Runtime
from .tokens import AWARDS_CREATE, AWARDS_READ, RECIPIENTS_LINK, Forbidden, require_scope

MAX_BODY = 16 * 1024
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Without an age band, the most protective: nothing about them is ever public without a guardian.
DEFAULT_AGE_BAND = AgeBand.UNDER_15


class Unprocessable(PalierError):
    """Understood, but contradicting what was already asked (an Idempotency-Key reused)."""

    status = 422


@dataclass(frozen=True)
class Answer:
    """What the API answers: a status, a JSON body, and whether it is the replay of an earlier answer."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


class BadRequest(PalierError):
    """A request the API cannot read: nothing was written."""

    status = 400


def invalid(detail: str) -> BadRequest:
    """A request the API cannot read (400), ``detail`` saying what is wrong, in French."""
    return BadRequest(Code.API_REQUEST_INVALID, detail=detail)


def idempotency_key(value: str | None) -> str:
    """The request's Idempotency-Key, or a refusal (400) when it is missing or malformed."""
    key = (value or "").strip()
    if not _KEY.match(key):
        raise BadRequest(Code.IDEMPOTENCY_KEY_REQUIRED)
    return key


def fingerprint(method: str, path: str, body: Mapping[str, Any]) -> str:
    """What a request asks for, whatever its spacing or key order."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode("utf-8", "surrogatepass")).hexdigest()


def _text(body: Mapping[str, Any], name: str, *, limit: int, required: bool = False) -> str:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise invalid(f"le champ « {name} » manque.")
        return ""
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise invalid(f"« {name} » doit être un texte de {limit} caractères au plus.")
    return value.strip()


def _external_id(body: Mapping[str, Any]) -> str:
    value = _text(body, "external_id", limit=128, required=True)
    if not value or not value.isprintable():
        raise invalid("« external_id » doit être un identifiant pseudonyme lisible (128 caractères au plus).")
    return value


def token_of(db: Session, token_id: int) -> ApiToken:
    """The token authenticated in this request, in its structure."""
    row = db.get(ApiToken, token_id)
    assert row is not None  # authenticated in this request, in this structure
    return row


def _relabel(db: Session, label: str, now: datetime) -> None:
    """The journal lines an award wrote without a staff account name the token, not the command line."""
    db.flush()
    db.execute(
        update(AuditEvent)
        .where(
            AuditEvent.at == now, AuditEvent.actor_id.is_(None), AuditEvent.actor_label == audit.COMMAND_LINE
        )
        .values(actor_label=label)
        .execution_options(synchronize_session=False)
    )


def idempotent(
    db: Session,
    token_id: int,
    key: str,
    print_: str,
    now: datetime,
    act: Callable[[ApiToken], Answer],
) -> Answer:
    """The answer ``act`` gives, remembered under ``key``; the same key again gets it back unchanged,
    and the same key with another request is refused (422), nothing written."""
    token = token_of(db, token_id)
    found = db.scalars(
        select(ApiRequest).where(ApiRequest.token_id == token.id, ApiRequest.idempotency_key == key)
    ).first()
    if found is not None:
        if found.fingerprint != print_:
            raise Unprocessable(Code.IDEMPOTENCY_KEY_REUSED)
        _called(db, token, "api.replay", f"token:{token.id}", now, key=key)
        return Answer(found.status, json.loads(found.response), replayed=True)
    answer = act(token)
    db.add(ApiRequest(token_id=token.id, idempotency_key=key, fingerprint=print_, status=answer.status,
                      response=json.dumps(answer.body, ensure_ascii=False), created_at=now))  # fmt: skip
    db.flush()
    return answer


def _called(db: Session, token: ApiToken, what: str, target: str, now: datetime, **detail: Any) -> None:
    token.last_used_at = now
    audit.record(db, None, what, target, now, by=token.label, token=token.id, **detail)


def record_refusal(db: Session, token_id: int, what: str, code: str, status: int, now: datetime) -> None:
    """A refused call, in the journal too (its own transaction: the refused one was rolled back)."""
    token = token_of(db, token_id)
    _called(db, token, what, f"token:{token.id}", now, refused=code, status=status)


def link_recipient(db: Session, token: ApiToken, body: Mapping[str, Any], now: datetime) -> Answer:
    """The record of the young person the token's machine calls ``external_id``; made when new."""
    require_scope(token, RECIPIENTS_LINK)
    external = _external_id(body)
    pseudo = _text(body, "pseudo", limit=80)
    band = _text(body, "age_band", limit=8) or DEFAULT_AGE_BAND.value
    if band not in {b.value for b in AgeBand}:
        raise invalid("« age_band » vaut « under15 », « 15-17 » ou « adult ».")
    link = _link(db, token, external)
    if link is not None:
        _called(db, token, "api.recipient", f"learner:{link.learner_id}", now, created=False)
        return Answer(200, {"recipient": {"external_id": external, "created": False}})
    # Nothing more than the job needs: a pseudonym, an age band; no name, no e-mail.
    name = pseudo or f"Participant·e {external[:60]}"
    person = learners.create_learner(db, learners.LearnerData(name, None, band), actor=None, now=now)
    db.flush()
    old = db.scalars(
        select(ApiRecipient).where(ApiRecipient.token_id == token.id, ApiRecipient.external_id == external)
    ).first()
    if old is not None:  # their earlier record was erased: the id now names the new one
        old.learner_id = person.id
    else:
        db.add(ApiRecipient(token_id=token.id, external_id=external, learner_id=person.id, created_at=now))
    _relabel(db, token.label, now)
    _called(db, token, "api.recipient", f"learner:{person.id}", now, created=True)
    return Answer(201, {"recipient": {"external_id": external, "created": True}})


def _link(db: Session, token: ApiToken, external: str) -> ApiRecipient | None:
    """The standing record ``external`` names for this token (an erased one names nobody)."""
    return db.scalars(
        select(ApiRecipient)
        .join(Learner, Learner.id == ApiRecipient.learner_id)
        .where(
            ApiRecipient.token_id == token.id,
            ApiRecipient.external_id == external,
            Learner.erased_at.is_(None),
        )
    ).first()


def create_award(db: Session, rt: Runtime, token: ApiToken, body: Mapping[str, Any], now: datetime) -> Answer:
    """Award a badge (201), or, for an integration's token, propose it to a mediator (202)."""
    require_scope(token, AWARDS_CREATE)
    external = _external_id(body)
    skill_id = _text(body, "skill", limit=80, required=True)
    if token.skill_set and skill_id not in token.skill_set:
        raise Forbidden(Code.API_SKILL_NOT_ALLOWED, skill=awarding.skill_name(rt, skill_id))
    evidence = awarding.check_evidence(
        awarding.Evidence(
            _text(body, "narrative", limit=awarding.MAX_EVIDENCE, required=True),
            _text(body, "game", limit=160),
            _text(body, "url", limit=500) or None,
        )
    )
    link = _link(db, token, external)
    if link is None:
        raise NotFound(Code.NO_SUCH_LEARNER, id=external[:60])
    if token.integration:
        return _propose(db, rt, token, link.learner_id, skill_id, evidence, now)
    row = awarding.award(db, rt, learner_id=link.learner_id, skill_id=skill_id, actor=None,
                         evidence=evidence, now=now)  # fmt: skip
    _relabel(db, token.label, now)
    _called(db, token, "api.award", row.uid, now, skill=skill_id)
    return Answer(201, {"award": award_view(rt, row)})


def _propose(
    db: Session,
    rt: Runtime,
    token: ApiToken,
    learner_id: int,
    skill_id: str,
    evidence: awarding.Evidence,
    now: datetime,
) -> Answer:
    """A draft for a mediator: checked against the tree now, and again when confirmed."""
    earned = awarding.earned_skills(db, learner_id)
    elsewhere = held_elsewhere(db, {learner_id})[learner_id]
    awarding.check_awardable(rt, skill_id, earned, False, None, elsewhere)
    draft = AwardDraft(uid=str(uuid.uuid4()), token_id=token.id, learner_id=learner_id, skill_id=skill_id,
                       evidence_narrative=evidence.narrative, evidence_game=evidence.game,
                       evidence_url=evidence.url, status="pending", created_at=now)  # fmt: skip
    db.add(draft)
    db.flush()
    _called(db, token, "api.draft", draft.uid, now, skill=skill_id, learner=learner_id)
    return Answer(202, {"award": draft_view(rt, db, draft)})


def award_view(rt: Runtime, row: Assertion) -> dict[str, Any]:
    """An award as the API shows it: nothing about the young person."""
    return {
        "uid": row.uid,
        "kind": "award",
        "status": "revoked" if row.revoked else "awarded",
        "skill": row.skill_id,
        "badge": rt.tree.display_name(row.skill_id) if rt.tree.has_skill(row.skill_id) else row.skill_id,
        "url": rt.urls.assertion(row.uid),
        "issued_on": row.issued_on.isoformat(),
    }


def draft_view(rt: Runtime, db: Session, draft: AwardDraft) -> dict[str, Any]:
    """A draft as the API shows it; once confirmed, with the badge it became."""
    awarded = None
    if draft.assertion_uid is not None:
        awarded = db.scalars(select(Assertion).where(Assertion.uid == draft.assertion_uid)).first()
    view = {
        "uid": draft.uid,
        "kind": "draft",
        "status": draft.status,
        "skill": draft.skill_id,
        "badge": rt.tree.display_name(draft.skill_id)
        if rt.tree.has_skill(draft.skill_id)
        else draft.skill_id,
        "url": None,
        "issued_on": None,
    }
    if awarded is not None:
        view.update(status="revoked" if awarded.revoked else "awarded", url=rt.urls.assertion(awarded.uid),
                    issued_on=awarded.issued_on.isoformat())  # fmt: skip
    return view


def read_award(db: Session, rt: Runtime, token: ApiToken, uid: str, now: datetime) -> Answer:
    """An award (or a draft) this structure issued, by its uid."""
    require_scope(token, AWARDS_READ)
    uid = (uid or "").strip()
    if len(uid) > 64 or not uid.isprintable():
        raise NotFound(Code.NO_SUCH_BADGE, ref="…")
    row = db.scalars(select(Assertion).where(Assertion.uid == uid, Assertion.twin_of_id.is_(None))).first()
    if row is not None:
        _called(db, token, "api.read", row.uid, now)
        return Answer(200, {"award": award_view(rt, row)})
    draft = db.scalars(select(AwardDraft).where(AwardDraft.uid == uid)).first()
    if draft is None:
        raise NotFound(Code.NO_SUCH_BADGE, ref=uid[:60])
    _called(db, token, "api.read", draft.uid, now)
    return Answer(200, {"award": draft_view(rt, db, draft)})
