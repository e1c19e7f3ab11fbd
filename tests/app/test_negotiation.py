"""Who gets the page and who gets the JSON-LD at a badge's address: measured clients, one row each.

Every row is what a real client sends, read in its source or in a captured request:

- 1EdTech validator (openbadges 1.1.2; also what Badgr's importer runs): ``fetch_http_node`` and its
  JSON-LD document loader, 1EdTech/openbadges-validator-core ``openbadges/verifier/tasks/graph.py``
  and ``openbadges/verifier/utils.py``; Badgr: ``apps/issuer/helpers.py`` (``openbadges.verify``, and
  ``application/ld+json, application/json`` for OB 3.0 documents).
- pyld: digitalbazaar/pyld ``lib/pyld/documentloader/requests.py``.
- Open Badge Passport (openbadgefactory/salava ``src/clj/salava/core/http.clj``): ``json-get`` sends
  ``application/json`` (clj-http ``:accept :json``); ``http-get``, used on the assertion URL itself
  (``badge/parse.clj``), sends no Accept; its curl fallback sends ``*/*`` or ``application/json, */*``.
- Discordbot: no Accept header at all (captured request in rr-/szurubooru pull request 441).
- facebookexternalhit: ``*/*`` (Facebook's crawler page simulates it with curl and a Range header).
- LinkedInBot: ``*/*`` (Post Inspector request logged in sveltejs/kit issue 9549).
- Mastodon's link cards: no Accept (mastodon/mastodon issue 12618).
- WhatsApp, Slack, Twitter, Telegram: their User-Agents are documented, their Accept was not found in
  any source: both plausible forms (none, ``*/*``) are tested.
"""

from __future__ import annotations

import re

import pytest
from factories import BROWSER, award, path

HTML, LD, JSON = "text/html", "application/ld+json", "application/json"
REQUESTS_UA = "python-requests/2.32.5"

CONSUMERS = {  # name -> request headers; every one of them must get JSON-LD
    "1EdTech validator": {
        "Accept": "application/ld+json, application/json, image/png, image/svg+xml",
        "User-Agent": REQUESTS_UA,
    },
    "1EdTech validator, JSON-LD loader": {
        "Accept": "application/ld+json, application/json",
        "User-Agent": REQUESTS_UA,
    },
    "Badgr importer (OB 3.0 documents)": {
        "Accept": "application/ld+json, application/json",
        "User-Agent": REQUESTS_UA,
    },
    "pyld requests loader": {"Accept": "application/ld+json, application/json", "User-Agent": REQUESTS_UA},
    "JSON-LD loader asking ld+json alone": {"Accept": "application/ld+json"},
    "Open Badge Passport json-get": {
        "Accept": "application/json",
        "User-Agent": "Apache-HttpClient/4.5.13 (Java/1.8.0_292)",
    },
    "Open Badge Passport http-get": {"User-Agent": "Apache-HttpClient/4.5.13 (Java/1.8.0_292)"},
    "Open Badge Passport curl fallback": {"Accept": "*/*", "User-Agent": "curl/7.88.1"},
    "Open Badge Passport curl fallback, json": {
        "Accept": "application/json, */*",
        "User-Agent": "curl/7.88.1",
    },
    "a script with no headers at all": {},
}

