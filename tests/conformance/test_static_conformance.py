"""The static copy served by the shipped nginx config, with the app stopped, checked by 1EdTech's
official validator (#18: « the official validator accepts badges served by the nginx config with
gunicorn stopped »)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from benchmarks.nginx import NGINX, free_port, start

from .obv import failed_tasks, run_validator

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NGINX is None, reason="nginx n'est pas installé (paquet Debian nginx)"),
]

EMAIL = "lina.martin@example.org"
OTHER_EMAIL = "yanis.benali@example.org"


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """Badges awarded and revoked with PUBLISH_DIR on; nginx in front of an app port nobody answers."""
    from instances import fresh_app

    from issuer import db, tenancy
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow
    from issuer.network import service
    from issuer.publishing.page import wait_for_background
    from issuer.runtime import runtime, structure_keys, use_structure

    tmp = tmp_path_factory.mktemp("palier-static")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = fresh_app(tmp, base, PUBLISH_DIR=str(tmp / "public"))
    made = {}
    with app.app_context():
        session = db.session()
        rt = runtime()
        tree = rt.tree
        skills = [s.id for s in tree.topological_order() if tree.status(set())[s.id].status == "unlocked"]
        learner = learners.create_learner(
            session, learners.LearnerData("Lina", EMAIL), actor=None, now=utcnow()
        )
        for name, skill in zip(("live", "gone_a", "gone_b"), skills, strict=False):
            row = awarding.award(
                session,
                rt,
                learner_id=learner.id,
                skill_id=skill,
                actor=None,
                evidence=awarding.Evidence("A aidé son équipe.", game="Overcooked 2"),
                now=utcnow(),
            )
            made[name] = (rt.urls.assertion(row.uid), row.jws)
            session.commit()
        # Two revocations: the validator never matches a revocation list of exactly one entry.
        for name in ("gone_a", "gone_b"):
            awarding.revoke(
                session, rt, ref=made[name][0], reason="Délivré par erreur.", actor=None, now=utcnow()
            )
            session.commit()
        # A second structure of the network: its badge under /s/voisine/, its files in s/voisine/.
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
    with app.app_context():
        found = tenancy.structure_by_slug(db.session(), "voisine")
        use_structure(found.id, found.slug)
        session, rt = db.session(), runtime()
        person = learners.create_learner(
            session, learners.LearnerData("Yanis", OTHER_EMAIL), actor=None, now=utcnow()
        )
        row = awarding.award(
            session,
            rt,
            learner_id=person.id,
            skill_id=skills[0],
            actor=None,
            evidence=awarding.Evidence("A mené son équipe.", game="Rocket League"),
            now=utcnow(),
        )
        made["neighbour"] = (rt.urls.assertion(row.uid), row.jws)
        session.commit()
    result = app.test_cli_runner().invoke(args=["publish", "--all"], env={"PALIER_STRUCTURE": "voisine"})
    assert result.exit_code == 0, result.output
    assert wait_for_background(timeout=60)  # the profiles' first publication, done in the background
    with app.app_context():
        db.engine().dispose()
    stopped = free_port()  # gunicorn is « stopped »: nothing listens where nginx would ask
    box = start(tmp / "nginx", tmp / "public", stopped, port)
    try:
        yield made
    finally:
        box.stop()


def test_static_copy_hosted_badge_is_valid_with_the_app_stopped(copy):
    url, _ = copy["live"]
    report = run_validator(url, recipient=EMAIL)
    assert report["valid"] and report["errorCount"] == 0, json.dumps(report, indent=1)


def test_static_copy_signed_badge_is_valid_with_the_app_stopped(copy):
    _, jws = copy["live"]
    report = run_validator(jws, recipient=EMAIL)
    assert report["valid"] and report["errorCount"] == 0, json.dumps(report, indent=1)


def test_static_copy_revoked_badges_are_refused_with_the_app_stopped(copy):
    for name in ("gone_a", "gone_b"):
        url, jws = copy[name]
        report = run_validator(jws)
        assert not report["valid"] and "VERIFY_SIGNED_ASSERTION_NOT_REVOKED" in failed_tasks(report), name
        with pytest.raises(urllib.error.HTTPError) as gone:
            urllib.request.urlopen(
                urllib.request.Request(url, headers={"Accept": "application/ld+json"}), timeout=10
            )
        assert gone.value.code == 410


def test_static_copy_of_a_second_structure_is_valid_with_the_app_stopped(copy):
    url, jws = copy["neighbour"]
    assert "/s/voisine/assertions/" in url
    for target in (url, jws):
        report = run_validator(target, recipient=OTHER_EMAIL)
        assert report["valid"] and report["errorCount"] == 0, json.dumps(report, indent=1)
