"""Specification of badges.verify_badge: every form of badge, the issuer's records as truth."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from badges_fixtures import (
    BASE,
    EMAIL,
    KEY_ID,
    NOW,
    OLD_KEY_ID,
    SVG_IMAGE,
    FakeIssuer,
    hosted_assertion,
    png_image,
    public_pem,
    rsa_key,
    signed_twin,
)

import badges
from badges import Report, Verdict, verify_badge

URL = f"{BASE}/assertions/1"


@pytest.fixture
def issuer() -> FakeIssuer:
    return FakeIssuer()


@pytest.fixture
def token(issuer) -> str:
    return issuer.issue(hosted_assertion(1))


def check(badge, issuer, **kwargs) -> Report:
    report = verify_badge(badge, issuer, now=NOW, **kwargs)
    assert report.reasons and all(isinstance(r, str) and r.endswith(".") for r in report.reasons)
    assert report.checked_at == NOW
    return report


def test_verdict_values_are_the_json_api_vocabulary():
    assert [v.value for v in Verdict] == [
        "valid",
        "revoked",
        "expired",
        "invalid",
        "unknown",
        "unavailable",
        "unreadable",
    ]


@pytest.mark.parametrize(
    "form", ["jws", "url", "json text", "dict", "png", "svg signed", "svg hosted", "jws bytes"]
)
def test_verify_badge_accepts_every_form_of_a_valid_badge(issuer, token, form):
    document = issuer.records[URL].document
    badge = {
        "jws": token,
        "url": URL,
        "json text": json.dumps(document),
        "dict": document,
        "png": badges.bake_png(png_image(), token),
        "svg signed": badges.bake_svg(SVG_IMAGE, token, signed=True),
        "svg hosted": badges.bake_svg(SVG_IMAGE, URL, signed=False, assertion_json=json.dumps(document)),
        "jws bytes": token.encode(),
    }[form]
    report = check(badge, issuer)
    assert (report.verdict, report.code) == (Verdict.VALID, "ok")
    assert report.assertion == document and report.valid
    assert report.reasons[0].startswith("Ce badge est authentique")


def test_verify_badge_accepts_the_json_of_the_signed_twin(issuer, token):
    assert check(signed_twin(hosted_assertion(1)), issuer).verdict is Verdict.VALID


def test_verify_badge_reports_a_revoked_badge_with_its_reason(issuer):
    token = issuer.issue(hosted_assertion(1), revoked=True, reason="Attribué par erreur")
    for badge in (token, URL):
        report = check(badge, issuer)
        assert (report.verdict, report.code) == (Verdict.REVOKED, "revoked")
        assert report.revocation_reason == "Attribué par erreur"
        assert "« Attribué par erreur »" in report.reasons[1]


def test_verify_badge_says_revoked_even_when_the_stored_document_was_erased(issuer):
    token = issuer.issue(hosted_assertion(1), revoked=True, reason="Données effacées")
    notice = badges.revoked_assertion(URL, "Données effacées")
    issuer.records[URL] = replace(issuer.records[URL], document=notice)
    for badge in (token, hosted_assertion(1)):
        report = check(badge, issuer, identity=EMAIL)
        assert (report.verdict, report.assertion) == (Verdict.REVOKED, notice)
        assert report.recipient_match is None  # nothing left to compare with


def test_verify_badge_reports_an_expired_badge_with_its_date(issuer):
    token = issuer.issue(hosted_assertion(1, expires=NOW - timedelta(days=1)))
    report = check(token, issuer)
    assert (report.verdict, report.code) == (Verdict.EXPIRED, "expired")
    assert "31 mai 2025" in report.reasons[1]


def test_verify_badge_accepts_a_badge_expiring_later(issuer):
    token = issuer.issue(hosted_assertion(1, expires=NOW + timedelta(days=1)))
    assert check(token, issuer).verdict is Verdict.VALID


def test_verify_badge_prefers_revoked_over_expired(issuer):
    token = issuer.issue(hosted_assertion(1, expires=NOW - timedelta(days=1)), revoked=True)
    assert check(token, issuer).verdict is Verdict.REVOKED


@pytest.mark.parametrize(
    ("claimed", "expected"),
    [(EMAIL, True), ("  lea.martin@example.org", True), ("leo@example.org", False), ("pas un email", False)],
)
def test_verify_badge_checks_the_recipient_without_revealing_it(issuer, token, claimed, expected):
    report = check(token, issuer, identity=claimed)
    assert report.recipient_match is expected and report.verdict is Verdict.VALID
    assert "lea" not in " ".join(report.reasons).lower()


def test_verify_badge_leaves_recipient_unknown_when_not_asked(issuer, token):
    assert check(token, issuer).recipient_match is None


def test_verify_badge_key_rotation_old_and_new_keys_both_verify(issuer):
    old = issuer.issue(hosted_assertion(1), key_number=0, key_id=OLD_KEY_ID)
    new = issuer.issue(hosted_assertion(2), key_number=1, key_id=KEY_ID)
    assert check(old, issuer).verdict is Verdict.VALID
    assert check(new, issuer).verdict is Verdict.VALID


def test_verify_badge_refuses_a_badge_naming_the_wrong_one_of_our_keys(issuer):
    issuer.issue(hosted_assertion(2), key_number=1, key_id=KEY_ID)
    issuer.keys[OLD_KEY_ID] = public_pem(0)
    forged = badges.sign_assertion(signed_twin(hosted_assertion(2), OLD_KEY_ID), rsa_key(1))
    assert check(forged, issuer).code == "bad_signature"


def test_verify_badge_asks_only_its_lookup_for_keys(issuer, token):
    check(token, issuer)
    assert ("public_key", KEY_ID) in issuer.calls
    assert all(arg.startswith(BASE) for _, arg in issuer.calls)


def test_verify_badge_report_as_dict_is_json_ready(issuer, token):
    data = check(token, issuer, identity=EMAIL).as_dict()
    assert json.loads(json.dumps(data))["verdict"] == "valid"
    assert data["recipient_match"] is True and data["checked_at"].startswith("2025-06-01")


@pytest.mark.parametrize("badge", ["url", "jws", "json"])
def test_verify_badge_database_down_is_unavailable_never_valid(issuer, token, badge):
    issuer.down = True
    value = {"url": URL, "jws": token, "json": hosted_assertion(1)}[badge]
    report = check(value, issuer)
    assert (report.verdict, report.code) == (Verdict.UNAVAILABLE, "unavailable")
    assert report.assertion is None


def test_verify_badge_unknown_id_under_our_base_is_not_found(issuer):
    report = check(f"{BASE}/assertions/404", issuer)
    assert (report.verdict, report.code) == (Verdict.UNKNOWN, "not_found")


def test_verify_badge_refuses_a_naive_now(issuer):
    with pytest.raises(ValueError):
        verify_badge(URL, issuer, now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("given", "verdict", "consulted"),
    [
        ("jws", Verdict.VALID, True),
        (URL, Verdict.VALID, True),
        (f"{BASE}/assertions/404", Verdict.UNKNOWN, True),  # the records were asked, and had nothing
        ("ceci n'est pas un badge", Verdict.UNREADABLE, False),
        ("https://ailleurs.example/assertions/1", Verdict.UNKNOWN, False),  # not ours: nothing to ask
        ("png", Verdict.UNREADABLE, False),  # an image with nothing baked in
    ],
)
def test_verify_badge_says_whether_the_issuers_records_were_read(issuer, token, given, verdict, consulted):
    badge = {"jws": token, "png": png_image()}.get(given, given)
    report = check(badge, issuer)
    assert (report.verdict, report.consulted) == (verdict, consulted)


def test_verify_badge_an_outage_is_not_a_consultation(issuer):
    issuer.down = True
    assert check(URL, issuer).consulted is False
