"""The learner's page: what can be awarded now first, by branch; earned and locked one tap away; revocation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from skilltree import Branch, Skill, SkillState, SkillTree

from .. import db
from ..collecting import page as handing
from ..errors import Code, NotFound
from ..learners import service as learners
from ..models import Assertion, GameSession, Learner, SessionParticipant, utcnow
from ..network.links import held_elsewhere, linked_structures
from ..network.service import network_size
from ..runtime import runtime
from ..web.auth import actor, current_user, require_staff
from ..web.forms import choice
from ..web.i18n import gettext as _
from ..web.i18n import local_today, short_date
from ..web.recent import remember_seen
from ..web.submit import Page, answer, run_once, submit
from . import service as awarding
from .forms import AwardForm, RevokeForm

bp = Blueprint("mediator", __name__)
SESSION_CHOICES_DAYS = 60


@dataclass(frozen=True)
class BranchView:
    """A branch and some of its skills, lowest tier first, each with where the learner stands on it."""

    branch: Branch
    rows: tuple[tuple[Skill, SkillState], ...]


def by_branch(
    tree: SkillTree, states: dict[str, SkillState], wanted: set[str], also: str = ""
) -> list[BranchView]:
    """The skills whose status is in ``wanted`` (and ``also``), grouped by branch in file order, none empty."""
    out = []
    for branch in tree.branches:
        rows = [
            (skill, states[skill.id])
            for skill in sorted(tree.skills_of(branch.id), key=lambda s: s.tier)
            if states[skill.id].status in wanted or skill.id == also
        ]
        if rows:
            out.append(BranchView(branch, tuple(rows)))
    return out


def _session_choices(learner_id: int) -> tuple[list[Any], int | None]:
    """The recent sessions the learner took part in, and the one held today (preselected), if any."""
    since = utcnow() - timedelta(days=SESSION_CHOICES_DAYS)
    rows = list(
        db.session().scalars(
            select(GameSession)
            .join(SessionParticipant, SessionParticipant.session_id == GameSession.id)
            .where(SessionParticipant.learner_id == learner_id, GameSession.held_on >= since)
            .order_by(GameSession.held_on.desc(), GameSession.id.desc())
            .limit(20)
        )
    )
    today = local_today()
    of_the_day = next((s.id for s in rows if s.held_on.date() == today), None)
    choices = [choice("", _("Aucune"))] + [
        choice(str(s.id), f"{short_date(s.held_on)} — {s.title}") for s in rows
    ]
    return choices, of_the_day


def award_form(skill_id: str, sessions: tuple[list[Any], int | None], formdata: Any = None) -> AwardForm:
    """The award form of one skill; its prefix keeps field ids unique on a page with many forms."""
    choices, of_the_day = sessions
    form = AwardForm(formdata=formdata, prefix=f"s-{skill_id}")
    form.session_id.choices = choices
    if formdata is None and of_the_day is not None:
        form.session_id.data = of_the_day  # the learner is in today's session: that is the context
    return form


def _render_learner(
    learner: Learner, *, failed: AwardForm | None = None, failed_skill: str = "", status: int = 200
) -> tuple[str, int]:
    rt, dbs = runtime(), db.session()
    earned = awarding.earned_skills(dbs, learner.id)
    tree = rt.tree
    states = awarding.tree_status(tree, earned, held_elsewhere(dbs, {learner.id})[learner.id])
    sessions = _session_choices(learner.id)  # one query for the page, shared by every form
    failed_is_locked = failed_skill in states and states[failed_skill].status == "locked"
    forms = {
        skill.id: (
            failed if skill.id == failed_skill and failed is not None else award_form(skill.id, sessions)
        )
        for skill in tree.skills
        if states[skill.id].status == "unlocked"
        or skill.id == failed_skill
        or (states[skill.id].status == "locked" and current_user.is_admin)
    }
    badges = list(
        dbs.scalars(
            select(Assertion).where(Assertion.learner_id == learner.id).order_by(Assertion.issued_on.desc())
        )
    )
    return render_template(
        "awarding/learner.html",
        learner=learner,
        # A refused form stays where it was sent from, with its message (an earned skill sent twice included).
        awardable=by_branch(tree, states, {"unlocked"}, also="" if failed_is_locked else failed_skill),
        locked=by_branch(tree, states, {"locked"}),
        forms=forms,
        failed_skill=failed_skill,
        failed_is_locked=failed_is_locked,
        badges=badges,
        title=learner.display_name,
        portfolio_url=rt.urls.portfolio(learner.portfolio_token) if learner.portfolio_token else None,
        counts=_counts(states.values()),
        show_badges=request.args.get("voir") == "badges",
        handovers=handing.to_show(request.args.get("remise"), learner.id),
        linked=linked_structures(dbs, learner.id),
        networked=network_size(dbs) > 1,
    ), status


def _counts(states: Iterable[SkillState]) -> dict[str, int]:
    counts = {"earned": 0, "unlocked": 0, "locked": 0}
    for state in states:
        counts[state.status] += 1
    return counts


@bp.before_request
def _staff_only() -> ResponseReturnValue | None:
    return require_staff()


@bp.get("/")
def home() -> ResponseReturnValue:
    """The mediators' home is the list of young people; a volunteer's, the sessions (they award there)."""
    return redirect(url_for("sessions.index" if current_user.is_volunteer else "learners.index"))


@bp.get("/jeunes/<id:learner_id>")
def learner(learner_id: int) -> ResponseReturnValue:
    """A young person's tree: what is earned, what can be awarded now, what is still locked and why."""
    found = learners.get(db.session(), learner_id)
    remember_seen(found.id)
    return _render_learner(found)


