"""Languages: French first, English second; the one module that imports Flask-Babel."""

from __future__ import annotations

from datetime import date

from flask import Flask, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext, to_user_timezone

from .models import utcnow

LANGUAGES = ("fr", "en")
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

# Re-exported so that views and forms import translation helpers from here only.
__all__ = ["LANGUAGES", "COOKIE", "gettext", "lazy_gettext", "ngettext", "current_language", "init_app",
           "local_today"]


def select_locale() -> str:
    """The `lang` cookie when it names a known language, else the browser's preference, else French."""
    chosen = request.cookies.get(COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current_language() -> str:
    """The two-letter code of the language of this request."""
    locale = get_locale()
    return locale.language if locale is not None else LANGUAGES[0]


def local_today() -> date:
    """Today's date where the structure is (BABEL_DEFAULT_TIMEZONE), not where the server is."""
    return to_user_timezone(utcnow()).date()


def init_app(app: Flask) -> None:
    """Install Flask-Babel (catalogues in issuer/translations) and expose the language to templates."""
    Babel(app, locale_selector=select_locale)

    @app.context_processor
    def _language():
        return {"current_locale": current_language()}
