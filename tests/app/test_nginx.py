"""The shipped nginx configuration (deploy/nginx/palier.conf), run for real in front of the app and
the static copy: negotiation, 410 after revocation, CORS, caching headers, the app's own bytes, and
the documents still served with the app stopped."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from factories import BROWSER, award, revoke, tier_one_skills
from nginx_box import NGINX, AppServer, get, published_site

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx n'est pas installé (paquet Debian nginx)")

LD = {"Accept": "application/ld+json"}
VALIDATOR = {"Accept": "application/ld+json, application/json, image/png, image/svg+xml"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Palier (werkzeug, in a thread) behind nginx on a loopback port, PUBLISH_DIR switched on."""
    with published_site(tmp_path_factory.mktemp("palier-nginx")) as found:
        yield found


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


def _in_structure(app, slug: str, act):
    """Run ``act(session, runtime)`` in the app, working for structure ``slug``; commit; return its result."""
    from issuer import db, tenancy
    from issuer.runtime import runtime, use_structure

    with app.app_context():
        found = tenancy.structure_by_slug(db.session(), slug)
        use_structure(found.id, found.slug)
        session = db.session()
        result = act(session, runtime())
        session.commit()
        return result


def _award_in(app, slug: str, skill: str) -> tuple[str, str]:
    """A badge awarded by structure ``slug`` to a new young person: (its URL, its uid, its JWS)."""
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow

    def act(session, rt):
        person = learners.create_learner(
            session, learners.LearnerData("Yanis", None), actor=None, now=utcnow()
        )
        session.flush()
        row = awarding.award(
            session, rt, learner_id=person.id, skill_id=skill, actor=None,
            evidence=awarding.Evidence("A mené son équipe jusqu'au bout."), now=utcnow(),
        )  # fmt: skip
        return rt.urls.assertion(row.uid), row.uid, row.jws

    return _in_structure(app, slug, act)


def _revoke_in(app, slug: str, uid: str) -> None:
    from issuer.awarding import service as awarding
    from issuer.models import utcnow

    _in_structure(
        app,
        slug,
        lambda session, rt: awarding.revoke(
            session, rt, ref=uid, reason="Délivré par erreur.", actor=None, now=utcnow()
        ),
    )


@pytest.fixture(scope="module")
def neighbour(site):
    """A second structure of the network, published under s/voisine/ of the same folder."""
    from factories import make_structure

    app, _, _ = site
    slug = make_structure(app, "voisine")
    result = app.test_cli_runner().invoke(args=["publish", "--all"], env={"PALIER_STRUCTURE": slug})
    assert result.exit_code == 0, result.output
    return slug


def test_a_second_structure_is_served_from_its_own_folder_with_the_app_stopped(site, neighbour):
    app, upstream, box = site
    prefix = f"/s/{neighbour}"
    live_url, live_uid, _ = _award_in(app, neighbour, tier_one_skills(app)[0])
    gone_url, gone_uid, _ = _award_in(app, neighbour, tier_one_skills(app)[1])
    assert here(live_url) == f"{prefix}/assertions/{live_uid}"
    profile = json.loads(get(upstream.port, f"{prefix}/issuer", LD)[2])
    kid = profile["publicKey"].rsplit("/", 1)[1]
    root_kid = json.loads(get(upstream.port, "/issuer", LD)[2])["publicKey"].rsplit("/", 1)[1]
    assert kid != root_kid
    documents = [here(live_url), here(live_url) + ".json", f"{prefix}/issuer", f"{prefix}/keys/{kid}",
                 f"{prefix}/revocations"]  # fmt: skip
    # While the app runs: the same bytes as the app, from the copy, with the same headers as the first's.
    for url in documents:
        status, headers, body = get(box.port, url, LD)
        assert (status, body) == (200, get(upstream.port, url, LD)[2]), (url, box.log()[-500:])
        assert headers["access-control-allow-origin"] == "*", url
        assert re.fullmatch(r'"[0-9a-f]+-[0-9a-f]+"', headers["etag"]), url  # nginx's: read from the file
    assert get(box.port, f"{prefix}/keys/{kid}", LD)[1]["cache-control"] == "public, max-age=86400"
    assert get(box.port, f"{prefix}/issuer", LD)[1]["vary"] == "Accept, User-Agent"
    # Its badge never answers under the first structure's address, nor the first's key under its own.
    assert get(box.port, f"/assertions/{live_uid}", LD)[0] == 404
    assert get(box.port, f"/keys/{kid}", LD)[0] == 404
    _revoke_in(app, neighbour, gone_uid)
    expected = {url: get(upstream.port, url, LD)[2] for url in documents}
    upstream.stop()
    try:
        for url, body in expected.items():
            status, headers, found = get(box.port, url, LD)
            assert (status, found) == (200, body), url
            assert headers["content-type"].startswith("application/ld+json"), url
        revoked = json.loads(expected[f"{prefix}/revocations"])["revokedAssertions"]
        assert [entry["id"] for entry in revoked] == [gone_url]
        status, headers, page = get(box.port, here(live_url), BROWSER)
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert "Badge valide" in page.decode()
        status, headers, page = get(box.port, f"{prefix}/issuer", BROWSER)
        assert status == 200 and headers["content-type"].startswith("text/html")
        for url in (here(gone_url), here(gone_url) + ".json"):
            status, headers, body = get(box.port, url, LD)
            assert status == 410 and json.loads(body)["revoked"] is True, url
            assert headers["cache-control"] == "public, no-cache", url
        status, headers, page = get(box.port, here(gone_url), BROWSER)
        assert status == 410 and "Badge révoqué" in page.decode()
        skill = json.loads(expected[here(live_url)])["badge"].split("/badges/", 1)[1]
        assert get(box.port, f"{prefix}/badges/{skill}/criteres", BROWSER)[0] == 200
        status, headers, _ = get(box.port, f"{prefix}/badges/{skill}/image.png")
        assert status == 200 and headers["cache-control"] == "public, max-age=2592000"
        # Under the first structure's address nothing of it is served from the copy.
        for url in (f"/assertions/{live_uid}", f"/assertions/{live_uid}.json", f"/keys/{kid}"):
            status, _, body = get(box.port, url, LD)
            assert status != 200 and live_uid.encode() not in body, url
        assert get(box.port, f"/assertions/{gone_uid}", LD)[0] != 410
    finally:
        restarted = AppServer(app, upstream.port)
        upstream.server, upstream.thread, upstream.running = restarted.server, restarted.thread, True


