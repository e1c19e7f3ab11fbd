"""A young person's page: private, their live badges, baked downloads, QR codes, LinkedIn, zip."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC
from urllib.parse import parse_qs, urlsplit
from xml.dom import minidom

import pytest
from factories import BROWSER, award, path, revoke, set_expired, text_of, tier_one_skills

import badges
from badges import _png


def portfolio(client, badge) -> str:
    resp = client.get(f"/p/{badge.portfolio_token}", headers=BROWSER)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def verdict_of(client, data: bytes, name: str) -> str:
    resp = client.post(
        "/api/verify", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    return resp.get_json()["verdict"]


def renew(app, learner_id: int) -> str:
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    with app.app_context():
        learner = learners.renew_portfolio_link(db.session(), learner_id, actor=None, now=utcnow())
        db.session().commit()
        return learner.portfolio_token


# ---- Privacy ------------------------------------------------------------------------------------


def test_portfolio_is_never_indexed_nor_referred(app, client):
    badge = award(app)
    resp = client.get(f"/p/{badge.portfolio_token}", headers=BROWSER)
    assert resp.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in resp.headers["Cache-Control"]
    html = resp.get_data(as_text=True)
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert '<meta name="referrer" content="no-referrer">' in html


def test_portfolio_link_is_gone_once_renewed(app, client):
    badge = award(app)
    new = renew(app, badge.learner_id)
    for url in (
        f"/p/{badge.portfolio_token}",
        f"/p/{badge.portfolio_token}/export.zip",
        f"/p/{badge.portfolio_token}/badges/{badge.uid}.png",
    ):
        resp = client.get(url, headers=BROWSER)
        assert resp.status_code == 404, url
        assert resp.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(f"/p/{new}", headers=BROWSER).status_code == 200


@pytest.mark.parametrize("token", ["nope", "x" * 200, "%00", "a%00b", "%C3%A9"])
def test_portfolio_unknown_token_is_404(client, token):
    assert client.get(f"/p/{token}", headers=BROWSER).status_code == 404


def test_portfolio_unknown_badge_is_404(app, client):
    badge = award(app)
    for uid in ("nope", "%00", "x" * 300):
        assert client.get(f"/p/{badge.portfolio_token}/badges/{uid}.png").status_code == 404


def test_portfolio_does_not_serve_someone_elses_badge(app, client):
    mine = award(app)
    theirs = award(app, name="Noé", email="noe@example.org")
    for suffix in (".png", ".svg", "/qr.svg"):
        assert client.get(f"/p/{mine.portfolio_token}/badges/{theirs.uid}{suffix}").status_code == 404


# ---- What it lists --------------------------------------------------------------------------------


def test_portfolio_lists_live_badges_marks_expired_and_hides_revoked(app, client, private_pem):
    skills = tier_one_skills(app)
    live = award(app, skill_id=skills[0])
    expired = award(app, live.learner_id, skill_id=skills[1])
    revoked = award(app, live.learner_id, skill_id=skills[2])
    set_expired(app, expired.uid, private_pem)
    revoke(app, revoked.uid)
    html = portfolio(client, live)
    assert live.uid in html and expired.uid in html
    assert revoked.uid not in html
    assert text_of(html).count("Expiré le") == 1


def test_portfolio_without_badges_says_so(app, client):
    from issuer import db
    from issuer.models import Learner

    badge = award(app)
    revoke(app, badge.uid)
    text = text_of(portfolio(client, badge))
    assert "Pas encore de badge" in text
    with app.app_context():
        assert db.session().get(Learner, badge.learner_id).portfolio_token == badge.portfolio_token


def test_portfolio_offers_share_link_qr_code_and_linkedin(app, client):
    badge = award(app)
    html = portfolio(client, badge)
    assert f'value="{badge.url}"' in html
    assert f'src="/p/{badge.portfolio_token}/badges/{badge.uid}/qr.svg"' in html
    href = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', html).group(1)
    query = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Jouer ensemble"]
    assert query["organizationName"] == ["Palier (démo)"]
    assert query["certUrl"] == [badge.url]
    assert query["certId"] == [badge.uid]
    assert query["issueYear"][0].isdigit() and 1 <= int(query["issueMonth"][0]) <= 12
    assert " " not in href  # every value is URL-encoded


def test_linkedin_link_encodes_every_value():
    from datetime import datetime

    from issuer.portfolio.sharing import linkedin_url

    url = linkedin_url(
        name="Jouer & gagner ?",
        organization="Médiathèque #1",
        issued_on=datetime(2025, 3, 1, tzinfo=UTC),
        cert_url="http://x/a?b=c",
        cert_id="u1",
        expires=datetime(2026, 4, 1, tzinfo=UTC),
    )
    query = parse_qs(urlsplit(url).query)
    assert query["name"] == ["Jouer & gagner ?"]
    assert query["organizationName"] == ["Médiathèque #1"]
    assert query["certUrl"] == ["http://x/a?b=c"]
    assert query["expirationYear"] == ["2026"] and query["expirationMonth"] == ["4"]


def test_qr_code_leads_to_the_badge_address(app, client):
    badge = award(app)
    svg = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"<script" not in svg.data
    png = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}/qr.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    if shutil.which("zbarimg"):
        decoded = (
            subprocess.run(["zbarimg", "--raw", "-q", "-"], input=png.data, capture_output=True, check=True)
            .stdout.decode()
            .strip()
        )
        assert decoded == badge.url


# ---- Baked downloads ---------------------------------------------------------------------------------


def test_baked_png_carries_the_jws_in_an_uncompressed_itxt_chunk_and_verifies(app, client):
    badge = award(app)
    resp = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.png")
    assert resp.mimetype == "image/png"
    assert "attachment" in resp.headers["Content-Disposition"]
    chunks = [(kind, resp.data[start + 8 : end - 4]) for kind, _, start, end in _png._chunks(resp.data)]
    assert chunks[0][0] == b"IHDR" and chunks[1][0] == b"iTXt"
    body = chunks[1][1]
    assert body.startswith(b"openbadges\0\0\0")  # keyword, then compression flag 0 and method 0
    assert body.endswith(badge.jws.encode())
    assert badges.extract(resp.data) == badge.jws
    assert verdict_of(client, resp.data, "badge.png") == "valid"


def test_baked_svg_carries_the_jws_in_an_openbadges_assertion_and_verifies(app, client):
    badge = award(app)
    resp = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.svg")
    assert resp.mimetype == "image/svg+xml"
    root = minidom.parseString(resp.data).documentElement
    assert root.getAttribute("xmlns:openbadges") == "http://openbadges.org"
    element = root.getElementsByTagName("openbadges:assertion")[0]
    assert element.getAttribute("verify") == badge.jws
    assert verdict_of(client, resp.data, "badge.svg") == "valid"


def test_baked_svg_wraps_the_png_when_the_badge_has_no_svg(app, client):
    from sqlalchemy import update

    from issuer import db
    from issuer.models import BadgeClassVersion

    badge = award(app)
    with app.app_context():
        db.session().execute(update(BadgeClassVersion).values(image_svg=None))
        db.session().commit()
    resp = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.svg")
    assert b"data:image/png;base64," in resp.data
    assert badges.extract(resp.data) == badge.jws
    assert verdict_of(client, resp.data, "badge.svg") == "valid"


def test_download_after_a_key_rotation_is_the_badge_signed_at_award_time(app, client, second_private_pem):
    from sqlalchemy import select

    from issuer import db
    from issuer.models import SigningKey, utcnow
    from issuer.runtime import runtime

    badge = award(app)
    with app.app_context():
        session = db.session()
        for key in session.scalars(select(SigningKey)):
            key.retired_at = utcnow()
        runtime().keys.install(session, second_private_pem, utcnow())
        session.commit()
    data = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.png").data
    assert badges.extract(data) == badge.jws  # the retired key's Profile still names it: nothing to re-sign
    assert verdict_of(client, data, "badge.png") == "valid"
    assert client.post("/api/verify", json={"badge": badge.jws}).get_json()["verdict"] == "valid"


# ---- Télécharger tout --------------------------------------------------------------------------------


def test_export_zip_holds_everything_for_each_badge(app, client):
    skills = tier_one_skills(app)
    first = award(app, skill_id=skills[0])
    second = award(app, first.learner_id, skill_id=skills[1])
    gone = award(app, first.learner_id, skill_id=skills[2])
    revoke(app, gone.uid)
    resp = client.get(f"/p/{first.portfolio_token}/export.zip")
    assert resp.mimetype == "application/zip"
    assert "attachment" in resp.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(resp.data))
    names = set(archive.namelist())
    assert {"README.txt", "emetteur.json"} <= names
    for index, badge in enumerate((first, second), start=1):
        folder = f"{index:02d}-{badge.skill_id}/"
        assert {
            folder + name
            for name in ("assertion.json", "classe-de-badge.json", "badge.jws", "badge.png", "badge.svg")
        } <= names
        assert archive.read(folder + "badge.jws").decode() == badge.jws
        assert (
            archive.read(folder + "assertion.json")
            == client.get(path(badge.url), headers={"Accept": "application/ld+json"}).data
        )
        assert badges.extract(archive.read(folder + "badge.png")) == badge.jws
        assert badges.extract(archive.read(folder + "badge.svg")) == badge.jws
    assert not any(gone.skill_id in name for name in names)
    readme = archive.read("README.txt").decode("utf-8")
    assert "badge.png" in readme and "Vérifier un badge" in readme
