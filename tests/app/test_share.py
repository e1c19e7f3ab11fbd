"""The public view of a young person's badges: its own link, printed on the cahier, only what consent allows.

And the cahier behind the personal link: throttled per address, and never rendered twice unchanged.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from factories import BROWSER, learner_with_badges, login, pdf_text, post

from issuer.models import Learner, utcnow

EMAIL = "zoe.secret@example.org"
NOTES = "Note privée : suivi éducatif renforcé"


def private_learner(dbs, rt, n_badges: int = 2, **options) -> tuple[Learner, list]:
    """A young person with badges, an e-mail address and private notes (name public unless told)."""
    learner, rows = learner_with_badges(dbs, rt, n_badges, **options)
    learner.email, learner.notes = EMAIL, NOTES
    dbs.commit()
    return learner, rows


def decoded_qr_codes(pdf: bytes, tmp_path: Path, *, first_page_only: bool = False) -> set[str]:
    """Every QR code of a PDF, decoded (pages rendered with poppler, read with zbar)."""
    source = tmp_path / "cahier.pdf"
    source.write_bytes(pdf)
    pages = ["-f", "1", "-l", "1"] if first_page_only else []
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-png", *pages, str(source), str(tmp_path / "page")], check=True
    )
    found: set[str] = set()
    for image in sorted(tmp_path.glob("page*.png")):
        scan = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
            capture_output=True,
            text=True,
        )
        found.update(line.strip() for line in scan.stdout.splitlines() if line.strip())
    return found


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def assert_shows_nothing_private(html: str, learner: Learner) -> None:
    assert EMAIL not in html
    assert NOTES not in html and "suivi éducatif" not in html
    assert learner.portfolio_token not in html
    assert learner.recipient_token not in html
    assert "/p/" not in html
    assert "export.zip" not in html and "zip" not in html.lower()
    assert "cahier.pdf" not in html and "PDF" not in html
    assert "linkedin" not in html.lower()
    assert "<form" not in html


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDF renders (each one still done for real)."""
    from issuer.cahier import pdf

    done: list[int] = []
    real = pdf.render

    def counted(documents, **options):
        done.append(len(documents))
        return real(documents, **options)

    monkeypatch.setattr(pdf, "render", counted)
    return done


@pytest.fixture
def fake_renders(monkeypatch):
    """Counts the PDF renders and answers each at once with a small PDF-looking body of its own."""
    from issuer.cahier import pdf

    done: list[int] = []

    def fake(documents, **_options):
        done.append(len(documents))
        return pdf.Rendered(b"%PDF-1.7 rendu " + str(len(done)).encode(), 1, (), 0.0, 0)

    monkeypatch.setattr(pdf, "render", fake)
    return done


# ---- The cahier's cover leads to the public view ----------------------------------------------------


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed to scan the QR codes",
)
def test_share_cahier_cover_qr_opens_the_public_view_which_hides_the_name(client, dbs, rt, tmp_path):
    learner, rows = private_learner(dbs, rt, 2, name="Zoé Martin", public=False)
    response = client.get(f"/p/{learner.portfolio_token}/cahier.pdf")
    assert response.status_code == 200
    cover = decoded_qr_codes(response.data, tmp_path, first_page_only=True)
    assert cover == {rt.urls.share(learner.share_token)}
    everywhere = decoded_qr_codes(response.data, tmp_path)
    assert not any(learner.portfolio_token in url for url in everywhere)

    page = client.get(path_of(cover.pop()), headers=BROWSER)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Zoé" not in html and "Martin" not in html
    assert_shows_nothing_private(html, learner)
    for row in rows:  # each badge leads to its public verification page
        assert f'href="{rt.urls.assertion(row.uid)}"' in html
        assert row.badge_class.name in html


