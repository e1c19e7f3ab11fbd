"""The administrator's token form, and the mediators' confirm and reject buttons."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, NumberRange

from ..web.forms import PalierForm, choice, trimmed
from ..web.i18n import lazy_gettext as _l
from .tokens import AWARDS_CREATE, AWARDS_READ, MAX_DAYS, RECIPIENTS_LINK

SCOPE_CHOICES = [
    choice(AWARDS_CREATE, _l("awards:create — délivrer des badges (ou les proposer, pour une intégration)")),
    choice(AWARDS_READ, _l("awards:read — lire un badge délivré par la structure")),
    choice(
        RECIPIENTS_LINK, _l("recipients:link — créer ou retrouver un·e jeune par un identifiant pseudonyme")
    ),
]


class TokenForm(PalierForm):
    """A new API token."""

    name = trimmed(StringField, _l("Nom du jeton"), max=120, required=_l("Donnez un nom au jeton."))
    scopes = SelectMultipleField(
        _l("Permissions"),
        choices=SCOPE_CHOICES,
        validate_choice=True,
        validators=[DataRequired(_l("Choisissez au moins une permission."))],
    )
    skills = SelectMultipleField(_l("Badges que ce jeton peut délivrer (aucun coché : tous)"),
                                 validate_choice=True)  # fmt: skip
    integration = BooleanField(_l("Intégration (plateforme de tournoi…) : ne délivre jamais, propose"))
    days = IntegerField(
        _l("Validité, en jours"),
        default=90,
        validators=[
            DataRequired(_l("Indiquez une durée de validité.")),
            NumberRange(1, MAX_DAYS, _l("De 1 à %(max)s jours.", max=MAX_DAYS)),
        ],
    )


class ActionForm(PalierForm):
    """A button that changes one thing (renew, withdraw, confirm, reject): its CSRF and one-time tokens."""
