"""Awarding one badge from the learner's page, and revoking one."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, StringField, TextAreaField

from ..web.forms import PalierForm, trimmed
from ..web.i18n import lazy_gettext as _l


def _optional_int(value: str | int | None) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def evidence_url() -> Any:
    """The optional link to an evidence, as every award form asks for it."""
    return trimmed(StringField, _l("Lien vers une preuve (facultatif)"), max=500, optional=True,
                   render_kw={"inputmode": "url", "placeholder": "https://", "autocapitalize": "none"})  # fmt: skip


class AwardForm(PalierForm):
    """What the mediator observed; each skill's form gets its own prefix so that ids stay unique."""

    narrative = trimmed(TextAreaField, _l("Ce que vous avez observé"), max=4000,
                        required=_l("Décrivez ce que vous avez observé : c'est la preuve du badge."))  # fmt: skip
    game = trimmed(StringField, _l("Jeu (facultatif)"), max=160)
    url = evidence_url()
    session_id = SelectField(_l("Séance (facultative)"), coerce=_optional_int)
    override_reason = trimmed(TextAreaField, _l("Raison de passer outre les prérequis"), max=500)


class RevokeForm(PalierForm):
    """Revoking a badge: the reason is shown to whoever checks it."""

    reason = trimmed(TextAreaField, _l("Raison de la révocation"), max=500,
                     required=_l("Indiquez la raison : elle sera affichée à qui vérifie le badge."))  # fmt: skip
