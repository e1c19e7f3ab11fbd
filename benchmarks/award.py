"""Bulk award of 500 badges, against 500 bare RS256 signatures of the same payloads."""

from __future__ import annotations

import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from flask import Flask
from sqlalchemy import select

from . import fixture
from .table import Figure, judged

KEY, WORK = "bulk_award", "attribution groupée de {n} badges (RSA-3072, base, journal)"
TARGET = 1.15


def _award_once(app: Flask, learner_ids: list[int], skills: list[str], token: str) -> tuple[float, list[str]]:
    """Time one bulk award, commit included; return the time and the signed badges it wrote."""
    from issuer import db
    from issuer.models import Assertion, utcnow
    from issuer.runtime import runtime
    from issuer.services import bulk

    rows = [bulk.BulkRow(i + 2, str(lid), skills[i % len(skills)], fixture.NARRATIVE)
            for i, lid in enumerate(learner_ids)]
    with app.app_context():
        rt, session = runtime(), db.session()
        start = time.perf_counter()
        report = bulk.bulk_award(session, rt, rows=rows, actor=None, now=utcnow(), token=token,
                                 game="Overcooked 2")
        session.commit()
        elapsed = time.perf_counter() - start
        if report.created != len(rows):
            raise RuntimeError(f"{report.created} badges délivrés sur {len(rows)}")
        jws = list(session.scalars(select(Assertion.jws).where(Assertion.learner_id.in_(learner_ids))))
    return elapsed, jws


def bare_signatures(private_pem: bytes, tokens: list[str]) -> float:
    """Time RS256 signatures of exactly the signing inputs of ``tokens``, straight through cryptography."""
    key = serialization.load_pem_private_key(private_pem, password=None)
    inputs = [t.rsplit(".", 1)[0].encode("ascii") for t in tokens]
    pad, digest = padding.PKCS1v15(), hashes.SHA256()
    key.sign(inputs[0], pad, digest)  # warm the key's blinding state, as the app's first award does
    start = time.perf_counter()
    for data in inputs:
        key.sign(data, pad, digest)
    return time.perf_counter() - start


def run(app: Flask, private_pem: bytes, n: int = 500, repeats: int = 2) -> Figure:
    """Award ``n`` badges ``repeats`` times (new learners each time); best time against best bare time."""
    skills = fixture.first_tier(app)
    fixture.publish_classes(app)
    # Warm the caches a running instance has warm (parsed key, tree, badge classes): 2 badges, untimed.
    _award_once(app, fixture.add_learners(app, 2, "Échauffement"), skills, "bench-warm")
    awards, bares = [], []
    for round_ in range(repeats):
        learners = fixture.add_learners(app, n, f"Groupe{round_}")
        elapsed, tokens = _award_once(app, learners, skills, f"bench-bulk-{round_}")
        awards.append(elapsed)
        bares.append(bare_signatures(private_pem, tokens))
    best_award, best_bare = min(awards), min(bares)
    return judged(Figure(
        KEY, WORK.format(n=n), ratio=best_award / best_bare, bound="max", target=TARGET,
        measured=f"{best_award:.2f} s", limit=f"{best_bare:.2f} s ({n} signatures nues)",
        values={"award_s": round(best_award, 4), "bare_s": round(best_bare, 4), "n": n,
                "award_runs_s": [round(a, 4) for a in awards], "bare_runs_s": [round(b, 4) for b in bares]},
    ))

