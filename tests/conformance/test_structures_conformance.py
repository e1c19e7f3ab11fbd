"""Two structures on one Palier, each with its own keys, one of them rotated: the official validator
accepts every badge of both, hosted and signed, and so does Palier's own verifier."""

from __future__ import annotations

import json
import urllib.request

import pytest
from instances import served

import badges

from .obv import run_validator

pytestmark = pytest.mark.slow

EMAIL = "yanis@example.org"


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    """Palier with its first structure and a second one, served on a random loopback port."""
    from issuer import db, tenancy
    from issuer.models import utcnow
    from issuer.network import service
    from issuer.runtime import structure_keys

    with served(tmp_path_factory.mktemp("palier-network")) as (app, base):
        with app.app_context():
            session = db.session()
            tenancy.unbind(session)
            service.create_structure(
                session,
                lambda s: structure_keys(app.config, s.id, s.slug),
                slug="voisine",
                name="Maison des jeunes voisine",
                email="contact@voisine.example.org",
                url="https://voisine.example.org",
                actor=None,
                now=utcnow(),
            )
            session.commit()
        yield app, base


def _in(app, slug: str, work):
    from issuer import db, tenancy
    from issuer.models import utcnow
    from issuer.runtime import runtime, use_structure

    with app.app_context():
        found = tenancy.structure_by_slug(db.session(), slug)
        use_structure(found.id, found.slug)
        session = db.session()
        result = work(session, runtime(), utcnow())
        session.commit()
        return result


def _award(app, slug: str, email: str | None) -> tuple[str, str]:
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners

    def work(session, rt, now):
        person = learners.create_learner(session, learners.LearnerData("Yanis", email), actor=None, now=now)
        session.flush()
        tree = rt.tree
        first = next(s.id for s in tree.topological_order() if tree.status(set())[s.id].status == "unlocked")
        row = awarding.award(
            session,
            rt,
            learner_id=person.id,
            skill_id=first,
            actor=None,
            evidence=awarding.Evidence("A mené son équipe."),
            now=now,
        )
        return rt.urls.assertion(row.uid), row.jws

    return _in(app, slug, work)


def _verdict(base: str, badge: str) -> str:
    request = urllib.request.Request(
        base + "/api/verify",
        data=json.dumps({"badge": badge}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as resp:  # loopback only
        return json.loads(resp.read())["verdict"]


def test_conformance_every_badge_of_two_structures_passes_before_and_after_one_rotates_its_key(network):
    app, base = network
    issued = [
        ("principale", *_award(app, "principale", EMAIL)),
        ("voisine", *_award(app, "voisine", EMAIL)),
        ("voisine", *_award(app, "voisine", None)),
    ]
    _in(app, "voisine", lambda session, rt, now: rt.keys.rotate(session, now))
    issued += [("voisine", *_award(app, "voisine", EMAIL)), ("principale", *_award(app, "principale", EMAIL))]
    for slug, url, jws in issued:
        assert ("/s/voisine/" in url) == (slug == "voisine"), url
        for target in (url, jws):
            report = run_validator(target)
            assert report["valid"] and report["errorCount"] == 0, json.dumps(report, indent=1)
            assert _verdict(base, target) == "valid", target
    # Each signed badge names its own structure's key, at that structure's address; no key serves two.
    creators = {}
    for slug, _, jws in issued:
        creator = badges.read_unverified(jws)[1]["verification"]["creator"]
        prefix = f"{base}/s/voisine/keys/" if slug == "voisine" else f"{base}/keys/"
        assert creator.startswith(prefix), creator
        creators.setdefault(creator, set()).add(slug)
    assert all(len(owners) == 1 for owners in creators.values())
    assert len(creators) == 3  # the first structure's key, and the second's before and after rotation
