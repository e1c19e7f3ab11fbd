"""1EdTech's OB 3.0 JSON Schema (AchievementCredential / OpenBadgeCredential) on what we build."""

from __future__ import annotations

from datetime import timedelta

import pytest
from jsonschema import Draft201909Validator
from ob3_fixtures import ISSUED, KEY_2, VM_2, achievement, credential, schema

from badges import ob3


@pytest.fixture(scope="module")
def validator():
    official = schema()
    Draft201909Validator.check_schema(official)
    return Draft201909Validator(official, format_checker=Draft201909Validator.FORMAT_CHECKER)


def test_schema_is_the_vc2_form_that_requires_valid_from():
    assert "validFrom" in schema()["required"]


def test_schema_date_time_formats_are_really_checked():
    # Without a format library jsonschema skips "date-time" silently; this test makes that loud.
    assert "date-time" in Draft201909Validator.FORMAT_CHECKER.checkers


CASES = {
    "email, key 1": lambda: credential(email=True),
    "no email, key 1": lambda: credential(email=False),
    "email, key 2 after rotation": lambda: credential(email=True, key=KEY_2, vm=VM_2),
    "no email, key 2 after rotation": lambda: credential(email=False, key=KEY_2, vm=VM_2),
    "unsigned": lambda: credential(sign=False),
    "with validUntil": lambda: credential(valid_until=ISSUED + timedelta(days=365)),
    "no tier, no evidence, no alignment": lambda: credential(
        achievement=achievement(tier=None, alignments=[], tags=[], criteria_url=None), evidence=[]
    ),
    "data image and narrative": lambda: credential(
        achievement=achievement(image="data:image/png;base64,iVBORw0KGgo="),
        narrative="Trois tournois en équipe.",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_schema_validates_every_credential_the_builder_makes(validator, case):
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(CASES[case]())]
    assert errors == []


@pytest.mark.parametrize("missing", ["validFrom", "issuer", "credentialSubject", "@context"])
def test_schema_refuses_a_credential_missing_a_required_member(validator, missing):
    doc = credential(sign=False)
    del doc[missing]
    assert not validator.is_valid(doc)


def test_schema_refuses_an_identity_object_without_its_hash(validator):
    doc = credential(sign=False)
    del doc["credentialSubject"]["identifier"][0]["identityHash"]
    assert not validator.is_valid(doc)


def test_schema_refuses_a_malformed_date(validator):
    doc = credential(sign=False)
    doc["validFrom"] = "14 mars 2025"
    assert not validator.is_valid(doc)


def test_schema_validates_the_status_list_entry_form(validator):
    doc = credential(sign=False)
    assert doc["credentialStatus"] == ob3.status_entry(doc["credentialStatus"]["statusListCredential"], 5)
    assert validator.is_valid(doc)
