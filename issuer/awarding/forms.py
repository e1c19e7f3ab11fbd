"""Awarding one badge from the learner's page, and revoking one."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..web.forms import PalierForm, strip
from ..web.i18n import lazy_gettext as _l


def _optional_int(value: str | int | None) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AwardForm(PalierForm):
    """What the mediator observed; each skill's form gets its own prefix so that ids stay unique."""

    narrative = TextAreaField(
        _l("Ce que vous avez observé"),
        filters=[strip],
        validators=[
            DataRequired(_l("Décrivez ce que vous avez observé : c'est la preuve du badge.")),
            Length(max=4000, message=_l("4000 caractères au plus.")),
        ],
    )
    game = StringField(
        _l("Jeu (facultatif)"),
        filters=[strip],
        validators=[Length(max=160, message=_l("160 caractères au plus."))],
    )
    url = StringField(
        _l("Lien vers une preuve (facultatif)"),
        filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("500 caractères au plus."))],
        render_kw={"inputmode": "url", "placeholder": "https://", "autocapitalize": "none"},
    )
    session_id = SelectField(_l("Séance (facultative)"), coerce=_optional_int)
    override_reason = TextAreaField(
        _l("Raison de passer outre les prérequis"),
        filters=[strip],
        validators=[Length(max=500, message=_l("500 caractères au plus."))],
    )


class RevokeForm(PalierForm):
    """Revoking a badge: the reason is shown to whoever checks it."""

    reason = TextAreaField(
        _l("Raison de la révocation"),
        filters=[strip],
        validators=[
            DataRequired(_l("Indiquez la raison : elle sera affichée à qui vérifie le badge.")),
            Length(max=500, message=_l("500 caractères au plus.")),
        ],
    )
