"""``POST /api/verify``: every form of badge in, a JSON verdict out, nothing fetched from anywhere."""

from __future__ import annotations

import io
import json
import socket
from datetime import UTC

import pytest
from factories import award, database_down, path, revoke

import badges


@pytest.fixture
def no_network(monkeypatch):
    """Make any outgoing connection fail loudly: verification must never need one."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def api(client, badge=None, *, email=None, raw=None, **kwargs):
    if raw is None and "data" not in kwargs:
        body = {"badge": badge} if email is None else {"badge": badge, "email": email}
        return client.post("/api/verify", json=body)
    return client.post("/api/verify", data=raw if raw is not None else kwargs.pop("data"), **kwargs)


def form_of(client, badge, kind: str):
    """The badge in one of the forms the API accepts, as keyword arguments for ``api``."""
    if kind == "jws":
        return {"badge": badge.jws}
    if kind == "url":
        return {"badge": badge.url}
    hosted = client.get(path(badge.url), headers={"Accept": "application/ld+json"}).data
    if kind == "json text":
        return {"badge": hosted.decode()}
    if kind == "json object":
        return {"badge": json.loads(hosted)}
    image = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.{kind}").data
    return {"data": {"file": (io.BytesIO(image), f"badge.{kind}")}, "content_type": "multipart/form-data"}


@pytest.mark.parametrize("kind", ["jws", "url", "json text", "json object", "png", "svg"])
def test_api_verifies_every_form_of_our_badge_as_valid(app, client, no_network, kind):
    badge = award(app)
    resp = api(client, **form_of(client, badge, kind))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["verdict"] == "valid"
    assert body["code"] == "ok"
    assert body["reasons"]
    assert body["assertion"]["id"] == badge.url
    assert body["assertion"]["badge"] == f"http://badges.test/badges/{badge.skill_id}/v1"
    assert body["assertion"]["issuedOn"].endswith("Z")
    assert "expires" in body["assertion"]
    assert body["checkedAt"]
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert not no_network


def test_api_answers_revoked_with_the_reason(app, client):
    badge = award(app)
    revoke(app, badge.uid, "Erreur de saisie.")
    body = api(client, badge.jws).get_json()
    assert body["verdict"] == "revoked"
    assert body["revocationReason"] == "Erreur de saisie."
    assert any("Erreur de saisie." in reason for reason in body["reasons"])


def test_api_checks_the_recipient_email_when_given(app, client):
    badge = award(app, email="lina@example.org")
    assert api(client, badge.jws, email="lina@example.org").get_json()["recipientMatch"] is True
    assert api(client, badge.jws, email="autre@example.org").get_json()["recipientMatch"] is False
    assert api(client, badge.jws).get_json()["recipientMatch"] is None


FOREIGN_URLS = [
    "https://ailleurs.example/assertions/1",
    "http://127.0.0.1:5000/assertions/1",
    "http://localhost/assertions/1",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/assertions/1",
    "http://[::1]/assertions/1",
    "http://badges.test.evil.example/assertions/1",
    "https://badges.test/assertions/1",  # our host, but not our scheme: not one of our ids
]


@pytest.mark.parametrize(
    "url",
    [
        "http://badges.test/assertions/\x00",
        "http://badges.test/assertions/é",
        "http://badges.test/assertions/" + "a" * 300,
    ],
)
def test_api_answers_unknown_for_impossible_ids_of_ours(client, url):
    assert api(client, url).get_json()["verdict"] == "unknown"


@pytest.mark.parametrize("url", FOREIGN_URLS)
def test_api_answers_unknown_for_other_addresses_without_fetching_them(client, no_network, url):
    body = api(client, url).get_json()
    assert body["verdict"] == "unknown"
    assert body["assertion"] is None
    assert not no_network


def test_api_answers_unknown_for_a_signed_badge_of_another_issuer(client, no_network, private_pem):
    from datetime import datetime

    other = badges.assertion(
        id="https://ailleurs.example/assertions/1",
        badge="https://ailleurs.example/badges/1",
        recipient=badges.hash_recipient("a@example.org"),
        issued_on=datetime.now(UTC),
        verification=badges.signed_verification("https://ailleurs.example/keys/1"),
    )
    body = api(client, badges.sign_assertion(other, private_pem)).get_json()
    assert body["verdict"] == "unknown"
    assert not no_network


@pytest.mark.parametrize(
    "junk",
    [
        "n'importe quoi",
        "a.b.c",
        '{"id": 3}',
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "<script>alert(1)</script>",
        {"id": "javascript:alert(1)"},
    ],
)
def test_api_answers_unreadable_for_junk(client, junk):
    resp = api(client, junk)
    assert resp.status_code == 200
    assert resp.get_json()["verdict"] == "unreadable"  # never « invalid »: nothing was read to judge
    assert resp.get_json()["recordsConsulted"] is False


def test_api_answers_unreadable_for_a_png_without_badge(app, client):
    badge = award(app)
    plain = client.get(f"/badges/{badge.skill_id}/v1/image.png").data
    resp = api(client, data={"file": (io.BytesIO(plain), "x.png")}, content_type="multipart/form-data")
    assert resp.get_json()["verdict"] == "unreadable" and resp.get_json()["code"] == "no_badge"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"raw": b"{not json", "content_type": "application/json"},
        {"raw": b"[1, 2]", "content_type": "application/json"},
        {"raw": b"{}", "content_type": "application/json"},
        {"raw": b'{"badge": ""}', "content_type": "application/json"},
        {"raw": b'{"badge": 42}', "content_type": "application/json"},
        {"raw": b'{"badge": "x", "email": 3}', "content_type": "application/json"},
        {"raw": b"", "content_type": "text/plain"},
        {"data": {}, "content_type": "multipart/form-data"},
    ],
)
def test_api_refuses_requests_without_a_badge_with_a_400_message(client, kwargs):
    resp = api(client, **kwargs)
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["error"] == "bad_request"
    assert "badge" in body["message"] or "email" in body["message"]


def test_api_refuses_oversized_bodies_with_413_json(client):
    huge = json.dumps({"badge": "x" * (3 * 1024 * 1024)})
    resp = client.post("/api/verify", data=huge, content_type="application/json")
    assert resp.status_code == 413
    assert resp.is_json and resp.get_json()["message"]
    upload = client.post(
        "/api/verify",
        data={"file": (io.BytesIO(b"\0" * (3 * 1024 * 1024)), "a.png")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 413 and upload.is_json


def test_api_needs_no_csrf_token_and_answers_cors_preflight(client):
    # The test app keeps CSRF on: a POST without a token getting a verdict proves the exemption.
    assert api(client, "x").status_code == 200
    preflight = client.options(
        "/api/verify",
        headers={"Origin": "https://employeur.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_api_is_rate_limited(app, client):
    app.config["VERIFY_LIMIT"] = "3 per minute"
    answers = [api(client, "x").status_code for _ in range(5)]
    assert answers[:3] == [200, 200, 200]
    assert answers[3] == 429
    assert api(client, "x").is_json


def test_api_answers_unavailable_with_503_when_the_database_is_down(app, client):
    badge = award(app)
    with database_down(app):
        resp = api(client, badge.jws)
    assert resp.status_code == 503
    assert resp.get_json()["verdict"] == "unavailable"
