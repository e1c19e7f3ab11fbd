"""The real app, served on 127.0.0.1, checked by 1EdTech's official validator; our verifier agrees."""

from __future__ import annotations

import base64
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from instances import served
from sqlalchemy import select

import badges

from .obv import failed_tasks, run_validator

pytestmark = pytest.mark.slow

EMAIL = "lina.martin@example.org"
OTHER_EMAIL = "leo@example.org"


@dataclass
class Palier:
    """A running Palier: its app, its public address, and a way to award and revoke."""

    app: object
    base: str
    tmp: Path

    def _do(self, work):
        from issuer import db
        from issuer.models import utcnow
        from issuer.runtime import runtime

        with self.app.app_context():
            session = db.session()
            result = work(session, runtime(), utcnow())
            session.commit()
            return result

    def learner(self, email: str | None = EMAIL) -> int:
        from issuer.learners import service as learners

        return self._do(
            lambda s, rt, now: (
                learners.create_learner(s, learners.LearnerData("Lina", email), actor=None, now=now).id
            )
        )

    def award(self, learner_id: int, skill_id: str) -> tuple[str, str, str]:
        """Award a badge; return its URL, its JWS and the learner's page token."""
        from issuer.awarding import service as awarding
        from issuer.models import Learner

        def work(s, rt, now):
            row = awarding.award(
                s,
                rt,
                learner_id=learner_id,
                skill_id=skill_id,
                actor=None,
                evidence=awarding.Evidence("A aidé son équipe.", game="Overcooked 2"),
                now=now,
            )
            return rt.urls.assertion(row.uid), row.jws, s.get(Learner, learner_id).portfolio_token

        return self._do(work)

    def revoke(self, url: str) -> None:
        from issuer.awarding import service as awarding

        self._do(
            lambda s, rt, now: awarding.revoke(
                s, rt, ref=url, reason="Délivré par erreur.", actor=None, now=now
            )
        )

    def rotate(self) -> None:
        self._do(lambda s, rt, now: rt.keys.rotate(s, now))

    def skills(self) -> list[str]:
        from issuer.runtime import runtime

        with self.app.app_context():
            tree = runtime().tree
            status = tree.status(set())
            return [s.id for s in tree.topological_order() if status[s.id].status == "unlocked"]

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=30) as resp:  # loopback only
            return resp.read()

    def verify(self, badge, email: str | None = None) -> dict:
        """Palier's own verdict, asked over HTTP like any client of /api/verify."""
        body = {"badge": badge} if email is None else {"badge": badge, "email": email}
        request = urllib.request.Request(
            self.base + "/api/verify",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.loads(resp.read())

    def verify_file(self, image: Path, email: str) -> dict:
        """Palier's own verdict on an uploaded image (multipart, as the API documents)."""
        boundary = "palier-conformance-boundary"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\n{email}\r\n'.encode(),
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{image.name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + image.read_bytes()
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        request = urllib.request.Request(
            self.base + "/api/verify",
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.loads(resp.read())

    def baked(self, token: str, url: str, kind: str) -> Path:
        uid = url.rsplit("/", 1)[1]
        target = self.tmp / f"{uid}.{kind}"
        target.write_bytes(self.get(f"/p/{token}/badges/{uid}.{kind}"))
        return target


@pytest.fixture(scope="module")
def palier(tmp_path_factory):
    """Palier on a temporary SQLite instance, served by werkzeug on a random loopback port."""
    tmp = tmp_path_factory.mktemp("palier-conformance")
    with served(tmp) as (app, base):
        yield Palier(app, base, tmp)


@pytest.fixture(scope="module")
def awarded(palier):
    """One learner with an email and one badge."""
    learner = palier.learner()
    url, jws, token = palier.award(learner, palier.skills()[0])
    return learner, url, jws, token


def assert_valid(report: dict) -> None:
    assert report["valid"] and report["errorCount"] == 0, json.dumps(report, indent=1)


def assert_invalid(report: dict, task: str) -> None:
    assert not report["valid"], json.dumps(report, indent=1)
    assert task in failed_tasks(report), json.dumps(report, indent=1)


def test_conformance_hosted_assertion_url_is_valid(palier, awarded):
    _, url, _, _ = awarded
    assert_valid(run_validator(url))
    assert_valid(run_validator(url, recipient=EMAIL))
    assert palier.verify(url)["verdict"] == "valid"


def test_conformance_signed_badge_is_valid(palier, awarded):
    _, _, jws, _ = awarded
    assert_valid(run_validator(jws))
    assert_valid(run_validator(jws, recipient=EMAIL))
    assert palier.verify(jws, EMAIL)["verdict"] == "valid"


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_conformance_baked_images_from_the_young_persons_page_are_valid(palier, awarded, kind):
    _, url, _, token = awarded
    image = palier.baked(token, url, kind)
    assert_valid(run_validator(image))
    assert_valid(run_validator(image, recipient=EMAIL))
    assert palier.verify_file(image, EMAIL)["verdict"] == "valid"


def test_conformance_wrong_recipient_is_refused(palier, awarded):
    _, _, jws, _ = awarded
    assert_invalid(run_validator(jws, recipient=OTHER_EMAIL), "VERIFY_RECIPIENT_IDENTIFIER")
    assert palier.verify(jws, OTHER_EMAIL)["recipientMatch"] is False


def test_conformance_tampered_signed_badge_is_refused(palier, awarded):
    _, _, jws, _ = awarded
    header, _, signature = jws.split(".")
    forged = {**badges.read_unverified(jws)[1], "narrative": "Champion du monde."}
    payload = base64.urlsafe_b64encode(badges.canonical_json(forged)).rstrip(b"=").decode()
    tampered = f"{header}.{payload}.{signature}"
    assert_invalid(run_validator(tampered), "VERIFY_JWS")
    assert palier.verify(tampered)["verdict"] == "invalid"


def test_conformance_badge_signed_with_another_key_is_refused(palier, awarded):
    _, _, jws, _ = awarded
    stranger = badges.generate_private_key()
    resigned = badges.sign_assertion(badges.read_unverified(jws)[1], stranger)
    assert_invalid(run_validator(resigned), "VERIFY_JWS")
    assert palier.verify(resigned)["verdict"] == "invalid"


def test_conformance_revoked_signed_badges_are_refused(palier):
    learner = palier.learner("revoque@example.org")
    first, second = palier.skills()[:2]
    # Two revocations: the validator never matches a revocation list of exactly one entry.
    url_a, jws_a, _ = palier.award(learner, first)
    url_b, jws_b, _ = palier.award(learner, second)
    palier.revoke(url_a)
    palier.revoke(url_b)
    listing = json.loads(palier.get("/revocations"))
    assert {url_a, url_b} <= {entry["id"] for entry in listing["revokedAssertions"]}
    for jws in (jws_a, jws_b):
        assert_invalid(run_validator(jws), "VERIFY_SIGNED_ASSERTION_NOT_REVOKED")
        assert palier.verify(jws)["verdict"] == "revoked"


def test_conformance_badges_signed_before_and_after_a_key_rotation(palier):
    learner = palier.learner("rotation@example.org")
    first, second = palier.skills()[:2]
    old_url, old_jws, token = palier.award(learner, first)
    palier.rotate()
    new_url, new_jws, _ = palier.award(learner, second)
    creators = [badges.read_unverified(jws)[1]["verification"]["creator"] for jws in (old_jws, new_jws)]
    assert creators[0] != creators[1]  # two different keys really signed them
    assert json.loads(palier.get("/issuer"))["publicKey"] == creators[1]
    # Each key is owned by its own Profile, the one its BadgeClasses name, which names that key alone.
    for creator in creators:
        owner = json.loads(palier.get(creator[len(palier.base) :]))["owner"]
        assert json.loads(palier.get(owner[len(palier.base) :]))["publicKey"] == creator
    for jws in (old_jws, new_jws):  # the JWS as first handed out, before and after the rotation
        assert_valid(run_validator(jws, recipient="rotation@example.org"))
        assert palier.verify(jws)["verdict"] == "valid"
    for url in (old_url, new_url):
        assert_valid(run_validator(url, recipient="rotation@example.org"))
        for kind in ("png", "svg"):
            assert_valid(run_validator(palier.baked(token, url, kind), recipient="rotation@example.org"))


def test_conformance_server_ids_come_from_base_url(palier, awarded):
    from issuer import db
    from issuer.models import Assertion

    _, url, _, _ = awarded
    assert url.startswith(palier.base + "/assertions/")
    with palier.app.app_context():
        row = db.session().scalars(select(Assertion).where(Assertion.uid == url.rsplit("/", 1)[1])).one()
        assert json.loads(palier.get(url[len(palier.base) :] + ".json")) == row.data
