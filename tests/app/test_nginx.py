"""The shipped nginx configuration (deploy/nginx/palier.conf), run for real in front of the app and
the static copy: negotiation, 410 after revocation, CORS, caching headers, the app's own bytes, and
the documents still served with the app stopped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import BROWSER, award, revoke, tier_one_skills
from nginx_box import NGINX, AppServer, free_port, get, start_nginx

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx n'est pas installé (paquet Debian nginx)")

LD = {"Accept": "application/ld+json"}
VALIDATOR = {"Accept": "application/ld+json, application/json, image/png, image/svg+xml"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Palier (werkzeug, in a thread) behind nginx on a loopback port, PUBLISH_DIR switched on."""
    from issuer import create_app, db, migrate
    from issuer.admin import profile
    from issuer.models import utcnow
    from issuer.runtime import runtime

    tmp = tmp_path_factory.mktemp("palier-nginx")
    port = free_port()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "nginx",
            "BASE_URL": f"http://127.0.0.1:{port}",
            "DATABASE_URL": f"sqlite:///{tmp / 'palier.sqlite3'}",
            "KEYS_DIR": str(tmp / "keys"),
            "PUBLISH_DIR": str(tmp / "public"),
            "RATELIMIT_ENABLED": False,
            "PASSWORD_TIME_COST": 1,
            "PASSWORD_MEMORY_COST": 8,
            "PASSWORD_PARALLELISM": 1,
        },
        instance_path=str(tmp / "instance"),
    )
    with app.app_context():
        migrate.upgrade(db.engine())
        session = db.session()
        runtime().keys.create(session, utcnow())
        profile.get_profile(session, app.config)
        session.commit()
    assert app.test_cli_runner().invoke(args=["publish", "--all"]).exit_code == 0
    upstream = AppServer(app)
    box = start_nginx(tmp / "nginx", tmp / "public", upstream.port, port)
    try:
        yield app, upstream, box
    finally:
        box.stop()
        upstream.stop()
        with app.app_context():
            db.engine().dispose()


