"""The static copy holds what verifies an Open Badges 3.0 credential without the server: each
structure's did:web document, its status list, and each badge's credential (gone once revoked)."""

from __future__ import annotations

import json

import pytest
from factories import award, award_in, make_structure, published_to, revoke

from badges import ob3

BASE = "https://badges.test"


@pytest.fixture
def app_settings() -> dict:
    return {"BASE_URL": BASE, "PREFERRED_URL_SCHEME": "https"}


@pytest.fixture
def folder(app, tmp_path):
    return published_to(app, tmp_path / "public")


class Archive:
    """A verifier's CredentialLookup that reads the static copy alone, as a successor would host it."""

    def __init__(self, folder) -> None:
        self.folder = folder

    def _file(self, url: str):
        assert url.startswith(BASE + "/")
        rel = url[len(BASE) + 1 :]
        for name in (rel, rel + ".json"):
            path = self.folder / name
            if path.is_file():
                return json.loads(path.read_bytes())
        return None

    def owns(self, issuer_id: str) -> bool:
        return self._file(ob3.did_web_to_url(issuer_id)) is not None

    def public_key(self, verification_method: str):
        doc = self._file(ob3.did_web_to_url(verification_method.split("#")[0])) or {}
        for method in doc.get("verificationMethod", []):
            if method["id"] == verification_method:
                return method["publicKeyMultibase"]
        return None

    def status_list(self, url: str):
        return self._file(url)


def credential_file(folder, uid: str, prefix: str = ""):
    return folder / f"{prefix}assertions/{uid}/ob3.json"


def test_the_copy_serves_the_did_document_status_list_and_credential_as_the_app(app, client, folder):
    badge = award(app)
    assert (folder / ".well-known/did.json").read_bytes() == client.get(
        "/.well-known/did.json", base_url=BASE
    ).data
    assert (folder / "statut/1.json").read_bytes() == client.get("/statut/1", base_url=BASE).data
    served = client.get(f"/assertions/{badge.uid}/ob3.json", base_url=BASE).data
    assert credential_file(folder, badge.uid).read_bytes() == served


def test_a_credential_verifies_from_the_copy_alone_and_its_revocation_reaches_the_copy(app, folder):
    from issuer.models import utcnow

    badge = award(app)
    credential = json.loads(credential_file(folder, badge.uid).read_bytes())
    assert ob3.verify_credential(credential, Archive(folder), utcnow()).code == "ok"
    revoke(app, badge.uid)
    assert not credential_file(folder, badge.uid).exists()
    gone = folder / f"assertions/{badge.uid}/ob3.json.gone"
    assert json.loads(gone.read_bytes())["error"] == "revoked"
    assert ob3.verify_credential(credential, Archive(folder), utcnow()).code == "revoked"


def test_a_key_made_for_the_first_credential_reaches_the_did_document_of_the_copy(app, tmp_path):
    """A fresh instance has no Ed25519 key until its first award: that award publishes it."""
    from issuer.publishing.page import install

    found = tmp_path / "fresh"
    app.config["PUBLISH_DIR"] = str(found)
    install(app)
    badge = award(app)
    did = json.loads((found / ".well-known/did.json").read_bytes())
    credential = json.loads(credential_file(found, badge.uid).read_bytes())
    assert credential["proof"]["verificationMethod"] in {m["id"] for m in did["verificationMethod"]}


def test_another_structure_has_its_did_document_and_list_in_its_own_folder(app, folder):
    from issuer.models import utcnow

    slug = make_structure(app, "voisine")
    uid = award_in(app, slug, "A aidé son équipe.")
    did = json.loads((folder / f"s/{slug}/did.json").read_bytes())
    assert did["id"] == f"did:web:badges.test:s:{slug}"
    assert (folder / f"s/{slug}/statut/1.json").exists()
    credential = json.loads(credential_file(folder, uid, f"s/{slug}/").read_bytes())
    assert ob3.verify_credential(credential, Archive(folder), utcnow()).code == "ok"
    assert not (folder / f"s/{slug}/.well-known").exists()


def test_publish_check_sees_the_ob3_files_and_all_rewrites_them(app, folder):
    badge = award(app)
    credential_file(folder, badge.uid).unlink()
    (folder / "statut/1.json").write_bytes(b"{}")
    runner = app.test_cli_runner()
    check = runner.invoke(args=["publish", "--check"])
    assert check.exit_code != 0
    assert f"assertions/{badge.uid}/ob3.json" in check.output and "statut/1.json" in check.output
    assert runner.invoke(args=["publish", "--all"]).exit_code == 0
    assert runner.invoke(args=["publish", "--check"]).exit_code == 0
    assert credential_file(folder, badge.uid).exists()


def test_an_http_instance_publishes_no_ob3_file(app, tmp_path):
    from issuer.publishing.page import install
    from issuer.runtime import EXTENSION, Runtimes

    app.config["OB3_ISSUE"] = False
    app.extensions[EXTENSION] = Runtimes(app.config)
    found = tmp_path / "plain"
    app.config["PUBLISH_DIR"] = str(found)
    install(app)
    badge = award(app)
    assert app.test_cli_runner().invoke(args=["publish", "--all"]).exit_code == 0
    assert not (found / ".well-known").exists() and not (found / "statut").exists()
    assert not (found / f"assertions/{badge.uid}").exists()
