"""Awarding along the tree, revoking, and what the issued badge says: the award service's specification."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import badges
from issuer.awarding import service as awarding
from issuer.errors import NotFound, Refused
from issuer.learners import service as learners
from issuer.models import Assertion, AuditEvent, User, utcnow


def _user(dbs, email):
    return dbs.scalars(select(User).where(User.email == email)).one()


def _first_unlocked(rt, earned=()):
    status = rt.tree.status(set(earned))
    return next(s for s in rt.tree.topological_order() if status[s.id].status == "unlocked")


def _first_locked(rt):
    status = rt.tree.status(set())
    return next(s for s in rt.tree.topological_order() if status[s.id].status == "locked")


@pytest.fixture
def learner(dbs):
    row = learners.create_learner(
        dbs, learners.LearnerData("Lina", "Lina@Example.org"), actor=None, now=utcnow()
    )
    dbs.commit()
    return row


def _award(dbs, rt, learner, skill_id, actor="mediateur@test.fr", **kw):
    row = awarding.award(
        dbs,
        rt,
        learner_id=learner.id,
        skill_id=skill_id,
        actor=_user(dbs, actor),
        evidence=awarding.Evidence("A aidé un coéquipier en difficulté.", game="Overcooked 2"),
        now=utcnow(),
        **kw,
    )
    dbs.commit()
    return row


def test_award_unlocked_skill_stores_hosted_document_and_signature_together(dbs, rt, learner, private_pem):
    skill = _first_unlocked(rt)
    row = _award(dbs, rt, learner, skill.id)
    assert row.data["id"] == rt.urls.assertion(row.uid)
    assert row.data["verification"] == {"type": "HostedBadge"}
    payload = badges.verify_signature(row.jws, badges.public_key_pem(private_pem))
    assert payload["verification"]["creator"].startswith("http://badges.test/keys/")
    assert {k: v for k, v in payload.items() if k != "verification"} == {
        k: v for k, v in row.data.items() if k != "verification"
    }


def test_award_hashes_the_email_and_never_writes_it(dbs, rt, learner):
    row = _award(dbs, rt, learner, _first_unlocked(rt).id)
    assert "lina@example.org" not in row.document.lower() and "lina" not in row.jws.lower()
    assert badges.recipient_matches(row.data["recipient"], "lina@example.org")


def test_award_without_email_uses_an_unguessable_url_identity(dbs, rt):
    teen = learners.create_learner(
        dbs, learners.LearnerData("Sacha", None, "under15"), actor=None, now=utcnow()
    )
    row = _award(dbs, rt, teen, _first_unlocked(rt).id)
    assert row.data["recipient"]["type"] == "url"
    assert badges.recipient_matches(row.data["recipient"], rt.urls.recipient(teen.recipient_token))


def test_award_refuses_a_locked_skill_with_the_reason(dbs, rt, learner):
    locked = _first_locked(rt)
    with pytest.raises(Refused) as err:
        _award(dbs, rt, learner, locked.id)
    assert "pas encore débloqué" in err.value.message and "manque" in err.value.message.lower()
    assert dbs.scalar(select(func.count()).select_from(Assertion)) == 0


def test_award_refuses_a_mediator_override_but_records_an_admin_one(dbs, rt, learner):
    locked = _first_locked(rt)
    with pytest.raises(Refused):
        _award(dbs, rt, learner, locked.id, override_reason="vu en séance")
    dbs.rollback()
    row = _award(
        dbs, rt, learner, locked.id, actor="admin@test.fr", override_reason="Vu lors du tournoi régional"
    )
    assert row.override_reason == "Vu lors du tournoi régional"
    actions = set(dbs.scalars(select(AuditEvent.action).where(AuditEvent.target == row.uid)))
    assert actions == {"award", "override"}


def test_award_twice_is_refused_and_never_duplicates(dbs, rt, learner):
    skill = _first_unlocked(rt)
    _award(dbs, rt, learner, skill.id)
    with pytest.raises(Refused, match="déjà obtenu"):
        _award(dbs, rt, learner, skill.id)
    dbs.rollback()
    assert dbs.scalar(select(func.count()).select_from(Assertion)) == 1


@pytest.mark.parametrize(
    ("narrative", "url", "message"),
    [
        ("", None, "Décrivez"),
        ("   ", None, "Décrivez"),
        ("x" * 5000, None, "4000"),
        ("vu", "javascript:alert(1)", "adresse web"),
        ("vu", "file:///etc/passwd", "adresse web"),
    ],
)
def test_award_refuses_bad_evidence_and_changes_nothing(dbs, rt, learner, narrative, url, message):
    with pytest.raises(Refused, match=message):
        awarding.award(
            dbs,
            rt,
            learner_id=learner.id,
            skill_id=_first_unlocked(rt).id,
            actor=None,
            evidence=awarding.Evidence(narrative, url=url),
            now=utcnow(),
        )
    dbs.rollback()
    assert dbs.scalar(select(func.count()).select_from(Assertion)) == 0


def test_award_unknown_skill_or_learner_is_not_found(dbs, rt, learner):
    with pytest.raises(NotFound):
        awarding.award(
            dbs,
            rt,
            learner_id=learner.id,
            skill_id="nexiste-pas",
            actor=None,
            evidence=awarding.Evidence("vu"),
            now=utcnow(),
        )
    with pytest.raises(NotFound):
        awarding.award(
            dbs,
            rt,
            learner_id=9999,
            skill_id=_first_unlocked(rt).id,
            actor=None,
            evidence=awarding.Evidence("vu"),
            now=utcnow(),
        )


def test_award_unlocks_the_next_tier(dbs, rt, learner):
    earned = set()
    for _ in range(len(rt.tree.skills)):
        status = rt.tree.status(earned)
        candidates = [
            s for s in rt.tree.topological_order() if status[s.id].status == "unlocked" and s.tier > 1
        ]
        if candidates:
            break
        skill = _first_unlocked(rt, earned)
        _award(dbs, rt, learner, skill.id)
        earned.add(skill.id)
    assert candidates, "awarding tier-1 skills must eventually unlock a higher tier"
    row = _award(dbs, rt, learner, candidates[0].id)
    assert row.badge_class.tier > 1


def test_failure_between_signing_and_commit_leaves_nothing(dbs, rt, learner, monkeypatch):
    skill = _first_unlocked(rt)
    real_record = awarding.audit.record

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(awarding.audit, "record", crash)
    with pytest.raises(OSError):
        _award(dbs, rt, learner, skill.id)
    dbs.rollback()
    monkeypatch.setattr(awarding.audit, "record", real_record)
    assert dbs.scalar(select(func.count()).select_from(Assertion)) == 0
    row = _award(dbs, rt, learner, skill.id)  # the retry works, once
    assert row.jws and dbs.scalar(select(func.count()).select_from(Assertion)) == 1


def test_revoke_records_reason_and_frees_the_skill(dbs, rt, learner):
    skill = _first_unlocked(rt)
    row = _award(dbs, rt, learner, skill.id)
    awarding.revoke(
        dbs, rt, ref=rt.urls.assertion(row.uid), reason="Attribué par erreur", actor=None, now=utcnow()
    )
    dbs.commit()
    assert row.revoked and row.revocation_reason == "Attribué par erreur"
    assert skill.id not in awarding.earned_skills(dbs, learner.id)
    with pytest.raises(Refused, match="déjà révoqué"):
        awarding.revoke(dbs, rt, ref=row.uid, reason="encore", actor=None, now=utcnow())


@pytest.mark.parametrize("reason", ["", "  ", "x" * 501])
def test_revoke_requires_a_reason(dbs, rt, learner, reason):
    row = _award(dbs, rt, learner, _first_unlocked(rt).id)
    with pytest.raises(Refused):
        awarding.revoke(dbs, rt, ref=row.uid, reason=reason, actor=None, now=utcnow())


def test_badge_class_version_is_frozen_when_the_tree_changes(app, dbs, rt, learner, tmp_path):
    skill = _first_unlocked(rt)
    first = _award(dbs, rt, learner, skill.id)
    source = open(rt.tree_path, encoding="utf-8").read()
    edited = tmp_path / "arbre.yaml"
    edited.write_text(
        source.replace(f"name: {skill.name}", f"name: {skill.name} (nouvelle version)", 1), encoding="utf-8"
    )
    object.__setattr__(rt, "tree_path", str(edited))
    assert rt.tree.skill(skill.id).name.endswith("(nouvelle version)")
    other = learners.create_learner(dbs, learners.LearnerData("Noé"), actor=None, now=utcnow())
    second = _award(dbs, rt, other, skill.id)
    assert second.badge_class.version == first.badge_class.version + 1
    assert first.badge_class.data["name"] == skill.name
    assert second.badge_class.data["name"] == f"{skill.name} (nouvelle version)"
    assert first.badge_class.data["id"] != second.badge_class.data["id"]


def test_learner_erasure_revokes_badges_and_removes_personal_data(dbs, rt, learner):
    row = _award(dbs, rt, learner, _first_unlocked(rt).id)
    learners.erase(dbs, learner.id, actor=None, now=utcnow())
    dbs.commit()
    assert learner.email is None and learner.portfolio_token is None and learner.erased_at
    assert row.revoked and row.evidence_narrative == "" and row.jws == ""
    assert row.data == {**row.data, "revoked": True}


def test_full_disk_at_commit_leaves_nothing_and_the_retry_awards_once(dbs, rt, learner, monkeypatch):
    from sqlalchemy.exc import OperationalError

    skill = _first_unlocked(rt)
    real_commit = type(dbs).commit

    def full_disk(self):
        raise OperationalError("COMMIT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(type(dbs), "commit", full_disk)
    with pytest.raises(OperationalError):
        _award(dbs, rt, learner, skill.id)
    dbs.rollback()
    monkeypatch.setattr(type(dbs), "commit", real_commit)
    assert dbs.scalar(select(func.count()).select_from(Assertion)) == 0
    _award(dbs, rt, learner, skill.id)
    with pytest.raises(Refused):
        _award(dbs, rt, learner, skill.id)
    dbs.rollback()
    rows = dbs.scalars(select(Assertion)).all()
    assert len(rows) == 1 and rows[0].jws and rows[0].document
