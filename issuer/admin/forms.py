"""Administration: staff accounts, the issuer's profile, confirmations."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from ..models import Role
from ..passwords import MIN_LENGTH
from ..web.forms import FileField, PalierForm, choice, email_address, strip, trimmed
from ..web.i18n import lazy_gettext as _l

ROLE_CHOICES = [
    choice(Role.MEDIATOR.value, _l("Médiateur·rice")),
    choice(Role.ADMIN.value, _l("Administrateur·rice")),
    choice(Role.VOLUNTEER.value, _l("Bénévole (délivre seulement les badges et séances confiés)")),
]
# How a role reads in lists of accounts.
ROLE_LABELS = {
    Role.MEDIATOR: _l("médiation"),
    Role.ADMIN: _l("administration"),
    Role.VOLUNTEER: _l("bénévolat"),
}


def _password(label: Any) -> Any:
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Indiquez un mot de passe.")),
            Length(
                min=MIN_LENGTH,
                max=1024,
                message=_l("Le mot de passe doit faire au moins %(n)s caractères.", n=MIN_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH},
    )


class UserForm(PalierForm):
    """A new staff account."""

    name = trimmed(StringField, _l("Nom"), max=120, required=_l("Indiquez un nom."))
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[strip],
        validators=[DataRequired(_l("Indiquez une adresse e-mail.")), Length(max=254), email_address],
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    role = RadioField(_l("Rôle"), choices=ROLE_CHOICES, default=Role.MEDIATOR.value)
    password = _password(_l("Mot de passe initial"))


class PasswordForm(PalierForm):
    """A new password for an account."""

    password = _password(_l("Nouveau mot de passe"))


class ProfileForm(PalierForm):
    """The structure that issues the badges, as every badge shows it."""

    name = trimmed(
        StringField, _l("Nom de la structure"), max=200, required=_l("Indiquez le nom de la structure.")
    )
    url = trimmed(StringField, _l("Site web"), max=500, required=_l("Indiquez l'adresse du site."),
                  render_kw={"inputmode": "url", "placeholder": "https://"})  # fmt: skip
    email = trimmed(EmailField, _l("Adresse e-mail de contact"), max=254,
                    required=_l("Indiquez une adresse e-mail."))  # fmt: skip
    description = trimmed(TextAreaField, _l("Présentation (facultative)"), max=2000)
    logo = FileField(
        _l("Logo (PNG, JPEG ou WebP ; 1 Mo au plus)"), render_kw={"accept": "image/png,image/jpeg,image/webp"}
    )


class ConfirmForm(PalierForm):
    """A confirmation for an action that cannot be undone."""

    confirm = BooleanField(_l("Je confirme"), validators=[DataRequired(_l("Cochez la case pour confirmer."))])


class EndorsementForm(PalierForm):
    """Recognising another structure's badge, in this structure's name."""

    structure = SelectField(_l("Structure dont vous reconnaissez le badge"), choices=[], validate_choice=True)
    skill = SelectField(_l("Badge"), choices=[], validate_choice=True)
    comment = trimmed(
        TextAreaField,
        _l("Ce que votre structure reconnaît dans ce badge"),
        max=1000,
        required=_l("Dites en une phrase ce que votre structure reconnaît dans ce badge."),
    )


class AllowancesForm(PalierForm):
    """What a volunteer may award: which badges, in which sessions."""

    skills = SelectMultipleField(_l("Badges que cette personne peut délivrer"), validate_choice=True)
    sessions = SelectMultipleField(_l("Séances où elle peut les délivrer"), coerce=int, validate_choice=True)
