"""What a young person takes away: baked badges, QR codes, a LinkedIn link and a zip of everything."""

from __future__ import annotations

import base64
import io
import struct
import zipfile
from dataclasses import dataclass, fields
from datetime import datetime, tzinfo
from urllib.parse import quote, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

import badges
from badges import ob3

from .. import dates
from ..awarding.service import live_assertions
from ..awarding.twins import live_twins
from ..models import Assertion, IssuerProfile, Learner
from ..runtime import Runtime

__all__ = [
    "BranchProgress",
    "Progress",
    "PublicBadge",
    "SharedBadge",
    "WithdrawnBadge",
    "baked_png",
    "baked_svg",
    "credential_uids",
    "export_zip",
    "linkedin_url",
    "live_assertions",
    "png_as_svg",
    "portfolio_badges",
    "progress",
    "public_badge",
    "twin_uids",
    "withdrawn_badges",
]

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


@dataclass(frozen=True)
class PublicBadge:
    """One badge as the public view shows it: what the badge is, and where to verify it."""

    name: str
    image_url: str
    assertion_url: str
    issued_on: datetime
    expires: datetime | None
    expired: bool
    branch: str
    tier: int


@dataclass(frozen=True)
class SharedBadge(PublicBadge):
    """One badge as its owner's page shows it: the public part, and what only its owner sees."""

    uid: str
    linkedin: str
    observation: str = ""  # what the mediator saw: the evidence signed into the badge
    skill_id: str = ""


def public_badge(badge: SharedBadge) -> PublicBadge:
    """The public part of a badge of the owner's page (no download, no LinkedIn link of theirs)."""
    return PublicBadge(**{part.name: getattr(badge, part.name) for part in fields(PublicBadge)})


def linkedin_url(
    *,
    name: str,
    organization: str,
    issued_on: datetime,
    cert_url: str,
    cert_id: str,
    expires: datetime | None = None,
) -> str:
    """The « Ajouter à mon profil » link of LinkedIn for a certification, URL-encoded."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organization,
        "issueYear": issued_on.year,
        "issueMonth": issued_on.month,
    }
    if expires is not None:
        params.update(expirationYear=expires.year, expirationMonth=expires.month)
    params.update(certUrl=cert_url, certId=cert_id)
    return f"{LINKEDIN_ADD}?{urlencode(params, quote_via=quote)}"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height read from a PNG's IHDR chunk (256 × 256 when unreadable)."""
    if len(png) >= 24 and png[12:16] == b"IHDR":
        width, height = struct.unpack(">II", png[16:24])
        if 0 < width <= 10000 and 0 < height <= 10000:
            return width, height
    return 256, 256


def png_as_svg(png: bytes) -> str:
    """An SVG that only shows a PNG (as a data URI), for badges whose image has no SVG form."""
    width, height = png_size(png)
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<image width="{width}" height="{height}" xlink:href="data:image/png;base64,{data}"/>'
        f"</svg>"
    )


def baked_png(row: Assertion) -> bytes:
    """The badge image with the signed badge (the JWS stored at award time) baked in, as the spec asks."""
    return badges.bake_png(row.badge_class.image_png, row.jws)


def baked_svg(row: Assertion) -> bytes:
    """The badge as SVG with the signed badge baked in (wrapping the PNG when there is no SVG)."""
    source = row.badge_class.image_svg or png_as_svg(row.badge_class.image_png)
    return badges.bake_svg(source, row.jws, signed=True)


def baked_credential(row: Assertion, kind: str) -> bytes:
    """The badge image with its Open Badges 3.0 credential baked in (OB 3.0 baking rules)."""
    assert row.credential, "only a badge that has a credential"
    if kind == "png":
        return ob3.bake_credential_png(row.badge_class.image_png, row.credential)
    source = row.badge_class.image_svg or png_as_svg(row.badge_class.image_png)
    return ob3.bake_credential_svg(source, row.credential)