NODE = shutil.which("node")
VERIFIER_JS = Path(__file__).resolve().parents[2] / "issuer" / "static" / "public" / "verifier.js"
# Runs the archive's verification script as the page does, with node's WebCrypto and fetch.
RUN_VERIFIER = """
const { verify } = require(process.env.VERIFIER_JS);
verify(process.env.BADGE, { fetch, subtle: globalThis.crypto.subtle, origin: process.env.ORIGIN })
  .then((result) => process.stdout.write(JSON.stringify(result)));
"""


def _verified_in_node(box, badge: str) -> dict:
    origin = f"http://127.0.0.1:{box.port}"
    env = {**os.environ, "VERIFIER_JS": str(VERIFIER_JS), "BADGE": badge, "ORIGIN": origin}
    done = subprocess.run([NODE, "-e", RUN_VERIFIER], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _tampered(jws: str) -> str:
    header, payload, signature = jws.split(".")
    doc = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    doc["issuedOn"] = "2020-01-01T00:00:00+00:00"
    forged = base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.skipif(NODE is None, reason="node n'est pas installé")
def test_the_archive_verification_page_verifies_badges_from_the_copy_alone(site, neighbour):
    app, upstream, box = site
    ours = award(app, skill_id=tier_one_skills(app)[6])
    gone = award(app, ours.learner_id, skill_id=tier_one_skills(app)[0])
    revoke(app, gone.uid, "Délivré par erreur.")
    theirs_url, _, theirs_jws = _award_in(app, neighbour, tier_one_skills(app)[2])
    upstream.stop()
    try:
        for url in ("/verifier.html", f"/s/{neighbour}/verifier.html", "/static/public/verifier.js"):
            status, headers, _ = get(box.port, url, BROWSER)
            assert status == 200, url
            assert "script-src 'self'" in headers["content-security-policy"], url
        page = get(box.port, "/verifier.html", BROWSER)[2].decode()
        assert '<script src="/static/public/verifier.js" defer></script>' in page
        assert "<script>" not in page  # the CSP refuses inline scripts: there are none
        # The copy of a badge's page sends to it (nothing to post to without the app), the badge named.
        copy = get(box.port, here(theirs_url), BROWSER)[2].decode()
        assert f'href="../verifier.html?badge={quote(theirs_url)}"' in copy
        valid = {
            "signé": ours.jws,
            "adresse": ours.url,
            "adresse .json": ours.url + ".json",
            "signé d'une autre structure": theirs_jws,
            "adresse d'une autre structure": theirs_url,
        }
        for what, badge in valid.items():
            result = _verified_in_node(box, badge)
            assert result["verdict"] == "valide", (what, result)
            assert result["title"] == "Badge valide" and "n'a pas été révoqué" in result["message"], what
        for badge in (gone.jws, gone.url):
            result = _verified_in_node(box, badge)
            assert result["verdict"] == "revoque", result
            assert "Délivré par erreur." in result["message"]
        forged = _verified_in_node(box, _tampered(ours.jws))
        assert forged["verdict"] == "invalide" and "signature ne correspond pas" in forged["message"]
        elsewhere = _verified_in_node(box, "https://ailleurs.example.org/assertions/abc")
        assert (
            elsewhere["verdict"] == "invalide" and "pas une adresse de cette archive" in elsewhere["message"]
        )
        missing = _verified_in_node(box, ours.url.replace(ours.uid, "inconnu"))  # the app would say 404
        assert missing["verdict"] == "invalide" and "Le badge n'a pas pu être lu" in missing["message"]
        assert _verified_in_node(box, "pas un badge")["verdict"] == "invalide"
    finally:
        restarted = AppServer(app, upstream.port)
        upstream.server, upstream.thread, upstream.running = restarted.server, restarted.thread, True
