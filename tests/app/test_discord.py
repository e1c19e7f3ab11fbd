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
        opened = [
            s.id for s in tree.topological_order() if tree.status({first[0]})[s.id].status == "unlocked"
        ]
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


# ---- Refusals: an ephemeral French answer, nothing written ----------------------------------------------


def make_volunteer(app, email: str = "benevole@test.fr") -> None:
    from issuer.accounts import service as accounts
    from issuer.models import Role, utcnow

    with app.app_context():
        session = session_in(app)
        accounts.create_user(session, email=email, name="Bénévole", password=PASSWORD, role=Role.VOLUNTEER,
                             actor=None, now=utcnow())  # fmt: skip
        session.commit()


def deactivate(app, email: str = MEDIATOR) -> None:
    from issuer.accounts import service as accounts
    from issuer.models import utcnow

    with app.app_context():
        session = session_in(app)
        accounts.set_active(session, user_id(app, email), False, actor=None, now=utcnow())
        session.commit()


def refusal_case(app, mediator: Discord, case: str) -> tuple[str, str]:
    """Arrange one refusal; return (the skill to ask for, the words the answer must hold)."""
    skill = tier_one_skills(app)[0]
    if case == "unlinked guild":
        mediator.guild_id = "999999999999999999"
        return skill, "serveur Discord n'est pas relié"
    if case == "direct message":
        mediator.guild_id = None
        return skill, "serveur Discord n'est pas relié"
    if case == "unlinked user":
        return skill, "n'est relié à aucun compte"
    if case == "volunteer":  # linked, but their role awards only in sessions entrusted to them
        make_volunteer(app)
        link_mediator(mediator, app, "benevole@test.fr", STRANGER_DISCORD)
        return skill, "bénévole"
    if case == "inactive account":
        deactivate(app)
        return skill, "n'est relié à aucun compte"
    if case == "locked skill":
        link_young(app)
        return locked_skill(app), "n'est pas encore débloqué"
    if case == "locked skill, not linked":
        return locked_skill(app), "n'est pas encore débloqué"
    if case == "minor without guardian consent":
        link_young(app, band="under15", consent=False)
        return skill, "moins de 15 ans"
    if case == "already earned":
        link_young(app)
        ephemeral_text(recognise(mediator, skill))
        return skill, "déjà obtenu"
    if case == "to themselves":
        return skill, "ne permet pas"
    raise AssertionError(case)


CASES = ["unlinked guild", "direct message", "unlinked user", "volunteer", "inactive account", "locked skill",
         "locked skill, not linked", "minor without guardian consent", "already earned", "to themselves"]  # fmt: skip


def _who(case: str) -> str:
    return STRANGER_DISCORD if case in ("unlinked user", "volunteer") else MEDIATOR_DISCORD


def _young(case: str) -> str:
    return MEDIATOR_DISCORD if case == "to themselves" else YOUNG_DISCORD


@pytest.mark.parametrize("case", CASES)
def test_each_refusal_of_the_slash_command_answers_in_french_and_writes_nothing(app, mediator, case):
    skill, words = refusal_case(app, mediator, case)
    before = counts(app)
    answer = ephemeral_text(
        mediator.post(mediator.slash(_who(case), "reconnaitre", jeune=_young(case), competence=skill))
    )
    assert words in answer, answer
    assert counts(app) == before


@pytest.mark.parametrize("case", CASES)
def test_each_refusal_of_the_modal_submit_answers_in_french_and_writes_nothing(app, mediator, case):
    skill, words = refusal_case(app, mediator, case)
    before = counts(app)
    answer = ephemeral_text(recognise(mediator, skill, young=_young(case), who=_who(case)))
    assert words in answer, answer
    assert counts(app) == before


def test_a_young_person_whose_guardian_consent_was_withdrawn_receives_nothing_from_discord(app, mediator):
    from issuer.learners import service as learners
    from issuer.models import utcnow

    person = link_young(app, band="under15", consent=True)
    assert "délivré" in ephemeral_text(recognise(mediator, tier_one_skills(app)[0]))
    with app.app_context():
        session = session_in(app)
        learners.update_learner(session, person, learners.LearnerData("Sami", None, "under15", False, False),
                                actor=None, now=utcnow())  # fmt: skip
        session.commit()
    before = counts(app)
    answer = ephemeral_text(recognise(mediator, tier_one_skills(app)[1]))
    assert "aucun accord d'un parent" in answer and counts(app) == before


def test_an_empty_observation_is_refused_and_nothing_is_written(app, mediator):
    link_young(app)
    before = counts(app)
    custom_id = f"reconnaitre:{YOUNG_DISCORD}:{tier_one_skills(app)[0]}"
    answer = ephemeral_text(mediator.post(mediator.modal_submit(MEDIATOR_DISCORD, custom_id, "   ")))
    assert "Décrivez ce que vous avez observé" in answer and counts(app) == before


def test_an_unknown_command_is_answered_in_french(app, mediator):
    answer = ephemeral_text(mediator.post(mediator.slash(MEDIATOR_DISCORD, "autre")))
    assert "ne connaît pas cette commande" in answer


# ---- Structures stay apart ------------------------------------------------------------------------------


