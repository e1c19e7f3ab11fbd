"""Specification of badges.identity: hashed recipients and matching a claimed identity."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badges import IdentityError, hash_recipient, recipient_matches


def test_hash_recipient_builds_a_salted_sha256_identity_object():
    recipient = hash_recipient("  Lea.Martin@Example.ORG ", salt="poivre")
    expected = hashlib.sha256(b"lea.martin@example.orgpoivre").hexdigest()
    assert recipient == {"type": "email", "hashed": True, "salt": "poivre", "identity": f"sha256${expected}"}


def test_hash_recipient_draws_a_fresh_salt_of_at_least_128_bits():
    first, second = hash_recipient("a@b.fr"), hash_recipient("a@b.fr")
    assert first["salt"] != second["salt"] and first["identity"] != second["identity"]
    assert len(bytes.fromhex(first["salt"])) >= 16


@pytest.mark.parametrize(
    ("kind", "claimed", "stored"),
    [
        ("email", "lea@example.org", " LEA@example.org"),
        ("url", "https://lea.example/portfolio", " https://lea.example/portfolio "),
        ("telephone", "+33 6 12 34 56 78", "+33.6.12.34.56.78"),
    ],
)
def test_recipient_matches_the_normalised_identity(kind, claimed, stored):
    assert recipient_matches(hash_recipient(stored, kind), claimed)


def test_recipient_matches_refuses_another_person():
    assert not recipient_matches(hash_recipient("lea@example.org"), "leo@example.org")


def test_recipient_matches_reads_unhashed_and_md5_recipients():
    md5 = hashlib.md5(b"lea@example.orgsel").hexdigest()
    assert recipient_matches(
        {"type": "email", "hashed": True, "salt": "sel", "identity": f"md5${md5}"}, "LEA@example.org"
    )
    assert recipient_matches(
        {"type": "email", "hashed": False, "identity": "lea@example.org"}, "lea@example.org"
    )


@pytest.mark.parametrize(
    "recipient",
    [
        None,
        "lea@example.org",
        [],
        {},
        {"type": "email", "hashed": True},
        {"type": "email", "hashed": True, "identity": "sha1$abcd"},
        {"type": "email", "hashed": True, "identity": "sha256$"},
        {"type": "email", "hashed": True, "identity": "sha256$zz", "salt": 3},
        {"type": "sms", "hashed": False, "identity": "lea@example.org"},
        {"type": "email", "hashed": False, "identity": 12},
    ],
)
def test_recipient_matches_is_false_for_malformed_recipients(recipient):
    assert recipient_matches(recipient, "lea@example.org") is False


@pytest.mark.parametrize(
    ("identity", "kind"),
    [
        ("lea", "email"),
        ("", "email"),
        ("lea@", "email"),
        ("a b@c.fr", "email"),
        ("lea.example", "url"),
        ("ftp://lea.example", "url"),
        ("06-12", "telephone"),
        ("appelle-moi", "telephone"),
        ("lea@example.org", "sms"),
        (None, "email"),
    ],
)
def test_hash_recipient_refuses_bad_identities(identity, kind):
    with pytest.raises(IdentityError):
        hash_recipient(identity, kind)


@given(st.emails())
def test_recipient_matches_any_hashed_email(email):
    assert recipient_matches(hash_recipient(email), email.upper())
