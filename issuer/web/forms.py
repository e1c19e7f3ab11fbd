"""What every Palier form shares: a CSRF token, an idempotency token, a place for a service's refusal."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import Field, HiddenField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..accounts.service import normalise_email
from ..errors import PalierError
from .errors import message_of
from .i18n import lazy_gettext as _l
from .once import new_token

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms
    _Choice = None


# Re-exported: the other form modules take Flask-WTF's pieces from here only.
__all__ = [
    "FileField",
    "FileRequired",
    "FlaskForm",
    "PalierForm",
    "choice",
    "email_address",
    "strip",
    "trimmed",
]


class PalierForm(FlaskForm):
    """A form with a hidden one-time token, so that sending it twice does the work once."""

    token = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.token.data:
            self.token.data = new_token()
        self.refusal: str | None = None

    def refuse(self, message: str) -> None:
        """Attach a service's French refusal to the form, shown above its fields."""
        self.refusal = message


def strip(value: str | None) -> str | None:
    """A filter that trims surrounding spaces (keeps None)."""
    return value.strip() if isinstance(value, str) else value


def trimmed(
    field: type[Field],
    label: Any,
    *,
    max: int,
    required: Any = None,
    optional: bool = False,
    validators: tuple[Any, ...] = (),
    **options: Any,
) -> Any:
    """A text field, trimmed, of at most ``max`` characters; ``required`` is the message when left empty
    (``optional`` lets an empty value skip the other checks)."""
    checks: list[Any] = [DataRequired(required)] if required else [Optional()] if optional else []
    checks.append(Length(max=max, message=_l("%(num)d caractères au plus.", num=max)))
    return field(label, filters=[strip], validators=[*checks, *validators], **options)


def upload(label: Any, missing: Any, accept: str) -> Any:
    """A required file field: ``missing`` says what to choose, ``accept`` what the picker offers."""
    return FileField(label, validators=[FileRequired(missing)], render_kw={"accept": accept})


def choice(value: Any, label: Any) -> Any:
    """One option of a select, radio or checkbox list, in the form this WTForms version prefers."""
    return _Choice(value, label) if _Choice is not None else (value, label)


def email_address(_form: Any, field: Any) -> None:
    """A validator: an email address as the services accept it (checked early, with the other fields)."""
    if field.data:
        try:
            normalise_email(field.data)
        except PalierError as exc:
            raise ValidationError(message_of(exc)) from None