def test_share_cahier_prints_the_public_link_never_the_personal_one(client, dbs, rt):
    learner, _ = private_learner(dbs, rt, 1, public=False)
    text = pdf_text(client.get(f"/p/{learner.portfolio_token}/cahier.pdf").data).replace(" ", "")
    assert f"badges.test/partage/{learner.share_token}" in text
    assert learner.portfolio_token not in text
    assert "/p/" not in text


def test_share_cahier_has_no_link_on_its_cover_once_the_public_link_is_disabled(client, dbs, rt):
    from issuer.learners import service as learners

    learner, _ = private_learner(dbs, rt, 1)
    learners.disable_share_link(dbs, learner, actor=None, now=utcnow())
    dbs.commit()
    text = pdf_text(client.get(f"/p/{learner.portfolio_token}/cahier.pdf").data).replace(" ", "")
    assert "/partage/" not in text and "/p/" not in text
    assert "Pourlesemployeurs" in text  # the badges themselves still print, each with its own QR code


# ---- What the public view shows --------------------------------------------------------------------


def test_share_view_shows_the_name_only_with_consent(client, dbs, rt):
    shown, _ = private_learner(dbs, rt, 1, name="Noé", public=True)
    hidden, _ = private_learner(dbs, rt, 1, name="Inès", public=False)
    html = client.get(f"/partage/{shown.share_token}", headers=BROWSER).get_data(as_text=True)
    assert "Les Open Badges de Noé" in html
    assert_shows_nothing_private(html, shown)
    html = client.get(f"/partage/{hidden.share_token}", headers=BROWSER).get_data(as_text=True)
    assert "Inès" not in html
    assert "Des Open Badges délivrés par" in html


def test_share_view_hides_the_name_of_an_under_15_without_a_parents_consent(client, dbs, rt):
    learner, _ = private_learner(dbs, rt, 1, name="Timéo", public=True, age="under15")
    assert not learner.name_is_public
    html = client.get(f"/partage/{learner.share_token}", headers=BROWSER).get_data(as_text=True)
    assert "Timéo" not in html


