"""Languages: French by default, English from the catalogue, chosen by cookie or by the browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from factories import login, post, text

from issuer.web.i18n import COOKIE

TRANSLATIONS = Path(__file__).resolve().parents[2] / "issuer" / "translations"


def test_pages_are_in_french_by_default(client):
    html = text(client.get("/login"))
    assert '<html lang="fr">' in html and "Se connecter" in html


def test_english_cookie_gives_english_pages(client):
    client.set_cookie(COOKIE, "en", domain="badges.test")
    html = text(client.get("/login"))
    assert '<html lang="en">' in html
    assert "Log in" in html and "Email address" in html and "Se connecter" not in html


def test_browser_preference_is_used_without_a_cookie(client):
    html = text(client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert "Log in" in html


def test_cookie_wins_over_the_browser(client):
    client.set_cookie(COOKIE, "fr", domain="badges.test")
    assert "Se connecter" in text(client.get("/login", headers={"Accept-Language": "en"}))


@pytest.mark.parametrize("value", ["de", "", "../../etc", "en;fr"])
def test_unknown_cookie_values_fall_back(client, value):
    client.set_cookie(COOKIE, value, domain="badges.test")
    assert "Se connecter" in text(client.get("/login"))


def test_switcher_sets_the_cookie_and_goes_back(client):
    response = client.get("/langue/en", query_string={"next": "/login?x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/login?x=1"
    assert f"{COOKIE}=en" in response.headers["Set-Cookie"]
    assert "Log in" in text(client.get("/login"))


def test_switcher_ignores_unknown_languages_and_foreign_targets(client):
    response = client.get("/langue/xx", query_string={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers or f"{COOKIE}=" not in response.headers["Set-Cookie"]


def test_every_page_offers_the_switcher(client):
    html = text(client.get("/login"))
    assert 'href="/langue/en?next=/login"' in html and 'hreflang="en"' in html


def test_form_errors_are_translated(client):
    client.set_cookie(COOKIE, "en", domain="badges.test")
    login(client)
    html = text(post(client, "/jeunes/nouveau", {"display_name": "", "age_band": "adult"}))
    assert "Enter a first name or a nickname." in html


def test_staff_pages_in_english(client):
    client.set_cookie(COOKIE, "en", domain="badges.test")
    login(client)
    html = text(client.get("/jeunes/"))
    assert "Young people" in html and "New record" in html and "Log out" in html


def test_english_catalogue_is_complete_and_compiled():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalogue = read_po(fh)
    untranslated = [
        m.id for m in catalogue if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert untranslated == []
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        compiled = read_mo(fh)
    assert len(compiled) >= len([m for m in catalogue if m.id])


def test_placeholders_match_between_french_and_english():
    import re

    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalogue = read_po(fh)
    pattern = re.compile(r"%\(\w+\)[sd]")
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(pattern.findall(ids[-1]))
        for translated in strings:
            assert set(pattern.findall(translated)) <= expected | {"%(num)d"}, message.id


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", ["0 badge", "1 badge", "2 badges"]), ("en", ["0 badges", "1 badge", "2 badges"])],
)
def test_plurals_follow_each_language(app, lang, expected):
    from flask import render_template_string

    with app.test_request_context("/", headers={"Accept-Language": lang}):
        rendered = render_template_string(
            "{% for n in (0, 1, 2) %}{{ ngettext('%(num)d badge', '%(num)d badges', n) }}|{% endfor %}"
        )
    assert rendered.split("|")[:3] == expected
