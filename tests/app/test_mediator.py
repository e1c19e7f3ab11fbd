"""The learner's page: the tree, awarding from a phone, overriding, revoking."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from factories import award_fields, login, login_admin, make_learner, post, query, skills_by_status, text
from sqlalchemy import select

from issuer.models import Assertion, AuditEvent
from issuer.runtime import runtime


@pytest.fixture
def lina(app):
    return make_learner(app, "Lina")


def _award(client, learner_id, skill_id, **fields):
    return post(client, f"/jeunes/{learner_id}/badges/{skill_id}", award_fields(skill_id, **fields))


def _live(app, learner_id):
    return query(
        app, select(Assertion).where(Assertion.learner_id == learner_id, Assertion.revoked_at.is_(None))
    )


def test_learner_page_opens_on_what_can_be_awarded_with_the_rest_one_tap_away(app, client, lina):
    login(client)
    html = text(client.get(f"/jeunes/{lina}"))
    groups = skills_by_status(app)
    assert html.count('class="skill skill--unlocked"') == len(groups["unlocked"])
    assert html.count('class="skill skill--locked"') == len(groups["locked"])
    awardable, rest = html.split('id="badges"', 1)
    assert "À délivrer maintenant" in awardable and 'class="skill skill--locked"' not in awardable
    # Earned badges and locked skills sit in closed sections, each saying how many it holds.
    assert re.search(
        r'<details class="section" id="verrouilles">\s*<summary><h2>\d+ compétences verrouillées', rest
    )
    assert "Verrouillé" in rest and "Il manque :" in rest  # the reason from the tree, not just a colour


def test_the_awardable_skills_are_grouped_by_branch_with_a_jump_to_each(app, client, lina):
    login(client)
    html = text(client.get(f"/jeunes/{lina}"))
    awardable = html.split('id="badges"', 1)[0]
    with app.app_context():
        tree = runtime().tree
        unlocked = set(skills_by_status(app)["unlocked"])
        branches = [b for b in tree.branches if any(s.id in unlocked for s in tree.skills_of(b.id))]
    for branch in branches:
        assert f'href="#a-delivrer-{branch.id}"' in awardable and f'id="a-delivrer-{branch.id}"' in awardable
    positions = [awardable.index(f'<h3 id="a-delivrer-{b.id}"') for b in branches]
    assert positions == sorted(positions)  # in the tree's order


def test_learner_page_has_an_award_form_on_unlocked_skills_only_for_mediators(app, client, lina):
    login(client)
    html = text(client.get(f"/jeunes/{lina}"))
    groups = skills_by_status(app)
    assert f'/badges/{groups["unlocked"][0]}"' in html
    assert f'/badges/{groups["locked"][0]}"' not in html
    assert "override_reason" not in html


def test_admin_sees_an_override_field_on_locked_skills(app, client, lina):
    login_admin(client)
    html = text(client.get(f"/jeunes/{lina}"))
    locked = skills_by_status(app)["locked"][0]
    assert f'name="s-{locked}-override_reason"' in html


def test_award_an_unlocked_skill_from_the_page_then_see_it_earned(app, client, lina):
    login(client)
    skill = skills_by_status(app)["unlocked"][0]
    response = _award(client, lina, skill)
    assert response.status_code == 302
    # The confirmation at the top, with the code that hands the badge over (tests/app/test_collecting.py).
    assert re.fullmatch(rf"/jeunes/{lina}\?remise=\d+#contenu", response.headers["Location"])
    page = text(client.get(response.headers["Location"]))
    assert "délivré à Lina" in page
    assert re.search(rf'class="skill skill--earned" data-skill="{skill}"', page)
    assert f'id="skill-{skill}"' not in page.split('id="badges"', 1)[0]  # no longer among the awardable
    [row] = _live(app, lina)
    assert row.skill_id == skill and row.evidence_game == "Overcooked 2"


def test_award_a_locked_skill_is_refused_with_the_reason(app, client, lina):
    login(client)
    locked = skills_by_status(app)["locked"][0]
    response = _award(client, lina, locked)
    html = text(response)
    assert response.status_code == 409
    assert "n'est pas encore débloqué" in html and "Il manque" in html
    assert _live(app, lina) == []


def test_a_mediator_cannot_override_prerequisites(app, client, lina):
    login(client)
    locked = skills_by_status(app)["locked"][0]
    response = _award(client, lina, locked, override_reason="Observé en dehors de Palier")
    assert response.status_code == 409
    assert "administrateur" in text(response)
    assert _live(app, lina) == []


def test_an_admin_override_is_awarded_and_recorded_in_the_audit_log(app, client, lina):
    login_admin(client)
    locked = skills_by_status(app)["locked"][0]
    response = _award(client, lina, locked, override_reason="Observé lors d'un stage, attesté par la tutrice")
    assert response.status_code == 302
    [row] = _live(app, lina)
    assert row.override_reason.startswith("Observé lors d'un stage")
    overrides = query(app, select(AuditEvent).where(AuditEvent.action == "override"))
    assert len(overrides) == 1 and overrides[0].actor_label == "admin@test.fr"


def test_award_the_same_skill_twice_is_refused(app, client, lina):
    login(client)
    skill = skills_by_status(app)["unlocked"][0]
    assert _award(client, lina, skill).status_code == 302
    again = _award(client, lina, skill)
    assert again.status_code == 409
    assert "déjà obtenu" in text(again)
    assert len(_live(app, lina)) == 1


def test_sending_the_same_award_form_twice_awards_once_and_says_so_kindly(app, client, lina):
    login(client)
    skill = skills_by_status(app)["unlocked"][0]
    first = _award(client, lina, skill, token="same-token-123")
    second = _award(client, lina, skill, token="same-token-123")
    assert first.status_code == second.status_code == 302
    assert len(_live(app, lina)) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"narrative": ""}, "Décrivez ce que vous avez observé"),
        ({"narrative": "   "}, "Décrivez ce que vous avez observé"),
        ({"narrative": "x" * 4001}, "4000 caractères au plus"),
        ({"url": "ftp://exemple.org/preuve"}, "adresse web complète"),
        ({"url": "pas une adresse"}, "adresse web complète"),
        ({"game": "j" * 161}, "160 caractères au plus"),
        ({"session_id": "999"}, "N'est pas un choix valide"),
    ],
)
def test_award_with_bad_input_shows_a_message_and_awards_nothing(app, client, lina, fields, message):
    login(client)
    skill = skills_by_status(app)["unlocked"][0]
    response = _award(client, lina, skill, **fields)
    html = text(response)
    assert response.status_code in (400, 409)
    assert message in html
    assert 'aria-invalid="true"' in html or "flash--error" in html
    assert _live(app, lina) == []


def test_award_to_an_unknown_skill_or_learner_is_404(app, client, lina):
    login(client)
    assert _award(client, lina, "nexiste-pas").status_code == 404
    assert _award(client, 9999, skills_by_status(app)["unlocked"][0]).status_code == 404


def test_award_flow_is_three_screens_from_login(app, client, lina):
    skill = skills_by_status(app)["unlocked"][0]
    list_page = client.get(login(client).headers["Location"]).get_data(as_text=True)  # screen 2
    assert f'href="/jeunes/{lina}"' in list_page
    learner_page = text(client.get(f"/jeunes/{lina}"))  # screen 3
    assert f'action="/jeunes/{lina}/badges/{skill}"' in learner_page
    assert _award(client, lina, skill).status_code == 302


def _awarded(app, client, lina):
    login(client)
    skill = skills_by_status(app)["unlocked"][0]
    _award(client, lina, skill)
    return _live(app, lina)[0]


def test_revoke_asks_for_confirmation_first(app, client, lina):
    badge = _awarded(app, client, lina)
    page = client.get(f"/jeunes/{lina}/revoquer/{badge.uid}")
    assert page.status_code == 200
    assert "Révoquer ce badge" in text(page)
    assert len(_live(app, lina)) == 1


def test_revoke_without_a_reason_is_refused(app, client, lina):
    badge = _awarded(app, client, lina)
    response = post(client, f"/jeunes/{lina}/revoquer/{badge.uid}", {"reason": "  "})
    assert response.status_code == 400
    assert "Indiquez la raison" in text(response)
    assert len(_live(app, lina)) == 1


def test_revoke_with_a_reason_revokes_and_shows_it(app, client, lina):
    badge = _awarded(app, client, lina)
    response = post(client, f"/jeunes/{lina}/revoquer/{badge.uid}", {"reason": "Délivré par erreur"})
    assert response.status_code == 302
    assert _live(app, lina) == []
    page = text(client.get(f"/jeunes/{lina}"))
    assert "Délivré par erreur" in page and "Révoqué le" in page


def test_revoke_a_badge_of_someone_else_is_404(app, client, lina):
    badge = _awarded(app, client, lina)
    other = make_learner(app, "Noé")
    assert client.get(f"/jeunes/{other}/revoquer/{badge.uid}").status_code == 404


def test_home_sends_staff_to_the_learner_list(client):
    login(client)
    assert client.get("/").headers["Location"] == "/jeunes/"


def test_learner_page_of_an_erased_or_unknown_learner_is_404(client):
    login(client)
    assert client.get("/jeunes/4242").status_code == 404


def test_award_can_name_a_recent_session_the_learner_took_part_in(app, client, lina):
    from datetime import date

    login(client)
    created = post(
        client,
        "/seances/nouvelle",
        {"title": "Raid du jeudi", "held_on": date.today().isoformat(), "participants": [str(lina)]},
    )
    game = int(created.headers["Location"].rsplit("/", 1)[1])
    page = text(client.get(f"/jeunes/{lina}"))
    assert "Raid du jeudi" in page
    skill = skills_by_status(app)["unlocked"][0]
    assert _award(client, lina, skill, session_id=str(game)).status_code == 302
    assert _live(app, lina)[0].session_id == game


def _session_with(client, learner_id: int, held_on: str, title: str) -> int:
    response = post(
        client, "/seances/nouvelle", {"title": title, "held_on": held_on, "participants": [str(learner_id)]}
    )
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_the_session_of_the_day_is_preselected_on_every_award_form(app, client, lina):
    from issuer.web.i18n import local_today

    login(client)
    with app.test_request_context():
        today = local_today()
    _session_with(client, lina, (today - timedelta(days=10)).isoformat(), "Séance précédente")
    todays = _session_with(client, lina, today.isoformat(), "Tournoi du jour")
    html = text(client.get(f"/jeunes/{lina}"))
    skill = skills_by_status(app)["unlocked"][0]
    select_box = re.search(rf'<select[^>]*name="s-{skill}-session_id".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option selected value="{todays}">|<option value="{todays}" selected>', select_box)


def test_no_session_is_preselected_when_the_learner_is_in_none_today(app, client, lina):
    from issuer.web.i18n import local_today

    login(client)
    with app.test_request_context():
        earlier = local_today() - timedelta(days=10)
    _session_with(client, lina, earlier.isoformat(), "Séance précédente")
    html = text(client.get(f"/jeunes/{lina}"))
    assert (
        "selected"
        not in re.search(r"<select[^>]*session_id.*?</select>", html, re.S).group(0).split("</option>", 1)[1]
    )


def test_the_award_form_offers_the_behaviours_of_the_skill_s_criteria(app, client, lina):
    login(client)
    html = text(client.get(f"/jeunes/{lina}"))
    skill_id = skills_by_status(app)["unlocked"][0]
    with app.app_context():
        behaviours = runtime().tree.skill(skill_id).behaviours
    item = html.split(f'id="skill-{skill_id}"', 1)[1].split("</form>", 1)[0]
    assert behaviours and all(f'data-insert="{b}"' in item.replace("&#39;", "'") for b in behaviours)
    assert 'src="/static/js/observe.js"' in html  # a file: the CSP refuses inline scripts
