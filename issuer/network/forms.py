"""The network administrator's form: a new structure."""

from __future__ import annotations

from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length

from ..web.forms import PalierForm, email_address, strip, trimmed
from ..web.i18n import lazy_gettext as _l


class StructureForm(PalierForm):
    """A new structure of the network."""

    name = trimmed(StringField, _l("Nom de la structure"), max=200, required=_l("Indiquez un nom."))
    slug = trimmed(
        StringField,
        _l("Identifiant dans les adresses (permanent)"),
        max=40,
        required=_l("Indiquez un identifiant, par exemple tiers-lieu-nord."),
    )
    email = EmailField(
        _l("Adresse de contact publiée"),
        filters=[strip],
        validators=[DataRequired(_l("Indiquez une adresse e-mail.")), Length(max=254), email_address],
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
