"""A revocation made by one worker is seen by every other at its next request (#18 item 4): the
instance's change stamp, bumped after the commit, makes them forget the assertions they held."""

from __future__ import annotations

import pytest
from factories import LD_JSON, award, path, revoke


@pytest.fixture
def other_worker(app):
    """A second app on the same database and instance: another gunicorn worker, as far as caches go."""
    from issuer import create_app, db

    other = create_app(dict(app.config), instance_path=app.instance_path)
    yield other
    with other.app_context():
        db.engine().dispose()


def test_another_worker_sees_a_revocation_at_its_next_request(app, other_worker):
    badge = award(app)
    reader = other_worker.test_client()
    for _ in range(3):  # now held in the other worker's memory
        assert reader.get(path(badge.url), headers=LD_JSON).status_code == 200
    revoke(app, badge.uid)  # committed by the first worker
    assert reader.get(path(badge.url), headers=LD_JSON).status_code == 410  # no wait at all


def test_another_worker_verifies_a_revoked_badge_as_revoked_at_once(app, other_worker):
    badge = award(app)
    reader = other_worker.test_client()
    assert reader.post("/api/verify", json={"badge": badge.jws}).get_json()["verdict"] == "valid"
    revoke(app, badge.uid)
    assert reader.post("/api/verify", json={"badge": badge.jws}).get_json()["verdict"] == "revoked"


def test_the_stamp_moves_after_the_commit_and_not_for_a_rollback(app):
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.caching import Stamp
    from issuer.models import utcnow
    from issuer.runtime import runtime

    badge = award(app)
    watcher = Stamp(app.config["CHANGE_STAMP"])
    with app.app_context():
        session = db.session()
        awarding.revoke(session, runtime(), ref=badge.uid, reason="Essai.", actor=None, now=utcnow())
        session.flush()
        assert not watcher.changed()  # not before the commit
        session.rollback()
    assert not watcher.changed()
    revoke(app, badge.uid)
    assert watcher.changed()


def test_a_held_assertion_expires_within_a_second_even_without_the_stamp():
    from issuer.hosted import documents

    assert documents.RECORD_TTL <= 1.0
