"""Dates as people read them, with Babel, in the structure's time zone (``BABEL_DEFAULT_TIMEZONE``).

Pure (no Flask): pages, the cahier and the CLI format through here. The web layer passes the
request's language; the time zone is the instance's, never the server's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime

DEFAULT_ZONE = "Europe/Paris"

# Babel's patterns; French says « 1er mars » and « 14 h 05 », which the CLDR patterns do not.
_MOMENT = {"fr": "d MMMM y 'à' H 'h' mm", "en": "d MMMM y 'at' HH:mm"}


def zone(name: str | None) -> tzinfo:
    """The time zone named in the configuration (UTC when the name is unknown)."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_of(config: Mapping[str, Any]) -> tzinfo:
    """The time zone an app's configuration names."""
    return zone(config.get("BABEL_DEFAULT_TIMEZONE"))


def _local(value: datetime | date, where: tzinfo) -> datetime | date:
    return value.astimezone(where) if isinstance(value, datetime) else value


def day(value: datetime | date | None, where: tzinfo, locale: str = "fr") -> str:
    """« 3 mars 2026 » (« 1er mars 2026 »), or « 3 March 2026 »; '' for no date."""
    if value is None:
        return ""
    local = _local(value, where)
    if locale == "fr" and local.day == 1:
        return "1er " + format_date(local, "MMMM y", locale="fr")
    return format_date(local, "d MMMM y", locale=locale)


def moment(value: datetime | None, where: tzinfo, locale: str = "fr") -> str:
    """« 3 mars 2026 à 14 h 05 » in the structure's time zone; '' for no date."""
    if value is None:
        return ""
    text = format_datetime(value, _MOMENT.get(locale, _MOMENT["en"]), tzinfo=where, locale=locale)
    if locale == "fr" and value.astimezone(where).day == 1:
        text = "1er" + text[1:]
    return text


def short(value: datetime | date | None, where: tzinfo, locale: str = "fr") -> str:
    """« 03/03/2026 », where space is short; '' for no date."""
    if value is None:
        return ""
    return format_date(_local(value, where), "dd/MM/y", locale=locale)
