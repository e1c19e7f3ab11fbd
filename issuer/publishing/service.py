"""The static copy of every public document, written where its URL says, from the database.

Each public URL is a *target*: from the database, it gives the files it should have now (none when
the document is gone), and it knows every file it may own, so that a stale one is removed. The same
targets serve after a commit (only those the transaction touched, see ``issuer.changes``), for
``palier publish --all`` (every target) and for ``palier publish --check`` (every target compared, not
written). JSON-LD and images come from ``issuer.hosted.documents``: the very bytes the app serves.
Pages come from ``pages``, given by the caller: the app renders them (``issuer.publishing.page``).

Everything is parametrised by the ``Runtime`` (its ``urls`` mint the addresses) and the folder: a
structure with its own base URL is published by calling the same functions with its runtime.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import badges

from ..awarding import ob3
from ..changes import Changes
from ..hosted import documents as hosted
from ..models import Assertion, BadgeClassVersion, Learner, SigningKey, utcnow
from ..runtime import Runtime
from . import files
from .layout import CREDENTIAL, GONE, HTML, JSON, TOP_LEVEL, relative, structure_folder

__all__ = [
    "Pages",
    "PublishError",
    "Report",
    "Target",
    "check",
    "expired_targets",
    "publish",
    "publish_all",
    "targets_of",
]

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent.parent / "static"

# The page at a URL path (relative to the base URL), as the app renders it for the static copy:
# its HTTP status and bytes, or None when the app has no page there.
Pages = Callable[[str], "tuple[int, bytes] | None"]


class PublishError(RuntimeError):
    """A document could not be rendered for the static copy (the app answered an error)."""


@dataclass(frozen=True)
class Target:
    """One public URL: what kind of document, and its key (a uid, a kid, a skill and version...)."""

    kind: str
    key: tuple[str, ...] = ()


@dataclass
class Report:
    """What a publication wrote and removed, or (``check``) found missing, stale or extra."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Whether the folder matched the database (for ``check``)."""
        return not (self.missing or self.stale or self.extra)


@dataclass(frozen=True)
class _Context:
    db: Session
    rt: Runtime
    config: Mapping[str, Any]
    pages: Pages

    def rel(self, url: str) -> str:
        return relative(self.rt.urls, url)

    def page(self, url: str, *, allowed: tuple[int, ...] = (200,)) -> bytes | None:
        rendered = self.pages("/" + self.rel(url))
        if rendered is None or rendered[0] == 404:
            return None
        status, body = rendered
        if status not in allowed:
            raise PublishError(f"la page {url} a répondu {status}")
        return body


def _negotiated(ctx: _Context, url: str, doc: hosted.Hosted | None) -> dict[str, bytes | None]:
    rel = ctx.rel(url)
    if doc is None:
        return {rel + JSON: None, rel + HTML: None}
    return {rel + JSON: doc.body, rel + HTML: ctx.page(url)}


def _issuer(ctx: _Context) -> dict[str, bytes | None]:
    urls = ctx.rt.urls
    found = _negotiated(ctx, urls.issuer, hosted.issuer_profile(ctx.db, ctx.rt, ctx.config))
    found[ctx.rel(hosted.logo_url(ctx.rt))] = hosted.issuer_logo(ctx.db) or None
    return found


def _key(ctx: _Context, kid: str) -> dict[str, bytes | None]:
    urls = ctx.rt.urls
    found = _negotiated(ctx, urls.issuer_for_key(kid), hosted.issuer_profile(ctx.db, ctx.rt, ctx.config, kid))
    doc = hosted.key(ctx.db, ctx.rt, kid)
    found[ctx.rel(urls.key(kid)) + JSON] = doc.body if doc else None
    return found


def _revocations(ctx: _Context) -> dict[str, bytes | None]:
    return {ctx.rel(ctx.rt.urls.revocations) + JSON: hosted.revocations(ctx.db, ctx.rt).body}


