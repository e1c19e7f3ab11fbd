"""The official validator, run through obv.py, on badges built by badges/ and served locally."""

from __future__ import annotations

import base64
import io
import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from PIL import Image

import badges

from .obv import failed_tasks, run_validator

pytestmark = pytest.mark.slow

EMAIL = "lea.martin@example.org"
ISSUED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


class _Handler(BaseHTTPRequestHandler):
    """Serves the documents of one fake issuer from a dict: path -> (content type, bytes)."""

    routes: ClassVar[dict[str, tuple[str, bytes]]] = {}

    def do_GET(self):  # http.server's naming
        found = self.routes.get(self.path)
        if found is None:
            self.send_error(404)
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


class Issuer:
    """Every document of one issuer, built with badges/ for a server at base."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.keys = {1: badges.generate_private_key(), 2: badges.generate_private_key()}
        self.routes: dict[str, tuple[str, bytes]] = {}
        issuer_id = self.url("/issuer")
        self.put(
            badges.issuer_profile(
                id=issuer_id,
                name="Maison des jeunes",
                url=base,
                email="contact@mdj.example",
                public_keys=[self.url("/keys/1")],
                revocation_list=self.url("/revocations"),
            )
        )
        for number, key in self.keys.items():  # key 2 exists but the profile never lists it
            self.put(
                badges.cryptographic_key(
                    id=self.url(f"/keys/{number}"), owner=issuer_id, public_pem=badges.public_key_pem(key)
                )
            )
        self.put(
            badges.badge_class(
                id=self.url("/badges/1"),
                issuer=issuer_id,
                name="Coopération",
                description="A joué en équipe.",
                image=self.url("/badges/1/image"),
                criteria_narrative="Soutenir son équipe pendant une partie.",
                alignments=[badges.Alignment("Travailler en équipe", "https://competences.example/c1")],
                tags=["coopération"],
            )
        )
        self.routes["/badges/1/image"] = ("image/png", _png())
        # Two entries: the validator never matches a list of exactly one (a known bug of its own).
        self.put(
            badges.revocation_list(
                id=self.url("/revocations"),
                issuer=issuer_id,
                revoked=[
                    (self.url("/assertions/revoked"), "Attribué par erreur"),
                    (self.url("/assertions/other"), None),
                ],
            )
        )

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, document: dict) -> dict:
        path = document["id"][len(self.base) :]
        self.routes[path] = ("application/ld+json", badges.canonical_json(document))
        return document

    def hosted(self, name: str) -> dict:
        return self.put(
            badges.assertion(
                id=self.url(f"/assertions/{name}"),
                badge=self.url("/badges/1"),
                recipient=badges.hash_recipient(EMAIL),
                issued_on=ISSUED,
                verification=badges.hosted_verification(),
                evidence=[badges.Evidence("Partie du 12 mars.")],
                narrative="Un vrai soutien.",
            )
        )

    def signed(self, name: str, key: int = 1) -> str:
        document = {**self.hosted(name), "verification": badges.signed_verification(self.url(f"/keys/{key}"))}
        return badges.sign_assertion(document, self.keys[key])


@pytest.fixture(scope="module")
def issuer():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    fake = Issuer(f"http://127.0.0.1:{server.server_address[1]}")
    _Handler.routes = fake.routes
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


def assert_valid(report: dict) -> None:
    assert report["valid"] and report["errorCount"] == 0, json.dumps(report, indent=1)


def test_validator_accepts_a_signed_badge(issuer):
    assert_valid(run_validator(issuer.signed("1"), recipient=EMAIL))


def test_validator_refuses_a_tampered_signed_badge(issuer):
    token = issuer.signed("2")
    header, _, signature = token.split(".")
    forged = {**badges.read_unverified(token)[1], "narrative": "Champion du monde."}
    payload = base64.urlsafe_b64encode(badges.canonical_json(forged)).rstrip(b"=").decode()
    report = run_validator(f"{header}.{payload}.{signature}")
    assert not report["valid"] and "VERIFY_JWS" in failed_tasks(report)


def test_validator_accepts_a_hosted_badge(issuer):
    assert_valid(run_validator(issuer.hosted("3")["id"], recipient=EMAIL))


def test_validator_accepts_baked_png_and_svg(issuer, tmp_path):
    token = issuer.signed("4")
    png = tmp_path / "badge.png"
    png.write_bytes(badges.bake_png(_png(), token))
    svg = tmp_path / "badge.svg"
    svg.write_bytes(
        badges.bake_svg(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>',
            token,
            signed=True,
        )
    )
    assert_valid(run_validator(png, recipient=EMAIL))
    assert_valid(run_validator(svg, recipient=EMAIL))


def test_validator_refuses_a_badge_in_the_revocation_list(issuer):
    report = run_validator(issuer.signed("revoked"))
    assert not report["valid"]
    assert "VERIFY_SIGNED_ASSERTION_NOT_REVOKED" in failed_tasks(report)


def test_validator_refuses_another_recipient(issuer):
    report = run_validator(issuer.signed("5"), recipient="leo@example.org")
    assert not report["valid"] and "VERIFY_RECIPIENT_IDENTIFIER" in failed_tasks(report)


def test_validator_refuses_a_key_the_profile_does_not_list(issuer):
    report = run_validator(issuer.signed("6", key=2))
    assert not report["valid"] and "VERIFY_KEY_OWNERSHIP" in failed_tasks(report)


def test_validator_reports_an_image_with_nothing_baked(tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(_png())
    report = run_validator(empty)
    assert not report["valid"] and failed_tasks(report)
