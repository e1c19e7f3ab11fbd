"""Builders of OpenBadgeCredentials: contexts, issuer, achievement, hashed learner, tier, dates."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from ob3_fixtures import DID, EMAIL, ISSUED, LEARNER_ID, STATUS_URL, achievement, credential

import badges
from badges import DocumentError, IdentityError, ob3


def test_credential_contexts_are_vc2_then_ob303():
    assert credential(sign=False)["@context"] == list(ob3.CONTEXTS)


def test_credential_types_are_verifiable_then_open_badge():
    assert credential(sign=False)["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_credential_issuer_is_a_profile_identified_by_its_did_web():
    assert credential(sign=False)["issuer"] == {
        "id": DID,
        "type": ["Profile"],
        "name": "Club Manette",
        "url": "https://club-manette.example.fr",
    }


def test_credential_subject_has_no_id_only_a_hashed_identifier():
    subject = credential(sign=False)["credentialSubject"]
    assert "id" not in subject
    assert subject["identifier"][0]["hashed"] is True


def test_credential_subject_without_email_is_identified_by_another_identity_type():
    found = credential(sign=False, email=False)["credentialSubject"]["identifier"][0]
    assert found["identityType"] == "identifier"
    assert LEARNER_ID not in str(found)


def test_credential_never_contains_the_learner_email_in_clear():
    assert EMAIL not in str(credential())


def test_credential_name_is_the_achievement_name():
    assert credential(sign=False)["name"] == "Entraide"


def test_credential_dates_are_utc_to_the_second_with_z():
    doc = credential(sign=False, valid_until=ISSUED + timedelta(days=1))
    assert (doc["validFrom"], doc["validUntil"]) == ("2025-03-14T09:30:00Z", "2025-03-15T09:30:00Z")


def test_credential_status_is_a_revocation_bitstring_entry():
    assert credential(sign=False, index=42)["credentialStatus"] == {
        "id": f"{STATUS_URL}#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": STATUS_URL,
    }


def test_achievement_tier_is_a_rubric_level_result_description():
    doc = achievement(tier=3, tier_name="Or")
    (description,) = doc["resultDescription"]
    assert description["resultType"] == "RubricCriterionLevel"
    assert description["rubricCriterionLevel"] == [
        {"id": doc["id"] + "#niveau-3", "type": ["RubricCriterionLevel"], "name": "Or", "level": "3"}
    ]


def test_credential_subject_result_names_the_achieved_tier():
    subject = credential(sign=False)["credentialSubject"]
    achievement_id = subject["achievement"]["id"]
    assert subject["result"] == [
        {
            "type": ["Result"],
            "resultDescription": achievement_id + "#niveau",
            "achievedLevel": achievement_id + "#niveau-2",
        }
    ]


def test_achievement_without_tier_has_no_result_and_no_result_description():
    doc = credential(sign=False, achievement=achievement(tier=None))
    assert "result" not in doc["credentialSubject"]
    assert "resultDescription" not in doc["credentialSubject"]["achievement"]


def test_achievement_image_is_an_image_object():
    assert achievement()["image"]["type"] == "Image"


def test_achievement_from_badge_class_equals_achievement_from_the_same_values():
    values = dict(
        id="https://badges.example.fr/b/1",
        name="Entraide",
        description="Aide.",
        image="https://badges.example.fr/b/1.png",
        criteria_narrative="A aidé.",
        criteria_url="https://badges.example.fr/b/1/criteres",
        alignments=[badges.Alignment("Coopérer", "https://ref.example.fr/c1")],
        tags=["équipe"],
    )
    ob2 = badges.badge_class(issuer="https://badges.example.fr/issuer", **values)
    assert ob3.achievement_from_badge_class(ob2, tier=1) == ob3.achievement(**values, tier=1)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Entraide\t solidaire", "Entraide  solidaire"),
        ("  Entraide  ", "Entraide"),
        ("Entr\x00aide\x07", "Entraide"),
        ("Entr\x7faide\x85", "Entraide"),
        ("Ligne 1\r\nLigne 2", "Ligne 1 Ligne 2"),
        ("Cafe\u0301", "Café"),
    ],
)
def test_text_single_line_rule(raw, clean):
    assert ob3.clean_text(raw, "name") == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ligne 1\r\nLigne 2\rLigne 3", "Ligne 1\nLigne 2\nLigne 3"),
        ("a\tb\x0cc\x0bd", "a bcd"),
        ("- point\n- point", "- point\n- point"),
    ],
)
def test_text_multi_line_rule_keeps_line_feeds_only(raw, clean):
    assert ob3.clean_text(raw, "description", multiline=True) == clean


def test_text_rule_is_applied_to_every_text_the_builder_writes():
    doc = achievement(name="\tEntraide\x00", description="Aide\r\nses amis\x1b")
    assert (doc["name"], doc["description"]) == ("Entraide", "Aide\nses amis")


@pytest.mark.parametrize("raw", ["\ud800", 12, None, "   ", "\x00\x01"])
def test_text_rule_refuses_what_cannot_be_a_text(raw):
    with pytest.raises(DocumentError):
        ob3.clean_text(raw, "name")


def test_identifier_email_is_normalised_before_hashing():
    a = ob3.hashed_identifier(" Lea.Martin@Example.ORG ", salt="s")
    b = ob3.hashed_identifier("lea.martin@example.org", salt="s")
    assert a == b and a["identityType"] == "emailAddress"


def test_identifier_hash_is_sha256_of_identity_then_salt():
    import hashlib

    found = ob3.hashed_identifier("a@example.com", salt="Kosher")
    assert found["identityHash"] == "sha256$" + hashlib.sha256(b"a@example.comKosher").hexdigest()


def test_identifier_fresh_salts_differ():
    assert ob3.hashed_identifier(EMAIL)["salt"] != ob3.hashed_identifier(EMAIL)["salt"]


@pytest.mark.parametrize(
    ("claimed", "expected"),
    [
        (EMAIL, True),
        (EMAIL.upper(), True),
        ("autre@example.org", False),
        ("", False),
        (None, False),
    ],
)
def test_identifier_matches_only_the_learner(claimed, expected):
    assert ob3.identifier_matches(ob3.hashed_identifier(EMAIL), claimed) is expected


@pytest.mark.parametrize(
    ("identity", "kind"),
    [
        ("pas-une-adresse", "emailAddress"),
        ("x", "telephone"),
        ("x", "ext:"),
        ("", "identifier"),
    ],
)
def test_identifier_refuses_bad_identities(identity, kind):
    with pytest.raises(IdentityError):
        ob3.hashed_identifier(identity, kind)


def test_identifier_accepts_extension_types():
    assert ob3.hashed_identifier("42", "ext:palierLearner")["identityType"] == "ext:palierLearner"


BAD_CREDENTIALS = {
    "http id": dict(id="http://badges.example.fr/c/1"),
    "relative id": dict(id="/c/1"),
    "bad urn": dict(id="urn:uuid:pas-un-uuid"),
    "naive date": dict(valid_from=datetime(2025, 3, 14)),
    "until before from": dict(valid_until=ISSUED - timedelta(seconds=1)),
    "until equal from": dict(valid_until=ISSUED),
    "clear identifier": dict(
        identifier={
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": EMAIL,
            "identityType": "emailAddress",
            "salt": "",
        }
    ),
    "foreign status": dict(credential_status={"type": "StatusList2021Entry"}),
    "status without id": dict(
        credential_status={
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "1",
            "statusListCredential": STATUS_URL,
        }
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CREDENTIALS))
def test_credential_builder_refuses_bad_values(case):
    with pytest.raises(badges.BadgesError):
        credential(sign=False, **BAD_CREDENTIALS[case])


BAD_ACHIEVEMENTS = {
    "http id": dict(id="http://badges.example.fr/b"),
    "empty name": dict(name=" \t "),
    "javascript image": dict(image="javascript:alert(1)"),
    "zero tier": dict(tier=0),
    "boolean tier": dict(tier=True),
    "text tier": dict(tier="2"),
    "repeated tag": dict(tags=["a", "a"]),
    "alignment not a value": dict(alignments=[{"targetName": "x"}]),
}


@pytest.mark.parametrize("case", sorted(BAD_ACHIEVEMENTS))
def test_achievement_builder_refuses_bad_values(case):
    with pytest.raises(DocumentError):
        achievement(**BAD_ACHIEVEMENTS[case])


@pytest.mark.parametrize(
    "issuer_id", ["https://badges.example.fr", "did:key:z6Mk", "did:web:", "did:web:Badges.Example.fr"]
)
def test_issuer_profile_refuses_an_id_that_is_not_a_did_web(issuer_id):
    with pytest.raises(DocumentError):
        ob3.issuer_profile(id=issuer_id, name="Club")