def test_share_view_escapes_the_name(client, dbs, rt):
    learner, _ = private_learner(dbs, rt, 1, name='<script>alert("x")</script>', public=True)
    html = client.get(f"/partage/{learner.share_token}", headers=BROWSER).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_share_view_is_private_to_search_engines_strict_and_cookie_free(client, dbs, rt):
    learner, _ = private_learner(dbs, rt, 1)
    login(client)  # even a signed-in mediator's visit carries no cookie back
    response = client.get(f"/partage/{learner.share_token}", headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert "Se déconnecter" not in html


def test_share_view_leaves_revoked_badges_out(client, dbs, rt):
    from issuer.awarding import service as awarding

    learner, rows = private_learner(dbs, rt, 2)
    awarding.revoke(dbs, rt, ref=rows[0].uid, reason="Erreur de saisie", actor=None, now=utcnow())
    dbs.commit()
    html = client.get(f"/partage/{learner.share_token}", headers=BROWSER).get_data(as_text=True)
    assert rt.urls.assertion(rows[0].uid) not in html
    assert rt.urls.assertion(rows[1].uid) in html


@pytest.mark.parametrize("token", ["nope", "x" * 200, "%00", "a%00b", "%C3%A9"])
def test_share_view_unknown_link_is_a_french_404(client, dbs, rt, token):
    response = client.get(f"/partage/{token}", headers=BROWSER)
    assert response.status_code == 404
    assert "Ce lien de partage n&#39;existe pas" in response.get_data(as_text=True)


def test_share_view_is_not_opened_by_the_personal_link_nor_the_reverse(client, dbs, rt):
    learner, _ = private_learner(dbs, rt, 1)
    assert learner.share_token != learner.portfolio_token
    assert client.get(f"/partage/{learner.portfolio_token}", headers=BROWSER).status_code == 404
    assert client.get(f"/p/{learner.share_token}", headers=BROWSER).status_code == 404
    assert client.get(f"/p/{learner.share_token}/cahier.pdf").status_code == 404


def test_share_view_is_gone_once_the_person_is_erased(client, dbs, rt):
    from issuer.learners import service as learners

    learner, _ = private_learner(dbs, rt, 1)
    token = learner.share_token
    learners.erase(dbs, learner.id, actor=None, now=utcnow())
    dbs.commit()
    assert learner.share_token is None
    assert client.get(f"/partage/{token}", headers=BROWSER).status_code == 404


# ---- Managing it: from the personal page, and by a mediator -----------------------------------------


def test_share_personal_page_still_works_and_offers_the_public_link(client, dbs, rt):
    learner, rows = private_learner(dbs, rt, 1)
    response = client.get(f"/p/{learner.portfolio_token}", headers=BROWSER)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert rt.urls.share(learner.share_token) in html
    assert f"/p/{learner.portfolio_token}/export.zip" in html
    assert f"/p/{learner.portfolio_token}/cahier.pdf" in html
    assert f"/p/{learner.portfolio_token}/badges/{rows[0].uid}.png" in html
    qr = client.get(f"/p/{learner.portfolio_token}/partage/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert client.get(f"/p/{learner.portfolio_token}/partage/qr.png").data.startswith(b"\x89PNG")


def test_share_renewed_from_the_personal_page_closes_the_old_link(client, dbs, rt):
    learner, _ = private_learner(dbs, rt, 1)
    old = learner.share_token
    response = post(
        client, f"/p/{learner.portfolio_token}/partage", {"action": "renew", "token": "t-renew-1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{learner.portfolio_token}#partage")
    dbs.expire_all()
    new = dbs.get(Learner, learner.id).share_token
    assert new and new != old
    assert client.get(f"/partage/{old}", headers=BROWSER).status_code == 404
    assert client.get(f"/partage/{new}", headers=BROWSER).status_code == 200
    page = client.get(f"/p/{learner.portfolio_token}", headers=BROWSER).get_data(as_text=True)
    assert "Nouveau lien public créé" in page
    from sqlalchemy import select

    from issuer.models import AuditEvent

    line = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "learner.share")).one()
    assert line.actor_id is None and line.actor_label == "la personne, par son lien personnel"
    assert line.target == f"learner:{learner.id}"


def test_share_disabled_from_the_personal_page_then_opened_again(client, dbs, rt):
    learner, _ = private_learner(dbs, rt, 1)
    old = learner.share_token
    assert post(client, f"/p/{learner.portfolio_token}/partage", {"action": "disable"}).status_code == 302
    dbs.expire_all()
    assert dbs.get(Learner, learner.id).share_token is None
    assert client.get(f"/partage/{old}", headers=BROWSER).status_code == 404
    assert client.get(f"/p/{learner.portfolio_token}/partage/qr.svg").status_code == 404
    page = client.get(f"/p/{learner.portfolio_token}", headers=BROWSER).get_data(as_text=True)
    assert "Votre lien public est désactivé" in page
    assert post(client, f"/p/{learner.portfolio_token}/partage", {"action": "renew"}).status_code == 302
    dbs.expire_all()
    assert dbs.get(Learner, learner.id).share_token not in (None, old)


def test_share_change_needs_the_form_token_and_a_live_personal_link(client, dbs, rt):
    learner, _ = private_learner(dbs, rt, 1)
    old = learner.share_token
    refused = post(client, f"/p/{learner.portfolio_token}/partage", {"action": "renew", "csrf_token": None})
    assert refused.status_code == 400
    assert post(client, "/p/pas-un-lien/partage", {"action": "renew"}).status_code == 404
    dbs.expire_all()
    assert dbs.get(Learner, learner.id).share_token == old


def test_share_mediator_renews_and_disables_the_public_link(client, dbs, rt):
    learner, _ = private_learner(dbs, rt, 1)
    old = learner.share_token
    assert post(client, f"/jeunes/{learner.id}/partage", {"action": "renew"}).status_code in (302, 401)
    dbs.expire_all()
    assert dbs.get(Learner, learner.id).share_token == old  # not signed in: nothing changed
    login(client)
    response = post(client, f"/jeunes/{learner.id}/partage", {"action": "renew"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#partage")
    dbs.expire_all()
    renewed = dbs.get(Learner, learner.id).share_token
    assert renewed not in (None, old)
    assert post(client, f"/jeunes/{learner.id}/partage", {"action": "disable"}).status_code == 302
    dbs.expire_all()
    assert dbs.get(Learner, learner.id).share_token is None
    assert client.get(f"/partage/{renewed}", headers=BROWSER).status_code == 404
    again = post(client, f"/jeunes/{learner.id}/partage", {"action": "disable"}, follow_redirects=True)
    assert "Le lien public est déjà désactivé." in again.get_data(as_text=True)
    from sqlalchemy import select

    from issuer.models import AuditEvent

    lines = dbs.scalars(select(AuditEvent).where(AuditEvent.action.like("learner.share%"))).all()
    assert [(e.action, e.actor_label) for e in lines] == [
        ("learner.share", "mediateur@test.fr"),
        ("learner.share.disable", "mediateur@test.fr"),
    ]


def test_share_mediator_panel_is_ready_to_include_in_the_learner_page(app, dbs, rt):
    from flask import render_template_string

    from issuer.learners import service as learners

    learner, _ = private_learner(dbs, rt, 1)
    include = '{% include "learners/_share.html" %}'
    with app.test_request_context("/"):
        html = render_template_string(include, learner=learner)
    assert f'value="{rt.urls.share(learner.share_token)}"' in html
    assert html.count(f'action="/jeunes/{learner.id}/partage"') == 2
    assert learner.portfolio_token not in html
    learners.disable_share_link(dbs, learner, actor=None, now=utcnow())
    with app.test_request_context("/"):
        html = render_template_string(include, learner=learner)
    assert "Le lien public est désactivé" in html and 'value="renew"' in html


def test_share_cli_renews_every_personal_link_for_cahiers_printed_before(runner, client, dbs, rt):
    from issuer.learners import service as learners

    lina, _ = private_learner(dbs, rt, 1, name="Lina")
    noe, _ = private_learner(dbs, rt, 1, name="Noé")
    learners.disable_portfolio_link(dbs, noe.id, actor=None, now=utcnow())
    dbs.commit()
    old, public = lina.portfolio_token, lina.share_token
    refused = runner.invoke(args=["learner", "renew-links"], input="n\n")
    assert refused.exit_code == 1
    assert client.get(f"/p/{old}", headers=BROWSER).status_code == 200
    result = runner.invoke(args=["learner", "renew-links", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Liens personnels renouvelés : 1." in result.output
    assert client.get(f"/p/{old}", headers=BROWSER).status_code == 404
    assert client.get(f"/partage/{public}", headers=BROWSER).status_code == 200  # the public link stays
    dbs.expire_all()
    assert dbs.get(Learner, lina.id).portfolio_token not in (None, old)
    assert dbs.get(Learner, noe.id).portfolio_token is None  # a disabled link stays disabled


# ---- The cahier behind the personal link: throttled, and cached ------------------------------------


def test_share_cahier_eleventh_request_in_a_minute_gets_a_french_429(client, dbs, rt, fake_renders):
    learner, _ = private_learner(dbs, rt, 1)
    url = f"/p/{learner.portfolio_token}/cahier.pdf"
    for _ in range(10):
        assert client.get(url).status_code == 200
    refused = client.get(url, headers=BROWSER)
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Trop de cahiers demandés en peu de temps" in html
    assert refused.mimetype == "text/html"
    assert client.head(url).status_code == 429  # HEAD would run the same view
    assert len(fake_renders) == 1  # nine of the ten were served from the cache


def test_share_cahier_throttle_counts_per_address(client, dbs, rt, fake_renders):
    learner, _ = private_learner(dbs, rt, 1)
    url = f"/p/{learner.portfolio_token}/cahier.pdf"
    for _ in range(10):
        client.get(url, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert client.get(url, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429
    assert client.get(url, environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 200


def test_share_cahier_unchanged_is_served_from_the_cache(client, dbs, rt, renders):
    learner, _ = private_learner(dbs, rt, 1)
    url = f"/p/{learner.portfolio_token}/cahier.pdf"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.data.startswith(b"%PDF")
    assert second.data == first.data
    assert renders == [1]
    login(client)  # the mediator's print of the same cahier is the same PDF
    assert client.get(f"/jeunes/{learner.id}/cahier.pdf").data == first.data
    assert renders == [1]


def test_share_cahier_changed_is_rendered_again(client, dbs, rt, fake_renders):
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners

    learner, rows = private_learner(dbs, rt, 2, public=False)
    url = f"/p/{learner.portfolio_token}/cahier.pdf"
    bodies = [client.get(url).data]
    learner.name_public_since = utcnow()  # consent given: the name now prints
    dbs.commit()
    bodies.append(client.get(url).data)
    awarding.revoke(dbs, rt, ref=rows[0].uid, reason="Erreur de saisie", actor=None, now=utcnow())
    dbs.commit()
    bodies.append(client.get(url).data)
    learners.renew_share_link(dbs, learner, actor=None, now=utcnow())
    dbs.commit()
    bodies.append(client.get(url).data)
    bodies.append(client.get(url).data)  # and unchanged again
    assert len(fake_renders) == 4
    assert len(set(bodies)) == 4 and bodies[-1] == bodies[-2]


def test_share_cahier_cache_can_be_switched_off(app, client, dbs, rt, fake_renders, monkeypatch):
    from issuer.runtime import EXTENSION, make_runtime

    monkeypatch.setitem(app.extensions, EXTENSION, make_runtime({**app.config, "PDF_CACHE_BYTES": 0}))
    learner, _ = private_learner(dbs, rt, 1)
    for _ in range(2):
        assert client.get(f"/p/{learner.portfolio_token}/cahier.pdf").status_code == 200
    assert len(fake_renders) == 2


def test_share_cahier_fingerprint_tells_documents_apart():
    from issuer.cahier.printing import fingerprint

    assert fingerprint(["<p>a</p>"]) == fingerprint(["<p>a</p>"])
    assert fingerprint(["ab", "c"]) != fingerprint(["a", "bc"])
    assert fingerprint(["<p>a</p>"]) != fingerprint(["<p>b</p>"])


# ---- Migration 0003 --------------------------------------------------------------------------------


def test_share_migration_gives_every_standing_record_its_own_public_link(app):
    from alembic import command
    from sqlalchemy import inspect, text

    from issuer import db, migrate

    with app.app_context():
        engine = db.engine()
        db.session().close()
        cfg = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0002")
        assert "share_token" not in {c["name"] for c in inspect(engine).get_columns("learners")}
        insert = text(
            "INSERT INTO learners (display_name, age_band, notes, recipient_token, portfolio_token, "
            "created_at, erased_at) VALUES (:name, 'adult', '', :recipient, :portfolio, :now, :erased)"
        )
        now = utcnow()
        with engine.begin() as conn:
            for n, erased in enumerate([None, None, now]):
                conn.execute(
                    insert,
                    {
                        "name": f"Jeune {n}",
                        "recipient": f"r{n}",
                        "portfolio": f"p{n}",
                        "now": now,
                        "erased": erased,
                    },
                )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT display_name, share_token, portfolio_token FROM learners ORDER BY id")
            ).all()
    tokens = {name: share for name, share, _ in rows}
    assert tokens["Jeune 2"] is None  # an erased record gets none
    standing = [tokens["Jeune 0"], tokens["Jeune 1"]]
    assert all(t and len(t) >= 43 for t in standing) and standing[0] != standing[1]
    assert not {p for _, _, p in rows} & set(standing)
