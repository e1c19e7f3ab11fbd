"""Sending a tournament's standings, then confirming the draft the mediator filled in."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField

from ..learners.forms import age_band_for_new_records
from ..web.forms import PalierForm, trimmed, upload
from ..web.i18n import lazy_gettext as _l


class StandingsForm(PalierForm):
    """A start.gg or Toornament JSON export, or a CSV of pseudos and places."""

    file = upload(
        _l("Classement du tournoi (start.gg, Toornament ou CSV)"),
        _l("Choisissez un fichier de classement."),
        ".json,.csv,application/json,text/csv",
    )


class DraftForm(PalierForm):
    """The draft: per player a badge and an observation (``skill-<n>``, ``obs-<n>``, read by the view)."""

    content = HiddenField()
    narrative = trimmed(TextAreaField, _l("Observation commune (pour les lignes sans observation)"), max=4000)
    age_band = age_band_for_new_records(_l("Tranche d'âge des joueur·ses qui n'ont pas encore de fiche"))