ROBOTS = {  # name -> request headers; every one of them must get the page, with its preview card
    "Discordbot": {"User-Agent": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"},
    "facebookexternalhit": {
        "Accept": "*/*",
        "Range": "bytes=0-524288",
        "User-Agent": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    },
    "iMessage (facebookexternalhit and Twitterbot)": {
        "User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
        "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0"
    },
    "LinkedInBot": {
        "Accept": "*/*",
        "User-Agent": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    },
    "Mastodon link card": {"User-Agent": "http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.example/)"},
    **{
        f"{name}, {'*/*' if accept else 'no Accept'}": {
            "User-Agent": agent,
            **({"Accept": "*/*"} if accept else {}),
        }
        for name, agent in {
            "WhatsApp": "WhatsApp/2.23.20.0 A",
            "Signal (as WhatsApp)": "WhatsApp/2",
            "Slackbot": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Twitterbot": "Twitterbot/1.0",
            "TelegramBot": "TelegramBot (like TwitterBot)",
        }.items()
        for accept in (False, True)
    },
}


def _urls(badge) -> dict[str, str]:
    return {
        "assertion": path(badge.url),
        "badge class": f"/badges/{badge.skill_id}/v1",
        "issuer": "/issuer",
    }


@pytest.fixture
def badge(app):
    return award(app, name="Lina", name_public=True, email="lina@example.org")


@pytest.mark.parametrize("consumer", list(CONSUMERS))
def test_every_open_badges_consumer_gets_json_ld(client, badge, consumer):
    headers = CONSUMERS[consumer]
    for kind, url in _urls(badge).items():
        resp = client.get(url, headers=headers)
        assert resp.status_code == 200, (consumer, kind)
        expected = JSON if headers.get("Accept", "").startswith("application/json") else LD
        assert resp.mimetype == expected, (consumer, kind, resp.mimetype)
        assert resp.get_json(force=True)["@context"] == "https://w3id.org/openbadges/v2", (consumer, kind)
        assert {"Accept", "User-Agent"} <= set(re.split(r",\s*", resp.headers["Vary"])), (consumer, kind)


@pytest.mark.parametrize("robot", list(ROBOTS))
def test_every_link_preview_robot_gets_the_page_with_its_card(client, badge, robot):
    for kind, url in _urls(badge).items():
        resp = client.get(url, headers=ROBOTS[robot])
        assert resp.status_code == 200, (robot, kind)
        assert resp.mimetype == HTML, (robot, kind)
        html = resp.get_data(as_text=True)
        assert 'property="og:title"' in html and 'name="twitter:card"' in html, (robot, kind)
        assert 'rel="alternate"; type="application/ld+json"' in resp.headers["Link"], (robot, kind)
        assert {"Accept", "User-Agent"} <= set(re.split(r",\s*", resp.headers["Vary"])), (robot, kind)


def test_a_browser_gets_the_page_and_json_stays_one_suffix_away(client, badge):
    for kind, url in _urls(badge).items():
        assert client.get(url, headers=BROWSER).mimetype == HTML, kind
        as_json = client.get(url + "?format=json", headers={**BROWSER, **ROBOTS["Discordbot"]})
        assert as_json.mimetype == LD, kind


def _meta(html: str) -> dict[str, str]:
    """The content of every <meta property|name=…> of a page (values unescaped enough to compare)."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html)
    return {key: value.replace("&#39;", "'").replace("&amp;", "&") for key, value in found}


def test_the_badge_page_card_names_the_badge_its_image_and_issuer(client, badge):
    html = client.get(path(badge.url), headers=ROBOTS["Discordbot"]).get_data(as_text=True)
    meta = _meta(html)
    assert "Jouer ensemble" in meta["og:title"] and "Badge valide" in meta["og:title"]
    assert meta["og:image"] == f"http://badges.test/badges/{badge.skill_id}/v1/image.png"
    assert meta["twitter:image"] == meta["og:image"]
    assert "Palier (démo)" in meta["og:description"] and meta["og:site_name"] == "Palier (démo)"
    assert meta["og:url"] == badge.url
    assert meta["twitter:card"] == "summary"
    assert "Jouer ensemble" in re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
    assert "Vérification d'un badge" not in html


@pytest.mark.parametrize(
    ("learner", "shown"),
    [
        (dict(name="Lina", name_public=True), True),
        (dict(name="Lina", name_public=False), False),
        (dict(name="Lina", name_public=True, age_band="under15", parental=False), False),
    ],
)
def test_the_card_names_the_learner_only_with_consent_and_never_their_email(app, client, learner, shown):
    given = award(app, email="lina@example.org", **learner)
    html = client.get(path(given.url), headers=ROBOTS["WhatsApp, no Accept"]).get_data(as_text=True)
    cards = " ".join(_meta(html).values())
    assert ("Lina" in cards) is shown
    assert "lina@example.org" not in html and "@example.org" not in cards


def test_the_profile_of_each_key_negotiates_like_the_issuer(app, client, badge):
    from issuer import db
    from issuer.models import SigningKey

    with app.app_context():
        kid = db.session().query(SigningKey.kid).first()[0]
    assert client.get(f"/issuer/{kid}", headers=ROBOTS["Discordbot"]).mimetype == HTML
    for consumer in ("1EdTech validator", "Open Badge Passport http-get"):
        document = client.get(f"/issuer/{kid}", headers=CONSUMERS[consumer])
        assert document.mimetype == LD and document.get_json(force=True)["type"] == "Issuer", consumer
    assert client.get("/issuer/nope", headers=ROBOTS["Discordbot"]).status_code == 404


def test_the_badge_class_and_issuer_pages_have_their_own_titles_and_cards(client, badge):
    page = client.get(f"/badges/{badge.skill_id}/v1", headers=ROBOTS["LinkedInBot"]).get_data(as_text=True)
    meta = _meta(page)
    assert "Jouer ensemble" in meta["og:title"] and meta["og:image"].endswith("/v1/image.png")
    issuer = client.get("/issuer", headers=ROBOTS["Slackbot, */*"]).get_data(as_text=True)
    assert "Palier (démo)" in _meta(issuer)["og:title"]
    assert "Palier (démo)" in re.search(r"<title>(.*?)</title>", issuer, re.DOTALL).group(1)


def test_an_unreadable_verification_page_is_titled_by_its_verdict(client):
    resp = client.get("/assertions/00000000-0000-0000-0000-000000000000", headers=BROWSER)
    title = re.search(r"<title>(.*?)</title>", resp.get_data(as_text=True), re.DOTALL).group(1)
    assert "Badge inconnu ici" in title


# ---- Media type and language -----------------------------------------------------------------------


def test_application_json_asked_alone_is_answered_as_application_json_everywhere(app, client, badge):
    from issuer import db
    from issuer.models import SigningKey

    with app.app_context():
        kid = db.session().query(SigningKey.kid).first()[0]
    for url in (path(badge.url), f"/badges/{badge.skill_id}/v1", "/issuer", f"/keys/{kid}", "/revocations"):
        asked = client.get(url, headers={"Accept": "application/json"})
        assert asked.mimetype == JSON, url
        default = client.get(url, headers={"Accept": "application/ld+json"})
        assert default.mimetype == LD and default.data == asked.data, url
        assert "Accept" in default.headers["Vary"], url  # one URL, two media types: caches must know


def test_json_ld_documents_and_pages_declare_french(client, badge):
    for url in (path(badge.url), f"/badges/{badge.skill_id}/v1", "/issuer"):
        assert client.get(url, headers={"Accept": LD}).headers["Content-Language"] == "fr", url
        page = client.get(url, headers=BROWSER)
        assert page.headers["Content-Language"] == "fr", url
        assert '<html lang="fr">' in page.get_data(as_text=True), url
    for url in ("/verifier", f"/badges/{badge.skill_id}/v1/criteres"):
        assert '<html lang="fr">' in client.get(url, headers=BROWSER).get_data(as_text=True), url


@pytest.mark.parametrize(
    "agent",
    [
        None,
        "",
        REQUESTS_UA,
        "Apache-HttpClient/4.5.13 (Java/1.8.0_292)",
        "curl/7.88.1",
        "Go-http-client/2.0",
        "okhttp/4.10.0",
        "Open Badges Validator Core",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    ],
)
def test_only_link_preview_robots_are_taken_for_robots(agent):
    from issuer.web.negotiation import is_preview_robot

    assert is_preview_robot(agent) is False
