"""A tour of the pages the journeys do not cross, each audited like the journeys' pages.

Forms are also checked in their refused state: an error must be tied to its field and announced,
not only painted red.
"""

from __future__ import annotations

import pytest
from browser_checks import check_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# (screenshot name, path with {ids} from the demo data, device, account or None for the public)
TOUR = [
    ("jeune-nouvelle-fiche", "/jeunes/nouveau", "phone", "mediator"),
    ("jeune-modifier-fiche", "/jeunes/{Sacha}/modifier", "phone", "mediator"),
    ("jeune-effacer", "/jeunes/{Sacha}/effacer", "phone", "mediator"),
    ("jeune-recherche", "/jeunes/?q=noe", "phone", "mediator"),
    ("seances", "/seances/", "phone", "mediator"),
    ("seance-nouvelle", "/seances/nouvelle", "phone", "mediator"),
    ("seance", "/seances/{session}", "phone", "mediator"),
    ("seance-badge-choisi", "/seances/{session}?badge=cooperation-1", "phone", "mediator"),
    ("seance-modifier", "/seances/{session}/modifier", "phone", "mediator"),
    ("admin", "/admin/", "desktop", "admin"),
    ("admin-comptes", "/admin/comptes", "desktop", "admin"),
    ("admin-compte", "/admin/comptes/{admin}", "desktop", "admin"),
    ("admin-profil", "/admin/profil", "desktop", "admin"),
    ("admin-cle", "/admin/cle", "desktop", "admin"),
    ("admin-journal", "/admin/journal", "desktop", "admin"),
    ("admin-fiche-verrouillee", "/jeunes/{Sacha}", "desktop", "admin"),
    ("criteres", "/badges/cooperation-1/v1/criteres", "phone", None),
    ("page-introuvable", "/cette-page-n-existe-pas", "phone", None),
    ("lien-personnel-perime", "/p/jeton-inconnu", "phone", None),
    ("lien-public-perime", "/partage/jeton-inconnu", "phone", None),
]


@pytest.mark.parametrize(("name", "path", "device", "who"), TOUR, ids=[row[0] for row in TOUR])
def test_page_is_accessible(pages, live_server, name, path, device, who):
    page = pages(device, who)
    page.goto(path.format(**live_server.ids))
    assert "/login" not in page.url, f"{path} demanded a login again"
    check_page(page, f"tour-{name}")


def test_page_in_english_is_accessible(pages, live_server):
    page = pages("phone", "mediator")
    page.goto(f"/langue/en?next=/jeunes/{live_server.ids['Lina']}")
    assert page.locator("html").get_attribute("lang") == "en"
    check_page(page, "tour-fiche-en-anglais")


def test_refused_login_names_the_problem_accessibly(pages):
    page = pages("phone")
    page.goto("/login")
    page.get_by_role("button", name="Se connecter").click()
    email = page.get_by_label("Adresse e-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{email.get_attribute('aria-describedby').split()[-1]}")
    assert "adresse" in error.inner_text().lower()
    assert page.get_by_role("alert").count() >= 1
    check_page(page, "tour-connexion-refusee")


def test_refused_learner_form_ties_each_error_to_its_field(pages):
    page = pages("phone", "mediator")
    page.goto("/jeunes/nouveau")
    page.locator("form.form button[type=submit]").last.click()
    invalid = page.locator("[aria-invalid=true]")
    expect(invalid.first).to_be_visible()
    for field in invalid.all():
        described = (field.get_attribute("aria-describedby") or "").split()
        assert any(part.endswith("-error") for part in described), field.evaluate("e => e.outerHTML")
    check_page(page, "tour-nouvelle-fiche-refusee")


def test_refused_verification_explains_in_french(pages):
    page = pages("phone")
    page.goto("/verifier")
    page.get_by_label("Adresse du badge, code du cahier, badge signé ou JSON du badge").fill(
        "ceci n'est pas un badge"
    )
    page.get_by_role("button", name="Vérifier ce badge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Badge illisible")
    expect(page.locator(".verdict")).to_contain_text("n'est pas un badge lisible")
    check_page(page, "tour-verification-refusee")


def test_public_pages_say_they_are_french_to_an_english_browser(pages):
    # An employer abroad: their browser asks for English, the public pages are written in French only.
    page = pages("desktop", locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    for path in ("/verifier", "/badges/cooperation-1/v1/criteres"):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "fr", path
        assert page.locator("footer").get_attribute("lang") == "en", path  # the translated layout


def test_refused_award_reopens_its_form_with_the_focus_on_the_missing_evidence(pages, live_server):
    page = pages("phone", "mediator")
    page.goto(f"/jeunes/{live_server.ids['Noé']}")
    skill = page.locator("li.skill--unlocked").first
    skill.locator("summary").first.tap()
    skill.get_by_role("button", name="Délivrer le badge").tap()  # no evidence written
    page.wait_for_url("**/badges/*")

    assert page.locator("details[open]").count() == 1, "only the refused form is open"
    narrative = page.locator("details[open]").get_by_label("Ce que vous avez observé")
    assert narrative.evaluate("e => e === document.activeElement")
    assert narrative.get_attribute("aria-invalid") == "true"
    assert (
        "Décrivez ce que vous avez observé"
        in page.locator(f"#{narrative.get_attribute('id')}-error").inner_text()
    )
    check_page(page, "tour-delivrance-refusee")
