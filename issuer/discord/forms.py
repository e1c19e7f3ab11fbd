"""The Discord settings an administrator sets, the mediators' button for a link code, and the young
people's claim form."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import InputRequired

from ..models import AGE_BAND_LABELS, AgeBand
from ..web.forms import PalierForm, choice, trimmed
from ..web.i18n import lazy_gettext as _l


class SettingsForm(PalierForm):
    """The structure's Discord application, from the Developer Portal, and its server."""

    application_id = trimmed(StringField, _l("Identifiant de l'application (Application ID)"), max=20,
                             required=_l("Recopiez l'Application ID du Developer Portal."))  # fmt: skip
    public_key = trimmed(StringField, _l("Clé publique (Public Key)"), max=64,
                         required=_l("Recopiez la Public Key du Developer Portal."))  # fmt: skip
    guild_id = trimmed(StringField, _l("Identifiant du serveur Discord (Server ID)"), max=20)


class ActionForm(PalierForm):
    """A button that makes one thing (a link code)."""


class ClaimForm(PalierForm):
    """What a young person gives to receive the badge recognised on Discord: nothing more."""

    code = trimmed(StringField, "Votre code", max=40, required="Recopiez le code reçu de votre médiateur·rice.",
                   render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})  # fmt: skip
    first_name = trimmed(StringField, "Votre prénom (ou un pseudo)", max=80,
                         required="Indiquez un prénom ou un pseudo.", render_kw={"autocomplete": "off"})  # fmt: skip
    age_band = RadioField(
        "Votre âge",
        choices=[choice(b.value, AGE_BAND_LABELS[b]) for b in AgeBand],
        validators=[InputRequired("Choisissez votre tranche d'âge.")],
    )
    name_public = BooleanField("J'accepte que mon prénom apparaisse sur mes badges publics")
    guardian_consent = BooleanField(
        "J'ai moins de 15 ans et un parent (ou la personne qui a l'autorité parentale) est d'accord"
    )
