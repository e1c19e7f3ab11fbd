"""A badge recognised on Discord is an Open Badges 2.0 badge like any other: Palier is served on the
loopback, a simulated Discord signs each interaction with a test Ed25519 key and sends it over HTTP
(/reconnaitre, its modal's submit), and 1EdTech's official validator accepts the badge it issued,
hosted and signed; Palier's own /api/verify agrees. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from werkzeug.serving import make_server

from .obv import run_validator

pytestmark = pytest.mark.slow

APPLICATION, GUILD, MEDIATOR, YOUNG = (
    "100000000000000001",
    "200000000000000002",
    "3000000000003",
    "4000000000004",
)


def _post(url: str, body: bytes, headers: dict) -> dict:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=30) as resp:  # loopback only
        return json.loads(resp.read())


class SignedDiscord:
    """Discord's servers as Palier sees them: signed interactions, each with its own id."""

    def __init__(self, base: str, key: Ed25519PrivateKey) -> None:
        self.url, self.key, self.count = base + "/discord/interactions", key, 0

    def send(self, kind: int, data: dict) -> dict:
        self.count += 1
        payload = {"id": str(self.count), "application_id": APPLICATION, "type": kind, "token": "t",
                   "version": 1, "guild_id": GUILD, "member": {"user": {"id": MEDIATOR}}, "data": data}  # fmt: skip
        body, stamp = json.dumps(payload).encode(), str(int(time.time()))
        signature = self.key.sign(stamp.encode() + body).hex()
        return _post(self.url, body, {"X-Signature-Ed25519": signature, "X-Signature-Timestamp": stamp})


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Palier on a loopback port, its Discord application set up, its mediator and young person linked."""
    from issuer import create_app, db, migrate
    from issuer.accounts import service as accounts
    from issuer.admin import profile
    from issuer.discord import service
    from issuer.learners import service as learners
    from issuer.models import DiscordLearner, DiscordMember, Role, utcnow
    from issuer.runtime import runtime

    tmp = tmp_path_factory.mktemp("palier-discord")
    holder: dict = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start), threaded=True)
    base = f"http://127.0.0.1:{server.port}"
    app = create_app({"SECRET_KEY": "conformance", "BASE_URL": base, "KEYS_DIR": str(tmp / "keys"),
                      "DATABASE_URL": f"sqlite:///{tmp / 'palier.sqlite3'}", "RATELIMIT_ENABLED": False},
                     instance_path=str(tmp / "instance"))  # fmt: skip
    key = Ed25519PrivateKey.generate()
    with app.app_context():
        migrate.upgrade(db.engine())
        session, now = db.session(), utcnow()
        runtime().keys.create(session, now)
        profile.get_profile(session, app.config)
        service.save_settings(session, application_id=APPLICATION, guild_id=GUILD, actor=None, now=now,
                              public_key=key.public_key().public_bytes_raw().hex())  # fmt: skip
        staff = accounts.create_user(session, email="mediatrice@example.org", name="Médiatrice",
                                     password="mot-de-passe-de-test", role=Role.MEDIATOR, actor=None, now=now)  # fmt: skip
        session.add(DiscordMember(discord_user_id=MEDIATOR, user_id=staff.id, linked_at=now))
        person = learners.create_learner(session, learners.LearnerData("Sami"), actor=None, now=now)
        session.flush()
        session.add(DiscordLearner(discord_user_id=YOUNG, learner_id=person.id, linked_at=now))
        session.commit()
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, base, SignedDiscord(base, key)
    finally:
        server.shutdown()
        server.server_close()
        with app.app_context():
            db.engine().dispose()


def test_a_badge_recognised_on_discord_passes_the_official_validator(served):
    from issuer import db
    from issuer.models import Assertion
    from issuer.runtime import runtime

    app, base, discord = served
    with app.app_context():
        tree = runtime().tree
        skill = next(s.id for s in tree.topological_order() if tree.status(set())[s.id].status == "unlocked")
    modal = discord.send(2, {"name": "reconnaitre", "type": 1, "options": [
        {"name": "jeune", "type": 6, "value": YOUNG}, {"name": "competence", "type": 3, "value": skill}]})  # fmt: skip
    assert modal["type"] == 9
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "observation",
                                        "value": "A écouté chaque joueur avant de proposer un plan."}]}]  # fmt: skip
    answer = discord.send(5, {"custom_id": modal["data"]["custom_id"], "components": rows})
    assert answer["type"] == 4 and answer["data"]["flags"] == 64 and "délivré" in answer["data"]["content"]
    with app.app_context():
        (row,) = db.session().scalars(select(Assertion)).all()
        url, jws = runtime().urls.assertion(row.uid), row.jws
    for target in (url, jws):
        report = run_validator(target)
        assert report["valid"] and report["errorCount"] == 0, json.dumps(report, indent=1)
    verdict = _post(base + "/api/verify", json.dumps({"badge": jws}).encode(), {})
    assert verdict["verdict"] == "valid"
