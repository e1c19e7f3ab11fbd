"""Who is logged in: Flask-Login wiring, the staff account behind a request, role checks.

The one module that imports Flask-Login.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, g, session
from flask.typing import ResponseReturnValue
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from .. import db, tenancy
from ..accounts.service import session_user
from ..errors import Code, Unavailable
from ..models import Membership, Role, User
from .i18n import lazy_gettext
from .structures import choose_for_staff, staff_places

__all__ = [
    "Staff",
    "actor",
    "admin_required",
    "current_user",
    "log_in",
    "log_out",
    "require_admin",
    "require_network_admin",
    "require_not_volunteer",
    "require_staff",
    "staff_required",
]

login_manager = LoginManager()
F = TypeVar("F", bound=Callable[..., Any])


class Staff:
    """The logged-in account, as Flask-Login sees it (the model itself stays free of Flask)."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, user: User, key: str) -> None:
        self.user = user
        self.key = key  # this browser's session, recorded (hashed) in staff_sessions

    @property
    def is_active(self) -> bool:
        """Whether the account may log in."""
        return bool(self.user.active)

    @property
    def place(self) -> Membership | None:
        """This person's place in the structure they work in now (None: they belong to none)."""
        return choose_for_staff(self.user.id)

    @property
    def role(self) -> str | None:
        """Their role in the structure they work in now."""
        place = self.place
        return None if place is None else place.role

    @property
    def is_admin(self) -> bool:
        """Whether they administer the structure they work in now."""
        return self.role == Role.ADMIN

    @property
    def is_volunteer(self) -> bool:
        """Whether they only award, the skills and sessions allowed to them."""
        return self.role == Role.VOLUNTEER

    @property
    def is_network_admin(self) -> bool:
        """Whether they run the network: structures and figures, no learner's record."""
        return bool(self.user.network_admin)

    @property
    def places(self) -> list[Membership]:
        """Every structure they belong to (for the switcher)."""
        return staff_places(self.user.id)

    @property
    def id(self) -> int:
        """The account's database id."""
        return self.user.id

    @property
    def name(self) -> str:
        """The account's display name."""
        return self.user.name

    @property
    def email(self) -> str:
        """The account's email address."""
        return self.user.email

    def get_id(self) -> str:
        """The value Flask-Login keeps in the session cookie."""
        return f"{self.user.id}.{self.key}"


class Anonymous(AnonymousUserMixin):
    """Nobody logged in."""

    is_admin = False
    is_volunteer = False
    is_network_admin = False
    role = None
    place = None
    places: list[Membership] = []
    user = None


def load_staff(value: str) -> Staff | None:
    """The account of an open session named by a cookie, or None (ended, unknown, account disabled).

    When the database is away, the request fails once with a clear 503; the error page it leads to is
    then drawn for an anonymous visitor, instead of asking the database again (and failing bare).
    """
    ident, _, key = (value or "").partition(".")
    if not ident.isdigit() or len(ident) > 18 or g.get("palier_loader_failed"):
        return None
    try:
        user = session_user(db.session(), int(ident), key)
    except SQLAlchemyError:
        g.palier_loader_failed = True
        db.session().rollback()
        raise Unavailable(Code.DATABASE_UNAVAILABLE) from None
    return None if user is None else Staff(user, key)


def log_in(user: User, key: str) -> None:
    """Give this browser the session ``key`` opened for ``user`` (the old cookie's content is dropped)."""
    session.clear()
    login_user(Staff(user, key))
    session.permanent = False


def current_session_key() -> str | None:
    """The key of this browser's open session, if someone is logged in."""
    return getattr(current_user, "key", None)


def log_out() -> None:
    """Forget the session in this browser (the caller ends it in the database)."""
    logout_user()
    session.clear()


def actor() -> User | None:
    """The account acting in this request, as the services expect it."""
    return getattr(current_user, "user", None)


def require_staff() -> ResponseReturnValue | None:
    """A blueprint guard: anonymous visitors go to the login page; the others work in their structure.

    Someone who belongs to no structure (a network administrator only) has no structure's pages.
    """
    if not current_user.is_authenticated:
        to_login: ResponseReturnValue = login_manager.unauthorized()
        return to_login
    if current_user.place is None:
        abort(403)
    return None


def require_admin() -> ResponseReturnValue | None:
    """A blueprint guard: staff only, and the structure's administrators only (others get 403)."""
    refused = require_staff()
    if refused is not None:
        return refused
    if not current_user.is_admin:
        abort(403)
    return None


def require_network_admin() -> ResponseReturnValue | None:
    """A blueprint guard: the network's administrators only; their pages see every structure."""
    if not current_user.is_authenticated:
        to_login: ResponseReturnValue = login_manager.unauthorized()
        return to_login
    if not current_user.is_network_admin:
        abort(403)
    tenancy.unbind(db.session())
    return None


def require_not_volunteer() -> ResponseReturnValue | None:
    """A blueprint guard: staff who manage learners (a volunteer only awards, from the award pages)."""
    refused = require_staff()
    if refused is not None:
        return refused
    if current_user.is_volunteer:
        abort(403)
    return None


def _guarded_by(check: Callable[[], ResponseReturnValue | None], view: F) -> F:
    """``view``, answered only when ``check`` refuses nothing (otherwise its refusal is the answer)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        refused = check()
        return refused if refused is not None else view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def staff_required(view: F) -> F:
    """Decorate a view that only logged-in staff may use."""
    return _guarded_by(require_staff, view)


def admin_required(view: F) -> F:
    """Decorate a view that only administrators may use."""
    return _guarded_by(require_admin, view)


def init_app(app: Flask) -> None:
    """Install the login manager: French messages, our loader, the login page."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = Anonymous
    login_manager.user_loader(load_staff)