def test_a_server_linked_to_one_structure_cannot_award_in_another(app, client, key, sender):
    from factories import make_structure

    set_up(app, key)  # the first structure: its application, its server GUILD_ID
    make_structure(app, "voisine")
    other_key = new_key()
    set_up(app, other_key, slug="voisine", application_id="100000000000000009", guild_id="200000000000000009")
    first = Discord(client, key)
    link_mediator(first, app)
    link_young(app)
    skill = tier_one_skills(app)[0]
    before = counts(app)
    # The first structure's application, signing for the neighbour's endpoint: not the neighbour's key.
    wrong_key = Discord(client, key, path="/s/voisine/discord/interactions")
    assert wrong_key.post(wrong_key.ping()).status_code == 401
    # The neighbour's own application, but typed on the first structure's server.
    other = Discord(client, other_key, path="/s/voisine/discord/interactions",
                    application_id="100000000000000009")  # fmt: skip
    answer = ephemeral_text(recognise(other, skill))
    assert "n'est pas relié à cette structure" in answer
    # On its own server, the first structure's mediator is nobody there.
    other.guild_id = "200000000000000009"
    assert "n'est relié à aucun compte" in ephemeral_text(recognise(other, skill))
    assert counts(app) == before
    assert "délivré" in ephemeral_text(recognise(first, skill))


def test_a_server_or_an_application_belongs_to_one_structure_only(app, key):
    from factories import make_structure

    from issuer.discord import service
    from issuer.errors import PalierError
    from issuer.models import utcnow

    set_up(app, key)
    make_structure(app, "voisine")
    with app.app_context():
        session = session_in(app, "voisine")
        for application_id, guild in (("100000000000000001", "7"), ("100000000000000009", GUILD_ID)):
            with pytest.raises(PalierError) as refused:
                service.save_settings(session, application_id=application_id, public_key=public_hex(key),
                                      guild_id=guild, actor=None, now=utcnow())  # fmt: skip
            assert "autre structure" in refused.value.message


# ---- Erasure, the settings page, the command line -------------------------------------------------------


def test_erasing_a_young_person_removes_their_discord_link_and_their_pending_awards(app, mediator):
    from issuer.learners import service as learners
    from issuer.models import utcnow

    person = link_young(app)
    ephemeral_text(recognise(mediator, tier_one_skills(app)[0]))
    with app.app_context():  # an award still waiting for the same account (made before it was linked)
        session = session_in(app)
        session.add(DiscordPendingAward(uid="u-1", code_digest="d" * 64, discord_user_id=YOUNG_DISCORD,
                                        skill_id="x", evidence_narrative="…", expires_at=utcnow()))  # fmt: skip
        session.commit()
        learners.erase(session, person, actor=None, now=utcnow())
        session.commit()
    assert rows(app, select(DiscordLearner)) == [] and rows(app, select(DiscordPendingAward)) == []
    # Their Discord account now names nobody: a new badge would wait for a new claim.
    assert "Donnez-lui ce code" in ephemeral_text(recognise(mediator, tier_one_skills(app)[0]))


def test_the_administrator_sets_the_application_on_the_settings_page(app, client, key):
    from factories import ADMIN, login

    login(client, MEDIATOR, PASSWORD)
    assert client.get("/admin/discord/").status_code in (302, 403)
    post(client, "/logout")
    login(client, ADMIN, PASSWORD)
    page = text(client.get("/admin/discord/"))
    assert "http://badges.test/discord/interactions" in page
    bad = post(client, "/admin/discord/", {"application_id": "abc", "public_key": "00", "guild_id": ""})
    assert bad.status_code == 409 and "nombre" in text(bad)
    done = post(client, "/admin/discord/", {"application_id": "100000000000000001",
                                            "public_key": public_hex(key), "guild_id": GUILD_ID})  # fmt: skip
    assert done.status_code == 302
    from issuer.models import DiscordApp

    (row,) = rows(app, select(DiscordApp))
    assert row.guild_id == GUILD_ID and row.public_key == public_hex(key)


def test_palier_discord_register_prints_the_commands_hidden_by_default(app, runner, key, monkeypatch):
    import json

    import issuer.discord.outbound as outbound

    monkeypatch.setattr(outbound.urllib.request, "urlopen", lambda *a, **k: pytest.fail("network"))
    assert "palier discord setup" in runner.invoke(args=["discord", "register"]).output
    result = runner.invoke(args=["discord", "setup", "--application-id", "100000000000000001",
                                 "--public-key", public_hex(key), "--guild-id", GUILD_ID])  # fmt: skip
    assert result.exit_code == 0, result.output
    printed = json.loads(runner.invoke(args=["discord", "register"]).output)
    by_name = {c["name"]: c for c in printed}
    assert by_name["reconnaitre"]["default_member_permissions"] == "0"
    assert by_name["Reconnaître une compétence"]["default_member_permissions"] == "0"
    options = {o["name"]: o for o in by_name["reconnaitre"]["options"]}
    assert options["jeune"]["type"] == 6 and options["competence"]["autocomplete"] is True
    monkeypatch.delenv("PALIER_DISCORD_BOT_TOKEN", raising=False)
    refused = runner.invoke(args=["discord", "register", "--send"])
    assert refused.exit_code == 1 and "PALIER_DISCORD_BOT_TOKEN" in refused.output


def test_the_claim_page_is_throttled_against_guessing(app, discord, client):
    answers = [claim(client, f"ZZZZ-ZZZ{c}").status_code for c in "23456789ABCD"]
    assert answers[:10] == [404] * 10 and answers[-1] == 429


def test_an_oversized_body_is_refused_before_anything_is_read(app, discord):
    resp = discord.post({}, body=b"{" + b" " * (70 * 1024) + b"}")
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "discord_signature"
