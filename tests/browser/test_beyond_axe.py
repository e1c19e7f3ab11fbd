"""What axe-core cannot judge from a still page: keyboard-only use, visible focus, reflow at 320 px."""

from __future__ import annotations

import re

import pytest
from browser_checks import check_page, overflow, screenshot

pytestmark = pytest.mark.browser

MAX_TABS = 80
# The element that has focus, and whether an outline draws it: a box-shadow alone vanishes in
# Windows' contrast themes (forced colours), an outline stays.
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(), id: e.id, cls: e.className || '',
    text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60),
    drawn: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
  };
}"""


def tab_to(page, wanted) -> list[dict]:
    """Press Tab until ``wanted(focused)`` holds; every element met on the way must show its focus."""
    met = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        met.append(focused)
        assert focused["drawn"], f"focus invisible on {focused}"
        if wanted(focused):
            return met
    raise AssertionError(f"not reached in {MAX_TABS} Tab presses; met: {[m['text'] for m in met]}")


def test_skip_link_is_the_first_stop_and_leads_to_the_content(pages):
    page = pages("phone", "mediator")
    page.goto("/jeunes/")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] == "Aller au contenu" and first["drawn"]
    assert page.get_by_role("link", name="Aller au contenu").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"


def test_keyboard_alone_awards_a_badge_with_visible_focus_throughout(pages, live_server):
    page = pages("desktop", "mediator")
    page.goto(f"/jeunes/{live_server.ids['Sacha']}")
    skill = page.locator("li.skill--unlocked").first
    skill_id, summary = skill.get_attribute("id"), skill.locator("summary").first.inner_text().strip()
    page.locator("main").focus()  # where the skip link leads: the walk starts at the content

    tab_to(page, lambda f: f["tag"] == "summary" and f["text"] == summary)
    page.keyboard.press("Enter")
    assert skill.locator("details").first.get_attribute("open") is not None
    tab_to(page, lambda f: f["tag"] == "textarea")
    page.keyboard.type("A attendu que chacun ait fini avant de lancer la manche suivante.")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Délivrer le badge")
    screenshot(page, "clavier-bouton-delivrer-focalise", full_page=False)
    page.keyboard.press("Enter")

    page.get_by_role("status").filter(has_text="délivré").wait_for()
    earned = page.locator(f'#badges li[data-skill="{skill_id.removeprefix("skill-")}"]')
    assert "skill--earned" in (earned.get_attribute("class") or "")


def test_revocation_confirms_by_keyboard_and_can_be_cancelled(pages, live_server):
    page = pages("desktop", "mediator")
    page.goto(f"/jeunes/{live_server.ids['Sacha']}")
    tab_to(page, lambda f: f["tag"] == "summary" and "obtenu" in f["text"])  # the list of badges, closed
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Révoquer…")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Révoquer un badge").wait_for()
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Annuler")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/jeunes/{live_server.ids['Sacha']}$"))


def test_key_pages_reflow_at_320_pixels(pages, live_server):
    staff = pages("phone", "mediator")
    staff.set_viewport_size({"width": 320, "height": 640})
    staff.goto(f"/jeunes/{live_server.ids['Lina']}")
    assert overflow(staff) <= 0, "la fiche défile en largeur à 320 px"
    personal = staff.get_by_label("Adresse de sa page", exact=True).input_value()
    staff.locator("details#badges summary").first.click()
    uid = staff.get_by_role("link", name="Révoquer…").first.get_attribute("href").rsplit("/", 1)[1]

    public = pages("phone")
    public.set_viewport_size({"width": 320, "height": 640})
    for url in (f"/assertions/{uid}", "/verifier", personal):
        public.goto(url)
        assert overflow(public) <= 0, f"{url} défile en largeur à 320 px"
    for details in public.locator("details.share").all():
        details.locator("summary").click()
    check_page(public, "320px-page-du-jeune-partages-ouverts")


# WCAG 1.4.12: a reader may widen line, paragraph, letter and word spacing without losing anything.
TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();  // built by script: the CSP's style-src governs markup, not this
  sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
                         word-spacing: 0.16em !important; }
                     p { margin-bottom: 2em !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return getComputedStyle(document.body).letterSpacing;
}"""
# Buttons and labels whose text no longer fits their box (text fields scroll by design: not them).
CLIPPED = """() => [...document.querySelectorAll('a.button, button, summary, label, select, legend, h1, h2')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.outerHTML.slice(0, 120))"""


def test_key_pages_survive_wider_text_spacing_on_a_phone(pages, live_server):
    staff = pages("phone", "mediator")
    staff.goto(f"/jeunes/{live_server.ids['Lina']}")
    personal = staff.get_by_label("Adresse de sa page", exact=True).input_value()
    public = pages("phone")
    for page, url in ((staff, staff.url), (public, personal), (public, "/verifier")):
        page.goto(url)
        assert page.evaluate(TEXT_SPACING) != "normal", "the spacing sheet was not applied"
        assert overflow(page) <= 0, f"{url} défile en largeur avec un espacement de texte élargi"
        assert page.evaluate(CLIPPED) == [], url
    screenshot(public, "espacement-texte-verifier")
