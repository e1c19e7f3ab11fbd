"""Discord, through HTTP interactions: a simulated Discord signs each interaction with a test key and
posts it to the real app. A mediator linked to Palier recognises a skill with /reconnaitre (skill by
autocomplete, observation in a modal); a linked young person gets the badge at once, another gets a
pending award and a one-time code to claim it in Palier. Every answer is ephemeral and in French, and
every refusal writes nothing. No network: the follow-ups go to a recorder."""

from __future__ import annotations

import time

import pytest
from discord_sim import (
    GUILD_ID,
    MEDIATOR_DISCORD,
    STRANGER_DISCORD,
    YOUNG_DISCORD,
    Discord,
    RecordingSender,
    ephemeral_text,
    new_key,
    public_hex,
)
from factories import MEDIATOR, PASSWORD, post, text, tier_one_skills
from sqlalchemy import func, select

from issuer.models import (
    Assertion,
    AuditEvent,
    DiscordLearner,
    DiscordMember,
    DiscordPendingAward,
    Learner,
)

NARRATIVE = "A expliqué calmement la stratégie et laissé chacun proposer avant de décider."
WATCHED = (Assertion, DiscordPendingAward, AuditEvent, Learner, DiscordLearner, DiscordMember)


# ---- Helpers --------------------------------------------------------------------------------------------


def session_in(app, slug: str | None = None):
    """A database session of the app, working in structure ``slug`` (the first one unless told)."""
    from issuer import db, tenancy
    from issuer.runtime import use_structure

    session = db.session()
    if slug is not None:
        found = tenancy.structure_by_slug(session, slug)
        use_structure(found.id, found.slug)
    return session


def counts(app) -> dict[str, int]:
    """How many rows the tables a refusal must leave alone hold, across structures."""
    from issuer import db, tenancy

    with app.app_context():
        session = db.session()
        tenancy.unbind(session)
        return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in WATCHED}


def rows(app, statement):
    from issuer import db, tenancy

    with app.app_context():
        session = db.session()
        tenancy.unbind(session)
        return list(session.scalars(statement))


def set_up(app, key, *, slug=None, application_id="100000000000000001", guild_id=GUILD_ID) -> None:
    """The structure's Discord application and server, as its administrator sets them."""
    from issuer.discord import service
    from issuer.models import utcnow

    with app.app_context():
        session = session_in(app, slug)
        service.save_settings(session, application_id=application_id, public_key=public_hex(key),
                              guild_id=guild_id, actor=None, now=utcnow())  # fmt: skip
        session.commit()


def user_id(app, email: str) -> int:
    from issuer.models import User

    return rows(app, select(User.id).where(User.email == email))[0]


def link_code(app, email: str = MEDIATOR, slug=None) -> str:
    """A one-time code made for a staff account, as the « Relier Discord » page makes it."""
    from issuer.discord import service
    from issuer.models import User, utcnow

    with app.app_context():
        session = session_in(app, slug)
        code = service.new_link_code(session, actor=session.get(User, user_id(app, email)), now=utcnow())
        session.commit()
        return code


def link_mediator(discord: Discord, app, email: str = MEDIATOR, who: str = MEDIATOR_DISCORD, slug=None):
    answer = ephemeral_text(discord.post(discord.slash(who, "lier", code=link_code(app, email, slug))))
    assert "relié" in answer
    return answer


def link_young(app, discord_id: str = YOUNG_DISCORD, band: str = "adult", consent: bool = False) -> int:
    """A young person whose Discord account is already linked (as a first claim leaves it)."""
    from issuer.learners import service as learners
    from issuer.models import utcnow

    with app.app_context():
        session = session_in(app)
        person = learners.create_learner(session, learners.LearnerData("Sami", None, band, False, consent),
                                         actor=None, now=utcnow())  # fmt: skip
        session.flush()
        session.add(DiscordLearner(discord_user_id=discord_id, learner_id=person.id, linked_at=utcnow()))
        session.commit()
        return person.id


def locked_skill(app) -> str:
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        return next(s.id for s in tree.topological_order() if tree.status(set())[s.id].status == "locked")


