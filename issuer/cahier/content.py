"""Gathering what a cahier prints: the young person's live badges as issued, and the tree around them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session, selectinload

from skilltree import Alignment, SkillTree

from .. import dates
from ..awarding import service as awarding
from ..errors import Code, Refused
from ..markdown import safe_html
from ..models import Assertion, IssuerProfile, Learner
from ..network.endorsements import recognitions
from ..runtime import Runtime
from . import images
from .tree_map import EarnedMark, TreeMap, legend, progress_emblem, safe_colour, tree_map


@dataclass(frozen=True)
class BadgeEntry:
    """One earned badge, as it was issued."""

    uid: str
    name: str
    description: str
    criteria: Markup
    evidence: str
    game: str
    session: str
    evidence_url: str
    issued_on: str
    expires_on: str
    expired: bool
    image: str | None
    qr: str
    verify_url: str
    typed_url: str
    short_code: str
    branch: str
    colour: str
    tier: int | None
    alignments: tuple[Alignment, ...]  # as the badge was issued, not as the tree says today
    recognised_by: tuple[str, ...] = ()  # other structures of the network that recognise this badge


@dataclass(frozen=True)
class Cahier:
    """Everything one young person's cahier prints."""

    learner_name: str | None  # None: no consent to show the name, a blank line is printed instead
    issuer_name: str
    issuer_url: str
    logo: str | None
    period: str
    share_url: str | None  # the public view (never the personal page): the cahier is handed to employers
    share_qr: str | None
    tree_name: str
    tree_map: TreeMap
    map_uri: str
    legend_uri: str
    emblem_uri: str
    colours: tuple[str, ...]
    badges: tuple[BadgeEntry, ...]
    skill_count: int
    generated_on: str


def short_code(uid: str) -> str:
    """The first eight characters of the badge id, in two groups of four, to type or read aloud."""
    clean = "".join(ch for ch in uid if ch.isalnum()).upper()[:8]
    return f"{clean[:4]} {clean[4:]}"


def live_assertions(db: Session, learner_id: int) -> list[Assertion]:
    """The learner's badges that still stand (revoked ones are never printed), oldest first."""
    return awarding.live_assertions(db, learner_id, selectinload(Assertion.session))


def gather(
    db: Session,
    rt: Runtime,
    config: Mapping[str, Any],
    profile: IssuerProfile,
    learner: Learner,
    now: datetime,
) -> Cahier:
    """Collect one learner's cahier; refuses, in French, a cahier too large to print at once."""
    zone = dates.zone_of(config)
    rows = live_assertions(db, learner.id)
    limit = int(config["PDF_MAX_BADGES"])
    if len(rows) > limit:
        raise Refused(Code.CAHIER_TOO_MANY_BADGES, count=len(rows), max=limit)
    tree = rt.tree
    order = _tree_order(tree)
    rows.sort(key=lambda r: (order.get(r.skill_id, (len(order), 0)), r.issued_on))
    recognised = {skill: _recognised_by(db, rt, skill) for skill in {r.skill_id for r in rows}}
    entries = tuple(
        replace(_entry(rt, tree, row, profile, zone, now), recognised_by=recognised[row.skill_id])
        for row in rows
    )
    marks = {r.skill_id: EarnedMark(r.badge_class.name, dates.short(r.issued_on, zone)) for r in rows}
    drawn = tree_map(tree, marks)
    # The cover leads to the public view, which shows what consent allows and lets nothing be managed;
    # the personal link stays with its owner.
    shared = rt.urls.share(learner.share_token) if learner.share_token else None
    return Cahier(
        learner_name=learner.display_name if learner.name_is_public else None,
        issuer_name=profile.name,
        issuer_url=profile.url,
        logo=images.logo_uri((profile.id, profile.updated_at.isoformat()), profile.logo_png),
        period=_period([r.issued_on for r in rows], zone),
        share_url=shared,
        share_qr=images.qr_uri(shared) if shared else None,
        tree_name=tree.name,
        tree_map=drawn,
        map_uri=_svg_uri(drawn.svg),
        legend_uri=_svg_uri(legend()),
        emblem_uri=_svg_uri(progress_emblem(tree, set(marks))),
        colours=tuple(safe_colour(b.colour) for b in tree.branches) or ("#3d5a80",),
        badges=entries,
        skill_count=len(tree.skills),
        generated_on=dates.day(now, zone),
    )


def _svg_uri(svg: str) -> str:
    return images.data_uri("image/svg+xml", svg.encode("utf-8"))


def _tree_order(tree: SkillTree) -> dict[str, tuple[int, int]]:
    """Branch order then tier: the cahier reads like the map."""
    branch_index = {b.id: i for i, b in enumerate(tree.branches)}
    return {s.id: (branch_index.get(s.branch, len(branch_index)), s.tier) for s in tree.skills}


def _period(moments: list[datetime], zone: tzinfo) -> str:
    if not moments:
        return ""
    first, last = dates.day(min(moments), zone), dates.day(max(moments), zone)
    return f"le {first}" if first == last else f"du {first} au {last}"


def _recognised_by(db: Session, rt: Runtime, skill_id: str) -> tuple[str, ...]:
    return tuple(r.by for r in recognitions(db, rt.structure_id, skill_id))


def _entry(
    rt: Runtime, tree: SkillTree, row: Assertion, profile: IssuerProfile, zone: tzinfo, now: datetime
) -> BadgeEntry:
    """One badge block, from the BadgeClass version it was issued with (its words then, not now)."""
    version = row.badge_class
    doc = version.data
    criteria = doc.get("criteria") or {}
    branch_name, colour = "", "#3d5a80"
    try:
        branch = tree.branch(version.branch_id)
        branch_name, colour = branch.name, safe_colour(branch.colour)
    except KeyError:
        pass  # a branch since removed from the tree: the badge still prints, without its colour
    url = rt.urls.assertion(row.uid)
    return BadgeEntry(
        uid=row.uid,
        name=version.name,
        description=str(doc.get("description") or ""),
        criteria=safe_html(str(criteria.get("narrative") or "")),
        evidence=row.evidence_narrative,
        game=row.evidence_game or "",
        session=_session_line(row, zone),
        evidence_url=row.evidence_url or "",
        issued_on=dates.day(row.issued_on, zone),
        expires_on=dates.day(row.expires, zone),
        expired=row.expires is not None and row.expires <= now,
        image=images.badge_uri((version.id, version.digest), version.image_png),
        qr=images.qr_uri(url),
        verify_url=url,
        typed_url=url.split("://", 1)[-1],
        short_code=short_code(row.uid),
        branch=branch_name,
        colour=colour,
        tier=version.tier,
        alignments=tuple(_alignments(doc)),
    )


def _session_line(row: Assertion, zone: tzinfo) -> str:
    session = row.session
    if session is None:
        return ""
    place = f", {session.place}" if session.place else ""
    return f"{session.title}{place} ({dates.day(session.held_on, zone)})"


def _alignments(doc: dict[str, Any]) -> list[Alignment]:
    found = doc.get("alignment") or []
    if isinstance(found, dict):
        found = [found]
    return [
        Alignment(
            framework=str(a.get("targetFramework") or ""),
            code=str(a.get("targetCode") or "") or None,
            name=str(a.get("targetName") or ""),
            url=str(a.get("targetUrl") or ""),
        )
        for a in found
        if isinstance(a, dict)
    ]