def _badge_class(ctx: _Context, skill: str, version: str) -> dict[str, bytes | None]:
    urls, number = ctx.rt.urls, int(version)
    row = hosted.badge_class_row(ctx.db, skill, number)
    found = _negotiated(ctx, urls.badge_class(skill, number), hosted.badge_class(row) if row else None)
    image = ctx.rel(urls.badge_image(skill, number))
    svg = hosted.badge_image(row, "svg") if row else None
    found[image] = row.image_png if row else None
    found[image.removesuffix(".png") + ".svg"] = svg.body if svg else None
    found[ctx.rel(urls.criteria(skill, number)) + HTML] = (
        ctx.page(urls.criteria(skill, number)) if row else None
    )
    return found


def _assertion(ctx: _Context, uid: str) -> dict[str, bytes | None]:
    url = ctx.rt.urls.assertion(uid)
    rel = ctx.rel(url)
    record = hosted.assertion_record(ctx.db.get_bind().engine, uid)
    if record is None:
        return {rel + JSON: None, rel + HTML: None, rel + GONE: None}
    credential = hosted.assertion_credential(ctx.db, uid)  # its Open Badges 3.0 twin, if it has one
    live_credential = credential.body if credential is not None and credential.status == 200 else None
    if record.revoked:
        # The live files go first: from then on nginx can only answer 410 (or ask the app).
        return {
            rel + JSON: None,
            rel + CREDENTIAL: None,
            rel + GONE: hosted.revoked_assertion(ctx.rt, record).body,
            rel + CREDENTIAL + GONE: credential.body if credential is not None else None,
            rel + HTML: ctx.page(url, allowed=(410,)),
        }
    return {
        rel + JSON: record.document.encode("utf-8"),
        rel + CREDENTIAL: live_credential,
        rel + HTML: ctx.page(url),
        rel + GONE: None,
        rel + CREDENTIAL + GONE: None,
    }


def _ob3(ctx: _Context) -> dict[str, bytes | None]:
    """The structure's did:web document and its status list: what verifies its Open Badges 3.0."""
    rt = ctx.rt
    if not rt.ob3:
        return {}
    did = ob3.did_document(ctx.db, rt)
    served = ob3.served_list(ctx.db, rt, ob3.LIST_NUMBER, utcnow())
    return {
        ctx.rel(rt.urls.did_document): badges.canonical_json(did) if did is not None else None,
        ctx.rel(rt.urls.status_list(ob3.LIST_NUMBER)) + JSON: served[0].encode() if served else None,
    }


def _recipient(ctx: _Context, token: str) -> dict[str, bytes | None]:
    url = ctx.rt.urls.recipient(token)
    return _negotiated(ctx, url, hosted.recipient(ctx.db, ctx.rt, token))


def _verifier(ctx: _Context) -> dict[str, bytes | None]:
    """The archive's verification page: with static/public/verifier.js, it checks a badge in the browser."""
    url = ctx.rt.urls.verifier
    return {ctx.rel(url): ctx.page(url)}


_RENDER: dict[str, Callable[..., dict[str, bytes | None]]] = {
    "verifier": _verifier,
    "issuer": _issuer,
    "key": _key,
    "revocations": _revocations,
    "badge_class": _badge_class,
    "assertion": _assertion,
    "recipient": _recipient,
    "ob3": _ob3,
    "static": lambda _ctx: _static(),
}


def _static() -> dict[str, bytes | None]:
    """The stylesheets, scripts and icons the pages use, as the app serves them under /static."""
    return {
        "static/" + path.relative_to(STATIC).as_posix(): path.read_bytes()
        for path in sorted(STATIC.rglob("*"))
        if path.is_file()
    }


def _everything(db: Session) -> list[Target]:
    """Every public URL the database holds (read at once: pages are rendered in between)."""
    found = [Target("static"), Target("issuer"), Target("revocations"), Target("verifier"), Target("ob3")]
    found += [Target("key", (kid,)) for kid in db.scalars(select(SigningKey.kid).order_by(SigningKey.id))]
    found += [
        Target("badge_class", (skill, str(version)))
        for skill, version in db.execute(
            select(BadgeClassVersion.skill_id, BadgeClassVersion.version).order_by(BadgeClassVersion.id)
        )
    ]
    found += [Target("assertion", (uid,)) for uid in db.scalars(select(Assertion.uid).order_by(Assertion.id))]
    tokens = select(Learner.recipient_token).where(Learner.erased_at.is_(None)).order_by(Learner.id)
    found += [Target("recipient", (token,)) for token in db.scalars(tokens)]
    return found


