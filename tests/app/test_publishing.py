"""The static copy (PUBLISH_DIR): written after each commit, never for a rollback, repaired by
``palier publish --all`` and compared with the database by ``palier publish --check``."""

from __future__ import annotations

import json
import logging
import os
import stat

import pytest
from factories import BROWSER, LD_JSON, award, path, published_to, query, revoke, tier_one_skills
from sqlalchemy import select

from issuer.models import Assertion


@pytest.fixture
def folder(app, tmp_path):
    """The app's publish directory, switched on for this test and first filled by ``publish --all``."""
    return published_to(app, tmp_path / "public")


def rel(url: str) -> str:
    return path(url).lstrip("/")


def test_an_award_is_published_with_the_bytes_the_app_serves(app, client, folder):
    badge = award(app)
    served = client.get(path(badge.url), headers=LD_JSON)
    assert (folder / f"{rel(badge.url)}.json").read_bytes() == served.data
    page = (folder / f"{rel(badge.url)}.html").read_text()
    assert "Badge valide" in page
    assert not (folder / f"{rel(badge.url)}.gone").exists()
    for url in ("/issuer", "/revocations", f"/badges/{badge.skill_id}/v1"):
        name = url.lstrip("/") + ".json"
        assert (folder / name).read_bytes() == client.get(url, headers=LD_JSON).data, url
    image = f"/badges/{badge.skill_id}/v1/image.png"
    assert (folder / image.lstrip("/")).read_bytes() == client.get(image).data
    assert (folder / f"badges/{badge.skill_id}/v1/criteres.html").exists()
    recipient = f"destinataires/{badge.recipient_token}.json"
    assert (folder / recipient).read_bytes() == client.get("/" + recipient[:-5], headers=LD_JSON).data


def test_the_published_page_has_neither_the_moment_of_checking_nor_a_form(app, folder):
    badge = award(app, email="lina@example.org")
    page = (folder / f"{rel(badge.url)}.html").read_text()
    assert "Vérifié le" not in page and "csrf_token" not in page and "<form" not in page.split("<footer")[0]
    assert "Copie publiée des registres" in page


def test_a_revocation_makes_the_assertion_gone_and_rewrites_the_list(app, client, folder):
    badge = award(app)
    revoke(app, badge.uid, "Délivré par erreur.")
    base = folder / rel(badge.url)
    served = client.get(path(badge.url), headers=LD_JSON)
    assert served.status_code == 410
    assert (base.parent / (base.name + ".gone")).read_bytes() == served.data
    assert not (base.parent / (base.name + ".json")).exists()  # nothing left to serve as valid
    assert "Badge révoqué" in (base.parent / (base.name + ".html")).read_text()
    listing = json.loads((folder / "revocations.json").read_bytes())
    assert [entry["id"] for entry in listing["revokedAssertions"]] == [badge.url]


def test_a_transaction_rolled_back_writes_nothing(app, folder):
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.models import utcnow
    from issuer.runtime import runtime

    badge = award(app)
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    with app.app_context():
        session = db.session()
        awarding.revoke(session, runtime(), ref=badge.uid, reason="Essai.", actor=None, now=utcnow())
        session.rollback()
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
    assert not (folder / f"{rel(badge.url)}.gone").exists()


def test_an_erasure_takes_the_recipient_down_and_withdraws_the_badges(app, client, folder):
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    badge = award(app, email=None)
    recipient = folder / f"destinataires/{badge.recipient_token}.json"
    assert recipient.exists()
    with app.app_context():
        session = db.session()
        learners.erase(session, badge.learner_id, actor=None, now=utcnow())
        session.commit()
    assert not recipient.exists()
    assert (folder / f"{rel(badge.url)}.gone").exists()
    assert (
        "effacées"
        in json.loads((folder / "revocations.json").read_bytes())["revokedAssertions"][0]["revocationReason"]
    )


