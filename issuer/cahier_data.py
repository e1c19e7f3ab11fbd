"""Gathering what a cahier prints: the young person's live badges as issued, and the tree around them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from skilltree import SkillTree

from . import cahier_images as images
from .cahier_map import EarnedMark, TreeMap, legend, progress_emblem, safe_colour, tree_map
from .errors import Refused
from .models import Assertion, IssuerProfile, Learner
from .runtime import Runtime

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
MAX_BADGES = 150  # one live badge per skill: only a very large tree comes near this


@dataclass(frozen=True)
class AlignmentLine:
    """A framework the badge is aligned with (CléA domain, ESCO skill...)."""

    framework: str
    code: str
    name: str


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
    alignments: tuple[AlignmentLine, ...]


@dataclass(frozen=True)
class Cahier:
    """Everything one young person's cahier prints."""

    learner_name: str | None  # None: no consent to show the name, a blank line is printed instead
    issuer_name: str
    issuer_url: str
    logo: str | None
    period: str
    portfolio_url: str | None
    portfolio_qr: str | None
    tree_name: str
    tree_map: TreeMap
    map_uri: str
    legend_uri: str
    emblem_uri: str
    colours: tuple[str, ...]
    badges: tuple[BadgeEntry, ...]
    skill_count: int
    generated_on: str


def french_date(moment: datetime, zone: ZoneInfo) -> str:
    """« 3 mars 2026 », in the instance's time zone."""
    local = moment.astimezone(zone)
    day = "1er" if local.day == 1 else str(local.day)
    return f"{day} {MONTHS[local.month - 1]} {local.year}"


def short_date(moment: datetime, zone: ZoneInfo) -> str:
    """« 03/03/2026 », for the tree map where space is short."""
    return moment.astimezone(zone).strftime("%d/%m/%Y")


def short_code(uid: str) -> str:
    """The first eight characters of the badge id, in two groups of four, to type or read aloud."""
    clean = "".join(ch for ch in uid if ch.isalnum()).upper()[:8]
    return f"{clean[:4]} {clean[4:]}"


def zone_of(config: dict) -> ZoneInfo:
    """The time zone dates are printed in."""
    try:
        return ZoneInfo(str(config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Paris"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def live_assertions(db: Session, learner_id: int) -> list[Assertion]:
    """The learner's badges that still stand (revoked ones are never printed), oldest first."""
    return list(
        db.scalars(
            select(Assertion)
            .where(Assertion.learner_id == learner_id, Assertion.revoked_at.is_(None))
            .options(selectinload(Assertion.badge_class), selectinload(Assertion.session))
            .order_by(Assertion.issued_on, Assertion.id)
        )
    )


def gather(db: Session, rt: Runtime, config: dict, profile: IssuerProfile, learner: Learner,
           now: datetime) -> Cahier:
    """Collect one learner's cahier; refuses, in French, a cahier too large to print at once."""
    zone = zone_of(config)
    rows = live_assertions(db, learner.id)
    limit = int(config.get("PDF_MAX_BADGES", MAX_BADGES))
    if len(rows) > limit:
        raise Refused(f"Ce cahier compte {len(rows)} badges : l'impression est limitée à {limit}.",
                      code="cahier_too_large")
    tree = rt.tree
    order = _tree_order(tree)
    rows.sort(key=lambda r: (order.get(r.skill_id, (len(order), 0)), r.issued_on))
    entries = tuple(_entry(rt, tree, row, profile, zone, now) for row in rows)
    marks = {r.skill_id: EarnedMark(r.badge_class.name, short_date(r.issued_on, zone)) for r in rows}
    drawn = tree_map(tree, marks)
    portfolio = rt.urls.portfolio(learner.portfolio_token) if learner.portfolio_token else None
    return Cahier(
        learner_name=learner.display_name if learner.name_is_public else None,
        issuer_name=profile.name,
        issuer_url=profile.url,
        logo=images.logo_uri((profile.id, profile.updated_at.isoformat()), profile.logo_png),
        period=_period([r.issued_on for r in rows], zone),
        portfolio_url=portfolio,
        portfolio_qr=images.qr_uri(portfolio) if portfolio else None,
        tree_name=tree.name,
        tree_map=drawn,
        map_uri=_svg_uri(drawn.svg),
        legend_uri=_svg_uri(legend()),
        emblem_uri=_svg_uri(progress_emblem(tree, set(marks))),
        colours=tuple(safe_colour(b.colour) for b in tree.branches) or ("#3d5a80",),
        badges=entries,
        skill_count=len(tree.skills),
        generated_on=french_date(now, zone),
    )


def _svg_uri(svg: str) -> str:
    return images.data_uri("image/svg+xml", svg.encode("utf-8"))


def _tree_order(tree: SkillTree) -> dict[str, tuple[int, int]]:
    """Branch order then tier: the cahier reads like the map."""
    branch_index = {b.id: i for i, b in enumerate(tree.branches)}
    return {s.id: (branch_index.get(s.branch, len(branch_index)), s.tier) for s in tree.skills}


def _period(dates: list[datetime], zone: ZoneInfo) -> str:
    if not dates:
        return ""
    first, last = french_date(min(dates), zone), french_date(max(dates), zone)
    return f"le {first}" if first == last else f"du {first} au {last}"


def _entry(rt: Runtime, tree: SkillTree, row: Assertion, profile: IssuerProfile, zone: ZoneInfo,
           now: datetime) -> BadgeEntry:
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
        criteria=images.criteria_html(str(criteria.get("narrative") or "")),
        evidence=row.evidence_narrative,
        game=row.evidence_game or "",
        session=_session_line(row, zone),
        evidence_url=row.evidence_url or "",
        issued_on=french_date(row.issued_on, zone),
        expires_on=french_date(row.expires, zone) if row.expires else "",
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


def _session_line(row: Assertion, zone: ZoneInfo) -> str:
    session = row.session
    if session is None:
        return ""
    place = f", {session.place}" if session.place else ""
    return f"{session.title}{place} ({french_date(session.held_on, zone)})"


def _alignments(doc: dict) -> list[AlignmentLine]:
    found = doc.get("alignment") or []
    if isinstance(found, dict):
        found = [found]
    return [
        AlignmentLine(str(a.get("targetFramework") or ""), str(a.get("targetCode") or ""),
                      str(a.get("targetName") or ""))
        for a in found if isinstance(a, dict)
    ]