def open_modal(discord: Discord, skill: str, young: str = YOUNG_DISCORD, who: str = MEDIATOR_DISCORD) -> dict:
    resp = discord.post(discord.slash(who, "reconnaitre", jeune=young, competence=skill))
    assert resp.status_code == 200
    return resp.get_json()


def recognise(discord: Discord, skill: str, young: str = YOUNG_DISCORD, who: str = MEDIATOR_DISCORD):
    """The modal's submit, as Discord sends it once the mediator has written the observation."""
    custom_id = f"reconnaitre:{young}:{skill}"
    return discord.post(discord.modal_submit(who, custom_id, NARRATIVE, "Rocket League"))


@pytest.fixture
def key():
    return new_key()


@pytest.fixture
def sender(app, monkeypatch):
    """Follow-ups recorded, and any real call to Discord made impossible."""
    import issuer.discord.outbound as outbound

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(outbound.urllib.request, "urlopen", no_network)
    recorder = RecordingSender()
    app.extensions["palier.discord.sender"] = recorder
    return recorder


@pytest.fixture
def discord(app, client, key, sender) -> Discord:
    set_up(app, key)
    return Discord(client, key)


@pytest.fixture
def mediator(discord, app) -> Discord:
    """The simulated Discord, its mediator's account already linked with /lier."""
    link_mediator(discord, app)
    return discord


# ---- Signatures, timestamps, replays --------------------------------------------------------------------


def test_a_ping_signed_by_the_application_is_answered_pong_without_a_cookie(discord):
    resp = discord.post(discord.ping())
    assert resp.status_code == 200 and resp.get_json() == {"type": 1}
    assert "Set-Cookie" not in resp.headers and resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in resp.headers


@pytest.mark.parametrize("how", ["missing", "other key", "tampered body", "not hex", "no timestamp"])
def test_a_request_not_signed_by_the_application_is_refused_401_and_nothing_is_written(app, discord, how):
    before = counts(app)
    payload = discord.slash(MEDIATOR_DISCORD, "lier", code="ABCD-EFGH")
    if how == "missing":
        resp = discord.client.post(discord.path, json=payload)
    elif how == "other key":
        resp = discord.post(payload, key=new_key())
    elif how == "tampered body":
        stamp = str(int(time.time()))
        sig = discord.key.sign(stamp.encode() + b'{"type": 1}').hex()
        resp = discord.replay(payload, stamp, sig)
    elif how == "not hex":
        resp = discord.post(payload, signature="zz" * 64)
    else:
        resp = discord.post(payload, headers={"X-Signature-Timestamp": ""})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "discord_signature"
    assert counts(app) == before


def test_a_stale_timestamp_is_refused_401(app, discord):
    before = counts(app)
    resp = discord.post(discord.ping(), timestamp=int(time.time()) - 6 * 60)
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "discord_stale"
    assert "trop ancienne" in resp.get_json()["error"]["message"]
    assert counts(app) == before


def test_the_same_signed_request_sent_twice_is_refused_the_second_time(app, discord):
    payload = discord.ping()
    assert discord.post(payload).status_code == 200
    stamp, sig = discord.sent[-1]
    again = discord.replay(payload, stamp, sig)
    assert again.status_code == 401 and again.get_json()["error"]["code"] == "discord_stale"


def test_a_structure_without_a_discord_application_answers_401(app, client):
    resp = Discord(client, new_key()).post({"type": 1})
    assert resp.status_code == 401


# ---- Linking a mediator's Discord account ---------------------------------------------------------------


def test_a_mediator_links_their_discord_account_with_a_one_time_code(app, discord):
    code = link_code(app)
    answer = ephemeral_text(discord.post(discord.slash(MEDIATOR_DISCORD, "lier", code=code.lower())))
    assert "Votre compte Discord est relié" in answer
    (member,) = rows(app, select(DiscordMember))
    assert member.discord_user_id == MEDIATOR_DISCORD and member.user_id == user_id(app, MEDIATOR)
    before = counts(app)
    again = ephemeral_text(discord.post(discord.slash(STRANGER_DISCORD, "lier", code=code)))
    assert "ne marche pas" in again and counts(app) == before  # single use


