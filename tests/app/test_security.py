"""Request protections: CSRF, security headers, host check, safe redirects, no inline code in templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from factories import csrf_token, login, post

from issuer.web.security import CONTENT_SECURITY_POLICY, safe_next

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
OWN_TEMPLATES = ["base.html", "error.html", "auth", "mediator", "admin"]


@pytest.mark.parametrize("url", ["/login", "/jeunes/", "/admin/", "/nexiste-pas"])
def test_every_response_carries_the_security_headers(client, url):
    login(client, "admin@test.fr")
    headers = client.get(url).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]


def test_content_security_policy_forbids_inline_code_and_framing():
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_hsts_only_over_https(app, client):
    from issuer import create_app

    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = create_app({**app.config, "BASE_URL": "https://badges.test", "SESSION_COOKIE_SECURE": None})
    response = secure.test_client().get("/login", base_url="https://badges.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert secure.config["SESSION_COOKIE_SECURE"] is True


def test_staff_pages_are_not_cached(client):
    login(client)
    assert client.get("/jeunes/").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site(client):
    response = login(client)
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("host", ["evil.example", "badges.test.evil.example", "localhost"])
def test_other_hosts_get_400(client, host):
    assert client.get("/login", headers={"Host": host}).status_code == 400


def test_other_hosts_get_400_without_server_name(app):
    from issuer import create_app

    config = {k: v for k, v in app.config.items() if k not in ("SERVER_NAME", "TRUSTED_HOSTS")}
    production_like = create_app(config).test_client()
    response = production_like.get("/login", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert production_like.get("/login", headers={"Host": "badges.test"}).status_code == 200


def test_the_configured_host_is_served(client):
    assert client.get("/login", headers={"Host": "badges.test"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/login", {"email": "mediateur@test.fr", "password": "mot-de-passe-de-test"}),
        ("/logout", {}),
        ("/jeunes/nouveau", {"display_name": "Lina", "age_band": "adult"}),
        ("/seances/nouvelle", {"title": "Tournoi", "held_on": "2024-05-01"}),
        ("/admin/cle", {"confirm": "y"}),
    ],
)
def test_posts_without_csrf_token_are_refused_in_french(client, url, data):
    login(client, "admin@test.fr")
    response = post(client, url, {**data, "csrf_token": None})
    assert response.status_code == 400
    assert "Le formulaire a expiré ou ne vient pas de ce site" in response.get_data(as_text=True)


def test_posts_with_a_forged_csrf_token_are_refused(client):
    login(client)
    response = post(client, "/jeunes/nouveau", {"display_name": "Lina", "csrf_token": "forged.token.value"})
    assert response.status_code == 400


def test_csrf_token_from_another_session_is_refused(app, client):
    other = app.test_client()
    token = csrf_token(other)
    login(client)
    response = post(
        client, "/jeunes/nouveau", {"display_name": "Lina", "age_band": "adult", "csrf_token": token}
    )
    assert response.status_code == 400


def test_csrf_refusal_is_json_for_machines(client):
    response = client.post("/logout", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf"


def test_the_csrf_object_is_exported_for_the_api():
    from flask_wtf.csrf import CSRFProtect

    from issuer.web.security import csrf

    assert isinstance(csrf, CSRFProtect)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/jeunes/", "/jeunes/"),
        ("/jeunes/3?q=li", "/jeunes/3?q=li"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("jeunes/", "/"),
        ("/a\nb", "/"),
        ("/a\x00b", "/"),
        (None, "/"),
        ("", "/"),
    ],
)
def test_safe_next_keeps_only_paths_on_this_site(target, expected):
    assert safe_next(target, "/") == expected


def _own_template_files():
    for name in OWN_TEMPLATES:
        path = TEMPLATES / name
        yield from ([path] if path.is_file() else sorted(path.rglob("*.html")))


@pytest.mark.parametrize("path", list(_own_template_files()), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_or_style(path):
    text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)  # comments may mention them
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
    assert "<style" not in text
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "|safe" not in text, "unescaped output"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/verifier?badge=a%00b", None),
        ("get", "/?q=%00", None),
        ("post", "/login", {"email": "a\x00@b.fr", "password": "x"}),
    ],
)
def test_nul_characters_in_queries_and_forms_are_refused_in_french(client, method, path, data):
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 400
    assert "caractère nul" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/p/%00/cahier.pdf", "/p/a%00b", "/jeunes/1/revoquer/%00", "/keys/%00"])
def test_nul_characters_in_paths_find_nothing(client, path):
    from factories import login

    login(client)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/issuer", "/revocations", "/openapi.json"])
def test_a_public_cacheable_document_never_carries_a_staff_session_cookie(client, path):
    login(client)
    response = client.get(path, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert "public" in response.headers.get("Cache-Control", "")
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
