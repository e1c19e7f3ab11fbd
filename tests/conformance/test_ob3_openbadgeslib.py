"""A second, independent verifier in Python: openbadgeslib's OB3LdpVerifier (extra ``ldp``).

It resolves the did:web and the status list through the ``download`` function it is given (here:
the case's documents, nothing else), reads our Multikeys, checks the eddsa-rdfc-2022 proof, that
the JSON is exactly what the proof covers, the validity window and the revocation bit.

Two things it cannot do, and how they are covered: it verifies a status list's own proof only when
the list is a JWT-VC, so the list's Data Integrity proof is checked with its low-level
``verify_data_integrity_proof`` and the key its own did:web resolution finds; and its recipient
check reads ``credentialSubject.id`` only (our learners have a hashed ``identifier`` instead), so
recipients are not asked of it. It canonicalises with pyld, like us: the canonical form itself is
cross-checked with another JSON-LD processor in ``test_ob3_rdflib.py``.
"""

from __future__ import annotations

import json

import pytest
from openbadgeslib.ob3.did import resolve_verification_method
from openbadgeslib.ob3.ldp import OB3LdpVerifier, verify_data_integrity_proof
from openbadgeslib.ob3.verifier import OB3VerificationError

from .ob3_instance import EXPECT as APP_EXPECT
from .ob3_scenario import DID, REVOKED_INDEX, STATUS_URL, Case, cases

CASES = {case.name: case for case in cases()}


def _download(case: Case):
    def download(url, *args, **kwargs):
        if url not in case.documents:
            raise OSError(f"hors ligne : {url}")
        return json.dumps(case.documents[url]).encode("utf-8")

    return download


def _verify(case: Case):
    return OB3LdpVerifier.for_issuer_did(DID).verify(
        case.credential, check_status=True, download=_download(case), verify_status_list=False
    )


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.expect == "valid"])
def test_openbadgeslib_accepts_our_credential(name):
    verified = _verify(CASES[name])
    assert verified.issuer.id == DID


@pytest.mark.parametrize("name", sorted(CASES))
def test_openbadgeslib_verifies_the_status_list_proof_with_the_key_of_our_did_document(name):
    case = CASES[name]
    status_list = case.documents[STATUS_URL]
    pem = resolve_verification_method(status_list["proof"]["verificationMethod"], download=_download(case))
    verify_data_integrity_proof(status_list, pem)


def test_openbadgeslib_refuses_a_tampered_status_list():
    case = CASES["revoked"]
    status_list = json.loads(json.dumps(case.documents[STATUS_URL]))
    status_list["validFrom"] = "2020-01-01T00:00:00Z"
    pem = resolve_verification_method(status_list["proof"]["verificationMethod"], download=_download(case))
    with pytest.raises(OB3VerificationError):
        verify_data_integrity_proof(status_list, pem)


def test_openbadgeslib_reports_the_revoked_credential_as_revoked():
    with pytest.raises(OB3VerificationError, match=f"revocation.*index {REVOKED_INDEX}"):
        _verify(CASES["revoked"])


def test_openbadgeslib_rejects_the_tampered_credential():
    with pytest.raises(OB3VerificationError, match="signature mismatch"):
        _verify(CASES["tampered"])


# Credentials issued by a test instance of Palier (``ob3_instance``), with what it serves.


def _verify_app(case: Case):
    return OB3LdpVerifier.for_issuer_did(case.credential["issuer"]["id"]).verify(
        case.credential, check_status=True, download=_download(case), verify_status_list=False
    )


@pytest.mark.parametrize("name", [n for n, expect in APP_EXPECT.items() if expect == "valid"])
def test_openbadgeslib_accepts_a_credential_the_app_issued(ob3_app_cases, name):
    case = ob3_app_cases[name]
    assert _verify_app(case).issuer.id == case.credential["issuer"]["id"]
    status_url = case.credential["credentialStatus"]["statusListCredential"]
    status_list = case.documents[status_url]
    pem = resolve_verification_method(status_list["proof"]["verificationMethod"], download=_download(case))
    verify_data_integrity_proof(status_list, pem)


def test_openbadgeslib_reports_the_app_revoked_credential_as_revoked(ob3_app_cases):
    case = ob3_app_cases["app: revoked"]
    index = case.credential["credentialStatus"]["statusListIndex"]
    with pytest.raises(OB3VerificationError, match=f"revocation.*index {index}"):
        _verify_app(case)


def test_openbadgeslib_rejects_the_app_credential_tampered_with(ob3_app_cases):
    with pytest.raises(OB3VerificationError, match="signature mismatch"):
        _verify_app(ob3_app_cases["app: tampered"])