def targets_of(db: Session, changes: Changes) -> list[Target]:
    """The URLs a committed transaction touched (a profile change touches every page naming the issuer)."""
    if changes.profile:
        return _everything(db)
    found: list[Target] = []
    if changes.keys:
        found.append(Target("issuer"))  # it names the active key
        found += [Target("key", (kid,)) for kid in sorted(changes.keys)]
    if changes.revocations:
        found.append(Target("revocations"))
    if changes.ob3 or changes.revocations:
        found.append(Target("ob3"))
    found += [Target("badge_class", (s, str(v))) for s, v in sorted(changes.badge_classes)]
    found += [Target("assertion", (uid,)) for uid in sorted(changes.assertions)]
    found += [Target("recipient", (token,)) for token in sorted(changes.recipients)]
    return found


def expired_targets(db: Session, now: datetime) -> list[Target]:
    """The live badges whose expiry has passed: their page copy still says « valide » until rewritten."""
    rows = db.scalars(
        select(Assertion.uid)
        .where(Assertion.revoked_at.is_(None), Assertion.expires.is_not(None), Assertion.expires <= now)
        .order_by(Assertion.id)
    )
    return [Target("assertion", (uid,)) for uid in rows]


def _expected(ctx: _Context, targets: Iterable[Target]) -> Iterator[tuple[str, bytes | None]]:
    for target in targets:
        yield from _RENDER[target.kind](ctx, *target.key).items()


def _apply(folder: Path, items: Iterable[tuple[str, bytes | None]], report: Report) -> set[str]:
    """Write what should be there, remove what should not; return the files that should be there."""
    wanted: set[str] = set()
    for rel, body in items:
        if body is None:
            if files.remove(folder, rel):
                report.removed.append(rel)
            continue
        wanted.add(rel)
        if files.write(folder, rel, body):
            report.written.append(rel)
        else:
            report.unchanged += 1
    return wanted


def publish(
    db: Session,
    rt: Runtime,
    config: Mapping[str, Any],
    root: str | Path,
    pages: Pages,
    targets: Iterable[Target],
) -> Report:
    """Bring the files of ``targets`` under ``root`` up to date with the database; say what moved."""
    report, folder = Report(), Path(root)
    with files.locked(folder):
        _apply(folder, _expected(_Context(db, rt, config, pages), targets), report)
    return report


def publish_all(
    db: Session, rt: Runtime, config: Mapping[str, Any], root: str | Path, pages: Pages
) -> Report:
    """Rebuild the whole static copy from the database; files it no longer holds are removed."""
    folder, report = Path(root), Report()
    with files.locked(folder):
        items = _expected(_Context(db, rt, config, pages), _everything(db))
        wanted = _apply(folder, items, report)
        for rel in sorted(_owned(folder, rt) - wanted):
            if files.remove(folder, rel):
                report.removed.append(rel)
    return report


def check(db: Session, rt: Runtime, config: Mapping[str, Any], root: str | Path, pages: Pages) -> Report:
    """Compare the static copy with the database without writing: missing, stale and extra files."""
    ctx, folder, report = _Context(db, rt, config, pages), Path(root), Report()
    wanted: set[str] = set()
    for rel, body in _expected(ctx, _everything(db)):
        if body is None:
            continue
        wanted.add(rel)
        present = files.read(folder, rel)
        if present is None:
            report.missing.append(rel)
        elif present != body:
            report.stale.append(rel)
        else:
            report.unchanged += 1
    report.extra = sorted(_owned(folder, rt) - wanted)
    return report


def _owned(folder: Path, rt: Runtime) -> set[str]:
    """The files of ``rt``'s structure in the publish directory (another structure's are not its own)."""
    inner = structure_folder(rt.urls)
    if not inner:
        return files.listing(folder, TOP_LEVEL - {"static"}) | files.listing(folder, {"static"})
    mine = files.listing(folder / inner, TOP_LEVEL - {"static"})
    return {f"{inner}/{rel}" for rel in mine} | files.listing(folder, {"static"})
