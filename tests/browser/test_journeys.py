"""End-to-end journeys in a real Chromium: a mediator on a phone, a young person, an employer.

Every page met on the way is screenshotted and audited by axe-core (no serious or critical
violation); axe is loaded through DevTools, not ``add_script_tag``, because Palier's CSP refuses
inline scripts and ``bypass_csp`` would hide real CSP refusals (see browser_checks.inject_axe).
The demo learners are split between journeys so they can run in any order: Yanis (no badge yet)
gets a new badge, Noé loses one, Lina downloads and checks hers.
"""

from __future__ import annotations

import re

import pytest
from browser_checks import check_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EVIDENCE = "A guidé son équipe pendant tout le niveau en annonçant chaque danger à voix haute."
REASON = "Délivré par erreur à la mauvaise personne."


def open_learner(page, name: str) -> None:
    """From the list of young people, open one person's page."""
    if not page.url.endswith("/jeunes/"):
        page.goto("/jeunes/")
    page.get_by_role("link", name=re.compile(name)).first.click()
    page.wait_for_url(re.compile(r"/jeunes/\d+$"))
    page.get_by_role("heading", level=1, name=name).wait_for()


def open_badges(page) -> None:
    """Open the learner's list of badges (a closed section under what can be awarded)."""
    section = page.locator("details#badges")
    if section.get_attribute("open") is None:
        section.locator("summary").first.click()


def badge_links(page) -> list[str]:
    """The revocation links of the badges listed on a learner's page (each carries the badge uid)."""
    return [a.get_attribute("href") for a in page.get_by_role("link", name="Révoquer…").all()]


def uid_of(revoke_href: str) -> str:
    """The assertion uid at the end of a revocation link."""
    return revoke_href.rstrip("/").rsplit("/", 1)[1]


