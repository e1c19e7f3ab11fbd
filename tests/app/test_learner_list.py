"""The list of young people at /jeunes/: searched and paged in SQL, a bounded number of statements a page."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from factories import award, login, make_learner, post, query, revoke, text, tier_one_skills
from sqlalchemy import event, func, inspect, select
from sqlalchemy import text as sql_text

from issuer.learners import listing
from issuer.models import Assertion, Learner

NAMES = ["Zoé", "Alix", "Bao", "Chloé", "Élodie", "Noé", "Inès", "Yanis", "Maël", "Lou", "Sacha", "Kenzo"]
_ITEM = re.compile(r'<a href="/jeunes/(\d+)">\s*<span>([^<]*)</span>')
_NEXT = re.compile(r'href="([^"]+)" rel="next"')
_PREV = re.compile(r'href="([^"]+)" rel="prev"')


def _make_many(app, names) -> dict[str, int]:
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    with app.app_context():
        session, now = db.session(), utcnow()
        ids = {
            n: learners.create_learner(session, learners.LearnerData(n), actor=None, now=now).id
            for n in names
        }
        session.commit()
    return ids


def _listed(html: str) -> list[str]:
    """The names of the alphabetical part of the page (after the recently seen, if any)."""
    everyone = html.split('id="everyone-title"', 1)
    return [name for _, name in _ITEM.findall(everyone[1])] if len(everyone) == 2 else []


def _link(pattern: re.Pattern[str], html: str) -> str | None:
    found = pattern.search(html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 5)
    return 5


def test_list_is_in_name_order_ignoring_accents_and_case(app, client):
    _make_many(app, ["bao", "Élodie", "Alix", "Chloé"])
    login(client)
    assert _listed(text(client.get("/jeunes/"))) == ["Alix", "bao", "Chloé", "Élodie"]


def test_pages_follow_one_another_forward_and_back_without_gap_or_repeat(app, client, small_pages):
    _make_many(app, NAMES)
    login(client)
    first = text(client.get("/jeunes/"))
    assert "12 fiches." in first and _link(_PREV, first) is None
    pages, html = [_listed(first)], first
    while (following := _link(_NEXT, html)) is not None:
        html = text(client.get(following))
        pages.append(_listed(html))
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [n for p in pages for n in p] == sorted(NAMES, key=listing.fold)
    assert "Page suivante" in first and "Page précédente" in html
    back = []
    while (previous := _link(_PREV, html)) is not None:
        html = text(client.get(previous))
        back.append(_listed(html))
    assert back == pages[-2::-1]
    assert _link(_NEXT, html) is not None  # back on the first page, it leads on again


def test_a_list_that_fits_one_page_offers_no_page_links(app, client):
    _make_many(app, NAMES[:3])
    login(client)
    html = text(client.get("/jeunes/"))
    assert "Page suivante" not in html and "Page précédente" not in html


@pytest.mark.parametrize("cursor", ["abc", "-1", "99999999999999999999999", "\uff11\uff12", "0"])
def test_a_cursor_that_names_no_record_gives_the_first_page(app, client, small_pages, cursor):
    _make_many(app, NAMES)
    login(client)
    for name in ("apres", "avant"):
        response = client.get("/jeunes/", query_string={name: cursor})
        assert response.status_code == 200
        assert _listed(text(response)) == sorted(NAMES, key=listing.fold)[:5]


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("noe", ["Noé"]),
        ("NOÉ", ["Noé"]),
        ("oe", ["Chloé", "Noé", "Zoé"]),
        ("elo", ["Élodie"]),
        ("  mael ", ["Maël"]),
        ("ines", ["Inès"]),
        ("%", []),
        ("_", []),
        ("xyz", []),
    ],
)
def test_search_finds_partial_names_without_accents_or_case(app, client, search, found):
    _make_many(app, NAMES)
    login(client)
    html = text(client.get("/jeunes/", query_string={"q": search}))
    assert _listed(html) == found
    assert f"{len(found)} résultat" in html


def test_search_pages_keep_the_search(app, client, small_pages):
    _make_many(app, [f"Jeune {n:02d}" for n in range(8)] + NAMES)
    login(client)
    first = text(client.get("/jeunes/", query_string={"q": "jeune"}))
    assert "8 résultats" in first and _listed(first) == [f"Jeune {n:02d}" for n in range(5)]
    second = text(client.get(_link(_NEXT, first)))
    assert _listed(second) == [f"Jeune {n:02d}" for n in range(5, 8)]
    assert _link(_NEXT, second) is None


def test_erased_learners_are_never_listed(app, client, small_pages):
    ids = _make_many(app, NAMES)
    login(client)
    client.get(f"/jeunes/{ids['Alix']}")  # seen, then erased: not among the recently seen either
    post(client, f"/jeunes/{ids['Alix']}/effacer", {"understood": "y", "token": "t-erase"})
    pages, html = [], text(client.get("/jeunes/"))
    while True:
        pages += _listed(html)
        assert "Alix" not in html and "Données effacées" not in html
        following = _link(_NEXT, html)
        if following is None:
            break
        html = text(client.get(following))
    assert len(pages) == len(NAMES) - 1
    assert "11 fiches." in text(client.get("/jeunes/"))
    for search in ("alix", "donnees", "effac"):
        assert _listed(text(client.get("/jeunes/", query_string={"q": search}))) == []


def test_recently_seen_come_first_on_the_first_page_only(app, client, small_pages):
    ids = _make_many(app, NAMES)
    login(client)
    client.get(f"/jeunes/{ids['Zoé']}")
    client.get(f"/jeunes/{ids['Yanis']}")
    html = text(client.get("/jeunes/"))
    recent = html.split('id="everyone-title"')[0]
    assert [name for _, name in _ITEM.findall(recent)] == ["Yanis", "Zoé"]
    assert "Vus récemment" in html
    later = text(client.get(_link(_NEXT, html)))
    assert "Vus récemment" not in later
    searched = text(client.get("/jeunes/", query_string={"q": "zo"}))
    assert [name for _, name in _ITEM.findall(searched.split('id="everyone-title"')[0])] == ["Zoé"]


def test_badge_counts_are_live_badges_of_each_person(app, client):
    ids = _make_many(app, ["Alix", "Bao", "Chloé"])
    skills = tier_one_skills(app)
    award(app, ids["Alix"], skill_id=skills[0])
    award(app, ids["Alix"], skill_id=skills[1])
    revoke(app, award(app, ids["Bao"], skill_id=skills[0]).uid)
    login(client)
    html = text(client.get("/jeunes/"))
    counts = dict(re.findall(r"<span>([^<]*)</span>\s*<span class=\"meta\">\s*(\d+ badges?)", html))
    assert counts == {"Alix": "2 badges", "Bao": "0 badge", "Chloé": "0 badge"}


@contextmanager
def _statements(app):
    """Count the SQL statements the app's engine runs inside the block."""
    from issuer import db

    seen: list[str] = []
    with app.app_context():
        engine = db.engine()

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements_for(app, client, url: str) -> int:
    client.get(url)  # warm: the first request of a client reads the profile and the like once
    with _statements(app) as seen:
        assert client.get(url).status_code == 200
    return len(seen)


