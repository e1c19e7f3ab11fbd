"""The award API in the OpenAPI document: described, and every answer (with or without a token) as described."""

from __future__ import annotations

import itertools

import schemathesis
from factories import api_token, tier_one_skills
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
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = [("POST", "/api/v1/recipients"), ("POST", "/api/v1/awards"), ("GET", "/api/v1/awards/{uid}")]
ALL = ("awards:create", "awards:read", "recipients:link")


def test_the_award_api_is_described_with_its_bearer_scheme():
    doc = description(BASE)
    assert {path for _method, path in OPERATIONS} <= set(doc["paths"])
    assert doc["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    for method, path in OPERATIONS:
        operation = doc["paths"][path][method.lower()]
        assert operation["security"] == [{"bearerToken": []}]
        assert {"401", "403", "429"} <= set(operation["responses"])
    posted = doc["paths"]["/api/v1/awards"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in posted["parameters"])


def _check(operation, mode, headers: dict, keys=None, examples: int = 20) -> None:
    """Drive one operation with hypothesis; ``keys`` gives each case a fresh Idempotency-Key."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def run(case):
        extra = dict(headers)
        if keys is not None:
            extra["Idempotency-Key"] = f"k{next(keys)}"  # each case is a new request
        case.call_and_validate(headers={**HOST, **extra}, checks=CHECKS)

    run()


def _run(app, headers: dict, examples: int = 20):
    app.extensions["palier.limiter"].enabled = False  # the rate limit has its own test
    api = schemathesis.openapi.from_wsgi("/openapi.json", app, headers=HOST)
    keys = itertools.count()
    for (method, path), mode in itertools.product(
        OPERATIONS, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    ):
        fresh = method == "POST" and mode is GenerationMode.POSITIVE and "Authorization" in headers
        _check(api[path][method], mode, headers, keys if fresh else None, examples)


def test_without_a_token_every_call_answers_a_described_401_never_a_500(app):
    _run(app, {})


def test_with_a_token_every_answer_is_as_described(app, client):
    secret = api_token(app, *ALL)
    skill = tier_one_skills(app)[0]
    headers = {**HOST, "Authorization": f"Bearer {secret}"}
    client.post("/api/v1/recipients", json={"external_id": "j1"}, headers={**headers, "Idempotency-Key": "x"})
    client.post("/api/v1/awards", json={"external_id": "j1", "skill": skill, "narrative": "Vu."},
                headers={**headers, "Idempotency-Key": "y"})  # fmt: skip
    _run(app, {"Authorization": f"Bearer {secret}"}, examples=15)


def test_real_answers_conform(app, client):
    api = schemathesis.openapi.from_wsgi("/openapi.json", app, headers=HOST)
    secret = api_token(app, *ALL)
    drafts = api_token(app, *ALL, integration=True)
    skill = tier_one_skills(app)[0]
    for token in (secret, drafts):
        headers = {**HOST, "Authorization": f"Bearer {token}"}
        linked = client.post(
            "/api/v1/recipients", json={"external_id": "j1"}, headers={**headers, "Idempotency-Key": "a"}
        )
        api["/api/v1/recipients"]["POST"].validate_response(linked)
        body = {"external_id": "j1", "skill": skill, "narrative": "A encouragé son équipe."}
        made = client.post("/api/v1/awards", json=body, headers={**headers, "Idempotency-Key": "b"})
        assert made.status_code in (201, 202)
        api["/api/v1/awards"]["POST"].validate_response(made)
        read = client.get(f"/api/v1/awards/{made.get_json()['award']['uid']}", headers=headers)
        api["/api/v1/awards/{uid}"]["GET"].validate_response(read)
        again = client.post("/api/v1/awards", json=body, headers={**headers, "Idempotency-Key": "c"})
        api["/api/v1/awards"]["POST"].validate_response(again)