def credential_uids(db: Session, learner_id: int) -> set[str]:
    """The uids of a learner's live badges that also exist as an Open Badges 3.0 credential."""
    return set(
        db.scalars(
            select(Assertion.uid).where(
                Assertion.learner_id == learner_id,
                Assertion.revoked_at.is_(None),
                Assertion.credential.is_not(None),
            )
        )
    )


def twin_uids(db: Session, learner_id: int) -> dict[str, str]:
    """The uid of each live badge's live e-mail twin (for backpacks), by the badge's own uid."""
    original = aliased(Assertion)
    rows = db.execute(
        select(original.uid, Assertion.uid)
        .join(original, original.id == Assertion.twin_of_id)
        .where(
            original.learner_id == learner_id,
            original.revoked_at.is_(None),
            Assertion.revoked_at.is_(None),
        )
    )
    return {str(first): str(twin) for first, twin in rows}


def _branch_name(rt: Runtime, branch_id: str) -> str:
    try:
        return rt.tree.branch(branch_id).name
    except KeyError:  # a branch gone from the tree keeps its id as its name
        return branch_id


def portfolio_badges(
    db: Session, rt: Runtime, learner: Learner, organization: str, now: datetime
) -> list[SharedBadge]:
    """What a young person's page lists: each live badge, with its sharing links."""
    shown = []
    for row in live_assertions(db, learner.id):
        bc = row.badge_class
        url = rt.urls.assertion(row.uid)
        shown.append(
            SharedBadge(
                uid=row.uid,
                name=bc.name,
                image_url=rt.urls.badge_image(bc.skill_id, bc.version),
                assertion_url=url,
                issued_on=row.issued_on,
                expires=row.expires,
                expired=row.expires is not None and row.expires < now,
                branch=_branch_name(rt, bc.branch_id),
                tier=bc.tier,
                linkedin=linkedin_url(
                    name=bc.name,
                    organization=organization,
                    issued_on=row.issued_on,
                    cert_url=url,
                    cert_id=row.uid,
                    expires=row.expires,
                ),
                observation=row.evidence_narrative or "",
                skill_id=row.skill_id,
            )
        )
    return shown


@dataclass(frozen=True)
class WithdrawnBadge:
    """A badge that was revoked: shown to its owner as withdrawn, with the reason, not silently gone."""

    name: str
    issued_on: datetime
    revoked_at: datetime
    reason: str


def withdrawn_badges(db: Session, learner_id: int) -> list[WithdrawnBadge]:
    """The learner's revoked badges, latest withdrawal first."""
    rows = db.scalars(
        select(Assertion)
        .options(selectinload(Assertion.badge_class))
        .where(Assertion.learner_id == learner_id, Assertion.revoked_at.is_not(None))
        .order_by(Assertion.revoked_at.desc(), Assertion.id.desc())
    )
    return [
        WithdrawnBadge(r.badge_class.name, r.issued_on, r.revoked_at, r.revocation_reason or "")
        for r in rows
        if r.revoked_at is not None
    ]


@dataclass(frozen=True)
class BranchProgress:
    """One branch of the tree as its owner sees it: how far they went, what is within reach."""

    name: str
    earned: int
    total: int
    within_reach: tuple[str, ...]  # names of the skills that can be awarded next


@dataclass(frozen=True)
class Progress:
    """Where a young person stands in the whole tree."""

    earned: int
    total: int
    branches: tuple[BranchProgress, ...]

    @property
    def within_reach(self) -> int:
        """How many badges can be awarded next."""
        return sum(len(b.within_reach) for b in self.branches)


def progress(rt: Runtime, earned: set[str]) -> Progress:
    """The tree with the learner's progress: « 7 badges sur 22 », and the next badges within reach."""
    tree = rt.tree
    states = tree.status(earned)
    branches = []
    for branch in tree.branches:
        skills = sorted(tree.skills_of(branch.id), key=lambda s: s.tier)
        branches.append(
            BranchProgress(
                name=branch.name,
                earned=sum(1 for s in skills if states[s.id].status == "earned"),
                total=len(skills),
                within_reach=tuple(s.name for s in skills if states[s.id].status == "unlocked"),
            )
        )
    got = sum(b.earned for b in branches)
    return Progress(earned=got, total=len(tree.skills), branches=tuple(branches))


