"""Request protections: CSRF on every state change, login throttling, safe redirects, security headers.

The one module that imports Flask-WTF's CSRF machinery and Flask-Limiter.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypedDict, TypeVar, Unpack
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.blueprints import BlueprintSetupState
from flask.sansio.app import App
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from .. import db
from . import throttle_store
from .errors import error_response
from .once import new_token

_View = TypeVar("_View", bound=Callable[..., Any])


class _CSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, with ``exempt`` typed (Flask-WTF ships no types)."""

    def exempt(self, view: _View) -> _View:
        exempted: _View = super().exempt(view)  # the view itself, recorded as exempt
        return exempted


# Shared by the whole app; a JSON API view opts out with ``@csrf.exempt``.
csrf = _CSRFProtect()

LIMITER = "palier.limiter"

# Nothing inline, nothing from elsewhere: templates use /static files only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"

CSRF_MESSAGE = "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page, puis recommencez."


class RowId(IntegerConverter):
    """``<id:name>`` in a route: a positive integer small enough for every database (else 404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, min=1, max=2**31 - 1)


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback`` (no open redirect)."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


Rule = tuple[str, Callable[[], str]]  # (the setting naming the rate, whose requests count together)


class Limits(TypedDict, total=False):
    """How a throttle applies: to ``methods`` (POST alone when not said), answering ``message``, the
    French 429 (a general one when not said)."""

    methods: tuple[str, ...]
    message: str | None


def throttle(app: App, endpoint: str, *rules: Rule, **limits: Unpack[Limits]) -> None:
    """Limit requests to ``endpoint`` (see ``Limits``): each rule at the rate its setting names, per
    the key it computes."""
    methods, message = limits.get("methods", ("POST",)), limits.get("message")
    limiter: Limiter = app.extensions[LIMITER]
    # Palier's views are synchronous; the wrapper hands on whatever the view answers.
    view: Callable[..., Any] = app.view_functions[endpoint]
    limited = view
    for config_key, key_func in rules:
        # Stacked directly (Flask-Limiter counts once per request only when nothing sits in between);
        # the scope keeps two rules of one view counting apart.
        limited = limiter.limit(
            _rate(config_key),
            methods=[m.lower() for m in methods],
            key_func=key_func,
            scope=f"{endpoint}:{config_key}",
            error_message=message,
        )(limited)

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        # Flask-Limiter runs its whole check even when switched off (a sixth of /api/verify, measured).
        return limited(*args, **kwargs) if limiter.enabled else view(*args, **kwargs)

    app.view_functions[endpoint] = guarded


def _rate(config_key: str) -> Callable[[], str]:
    return lambda: current_app.config[config_key]


def by_address(config_key: str) -> Rule:
    """A rule counting the requests of one client address together."""
    return (config_key, get_remote_address)


def throttled(blueprint: Blueprint, config_key: str, *endpoints: str, **limits: Unpack[Limits]) -> None:
    """Rate-limit these endpoints of ``blueprint`` (see ``Limits``) at the rate ``config_key`` names, per
    client address."""

    def setup(state: BlueprintSetupState) -> None:
        for endpoint in endpoints:
            throttle(state.app, endpoint, by_address(config_key), **limits)

    # Recorded after the routes, so it runs once they are in the app's view functions.
    blueprint.record_once(setup)


def address_and_account() -> str:
    """A login attempt's throttle key: the client's address and the account it names.

    Guessing one account from one address is slowed down; the account's owner, from elsewhere, is not.
    """
    email = (request.form.get("email") or "").strip().casefold()[:254]
    return f"{get_remote_address()}|{email}"


def _make_limiter(app: Flask) -> Limiter:
    # One limiter (and so one storage) per app: tests build many apps, each must start counting at 0.
    uri = app.config["RATELIMIT_STORAGE_URI"]
    options: dict[str, Any] = {}
    if uri.startswith(throttle_store.SCHEME + ":"):
        # The app's own database, shared by every worker (registered with ``limits`` on import).
        options["engine"] = db.engine_of(app)
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=uri,
        storage_options=options,
        headers_enabled=False,
        # A throttle that cannot count lets the request through; the request itself then needs the
        # database, and answers 503 if it is away.
        swallow_errors=True,
    )
    limiter.init_app(app)
    return limiter


READY_HEADERS = "palier.ready_headers"


def protective_headers(https: bool) -> tuple[tuple[str, str], ...]:
    """The headers every answer carries (HSTS only when the site is served over HTTPS)."""
    headers = (
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
    return (*headers, ("Strict-Transport-Security", HSTS)) if https else headers


def ready_headers() -> tuple[tuple[str, str], ...]:
    """This app's protective headers, for a hot path that writes them itself (then ``headers_ready``)."""
    headers: tuple[tuple[str, str], ...] = current_app.extensions[READY_HEADERS]
    return headers