def test_the_link_page_shows_a_code_once_and_the_linked_accounts(app, client, mediator):
    from factories import login

    login(client, MEDIATOR, PASSWORD)
    page = text(client.get("/discord/lier"))
    assert "Relier votre compte Discord" in page and MEDIATOR_DISCORD in page
    made = post(client, "/discord/lier")
    assert made.status_code == 200 and 'id="discord-link-code"' in text(made)


def test_an_expired_link_code_is_refused(app, discord):
    from datetime import timedelta

    from issuer.models import DiscordLinkCode

    code = link_code(app)
    with app.app_context():
        session = session_in(app)
        for row in session.scalars(select(DiscordLinkCode)):
            row.expires_at = row.created_at - timedelta(seconds=1)
        session.commit()
    answer = ephemeral_text(discord.post(discord.slash(MEDIATOR_DISCORD, "lier", code=code)))
    assert "ne marche pas" in answer and rows(app, select(DiscordMember)) == []


# ---- Recognising a skill: the whole flow ----------------------------------------------------------------


def test_slash_command_modal_then_submit_awards_a_valid_badge_to_a_linked_young_person(app, mediator, client):
    learner = link_young(app)
    skill = tier_one_skills(app)[0]
    modal = open_modal(mediator, skill)
    assert modal["type"] == 9
    assert modal["data"]["custom_id"] == f"reconnaitre:{YOUNG_DISCORD}:{skill}"
    fields = [row["components"][0] for row in modal["data"]["components"]]
    assert fields[0]["custom_id"] == "observation" and fields[0]["required"] is True
    answer = ephemeral_text(recognise(mediator, skill))
    assert "délivré" in answer and "rien n'a été publié" in answer
    (row,) = rows(app, select(Assertion))
    assert row.learner_id == learner and row.skill_id == skill and row.awarded_by_id == user_id(app, MEDIATOR)
    assert row.evidence_narrative == NARRATIVE and row.evidence_game == "Rocket League"
    verdict = client.post("/api/verify", json={"badge": row.jws}).get_json()
    assert verdict["verdict"] == "valid", verdict
    assert "discord.award" in rows(app, select(AuditEvent.action))


def test_autocomplete_offers_the_skills_whose_prerequisites_are_met(app, mediator):
    first = tier_one_skills(app)
    choices = mediator.post(mediator.autocomplete(MEDIATOR_DISCORD, "", YOUNG_DISCORD)).get_json()
    assert choices["type"] == 8
    assert [c["value"] for c in choices["data"]["choices"]] == first[:25]
    assert locked_skill(app) not in [c["value"] for c in choices["data"]["choices"]]
    link_young(app)
    ephemeral_text(recognise(mediator, first[0]))
    after = mediator.post(mediator.autocomplete(MEDIATOR_DISCORD, "", YOUNG_DISCORD)).get_json()
    offered = [c["value"] for c in after["data"]["choices"]]
    assert first[0] not in offered  # already earned
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        opened = [s.id for s in tree.topological_order() if tree.status({first[0]})[s.id].status == "unlocked"]
        name = tree.display_name(first[1])
    assert offered == opened[:25]
    typed = mediator.post(mediator.autocomplete(MEDIATOR_DISCORD, name[:5].lower(), YOUNG_DISCORD)).get_json()
    assert first[1] in [c["value"] for c in typed["data"]["choices"]]


def test_autocomplete_tells_nothing_to_a_discord_user_not_linked(app, discord):
    choices = discord.post(discord.autocomplete(STRANGER_DISCORD, "", YOUNG_DISCORD)).get_json()
    assert choices == {"type": 8, "data": {"choices": []}}


def test_the_user_context_menu_entry_offers_a_skill_menu_then_the_same_modal(app, mediator):
    menu = mediator.post(mediator.user_entry(MEDIATOR_DISCORD, YOUNG_DISCORD)).get_json()
    assert menu["type"] == 4 and menu["data"]["flags"] == 64
    select_menu = menu["data"]["components"][0]["components"][0]
    assert select_menu["custom_id"] == f"choisir:{YOUNG_DISCORD}"
    skill = select_menu["options"][0]["value"]
    modal = mediator.post(mediator.select(MEDIATOR_DISCORD, select_menu["custom_id"], skill)).get_json()
    assert modal["type"] == 9 and modal["data"]["custom_id"] == f"reconnaitre:{YOUNG_DISCORD}:{skill}"


