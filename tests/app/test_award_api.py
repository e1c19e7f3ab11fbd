"""The award API for machines: a structure's scoped tokens award (or, for an integration, propose) badges
to young people named by a pseudonymous id; idempotent, audited, rate-limited, one structure only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from factories import ADMIN, api_token, award, login, make_structure, post, text, tier_one_skills
from sqlalchemy import func, select

from issuer.models import ApiRecipient, ApiRequest, ApiToken, Assertion, AuditEvent, AwardDraft, Learner

ALL = ("awards:create", "awards:read", "recipients:link")
HOST = {"Host": "badges.test"}
NARRATIVE = "A expliqué la stratégie à son équipe et écouté chacun avant de décider."


def rows(app, statement):
    """Every row of a SELECT, across all structures."""
    from issuer import db, tenancy

    with app.app_context():
        session = db.session()
        tenancy.unbind(session)
        return list(session.scalars(statement))


def count(app, model) -> int:
    return rows(app, select(func.count()).select_from(model))[0]


def call(client, method: str, path: str, secret: str | None, body=None, key: str | None = "k-1", **headers):
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    if key is not None and method == "POST":
        headers["Idempotency-Key"] = key
    return client.open(path, method=method, json=body, headers={**HOST, **headers})


def link(client, secret: str, external_id: str = "joueur-42", key: str = "link-1", **extra):
    return call(client, "POST", "/api/v1/recipients", secret, {"external_id": external_id, **extra}, key=key)


def award_body(skill: str, external_id: str = "joueur-42", **extra) -> dict:
    return {
        "external_id": external_id,
        "skill": skill,
        "narrative": NARRATIVE,
        "game": "Rocket League",
        **extra,
    }


def refusal(resp, status: int, code: str) -> str:
    assert resp.status_code == status, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error["message"]


# ---- Awarding ------------------------------------------------------------------------------------------


def test_a_token_links_a_young_person_by_a_pseudonym_then_awards_a_signed_badge(app, client):
    secret = api_token(app, *ALL)
    skill = tier_one_skills(app)[0]
    first = link(client, secret)
    assert first.status_code == 201 and first.get_json() == {
        "recipient": {"external_id": "joueur-42", "created": True}
    }
    again = link(client, secret, key="link-2")
    assert again.status_code == 200 and again.get_json()["recipient"]["created"] is False
    resp = call(client, "POST", "/api/v1/awards", secret, award_body(skill))
    assert resp.status_code == 201
    made = resp.get_json()["award"]
    assert made["status"] == "awarded" and made["kind"] == "award" and made["skill"] == skill
    (row,) = rows(app, select(Assertion))
    assert row.uid == made["uid"] and row.jws and row.awarded_by_id is None
    assert made["url"].endswith(f"/assertions/{row.uid}")
    # The hosted badge is public and verifiable like any other.
    assert (
        client.get(f"/assertions/{row.uid}", headers={"Accept": "application/ld+json", **HOST}).status_code
        == 200
    )
    read = call(client, "GET", f"/api/v1/awards/{row.uid}", secret)
    assert read.status_code == 200 and read.get_json()["award"]["status"] == "awarded"


def test_a_linked_young_person_is_recorded_with_no_name_and_no_email(app, client):
    secret = api_token(app, *ALL)
    link(client, secret, "discord-991")
    (person,) = rows(app, select(Learner))
    assert person.email is None and "discord-991" in person.display_name
    assert person.age_band == "under15"  # nothing said: the most protective band
    assert person.name_public_since is None


def test_prerequisites_still_apply_through_the_api(app, client):
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        locked = next(s.id for s in tree.topological_order() if tree.status(set())[s.id].status == "locked")
    secret = api_token(app, *ALL)
    link(client, secret)
    resp = call(client, "POST", "/api/v1/awards", secret, award_body(locked))
    refusal(resp, 409, "locked")
    assert count(app, Assertion) == 0


def test_an_unknown_recipient_is_a_structured_404(app, client):
    secret = api_token(app, *ALL)
    resp = call(client, "POST", "/api/v1/awards", secret, award_body(tier_one_skills(app)[0], "personne"))
    refusal(resp, 404, "no_such_learner")


# ---- Tokens: scopes, skills, expiry, rotation, digest ---------------------------------------------------


def test_no_token_or_a_wrong_one_is_a_structured_401(app, client):
    for secret in (None, "palier_pas-un-vrai-jeton", "n'importe quoi"):
        resp = call(client, "POST", "/api/v1/awards", secret, {"x": 1})
        assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
        assert resp.get_json()["error"]["code"] in ("token_missing", "token_invalid")
    assert call(client, "GET", "/api/v1/awards/abc", None).status_code == 401


def test_a_token_without_the_scope_gets_403_and_nothing_is_written(app, client):
    reader = api_token(app, "awards:read", "recipients:link")
    link(client, reader)
    before = count(app, Learner)
    resp = call(client, "POST", "/api/v1/awards", reader, award_body(tier_one_skills(app)[0]), key="a")
    message = refusal(resp, 403, "scope_missing")
    assert "awards:create" in message
    assert count(app, Assertion) == 0 and count(app, AwardDraft) == 0 and count(app, Learner) == before
    assert count(app, ApiRequest) == 1  # the link only
    creator = api_token(app, "awards:create")
    refusal(link(client, creator, key="b"), 403, "scope_missing")
    refusal(call(client, "GET", "/api/v1/awards/x", creator), 403, "scope_missing")


def test_a_token_limited_to_some_skills_awards_no_other(app, client):
    first, second = tier_one_skills(app)[:2]
    secret = api_token(app, *ALL, skills=[first])
    link(client, secret)
    refusal(
        call(client, "POST", "/api/v1/awards", secret, award_body(second), key="a"), 403, "skill_not_allowed"
    )
    assert call(client, "POST", "/api/v1/awards", secret, award_body(first), key="b").status_code == 201


def test_an_expired_token_opens_nothing(app, client):
    from issuer import db
    from issuer.models import utcnow

    secret = api_token(app, *ALL)
    with app.app_context():
        session = db.session()
        session.execute(ApiToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    refusal(link(client, secret), 401, "token_invalid")


def test_the_secret_is_never_stored_only_its_digest(app, client):
    import hashlib

    secret = api_token(app, *ALL)
    (token,) = rows(app, select(ApiToken))
    assert token.secret_digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps([token.name, token.prefix, token.scopes, token.secret_digest])
    # Nowhere in the whole database either.
    from issuer import db

    with app.app_context():
        engine = db.engine()
        with engine.connect() as conn:
            from issuer.models import Base

            for table in Base.metadata.sorted_tables:
                for record in conn.execute(table.select()):
                    assert secret not in repr(tuple(record)), table.name


def test_rotation_gives_a_new_secret_and_the_old_one_stops_working(app, client):
    from issuer import db
    from issuer.api import tokens
    from issuer.models import utcnow

    old = api_token(app, *ALL)
    assert link(client, old).status_code == 201
    (token,) = rows(app, select(ApiToken))
    with app.app_context():
        session = db.session()
        _row, new = tokens.rotate_token(session, token.id, actor=None, now=utcnow())
        session.commit()
    assert new != old
    refusal(link(client, old, key="again"), 401, "token_invalid")
    # Same token, same recipients: the young person is found again with the new secret.
    resp = link(client, new, key="again")
    assert resp.status_code == 200 and resp.get_json()["recipient"]["created"] is False


def test_a_withdrawn_token_opens_nothing(app, client):
    from issuer import db
    from issuer.api import tokens
    from issuer.models import utcnow

    secret = api_token(app, *ALL)
    (token,) = rows(app, select(ApiToken))
    with app.app_context():
        session = db.session()
        tokens.withdraw_token(session, token.id, actor=None, now=utcnow())
        session.commit()
    refusal(link(client, secret), 401, "token_invalid")


# ---- Idempotency ---------------------------------------------------------------------------------------


def test_the_same_key_and_body_answers_the_same_award_never_a_second(app, client):
    secret = api_token(app, *ALL)
    link(client, secret)
    body = award_body(tier_one_skills(app)[0])
    first = call(client, "POST", "/api/v1/awards", secret, body, key="tournoi-7-match-3")
    again = call(client, "POST", "/api/v1/awards", secret, body, key="tournoi-7-match-3")
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert count(app, Assertion) == 1


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(app, client):
    secret = api_token(app, *ALL)
    link(client, secret)
    first, second = tier_one_skills(app)[:2]
    assert call(client, "POST", "/api/v1/awards", secret, award_body(first), key="k").status_code == 201
    resp = call(client, "POST", "/api/v1/awards", secret, award_body(second), key="k")
    refusal(resp, 422, "idempotency_key_reused")
    assert [a.skill_id for a in rows(app, select(Assertion))] == [first]


@pytest.mark.parametrize("key", [None, "", "x" * 65, "é-accent", "a b"])
def test_a_post_without_a_usable_idempotency_key_is_refused(app, client, key):
    secret = api_token(app, *ALL)
    headers = {} if key is None else {"Idempotency-Key": key}
    resp = call(client, "POST", "/api/v1/recipients", secret, {"external_id": "j"}, key=None, **headers)
    refusal(resp, 400, "idempotency_key_required")
    assert count(app, Learner) == 0


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "texte",
        {"external_id": ""},
        {"external_id": 12},
        {"external_id": "a\u0000b"},
        {"external_id": "x" * 129},
        {"external_id": "j", "age_band": "12"},
    ],
)
def test_a_body_the_api_cannot_read_is_a_structured_400(app, client, body):
    secret = api_token(app, *ALL)
    resp = call(client, "POST", "/api/v1/recipients", secret, body)
    refusal(resp, 400, "request_invalid")
    assert count(app, Learner) == 0


# ---- Integrations: drafts only, awarded by a mediator --------------------------------------------------


def test_an_integration_token_only_proposes_and_a_mediator_confirms(app, client):
    secret = api_token(app, *ALL, integration=True)
    link(client, secret)
    skill = tier_one_skills(app)[0]
    resp = call(client, "POST", "/api/v1/awards", secret, award_body(skill))
    assert resp.status_code == 202
    draft = resp.get_json()["award"]
    assert draft["kind"] == "draft" and draft["status"] == "pending" and draft["url"] is None
    assert count(app, Assertion) == 0
    login(client)
    page = text(client.get("/propositions/"))
    assert NARRATIVE in page and "Confirmer et délivrer" in page
    (row,) = rows(app, select(AwardDraft))
    done = post(client, f"/propositions/{row.id}/confirmer", {"token": "t-1"})
    assert done.status_code == 302
    (badge,) = rows(app, select(Assertion))
    assert badge.skill_id == skill and badge.awarded_by_id is not None  # in the mediator's name
    read = call(client, "GET", f"/api/v1/awards/{draft['uid']}", secret).get_json()["award"]
    assert read["status"] == "awarded" and read["url"].endswith(badge.uid)
    # Confirming again awards nothing more.
    post(client, f"/propositions/{row.id}/confirmer", {"token": "t-2"})
    assert count(app, Assertion) == 1


def test_a_rejected_draft_never_becomes_a_badge(app, client):
    secret = api_token(app, *ALL, integration=True)
    link(client, secret)
    uid = call(client, "POST", "/api/v1/awards", secret, award_body(tier_one_skills(app)[0])).get_json()
    login(client)
    (row,) = rows(app, select(AwardDraft))
    post(client, f"/propositions/{row.id}/refuser", {"token": "t-1"})
    assert count(app, Assertion) == 0
    read = call(client, "GET", f"/api/v1/awards/{uid['award']['uid']}", secret).get_json()["award"]
    assert read["status"] == "rejected"
    assert "Aucune proposition en attente" in text(client.get("/propositions/"))


# ---- Structures ------------------------------------------------------------------------------------------


def test_a_token_of_one_structure_never_sees_or_touches_another(app, client):
    make_structure(app, "voisine")
    ours = api_token(app, *ALL)
    theirs = api_token(app, *ALL, slug="voisine")
    link(client, ours, "meme-id")
    link(client, theirs, "meme-id")  # the same external id names two different people
    learners = rows(app, select(Learner))
    assert len(learners) == 2 and len({p.structure_id for p in learners}) == 2
    given = award(app)  # a badge of the first structure
    refusal(call(client, "GET", f"/api/v1/awards/{given.uid}", theirs), 404, "no_such_badge")
    resp = call(client, "POST", "/api/v1/awards", theirs, award_body(tier_one_skills(app)[0], "meme-id"))
    assert resp.status_code == 201
    made = rows(app, select(Assertion).where(Assertion.uid == resp.get_json()["award"]["uid"]))[0]
    voisine = next(p for p in learners if p.structure_id != 1)
    assert made.structure_id == voisine.structure_id and made.learner_id == voisine.id
    assert "/s/voisine/" in resp.get_json()["award"]["url"]
    for recipient in rows(app, select(ApiRecipient)):
        person = next(p for p in learners if p.id == recipient.learner_id)
        assert recipient.structure_id == person.structure_id


def test_an_integration_draft_of_another_structure_cannot_be_confirmed_here(app, client):
    make_structure(app, "voisine")
    theirs = api_token(app, *ALL, slug="voisine", integration=True)
    link(client, theirs)
    call(client, "POST", "/api/v1/awards", theirs, award_body(tier_one_skills(app)[0]))
    (draft,) = rows(app, select(AwardDraft))
    login(client)  # a mediator of the first structure
    assert "Aucune proposition en attente" in text(client.get("/propositions/"))
    post(client, f"/propositions/{draft.id}/confirmer", {"token": "t-1"})
    assert count(app, Assertion) == 0
    assert rows(app, select(AwardDraft))[0].status == "pending"


# ---- Journal and rate limit ---------------------------------------------------------------------------


def test_every_call_is_in_the_structure_journal_under_the_token_name(app, client):
    secret = api_token(app, *ALL)
    link(client, secret)
    call(client, "POST", "/api/v1/awards", secret, award_body(tier_one_skills(app)[0]), key="a")
    call(client, "POST", "/api/v1/awards", secret, award_body(tier_one_skills(app)[0]), key="a")
    call(client, "POST", "/api/v1/awards", secret, {"external_id": "x"}, key="b")  # refused
    actions = [(e.action, e.actor_label) for e in rows(app, select(AuditEvent).order_by(AuditEvent.id))]
    named = {action for action, label in actions if label.startswith("jeton API « Plateforme de test »")}
    assert {"api.recipient", "learner.create", "api.award", "award", "api.replay"} <= named
    refused = [e for e in rows(app, select(AuditEvent)) if e.action == "api.award" and "refused" in e.detail]
    assert len(refused) == 1 and json.loads(refused[0].detail)["refused"] == "request_invalid"
    calls = [
        label
        for action, label in actions
        if action.startswith(("award", "api.")) and action != "api.token.create"
    ]
    assert "ligne de commande" not in calls


@pytest.fixture
def app_settings():
    return {"API_LIMIT": "3 per minute"}


def test_calls_are_rate_limited_per_token_with_a_structured_429(app, client):
    secret, other = api_token(app, *ALL), api_token(app, *ALL)
    answers = [call(client, "GET", "/api/v1/awards/nope", secret).status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    refusal(call(client, "GET", "/api/v1/awards/nope", secret), 429, "rate_limited")
    assert call(client, "GET", "/api/v1/awards/nope", other).status_code == 404  # another token counts apart


# ---- The administrators' page --------------------------------------------------------------------------


def test_an_administrator_creates_a_token_and_sees_its_secret_once(app, client):
    login(client, ADMIN)
    skill = tier_one_skills(app)[0]
    resp = post(client, "/admin/api/", {"name": "Tournoi", "scopes": ["awards:create", "awards:read"],
                                        "skills": [skill], "days": "30", "token": "f-1"})  # fmt: skip
    assert resp.status_code == 201
    page = text(resp)
    secret = page.split('<code id="api-secret">')[1].split("</code>")[0]
    assert secret.startswith("palier_") and "il ne sera plus jamais affiché" in page
    assert secret not in text(client.get("/admin/api/"))
    (token,) = rows(app, select(ApiToken))
    assert token.scope_set == {"awards:create", "awards:read"} and token.skill_set == {skill}
    # Sent twice, the form makes one token.
    again = post(client, "/admin/api/", {"name": "Tournoi", "scopes": ["awards:create", "awards:read"],
                                         "skills": [skill], "days": "30", "token": "f-1"})  # fmt: skip
    assert again.status_code == 302 and count(app, ApiToken) == 1
    renewed = post(client, f"/admin/api/{token.id}/renouveler", {"token": "f-2"})
    new = text(renewed).split('<code id="api-secret">')[1].split("</code>")[0]
    assert new != secret and call(client, "GET", "/api/v1/awards/x", secret).status_code == 401
    post(client, f"/admin/api/{token.id}/retirer", {"token": "f-3"})
    assert call(client, "GET", "/api/v1/awards/x", new).status_code == 401
    listed = text(client.get("/admin/api/"))
    assert "retiré le" in listed and "Renouveler le secret" not in listed
    journal = text(client.get("/admin/journal"))
    assert "Jeton de l'API créé" in journal and "Jeton de l'API retiré" in journal


def test_the_token_page_is_for_administrators_and_protected_by_csrf(app, client):
    login(client)  # a mediator
    assert client.get("/admin/api/").status_code == 403
    client.get("/logout")
    login(client, ADMIN)
    resp = post(
        client, "/admin/api/", {"name": "X", "scopes": ["awards:read"], "days": "30", "csrf_token": None}
    )
    assert resp.status_code == 400 and count(app, ApiToken) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "", "scopes": ["awards:read"]},
        {"name": "X"},
        {"name": "X", "scopes": ["awards:revoke"]},
        {"name": "X", "scopes": ["awards:read"], "days": "400"},
    ],
)
def test_the_token_form_refuses_what_a_token_may_not_be(app, client, fields):
    login(client, ADMIN)
    resp = post(client, "/admin/api/", {"days": "30", **fields})
    assert resp.status_code == 400 and count(app, ApiToken) == 0


def test_erasing_a_young_person_forgets_the_machine_ids_and_drafts(app, client):
    from issuer import db
    from issuer.learners import erasure
    from issuer.models import utcnow

    secret = api_token(app, *ALL, integration=True)
    link(client, secret)
    call(client, "POST", "/api/v1/awards", secret, award_body(tier_one_skills(app)[0]))
    (person,) = rows(app, select(Learner))
    with app.app_context():
        session = db.session()
        erasure.erase(session, session.get(Learner, person.id), actor=None, now=utcnow())
        session.commit()
    assert count(app, ApiRecipient) == 0 and count(app, AwardDraft) == 0
    again = link(client, secret, key="after")
    assert again.status_code == 201 and again.get_json()["recipient"]["created"] is True


def test_a_volunteer_neither_confirms_drafts_nor_imports_standings(app, client):
    from issuer import db
    from issuer.accounts import service as accounts
    from issuer.models import Role, utcnow

    with app.app_context():
        session = db.session()
        accounts.create_user(session, email="benevole@test.fr", name="Bénévole", password="mot-de-passe-de-test",
                             role=Role.VOLUNTEER, actor=None, now=utcnow())  # fmt: skip
        session.commit()
    login(client, "benevole@test.fr")
    assert client.get("/propositions/").status_code == 403
    assert "Propositions" not in text(client.get("/seances/"))
    assert client.get("/seances/1/tournoi").status_code == 403


def test_a_body_too_large_is_refused_with_a_structured_error(app, client):
    secret = api_token(app, *ALL)
    big = {"external_id": "j", "pseudo": "x" * (20 * 1024)}
    refusal(call(client, "POST", "/api/v1/recipients", secret, big), 400, "request_invalid")
    huge = {"external_id": "j", "pseudo": "x" * (3 * 1024 * 1024)}
    refusal(call(client, "POST", "/api/v1/recipients", secret, huge, key="h"), 413, "too_large")
    assert count(app, Learner) == 0


def test_two_copies_of_one_request_racing_still_make_one_award(app):
    import threading

    secret = api_token(app, *ALL)
    link(app.test_client(), secret)
    body = award_body(tier_one_skills(app)[0])
    start, answers = threading.Barrier(2), []

    def send():
        client = app.test_client()
        start.wait()
        answers.append(call(client, "POST", "/api/v1/awards", secret, body, key="course"))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].get_json() == answers[1].get_json()
    assert count(app, Assertion) == 1