@pytest.mark.parametrize("url", ["/jeunes/", "/jeunes/?q=jeune"])
def test_statements_per_page_are_few_and_do_not_grow_with_the_records(app, client, small_pages, url):
    skill = tier_one_skills(app)[0]
    ids = _make_many(app, [f"Jeune {n:02d}" for n in range(3)])
    login(client)
    for learner_id in ids.values():
        award(app, learner_id, skill_id=skill)
        client.get(f"/jeunes/{learner_id}")  # recently seen too
    few = _statements_for(app, client, url)
    more = _make_many(app, [f"Jeune {n:02d}" for n in range(3, 40)])
    for learner_id in list(more.values())[:20]:
        award(app, learner_id, skill_id=skill)
    many = _statements_for(app, client, url)
    following = _statements_for(app, client, _link(_NEXT, text(client.get(url))))
    assert many == few and following <= many
    assert many <= 7, (few, many, following)


def test_the_search_key_follows_the_name(app, client):
    lina = make_learner(app, "Lina")
    login(client)
    post(client, f"/jeunes/{lina}/modifier", {"display_name": "Léa", "age_band": "adult", "token": "t-edit"})
    assert query(app, select(Learner.search_key).where(Learner.id == lina)) == ["lea"]
    assert _listed(text(client.get("/jeunes/", query_string={"q": "lea"}))) == ["Léa"]
    assert _listed(text(client.get("/jeunes/", query_string={"q": "lina"}))) == []
    post(client, f"/jeunes/{lina}/effacer", {"understood": "y", "token": "t-erase"})
    assert query(app, select(Learner.search_key).where(Learner.id == lina)) == ["donnees effacees"]


def test_search_key_migration_folds_every_existing_name(app):
    from alembic import command
    from sqlalchemy import text as sql

    from issuer import db, migrate
    from issuer.models import utcnow

    with app.app_context():
        engine = db.engine()
        db.session().close()
        cfg = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
        assert "search_key" not in {c["name"] for c in inspect(engine).get_columns("learners")}
        insert = sql(
            "INSERT INTO learners (display_name, age_band, notes, recipient_token, portfolio_token, "
            "created_at) VALUES (:name, 'adult', '', :recipient, :portfolio, :now)"
        )
        with engine.begin() as conn:
            for n, name in enumerate(["Noé", "  ÉLODIE  B. ", "Maël"]):
                conn.execute(
                    insert, {"name": name, "recipient": f"r{n}", "portfolio": f"p{n}", "now": utcnow()}
                )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            keys = conn.execute(sql("SELECT search_key FROM learners ORDER BY id")).scalars().all()
        assert "ix_learners_listing" in {i["name"] for i in inspect(engine).get_indexes("learners")}
    assert keys == ["noe", "elodie b.", "mael"]


def test_badge_counts_of_a_page_are_read_from_the_learner_index(app, backend):
    from issuer import db

    with app.app_context():
        indexes = {i["name"]: i["column_names"] for i in inspect(db.engine()).get_indexes("assertions")}
    assert indexes["ix_assertions_learner_id_revoked_at"] == ["learner_id", "revoked_at", "structure_id"]
    if backend != "sqlite":
        return  # PostgreSQL plans from its statistics (ANALYZE); SQLite, without them, must be shown the way
    with app.app_context():
        # As a session bound to a structure runs it: with that structure's filter.
        counts = select(Assertion.learner_id).where(
            Assertion.learner_id.in_([1, 2, 3]), Assertion.revoked_at.is_(None), Assertion.structure_id == 1
        )
        compiled = counts.compile(db.engine(), compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(row[-1]) for row in db.session().execute(sql_text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
    assert "ix_assertions_learner_id_revoked_at" in plan
    # And the revocation list counts a structure's revoked badges from its own index, rows unread.
    with app.app_context():
        revoked = select(func.count(Assertion.id), func.max(Assertion.revoked_at)).where(
            Assertion.revoked_at.is_not(None), Assertion.structure_id == 1
        )
        compiled = revoked.compile(db.engine(), compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(row[-1]) for row in db.session().execute(sql_text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
    assert "COVERING INDEX ix_assertions_revoked_at" in plan
