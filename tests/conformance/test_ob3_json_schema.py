"""The third oracle: 1EdTech's OB 3.0 JSON Schema (vendored, tests/core/ob3_vectors) on every
credential a test instance of Palier issues, and on the status list credentials it serves.

The schema checks the shape (required members, types, date-time formats, identity objects); the
proof and the revocation bit are the other oracles' business (DCC, openbadgeslib, ours).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

from .ob3_instance import EXPECT

SCHEMA = (
    Path(__file__).resolve().parents[1] / "core" / "ob3_vectors" / "ob_v3p0_achievementcredential_schema.json"
)


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    official = json.loads(SCHEMA.read_text("utf-8"))
    Draft201909Validator.check_schema(official)
    return Draft201909Validator(official, format_checker=Draft201909Validator.FORMAT_CHECKER)


def _errors(validator: Draft201909Validator, doc: dict) -> list[str]:
    return [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(doc)]


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_every_credential_the_app_issues_follows_the_official_json_schema(validator, ob3_app_cases, name):
    credential = ob3_app_cases[name].credential
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert _errors(validator, credential) == []


def test_the_schema_oracle_is_not_a_rubber_stamp(validator, ob3_app_cases):
    broken = dict(ob3_app_cases["app: email, new key"].credential)
    broken["validFrom"] = "le 14 mars"
    assert _errors(validator, broken)
    del broken["credentialSubject"]
    assert len(_errors(validator, broken)) >= 2


def test_the_learner_without_email_is_named_by_a_salted_hash_only(ob3_app_cases):
    subject = ob3_app_cases["app: no email, new key"].credential["credentialSubject"]
    assert "id" not in subject
    (identifier,) = subject["identifier"]
    assert identifier["hashed"] is True and identifier["salt"]
    assert identifier["identityHash"].startswith("sha256$")