def test_a_profile_change_and_a_key_rotation_are_published(app, client, folder):
    from issuer import db
    from issuer.admin import profile
    from issuer.models import utcnow
    from issuer.publishing.page import wait_for_background
    from issuer.runtime import runtime

    badge = award(app)
    with app.app_context():
        session = db.session()
        profile.update_profile(
            session,
            app.config,
            name="Maison des jeunes",
            url="https://mdj.example.org",
            email="contact@mdj.example.org",
            description="",
            logo_png=None,
            actor=None,
            now=utcnow(),
        )
        session.commit()
    assert wait_for_background(timeout=60)  # every page names the issuer: rewritten in the background
    assert json.loads((folder / "issuer.json").read_bytes())["name"] == "Maison des jeunes"
    assert "Maison des jeunes" in (folder / f"{rel(badge.url)}.html").read_text()
    with app.app_context():
        session = db.session()
        new = runtime().keys.rotate(session, utcnow())
        session.commit()
        kid = new.kid
    assert (folder / f"keys/{kid}.json").exists() and (folder / f"issuer/{kid}.json").exists()
    assert json.loads((folder / "issuer.json").read_bytes())["publicKey"].endswith(kid)


def test_files_are_readable_by_the_web_server_whatever_the_umask(app, folder):
    old = os.umask(0o077)
    try:
        badge = award(app)
    finally:
        os.umask(old)
    made = folder / f"{rel(badge.url)}.json"
    assert stat.S_IMODE(made.stat().st_mode) == 0o644
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o755


def test_a_changed_file_gets_a_later_second_so_its_etag_changes(tmp_path):
    from issuer.publishing import files

    assert files.write(tmp_path, "a/b.json", b"un")
    first = (tmp_path / "a/b.json").stat().st_mtime_ns // 10**9
    assert not files.write(tmp_path, "a/b.json", b"un")  # same bytes: left alone
    assert files.write(tmp_path, "a/b.json", b"deux")
    assert (tmp_path / "a/b.json").stat().st_mtime_ns // 10**9 > first
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a//b", "a/./b", ""])
def test_files_refuse_paths_outside_the_folder(tmp_path, bad):
    from issuer.publishing import files

    with pytest.raises(ValueError):
        files.write(tmp_path, bad, b"x")


def test_a_publishing_failure_never_loses_the_award_and_publish_all_repairs(app, runner, folder, caplog):
    import shutil

    shutil.rmtree(folder)
    folder.write_text("pas un dossier")  # every write below it fails
    with caplog.at_level(logging.ERROR):
        badge = award(app)
    assert query(app, select(Assertion.uid).where(Assertion.uid == badge.uid)) == [badge.uid]
    assert "palier publish --all" in caplog.text
    folder.unlink()
    result = runner.invoke(args=["publish", "--all"])
    assert result.exit_code == 0, result.output
    assert "Copie statique publiée" in result.output
    assert (folder / f"{rel(badge.url)}.json").exists()


def test_publish_check_reports_missing_stale_and_extra_files_in_french(app, runner, folder):
    skills = tier_one_skills(app)
    first = award(app, skill_id=skills[0])
    second = award(app, first.learner_id, skill_id=skills[1])
    assert runner.invoke(args=["publish", "--all"]).exit_code == 0
    clean = runner.invoke(args=["publish", "--check"])
    assert clean.exit_code == 0 and "est à jour" in clean.output, clean.output
    (folder / f"{rel(first.url)}.json").unlink()
    (folder / f"{rel(second.url)}.json").write_bytes(b"{}")
    (folder / "assertions" / "inconnu.json").write_bytes(b"{}")
    (folder / "autre-chose.txt").write_bytes(b"pas a nous")  # outside what publishing owns
    result = runner.invoke(args=["publish", "--check"])
    assert result.exit_code == 1
    assert "Fichiers manquants : 1" in result.output and f"{rel(first.url)}.json" in result.output
    assert "Fichiers périmés : 1" in result.output and f"{rel(second.url)}.json" in result.output
    assert "Fichiers en trop : 1" in result.output and "assertions/inconnu.json" in result.output
    assert "Traceback" not in result.output and "palier publish --all" in result.output
    repaired = runner.invoke(args=["publish", "--all"])
    assert repaired.exit_code == 0, repaired.output
    assert runner.invoke(args=["publish", "--check"]).exit_code == 0
    assert (folder / "autre-chose.txt").exists()


