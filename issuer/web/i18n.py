"""Languages and dates: French first, English second; the one module that imports Flask-Babel."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from flask import Flask, current_app, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext

from .. import dates
from ..models import utcnow

LANGUAGES = ("fr", "en")
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
ZONE = "palier.zone"

# Re-exported so that views and forms import translation helpers from here only.
__all__ = [
    "COOKIE",
    "LANGUAGES",
    "current_language",
    "day",
    "french_dates",
    "gettext",
    "init_app",
    "lazy_gettext",
    "local_today",
    "moment",
    "ngettext",
    "short_date",
]


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


def _zone() -> tzinfo:
    zone: tzinfo = current_app.extensions[ZONE]
    return zone


def local_today() -> date:
    """Today's date where the structure is (BABEL_DEFAULT_TIMEZONE), not where the server is."""
    return utcnow().astimezone(_zone()).date()


def day(value: datetime | date | None) -> str:
    """A date for this request's reader: « 3 mars 2026 »."""
    return dates.day(value, _zone(), current_language())


def moment(value: datetime | None) -> str:
    """A date and time for this request's reader: « 3 mars 2026 à 14 h 05 »."""
    return dates.moment(value, _zone(), current_language())


def short_date(value: datetime | date | None) -> str:
    """A short date: « 03/03/2026 »."""
    return dates.short(value, _zone(), current_language())


def french_dates() -> dict[str, Any]:
    """The date helpers of public pages, which are written in French whatever the reader's language."""
    return {
        "day": lambda value: dates.day(value, _zone(), "fr"),
        "moment": lambda value: dates.moment(value, _zone(), "fr"),
    }


def init_app(app: Flask) -> None:
    """Install Flask-Babel (catalogues in issuer/translations); give templates the language and dates."""
    Babel(app, locale_selector=select_locale)
    app.extensions[ZONE] = dates.zone(app.config.get("BABEL_DEFAULT_TIMEZONE"))
    app.jinja_env.globals.update(day=day, moment=moment, short_date=short_date)

    @app.context_processor
    def _language() -> dict[str, str]:
        return {"current_locale": current_language()}
