"""The shipped nginx configuration serves the Open Badges 3.0 documents from the static copy: the
did:web documents, the status lists and the credentials, with the app's bytes and media types, 410
for a revoked credential, and all of it with the app stopped."""

from __future__ import annotations

import json

import pytest
from factories import award, make_structure, revoke
from nginx_box import NGINX, AppServer, get, published_site

from badges import ob3

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx n'est pas installé (paquet Debian nginx)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with published_site(tmp_path_factory.mktemp("palier-nginx-ob3"), scheme="https") as found:
        yield found


def app_get(app, path: str):
    resp = app.test_client().get(path, base_url=app.config["BASE_URL"])
    return resp.status_code, resp.headers, resp.data


def test_the_did_document_status_list_and_credential_come_from_the_copy_as_the_app_says(site):
    app, _, box = site
    badge = award(app)
    for path, media in (
        ("/.well-known/did.json", "application/did+json"),
        ("/statut/1", "application/ld+json"),
        (f"/assertions/{badge.uid}/ob3.json", "application/vc+ld+json"),
    ):
        status, headers, body = get(box.port, path)
        assert status == 200, (path, body[:200])
        assert body == app_get(app, path)[2], path
        assert headers["content-type"].startswith(media), (path, headers["content-type"])
        assert headers["access-control-allow-origin"] == "*"
        assert "no-cache" in headers["cache-control"]


class Served:
    """What a wallet's verifier fetches, from nginx alone."""

    def __init__(self, port: int) -> None:
        self.port = port

    def _json(self, url: str):
        status, _, body = get(self.port, "/" + url.split("/", 3)[3])
        return json.loads(body) if status == 200 else None

    def owns(self, issuer_id):
        return self._json(ob3.did_web_to_url(issuer_id)) is not None

    def public_key(self, method):
        doc = self._json(ob3.did_web_to_url(method.split("#")[0])) or {}
        return next((m["publicKeyMultibase"] for m in doc["verificationMethod"] if m["id"] == method), None)

    def status_list(self, url):
        return self._json(url)


def test_with_the_app_stopped_a_credential_still_verifies_and_a_revoked_one_is_revoked(site):
    from issuer.models import utcnow

    app, upstream, box = site
    kept, withdrawn = award(app, name="Lina"), award(app, name="Sacha")
    credentials = {
        b.uid: json.loads(get(box.port, f"/assertions/{b.uid}/ob3.json")[2]) for b in (kept, withdrawn)
    }
    revoke(app, withdrawn.uid)
    upstream.stop()
    try:
        assert ob3.verify_credential(credentials[kept.uid], Served(box.port), utcnow()).code == "ok"
        assert ob3.verify_credential(credentials[withdrawn.uid], Served(box.port), utcnow()).code == "revoked"
        status, headers, body = get(box.port, f"/assertions/{withdrawn.uid}/ob3.json")
        assert status == 410 and json.loads(body)["error"] == "revoked"
        assert headers["content-type"].startswith("application/json")
    finally:
        restarted = AppServer(app, upstream.port)
        upstream.server, upstream.thread, upstream.running = restarted.server, restarted.thread, True


def test_another_structures_did_document_is_served_beside_its_folder_only(site):
    app, _, box = site
    slug = make_structure(app, "voisine")
    assert (
        app.test_cli_runner().invoke(args=["publish", "--all"], env={"PALIER_STRUCTURE": slug}).exit_code == 0
    )
    status, _, body = get(box.port, f"/s/{slug}/did.json")
    assert status == 200 and json.loads(body)["id"].endswith(f":s:{slug}")
    assert get(box.port, f"/s/{slug}/.well-known/did.json")[0] == 404
