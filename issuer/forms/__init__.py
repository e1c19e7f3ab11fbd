"""The mediators' and administrators' web forms (Flask-WTF), and how a submitted form is carried out."""

from .admin import ConfirmForm, PasswordForm, ProfileForm, UserForm
from .auth import LoginForm
from .base import PalierForm, choice
from .awards import AwardForm, RevokeForm
from .learners import EraseForm, LearnerForm
from .sessions import BulkAwardForm, CsvImportForm, SessionForm
from .submit import Outcome, run_once

__all__ = [
    "AwardForm", "BulkAwardForm", "ConfirmForm", "CsvImportForm", "EraseForm", "LearnerForm",
    "LoginForm", "Outcome", "PalierForm", "PasswordForm", "ProfileForm", "RevokeForm", "SessionForm", "UserForm",
    "choice",
    "run_once",
]
