"""Game sessions: creating one, awarding a badge to several participants, importing a CSV."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..learners.forms import AGE_CHOICES
from ..web.forms import FileField, FileRequired, PalierForm, strip
from ..web.i18n import lazy_gettext as _l


class SessionForm(PalierForm):
    """A game session or event."""

    title = StringField(
        _l("Titre"),
        filters=[strip],
        validators=[
            DataRequired(_l("Donnez un titre à la séance.")),
            Length(max=160, message=_l("160 caractères au plus.")),
        ],
    )
    held_on = DateField(_l("Date"), validators=[InputRequired(_l("Indiquez une date valide (jj/mm/aaaa)."))])
    place = StringField(
        _l("Lieu (facultatif)"),
        filters=[strip],
        validators=[Length(max=160, message=_l("160 caractères au plus."))],
    )
    game = StringField(
        _l("Jeu (facultatif)"),
        filters=[strip],
        validators=[Length(max=160, message=_l("160 caractères au plus."))],
    )
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
    narrative = TextAreaField(
        _l("Observation commune"),
        filters=[strip],
        validators=[Length(max=4000, message=_l("4000 caractères au plus."))],
    )
    url = StringField(
        _l("Lien vers une preuve (facultatif)"),
        filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("500 caractères au plus."))],
        render_kw={"inputmode": "url", "placeholder": "https://", "autocapitalize": "none"},
    )


class CsvImportForm(PalierForm):
    """A tournament's results as a CSV file (columns jeune;competence;observation;lien)."""

    file = FileField(
        _l("Fichier CSV des résultats"),
        validators=[FileRequired(_l("Choisissez un fichier CSV."))],
        render_kw={"accept": ".csv,text/csv"},
    )


class CsvConfirmForm(PalierForm):
    """Confirming an import after its preview: the file itself comes back, with the mediator's choices."""

    content = HiddenField()
    create_missing = BooleanField(_l("Créer les fiches des nouveaux participant·es"))
    age_band = RadioField(_l("Tranche d'âge des nouveaux participant·es"), choices=AGE_CHOICES,
                          validators=[Optional()])  # fmt: skip