def test_publish_without_a_folder_or_a_choice_explains_itself(app, runner):
    result = runner.invoke(args=["publish", "--all"])
    assert result.exit_code == 1 and "PALIER_PUBLISH_DIR n'est pas réglé" in result.output
    app.config["PUBLISH_DIR"] = "/tmp/palier-unused"
    result = runner.invoke(args=["publish"])
    assert result.exit_code == 1 and "--all" in result.output and "--check" in result.output


def test_without_publish_dir_nothing_is_written(app, tmp_path):
    award(app)
    assert not (tmp_path / "public").exists()


def test_the_static_copy_of_a_page_is_what_the_app_renders_for_a_browser_minus_the_live_parts(
    app, client, folder
):
    badge = award(app)
    criteria = f"/badges/{badge.skill_id}/v1/criteres"
    assert (folder / (criteria.lstrip("/") + ".html")).read_bytes() == client.get(
        criteria, headers=BROWSER
    ).data
    assert (folder / "issuer.html").read_bytes() == client.get("/issuer", headers=BROWSER).data


def _award_to_a_new_learner(app, *, commit: bool):
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow
    from issuer.runtime import runtime

    with app.app_context():
        session = db.session()
        learner = learners.create_learner(session, learners.LearnerData("Léo"), actor=None, now=utcnow())
        # The badge class version is recorded in a savepoint (badgeclasses.current_version), whose
        # release SQLAlchemy also calls « after_commit ».
        row = awarding.award(
            session,
            runtime(),
            learner_id=learner.id,
            skill_id=tier_one_skills(app)[1],
            actor=None,
            evidence=awarding.Evidence("A aidé."),
            now=utcnow(),
        )
        token, uid = learner.recipient_token, row.uid
        session.commit() if commit else session.rollback()
        return token, uid


def test_what_a_transaction_did_before_a_savepoint_is_published_at_its_commit(app, folder):
    token, uid = _award_to_a_new_learner(app, commit=True)
    assert (folder / f"destinataires/{token}.json").exists()
    assert (folder / f"assertions/{uid}.json").exists()
    assert (folder / f"badges/{tier_one_skills(app)[1]}/v1.json").exists()


def test_a_savepoint_released_in_a_transaction_rolled_back_writes_nothing(app, folder):
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    _award_to_a_new_learner(app, commit=False)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


def test_publications_take_turns_so_the_last_one_renders_after_every_commit(app, folder):
    import threading

    from issuer.publishing import files

    badge = award(app)
    gone = folder / f"{rel(badge.url)}.gone"
    with files.locked(folder):  # another worker publishing
        worker = threading.Thread(target=revoke, args=(app, badge.uid))
        worker.start()
        for _ in range(200):  # the revocation is committed; its publication waits for the lock
            if query(app, select(Assertion.revoked_at).where(Assertion.uid == badge.uid))[0] is not None:
                break
            worker.join(0.05)
        assert not gone.exists()
    worker.join(30)
    assert gone.exists()


