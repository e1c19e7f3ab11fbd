"""Recording a young person, and erasing their data."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from ..models import AgeBand, Learner
from ..web.forms import PalierForm, choice, email_address, trimmed
from ..web.i18n import lazy_gettext as _l
from .service import LearnerData

AGE_CHOICES = [
    choice(AgeBand.UNDER_15.value, _l("moins de 15 ans")),
    choice(AgeBand.TEEN.value, _l("15 à 17 ans")),
    choice(AgeBand.ADULT.value, _l("18 ans et plus")),
]


def age_band_for_new_records(label: Any) -> Any:
    """The age band asked once for the records an import creates (optional until one is created)."""
    return RadioField(label, choices=AGE_CHOICES, validators=[Optional()])


class LearnerForm(PalierForm):
    """The few things Palier records about a young person."""

    display_name = trimmed(StringField, _l("Prénom ou pseudo"), max=80,
                           required=_l("Indiquez un prénom ou un pseudo."), render_kw={"autocomplete": "off"})  # fmt: skip
    email = trimmed(EmailField, _l("Adresse e-mail (facultative)"), max=254, validators=(email_address,),
                    render_kw={"autocomplete": "off", "inputmode": "email", "autocapitalize": "none"})  # fmt: skip
    age_band = RadioField(
        _l("Tranche d'âge"),
        choices=AGE_CHOICES,
        default=AgeBand.ADULT.value,
        validators=[InputRequired(_l("Choisissez une tranche d'âge."))],
    )
    name_public = BooleanField(_l("Nom visible publiquement"))
    parental_consent = BooleanField(
        _l("Accord parental recueilli (obligatoire avant 15 ans pour rendre le nom visible)")
    )
    notes = trimmed(TextAreaField, _l("Notes privées"), max=4000)

    def to_data(self) -> LearnerData:
        """The form's content as the learners service takes it."""
        return LearnerData(
            display_name=self.display_name.data or "",
            email=self.email.data or None,
            age_band=self.age_band.data or "",
            name_public=bool(self.name_public.data),
            parental_consent=bool(self.parental_consent.data),
            notes=self.notes.data or "",
        )

    def fill_from(self, learner: Learner) -> None:
        """Show a learner's current record in the form."""
        self.display_name.data = learner.display_name
        self.email.data = learner.email or ""
        self.age_band.data = learner.age_band
        self.name_public.data = learner.name_public_since is not None
        self.parental_consent.data = learner.parental_consent_at is not None
        self.notes.data = learner.notes


class EraseForm(PalierForm):
    """Erasing a young person's data: an explicit acknowledgement is required."""

    understood = BooleanField(
        _l("J'ai compris : ses badges apparaîtront comme révoqués et cette action est définitive."),
        validators=[DataRequired(_l("Cochez la case pour confirmer l'effacement."))],
    )
