"""Collecting at the end of a session (#13 item 2): after an award the mediator's phone shows a QR code
and a short code; the young person scans or types it on their own phone and lands on their page. Each
code works once, for a few minutes, and typing codes is throttled."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from factories import award_fields, login, make_learner, post, query, skills_by_status, text
from sqlalchemy import select, update

from issuer.models import HandoverCode, Learner


def _award(app, client, learner_id: int):
    skill = skills_by_status(app)["unlocked"][0]
    login(client)
    response = post(client, f"/jeunes/{learner_id}/badges/{skill}", award_fields(skill))
    assert response.status_code == 302
    return client.get(response.headers["Location"])


def _code_on(page: str) -> str:
    return re.search(r'class="handover__code">.*?<strong>([^<]+)</strong>', page, re.S).group(1)


def _portfolio_token(app, learner_id: int) -> str:
    return query(app, select(Learner.portfolio_token).where(Learner.id == learner_id))[0]


@pytest.fixture
def lina(app):
    return make_learner(app, "Lina")


def test_after_an_award_the_young_person_types_the_code_and_lands_on_their_page(app, client, lina):
    page = _award(app, client, lina).get_data(as_text=True)
    assert "Remettre son badge" in page
    # The confirmation first, then the code: both before the learner's name.
    assert page.index("délivré à Lina") < page.index("handover__code") < page.index("<h1>Lina</h1>")
    code = _code_on(page)
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)

    phone = app.test_client()  # the young person's phone: no cookie of the mediator's
    opened = post(phone, "/r", {"code": code.lower().replace("-", " ")})
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith(f"/p/{_portfolio_token(app, lina)}")


def test_a_code_works_once(app, client, lina):
    code = _code_on(_award(app, client, lina).get_data(as_text=True))
    phone = app.test_client()
    assert post(phone, "/r", {"code": code}).status_code == 303
    again = post(app.test_client(), "/r", {"code": code})
    assert again.status_code == 409 and "déjà servi" in text(again)
    assert "/p/" not in text(again)


def test_an_expired_code_is_refused(app, client, lina):
    code = _code_on(_award(app, client, lina).get_data(as_text=True))
    with app.app_context():
        from issuer import db
        from issuer.models import utcnow

        db.session().execute(update(HandoverCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session().commit()
    refused = post(app.test_client(), "/r", {"code": code})
    assert refused.status_code == 409 and "expiré" in text(refused)


def test_opening_the_qr_address_fills_the_code_in_and_spends_nothing(app, client, lina):
    code = _code_on(_award(app, client, lina).get_data(as_text=True))
    phone = app.test_client()
    shown = phone.get(f"/r/{code.replace('-', '')}")
    assert shown.status_code == 200 and f'value="{code}"' in text(shown)
    assert shown.headers["Cache-Control"] == "no-store"
    assert query(app, select(HandoverCode.used_at))[0] is None
    assert post(phone, "/r", {"code": code}).status_code == 303


def test_the_qr_code_on_the_mediator_s_phone_opens_the_code_s_address(app, client, lina, tmp_path):
    import base64

    page = _award(app, client, lina).get_data(as_text=True)
    code = _code_on(page).replace("-", "")
    uri = re.search(r'class="handover__qr" src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    svg = tmp_path / "qr.svg"
    svg.write_bytes(base64.b64decode(uri))
    png = tmp_path / "qr.png"
    from issuer.qr import qr_png  # zbarimg reads PNG: render the same payload (checked equal below)

    decoded_svg_text = svg.read_text()
    assert "<script" not in decoded_svg_text
    with app.app_context():
        from issuer.runtime import runtime

        address = runtime().urls.collect(code)
    png.write_bytes(qr_png(address))
    read = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    assert read.stdout.strip() == address and address.endswith(f"://badges.test/r/{code}")
    # The page's QR is that same address: segno is deterministic for one payload and settings.
    from issuer.qr import qr_svg

    assert base64.b64decode(uri) == qr_svg(address, title="Code à scanner")


def test_wrong_codes_are_throttled_with_a_french_answer(app, lina):
    phone = app.test_client()
    answers = [post(phone, "/r", {"code": "ZZZZ-ZZZZ"}) for _ in range(11)]
    assert [a.status_code for a in answers[:10]] == [409] * 10
    assert answers[10].status_code == 429 and "Trop de" in text(answers[10])


def test_a_group_award_shows_one_code_per_person(app, client):
    people = [make_learner(app, name) for name in ("Lina", "Noé")]
    login(client)
    created = post(client, "/seances/nouvelle", {"title": "Tournoi", "held_on": "2026-11-18",
                                                 "participants": [str(p) for p in people]})  # fmt: skip
    game = int(created.headers["Location"].rsplit("/", 1)[1])
    skill = skills_by_status(app)["unlocked"][0]
    sent = post(client, f"/seances/{game}/attribuer", {"skill_id": skill, "learners": [str(p) for p in people],
                                                       "narrative": "Ont coopéré.", "token": "group"})  # fmt: skip
    report = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Remettre leurs badges" in report and report.count('class="handover__code"') == 2
    codes = re.findall(r'class="handover__code">.*?<strong>([^<]+)</strong>', report, re.S)
    landed = {post(app.test_client(), "/r", {"code": c}).headers["Location"].rsplit("/", 1)[1] for c in codes}
    assert landed == {_portfolio_token(app, p) for p in people}


def test_no_code_is_offered_when_the_personal_link_is_off(app, client, lina):
    with app.app_context():
        from issuer import db

        db.session().execute(update(Learner).where(Learner.id == lina).values(portfolio_token=None))
        db.session().commit()
    page = _award(app, client, lina).get_data(as_text=True)
    assert "handover__code" not in page and query(app, select(HandoverCode)) == []


def test_the_code_is_never_stored_and_a_refresh_shows_it_again(app, client, lina):
    response = _award(app, client, lina)
    code = _code_on(response.get_data(as_text=True)).replace("-", "")
    [row] = query(app, select(HandoverCode))
    assert code not in (row.code_digest, row.salt)
    again = client.get(f"/jeunes/{lina}?remise={row.id}").get_data(as_text=True)
    assert _code_on(again).replace("-", "") == code
    other = make_learner(app, "Noé")  # another learner's page never shows Lina's code
    assert "handover__code" not in client.get(f"/jeunes/{other}?remise={row.id}").get_data(as_text=True)


def test_the_young_person_s_page_can_be_saved_to_the_home_screen(app, client, lina):
    token = _portfolio_token(app, lina)
    page = client.get(f"/p/{token}")
    link = re.search(r'<link rel="manifest" href="([^"]+)">', page.get_data(as_text=True)).group(1)
    assert "manifest-src 'self'" in page.headers["Content-Security-Policy"]
    manifest = client.get(link)
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.get_json(force=True)
    assert body["start_url"] == f"/p/{token}" and body["display"] == "standalone" and body["lang"] == "fr"
    for icon in body["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get("/p/jeton-inconnu/manifest.webmanifest").status_code == 404


def test_the_mediator_s_page_of_a_learner_offers_the_public_link_apart_from_the_private_one(
    app, client, lina
):
    login(client)
    page = text(client.get(f"/jeunes/{lina}"))
    assert 'id="share-url"' in page and "/partage/" in page
    assert "qu'elle ne la partage pas" in page
