"""Carrying out a submitted form: one service call, one commit, a refusal rolled back into a message.

This is the one place in the web layer that commits a form's work (login commits its own, in
``accounts.views``). ``submit`` is the protocol every form view follows: validate, run once, commit,
and say which status the page is shown again with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from .. import db, faults
from ..errors import Code, PalierError, Refused, Unavailable
from ..models import utcnow
from . import once
from .errors import message_of

Action = Callable[[Session], dict[str, Any]]


@dataclass(frozen=True)
class Outcome:
    """What came of a form: the action's result, or the refusal that left everything unchanged."""

    result: dict[str, Any] | None = None
    error: PalierError | None = None
    replayed: bool = False

    @property
    def ok(self) -> bool:
        """Whether the action was carried out (now or the first time the form was sent)."""
        return self.error is None

    @property
    def message(self) -> str:
        """The refusal, in the language of this request ('' when the action was carried out)."""
        return message_of(self.error) if self.error is not None else ""


def form_fingerprint() -> str:
    """What this request's form asks for: its address and fields (tokens aside), files by digest."""
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_CONTENT]
    for name, upload in request.files.items(multi=True):
        data = upload.stream.read()
        upload.stream.seek(0)
        fields.append((name, hashlib.sha256(data).hexdigest()))
    return once.fingerprint(request.path, fields)


_NOT_CONTENT = {"csrf_token", "token"}


def _replayed(session: Session, token: str | None, fingerprint: str | None) -> Outcome | None:
    """The outcome of this token's first run (or its refusal), or None when it never ran."""
    try:
        previous = once.recall(session, token, fingerprint)
    except PalierError as exc:
        return Outcome(error=exc)
    return Outcome(result=previous, replayed=True) if previous is not None else None


def run_once(token: str | None, action: Action) -> Outcome:
    """Run ``action`` in one transaction, unless this token already ran; refusals roll everything back.

    The token is remembered with what the form asked for: the same token sent again with other
    content (or to another form) is refused rather than answered with the first result.
    """
    session = db.session()
    fingerprint = form_fingerprint() if token else None
    replayed = _replayed(session, token, fingerprint)
    if replayed is not None:
        return replayed
    try:
        return Outcome(result=_carry_out(session, action, token, fingerprint))
    except PalierError as exc:
        session.rollback()
        if exc.status >= 500:
            faults.record(exc.status, exc.code, exc.__cause__, path=request.path)
        return Outcome(error=exc)
    except IntegrityError:
        # Two copies of the same form raced: the database let one through; report the first's result.
        session.rollback()
        return _replayed(session, token, fingerprint) or Outcome(error=Refused(Code.CONFLICT))
    except (SQLAlchemyError, OSError) as exc:
        code = faults.classify(exc)
        if code is None:
            raise  # a bug, not a fault: the error handler answers 500 and logs it
        session.rollback()
        faults.record(503, code, exc, path=request.path)
        return Outcome(error=Unavailable(code))


def _carry_out(
    session: Session, action: Action, token: str | None, fingerprint: str | None
) -> dict[str, Any]:
    """The action, remembered with its token and committed; tried once more after a database fault.

    A fault rolls everything back and replaces the pooled connections (see ``db``): if its cause is
    already gone (a read-only spell over, a database back up), the second try, on a fresh connection,
    succeeds; if not, the fault is answered.
    """
    for attempt in (1, 2):
        try:
            result = action(session)
            once.remember(session, token, result, utcnow(), fingerprint)
            session.commit()
            return result
        except (SQLAlchemyError, OSError) as exc:
            if attempt == 2 or isinstance(exc, IntegrityError) or faults.classify(exc) is None:
                raise
            session.rollback()
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Done:
    """The form's action was carried out (now or the first time it was sent): the view redirects."""

    result: dict[str, Any]
    replayed: bool = False
    done: Literal[True] = True
    status: int = 200


@dataclass(frozen=True)
class Shown:
    """The page is shown (again) with ``status``: a GET, an invalid form, or a refusal."""

    status: int = 200
    done: Literal[False] = False
    result: None = None
    replayed: bool = False


# A form view's next step: ``done`` with the action's result, or show the page with ``status``;
# ``if sent.done:`` tells the type checker which one it is.
Submitted = Done | Shown


def submit(form: Any, action: Action) -> Submitted:
    """The form-post protocol: a GET shows the form (200); a POST is validated then run once.

    An invalid form is shown again with 400; a service's refusal is attached to the form (shown above
    its fields) with the refusal's status; a success is ``done``, and the view redirects.
    """
    if request.method != "POST":
        return Shown()
    if not form.validate_on_submit():
        return Shown(status=400)
    outcome = run_once(form.token.data, action)
    if outcome.ok:
        assert outcome.result is not None  # a carried-out action always has its result
        return Done(result=outcome.result, replayed=outcome.replayed)
    assert outcome.error is not None
    form.refuse(outcome.message)
    return Shown(status=outcome.error.status)


class Page:
    """A form view's page, rendered only if it is shown: ``template`` with ``context``."""

    def __init__(self, template: str, **context: Any) -> None:
        self.template, self.context = template, context

    def render(self) -> str:
        """The page's HTML."""
        return render_template(self.template, **self.context)


def answer(
    sent: Submitted, done: str, to: Callable[[dict[str, Any]], str], page: Page
) -> ResponseReturnValue:
    """A form view's answer after ``submit``: once done, ``done`` flashed and a redirect to ``to(result)``;
    otherwise ``page`` again, with the status ``submit`` said."""
    if sent.done:
        flash(done, "success")
        return redirect(to(sent.result))
    return page.render(), sent.status
