"""The network's page (network administrators only): its structures, their figures, a new structure."""

from __future__ import annotations

from flask import Blueprint, current_app, url_for
from flask.typing import ResponseReturnValue

from .. import db
from ..accounts.service import normalise_email
from ..models import utcnow
from ..runtime import structure_keys
from ..web.auth import actor, require_network_admin
from ..web.i18n import gettext as _
from ..web.submit import Page, answer, submit
from . import service
from .forms import StructureForm

bp = Blueprint("network", __name__, url_prefix="/reseau")


@bp.before_request
def _network_admins_only() -> ResponseReturnValue | None:
    return require_network_admin()


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """Every structure with its counts (no one's record), and the form that creates one."""
    form = StructureForm()
    config = current_app.config
    sent = submit(
        form,
        lambda dbs: {
            "id": service.create_structure(
                dbs,
                lambda s: structure_keys(config, s.id, s.slug),
                slug=form.slug.data,
                name=form.name.data,
                email=normalise_email(form.email.data),
                url=f"{config['BASE_URL']}/s/{(form.slug.data or '').strip()}",
                actor=actor(),
                now=utcnow(),
            ).id
        },
    )
    rows = service.figures(db.session())
    page = Page("network/index.html", rows=rows, form=form, base=config["BASE_URL"], title=_("Réseau"))
    return answer(
        sent,
        _("Structure créée, avec son profil d'émetteur et sa propre clé de signature."),
        lambda _result: url_for("network.index"),
        page,
    )


BLUEPRINTS = (bp,)
