"""The archive's verification page (verifier.html) in a real Chromium: the signature checked by the
browser's WebCrypto under the strict CSP, the verdict said in words, the page accessible."""

from __future__ import annotations

import base64
import json

import pytest
from browser_checks import browser_trouble, check_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _badges(live_server) -> tuple[str, str, str]:
    """A live demo badge (its JWS and address) and a revoked badge's address (one is revoked if the
    tests that ran before on this server revoked none)."""
    from sqlalchemy import select

    from issuer import db
    from issuer.awarding import service
    from issuer.models import Assertion, utcnow
    from issuer.runtime import runtime

    with live_server.app.app_context():
        session, rt = db.session(), runtime()
        live = session.scalars(select(Assertion).where(Assertion.revoked_at.is_(None)).limit(2)).all()
        gone = session.scalars(
            select(Assertion.uid).where(Assertion.revoked_at.is_not(None)).limit(1)
        ).first()
        if gone is None:
            gone = service.revoke(session, rt, ref=live[1].uid, reason="Essai", actor=None, now=utcnow()).uid
            session.commit()
        return live[0].jws, rt.urls.assertion(live[0].uid), rt.urls.assertion(gone)


def _tampered(jws: str) -> str:
    header, payload, signature = jws.split(".")
    doc = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    doc["issuedOn"] = "2020-01-01T00:00:00+00:00"
    return ".".join(
        (header, base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode(), signature)
    )


def _verdict(page, badge: str) -> str:
    title = page.locator("#archive-verdict-title")
    title.evaluate("node => { node.textContent = ''; }")  # so that the next verdict is waited for
    page.get_by_label("Badge signé ou adresse du badge").fill(badge)
    page.get_by_role("button", name="Vérifier ce badge").click()
    expect(title).not_to_be_empty()
    return title.inner_text()


def test_the_archive_page_verifies_a_badge_in_the_browser(pages, live_server):
    jws, url, gone = _badges(live_server)
    page = pages("phone")
    page.goto("/verifier.html")
    check_page(page, "archive-verifier")
    assert _verdict(page, jws) == "Badge valide"
    check_page(page, "archive-verifier-valide")
    assert _verdict(page, url) == "Badge valide"
    assert _verdict(page, _tampered(jws)) == "Badge non valide"
    expect(page.locator("#archive-verdict-message")).to_contain_text("La signature ne correspond pas")
    assert _verdict(page, gone) == "Badge révoqué"
    # The page fetched the revoked badge's address, which rightly answers 410 Gone: that one
    # answer, and nothing else, is what the browser may report.
    assert browser_trouble(page) == [f"ressource en erreur : {gone} (410)"]
    page.goto("/verifier.html?badge=" + url)
    expect(page.locator("#archive-verdict-title")).to_have_text("Badge valide")
    check_page(page, "archive-verifier-lien")