def headers_ready(response: Response) -> Response:
    """Mark a response built with ``ready_headers()`` and its own Cache-Control: nothing left to add."""
    # On the response itself, never on ``g``: an error page replacing it must still get every header.
    vars(response)["palier_headers_ready"] = True  # read back from __dict__ by _headers
    return response


def _headers(https: bool) -> Callable[[Response], Response]:
    def add(response: Response) -> Response:
        if response.__dict__.get("palier_headers_ready"):
            return response  # the public documents' hot path: each header lookup scans the list
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint is not None and not request.endpoint.endswith("static"):
            # Pages for logged-in staff carry personal data: never keep them in shared caches.
            if "Cache-Control" not in headers and response.mimetype == "text/html":
                headers["Cache-Control"] = "no-store"
        return response

    return add


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that shared documents do not ``Vary: Cookie``.

    Flask-Login touches the session after every request, so Flask would mark even the public Open
    Badges documents as varying on cookies, and a shared cache could not keep them. A view that
    calls ``cookie_free()`` promises its body never depends on who asks.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if g.get("cookie_free"):
            # A document the same for everyone, cacheable by any proxy: it never carries a cookie,
            # not even a signed-in mediator's (a shared cache would hand it to the next visitor).
            return
        super().save_session(app, session, response)


def cookie_free() -> None:
    """Mark the current answer as the same for everyone (no ``Vary: Cookie``)."""
    g.cookie_free = True


NUL_MESSAGE = "La requête contient un caractère nul : elle a été refusée, rien n'a été modifié."


def _refuse_nul_characters() -> tuple[Response | str, int] | None:
    """Refuse a NUL character in the query or a form field: no text of Palier holds one.

    PostgreSQL refuses NUL bytes in text outright, so letting one reach a query turned bad input into
    an error page; refusing it here, once, keeps every view and backend alike.
    """
    # Paths are left to the views, which answer 404 for ids they cannot hold (JSON with CORS for badge tools).
    if any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        return error_response(400, NUL_MESSAGE, "nul_character")
    if (
        request.method in ("POST", "PUT", "PATCH")
        and request.mimetype
        in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        and any("\x00" in (k or "") or "\x00" in (v or "") for k, v in request.form.items(multi=True))
    ):
        return error_response(400, NUL_MESSAGE, "nul_character")
    return None


def init_app(app: Flask) -> None:
    """Protect state changes with CSRF tokens, create the login limiter, add security headers."""
    proxies = int(app.config["PROXY_COUNT"])
    if proxies > 0:  # behind nginx or Caddy: the client's address and scheme come from their headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.before_request(_refuse_nul_characters)
    csrf.init_app(app)
    app.session_interface = _SessionInterface()
    # Registered before the blueprints, which use it for every database id in their routes.
    app.url_map.converters["id"] = RowId
    app.extensions[LIMITER] = _make_limiter(app)
    https = app.config["BASE_URL"].startswith("https://")
    app.extensions[READY_HEADERS] = protective_headers(https)
    app.after_request(_headers(https))
    # Templates with several small forms give each its own one-time token.
    app.jinja_env.globals["new_token"] = new_token

    @app.errorhandler(CSRFError)
    def _csrf_refused(_exc: CSRFError) -> tuple[Response | str, int]:
        return error_response(400, CSRF_MESSAGE, "csrf")
