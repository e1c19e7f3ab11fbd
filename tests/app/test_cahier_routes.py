"""Where the cahier is available: mediator routes, the young person's link, group print, the CLI."""

from __future__ import annotations

import multiprocessing

import pytest
from factories import learner_with_badges, login, pdf_text

from issuer.models import GameSession, utcnow


def log_in(client, dbs, email: str = "mediateur@test.fr") -> None:
    """Sign in through the real login form (the session is recorded on the server)."""
    assert login(client, email).status_code == 302


def is_personal_pdf(response) -> bool:
    """A PDF served inline, never cached nor indexed."""
    return (
        response.status_code == 200
        and response.mimetype == "application/pdf"
        and response.data.startswith(b"%PDF")
        and response.headers["Content-Disposition"].startswith("inline; filename=")
        and response.headers["Cache-Control"] == "private, no-store"
        and response.headers["X-Robots-Tag"] == "noindex"
    )


def make_session(dbs, people) -> GameSession:
    session = GameSession(
        title="Tournoi du mercredi", held_on=utcnow(), place="Médiathèque", game="Overcooked 2"
    )
    session.participants = list(people)
    dbs.add(session)
    dbs.commit()
    return session


@pytest.mark.parametrize("url", ["/jeunes/1/cahier.pdf", "/seances/1/cahiers.pdf"])
def test_cahier_mediator_routes_require_login(client, url):
    response = client.get(url)
    assert response.status_code in (302, 401)
    assert response.mimetype != "application/pdf"


def test_cahier_mediator_route_serves_the_pdf(client, dbs, rt):
    learner, rows = learner_with_badges(dbs, rt, 2, name="Noé")
    log_in(client, dbs)
    response = client.get(f"/jeunes/{learner.id}/cahier.pdf")
    assert is_personal_pdf(response)
    assert 'filename="cahier-open-badges-noe.pdf"' in response.headers["Content-Disposition"]
    assert rows[0].badge_class.name in pdf_text(response.data)


def test_cahier_mediator_route_unknown_learner_is_404(client, dbs):
    log_in(client, dbs)
    assert client.get("/jeunes/9999/cahier.pdf").status_code == 404


def test_cahier_public_route_serves_the_pdf_by_personal_link(client, dbs, rt):
    learner, _ = learner_with_badges(dbs, rt, 1)
    assert is_personal_pdf(client.get(f"/p/{learner.portfolio_token}/cahier.pdf"))


@pytest.mark.parametrize("token", ["pas-un-lien", "x" * 80, "%00"])
def test_cahier_public_route_bad_token_is_404(client, dbs, rt, token):
    learner_with_badges(dbs, rt, 1)
    response = client.get(f"/p/{token}/cahier.pdf")
    assert response.status_code == 404
    assert response.mimetype != "application/pdf"


def test_cahier_public_route_revoked_link_is_404(client, dbs, rt):
    from issuer.learners import service as learners

    learner, _ = learner_with_badges(dbs, rt, 1)
    old = learner.portfolio_token
    learners.renew_portfolio_link(dbs, learner.id, actor=None, now=utcnow())
    dbs.commit()
    assert client.get(f"/p/{old}/cahier.pdf").status_code == 404


def test_cahier_group_print_holds_every_participant(client, dbs, rt):
    lina, _ = learner_with_badges(dbs, rt, 1, name="Lina")
    noe, _ = learner_with_badges(dbs, rt, 2, name="Noé")
    session = make_session(dbs, [lina, noe])
    log_in(client, dbs)
    response = client.get(f"/seances/{session.id}/cahiers.pdf")
    assert is_personal_pdf(response)
    text = pdf_text(response.data)
    assert "Lina" in text and "Noé" in text
    assert text.count("Pour les employeurs") == 2
    assert text.count("page 2 /") == 2  # each cahier keeps its own page numbers


def test_cahier_group_print_refuses_beyond_the_cap(app, client, dbs, rt):
    people = [learner_with_badges(dbs, rt, 0, name=f"Jeune {i}")[0] for i in range(3)]
    session = make_session(dbs, people)
    app.config["PDF_MAX_LEARNERS"] = 2
    log_in(client, dbs)
    response = client.get(f"/seances/{session.id}/cahiers.pdf")
    assert response.status_code == 409
    assert "limitée à 2" in response.get_data(as_text=True)


def test_cahier_timeout_answers_a_french_503_and_leaves_no_child(app, client, dbs, rt):
    learner, _ = learner_with_badges(dbs, rt, 1)
    app.config["PDF_TIMEOUT"] = 0.001
    response = client.get(f"/p/{learner.portfolio_token}/cahier.pdf")
    assert response.status_code == 503
    assert "trop de temps" in response.get_data(as_text=True)
    assert not multiprocessing.active_children()


def test_cahier_memory_cap_answers_a_french_503(app, client, dbs, rt):
    learner, _ = learner_with_badges(dbs, rt, 1)
    app.config["PDF_MEMORY_LIMIT"] = 64 * 1024 * 1024  # far below what WeasyPrint needs
    response = client.get(f"/p/{learner.portfolio_token}/cahier.pdf")
    assert response.status_code == 503
    assert "PDF" in response.get_data(as_text=True)
    assert not multiprocessing.active_children()


def test_cahier_cli_writes_the_pdf(runner, dbs, rt, tmp_path):
    learner, _ = learner_with_badges(dbs, rt, 1)
    target = tmp_path / "cahier.pdf"
    result = runner.invoke(args=["cahier", str(learner.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Cahier écrit" in result.output
    assert target.read_bytes().startswith(b"%PDF")


def test_cahier_cli_prints_a_session(runner, dbs, rt, tmp_path):
    learner, _ = learner_with_badges(dbs, rt, 1)
    session = make_session(dbs, [learner])
    target = tmp_path / "seance.pdf"
    result = runner.invoke(args=["cahier", "--seance", str(session.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cahier", "9999"], "Aucun·e jeune"),
        (["cahier"], "soit l'identifiant"),
        (["cahier", "--seance", "9999"], "Aucune séance"),
    ],
)
def test_cahier_cli_refuses_in_french(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_cahier_is_offered_on_the_learner_session_and_personal_pages(client, dbs, rt):
    learner, _ = learner_with_badges(dbs, rt, 1)
    session = make_session(dbs, [learner])
    assert f"/p/{learner.portfolio_token}/cahier.pdf" in client.get(f"/p/{learner.portfolio_token}").text
    from factories import login

    login(client)
    assert f"/jeunes/{learner.id}/cahier.pdf" in client.get(f"/jeunes/{learner.id}").text
    assert f"/seances/{session.id}/cahiers.pdf" in client.get(f"/seances/{session.id}").text
