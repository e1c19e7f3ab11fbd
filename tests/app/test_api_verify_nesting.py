"""``POST /api/verify`` and ``/verifier`` with deeply nested JSON: a clear refusal, never a 500."""

from __future__ import annotations

import json

import pytest
from factories import BROWSER, page_csrf_token

DEEP = 50_000


def nested_list(levels: int) -> str:
    return "[" * levels + "]" * levels


def nested_object(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


@pytest.mark.parametrize(
    "body",
    [
        nested_list(DEEP),
        nested_object(DEEP),
        "[" * DEEP,
        '{"badge": ' + nested_object(DEEP) + "}",
        '{"badge": "x", "other": ' + nested_list(DEEP) + "}",
        '{"badge": ' + nested_object(40) + "}",  # deeper than a badge may be, and one for the body
    ],
)
def test_api_refuses_a_deeply_nested_body_with_a_400_and_its_code(client, body):
    resp = client.post("/api/verify", data=body, content_type="application/json")
    assert resp.status_code == 400
    answer = resp.get_json()
    assert answer["error"] == "too_deep"
    assert answer["message"].startswith("Le corps de la requête est un JSON imbriqué trop profondément")
    assert resp.headers["Access-Control-Allow-Origin"] == "*" and "Set-Cookie" not in resp.headers


@pytest.mark.parametrize(
    "badge",
    [
        nested_object(DEEP // 2),
        nested_list(DEEP),
        json.loads(nested_object(31)),  # as deep as the body allows: the badge's own limit answers
    ],
)
def test_api_answers_a_deeply_nested_badge_as_unreadable(client, badge):
    resp = client.post("/api/verify", json={"badge": badge})
    assert resp.status_code == 200
    answer = resp.get_json()
    assert answer["verdict"] == "unreadable" and answer["code"] == "malformed"


def test_api_still_reads_a_shallow_body_and_refuses_broken_json_as_before(client):
    resp = client.post(
        "/api/verify", data=b'{"badge": "https://ailleurs.example/a/1"}', content_type="application/json"
    )
    assert resp.status_code == 200 and resp.get_json()["verdict"] == "unknown"
    broken = client.post("/api/verify", data=b'{"badge": ', content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["error"] == "bad_request"


def test_verification_page_answers_a_deeply_nested_badge_text(client):
    token = page_csrf_token(client.get("/verifier", headers=BROWSER).get_data(as_text=True))
    resp = client.post(
        "/verifier", data={"badge": nested_object(DEEP // 2), "csrf_token": token}, headers=BROWSER
    )
    assert resp.status_code == 200
    assert "imbriqué trop profondément" in resp.get_data(as_text=True)
