"""The archive's verification page (verifier.html) in a real Chromium: the signature checked by the
browser's WebCrypto under the strict CSP, the verdict said in words, the page accessible."""

from __future__ import annotations

import base64
import json

import pytest
from browser_checks import check_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _badges(live_server) -> tuple[str, str, str | None]:
    """A live demo badge (its JWS and address) and, if the demo has one, a revoked badge's address."""
    from sqlalchemy import select

    from issuer import db
    from issuer.models import Assertion
    from issuer.runtime import runtime

    with live_server.app.app_context():
        session, urls = db.session(), runtime().urls
        live = session.scalars(select(Assertion).where(Assertion.revoked_at.is_(None)).limit(1)).one()
        gone = session.scalars(
            select(Assertion.uid).where(Assertion.revoked_at.is_not(None)).limit(1)
        ).first()
        return live.jws, urls.assertion(live.uid), urls.assertion(gone) if gone else None


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
    if gone:
        assert _verdict(page, gone) == "Badge révoqué"
    page.goto("/verifier.html?badge=" + url)
    expect(page.locator("#archive-verdict-title")).to_have_text("Badge valide")
    check_page(page, "archive-verifier-lien")