def test_each_structure_is_published_under_its_own_folder_and_never_removes_another_s(app, client, folder):
    from factories import make_structure

    from issuer import db, tenancy
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow
    from issuer.runtime import runtime, use_structure

    ours = award(app)
    slug = make_structure(app, "voisine")
    with app.app_context():
        found = tenancy.structure_by_slug(db.session(), slug)
        use_structure(found.id, found.slug)
        session, rt = db.session(), runtime()
        person = learners.create_learner(
            session, learners.LearnerData("Yanis", None), actor=None, now=utcnow()
        )
        session.flush()
        row = awarding.award(
            session, rt, learner_id=person.id, skill_id=tier_one_skills(app)[0], actor=None,
            evidence=awarding.Evidence("A mené son équipe."), now=utcnow(),
        )  # fmt: skip
        session.commit()
        theirs = rt.urls.assertion(row.uid)
    assert rel(theirs).startswith(f"s/{slug}/assertions/")
    assert (folder / f"{rel(theirs)}.json").read_bytes() == client.get(path(theirs), headers=LD_JSON).data
    assert not (folder / f"assertions/{row.uid}.json").exists()  # never at the first structure's address
    runner = app.test_cli_runner()
    assert runner.invoke(args=["publish", "--all"], env={"PALIER_STRUCTURE": slug}).exit_code == 0
    assert runner.invoke(args=["publish", "--all"]).exit_code == 0
    assert (folder / f"{rel(ours.url)}.json").exists() and (folder / f"{rel(theirs)}.json").exists()
    for env in ({}, {"PALIER_STRUCTURE": slug}):
        checked = runner.invoke(args=["publish", "--check"], env=env)
        assert checked.exit_code == 0, checked.output


def test_the_archive_verification_page_and_its_script_are_published_for_each_structure(app, folder):
    from factories import make_structure

    page = (folder / "verifier.html").read_text()
    assert "Vérifier un badge" in page and "<form" in page
    assert '<script src="/static/public/verifier.js" defer></script>' in page
    assert "<script>" not in page and "csrf_token" not in page  # no inline script, no session
    script = folder / "static/public/verifier.js"
    assert b"subtle.verify" in script.read_bytes()
    slug = make_structure(app, "voisine")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["publish", "--all"], env={"PALIER_STRUCTURE": slug}).exit_code == 0
    assert "Structure voisine" in (folder / f"s/{slug}/verifier.html").read_text()
    for env in ({}, {"PALIER_STRUCTURE": slug}):
        checked = runner.invoke(args=["publish", "--check"], env=env)
        assert checked.exit_code == 0, checked.output
    (folder / "verifier.html").unlink()
    checked = runner.invoke(args=["publish", "--check"])
    assert checked.exit_code == 1 and "verifier.html" in checked.output


def test_the_nightly_expired_run_rewrites_the_page_of_a_badge_that_expired_since(
    app, folder, tmp_path, private_pem
):
    """The copy of a page says what it said when written: a badge that expired since still reads
    « valide » there until ``palier publish --expired`` (the nightly timer) rewrites it."""
    from factories import set_expired

    badge, kept = award(app, name="Lina"), award(app, name="Sacha")
    page = folder / f"{rel(badge.url)}.html"
    assert "Badge valide" in page.read_text()
    app.config["PUBLISH_DIR"] = str(tmp_path / "elsewhere")  # time passing: nothing rewrites the copy
    set_expired(app, badge.uid, private_pem)
    app.config["PUBLISH_DIR"] = str(folder)
    runner = app.test_cli_runner()
    assert "Badge valide" in page.read_text()
    assert runner.invoke(args=["publish", "--check"]).exit_code == 1
    untouched = (folder / f"{rel(kept.url)}.html").stat().st_mtime_ns
    result = runner.invoke(args=["publish", "--expired"])
    assert result.exit_code == 0, result.output
    assert "Badges expirés : 1 vu(s)" in result.output
    assert "Badge expiré" in page.read_text()
    assert (folder / f"{rel(kept.url)}.html").stat().st_mtime_ns == untouched
    assert runner.invoke(args=["publish", "--check"]).exit_code == 0
    again = runner.invoke(args=["publish", "--expired"])
    assert "1 vu(s), 0 fichier(s) récrit(s)" in again.output


def test_publish_asks_for_exactly_one_mode(app, folder):
    result = app.test_cli_runner().invoke(args=["publish", "--all", "--expired"])
    assert result.exit_code == 1 and "--expired" in result.output
