"""Claiming into a backpack, end to end on a served Palier: the young person attaches an e-mail on their
page, the confirmation mail reaches a real SMTP server, its link issues the e-mail twin, and 1EdTech's
official validator accepts that twin for that address (a salted sha256 per Open Badges 2.0)."""

from __future__ import annotations

import hashlib
import re
import socket
import threading
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from instances import served as serve_instance

from .obv import run_validator

pytestmark = pytest.mark.slow

TYPED = "Lina.Martin@Example.org"
ADDRESS = "lina.martin@example.org"


class _Inbox:
    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.recipients: list[list[str]] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.bodies.append(message.get_body(("plain",)).get_content())
        self.recipients.append(list(envelope.rcpt_tos))
        self.arrived.set()
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Palier on 127.0.0.1 (random port) sending mail through aiosmtpd on 127.0.0.1 (random port)."""
    tmp = tmp_path_factory.mktemp("palier-backpack")
    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()

    def mail_settings(port: int) -> dict:
        return {
            "SERVER_NAME": f"127.0.0.1:{port}",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
            "SMTP_FROM": "badges@structure.test",
        }

    try:
        with serve_instance(tmp, mail_settings) as (app, base):
            yield app, base, inbox, tmp
    finally:
        smtp.stop()


def _award_without_email(app) -> tuple[str, str]:
    """A learner without e-mail (a minor, with a guardian) and one badge: its uid and the page token."""
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow
    from issuer.runtime import runtime

    with app.app_context():
        session, rt, now = db.session(), runtime(), utcnow()
        learner = learners.create_learner(
            session, learners.LearnerData("Lina", None, "under15"), actor=None, now=now
        )
        status = rt.tree.status(set())
        skill = next(s.id for s in rt.tree.topological_order() if status[s.id].status == "unlocked")
        row = awarding.award(session, rt, learner_id=learner.id, skill_id=skill, actor=None,
                             evidence=awarding.Evidence("A aidé son équipe.", game="Overcooked 2"), now=now)  # fmt: skip
        session.commit()
        assert row.data["recipient"]["type"] == "url"  # what no backpack accepts
        return row.uid, learner.portfolio_token or ""


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def test_backpack_claim_walk_ends_in_a_badge_the_official_validator_accepts_for_that_address(served):
    from issuer import db
    from issuer.models import Assertion

    app, base, inbox, tmp = served
    uid, token = _award_without_email(app)
    client = app.test_client()

    page = client.get(f"/p/{token}").get_data(as_text=True)
    assert 'id="sac-a-badges"' in page
    sent = client.post(
        f"/p/{token}/sac-a-badges", data={"csrf_token": _csrf(page), "email": TYPED, "guardian": "on"}
    )
    assert sent.status_code == 302
    assert inbox.arrived.wait(10), "the confirmation mail never reached the SMTP server"
    assert inbox.recipients == [[ADDRESS]]
    link = re.search(re.escape(base) + r"/sac-a-badges/[A-Za-z0-9_-]+", inbox.bodies[0]).group(0)

    confirm_page = client.get(link[len(base) :]).get_data(as_text=True)
    done = client.post(link[len(base) :], data={"csrf_token": _csrf(confirm_page)})
    assert done.status_code == 302

    with app.app_context():
        original = db.session().query(Assertion).filter_by(uid=uid).one()
        twin = db.session().query(Assertion).filter_by(twin_of_id=original.id).one()
        twin_url, twin_jws, recipient = f"{base}/assertions/{twin.uid}", twin.jws, twin.data["recipient"]
        assert twin.data["issuedOn"] == original.data["issuedOn"]
        assert twin.data["evidence"] == original.data["evidence"]
    # Open Badges 2.0: identity = "sha256$" + hex(sha256(address + salt)), the address as given to the backpack.
    expected = "sha256$" + hashlib.sha256((ADDRESS + recipient["salt"]).encode()).hexdigest()
    assert recipient == {"type": "email", "hashed": True, "salt": recipient["salt"], "identity": expected}

    image = Path(tmp) / "twin.png"
    image.write_bytes(client.get(f"/p/{token}/badges/{uid}/email.png").data)
    for target in (twin_jws, twin_url, image):
        report = run_validator(target, recipient=ADDRESS)
        assert report["valid"] and report["errorCount"] == 0, report
    assert not run_validator(twin_jws, recipient="autre@example.org")["valid"]