README = """Vos Open Badges — {issuer}
{underline}

Ce dossier contient tous vos badges, exportés le {date}.
Chaque sous-dossier correspond à un badge :

  badge.png           l'image du badge ; la preuve signée est cachée à l'intérieur.
                      C'est ce fichier qu'il faut importer dans un sac à badges
                      (« backpack ») ou envoyer à un employeur.
  badge.svg           la même chose au format SVG.
  badge.jws           la preuve signée seule (texte), pour les outils qui la demandent.
  badge-email.png/.svg  la version e-mail du badge, si vous avez confirmé une adresse :
                      c'est elle qu'acceptent les sacs à badges (Badgr, Open Badge
                      Passport, Moodle), avec cette même adresse.
  assertion.json      le badge lui-même (format Open Badges 2.0, JSON-LD).
  badge.ob3.json      le même badge au format Open Badges 3.0 (attestation vérifiable
                      signée), celui que lisent les portefeuilles numériques récents.
  badge.ob3.png/.svg  l'image du badge avec, cachée à l'intérieur, son attestation
                      Open Badges 3.0 (pour les portefeuilles qui lisent les images).
  badge-email.ob3.json  sa version e-mail au format Open Badges 3.0, s'il y en a une.
  classe-de-badge.json  ce que le badge certifie : nom, description, critères.

emetteur.json décrit la structure qui a délivré les badges.

Pour vérifier un badge, il suffit d'ouvrir son adresse (champ « id » de
assertion.json), ou de déposer son image sur la page
« Vérifier un badge » du site de l'émetteur : {verify}

Les badges retirés (révoqués) par l'émetteur ne figurent pas dans ce dossier.

Ces fichiers sont à vous : gardez-les, partagez-les avec qui vous voulez.
"""


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)


def export_zip(
    db: Session,
    rt: Runtime,
    learner: Learner,
    issuer: IssuerProfile,
    profile_json: bytes,
    now: datetime,
    zone: tzinfo,
) -> bytes:
    """A zip of every live badge of a learner: JSON-LD, JWS, baked PNG and SVG, and a README."""
    out = io.BytesIO()
    stamp = _zip_time(now)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, data: bytes | str) -> None:
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data)

        title = f"Vos Open Badges — {issuer.name}"
        put(
            "README.txt",
            README.format(
                issuer=issuer.name,
                underline="=" * len(title),
                date=dates.day(now, zone),
                verify=f"{rt.urls.base}/verifier",
            ),
        )
        put("emetteur.json", profile_json)
        rows = live_assertions(db, learner.id)
        twins = live_twins(db, [r.id for r in rows])
        for index, row in enumerate(rows, start=1):
            folder = f"{index:02d}-{row.skill_id}/"
            put(folder + "assertion.json", row.document)
            put(folder + "classe-de-badge.json", row.badge_class.document)
            # The JWS stored at award time, whichever key signed it: a retired key keeps verifying.
            put(folder + "badge.jws", row.jws)
            put(folder + "badge.png", baked_png(row))
            put(folder + "badge.svg", baked_svg(row))
            if row.credential:  # its Open Badges 3.0 version, for wallets: as JSON and baked
                put(folder + "badge.ob3.json", row.credential)
                put(folder + "badge.ob3.png", baked_credential(row, "png"))
                put(folder + "badge.ob3.svg", baked_credential(row, "svg"))
            twin = twins.get(row.id)
            if twin is not None and twin.jws:  # the version for backpacks, to the address they confirmed
                put(folder + "badge-email.png", baked_png(twin))
                put(folder + "badge-email.svg", baked_svg(twin))
                if twin.credential:
                    put(folder + "badge-email.ob3.json", twin.credential)
    return out.getvalue()
