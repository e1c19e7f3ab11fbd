"""Game sessions: creating one, awarding a badge to several participants, importing a CSV."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired

from ..awarding.forms import evidence_url
from ..learners.forms import age_band_for_new_records
from ..web.forms import PalierForm, trimmed, upload
from ..web.i18n import lazy_gettext as _l


class SessionForm(PalierForm):
    """A game session or event."""

    title = trimmed(StringField, _l("Titre"), max=160, required=_l("Donnez un titre à la séance."))
    held_on = DateField(_l("Date"), validators=[InputRequired(_l("Indiquez une date valide (jj/mm/aaaa)."))])
    place = trimmed(StringField, _l("Lieu (facultatif)"), max=160)
    game = trimmed(StringField, _l("Jeu (facultatif)"), max=160)
    participants = SelectMultipleField(_l("Participant·es"), coerce=int, validate_choice=True)


class BulkAwardForm(PalierForm):
    """One badge for several participants at once, with one shared observation."""

    skill_id = SelectField(
        _l("Badge à délivrer"), validate_choice=False, validators=[DataRequired(_l("Choisissez un badge."))]
    )
    learners = SelectMultipleField(
        _l("Participant·es qui l'obtiennent"),
        coerce=int,
        validators=[DataRequired(_l("Cochez au moins un·e participant·e."))],
    )
    # Required unless every ticked participant has an observation of their own (checked by the view).
    narrative = trimmed(TextAreaField, _l("Observation commune"), max=4000)
    url = evidence_url()


class CsvImportForm(PalierForm):
    """A tournament's results as a CSV file (columns jeune;competence;observation;lien)."""

    file = upload(_l("Fichier CSV des résultats"), _l("Choisissez un fichier CSV."), ".csv,text/csv")


class CsvConfirmForm(PalierForm):
    """Confirming an import after its preview: the file itself comes back, with the mediator's choices."""

    content = HiddenField()
    create_missing = BooleanField(_l("Créer les fiches des nouveaux participant·es"))
    age_band = age_band_for_new_records(_l("Tranche d'âge des nouveaux participant·es"))
