"""Specification of badges.verify_badge against hostile input: a clear verdict, never accepted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import zlib
from functools import cache

import pytest
from badges_fixtures import (
    BASE,
    KEY_ID,
    NOW,
    SVG_IMAGE,
    FakeIssuer,
    hosted_assertion,
    png_image,
    public_pem,
    rsa_key,
    signed_twin,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import RSAKey

import badges
from badges import Verdict, verify_badge

URL = f"{BASE}/assertions/1"
EVIL = "https://evil.example"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def issuer_with_badge() -> tuple[FakeIssuer, str]:
    issuer = FakeIssuer()
    return issuer, issuer.issue(hosted_assertion(1))


def resign(payload: dict, header: dict | None = None, key_number: int = 2) -> str:
    """Sign a payload with some RSA key (by default the attacker's), with an independent JOSE library."""
    key = RSAKey.import_key(rsa_key(key_number))
    return jws.serialize_compact(
        header or {"alg": "RS256"},
        badges.canonical_json(payload),
        key,
        algorithms=[(header or {"alg": "RS256"})["alg"]],
    )


def unsigned(payload: dict) -> str:
    return b64(b'{"alg":"none"}') + "." + b64(badges.canonical_json(payload)) + "."


def hmac_with_public_key(payload: dict) -> str:
    signing_input = b64(b'{"alg":"HS256"}') + "." + b64(badges.canonical_json(payload))
    mac = hmac.new(public_pem(0).encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def after_ihdr(png: bytes, extra: bytes) -> bytes:
    return png[:33] + extra + png[33:]


def nested(depth: int) -> dict:
    value: dict = {"id": URL}
    for _ in range(depth):
        value = {"id": URL, "x": value}
    return value


@cache
def hostile_inputs(token: str) -> dict[str, tuple[object, Verdict, set[str]]]:
    """name -> (input, expected verdict, acceptable codes)."""
    ours = signed_twin(hosted_assertion(1))
    header, payload, signature = token.split(".")
    evil_creator = {**ours, "verification": {"type": "SignedBadge", "creator": f"{EVIL}/key"}}
    foreign = {**ours, "id": f"{EVIL}/assertions/1"}
    other_badge = {**ours, "badge": f"{EVIL}/badges/x"}
    bad = Verdict.INVALID
    return {
        "alg none": (unsigned(ours), bad, {"alg_not_allowed"}),
        "alg none, no signature part": (unsigned(ours)[:-1], bad, {"malformed"}),
        "HS256 with the public key as secret": (hmac_with_public_key(ours), bad, {"alg_not_allowed"}),
        "RS512 by our own key": (resign(ours, {"alg": "RS512"}, 0), bad, {"alg_not_allowed"}),
        "key embedded in the header": (
            resign(ours, {"alg": "RS256", "jwk": {"kty": "RSA"}}),
            bad,
            {"alg_not_allowed"},
        ),
        "creator key elsewhere": (resign(evil_creator), bad, {"key_not_ours"}),
        "creator key ours but unknown": (
            resign({**ours, "verification": {"type": "SignedBadge", "creator": f"{BASE}/keys/99"}}),
            bad,
            {"key_not_ours"},
        ),
        "attacker key, our creator id": (resign(ours), bad, {"bad_signature"}),
        "badge claiming another issuer": (resign(foreign), Verdict.UNKNOWN, {"foreign"}),
        "our id, another issuer's badge class": (resign(other_badge, key_number=0), bad, {"tampered"}),
        "changed payload, old signature": (
            f"{header}.{b64(badges.canonical_json(other_badge))}.{signature}",
            bad,
            {"bad_signature"},
        ),
        "signature of another badge": (
            f"{header}.{payload}.{resign(ours).split('.')[2]}",
            bad,
            {"bad_signature"},
        ),
        "hosted verification in a JWS": (
            resign({**ours, "verification": {"type": "HostedBadge"}}, key_number=0),
            bad,
            {"malformed"},
        ),
        "payload is a list": (f"{header}.{b64(b'[1]')}.{signature}", bad, {"malformed"}),
        "truncated token": (token[: len(token) // 2], bad, {"malformed", "bad_signature"}),
        "truncated signature": (token[:-10], bad, {"bad_signature"}),
        "oversized token": (token + "A" * 70_000, bad, {"malformed"}),
        "oversized json": ('{"id": "' + "x" * 300_000 + '"}', bad, {"malformed"}),
        "tampered json": (
            {**hosted_assertion(1), "narrative": "Meilleur joueur du monde."},
            bad,
            {"tampered"},
        ),
        "json with foreign id": ({**hosted_assertion(1), "id": f"{EVIL}/a/1"}, Verdict.UNKNOWN, {"foreign"}),
        "json without id": ({"type": "Assertion"}, bad, {"malformed"}),
        "json with a non-string id": ({"id": ["x"]}, bad, {"malformed"}),
        "foreign url": (f"{EVIL}/assertions/1", Verdict.UNKNOWN, {"foreign"}),
        "foreign urn": ("urn:uuid:2f1c8a8e-8a55-4b9a-9d8e-2b1f3a4c5d6e", Verdict.UNKNOWN, {"foreign"}),
        "url with spaces": (f"{URL} extra", bad, {"malformed"}),
        "png with two badges": (
            after_ihdr(
                badges.bake_png(png_image(), token),
                png_chunk(b"iTXt", b"openbadges\0\0\0\0\0" + token.encode()),
            ),
            bad,
            {"malformed"},
        ),
        "png with a compressed badge": (
            after_ihdr(
                png_image(), png_chunk(b"iTXt", b"openbadges\0\1\0\0\0" + zlib.compress(token.encode()))
            ),
            bad,
            {"malformed"},
        ),
        "png with nothing baked": (png_image(), bad, {"no_badge"}),
        "png baked with an svg": (badges.bake_png(png_image(), SVG_IMAGE), bad, {"malformed"}),
        "svg with entities": (
            (
                '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "x">]>'
                '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
            ),
            bad,
            {"malformed"},
        ),
        "svg with external entity": (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
            bad,
            {"malformed"},
        ),
        "svg with a dtd": (b'<!DOCTYPE svg SYSTEM "http://evil.example/x.dtd"><svg/>', bad, {"malformed"}),
        "junk bytes": (b"\x00\xff\xfe junk \x01" * 50, bad, {"malformed"}),
        "junk text": ("bonjour, je suis un badge", bad, {"malformed"}),
        "empty text": ("", bad, {"malformed"}),
        "blank text": (" \n\t ", bad, {"malformed"}),
        "empty bytes": (b"", bad, {"malformed"}),
        "deeply nested json text": ('{"a":' * 100_000 + "1" + "}" * 100_000, bad, {"malformed"}),
        "deeply nested dict": (nested(2000), bad, {"malformed"}),
        "dict with odd keys": ({1: "x", "id": URL}, bad, {"malformed"}),
        "json array": ("[1, 2, 3]", bad, {"malformed"}),
        "none": (None, bad, {"malformed"}),
        "number": (42, bad, {"malformed"}),
        "list": ([token], bad, {"malformed"}),
    }


NAMES = list(hostile_inputs(issuer_with_badge()[1]))


@pytest.mark.parametrize("name", NAMES)
def test_verify_badge_gives_hostile_input_a_clear_verdict(name):
    issuer, token = issuer_with_badge()
    badge, verdict, codes = hostile_inputs(token)[name]
    report = verify_badge(badge, issuer, now=NOW, identity="lea.martin@example.org")
    # What cannot be read is « unreadable », never « not authentic »: only a badge that reads is judged.
    expected = Verdict.UNREADABLE if report.code in {"malformed", "no_badge"} else verdict
    assert report.verdict is expected and report.code in codes, (report.code, report.reasons)
    assert report.assertion is None and report.recipient_match is None
    assert report.reasons and all(r.endswith(".") for r in report.reasons)


def test_verify_badge_never_fetches_or_trusts_a_foreign_key():
    issuer, _ = issuer_with_badge()
    ours = signed_twin(hosted_assertion(1))
    forged = resign({**ours, "verification": {"type": "SignedBadge", "creator": f"{EVIL}/key"}})
    verify_badge(forged, issuer, now=NOW)
    assert ("public_key", f"{EVIL}/key") not in issuer.calls


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_verify_badge_never_accepts_a_mutated_signed_badge(data):
    issuer, token = issuer_with_badge()
    raw = bytearray(token.encode())
    start = data.draw(st.integers(0, len(raw) - 1))
    length = data.draw(st.integers(1, 4))
    for position in range(start, min(start + length, len(raw))):
        raw[position] ^= data.draw(st.integers(1, 255))
    report = verify_badge(bytes(raw), issuer, now=NOW)
    if report.verdict is Verdict.VALID:
        # Only possible when the flip fell in base64 padding bits: the decoded token is unchanged.
        parts = bytes(raw).split(b".")
        assert [base64.urlsafe_b64decode(p + b"==") for p in parts] == [
            base64.urlsafe_b64decode(p + "==") for p in token.split(".")
        ]


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300),
        st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=5),
    )
)
def test_verify_badge_never_raises_on_arbitrary_input(badge):
    issuer, _ = issuer_with_badge()
    report = verify_badge(badge, issuer, now=NOW)
    assert report.verdict in (Verdict.INVALID, Verdict.UNKNOWN, Verdict.UNREADABLE)


def test_verify_badge_unreadable_stored_key_is_unavailable_not_invalid():
    issuer, token = issuer_with_badge()
    issuer.keys[KEY_ID] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
    assert verify_badge(token, issuer, now=NOW).verdict is Verdict.UNAVAILABLE
