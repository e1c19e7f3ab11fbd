"""No page of the staff flow answers 500: a crawl of every link, and hostile input on every form."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from factories import award_fields, login, login_admin, make_learner, post, skills_by_status

OWN_PREFIXES = ("/jeunes", "/seances", "/admin", "/login")
HREF = re.compile(r'href="([^"#]+)')


@pytest.fixture
def world(app, client):
    """An admin logged in, a learner with a badge, a session with a bulk report."""
    lina = make_learner(app, "Lina", email="lina@example.org", notes="à suivre")
    make_learner(app, "Noé")
    login_admin(client)
    skill = skills_by_status(app)["unlocked"][0]
    post(client, f"/jeunes/{lina}/badges/{skill}", award_fields(skill))
    game = post(
        client,
        "/seances/nouvelle",
        {"title": "Tournoi", "held_on": "2024-05-15", "participants": [str(lina)]},
    ).headers["Location"]
    post(
        client,
        f"{game}/attribuer",
        {
            "skill_id": skills_by_status(app)["unlocked"][1],
            "learners": [str(lina)],
            "narrative": "Bien",
            "token": "crawl-bulk",
        },
    )
    return {"lina": lina, "game": game, "skill": skill}


def test_every_staff_page_reachable_by_links_answers_without_error(client, world):
    seen, todo = set(), ["/jeunes/", "/seances/", "/admin/"]
    while todo and len(seen) < 200:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.mimetype != "text/html":
            continue
        for href in HREF.findall(response.get_data(as_text=True)):
            target = urljoin(url, href.replace("&amp;", "&"))
            path = urlsplit(target).path
            if urlsplit(target).netloc in ("", "badges.test") and path.startswith(OWN_PREFIXES):
                todo.append(path + (f"?{urlsplit(target).query}" if urlsplit(target).query else ""))
    assert len(seen) > 12


HOSTILE = [
    "",
    " ",
    "x" * 20000,
    "<script>alert(1)</script>",
    "'; DROP TABLE learners; --",
    "\x00",
    "é" * 300,
    "-1",
    "99999999999999999999",
    "%s%n",
    "../../etc/passwd",
]


def _endpoints(world):
    lina, game, skill = world["lina"], world["game"], world["skill"]
    return [
        ("/login", ["email", "password", "next"]),
        ("/jeunes/nouveau", ["display_name", "email", "age_band", "name_public", "notes", "token"]),
        (f"/jeunes/{lina}/modifier", ["display_name", "email", "age_band", "parental_consent", "notes"]),
        (
            f"/jeunes/{lina}/badges/{skill}",
            [
                f"s-{skill}-{f}"
                for f in ("narrative", "game", "url", "session_id", "override_reason", "token")
            ],
        ),
        (f"/jeunes/{lina}/lien", ["action", "token"]),
        (f"/jeunes/{lina}/effacer", ["understood", "token"]),
        ("/seances/nouvelle", ["title", "held_on", "place", "game", "participants"]),
        (f"{game}/attribuer", ["skill_id", "learners", "narrative", "url", "token"]),
        ("/admin/comptes", ["name", "email", "role", "password"]),
        ("/admin/comptes/1", ["password"]),
        ("/admin/comptes/2/activation", ["confirm", "active"]),
        ("/admin/profil", ["name", "url", "email", "description"]),
        ("/admin/cle", ["token"]),
    ]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_on_every_form_never_cause_a_500(app, client, world, value):
    for url, fields in _endpoints(world):
        response = post(client, url, dict.fromkeys(fields, value))
        assert response.status_code < 500, (url, response.status_code)
        if url == "/login":
            login_admin(client)  # a hostile login attempt may have ended the session


@pytest.mark.parametrize(
    "url",
    [
        "/jeunes/abc",
        "/jeunes/-1",
        "/jeunes/1/revoquer/%00",
        "/seances/0/rapport/x",
        "/admin/journal?page=-5",
        "/jeunes/?q=%00%ff",
        "/seances/99999999999999999999",
        "/jeunes/99999999999999999999/modifier",
        "/admin/comptes/0",
    ],
)
def test_odd_urls_answer_without_error(client, world, url):
    assert client.get(url).status_code < 500


def test_a_mediator_crawl_never_meets_a_500(app, client, world):
    client.post("/logout")
    login(client)
    for url in ("/jeunes/", f"/jeunes/{world['lina']}", "/seances/", world["game"], "/jeunes/nouveau"):
        assert client.get(url).status_code == 200
