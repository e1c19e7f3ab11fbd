"""Specification of badges.documents and badges.context: Open Badges 2.0 JSON-LD, offline."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta, timezone

import pytest
from badges_fixtures import BADGE_ID, BASE, ISSUED, ISSUER_ID, KEY_ID, hosted_assertion, public_pem

import badges
from badges import CONTEXT_URL, Alignment, DocumentError
from badges.context import context_document, document_loader
from badges.errors import ContextError


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a socket during these tests is a failure."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def every_document() -> dict[str, dict]:
    """One document of each kind, with every optional property filled in."""
    return {
        "issuer": badges.issuer_profile(
            id=ISSUER_ID,
            name="Maison des jeunes de Lille",
            url=BASE,
            email="contact@mdj.example",
            description="Ateliers de jeu coopératif.",
            image=f"{BASE}/issuer/logo.png",
            public_keys=[KEY_ID, f"{BASE}/keys/2"],
            revocation_list=f"{BASE}/revocations",
        ),
        "badge_class": badges.badge_class(
            id=BADGE_ID,
            issuer=ISSUER_ID,
            name="Coopération",
            description="Jouer ensemble.",
            image=f"{BASE}/badges/cooperation/image",
            criteria_narrative="A soutenu son équipe.",
            criteria_url=f"{BASE}/badges/cooperation/criteres",
            alignments=[
                Alignment(
                    "Travailler en équipe",
                    "https://rncp.example/c1",
                    target_framework="CléA",
                    target_code="C1",
                    target_description="Coopérer",
                )
            ],
            tags=["coopération", "jeu vidéo"],
        ),
        "assertion": hosted_assertion(expires=ISSUED + timedelta(days=365)),
        "signed_assertion": {**hosted_assertion(), "verification": badges.signed_verification(KEY_ID)},
        "key": badges.cryptographic_key(id=KEY_ID, owner=ISSUER_ID, public_pem=public_pem()),
        "revocation_list": badges.revocation_list(
            id=f"{BASE}/revocations",
            issuer=ISSUER_ID,
            revoked=[(f"{BASE}/assertions/7", "Erreur de saisie"), (f"{BASE}/assertions/8", None)],
        ),
        "revoked": badges.revoked_assertion(f"{BASE}/assertions/7", "Erreur de saisie"),
    }


def key_tree(value):
    """The nested set of keys of a document; one-element lists count as their element."""
    if isinstance(value, list):
        return key_tree(value[0]) if len(value) == 1 else [key_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: key_tree(v) for k, v in value.items()}
    return None


@pytest.mark.parametrize("name", list(every_document()))
def test_documents_compact_back_to_the_same_keys(name):
    document = every_document()[name]
    compacted = badges.compact(badges.expand(document))
    assert key_tree(compacted) == key_tree(document)


@pytest.mark.parametrize("name", list(every_document()))
def test_documents_expand_under_the_context_url(name):
    expanded = badges.expand(every_document()[name])
    assert len(expanded) == 1 and expanded[0]["@id"].startswith(BASE)
    assert all(
        k.startswith(("@", "https://w3id.org/", "http://schema.org/", "http://purl.org/"))
        for k in expanded[0]
    )


@pytest.mark.parametrize("name", list(every_document()))
def test_documents_are_plain_json_with_string_type(name):
    document = every_document()[name]
    assert document["@context"] == CONTEXT_URL
    assert isinstance(document["type"], str)
    assert json.loads(badges.canonical_json(document)) == document


def test_context_is_processed_once_not_per_call(monkeypatch):
    import badges.context as context

    calls = []
    monkeypatch.setattr(
        context, "document_loader", lambda url, options=None: calls.append(url) or document_loader(url)
    )
    for _ in range(3):
        badges.compact(badges.expand(every_document()["assertion"]))
    assert len(calls) <= 1


def test_context_is_the_bundled_open_badges_v2_context():
    context = context_document()["@context"]
    assert context["obi"] == "https://w3id.org/openbadges#"
    assert context["verification"] == {"@id": "obi:verify", "@type": "@id"}


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/context.json",
        "http://w3id.org/openbadges/v2",
        "https://www.w3.org/2018/credentials/v1",
        "file:///etc/passwd",
    ],
)
def test_context_loader_refuses_every_other_url(url):
    with pytest.raises(ContextError, match="Contexte JSON-LD inconnu"):
        document_loader(url)


def test_context_expand_refuses_a_document_asking_for_another_context():
    with pytest.raises(ContextError, match="evil"):
        badges.expand({"@context": "https://evil.example/ctx", "id": f"{BASE}/x"})


def test_context_expand_refuses_a_non_object():
    with pytest.raises(ContextError):
        badges.expand(["not", "a", "document"])


def test_canonical_json_is_sorted_compact_utf8():
    assert (
        badges.canonical_json({"b": "é", "a": [1, {"d": 2, "c": 3}]})
        == '{"a":[1,{"c":3,"d":2}],"b":"é"}'.encode()
    )


def test_canonical_json_refuses_nan():
    with pytest.raises(DocumentError):
        badges.canonical_json({"x": float("nan")})


def test_issuer_profile_writes_a_single_key_as_a_plain_id():
    profile = badges.issuer_profile(
        id=ISSUER_ID, name="MDJ", url=BASE, public_keys=[KEY_ID], revocation_list=None
    )
    assert profile["publicKey"] == KEY_ID and "revocationList" not in profile
    assert profile["type"] == "Issuer" and "email" not in profile


def test_assertion_dates_are_utc_with_z():
    paris = timezone(timedelta(hours=2))
    doc = badges.assertion(
        id=f"{BASE}/assertions/1",
        badge=BADGE_ID,
        recipient=badges.hash_recipient("a@b.fr"),
        issued_on=datetime(2025, 7, 1, 10, 0, 0, 123, tzinfo=paris),
        verification=badges.hosted_verification(),
        expires=datetime(2026, 7, 1, tzinfo=UTC),
    )
    assert doc["issuedOn"] == "2025-07-01T08:00:00Z"
    assert doc["expires"] == "2026-07-01T00:00:00Z"


def test_assertion_never_carries_a_plain_identity():
    assertion = hosted_assertion()
    assert "lea" not in json.dumps(assertion).lower()
    assert assertion["recipient"]["identity"].startswith("sha256$")


def test_revoked_assertion_is_the_410_body():
    assert badges.revoked_assertion(f"{BASE}/assertions/3", "Doublon") == {
        "@context": CONTEXT_URL,
        "id": f"{BASE}/assertions/3",
        "type": "Assertion",
        "revoked": True,
        "revocationReason": "Doublon",
    }


def test_revocation_list_entries_carry_id_and_optional_reason():
    doc = every_document()["revocation_list"]
    assert doc["revokedAssertions"] == [
        {"id": f"{BASE}/assertions/7", "revocationReason": "Erreur de saisie"},
        {"id": f"{BASE}/assertions/8"},
    ]


def test_signed_verification_names_the_creator_key():
    assert badges.signed_verification(KEY_ID) == {"type": "SignedBadge", "creator": KEY_ID}
    assert badges.hosted_verification() == {"type": "HostedBadge"}


@pytest.mark.parametrize(
    "bad_id",
    [
        "",
        "palier.example/issuer",
        "/issuer",
        "ftp://palier.example/x",
        "javascript:alert(1)",
        "https://",
        "https://palier.example/a b",
        " https://palier.example/x",
        "urn:uuid:nope",
        "urn:isbn:123",
        None,
        42,
    ],
)
def test_builders_refuse_ids_that_are_not_absolute_iris(bad_id):
    with pytest.raises(DocumentError, match="adresse absolue"):
        badges.revoked_assertion(bad_id, None)


def test_builders_accept_urn_uuid_ids():
    doc = badges.revoked_assertion("urn:uuid:2f1c8a8e-8a55-4b9a-9d8e-2b1f3a4c5d6e", None)
    assert doc["id"].startswith("urn:uuid:")


NAIVE = datetime(2025, 1, 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"issued_on": NAIVE}, "fuseau horaire"),
        ({"issued_on": "2025-01-01"}, "date et heure"),
        ({"expires": NAIVE}, "fuseau horaire"),
        ({"expires": ISSUED - timedelta(days=1)}, "postérieure"),
        ({"recipient": {"type": "email", "hashed": False, "identity": "lea@example.org"}}, "hachée"),
        ({"recipient": "lea@example.org"}, "hachée"),
        (
            {"verification": {"type": "SignedBadge", "creator": "https://evil.example/k", "extra": 1}},
            "verification",
        ),
        ({"verification": {"type": "SignedBadge", "creator": "not a url"}}, "adresse absolue"),
        ({"verification": {"type": "hosted"}}, "verification"),
        ({"badge": "cooperation"}, "adresse absolue"),
        ({"evidence": ["a string"]}, "Evidence"),
        ({"narrative": "   "}, "non vide"),
    ],
)
def test_assertion_refuses_bad_values(changes, message):
    arguments = dict(
        id=f"{BASE}/assertions/1",
        badge=BADGE_ID,
        recipient=badges.hash_recipient("a@b.fr"),
        issued_on=ISSUED,
        verification=badges.hosted_verification(),
    )
    with pytest.raises(DocumentError, match=message):
        badges.assertion(**{**arguments, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "non vide"),
        ({"image": "image.png"}, "adresse absolue"),
        ({"alignments": [("Travailler en équipe", "https://x.example")]}, "Alignment"),
        ({"alignments": [Alignment("Équipe", "rncp")]}, "adresse absolue"),
        ({"tags": ["ok", ""]}, "non vide"),
    ],
)
def test_badge_class_refuses_bad_values(changes, message):
    arguments = dict(
        id=BADGE_ID,
        issuer=ISSUER_ID,
        name="Coopération",
        description="d",
        image=f"{BASE}/i.png",
        criteria_narrative="c",
    )
    with pytest.raises(DocumentError, match=message):
        badges.badge_class(**{**arguments, **changes})


def test_badge_class_accepts_a_data_uri_image():
    doc = badges.badge_class(
        id=BADGE_ID,
        issuer=ISSUER_ID,
        name="n",
        description="d",
        image="data:image/png;base64,iVBORw0KGgo=",
        criteria_narrative="c",
    )
    assert doc["image"].startswith("data:image/png")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "pas-une-adresse"}, "adresse électronique"),
        ({"public_keys": ["keys/1"]}, "adresse absolue"),
        ({"url": "palier.example"}, "adresse absolue"),
    ],
)
def test_issuer_profile_refuses_bad_values(changes, message):
    arguments = dict(id=ISSUER_ID, name="MDJ", url=BASE, public_keys=[KEY_ID], revocation_list=None)
    with pytest.raises(DocumentError, match=message):
        badges.issuer_profile(**{**arguments, **changes})


def test_cryptographic_key_refuses_a_private_key():
    private = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    with pytest.raises(DocumentError, match="PEM"):
        badges.cryptographic_key(id=KEY_ID, owner=ISSUER_ID, public_pem=private)
