"""Bulk award of 500 badges, against 500 bare RS256 signatures of the same payloads."""

from __future__ import annotations

import time
from statistics import median

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from flask import Flask
from sqlalchemy import select

from . import fixture
from .table import Figure, judged

KEY, WORK = "bulk_award", "attribution groupée de {n} badges (RSA-3072, base, journal)"
TARGET = 1.15


def _award_once(
    app: Flask, learner_ids: list[int], skills: list[str], token: str
) -> tuple[tuple[float, float, float], list[str]]:
    """Time one bulk award, commit included: (wall, CPU, commit's wall) and the signed badges it wrote."""
    from issuer import db
    from issuer.game_sessions import bulk
    from issuer.models import Assertion, utcnow
    from issuer.runtime import runtime

    rows = [
        bulk.BulkRow(i + 2, str(lid), skills[i % len(skills)], fixture.NARRATIVE)
        for i, lid in enumerate(learner_ids)
    ]
    with app.app_context():
        rt, session = runtime(), db.session()
        start, cpu = time.perf_counter(), time.process_time()
        report = bulk.bulk_award(
            session, rt, rows=rows, actor=None, now=utcnow(), token=token, game="Overcooked 2"
        )
        committing = time.perf_counter()
        session.commit()
        end = time.perf_counter()
        elapsed, cpu = end - start, time.process_time() - cpu
        if report.created != len(rows):
            raise RuntimeError(f"{report.created} badges délivrés sur {len(rows)}")
        jws = list(session.scalars(select(Assertion.jws).where(Assertion.learner_id.in_(learner_ids))))
    return (elapsed, cpu, end - committing), jws


def bare_signatures(private_pem: bytes, tokens: list[str]) -> tuple[float, float]:
    """Time (wall, CPU) RS256 signatures of exactly the signing inputs of ``tokens``, through cryptography."""
    key = serialization.load_pem_private_key(private_pem, password=None)
    inputs = [t.rsplit(".", 1)[0].encode("ascii") for t in tokens]
    pad, digest = padding.PKCS1v15(), hashes.SHA256()
    key.sign(inputs[0], pad, digest)  # warm the key's blinding state, as the app's first award does
    start, cpu = time.perf_counter(), time.process_time()
    for data in inputs:
        key.sign(data, pad, digest)
    return time.perf_counter() - start, time.process_time() - cpu


def run(app: Flask, private_pem: bytes, n: int = 500, repeats: int = 3) -> Figure:
    """Award ``n`` badges ``repeats`` times, each between two bare runs; the median ratio is the figure."""
    skills = fixture.first_tier(app)
    fixture.publish_classes(app)
    # Warm what a running instance has warm (parsed key, tree, badge classes) with an untimed award,
    # whose signed badges give the first bare run the same shape of payloads.
    _, tokens = _award_once(app, fixture.add_learners(app, n, "Échauffement"), skills, "bench-warm")
    bares = [bare_signatures(private_pem, tokens)]
    awards = []
    for round_ in range(repeats):
        learners = fixture.add_learners(app, n, f"Groupe{round_}")
        elapsed, tokens = _award_once(app, learners, skills, f"bench-bulk-{round_}")
        awards.append(elapsed)
        bares.append(bare_signatures(private_pem, tokens))
    # The machine is shared and its load is steady rather than bursty: each award is compared with
    # the bare runs just before and just after it, and the median of those ratios is the figure.
    ratios = [
        a[0] / ((before[0] + after[0]) / 2)
        for a, before, after in zip(awards, bares, bares[1:], strict=False)
    ]
    cpu_ratios = [
        a[1] / ((before[1] + after[1]) / 2)
        for a, before, after in zip(awards, bares, bares[1:], strict=False)
    ]
    ratio, cpu_ratio = median(ratios), median(cpu_ratios)
    award_s, bare_s = median(a[0] for a in awards), median(b[0] for b in bares)
    return judged(
        Figure(
            KEY,
            WORK.format(n=n),
            ratio=ratio,
            bound="max",
            target=TARGET,
            measured=f"{award_s:.2f} s",
            limit=f"{bare_s:.2f} s ({n} signatures nues)",
            values={
                "award_s": round(award_s, 4),
                "bare_s": round(bare_s, 4),
                "n": n,
                "pass_ratios": [round(r, 4) for r in ratios],
                "cpu_ratio": round(cpu_ratio, 4),
                "commit_runs_s": [round(a[2], 4) for a in awards],
                "award_runs_s": [round(a[0], 4) for a in awards],
                "bare_runs_s": [round(b[0], 4) for b in bares],
            },
            note=f"temps CPU : {cpu_ratio:.2f}× ; commit (fsync) : {median(a[2] for a in awards):.2f} s ; "
            f"médiane de {repeats} passes, chacune entre deux séries "
            f"de signatures nues (ratios de {min(ratios):.2f} à {max(ratios):.2f})",
        )
    )
