"""The Digital Credentials Consortium's verifier (the Learner Credential Wallet's) on our badges.

``dcc/verify.mjs`` runs ``@digitalcredentials/verifier-core`` (pinned in ``dcc/package-lock.json``,
installed by ``npm ci`` there) with every request it makes answered from the documents of the
case, and nothing else: the did:web document, the status list, and 1EdTech's JSON Schema, which the
verifier checks credentials against. One Node process per case: the verifier caches DID documents,
and the cases before and after the key rotation serve different ones at the same URL.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .ob3_instance import EXPECT as APP_EXPECT
from .ob3_scenario import Case, cases

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent / "dcc"
CORE = Path(__file__).resolve().parents[1] / "core" / "ob3_vectors"
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
CASES = {case.name: case for case in cases()}


def _run(case: Case) -> dict:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "@digitalcredentials" / "verifier-core").is_dir():
        pytest.fail(
            "Vérificateur DCC absent : installez Node.js puis lancez « npm ci » dans tests/conformance/dcc"
        )
    documents = dict(case.documents)
    documents[SCHEMA_URL] = json.loads(
        (CORE / "ob_v3p0_achievementcredential_schema.json").read_text("utf-8")
    )
    done = subprocess.run(
        [node, "verify.mjs"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        input=json.dumps({"credential": case.credential, "documents": documents}),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _log(result: dict) -> dict[str, dict]:
    return {entry["id"]: entry for entry in result.get("log", [])}


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.expect == "valid"])
def test_dcc_verifier_accepts_our_credential(name):
    answer = _run(CASES[name])
    result = answer["result"]
    assert "errors" not in result, result.get("errors")
    log = _log(result)
    assert log["valid_signature"]["valid"] is True
    assert log["revocation_status"]["valid"] is True
    assert log["expiration"]["valid"] is True
    # Everything it asked for was served locally: the DID document and the status list.
    assert set(answer["requested"]) <= set(CASES[name].documents) | {SCHEMA_URL}


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.expect == "valid"])
def test_dcc_verifier_finds_our_credential_valid_against_1edtech_schema(name):
    (check,) = [
        info for info in _run(CASES[name])["result"]["additionalInformation"] if info["id"] == "schema_check"
    ]
    (schema_result,) = check["results"]
    assert schema_result["schema"] == SCHEMA_URL
    assert schema_result["result"]["valid"] is True, schema_result["result"].get("errors")


def test_dcc_verifier_sees_the_revoked_credential_as_revoked():
    log = _log(_run(CASES["revoked"])["result"])
    assert log["valid_signature"]["valid"] is True
    assert log["revocation_status"]["valid"] is False


def test_dcc_verifier_rejects_the_tampered_credential():
    result = _run(CASES["tampered"])["result"]
    assert [error["name"] for error in result["errors"]] == ["invalid_signature"]


# Credentials issued by a test instance of Palier (``ob3_instance``), with what it serves.
APP_VALID = [name for name, expect in APP_EXPECT.items() if expect == "valid"]


@pytest.mark.parametrize("name", APP_VALID)
def test_dcc_verifier_accepts_a_credential_the_app_issued(ob3_app_cases, name):
    case = ob3_app_cases[name]
    answer = _run(case)
    result = answer["result"]
    assert "errors" not in result, result.get("errors")
    log = _log(result)
    assert log["valid_signature"]["valid"] is True
    assert log["revocation_status"]["valid"] is True
    assert log["expiration"]["valid"] is True
    assert set(answer["requested"]) <= set(case.documents) | {SCHEMA_URL}
    (check,) = [info for info in result["additionalInformation"] if info["id"] == "schema_check"]
    (schema_result,) = check["results"]
    assert schema_result["result"]["valid"] is True, schema_result["result"].get("errors")


def test_dcc_verifier_sees_the_app_revoked_credential_as_revoked(ob3_app_cases):
    log = _log(_run(ob3_app_cases["app: revoked"])["result"])
    assert log["valid_signature"]["valid"] is True
    assert log["revocation_status"]["valid"] is False


def test_dcc_verifier_rejects_the_app_credential_tampered_with(ob3_app_cases):
    result = _run(ob3_app_cases["app: tampered"])["result"]
    assert [error["name"] for error in result["errors"]] == ["invalid_signature"]