def test_a_slow_award_is_deferred_then_answered_through_the_webhook(app, mediator, sender):
    app.config["DISCORD_ANSWER_WITHIN"] = 0  # always past the limit
    link_young(app)
    skill = tier_one_skills(app)[0]
    resp = recognise(mediator, skill)
    assert resp.get_json() == {"type": 5, "data": {"flags": 64}}
    assert sender.arrived.wait(30)
    ((application_id, token, body),) = sender.sent
    assert application_id == mediator.application_id and token == f"tok-{MEDIATOR_DISCORD}-5"
    assert "délivré" in body["content"] and body["allowed_mentions"] == {"parse": []}
    assert len(rows(app, select(Assertion))) == 1


# ---- A young person not linked yet: a pending award, a code, the claim page -----------------------------


def pending_code(app, mediator, skill=None) -> str:
    skill = skill or tier_one_skills(app)[0]
    answer = ephemeral_text(recognise(mediator, skill))
    assert "Donnez-lui ce code en privé" in answer and "/discord/badge" in answer
    return answer.split("(jamais dans un salon) : ")[1][:9]


def claim(client, code: str, band: str = "adult", **extra):
    data = {"code": code, "first_name": "Inès", "age_band": band, **extra}
    return post(client, "/discord/badge", data)


def test_an_unlinked_young_person_gets_a_pending_award_and_a_code_not_a_badge(app, mediator):
    code = pending_code(app, mediator)
    assert len(code) == 9 and code[4] == "-"
    assert rows(app, select(Assertion)) == [] and rows(app, select(Learner)) == []
    (pending,) = rows(app, select(DiscordPendingAward))
    assert pending.discord_user_id == YOUNG_DISCORD and pending.claimed_at is None
    assert code.replace("-", "") not in pending.code_digest  # only a digest is kept


@pytest.mark.parametrize("band", ["adult", "15-17"])
def test_claiming_the_code_links_the_young_person_and_issues_the_badge(app, mediator, client, band):
    code = pending_code(app, mediator)
    assert "Recevoir mon badge" in text(client.get("/discord/badge"))
    resp = claim(client, code, band)
    assert resp.status_code == 303 and "/p/" in resp.headers["Location"]
    (person,) = rows(app, select(Learner))
    assert person.display_name == "Inès" and person.age_band == band and person.email is None
    assert person.name_public_since is None
    (row,) = rows(app, select(Assertion))
    assert row.learner_id == person.id and row.awarded_by_id == user_id(app, MEDIATOR)
    (link,) = rows(app, select(DiscordLearner))
    assert link.discord_user_id == YOUNG_DISCORD and link.learner_id == person.id
    # Spent: the same code again is refused, and the next badge comes at once.
    again = claim(client, code, band)
    assert again.status_code in (404, 409) and "ne marche pas" in text(again)
    second = tier_one_skills(app)[1]
    assert "délivré" in ephemeral_text(recognise(mediator, second))
    assert len(rows(app, select(Assertion))) == 2


def test_an_under_15_claims_only_with_a_guardians_consent(app, mediator, client):
    code = pending_code(app, mediator)
    before = counts(app)
    refused = claim(client, code, "under15")
    assert refused.status_code == 409 and "un parent" in text(refused)
    assert counts(app) == before
    done = claim(client, code, "under15", guardian_consent="y", name_public="y")
    assert done.status_code == 303
    (person,) = rows(app, select(Learner))
    assert person.age_band == "under15" and person.parental_consent_at is not None
    assert person.name_public_since is not None and len(rows(app, select(Assertion))) == 1


def test_a_wrong_code_on_the_claim_page_is_refused_in_french(app, discord, client):
    resp = claim(client, "ZZZZ-ZZZZ")
    assert resp.status_code == 404 and "ne marche pas" in text(resp)
    assert rows(app, select(Learner)) == []
