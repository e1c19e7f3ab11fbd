"""The OpenAPI description tells the truth: schemathesis runs it against the app, real answers conform."""

from __future__ import annotations

import json

import pytest
import schemathesis
from factories import award, revoke
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from issuer.verification.openapi import description

BASE = "http://badges.test"
HOST = {"Host": "badges.test"}
LD = {"Accept": "application/ld+json", **HOST}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _quiet(app) -> None:
    # The run posts far more than an employer would: the verification rate limit is not under test.
    from issuer.web import security

    app.extensions[security.LIMITER].enabled = False


def _operations() -> list[tuple[str, str, GenerationMode]]:
    paths = description(BASE)["paths"]
    cases = []
    for path, item in paths.items():
        for method, operation in item.items():
            cases.append((method.upper(), path, GenerationMode.POSITIVE))
            # Invalid input exists only where there is input: parameters or a body.
            if operation.get("parameters") or operation.get("requestBody"):
                cases.append((method.upper(), path, GenerationMode.NEGATIVE))
    return cases


@pytest.fixture
def api(app):
    """The description as the app serves it, bound to the app's WSGI interface, with data behind it."""
    _quiet(app)
    award(app)
    revoke(app, award(app, name="Zoé", email=None).uid)
    return schemathesis.openapi.from_wsgi("/openapi.json", app, headers=HOST)


# schemathesis's own pytest plugin does not run under pytest 9 (fixture-based schemas): hypothesis
# drives each operation's strategy here instead, which is all the plugin does. One app serves every
# operation, so that the run stays a few seconds long.
def test_openapi_every_operation_answers_as_described(api):
    for method, path, mode in _operations():
        operation = api[path][method]

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25 if mode is GenerationMode.POSITIVE else 15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=HOST, checks=CHECKS)

        run()


# ---- Plain tests: the description itself, and real answers against it ----------------------


def test_openapi_is_served_as_json_with_our_base_url(client):
    resp = client.get("/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.1")
    assert doc["servers"] == [{"url": BASE}]
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_openapi_description_is_valid_openapi_3_1():
    api = schemathesis.openapi.from_dict(description(BASE))
    api.adapter.validate_schema(api.raw_schema)  # the OpenAPI 3.1 meta-schema; raises if not


def test_openapi_describes_every_public_json_endpoint():
    paths = description(BASE)["paths"]
    assert {
        "/issuer",
        "/badges/{skill}/v{version}",
        "/assertions/{uid}",
        "/keys/{kid}",
        "/revocations",
        "/api/verify",
    } <= set(paths)
    verify = paths["/api/verify"]["post"]
    assert set(verify["requestBody"]["content"]) == {"application/json", "multipart/form-data"}


def test_openapi_verdict_enum_is_the_verifier_vocabulary():
    from badges import Verdict

    schemas = description(BASE)["components"]["schemas"]
    assert schemas["VerifyResult"]["properties"]["verdict"]["enum"] == [v.value for v in Verdict]


def test_openapi_every_route_it_names_exists(app, client):
    # A described path the app does not route would be a promise nobody keeps.
    import re

    rules = {re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", str(r)) for r in app.url_map.iter_rules()}
    for path in client.get("/openapi.json").get_json()["paths"]:
        assert path in rules


def _validate(api, path: str, method: str, response) -> None:
    api[path][method].validate_response(response)


def test_openapi_real_documents_conform(app, client):
    api = schemathesis.openapi.from_wsgi("/openapi.json", app, headers=HOST)
    given = award(app)
    gone = award(app, name="Zoé", email=None)
    revoke(app, gone.uid)
    issuer = client.get("/issuer", headers=LD)
    _validate(api, "/issuer", "GET", issuer)
    key_url = issuer.get_json(force=True)["publicKey"]
    key_url = key_url[0] if isinstance(key_url, list) else key_url
    _validate(api, "/keys/{kid}", "GET", client.get(key_url[len(BASE) :], headers=LD))
    _validate(api, "/revocations", "GET", client.get("/revocations", headers=LD))
    document = client.get(f"/assertions/{given.uid}", headers=LD)
    assert document.status_code == 200
    _validate(api, "/assertions/{uid}", "GET", document)
    badge_url = json.loads(document.data)["badge"]
    _validate(api, "/badges/{skill}/v{version}", "GET", client.get(badge_url[len(BASE) :], headers=LD))
    _validate(api, "/assertions/{uid}", "GET", client.get(f"/assertions/{gone.uid}", headers=LD))
    _validate(
        api, "/destinataires/{token}", "GET", client.get(f"/destinataires/{gone.recipient_token}", headers=LD)
    )
    for body in ({"badge": given.jws}, {"badge": gone.url}, {"badge": "n'importe quoi"}, {}):
        _validate(api, "/api/verify", "POST", client.post("/api/verify", json=body, headers=HOST))


def test_openapi_revoked_assertion_answers_410_with_its_reason(app, client):
    gone = award(app)
    revoke(app, gone.uid, "Délivré par erreur.")
    resp = client.get(f"/assertions/{gone.uid}", headers=LD)
    assert resp.status_code == 410
    doc = json.loads(resp.data)
    assert doc["revoked"] is True and doc["id"] == gone.url
    assert doc["revocationReason"] == "Délivré par erreur."
    assert "recipient" not in doc and "evidence" not in doc


def test_openapi_unknown_assertion_answers_404_json(client):
    resp = client.get("/assertions/00000000-0000-0000-0000-000000000000", headers=LD)
    assert resp.status_code == 404
    assert resp.get_json()["error"] == "not_found"


def test_openapi_huge_badge_version_is_a_404_not_a_500(client):
    # Found by the invalid-input run: the version once reached the database and overflowed.
    for suffix in ("", "/image.png", "/criteres"):
        resp = client.get(f"/badges/cooperation-1/v{10**30}{suffix}", headers=LD)
        assert resp.status_code == 404, suffix
