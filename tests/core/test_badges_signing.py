"""Specification of badges.signing: RS256 compact JWS only, bounded reading, chosen keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from badges_fixtures import public_pem, rsa_key
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import badges
from badges import BadgeFormatError, SignatureError
from badges.signing import MAX_TOKEN

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)
PAYLOADS = st.dictionaries(st.text(), JSON_VALUES, max_size=6)


@pytest.fixture(scope="module")
def private_key() -> bytes:
    """The session's main private key."""
    return rsa_key(0)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


RS256 = b'{"alg":"RS256"}'


def raw(header: bytes, payload: bytes) -> str:
    return f"{b64(header)}.{b64(payload)}.c2ln"


def forge(header: dict, payload: dict, signature: bytes = b"sig") -> str:
    return ".".join([b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), b64(signature)])


def test_generate_private_key_is_rsa_3072_pkcs8(private_key):
    key = serialization.load_pem_private_key(private_key, None)
    assert key.key_size == 3072
    assert private_key.startswith(b"-----BEGIN PRIVATE KEY-----")


def test_public_key_pem_is_subject_public_key_info(private_key):
    assert badges.public_key_pem(private_key).startswith("-----BEGIN PUBLIC KEY-----")


def test_sign_assertion_header_is_exactly_rs256_and_payload_is_canonical(private_key):
    token = badges.sign_assertion({"b": 1, "a": "é"}, private_key)
    header, payload = token.split(".")[:2]
    assert base64.urlsafe_b64decode(header + "==") == b'{"alg":"RS256"}'
    assert base64.urlsafe_b64decode(payload + "==") == badges.canonical_json({"a": "é", "b": 1})


def test_sign_assertion_accepts_a_loaded_key(private_key):
    loaded = serialization.load_pem_private_key(private_key, None)
    token = badges.sign_assertion({"a": 1}, loaded)
    assert badges.verify_signature(token, public_pem()) == {"a": 1}
    assert badges.sign_assertion({"a": 1}, badges.load_private_key(private_key)) == token


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAYLOADS)
def test_sign_then_verify_round_trips_any_content(payload):
    token = badges.sign_assertion(payload, rsa_key())
    assert badges.verify_signature(token, public_pem()) == payload
    assert badges.read_unverified(token) == ({"alg": "RS256"}, payload)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_byte_flip_in_a_signed_badge_is_detected(data):
    token = badges.sign_assertion({"id": "https://palier.example/assertions/1", "n": 1}, rsa_key())
    raw = bytearray(token.encode())
    position = data.draw(st.integers(0, len(raw) - 1))
    replacement = data.draw(st.sampled_from(b"ABCDEFabcdef0123456789-_.=+/ "))
    if raw[position] == replacement:
        return
    raw[position] = replacement
    mutated = bytes(raw)
    try:
        badges.verify_signature(mutated, public_pem())
    except (SignatureError, BadgeFormatError):
        return
    # Base64 has slack in the last character of a part: such a flip may decode to the same bytes.
    assert decoded_parts(mutated) == decoded_parts(token), "a mutated token was accepted"


def decoded_parts(token: bytes | str) -> list[bytes]:
    text = token.decode() if isinstance(token, bytes) else token
    return [base64.urlsafe_b64decode(part + "==") for part in text.split(".")]


def test_key_rotation_each_badge_verifies_with_its_own_key_only():
    old, new = badges.sign_assertion({"n": 0}, rsa_key(0)), badges.sign_assertion({"n": 1}, rsa_key(1))
    assert badges.verify_signature(old, public_pem(0)) == {"n": 0}
    assert badges.verify_signature(new, public_pem(1)) == {"n": 1}
    for token, wrong in ((old, public_pem(1)), (new, public_pem(0))):
        with pytest.raises(SignatureError, match="signature ne correspond pas"):
            badges.verify_signature(token, wrong)


@pytest.mark.parametrize(
    "alg", ["none", "None", "HS256", "RS384", "RS512", "PS256", "ES256", "EdDSA", "rs256", ""]
)
def test_verify_signature_refuses_every_other_algorithm(alg):
    with pytest.raises(SignatureError) as caught:
        badges.verify_signature(forge({"alg": alg}, {"id": "x"}), public_pem())
    assert caught.value.code == "alg_not_allowed"


def test_verify_signature_refuses_hmac_signed_with_the_public_key_as_secret():
    header, payload = b64(b'{"alg":"HS256"}'), b64(b'{"id":"x"}')
    mac = hmac.new(public_pem().encode(), f"{header}.{payload}".encode(), hashlib.sha256)
    with pytest.raises(SignatureError):
        badges.verify_signature(f"{header}.{payload}.{b64(mac.digest())}", public_pem())


@pytest.mark.parametrize(
    "extra",
    [
        {"crit": ["b64"], "b64": False},
        {"jwk": {"kty": "RSA"}},
        {"jku": "https://evil.example/jwks"},
        {"x5u": "https://e.x"},
    ],
)
def test_verify_signature_refuses_headers_that_bring_keys_or_change_the_payload(extra):
    with pytest.raises(SignatureError):
        badges.verify_signature(forge({"alg": "RS256", **extra}, {"id": "x"}), public_pem())


def test_verify_signature_refuses_an_unsigned_token_by_its_algorithm():
    token = forge({"alg": "none"}, {"id": "x"}).rsplit(".", 1)[0] + "."
    with pytest.raises(SignatureError) as caught:
        badges.verify_signature(token, public_pem())
    assert caught.value.code == "alg_not_allowed"


def test_verify_signature_refuses_an_empty_rs256_signature():
    token = forge({"alg": "RS256"}, {"id": "x"}).rsplit(".", 1)[0] + "."
    with pytest.raises(SignatureError, match="ne correspond pas"):
        badges.verify_signature(token, public_pem())


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "Aucun badge"),
        ("   ", "Aucun badge"),
        ("abc", "trois parties"),
        ("a.b", "trois parties"),
        ("a.b.c.d", "trois parties"),
        ("a..c", "trois parties"),
        ("a b.c.d", "trois parties"),
        ("x" * (MAX_TOKEN + 1), "trop long"),
        (b"\xff\xfe.a.b", "caractères interdits"),
        (b"a" * (MAX_TOKEN + 1), "trop long"),
        (raw(b"[1]", b"{}"), "objet JSON"),
        (raw(b"{}", b"{}"), "algorithme"),
        (raw(RS256, b"nope"), "pas un JSON lisible"),
        (raw(RS256, b"[" * 5000 + b"]" * 5000), "JSON"),
        (raw(RS256, b'{"a":' * 40 + b"1" + b"}" * 40), "profond"),
        (raw(RS256, b'{"a":NaN}'), "JSON"),
        (raw(RS256, b"\xff\xfe"), "JSON"),
        (None, "Aucun badge"),
    ],
)
def test_read_unverified_refuses_malformed_tokens_in_french(token, message):
    with pytest.raises(BadgeFormatError, match=message):
        badges.read_unverified(token)


def test_verify_signature_with_an_unreadable_public_key_is_a_signature_error(private_key):
    token = badges.sign_assertion({"a": 1}, private_key)
    with pytest.raises(SignatureError, match="illisible"):
        badges.verify_signature(token, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


def test_load_private_key_refuses_garbage():
    with pytest.raises(SignatureError, match="illisible"):
        badges.load_private_key(b"not a key")
