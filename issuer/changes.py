"""What a transaction changed in the public documents: recorded at each flush, handed on after commit.

Any code that changes an assertion, the issuer profile, a key, a badge class version or a learner goes
through the ORM and a flush; the listener below notes in ``session.info`` which public documents
that touches. After the commit, the hooks registered for the app's session factory are called with
that note (the cache stamp of the hosted documents, the static copy); after a rollback it is dropped,
so nothing is ever announced for a transaction that did not happen. A hook that fails is logged and
never undoes or hides the commit: the award, the revocation, stay done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, sessionmaker

from . import tenancy
from .models import Assertion, BadgeClassVersion, IssuerProfile, Learner, Ob3Key, SigningKey, StatusList

__all__ = ["Changes", "on_commit"]

INFO_KEY = "palier.changes"
log = logging.getLogger(__name__)


@dataclass
class Changes:
    """The public documents one transaction touched."""

    assertions: set[str] = field(default_factory=set)  # uids: awarded, revoked, erased
    revocations: bool = False  # the revocation list
    profile: bool = False  # the issuer profile, hence every page that names the issuer
    keys: set[str] = field(default_factory=set)  # kids: created, rotated, retired
    badge_classes: set[tuple[str, int]] = field(default_factory=set)  # (skill id, version)
    recipients: set[str] = field(default_factory=set)  # identity tokens that appeared or went away
    ob3: bool = False  # the did:web document (an Ed25519 key) or the status list (a revocation bit)
    structure_id: int | None = None  # the structure the transaction worked in (whose URLs these are)

    def __bool__(self) -> bool:
        return bool(
            self.assertions
            or self.revocations
            or self.profile
            or self.keys
            or self.badge_classes
            or self.recipients
            or self.ob3
        )

    def note(self, obj: object, *, gone: bool = False) -> None:
        """Add what one new, changed or deleted ORM object touches."""
        if isinstance(obj, Assertion):
            self.assertions.add(obj.uid)
            if gone or obj.revoked_at is not None:
                self.revocations = True
        elif isinstance(obj, IssuerProfile):
            self.profile = True
        elif isinstance(obj, SigningKey):
            self.keys.add(obj.kid)
        elif isinstance(obj, BadgeClassVersion):
            self.badge_classes.add((obj.skill_id, obj.version))
        elif isinstance(obj, (Ob3Key, StatusList)):
            self.ob3 = True
        elif isinstance(obj, Learner) and obj.recipient_token:
            self.recipients.add(obj.recipient_token)


Hook = Callable[[Changes], None]
_HOOKS = "_palier_commit_hooks"  # kept on the session factory itself: gone with its app


def pending(session: Session) -> Changes:
    """The changes noted so far in the session's current transaction."""
    found: Changes = session.info.setdefault(INFO_KEY, Changes())
    return found


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    changes = pending(session)
    for obj in chain(session.new, session.dirty):
        if obj in session.new or session.is_modified(obj, include_collections=False):
            changes.note(obj)
    for obj in session.deleted:
        changes.note(obj, gone=True)


def _after_commit(hooks: list[Hook], session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released (SQLAlchemy says « after_commit » for it too): nothing is committed yet
    changes: Changes | None = session.info.pop(INFO_KEY, None)
    if not changes:
        return
    changes.structure_id = tenancy.bound(session)
    for hook in list(hooks):
        try:
            hook(changes)
        except Exception:  # the commit stands whatever a hook meets; each hook says how to repair
            log.exception("après l'enregistrement, %s a échoué", getattr(hook, "__qualname__", hook))


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    # A savepoint rolled back leaves the outer transaction's notes (publishing too much is harmless:
    # documents are rendered from the database); the whole transaction rolled back drops them.
    if not previous.nested:
        session.info.pop(INFO_KEY, None)


def on_commit(factory: sessionmaker[Session], hook: Hook) -> None:
    """Call ``hook`` with what each committed transaction of ``factory``'s sessions changed."""
    hooks: list[Hook] | None = vars(factory).get(_HOOKS)
    if hooks is None:
        hooks = vars(factory)[_HOOKS] = []
        event.listen(factory, "after_flush", _after_flush)
        event.listen(factory, "after_soft_rollback", _after_soft_rollback)
        found = hooks

        def after_commit(session: Session, *_args: Any) -> None:
            _after_commit(found, session)

        event.listen(factory, "after_commit", after_commit)
    if hook not in hooks:
        hooks.append(hook)
