"""Verifying from paper: the short code and the address a printed cahier shows, typed as people type them."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess

import pytest
from factories import BROWSER, award, database_down, learner_with_badges, page_csrf_token, printed, text_of
from sqlalchemy import text as sql

import badges

CONSULTED = "directement auprès des registres de l'émetteur"


def verify_typed(client, typed: str | None = None, *, file: bytes | None = None):
    """Post what someone typed (or uploaded) to « Vérifier un badge »; the page's text and status."""
    form = client.get("/verifier", headers=BROWSER).get_data(as_text=True)
    data: dict = {"csrf_token": page_csrf_token(form)}
    if typed is not None:
        data["badge"] = typed
    if file is not None:
        data["file"] = (io.BytesIO(file), "badge.png")
    resp = client.post("/verifier", data=data, headers=BROWSER)
    return resp.status_code, text_of(resp.get_data(as_text=True))


def pdftotext(pdf: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it, line breaks kept (what a reader sees)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


# The cahier prints, under each badge: « … ou taper <address> — code <XXXX XXXX> »; the address may wrap.
_PRINTED = re.compile(r"taper\s+(\S.*?)\s+—\s+code\s+([0-9A-F]{4} [0-9A-F]{4})", re.DOTALL)


@pytest.fixture
def cahier(app, dbs, rt):
    """Three badges, and the (address, code) pairs their printed cahier shows, read back from the PDF."""
    learner, rows = learner_with_badges(dbs, rt, 3)
    found = _PRINTED.findall(pdftotext(printed(app, dbs, rt, learner).pdf))
    assert len(found) == len(rows), found
    return rows, found


def test_every_printed_code_and_address_of_a_cahier_verifies_as_valid(client, cahier):
    rows, printed_pairs = cahier
    names = {row.badge_class.name for row in rows}
    for address, code in printed_pairs:
        for typed in (address, code):
            status, page = verify_typed(client, typed)
            assert status == 200, typed
            assert "Badge valide" in page, (typed, page[:300])
            assert any(name in page for name in names), typed
            assert CONSULTED in page


def test_a_printed_address_is_read_however_it_is_typed(app, client):
    badge = award(app)
    bare = badge.url.split("://", 1)[1]
    spaced = bare.replace("/assertions/", "/assertions/ ").replace("-", " - ", 1)
    for typed in (
        bare,
        f"https://{bare}",
        f"http://{bare}",
        bare.upper(),
        f"  {spaced}  ",
        bare.replace("-", ""),  # the hyphens lost where the address wrapped
        f"{bare}.",  # the full stop of the sentence it was copied from
    ):
        status, page = verify_typed(client, typed)
        assert (status, "Badge valide" in page) == (200, True), typed


def test_a_printed_code_is_read_however_it_is_typed(app, client):
    badge = award(app)
    code = badge.uid[:8]
    for typed in (
        f"{code[:4].upper()} {code[4:].upper()}",
        code,
        f"{code[:4]}-{code[4:]}",
        f"code : {code.upper()}",
        f" {' '.join(code)} ",
    ):
        status, page = verify_typed(client, typed)
        assert (status, "Badge valide" in page) == (200, True), typed


def test_the_api_reads_a_printed_code_and_address_too(app, client):
    badge = award(app)
    for typed in (badge.uid[:8].upper(), badge.url.split("://", 1)[1].upper()):
        answer = client.post("/api/verify", json={"badge": typed}).get_json()
        assert answer["verdict"] == "valid" and answer["assertion"]["id"] == badge.url, typed
        assert answer["recordsConsulted"] is True


def test_a_code_no_badge_carries_is_unreadable_not_unknown_nor_invalid(app, client):
    badge = award(app)
    other = "0" * 8 if not badge.uid.startswith("0" * 8) else "f" * 8
    status, page = verify_typed(client, other.upper())
    assert status == 200
    assert "Badge illisible" in page
    assert "Aucun badge de cet émetteur ne porte ce code" in page
    assert "non authentique" not in page and "Badge valide" not in page


def test_a_code_two_badges_share_asks_for_the_full_address(app, client):
    first, second = award(app), award(app, name="Noé")
    with app.app_context():
        from issuer import db

        session = db.session()
        session.execute(
            sql("UPDATE assertions SET uid = :uid WHERE uid = :old"),
            {"uid": first.uid[:8] + second.uid[8:], "old": second.uid},
        )
        session.commit()
    _status, page = verify_typed(client, first.uid[:8])
    assert "Badge illisible" in page and "Plusieurs badges" in page
    assert "Badge valide" not in page


def test_a_screenshot_without_baked_data_is_unreadable_and_no_lookup_is_claimed(app, client):
    badge = award(app)
    plain_png = client.get(f"/badges/{badge.skill_id}/v1/image.png").data  # no badge baked in
    status, page = verify_typed(client, file=plain_png)
    assert status == 200
    assert "Badge illisible" in page
    assert "non authentique" not in page
    assert CONSULTED not in page  # nothing could be looked up, and the page says so
    assert "sans consulter les registres" in page


def test_a_photo_or_a_jpeg_screenshot_is_unreadable_too(client):
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(range(256)) * 8 + b"\xff\xd9"
    status, page = verify_typed(client, file=jpeg)
    assert status == 200
    assert "Badge illisible" in page and "non authentique" not in page and CONSULTED not in page


@pytest.mark.parametrize("typed", ["n'importe quoi", "badges.test/assertions/", "a.b.c", "ZZZZ ZZZZ"])
def test_garbage_text_is_unreadable_never_not_authentic(client, typed):
    status, page = verify_typed(client, typed)
    assert status == 200
    assert "Badge illisible" in page and "non authentique" not in page
    assert CONSULTED not in page


def test_a_tampered_baked_badge_is_still_not_authentic(app, client):
    badge = award(app)
    png = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.png").data
    header, payload, signature = badge.jws.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["issuedOn"] = "2020-01-01T00:00:00+00:00"  # an older, better-looking date; same signature
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = ".".join((header, forged, signature))
    status, page = verify_typed(client, file=badges.bake_png(png, tampered))
    assert status == 200
    assert "Badge non authentique" in page
    assert "Badge illisible" not in page and "Badge valide" not in page


def test_a_mistyped_address_of_ours_is_unknown_here_after_asking_our_records(app, client):
    badge = award(app)
    wrong = badge.url.split("://", 1)[1][:-1] + ("0" if not badge.url.endswith("0") else "1")
    _status, page = verify_typed(client, wrong)
    assert "Badge inconnu ici" in page and CONSULTED in page


def test_a_code_while_the_database_is_down_is_unavailable_never_valid(app, client):
    badge = award(app)
    form = client.get("/verifier", headers=BROWSER).get_data(as_text=True)
    with database_down(app):
        resp = client.post(
            "/verifier", data={"badge": badge.uid[:8], "csrf_token": page_csrf_token(form)}, headers=BROWSER
        )
    page = text_of(resp.get_data(as_text=True))
    assert resp.status_code == 503
    assert "Vérification momentanément impossible" in page and CONSULTED not in page


def test_typed_text_is_never_fetched(app, client, monkeypatch):
    import socket

    award(app)  # the database connection is open (and pooled) before the network goes away

    def no_network(*args, **kwargs):
        raise AssertionError("a typed text made Palier open a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    for typed in ("ailleurs.example/assertions/1", "https://ailleurs.example/assertions/1", "09C9 3877"):
        status, page = verify_typed(client, typed)
        assert status == 200 and "Badge valide" not in page
