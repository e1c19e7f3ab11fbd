"""Hostile SVG uploads (issue #12, item 1): refused as too complex, without building a tree."""

from __future__ import annotations

import io

import pytest
from factories import BROWSER, page_csrf_token

ROOT = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="http://openbadges.org">'
GROUPS = ROOT + b"<g/>" * 480_000 + b'<o:assertion verify="https://x.example/a/1"/></svg>'


def test_api_answers_the_reviews_svg_of_480000_groups_as_too_complex(client):
    assert len(GROUPS) < 2 * 1024 * 1024  # under the app's upload limit
    resp = client.post(
        "/api/verify", data={"file": (io.BytesIO(GROUPS), "badge.svg")}, content_type="multipart/form-data"
    )
    assert resp.status_code == 200
    answer = resp.get_json()
    assert answer["verdict"] == "unreadable" and answer["code"] == "malformed"
    assert any("trop complexe" in reason for reason in answer["reasons"]), answer["reasons"]


@pytest.mark.parametrize("svg", [GROUPS, ROOT + b"<g>" * 400_000 + b"</svg>"])
def test_verification_page_answers_hostile_svgs_as_too_complex(client, svg):
    token = page_csrf_token(client.get("/verifier", headers=BROWSER).get_data(as_text=True))
    resp = client.post(
        "/verifier",
        data={"file": (io.BytesIO(svg), "badge.svg"), "csrf_token": token},
        headers=BROWSER,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200
    assert "trop complexe" in resp.get_data(as_text=True)