@bp.post("/jeunes/<id:learner_id>/badges/<skill_id>")
def award(learner_id: int, skill_id: str) -> ResponseReturnValue:
    """Award one badge from the learner's page, then come back to it."""
    found = learners.get(db.session(), learner_id)
    form = award_form(skill_id, _session_choices(found.id), formdata=request.form)
    if not form.validate():
        return _render_learner(found, failed=form, failed_skill=skill_id, status=400)
    evidence = awarding.Evidence(form.narrative.data or "", form.game.data or "", form.url.data or None)

    def act(dbs: Session) -> dict[str, Any]:
        row = awarding.award(
            dbs,
            runtime(),
            learner_id=found.id,
            skill_id=skill_id,
            actor=actor(),
            evidence=evidence,
            now=utcnow(),
            override_reason=form.override_reason.data or None,
            session_id=form.session_id.data,
        )
        # The code that hands this badge over is written with it: both, or neither.
        return {
            "uid": row.uid,
            "name": row.badge_class.name,
            "remise": handing.issue_for(dbs, [found], actor()),
        }

    outcome = run_once(form.token.data, act)
    if not outcome.ok:
        form.refuse(outcome.message)
        return _render_learner(found, failed=form, failed_skill=skill_id, status=outcome.error.status)
    flash(
        _("Badge « %(name)s » délivré à %(who)s.", name=outcome.result["name"], who=found.display_name),
        "success",
    )
    # The confirmation, then the code that hands the badge over, are the first things in <main>.
    remise = handing.as_param(outcome.result.get("remise") or [])
    return redirect(url_for("mediator.learner", learner_id=found.id, remise=remise, _anchor="contenu"))


def _own_badge(learner_id: int, uid: str) -> Assertion:
    row = awarding.find_assertion(db.session(), runtime(), uid)
    if row.learner_id != learner_id:
        raise NotFound(Code.NOT_THEIR_BADGE)
    return row


@bp.route("/jeunes/<id:learner_id>/revoquer/<uid>", methods=["GET", "POST"])
def revoke(learner_id: int, uid: str) -> ResponseReturnValue:
    """Confirm, then revoke a badge with a reason shown to whoever checks it."""
    found = learners.get(db.session(), learner_id)
    badge = _own_badge(found.id, uid)
    form = RevokeForm()
    sent = submit(
        form,
        lambda dbs: {
            "uid": awarding.revoke(
                dbs, runtime(), ref=badge.uid, reason=form.reason.data, actor=actor(), now=utcnow()
            ).uid
        },
    )
    page = Page("awarding/revoke.html", learner=found, badge=badge, form=form, title=_("Révoquer un badge"))
    # Back to the list of badges, opened, where the revoked one now says so.
    return answer(
        sent,
        _("Badge « %(name)s » révoqué.", name=badge.badge_class.name),
        lambda _result: url_for("mediator.learner", learner_id=found.id, voir="badges", _anchor="badges"),
        page,
    )


BLUEPRINTS = (bp,)
