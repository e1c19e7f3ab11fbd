"""did:web: DID to document URL and back, and the DID document of a structure's keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ob3_fixtures import DID, KEY_1, KEY_2, VM_1, VM_2

from badges import DocumentError, ob3

PUBLIC_1, PUBLIC_2 = ob3.public_key_of(KEY_1), ob3.public_key_of(KEY_2)


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:badges.example.fr", "https://badges.example.fr/.well-known/did.json"),
        ("did:web:badges.example.fr:s:club", "https://badges.example.fr/s/club/did.json"),
        (
            "did:web:badges.example.fr:s:club-manette:v2",
            "https://badges.example.fr/s/club-manette/v2/did.json",
        ),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
        ("did:web:localhost%3A8443:s:a", "https://localhost:8443/s/a/did.json"),
    ],
)
def test_did_web_to_url_and_back(did, url):
    assert ob3.did_web_to_url(did) == url
    assert ob3.url_to_did_web(url) == did


@pytest.mark.parametrize(
    "did",
    [
        "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        "did:web:",
        "did:web:Badges.fr",
        "did:web:badges.example.fr:",
        "did:web:badges.example.fr::s",
        "did:web:badges.example.fr:s/a",
        "did:web:badges.example.fr#key",
        "did:web:badges.example.fr?x=1",
        "did:web:-bad.fr",
        "did:web:badges.example.fr%3A0",
        "did:web:badges.example.fr%3A99999",
        "did:web:badges.example.fr%3A08",
        "did:web:a%3A1%3A2",
        "did:web:a%2Fb",
        "did:web:a:..",
        "did:web:a:%2e%2e",
        "did:web:a b",
        "did:web:badges.example.fr:s:caf\u00e9",
        42,
        "did:web:" + "a" * 600,
    ],
)
def test_did_web_to_url_refuses_what_is_not_a_plain_did_web(did):
    with pytest.raises(DocumentError):
        ob3.did_web_to_url(did)


@pytest.mark.parametrize(
    "url",
    [
        "http://badges.example.fr/.well-known/did.json",
        "https://badges.example.fr/did.json",
        "https://badges.example.fr/s/club/did.json?x=1",
        "https://badges.example.fr/s/club/did.json#a",
        "https://user@badges.example.fr/s/club/did.json",
        "https://badges.example.fr/s/club/",
        "https://badges.example.fr/s//club/did.json",
        "https://BADGES.example.fr/s/did.json",
        "https://badges.example.fr/s/a%20b/did.json",
    ],
)
def test_url_to_did_web_refuses_what_no_did_web_names(url):
    with pytest.raises(DocumentError):
        ob3.url_to_did_web(url)


SEGMENT = st.from_regex(r"[a-z0-9][a-z0-9._~-]{0,10}", fullmatch=True).filter(lambda s: s not in (".", ".."))
HOSTS = st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10}){0,3}", fullmatch=True)


@given(host=HOSTS, path=st.lists(SEGMENT, max_size=4), port=st.one_of(st.none(), st.integers(1, 65535)))
def test_did_web_url_round_trip_holds_for_any_plain_did(host, path, port):
    authority = host if port is None else f"{host}%3A{port}"
    did = ":".join(["did:web", authority, *path])
    assert ob3.url_to_did_web(ob3.did_web_to_url(did)) == did


def test_did_document_lists_each_key_as_a_multikey_in_assertion_method():
    doc = ob3.did_document(DID, [PUBLIC_1])
    assert doc == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [
            {
                "id": VM_1,
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": ob3.public_key_multibase(PUBLIC_1),
            }
        ],
        "assertionMethod": [VM_1],
    }


def test_did_document_after_rotation_keeps_the_old_key_first():
    doc = ob3.did_document(DID, [PUBLIC_1, PUBLIC_2])
    assert doc["assertionMethod"] == [VM_1, VM_2]
    assert [m["id"] for m in doc["verificationMethod"]] == [VM_1, VM_2]


def test_did_document_key_ids_do_not_change_with_rotation():
    before = ob3.did_document(DID, [PUBLIC_1])["verificationMethod"][0]
    after = ob3.did_document(DID, [PUBLIC_1, PUBLIC_2])["verificationMethod"][0]
    assert before == after


def test_did_document_key_id_is_did_hash_multibase():
    assert f"{DID}#{ob3.public_key_multibase(PUBLIC_1)}" == VM_1
    assert ob3.public_key_multibase(PUBLIC_1).startswith("z6Mk")


def test_did_document_accepts_raw_keys_and_multibase_keys_alike():
    raw = ob3.keys._raw_public(PUBLIC_1)
    assert ob3.did_document(DID, [raw]) == ob3.did_document(DID, [ob3.public_key_multibase(PUBLIC_1)])


@pytest.mark.parametrize("keys", [[], (), "z6Mk", b"\x00" * 32, [PUBLIC_1, PUBLIC_1]])
def test_did_document_refuses_no_key_or_a_repeated_key(keys):
    with pytest.raises(DocumentError):
        ob3.did_document(DID, keys)


def test_did_document_refuses_a_bad_did():
    with pytest.raises(DocumentError):
        ob3.did_document("did:web:", [PUBLIC_1])
