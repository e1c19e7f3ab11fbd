"""verify_credential: a French report from the issuer's records, fail closed, never an exception."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ob3_fixtures import (
    DID,
    EMAIL,
    ISSUED,
    KEY_1,
    KEY_2,
    NOW,
    OTHER_DID,
    STATUS_URL,
    VM_1,
    VM_2,
    Records,
    credential,
    status_list,
)

from badges import Verdict, ob3

OUTSIDER = bytes(range(200, 232))


def _verify(doc, records=None, now=NOW, **kwargs):
    return ob3.verify_credential(doc, records or Records(), now, **kwargs)


@pytest.mark.parametrize("email", [True, False])
@pytest.mark.parametrize(("key", "vm"), [(KEY_1, VM_1), (KEY_2, VM_2)])
def test_verify_accepts_our_credentials_with_or_without_email_before_and_after_rotation(email, key, vm):
    report = _verify(credential(email=email, key=key, vm=vm))
    assert (report.verdict, report.code) == (Verdict.VALID, "ok")
    assert report.reasons[0].startswith("Ce badge est authentique")


def test_verify_before_rotation_knows_only_the_first_key():
    records = Records(keys={VM_1: KEY_1}, lists={STATUS_URL: status_list(key=KEY_1, vm=VM_1)})
    assert _verify(credential(), records).valid
    assert _verify(credential(key=KEY_2, vm=VM_2), records).code == "key_not_ours"


def test_verify_report_carries_the_verified_document_for_display():
    doc = credential()
    assert _verify(doc).credential == doc


def test_verify_report_of_a_refused_credential_carries_no_document():
    doc = credential()
    doc["name"] = "Triche"
    assert _verify(doc).credential is None


def test_verify_accepts_the_credential_as_json_text():
    assert _verify(json.dumps(credential())).valid
    assert _verify(json.dumps(credential()).encode("utf-8")).valid


def test_verify_revoked_through_the_status_list():
    records = Records(lists={STATUS_URL: status_list(revoked=(5,))})
    report = _verify(credential(index=5), records)
    assert (report.verdict, report.code) == (Verdict.REVOKED, "revoked")
    assert "retiré" in report.reasons[0]


def test_verify_another_revoked_index_does_not_revoke_this_one():
    records = Records(lists={STATUS_URL: status_list(revoked=(4, 6))})
    assert _verify(credential(index=5), records).valid


def test_verify_revoked_wins_over_expired():
    records = Records(lists={STATUS_URL: status_list(revoked=(5,))})
    doc = credential(valid_until=ISSUED + timedelta(days=1))
    assert _verify(doc, records).code == "revoked"


def test_verify_expired_after_valid_until():
    report = _verify(credential(valid_until=ISSUED + timedelta(days=1)))
    assert (report.verdict, report.code) == (Verdict.EXPIRED, "expired")
    assert report.reasons[1] == "Il était valable jusqu'au 15 mars 2025."


def test_verify_not_yet_valid_before_valid_from():
    report = _verify(credential(), now=ISSUED - timedelta(seconds=1))
    assert (report.verdict, report.code) == (Verdict.INVALID, "not_yet_valid")


def test_verify_changed_field_is_a_bad_signature():
    doc = credential()
    doc["credentialSubject"]["achievement"]["name"] = "Champion du monde"
    report = _verify(doc)
    assert (report.verdict, report.code) == (Verdict.INVALID, "bad_signature")


def test_verify_changed_status_index_is_a_bad_signature():
    doc = credential(index=5)
    records = Records(lists={STATUS_URL: status_list(revoked=(5,))})
    doc["credentialStatus"]["statusListIndex"] = "6"
    doc["credentialStatus"]["id"] = f"{STATUS_URL}#6"
    assert _verify(doc, records).code == "bad_signature"


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        ((), "undefinedTerm", "affiché mais pas signé"),
        (("credentialSubject", "achievement"), "@note", "affiché mais pas signé"),
        (("credentialSubject", "achievement"), "tag", ["coopération", "coopération", "jeu en équipe"]),
    ],
)
def test_verify_content_outside_the_signature_is_refused(where, key, value):
    doc = credential()
    node = doc
    for step in where:
        node = node[step]
    node[key] = value
    report = _verify(doc)
    assert report.verdict is Verdict.INVALID and report.credential is None


def test_verify_foreign_issuer_is_not_ours_to_judge():
    doc = credential(
        issuer=ob3.issuer_profile(id=OTHER_DID, name="Autre"),
        key=OUTSIDER,
        vm=ob3.verification_method_id(OTHER_DID, ob3.public_key_of(OUTSIDER)),
    )
    report = _verify(doc)
    assert (report.verdict, report.code) == (Verdict.UNKNOWN, "foreign")


def test_verify_key_unknown_to_the_records_is_refused():
    vm = ob3.verification_method_id(DID, ob3.public_key_of(OUTSIDER))
    assert _verify(credential(key=OUTSIDER, vm=vm)).code == "key_not_ours"


def test_verify_key_of_another_did_is_refused_even_if_known():
    vm = ob3.verification_method_id(OTHER_DID, ob3.public_key_of(KEY_1))
    records = Records(keys={VM_1: KEY_1, VM_2: KEY_2, vm: KEY_1})
    assert _verify(credential(vm=vm), records).code == "key_not_ours"


def test_verify_key_is_looked_up_in_the_records_never_read_from_the_credential():
    records = Records()
    _verify(credential(), records)
    assert ("public_key", VM_1) in records.asked


def test_verify_records_down_is_unavailable():
    report = _verify(credential(), Records(down=True))
    assert (report.verdict, report.code) == (Verdict.UNAVAILABLE, "unavailable")


def test_verify_missing_status_list_cannot_confirm_validity():
    report = _verify(credential(), Records(lists={}))
    assert (report.verdict, report.code) == (Verdict.UNKNOWN, "status_unknown")


STATUS_PROBLEMS = {
    "tampered bits": lambda: _tamper_list(),
    "signed by an outsider": lambda: status_list(
        key=OUTSIDER, vm=ob3.verification_method_id(DID, ob3.public_key_of(OUTSIDER))
    ),
    "issued by another structure": lambda: _other_issuer_list(),
    "stale": lambda: status_list(valid_until=ISSUED + timedelta(days=1)),
    "not yet valid": lambda: status_list(valid_from=NOW + timedelta(days=1)),
    "unsigned": lambda: {k: v for k, v in status_list().items() if k != "proof"},
    "not json": lambda: "{pas du json",
    "suspension list": lambda: _suspension_list(),
}


def _tamper_list():
    doc = status_list()
    doc["credentialSubject"]["encodedList"] = ob3.encode_list(bytes(16384))[:-1] + "B"
    return doc


def _other_issuer_list():
    vm = ob3.verification_method_id(OTHER_DID, ob3.public_key_of(KEY_2))
    doc = ob3.status_list_credential(
        id=STATUS_URL, issuer=OTHER_DID, bits=ob3.new_bitstring(), valid_from=ISSUED
    )
    return ob3.sign_credential(doc, KEY_2, verification_method=vm, created=ISSUED)


def _suspension_list():
    doc = ob3.status_list_credential(id=STATUS_URL, issuer=DID, bits=ob3.new_bitstring(), valid_from=ISSUED)
    doc["credentialSubject"]["statusPurpose"] = "suspension"
    return ob3.sign_credential(doc, KEY_2, verification_method=VM_2, created=ISSUED)


@pytest.mark.parametrize("problem", sorted(STATUS_PROBLEMS))
def test_verify_untrustworthy_status_list_fails_closed(problem):
    records = Records(lists={STATUS_URL: STATUS_PROBLEMS[problem]()})
    report = _verify(credential(), records)
    assert (report.verdict, report.code) == (Verdict.UNKNOWN, "status_unknown")


UNREADABLE = {
    "empty text": "",
    "not json": "{pas du json",
    "json array": "[]",
    "number": 42,
    "none": None,
    "deep": "[" * 100 + "]" * 100,
    "huge": "{" + '"a":"' + "x" * 300_000 + '"}',
    "nan": '{"a": NaN}',
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_verify_unreadable_input_is_malformed(case):
    report = _verify(UNREADABLE[case])
    assert (report.verdict, report.code) == (Verdict.INVALID, "malformed")


FORM_PROBLEMS = {
    "ob 2 context": lambda d: d.__setitem__("@context", "https://w3id.org/openbadges/v2"),
    "v1 context": lambda d: d.__setitem__(
        "@context", ["https://www.w3.org/2018/credentials/v1", ob3.OB_CONTEXT]
    ),
    "extra context": lambda d: d["@context"].append("https://example.org/ctx"),
    "inline context": lambda d: d["@context"].append({"x": "https://example.org/x"}),
    "no type": lambda d: d.pop("type"),
    "endorsement": lambda d: d.__setitem__("type", ["VerifiableCredential", "EndorsementCredential"]),
    "issuer as text": lambda d: d.__setitem__("issuer", DID),
    "issuer http": lambda d: d["issuer"].__setitem__("id", "https://badges.example.fr"),
    "no proof": lambda d: d.pop("proof"),
    "proof list": lambda d: d.__setitem__("proof", [d["proof"]]),
    "no status": lambda d: d.pop("credentialStatus"),
    "bad date": lambda d: d.__setitem__("validFrom", "2025-03-14"),
}


@pytest.mark.parametrize("case", sorted(FORM_PROBLEMS))
def test_verify_credential_not_of_our_form_is_refused(case):
    doc = credential()
    FORM_PROBLEMS[case](doc)
    assert _verify(doc).verdict is Verdict.INVALID


@pytest.mark.parametrize("cryptosuite", ["eddsa-jcs-2022", "ecdsa-rdfc-2019", "bbs-2023"])
def test_verify_other_cryptosuites_are_refused_by_name(cryptosuite):
    doc = credential()
    doc["proof"]["cryptosuite"] = cryptosuite
    assert _verify(doc).code == "alg_not_allowed"


def test_verify_control_characters_are_refused_even_if_signed():
    doc = credential(sign=False)
    doc["credentialSubject"]["achievement"]["name"] = "Entr\taide"
    doc = ob3.sign_credential(doc, KEY_1, verification_method=VM_1, created=ISSUED)
    assert _verify(doc).code == "malformed"


def test_verify_recipient_match_by_email():
    report = _verify(credential(), identity=EMAIL.upper())
    assert report.recipient_match is True
    assert report.reasons[-1] == "La personne indiquée est bien celle qui a reçu ce badge."


def test_verify_recipient_mismatch_is_said():
    report = _verify(credential(), identity="autre@example.org")
    assert report.recipient_match is False and report.valid


def test_verify_report_as_dict_is_json_ready():
    data = _verify(credential()).as_dict()
    assert json.loads(json.dumps(data))["verdict"] == "valid"


def test_verify_refuses_a_naive_now():
    with pytest.raises(ValueError):
        ob3.verify_credential(credential(), Records(), NOW.replace(tzinfo=None))


def test_verify_codes_all_have_a_french_reason():
    assert all(reason.endswith(".") for _, reason in ob3.CODES.values())


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.sampled_from(
        ["issuer", "credentialSubject", "proof", "credentialStatus", "validFrom", "@context", "type"]
    ),
    value=JSON,
)
def test_verify_never_raises_and_never_says_valid_for_a_replaced_member(key, value):
    doc = copy.deepcopy(SIGNED)
    doc[key] = value
    report = _verify(doc)
    assert report.verdict is not Verdict.VALID or doc == SIGNED


SIGNED = credential()