def here(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_nginx_config_passes_nginx_t(site):
    _, _, box = site
    assert box.proc.poll() is None, box.log()


def test_json_ld_documents_are_the_apps_bytes_with_cors_and_cache_headers(site):
    app, upstream, box = site
    badge = award(app, skill_id=tier_one_skills(app)[0])
    documents = {
        here(badge.url): "public, no-cache",
        here(badge.url) + ".json": "public, no-cache",
        "/issuer": "public, no-cache",
        "/revocations": "public, no-cache",
        f"/badges/{badge.skill_id}/v1": "public, max-age=2592000",
        f"/badges/{badge.skill_id}/v1/image.png": "public, max-age=2592000",
        f"/destinataires/{badge.recipient_token}": "public, no-cache",
    }
    for url, control in documents.items():
        status, headers, body = get(box.port, url, LD)
        _, app_headers, app_body = get(upstream.port, url, LD)
        assert status == 200, (url, box.log()[-500:])
        assert body == app_body, url
        assert headers["cache-control"] == control, url
        assert headers["access-control-allow-origin"] == "*", url
        assert headers["content-type"].split(";")[0] == app_headers["content-type"].split(";")[0], url
        assert headers.get("etag"), url
        assert "server" not in headers or "nginx/" not in headers["server"], url
    kid = json.loads(get(box.port, "/issuer", LD)[2])["publicKey"].rsplit("/", 1)[1]
    status, headers, body = get(box.port, f"/keys/{kid}", LD)
    assert status == 200 and body == get(upstream.port, f"/keys/{kid}", LD)[2]
    assert headers["cache-control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    ("headers", "page"),
    [
        (BROWSER, True),
        (LD, False),
        (VALIDATOR, False),
        ({"Accept": "application/json"}, False),
        ({}, False),
        ({"Accept": "*/*"}, False),
        ({"User-Agent": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"}, True),
        ({"Accept": "*/*", "User-Agent": "facebookexternalhit/1.1"}, True),
        ({"Accept": "application/json", "User-Agent": "facebookexternalhit/1.1"}, False),
        ({"Accept": "text/html"}, True),
        ({"Accept": "text/html;q=0, */*"}, False),
        ({"Accept": "text/html;q=0.5, */*"}, False),
        ({"Accept": "text/html, application/ld+json;q=0.5"}, True),
        ({"Accept": "text/html, application/ld+json"}, False),
    ],
)
def test_negotiation_follows_the_apps_rule(site, headers, page):
    app, upstream, box = site
    badge = award(app, skill_id=tier_one_skills(app)[1])
    status, found, _ = get(box.port, here(badge.url), headers)
    _, by_app, _ = get(upstream.port, here(badge.url), headers)
    assert status == 200
    assert found["content-type"].startswith("text/html") == page, found
    assert by_app["content-type"].startswith("text/html") == page, by_app  # the app agrees
    assert "Accept" in found["vary"]
    status, found, _ = get(box.port, here(badge.url) + "?format=json", BROWSER)
    assert "json" in found["content-type"]


def test_a_revoked_assertion_answers_410_at_once_and_leaves_the_list_unstale(site):
    app, upstream, box = site
    badge = award(app, skill_id=tier_one_skills(app)[2])
    _, before, _ = get(box.port, "/revocations", LD)
    _, live, _ = get(box.port, here(badge.url), LD)
    revoke(app, badge.uid, "Délivré par erreur.")
    for url in (here(badge.url), here(badge.url) + ".json"):
        status, headers, body = get(box.port, url, LD)
        assert status == 410, url
        assert body == get(upstream.port, url, LD)[2]
        assert json.loads(body)["revoked"] is True
        assert headers["access-control-allow-origin"] == "*"
        assert headers["cache-control"] == "public, no-cache"
    # A cache revalidating with what it held hears « changed », never « 304 unchanged ».
    status, _, body = get(box.port, here(badge.url), {**LD, "If-None-Match": live["etag"]})
    assert status == 410
    status, _, body = get(box.port, "/revocations", {**LD, "If-None-Match": before["etag"]})
    assert status == 200 and badge.url in {e["id"] for e in json.loads(body)["revokedAssertions"]}
    status, headers, _ = get(box.port, here(badge.url), BROWSER)
    assert status == 410 and headers["content-type"].startswith("text/html")


def test_an_unchanged_document_answers_304(site):
    _, _, box = site
    _, headers, _ = get(box.port, "/issuer", LD)
    status, _, body = get(box.port, "/issuer", {**LD, "If-None-Match": headers["etag"]})
    assert status == 304 and body == b""


def test_with_the_app_stopped_documents_and_page_copies_are_still_served(site):
    app, upstream, box = site
    live = award(app, skill_id=tier_one_skills(app)[3])
    gone = award(app, live.learner_id, skill_id=tier_one_skills(app)[4])
    revoke(app, gone.uid)
    expected = {url: get(upstream.port, url, LD)[2] for url in (here(live.url), "/issuer", "/revocations")}
    upstream.stop()
    try:
        for url, body in expected.items():
            status, _, found = get(box.port, url, LD)
            assert (status, found) == (200, body), url
        status, headers, page = get(box.port, here(live.url), BROWSER)
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert "Badge valide" in page.decode()
        assert get(box.port, here(gone.url), BROWSER)[0] == 410
        assert get(box.port, here(gone.url), LD)[0] == 410
        assert get(box.port, f"/badges/{live.skill_id}/v1/criteres", BROWSER)[0] == 200
        assert get(box.port, "/static/public/public.css")[0] == 200
    finally:
        restarted = AppServer(app, upstream.port)
        upstream.server, upstream.thread, upstream.running = restarted.server, restarted.thread, True


def test_a_document_missing_from_the_copy_is_asked_of_the_app(site):
    app, upstream, box = site
    from issuer.publishing.layout import relative
    from issuer.urls import Urls

    badge = award(app, skill_id=tier_one_skills(app)[5])
    folder = app.config["PUBLISH_DIR"]
    (Path(folder) / (relative(Urls(app.config["BASE_URL"]), badge.url) + ".json")).unlink()
    status, _, body = get(box.port, here(badge.url), LD)
    assert status == 200 and body == get(upstream.port, here(badge.url), LD)[2]
