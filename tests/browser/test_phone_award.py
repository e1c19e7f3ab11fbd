"""Awarding from a phone at the end of a session (#14): at 360×800, login to an awarded badge in three
screens, with at most one viewport of scrolling on the learner's page, the confirmation in view; and the
pages a mediator meets on the way still pass axe with the text at 200 %.

Two learners of their own (so the journeys of test_journeys.py do not change them): Camille, new, and
Inès, who already has ten badges.
"""

from __future__ import annotations

import re

import pytest
from browser_checks import check_page

pytestmark = pytest.mark.browser

PHONE_800 = {"viewport": {"width": 360, "height": 800}, "is_mobile": True, "has_touch": True}
HEIGHT = PHONE_800["viewport"]["height"]


@pytest.fixture(scope="module")
def learners(live_server) -> dict[str, int]:
    """Camille (no badge) and Inès (ten badges, each unlocked by the ones before)."""
    from sqlalchemy import select

    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.learners import service as people
    from issuer.models import AgeBand, User, utcnow
    from issuer.runtime import runtime

    with live_server.app.app_context():
        session, rt, now = db.session(), runtime(), utcnow()
        mediator = session.scalars(select(User).where(User.email == live_server.mediator)).one()
        camille = people.create_learner(
            session, people.LearnerData("Camille", None, AgeBand.TEEN), actor=mediator, now=now
        )
        ines = people.create_learner(
            session, people.LearnerData("Inès", None, AgeBand.TEEN), actor=mediator, now=now
        )
        session.flush()
        earned: set[str] = set()
        while len(earned) < 10:
            status = rt.tree.status(earned)
            skill = next(s for s in rt.tree.topological_order() if status[s.id].status == "unlocked")
            awarding.award(session, rt, learner_id=ines.id, skill_id=skill.id, actor=mediator, now=now,
                           evidence=awarding.Evidence("A aidé son équipe pendant toute la partie."))  # fmt: skip
            earned.add(skill.id)
        session.commit()
        return {"Camille": camille.id, "Inès": ines.id}


def _document_bottom(locator) -> float:
    """How far down the page (in CSS px, from its top) an element ends."""
    return locator.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")


@pytest.mark.parametrize("name", ["Camille", "Inès"])
def test_from_login_to_an_awarded_badge_in_three_screens_at_360_by_800(pages, live_server, learners, name):
    page = pages("phone", **PHONE_800)
    page.goto("/login")
    screens: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and screens.append(frame.url))
    page.get_by_label("Adresse e-mail").fill(live_server.mediator)
    page.get_by_label("Mot de passe").fill(live_server.password)
    page.get_by_role("button", name="Se connecter").tap()
    page.wait_for_url(re.compile(r"/jeunes/$"))

    page.get_by_role("link", name=re.compile(name)).first.tap()
    page.get_by_role("heading", level=1, name=name).wait_for()
    skill = page.locator("li.skill--unlocked").first
    skill_name = skill.locator(".skill__name").evaluate("e => e.firstChild.textContent.trim()")
    skill.locator("summary").first.tap()
    helper = skill.locator("button.chip").first  # a behaviour from the criteria, tapped then completed
    behaviour = helper.get_attribute("data-insert")
    helper.tap()
    field = skill.get_by_label("Ce que vous avez observé")
    field.press("End")
    field.type(" Ce soir, a relancé son équipe après chaque défaite.")
    assert field.input_value().startswith(behaviour)
    submit = skill.get_by_role("button", name="Délivrer le badge")
    check_page(page, f"delivrer-360x800-{name}")
    # One viewport of scrolling at most: the button ends before the bottom of the second screenful.
    scrolled = _document_bottom(submit) - HEIGHT
    assert scrolled <= HEIGHT, f"{name} : {scrolled:.0f} px à faire défiler pour délivrer (au plus {HEIGHT})"
    print(f"{name}: {max(scrolled, 0):.0f} px de défilement avant « Délivrer le badge »")
    submit.tap()

    confirmation = page.get_by_role("status").filter(has_text="délivré")
    confirmation.wait_for()
    box = confirmation.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, box
    assert skill_name in confirmation.inner_text()
    # login -> list -> learner -> (award) learner again: three screens after the login page.
    assert len(screens) <= 3, screens

    # The young person scans the code on their own phone (the QR's address) and lands on their page.
    code = page.locator(".handover__code strong").inner_text()
    qr = page.locator("img.handover__qr")
    assert qr.is_visible() and (qr.bounding_box() or {}).get("width", 0) >= 200
    check_page(page, f"remise-du-badge-{name}")
    young = pages("phone", **PHONE_800)
    young.goto(f"/r/{code.replace('-', '')}")
    check_page(young, f"recuperer-mes-badges-{name}")
    young.get_by_role("button", name="Ouvrir ma page de badges").tap()
    young.get_by_role("heading", level=1, name="Mes badges").wait_for()
    assert skill_name in young.locator("main").inner_text()
    check_page(young, f"page-du-jeune-apres-remise-{name}")


PAGES_AT_200 = [
    ("connexion", "/login", None),
    ("liste-des-jeunes", "/jeunes/", "mediator"),
    ("fiche-nouvelle", "/jeunes/{Camille}", "mediator"),
    ("fiche-dix-badges", "/jeunes/{Inès}", "mediator"),
    ("seance", "/seances/{session}", "mediator"),
]


@pytest.mark.parametrize(("name", "path", "who"), PAGES_AT_200, ids=[p[0] for p in PAGES_AT_200])
def test_the_mediator_s_pages_pass_axe_with_the_text_at_200_percent(
    pages, live_server, learners, name, path, who
):
    page = pages("phone", who, **PHONE_800)
    page.goto(path.format(**live_server.ids, **learners))
    # WCAG 1.4.4: text resized to 200 %, as a phone's « large text » setting does (the layout is in rem).
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    opened = page.locator("li.skill--unlocked details").first
    if opened.count():
        opened.locator("summary").first.tap()
    check_page(page, f"texte-200-{name}")