def test_mediator_awards_a_badge_from_a_phone_in_three_screens(pages, live_server):
    page = pages("phone")
    page.goto("/login")
    check_page(page, "01-connexion-telephone")
    screens: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and screens.append(frame.url))

    page.get_by_label("Adresse e-mail").fill(live_server.mediator)
    page.get_by_label("Mot de passe").fill(live_server.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/jeunes/$"))
    check_page(page, "02-liste-des-jeunes-telephone")

    open_learner(page, "Yanis")
    skill = page.locator("li.skill--unlocked").first
    skill_id = skill.get_attribute("id")
    skill_name = skill.locator(".skill__name").evaluate("e => e.firstChild.textContent.trim()")
    skill.locator("summary").first.tap()
    check_page(page, "03-fiche-formulaire-ouvert-telephone")
    skill.get_by_label("Ce que vous avez observé").fill(EVIDENCE)
    skill.get_by_role("button", name="Délivrer le badge").tap()

    page.get_by_role("status").filter(has_text="délivré").wait_for()
    assert page.locator(f"li#{skill_id}").count() == 0  # no longer among what can be awarded
    earned = page.locator(f'#badges li[data-skill="{skill_id.removeprefix("skill-")}"]')
    assert "skill--earned" in (earned.get_attribute("class") or "")
    assert skill_name in earned.text_content()  # in the list of badges, closed until tapped
    check_page(page, "04-badge-delivre-telephone")
    # login -> list -> learner -> (award) learner again: three screens after the login page.
    assert 2 <= len(screens) <= 3, screens


def test_mediator_revokes_a_badge_with_a_reason_and_the_employer_sees_it(pages, live_server):
    page = pages("phone", "mediator")
    open_learner(page, "Noé")
    open_badges(page)
    links = badge_links(page)
    assert links, "Noé devrait avoir des badges de démonstration"
    page.get_by_role("link", name="Révoquer…").first.tap()
    page.get_by_role("heading", level=1, name="Révoquer un badge").wait_for()
    check_page(page, "05-revocation-telephone")
    page.get_by_label("Raison de la révocation").fill(REASON)
    page.get_by_role("button", name="Révoquer ce badge").tap()

    page.get_by_role("status").filter(has_text="révoqué").wait_for()
    assert REASON in page.locator("#badges ul").first.inner_text()
    assert len(badge_links(page)) == len(links) - 1
    check_page(page, "06-badge-revoque-fiche")

    employer = pages("desktop")
    employer.goto(f"/assertions/{uid_of(links[0])}")
    verdict = employer.locator(".verdict")
    assert "révoqué" in verdict.get_by_role("heading", level=1).inner_text().lower()
    assert REASON in verdict.inner_text()
    check_page(employer, "07-employeur-badge-revoque")


def test_young_person_downloads_the_baked_png_and_verifies_it(pages, live_server, tmp_path):
    page = pages("phone", "mediator")
    open_learner(page, "Lina")
    personal = page.get_by_label("Adresse de sa page", exact=True).input_value()
    assert personal.startswith(live_server.url + "/p/")

    # The young person has no account: a fresh page, without the mediator's cookies.
    young = pages("phone")
    young.goto(personal)
    young.get_by_role("heading", level=1, name="Mes badges").wait_for()
    check_page(young, "08-page-du-jeune")
    first = young.locator("li.portfolio__badge").first
    name = first.get_by_role("heading", level=2).inner_text()
    with young.expect_download() as info:
        # The link's name says which badge, for a screen reader's list of links.
        first.get_by_role("link", name=f"Télécharger l'image (PNG) du badge {name}", exact=True).click()
    png = tmp_path / "badge.png"
    info.value.save_as(png)
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    young.goto("/verifier")
    check_page(young, "09-formulaire-de-verification")
    young.get_by_label("Image du badge (PNG ou SVG)").set_input_files(png)
    young.get_by_role("button", name="Vérifier ce badge").click()
    heading = young.locator(".verdict").get_by_role("heading", level=1)
    assert "valide" in heading.inner_text().lower()
    assert name in young.locator("main").inner_text()
    check_page(young, "10-verdict-badge-valide")


def test_employer_opens_the_address_a_young_person_shared_and_sees_it_is_valid(pages, live_server):
    mediator = pages("phone", "mediator")
    open_learner(mediator, "Lina")
    personal = mediator.get_by_label("Adresse de sa page", exact=True).input_value()

    young = pages("phone")
    young.goto(personal)
    first = young.locator("li.portfolio__badge").first
    first.locator("summary").tap()
    shared = first.get_by_label(re.compile("Lien public du badge")).input_value()
    check_page(young, "11-page-du-jeune-partage-ouvert")

    employer = pages("desktop")
    employer.goto("/jeunes/")  # the staff side is closed to them: they land on the login page
    assert "/login" in employer.url
    employer.goto(shared)
    heading = employer.locator(".verdict").get_by_role("heading", level=1)
    assert heading.inner_text().strip().lower() == "badge valide"
    check_page(employer, "12-employeur-badge-valide")


def test_employer_opens_the_public_link_of_the_cahier_and_verifies_a_badge(pages, live_server):
    mediator = pages("phone", "mediator")
    open_learner(mediator, "Lina")
    personal = mediator.get_by_label("Adresse de sa page", exact=True).input_value()

    young = pages("phone")
    young.goto(personal)
    public = young.get_by_label("Lien public de mes badges").input_value()
    assert public.startswith(live_server.url + "/partage/") and personal not in public

    # What the cahier's cover leads to: the badges, nothing to download or manage.
    employer = pages("desktop")
    employer.goto(public)
    expect(employer.locator("a[download], form")).to_have_count(0)
    first = employer.locator("li.portfolio__badge").first
    name = first.get_by_role("heading", level=2).inner_text()
    check_page(employer, "13-employeur-page-publique")
    first.get_by_role("link", name=f"Vérifier ce badge « {name} »", exact=True).click()
    expect(employer.locator(".verdict").get_by_role("heading", level=1)).to_have_text("Badge valide")


def test_baked_svg_from_the_young_persons_page_also_verifies(pages, live_server, tmp_path):
    staff = pages("desktop", "mediator")
    open_learner(staff, "Lina")
    young = pages("desktop")
    young.goto(staff.get_by_label("Adresse de sa page", exact=True).input_value())
    last = young.locator("li.portfolio__badge").last
    name = last.get_by_role("heading", level=2).inner_text()
    with young.expect_download() as info:
        last.get_by_role("link", name=f"Télécharger (SVG) le badge {name}", exact=True).click()
    svg = tmp_path / info.value.suggested_filename
    info.value.save_as(svg)
    assert svg.suffix == ".svg" and b"<svg" in svg.read_bytes()[:2000]

    young.goto("/verifier")
    young.get_by_label("Image du badge (PNG ou SVG)").set_input_files(svg)
    young.get_by_role("button", name="Vérifier ce badge").click()
    expect(young.locator(".verdict").get_by_role("heading", level=1)).to_have_text("Badge valide")
    expect(young.locator("main")).to_contain_text(name)
