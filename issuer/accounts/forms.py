"""The login form."""

from __future__ import annotations

from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length

from ..web.forms import FlaskForm, strip
from ..web.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    """Email and password of a staff account."""

    email = EmailField(
        _l("Adresse e-mail"),
        filters=[strip],
        validators=[DataRequired(_l("Indiquez votre adresse e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
